// Maintenance plans without servers: the JSON reader against classes of malformed and hostile plans; the engine
// stepped through a fake adapter (apply, check, revert, batching and within-maintenance order, a crash at every
// point of a run then resume); the journal file (torn last line, corruption, valid UTF-8) and the audit file.
#include <serverops/plan.hpp>
#include <serverops/plan/async_run.hpp>
#include <serverops/plan/fake_system.hpp>
#include <serverops/plan/redfish_adapter.hpp>
#include <serverops/redfish/session.hpp>
#include <serverops/testing/emulator/redfish_module.hpp>
#include <serverops/testing/mock_transport.hpp>

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/thread_pool.hpp>
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace {

using namespace serverops::plan;
using serverops::errc;
using serverops::error;
using serverops::printable;

// ---------------------------------------------------------------------------------------------------- reader

const char* const example_plan = R"({
  "name": "storage-upgrade",
  "reason": "CHG-4711 storage firmware",
  "systems": {
    "alien4cloud": {"base_url": "https://a4c.example:8088"},
    "ucs": {"base_url": "http://ucs.example:8080"},
    "clc": {"base_url": "https://api.ctl.io/v2", "alias": "WA1"},
    "redfish": {"base_url": "https://bmc.example"}
  },
  "steps": [
    {"id": "a4c", "system": "alien4cloud", "action": "maintenance", "state": "on", "message": "storage upgrade"},
    {"id": "ucs", "system": "ucs", "action": "mode", "mode": "maintenance"},
    {"id": "web", "system": "clc", "action": "maintenance", "state": "on",
     "servers": ["wa1aliaswb01", "WA1ALIASWB02", "WA1ALIASWB03"], "max_unavailable": 2},
    {"id": "db-reboot", "system": "clc", "action": "power", "operation": "reboot",
     "servers": ["WA1ALIASDB01", "WA1ALIASDB02"], "max_unavailable": 1, "within_maintenance": true,
     "max_failures": 0},
    {"id": "bmc", "system": "redfish", "action": "power", "operation": "GracefulRestart", "systems": ["1"]}
  ]
})";

TEST(PlanReader, ReadsTheIssuesExample) {
    auto p = read_plan(std::string_view(example_plan));
    ASSERT_TRUE(p) << p.error().message();
    EXPECT_EQ(p.value().name, "storage-upgrade");
    ASSERT_EQ(p.value().steps.size(), 5u);
    const auto& web = p.value().steps[2];
    EXPECT_EQ(web.targets, (std::vector<std::string>{"WA1ALIASWB01", "WA1ALIASWB02", "WA1ALIASWB03"}))
        << "CLC ids upper-cased as the CLC commands do";
    EXPECT_EQ(web.max_unavailable, std::optional<std::size_t>(2));
    EXPECT_TRUE(p.value().steps[3].within_maintenance);
    EXPECT_EQ(p.value().systems.at("clc").alias, std::optional<std::string>("WA1"));
    EXPECT_EQ(step_targets(p.value(), p.value().steps[0]), (std::vector<std::string>{"a4c.example"}))
        << "a whole-system target is its base URL's host";
    // to_json reads back to the same plan (the digest the journal keeps depends on it).
    auto again = read_plan(boost::json::value(to_json(p.value())));
    ASSERT_TRUE(again) << again.error().message();
    EXPECT_EQ(digest(again.value()), digest(p.value()));
}

TEST(PlanReader, SystemsFromTheEnvironmentNeedNoEntryAndNamedSystemsNeedAKind) {
    auto p = read_plan(std::string_view(
        R"({"name":"n","systems":{"east":{"kind":"clc","alias":"wa1"}},"steps":[
            {"id":"a","system":"ucs","action":"mode","mode":"production"},
            {"id":"b","system":"east","action":"power","operation":"power-off","servers":["x"]}]})"));
    ASSERT_TRUE(p) << p.error().message();
    EXPECT_EQ(p.value().systems.at("ucs").kind, system_kind::ucs);
    EXPECT_EQ(p.value().systems.at("east").alias, std::optional<std::string>("WA1"));
    EXPECT_EQ(step_targets(p.value(), p.value().steps[0]), (std::vector<std::string>{"ucs"}));
}

struct malformed_case {
    const char* name;
    std::string json;
    std::string path;  // the JSON path the error must start with
};

std::string with_step(const std::string& step, const std::string& systems = "{}") {
    return R"({"name":"p","systems":)" + systems + R"(,"steps":[)" + step + "]}";
}

std::vector<malformed_case> malformed_plans() {
    const std::string ok_web = R"({"id":"web","system":"clc","action":"maintenance","state":"on","servers":["A"]})";
    std::vector<malformed_case> v = {
        {"not_json", "{", "$"},
        {"not_an_object", "[]", "$"},
        {"unknown_top_field", R"({"name":"p","steps":[)" + ok_web + R"(],"extra":1})", "$.extra"},
        {"missing_name", R"({"steps":[)" + ok_web + "]}", "$.name"},
        {"name_not_string", R"({"name":7,"steps":[)" + ok_web + "]}", "$.name"},
        {"missing_steps", R"({"name":"p"})", "$.steps"},
        {"empty_steps", R"({"name":"p","steps":[]})", "$.steps"},
        {"steps_not_array", R"({"name":"p","steps":{}})", "$.steps"},
        {"step_not_object", with_step("3"), "$.steps[0]"},
        {"unknown_step_field", with_step(R"({"id":"a","system":"ucs","action":"mode","mode":"maintenance","when":1})"),
         "$.steps[0].when"},
        {"missing_id", with_step(R"({"system":"ucs","action":"mode","mode":"maintenance"})"), "$.steps[0].id"},
        {"empty_id", with_step(R"({"id":"","system":"ucs","action":"mode","mode":"maintenance"})"), "$.steps[0].id"},
        {"unknown_system", with_step(R"({"id":"a","system":"vmware","action":"power","operation":"On"})"),
         "$.steps[0].system"},
        {"unknown_system_kind", with_step(ok_web, R"({"east":{"kind":"vmware"}})"), "$.systems.east.kind"},
        {"named_system_without_kind", with_step(ok_web, R"({"east":{"base_url":"http://x"}})"), "$.systems.east.kind"},
        {"kind_contradicts_name", with_step(ok_web, R"({"clc":{"kind":"ucs"}})"), "$.systems.clc.kind"},
        {"bad_base_url", with_step(ok_web, R"({"clc":{"base_url":"ftp//nohost"}})"), "$.systems.clc.base_url"},
        {"url_with_credentials", with_step(ok_web, R"({"clc":{"base_url":"https://u:p@h/v2"}})"),
         "$.systems.clc.base_url"},
        {"alias_on_ucs", with_step(ok_web, R"({"ucs":{"alias":"WA1"}})"), "$.systems.ucs.alias"},
        {"unknown_system_field", with_step(ok_web, R"({"clc":{"token":"t"}})"), "$.systems.clc.token"},
        {"unknown_action", with_step(R"({"id":"a","system":"clc","action":"delete","servers":["A"]})"),
         "$.steps[0].action"},
        {"ucs_has_no_power", with_step(R"({"id":"a","system":"ucs","action":"power","operation":"reboot"})"),
         "$.steps[0].action"},
        {"a4c_has_no_mode", with_step(R"({"id":"a","system":"alien4cloud","action":"mode","mode":"maintenance"})"),
         "$.steps[0].action"},
        {"redfish_has_no_maintenance",
         with_step(R"({"id":"a","system":"redfish","action":"maintenance","state":"on","systems":["1"]})"),
         "$.steps[0].action"},
        {"clc_has_no_mode", with_step(R"({"id":"a","system":"clc","action":"mode","mode":"maintenance","servers":["A"]})"),
         "$.steps[0].action"},
        {"missing_state", with_step(R"({"id":"a","system":"clc","action":"maintenance","servers":["A"]})"),
         "$.steps[0].state"},
        {"bad_state", with_step(R"({"id":"a","system":"clc","action":"maintenance","state":"yes","servers":["A"]})"),
         "$.steps[0].state"},
        {"state_not_string", with_step(R"({"id":"a","system":"clc","action":"maintenance","state":true,"servers":["A"]})"),
         "$.steps[0].state"},
        {"bad_mode", with_step(R"({"id":"a","system":"ucs","action":"mode","mode":"standby"})"), "$.steps[0].mode"},
        {"bad_clc_operation", with_step(R"({"id":"a","system":"clc","action":"power","operation":"ForceOff","servers":["A"]})"),
         "$.steps[0].operation"},
        {"bad_redfish_operation", with_step(R"({"id":"a","system":"redfish","action":"power","operation":"reboot","systems":["1"]})"),
         "$.steps[0].operation"},
        {"value_of_another_action",
         with_step(R"({"id":"a","system":"clc","action":"maintenance","state":"on","operation":"reboot","servers":["A"]})"),
         "$.steps[0].operation"},
        {"message_on_clc", with_step(R"({"id":"a","system":"clc","action":"maintenance","state":"on","message":"m","servers":["A"]})"),
         "$.steps[0].message"},
        {"message_when_off", with_step(R"({"id":"a","system":"alien4cloud","action":"maintenance","state":"off","message":"m"})"),
         "$.steps[0].message"},
        {"missing_servers", with_step(R"({"id":"a","system":"clc","action":"maintenance","state":"on"})"),
         "$.steps[0].servers"},
        {"empty_servers", with_step(R"({"id":"a","system":"clc","action":"maintenance","state":"on","servers":[]})"),
         "$.steps[0].servers"},
        {"servers_not_array", with_step(R"({"id":"a","system":"clc","action":"maintenance","state":"on","servers":"A"})"),
         "$.steps[0].servers"},
        {"server_not_string", with_step(R"({"id":"a","system":"clc","action":"maintenance","state":"on","servers":["A",2]})"),
         "$.steps[0].servers[1]"},
        {"empty_server_id", with_step(R"({"id":"a","system":"clc","action":"maintenance","state":"on","servers":[""]})"),
         "$.steps[0].servers[0]"},
        {"server_twice_any_case", with_step(R"({"id":"a","system":"clc","action":"maintenance","state":"on","servers":["ab","AB"]})"),
         "$.steps[0].servers[1]"},
        {"servers_on_redfish", with_step(R"({"id":"a","system":"redfish","action":"power","operation":"On","servers":["1"]})"),
         "$.steps[0].servers"},
        {"targets_on_ucs", with_step(R"({"id":"a","system":"ucs","action":"mode","mode":"maintenance","servers":["1"]})"),
         "$.steps[0].servers"},
        {"missing_redfish_systems", with_step(R"({"id":"a","system":"redfish","action":"power","operation":"On"})"),
         "$.steps[0].systems"},
        {"max_unavailable_zero", with_step(R"({"id":"a","system":"clc","action":"maintenance","state":"on","servers":["A"],"max_unavailable":0})"),
         "$.steps[0].max_unavailable"},
        {"max_unavailable_negative", with_step(R"({"id":"a","system":"clc","action":"maintenance","state":"on","servers":["A"],"max_unavailable":-3})"),
         "$.steps[0].max_unavailable"},
        {"max_unavailable_fraction", with_step(R"({"id":"a","system":"clc","action":"maintenance","state":"on","servers":["A"],"max_unavailable":1.5})"),
         "$.steps[0].max_unavailable"},
        {"max_unavailable_string", with_step(R"({"id":"a","system":"clc","action":"maintenance","state":"on","servers":["A"],"max_unavailable":"2"})"),
         "$.steps[0].max_unavailable"},
        {"max_failures_negative", with_step(R"({"id":"a","system":"clc","action":"maintenance","state":"on","servers":["A"],"max_failures":-1})"),
         "$.steps[0].max_failures"},
        {"within_maintenance_not_bool", with_step(R"({"id":"a","system":"clc","action":"power","operation":"reboot","servers":["A"],"within_maintenance":1})"),
         "$.steps[0].within_maintenance"},
        {"within_maintenance_on_maintenance", with_step(R"({"id":"a","system":"clc","action":"maintenance","state":"on","servers":["A"],"within_maintenance":true})"),
         "$.steps[0].within_maintenance"},
        {"within_maintenance_on_redfish", with_step(R"({"id":"a","system":"redfish","action":"power","operation":"On","systems":["1"],"within_maintenance":true})"),
         "$.steps[0].within_maintenance"},
        {"duplicate_step_id", R"({"name":"p","steps":[)" + ok_web + "," + ok_web + "]}", "$.steps[1].id"},
    };
    // Hostile text: every control or reordering character, in every kind of name, is rejected and never echoed raw.
    const char* const hostile[] = {"a\\u0000b", "a\\nb", "a\\rb", "a\\u001bb[2J", "a\\u007fb", "a\\u0085b",
                                   "a\\u2028b", "a\\u202eb", "a\\u2066b", "a\\tb"};
    int k = 0;
    for (auto h : hostile) {
        const std::string s(h);
        const auto n = std::to_string(k++);
        v.push_back({"hostile_plan_name", R"({"name":")" + s + R"(","steps":[)" + ok_web + "]}", "$.name"});
        v.push_back({"hostile_step_id",
                     with_step(R"({"id":")" + s + R"(","system":"ucs","action":"mode","mode":"maintenance"})"),
                     "$.steps[0].id"});
        v.push_back({"hostile_system",
                     with_step(R"({"id":"a","system":")" + s + R"(","action":"mode","mode":"maintenance"})"),
                     "$.steps[0].system"});
        v.push_back({"hostile_server",
                     with_step(R"({"id":"a","system":"clc","action":"maintenance","state":"on","servers":["ok",")" + s +
                               R"("]})"),
                     "$.steps[0].servers[1]"});
        v.push_back({"hostile_system_name", with_step(ok_web, R"({")" + s + R"(":{"kind":"clc"}})"), "$.systems."});
        v.push_back({"hostile_alias", with_step(ok_web, R"({"clc":{"alias":")" + s + R"("}})"), "$.systems.clc.alias"});
        (void)n;
    }
    return v;
}

class PlanReaderRejects : public ::testing::TestWithParam<malformed_case> {};

TEST_P(PlanReaderRejects, WithATypedErrorNamingTheJsonPath) {
    const auto& c = GetParam();
    auto p = read_plan(std::string_view(c.json));
    ASSERT_FALSE(p) << c.json;
    EXPECT_TRUE(p.error().is(errc::invalid_request));
    const auto& d = p.error().detail;
    EXPECT_EQ(d.rfind(c.path, 0), 0u) << "detail: " << d;
    EXPECT_EQ(printable(d, d.size()), d) << "the error must not carry a control character raw";
    const auto m = p.error().message();
    EXPECT_EQ(printable(m, m.size()), m);
}

INSTANTIATE_TEST_SUITE_P(Plan, PlanReaderRejects, ::testing::ValuesIn(malformed_plans()),
                         [](const ::testing::TestParamInfo<malformed_case>& i) {
                             return std::string(i.param.name) + "_" + std::to_string(i.index);
                         });

// ---------------------------------------------------------------------------------------------------- engine

// a4c maintenance on (with a message), ucs to maintenance, web: three CLC servers into maintenance two at a time
// (one is in maintenance already), db: two CLC servers rebooted one at a time within maintenance.
maintenance_plan window_plan() {
    auto p = read_plan(std::string_view(R"({
      "name": "window", "reason": "CHG-1",
      "systems": {"alien4cloud": {"base_url": "https://a4c.example"}, "ucs": {"base_url": "http://ucs.example"}},
      "steps": [
        {"id": "a4c", "system": "alien4cloud", "action": "maintenance", "state": "on", "message": "upgrade"},
        {"id": "ucs", "system": "ucs", "action": "mode", "mode": "maintenance"},
        {"id": "web", "system": "clc", "action": "maintenance", "state": "on",
         "servers": ["WB01", "WB02", "WB03", "WB04"], "max_unavailable": 2},
        {"id": "db", "system": "clc", "action": "power", "operation": "reboot",
         "servers": ["DB01", "DB02"], "max_unavailable": 1, "within_maintenance": true}
      ]})"));
    EXPECT_TRUE(p) << p.error().message();
    return p.value();
}

void initial_states(fake_systems& f) {
    f.set("alien4cloud", action_kind::maintenance, "a4c.example", "off");
    f.set("ucs", action_kind::mode, "ucs.example", "production");
    for (auto s : {"WB01", "WB02", "WB04"}) f.set("clc", action_kind::maintenance, s, "off");
    f.set("clc", action_kind::maintenance, "WB03", "on");  // already there: unchanged, never touched
    for (auto s : {"DB01", "DB02"}) {
        f.set("clc", action_kind::power, s, "started");
        f.set("clc", action_kind::maintenance, s, "off");
    }
}

// The states after a complete apply.
std::map<fake_systems::key, std::string> applied_states() {
    fake_systems f;
    initial_states(f);
    f.set("alien4cloud", action_kind::maintenance, "a4c.example", "on");
    f.set("ucs", action_kind::mode, "ucs.example", "maintenance");
    for (auto s : {"WB01", "WB02", "WB04"}) f.set("clc", action_kind::maintenance, s, "on");
    return f.states;
}

std::map<fake_systems::key, std::string> initial_state_map() {
    fake_systems f;
    initial_states(f);
    return f.states;
}

const target_summary* find_target(const plan_report& r, std::string_view step, std::string_view target) {
    for (auto& s : r.steps)
        if (s.id == step)
            for (auto& t : s.targets)
                if (t.target == target) return &t;
    return nullptr;
}

TEST(PlanEngine, ApplyChangesOnlyWhatDiffersAndJournalsEveryChange) {
    fake_systems f;
    initial_states(f);
    memory_journal j;
    memory_audit_log a;
    run_options o;
    o.engine.operator_name = "alice";
    auto r = run_plan(window_plan(), run_mode::apply, f, j, a, o);
    EXPECT_EQ(r.result, "done") << (r.problem ? r.problem->message() : "");
    EXPECT_EQ(exit_code(r), 0);
    EXPECT_EQ(f.states, applied_states());
    EXPECT_EQ(f.deliveries("web", "on", "WB03"), 0u) << "a target already in the desired state is never sent";
    EXPECT_EQ(find_target(r, "web", "WB03")->result, "unchanged");
    EXPECT_EQ(find_target(r, "web", "WB01")->result, "changed");
    EXPECT_EQ(find_target(r, "db", "DB01")->result, "changed");
    EXPECT_EQ(find_target(r, "a4c", "a4c.example")->from, "off");
    EXPECT_EQ(f.deliveries("a4c", "message", "a4c.example"), 1u) << "the A4C message is its own update";
    // Journal: every intent is followed by its outcome and confirmation; it ends the run.
    ASSERT_FALSE(j.records.empty());
    EXPECT_EQ(j.records.front().type, record_type::run_start);
    EXPECT_EQ(j.records.back().type, record_type::run_end);
    std::size_t intents = 0, outcomes = 0, confirmed = 0;
    for (auto& rec : j.records) {
        intents += rec.type == record_type::intent;
        outcomes += rec.type == record_type::outcome;
        confirmed += rec.type == record_type::confirmed;
        if (rec.type == record_type::intent) {
            EXPECT_FALSE(rec.requests.empty());
        }
    }
    EXPECT_EQ(intents, f.sends.size());
    EXPECT_EQ(outcomes, intents);
    EXPECT_EQ(confirmed, intents);
    // Audit: one `sent` and one confirmed line per target per request, with the operator and reason.
    std::size_t targets_sent = 0;
    for (auto& s : f.sends) targets_sent += s.what.targets.size();
    EXPECT_EQ(a.lines.size(), 2 * targets_sent);
    for (auto& l : a.lines) {
        EXPECT_EQ(l.operator_name, "alice");
        EXPECT_EQ(l.reason, "CHG-1");
        EXPECT_EQ(l.plan, "window");
        EXPECT_FALSE(l.job.empty());
        EXPECT_EQ(l.time.size(), 20u) << l.time;
    }
}

TEST(PlanEngine, CheckReadsAndDescribesButSendsNothing) {
    fake_systems f;
    initial_states(f);
    memory_journal j;
    memory_audit_log a;
    auto r = run_plan(window_plan(), run_mode::check, f, j, a);
    EXPECT_EQ(r.result, "done");
    EXPECT_TRUE(f.sends.empty());
    EXPECT_TRUE(j.records.empty());
    EXPECT_TRUE(a.lines.empty());
    EXPECT_EQ(f.states, initial_state_map());
    EXPECT_EQ(find_target(r, "web", "WB01")->result, "would change");
    EXPECT_EQ(find_target(r, "web", "WB03")->result, "unchanged");
    EXPECT_EQ(find_target(r, "db", "DB01")->result, "not reversible");
    // The exact requests: web in two batches (WB03 dropped first), db as enter/reboot/exit per batch.
    const auto& web = r.steps[2];
    ASSERT_EQ(web.requests.size(), 2u);
    EXPECT_EQ(web.requests[0].body, R"(["WB01","WB02"])");
    EXPECT_EQ(web.requests[1].body, R"(["WB04"])");
    EXPECT_EQ(r.steps[3].requests.size(), 6u);
}

TEST(PlanEngine, BatchesAreCutAfterDroppingUnchangedTargetsAndEachIsConfirmedBeforeTheNext) {
    fake_systems f;
    initial_states(f);
    memory_journal j;
    memory_audit_log a;
    auto r = run_plan(window_plan(), run_mode::apply, f, j, a);
    ASSERT_EQ(r.result, "done");
    std::vector<std::string> web;
    for (auto& e : f.events)
        if (e.find(" web ") != std::string::npos || e.find("WB0") != std::string::npos) web.push_back(e);
    ASSERT_EQ(web.size(), 5u);
    EXPECT_EQ(web[0].substr(0, 5), "send ");
    EXPECT_NE(web[0].find("WB01,WB02"), std::string::npos);
    EXPECT_EQ(web[1].substr(0, 5), "done ");
    EXPECT_EQ(web[2].substr(0, 5), "done ");
    EXPECT_NE(web[3].find("send "), std::string::npos) << "the second batch starts after the first is confirmed";
    EXPECT_NE(web[3].find("WB04"), std::string::npos);
}

TEST(PlanEngine, WithinMaintenanceEntersOperatesAndLeavesPerBatch) {
    fake_systems f;
    initial_states(f);
    memory_journal j;
    memory_audit_log a;
    ASSERT_EQ(run_plan(window_plan(), run_mode::apply, f, j, a).result, "done");
    std::vector<std::string> db;
    for (auto& s : f.sends)
        if (s.what.step == "db") db.push_back(s.what.value + " " + s.what.targets.at(0));
    EXPECT_EQ(db, (std::vector<std::string>{"on DB01", "reboot DB01", "off DB01", "on DB02", "reboot DB02", "off DB02"}));
}

TEST(PlanEngine, RevertAfterApplyRestoresPriorStatesAndLeavesUnchangedTargets) {
    fake_systems f;
    initial_states(f);
    memory_journal j;
    memory_audit_log a;
    ASSERT_EQ(run_plan(window_plan(), run_mode::apply, f, j, a).result, "done");
    const auto sends_after_apply = f.sends.size();
    auto r = run_plan(window_plan(), run_mode::revert, f, j, a);
    EXPECT_EQ(r.result, "done") << (r.problem ? r.problem->message() : "");
    EXPECT_EQ(f.states, initial_state_map());
    EXPECT_EQ(f.deliveries("web", "off", "WB03"), 0u) << "unchanged targets are left as they are";
    EXPECT_EQ(find_target(r, "db", "DB01")->result, "not reversible");
    // Each restore is reported from the state found to the state recorded before the apply.
    EXPECT_EQ(find_target(r, "web", "WB01")->from, "on");
    EXPECT_EQ(find_target(r, "web", "WB01")->to, "off");
    EXPECT_EQ(find_target(r, "ucs", "ucs.example")->from, "maintenance");
    for (std::size_t i = sends_after_apply; i < f.sends.size(); ++i)
        EXPECT_NE(f.sends[i].what.value, "reboot") << "a revert never repeats an action";
    // Reverse step order: the web restore comes before the ucs and a4c ones.
    std::vector<std::string> order;
    for (std::size_t i = sends_after_apply; i < f.sends.size(); ++i) order.push_back(f.sends[i].what.step);
    EXPECT_EQ(order, (std::vector<std::string>{"web", "web", "ucs", "a4c"}));
    // A second revert has nothing left to do; apply may start a new run.
    auto again = run_plan(window_plan(), run_mode::revert, f, j, a);
    EXPECT_EQ(again.result, "done");
    EXPECT_EQ(f.sends.size(), sends_after_apply + 4);
    EXPECT_EQ(run_plan(window_plan(), run_mode::apply, f, j, a).result, "done");
    EXPECT_EQ(f.states, applied_states());
}

TEST(PlanEngine, AFailureBeyondMaxFailuresStopsThePlanAndRevertUndoesWhatWasDone) {
    fake_systems f;
    initial_states(f);
    f.failing_jobs.insert({"reboot", "DB01"});  // its reboot job fails
    memory_journal j;
    memory_audit_log a;
    auto r = run_plan(window_plan(), run_mode::apply, f, j, a);
    EXPECT_EQ(r.result, "failed");
    EXPECT_EQ(exit_code(r), 1);
    EXPECT_NE(r.hint.find("revert"), std::string::npos);
    EXPECT_EQ(f.deliveries("db", "reboot", "DB02"), 0u) << "the next batch does not start";
    EXPECT_EQ(f.get("clc", action_kind::maintenance, "DB01"), "on") << "a failed target is left in maintenance";
    EXPECT_EQ(j.records.back().type, record_type::step_done) << "the run stays open";
    // apply refuses an unfinished run.
    EXPECT_EQ(run_plan(window_plan(), run_mode::apply, f, j, a).result, "refused");
    f.failing_jobs.clear();
    auto rv = run_plan(window_plan(), run_mode::revert, f, j, a);
    EXPECT_EQ(rv.result, "done") << (rv.problem ? rv.problem->message() : "");
    EXPECT_EQ(f.states, initial_state_map());
}

TEST(PlanEngine, AReadFailureNotAboutATargetEndsBeforeAnyChange) {
    fake_systems f;
    initial_states(f);
    f.read_error = error(errc::unauthorized, "bad token");
    memory_journal j;
    memory_audit_log a;
    auto r = run_plan(window_plan(), run_mode::apply, f, j, a);
    EXPECT_EQ(r.result, "error");
    EXPECT_EQ(exit_code(r), 3);
    EXPECT_TRUE(f.sends.empty());
    f.read_error.reset();
    EXPECT_EQ(run_plan(window_plan(), run_mode::apply, f, j, a).result, "done") << "a run that changed nothing ended";
}

TEST(PlanEngine, ResumeAndRevertRefuseAPlanThatChanged) {
    fake_systems f;
    initial_states(f);
    f.failing_jobs.insert({"reboot", "DB01"});
    memory_journal j;
    memory_audit_log a;
    ASSERT_EQ(run_plan(window_plan(), run_mode::apply, f, j, a).result, "failed");
    auto changed = window_plan();
    changed.steps[2].max_unavailable = 1;
    EXPECT_EQ(run_plan(changed, run_mode::resume, f, j, a).result, "refused");
    EXPECT_EQ(run_plan(changed, run_mode::revert, f, j, a).result, "refused");
}

// A crash at action k of a run: the process dies before (or, for `late`, just after) doing it.
struct crash_point {
    std::size_t action;
    bool late;  // send: delivered, answer lost; wait: the jobs ran; journal/audit: written
};

// Drives `e` as the sync driver does but dies at `crash`; returns the kind of the action it died at.
engine_action::kind_t drive_until_crash(engine& e, fake_systems& f, memory_journal& j, memory_audit_log& a,
                                        crash_point crash) {
    for (std::size_t k = 0;; ++k) {
        auto act = e.next();
        if (act.kind == engine_action::done) return act.kind;
        if (k == crash.action) {
            if (crash.late) {
                if (act.kind == engine_action::send) (void)f.send(act.what);
                if (act.kind == engine_action::wait) f.run_jobs();
                if (act.kind == engine_action::journal) (void)j.append(act.entry);
                if (act.kind == engine_action::audit) (void)a.write(act.line);
            }
            return act.kind;
        }
        switch (act.kind) {
        case engine_action::read_state: e.on_read(f.read_states(act.read)); break;
        case engine_action::describe: e.on_described(f.describe(act.what)); break;
        case engine_action::journal: e.on_journaled(j.append(act.entry)); break;
        case engine_action::send: e.on_sent(f.send(act.what)); break;
        case engine_action::wait: e.on_waited(f.wait(act.confirm)); break;
        case engine_action::audit: e.on_audited(a.write(act.line)); break;
        case engine_action::done: break;
        }
    }
}

void expect_each_change_delivered_at_most_once(const fake_systems& f, const std::string& where) {
    std::map<std::tuple<std::string, std::string, std::string>, int> n;
    for (auto& s : f.sends)
        for (auto& t : s.what.targets) {
            const auto key = std::tuple{s.what.step, s.what.value, t};
            EXPECT_EQ(++n[key], 1) << where << ": " << s.what.step << " " << s.what.value << " " << t;
        }
}

TEST(PlanEngine, InterruptedAtEveryPointThenResumedNeverResendsAndEndsRight) {
    // The uninterrupted run's length bounds the crash points.
    std::size_t total = 0;
    {
        fake_systems f;
        initial_states(f);
        memory_journal j;
        memory_audit_log a;
        run_options o;
        o.on_action = [&](const engine_action&) { ++total; };
        ASSERT_EQ(run_plan(window_plan(), run_mode::apply, f, j, a, o).result, "done");
    }
    ASSERT_GT(total, 40u);
    int uncertain_runs = 0;
    for (std::size_t k = 0; k + 1 < total; ++k)
        for (bool late : {false, true}) {
            const auto where = "crash at action " + std::to_string(k) + (late ? " (late)" : "");
            fake_systems f;
            initial_states(f);
            memory_journal j;
            memory_audit_log a;
            engine first(window_plan(), run_mode::apply, {});
            const auto died_at = drive_until_crash(first, f, j, a, {k, late});
            ASSERT_NE(died_at, engine_action::done) << where;
            f.run_jobs();  // whatever was queued runs while the operator's laptop is dead

            if (!j.records.empty() && j.records.back().type == record_type::run_end) {  // it had ended
                EXPECT_EQ(f.states, applied_states()) << where;
                continue;
            }
            auto r = run_plan(window_plan(), j.records.empty() ? run_mode::apply : run_mode::resume, f, j, a);
            expect_each_change_delivered_at_most_once(f, where);
            if (r.result == "done") {
                EXPECT_EQ(f.states, applied_states()) << where;
                continue;
            }
            // Only a request whose answer was never journaled can be uncertain, and only when the state cannot
            // tell (it was never delivered, or it is an action such as a reboot).
            ASSERT_EQ(r.result, "uncertain") << where << ": " << (r.problem ? r.problem->message() : "");
            EXPECT_TRUE(died_at == engine_action::send || died_at == engine_action::journal) << where;
            ++uncertain_runs;
            bool named = false;
            for (auto& s : r.steps)
                for (auto& t : s.targets) named = named || t.result == "uncertain";
            EXPECT_TRUE(named) << where;
            // Only the explicit flag sends it again; then the window completes.
            run_options again;
            again.engine.resend_uncertain = true;
            auto r2 = run_plan(window_plan(), run_mode::resume, f, j, a, again);
            EXPECT_EQ(r2.result, "done") << where << (r2.problem ? r2.problem->message() : "");
            EXPECT_EQ(f.states, applied_states()) << where;
        }
    EXPECT_GT(uncertain_runs, 0) << "some crash points fall between an intent and its outcome";
}

TEST(PlanEngine, ResumeAfterACrashDuringTheWaitUsesTheJournaledJob) {
    fake_systems f;
    initial_states(f);
    memory_journal j;
    memory_audit_log a;
    engine e(window_plan(), run_mode::apply, {});
    // Run until the first wait of the web step, then die there.
    for (std::size_t k = 0;; ++k) {
        auto act = e.next();
        ASSERT_NE(act.kind, engine_action::done);
        if (act.kind == engine_action::wait && act.confirm.what.step == "web") {
            ASSERT_TRUE(act.confirm.handle);
            break;
        }
        switch (act.kind) {
        case engine_action::read_state: e.on_read(f.read_states(act.read)); break;
        case engine_action::describe: e.on_described(f.describe(act.what)); break;
        case engine_action::journal: e.on_journaled(j.append(act.entry)); break;
        case engine_action::send: e.on_sent(f.send(act.what)); break;
        case engine_action::wait: e.on_waited(f.wait(act.confirm)); break;
        case engine_action::audit: e.on_audited(a.write(act.line)); break;
        case engine_action::done: break;
        }
    }
    std::vector<wait_request> waits;
    run_options o;
    o.on_action = [&](const engine_action& act) {
        if (act.kind == engine_action::wait) waits.push_back(act.confirm);
    };
    auto r = run_plan(window_plan(), run_mode::resume, f, j, a, o);
    EXPECT_EQ(r.result, "done");
    ASSERT_FALSE(waits.empty());
    ASSERT_TRUE(waits.front().handle) << "the journaled job id is waited on";
    std::string web_job;
    for (auto& rec : j.records)
        if (rec.type == record_type::outcome && rec.step == "web" && web_job.empty()) web_job = rec.job;
    EXPECT_EQ(waits.front().handle->job, web_job);
    expect_each_change_delivered_at_most_once(f, "resume");
}

TEST(PlanEngine, AJournalThatCannotTakeTheIntentStopsBeforeTheSend) {
    for (std::size_t limit = 0; limit < 12; ++limit) {
        fake_systems f;
        initial_states(f);
        memory_journal j;
        j.fail_after = limit;
        memory_audit_log a;
        auto r = run_plan(window_plan(), run_mode::apply, f, j, a);
        EXPECT_NE(r.result, "done") << limit;
        ASSERT_TRUE(r.problem) << limit;
        EXPECT_TRUE(r.problem->is(errc::storage_failure)) << *r.problem;
        std::size_t intents = 0;
        for (auto& rec : j.records) intents += rec.type == record_type::intent;
        EXPECT_EQ(f.sends.size(), intents) << "every send has a durable intent (limit " << limit << ")";
    }
}

// ---------------------------------------------------------------------------------------------------- files

struct temp_dir {
    std::filesystem::path path;
    temp_dir() {
        std::string tmpl = (std::filesystem::temp_directory_path() / "serverops-plan-XXXXXX").string();
        path = ::mkdtemp(tmpl.data());
    }
    ~temp_dir() {
        std::error_code ec;
        std::filesystem::remove_all(path, ec);
    }
};

std::string slurp(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

record hostile_record() {
    record r;
    r.type = record_type::outcome;
    r.run = 3;
    r.step = "web";
    r.batch = 1;
    r.phase = "operation";
    r.sent = true;
    r.job = "job\x01\xff\xfe";
    target_entry t;
    t.target = "WB01";
    t.result = "failed";
    t.error = "server said \"\x1b[2J\" \xc3\x28 \n";
    r.targets.push_back(t);
    return r;
}

TEST(PlanJournalFile, RecordsRoundTripAsValidUtf8JsonLines) {
    temp_dir d;
    const auto path = (d.path / "p.journal.jsonl").string();
    file_journal j(path);
    record start;
    start.type = record_type::run_start;
    start.run = 1;
    start.mode = "apply";
    start.plan = "p";
    ASSERT_TRUE(j.append(start));
    ASSERT_TRUE(j.append(hostile_record()));
    const auto text = slurp(path);
    EXPECT_TRUE(serverops::detail::is_valid_utf8(text));
    EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 2);
    auto back = j.read_all();
    ASSERT_TRUE(back) << back.error().message();
    ASSERT_EQ(back.value().records.size(), 2u);
    EXPECT_FALSE(back.value().torn);
    EXPECT_EQ(back.value().records[0], start);
    EXPECT_EQ(back.value().records[1].targets.at(0).target, "WB01");
    EXPECT_TRUE(serverops::detail::is_valid_utf8(back.value().records[1].job));
}

TEST(PlanJournalFile, ATornLastLineIsReportedIgnoredAndCutBeforeTheNextAppend) {
    for (std::size_t cut : {1u, 10u, 30u}) {
        temp_dir d;
        const auto path = (d.path / "p.journal.jsonl").string();
        {
            file_journal j(path);
            record r;
            r.run = 1;
            ASSERT_TRUE(j.append(r));
        }
        const auto whole = boost::json::serialize(to_json(hostile_record()));
        {
            std::ofstream out(path, std::ios::app | std::ios::binary);
            out << whole.substr(0, cut);  // a crash in the middle of the write
        }
        file_journal j(path);
        auto c = j.read_all();
        ASSERT_TRUE(c) << c.error().message();
        EXPECT_EQ(c.value().records.size(), 1u);
        ASSERT_TRUE(c.value().torn);
        EXPECT_NE(c.value().torn->find("line 2"), std::string::npos);
        ASSERT_TRUE(j.append(hostile_record()));
        auto after = j.read_all();
        ASSERT_TRUE(after) << after.error().message();
        EXPECT_EQ(after.value().records.size(), 2u);
        EXPECT_FALSE(after.value().torn);
    }
}

TEST(PlanJournalFile, ACorruptLineBeforeTheEndIsAnErrorNamingIt) {
    for (std::string bad : {"{not json", "[1,2]", R"({"type":"launch"})", R"({"type":"intent","batch":"x"})"}) {
        auto c = serverops::plan::detail::parse_journal_text(R"({"type":"run_start","run":1})"
                                                             "\n" +
                                                             bad + "\n" + R"({"type":"run_end","run":1})" + "\n");
        ASSERT_FALSE(c) << bad;
        EXPECT_NE(c.error().detail.find("journal line 2"), std::string::npos) << c.error().detail;
    }
}

TEST(PlanJournalFile, AFileThatCannotBeWrittenIsAnErrorNotAThrow) {
    file_journal j("/nonexistent-dir/x.journal.jsonl");
    auto r = j.append(record{});
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().detail.find("/nonexistent-dir/x.journal.jsonl"), std::string::npos);
    EXPECT_TRUE(r.error().is(errc::storage_failure)) << "a local file, never a transport error: " << r.error();
    EXPECT_FALSE(is_transient(r.error()));
    file_audit_log audit("/nonexistent-dir/audit.jsonl");
    auto w = audit.write(audit_line{});
    ASSERT_FALSE(w);
    EXPECT_TRUE(w.error().is(errc::storage_failure)) << w.error();
    auto c = j.read_all();
    ASSERT_TRUE(c) << "a journal that does not exist yet is empty";
    EXPECT_TRUE(c.value().records.empty());
}

TEST(PlanAuditFile, OneValidJsonLinePerWriteWithEveryField) {
    temp_dir d;
    const auto path = (d.path / "audit.jsonl").string();
    file_audit_log log(path);
    audit_line l;
    l.time = rfc3339_utc(std::chrono::system_clock::time_point(std::chrono::seconds(1700000000)));
    l.operator_name = "bob\n";
    l.reason = "CHG\xff";
    l.plan = "p";
    l.step = "web";
    l.system = "clc";
    l.target = "WB01";
    l.action = "maintenance on";
    l.mode = "apply";
    l.result = "sent";
    l.job = "j1";
    ASSERT_TRUE(log.write(l));
    l.result = "changed";
    ASSERT_TRUE(log.write(l));
    const auto text = slurp(path);
    EXPECT_TRUE(serverops::detail::is_valid_utf8(text));
    std::istringstream lines(text);
    std::string line;
    int n = 0;
    while (std::getline(lines, line)) {
        auto v = boost::json::parse(line);
        auto& o = v.as_object();
        for (auto key : {"time", "operator", "reason", "plan", "step", "system", "target", "action", "result", "job"})
            EXPECT_TRUE(o.contains(key)) << key;
        EXPECT_EQ(o.at("time").as_string(), "2023-11-14T22:13:20Z");
        ++n;
    }
    EXPECT_EQ(n, 2);
}

TEST(PlanJournalFile, DefaultPathReplacesTheJsonExtension) {
    EXPECT_EQ(default_journal_path("plans/window.json"), "plans/window.journal.jsonl");
    EXPECT_EQ(default_journal_path("window"), "window.journal.jsonl");
}

// ------------------------------------------------------------------------------------------------------- redfish

namespace rf = serverops::redfish;
using serverops::testing::redfish_power;

/// A redfish::session whose mock transport answers from the emulator's Redfish module (no socket); time is fake:
/// the session's sleeps move the module's clock, so power transitions and task monitors end during a wait.
class redfish_rig {
public:
    serverops::testing::emulator_clock emu_clock{true};
    serverops::testing::redfish_module bmc;
    serverops::testing::mock_transport transport;
    std::unique_ptr<rf::session<serverops::testing::mock_transport&>> session;
    bound_systems systems;

    explicit redfish_rig(serverops::testing::redfish_options opts = {}) : bmc(emu_clock, std::move(opts)) {
        transport.set_handler([this](const serverops::http_request& req) -> serverops::result<serverops::http_response> {
            serverops::header_list headers = req.headers;
            if (!req.body.empty()) headers.set("Content-Type", req.content_type);
            serverops::testing::request_view v;
            v.method = req.method;
            v.method_name = boost::beast::http::to_string(req.method);
            v.target = req.target;
            const auto q = v.target.find('?');
            v.path = v.target.substr(0, q);
            if (q != std::string_view::npos) v.query = v.target.substr(q + 1);
            v.headers = &headers;
            v.body = req.body;
            return bmc.handle(v);
        });
        rf::session_options o;
        o.clock = serverops::sync_clock{[this] { return emu_clock.now(); },
                                        [this](serverops::clock_type::duration d) { emu_clock.advance(d); }};
        session = std::make_unique<rf::session<serverops::testing::mock_transport&>>(
            transport, rf::credentials{"admin", "redfish-demo"},
            rf::context::from_base_url("http://127.0.0.1:8000").value(), std::move(o));
        serverops::polling_policy poll;
        poll.interval = std::chrono::milliseconds(20);
        poll.max_interval = std::chrono::milliseconds(20);
        systems.bind("redfish", make_redfish_binding(*session, poll));
    }

    std::size_t resets() const { return bmc.reset_requests("1") + bmc.reset_requests("2"); }
};

/// The emulator's two systems, both starting in `p` (set_power_state does not outlast the next request: its
/// settle() goes back to the final state of the last reset).
serverops::testing::redfish_options both_starting(redfish_power p) {
    serverops::testing::redfish_options o;
    for (auto& sys : o.systems) sys.initial = p;
    return o;
}

/// System "1" answers 204, system "2" 202 with a task monitor (the emulator's defaults).
maintenance_plan redfish_plan(std::string_view operation, std::string_view systems = R"(["1","2"])") {
    std::string text = R"({"name":"bmc-window","reason":"CHG-7","systems":{"redfish":{"base_url":"http://127.0.0.1:8000"}},
        "steps":[{"id":"bmc","system":"redfish","action":"power","operation":")";
    text += operation;
    text += R"(","systems":)";
    text += systems;
    text += R"(,"max_unavailable":1}]})";
    auto p = read_plan(std::string_view(text));
    EXPECT_TRUE(p) << p.error().message();
    return p.value();
}

TEST(PlanRedfish, ASystemAlreadyInTheDesiredStateIsUnchangedAndReceivesNoReset) {
    for (const char* op : {"On", "ForceOn"}) {
        redfish_rig rig;  // both systems start On
        memory_journal j;
        memory_audit_log a;
        auto r = run_plan(redfish_plan(op), run_mode::apply, rig.systems, j, a);
        EXPECT_EQ(r.result, "done") << op << (r.problem ? r.problem->message() : "");
        for (auto id : {"1", "2"}) {
            ASSERT_NE(find_target(r, "bmc", id), nullptr);
            EXPECT_EQ(find_target(r, "bmc", id)->result, "unchanged") << op;
            EXPECT_EQ(find_target(r, "bmc", id)->to, "On");
        }
        EXPECT_EQ(rig.resets(), 0u) << op;
        EXPECT_TRUE(a.lines.empty()) << "nothing state-changing was sent";
        // A revert leaves unchanged systems as they are.
        EXPECT_EQ(run_plan(redfish_plan(op), run_mode::revert, rig.systems, j, a).result, "done");
        EXPECT_EQ(rig.resets(), 0u) << op;
    }
    redfish_rig off(both_starting(redfish_power::off));
    for (const char* op : {"ForceOff", "GracefulShutdown"}) {
        memory_journal j;
        memory_audit_log a;
        auto r = run_plan(redfish_plan(op), run_mode::apply, off.systems, j, a);
        EXPECT_EQ(r.result, "done") << op;
        EXPECT_EQ(find_target(r, "bmc", "2")->result, "unchanged") << op;
    }
    EXPECT_EQ(off.resets(), 0u);
}

TEST(PlanRedfish, OffToOnIsWaitedForThenRevertRestoresOff) {
    redfish_rig rig(both_starting(redfish_power::off));
    memory_journal j;
    memory_audit_log a;
    auto r = run_plan(redfish_plan("On"), run_mode::apply, rig.systems, j, a);
    ASSERT_EQ(r.result, "done") << (r.problem ? r.problem->message() : "");
    for (auto id : {"1", "2"}) {
        EXPECT_EQ(find_target(r, "bmc", id)->result, "changed");
        EXPECT_EQ(find_target(r, "bmc", id)->from, "Off");
        EXPECT_EQ(find_target(r, "bmc", id)->to, "On");
        EXPECT_EQ(rig.bmc.power_state(id), std::optional(redfish_power::on)) << "confirmed only once On";
        EXPECT_EQ(rig.bmc.accepted_resets(id), (std::vector<std::string>{"On"}));
    }
    EXPECT_NE(find_target(r, "bmc", "2")->job.find("/Monitor"), std::string::npos) << "the 202's task monitor";
    // The journaled request is the target the system advertised, with the ResetType.
    bool journaled = false;
    for (auto& rec : j.records)
        if (rec.type == record_type::intent && !rec.requests.empty()) {
            EXPECT_EQ(rec.requests[0].method, "POST");
            EXPECT_NE(rec.requests[0].path.find("/Actions/ComputerSystem.Reset"), std::string::npos);
            EXPECT_EQ(rec.requests[0].body, R"({"ResetType":"On"})");
            journaled = true;
        }
    EXPECT_TRUE(journaled);

    auto rv = run_plan(redfish_plan("On"), run_mode::revert, rig.systems, j, a);
    ASSERT_EQ(rv.result, "done") << (rv.problem ? rv.problem->message() : "");
    for (auto id : {"1", "2"}) {
        EXPECT_EQ(rig.bmc.power_state(id), std::optional(redfish_power::off));
        EXPECT_EQ(rig.bmc.accepted_resets(id), (std::vector<std::string>{"On", "GracefulShutdown"}))
            << "the gentlest reset back to the prior PowerState";
    }
}

TEST(PlanRedfish, ACrashBetweenIntentAndOutcomeNeverResendsTheReset) {
    for (bool delivered : {true, false}) {
        const std::string where = delivered ? "reset delivered, answer lost" : "died before sending";
        redfish_rig rig(both_starting(redfish_power::off));
        memory_journal j;
        memory_audit_log a;
        engine e(redfish_plan("On"), run_mode::apply, {});
        for (;;) {  // the sync driver, dying at the first send
            auto act = e.next();
            ASSERT_NE(act.kind, engine_action::done) << where;
            if (act.kind == engine_action::send) {
                if (delivered) (void)rig.systems.send(act.what);
                break;
            }
            switch (act.kind) {
            case engine_action::read_state: e.on_read(rig.systems.read_states(act.read)); break;
            case engine_action::describe: e.on_described(rig.systems.describe(act.what)); break;
            case engine_action::journal: e.on_journaled(j.append(act.entry)); break;
            case engine_action::audit: e.on_audited(a.write(act.line)); break;
            default: FAIL() << where << ": " << to_string(act.kind);
            }
        }
        ASSERT_EQ(j.records.back().type, record_type::intent) << where;
        EXPECT_EQ(rig.resets(), delivered ? 1u : 0u);

        auto r = run_plan(redfish_plan("On"), run_mode::resume, rig.systems, j, a);
        EXPECT_EQ(rig.bmc.reset_requests("1"), delivered ? 1u : 0u) << where << ": the journaled intent is never resent";
        if (delivered) {  // the read shows the transition under way: waited for, confirmed, the batch after it runs
            EXPECT_EQ(r.result, "done") << where << (r.problem ? r.problem->message() : "");
            EXPECT_EQ(find_target(r, "bmc", "1")->result, "changed");
            EXPECT_EQ(rig.bmc.power_state("1"), std::optional(redfish_power::on));
        } else {  // still Off, nothing under way: it cannot tell, so it stops naming the system
            EXPECT_EQ(r.result, "uncertain") << where;
            EXPECT_EQ(exit_code(r), 1);
            EXPECT_EQ(find_target(r, "bmc", "1")->result, "uncertain");
            EXPECT_EQ(rig.bmc.reset_requests("2"), 0u) << "the next batch does not start";
            // Only the explicit flag sends it again, once.
            run_options again;
            again.engine.resend_uncertain = true;
            auto r2 = run_plan(redfish_plan("On"), run_mode::resume, rig.systems, j, a, again);
            EXPECT_EQ(r2.result, "done") << (r2.problem ? r2.problem->message() : "");
            EXPECT_EQ(rig.bmc.reset_requests("1"), 1u);
        }
    }
}

TEST(PlanRedfish, RestartsAreListedNotReversibleByCheckAndNeverRepeatedByRevert) {
    for (const char* op : {"GracefulRestart", "ForceRestart", "PowerCycle", "Nmi"}) {
        redfish_rig rig;
        memory_journal j;
        memory_audit_log a;
        auto check = run_plan(redfish_plan(op), run_mode::check, rig.systems, j, a);
        EXPECT_EQ(check.result, "done") << op;
        EXPECT_EQ(find_target(check, "bmc", "1")->result, "not reversible") << op;
        ASSERT_EQ(check.steps.at(0).requests.size(), 2u) << op;
        EXPECT_EQ(check.steps[0].requests[0].path, "/redfish/v1/Systems/1/Actions/ComputerSystem.Reset");
        EXPECT_EQ(check.steps[0].requests[0].body, std::string(R"({"ResetType":")") + op + "\"}");
        EXPECT_EQ(rig.resets(), 0u) << op << ": check sends nothing";

        auto r = run_plan(redfish_plan(op), run_mode::apply, rig.systems, j, a);
        EXPECT_EQ(r.result, "done") << op << (r.problem ? r.problem->message() : "");
        EXPECT_EQ(find_target(r, "bmc", "1")->result, "changed") << op << ": an action is always sent";
        EXPECT_EQ(rig.bmc.power_state("1"), std::optional(redfish_power::on)) << op << ": a restart ends On";
        EXPECT_EQ(rig.resets(), 2u) << op;
        auto rv = run_plan(redfish_plan(op), run_mode::revert, rig.systems, j, a);
        EXPECT_EQ(rv.result, "done") << op;
        EXPECT_EQ(find_target(rv, "bmc", "1")->result, "not reversible") << op;
        EXPECT_EQ(rig.resets(), 2u) << op << ": a revert never repeats an action";
    }
}

TEST(PlanRedfish, AResetTypeTheSystemDoesNotTakeFailsBeforeAnythingIsSent) {
    // System "2" keeps its allowed values in an ActionInfo resource: read with the system, checked before sending.
    serverops::testing::redfish_options opts;
    opts.systems[0].allowable = {"On", "ForceOff"};
    opts.systems[1].allowable = {"On", "ForceOff"};
    redfish_rig rig(opts);
    for (const char* id : {"1", "2"}) {
        memory_journal j;
        memory_audit_log a;
        const std::string systems = std::string("[\"") + id + "\"]";
        auto r = run_plan(redfish_plan("GracefulShutdown", systems), run_mode::apply, rig.systems, j, a);
        EXPECT_EQ(r.result, "failed") << id;
        ASSERT_NE(find_target(r, "bmc", id), nullptr);
        EXPECT_EQ(find_target(r, "bmc", id)->result, "failed") << id;
        EXPECT_NE(find_target(r, "bmc", id)->error.find("not allowed"), std::string::npos)
            << id << ": " << find_target(r, "bmc", id)->error;
    }
    EXPECT_EQ(rig.resets(), 0u);
}

// ------------------------------------------------------------------------------------------------ the async driver

/// Runs `mode` with the async driver over `f` (its calls offloaded to a worker thread); counts completions.
struct async_rig {
    boost::asio::io_context io;
    boost::asio::thread_pool worker{1};
    int completions = 0;

    plan_report run(const maintenance_plan& p, run_mode mode, fake_systems& f, journal& j, audit_log& a,
                    run_options o = {}, boost::asio::cancellation_slot slot = {}) {
        offloaded_systems<fake_systems, boost::asio::io_context::executor_type> systems(f, io.get_executor(),
                                                                                      worker.get_executor());
        plan_report out;
        const int before = completions;
        async_run_plan(p, mode, systems, j, a, std::move(o),
                       boost::asio::bind_cancellation_slot(slot, [&](plan_report r) {
                           ++completions;
                           out = std::move(r);
                       }));
        EXPECT_EQ(completions, before) << "never inside the initiating call";
        io.restart();
        io.run();
        return out;
    }
};

std::vector<record_type> types_of(const memory_journal& j) {
    std::vector<record_type> v;
    for (auto& r : j.records) v.push_back(r.type);
    return v;
}

TEST(PlanAsyncDriver, ApplyAndRevertGiveTheSyncDriversRequestsJournalAndReport) {
    fake_systems sync_f, async_f;
    initial_states(sync_f);
    initial_states(async_f);
    memory_journal sync_j, async_j;
    memory_audit_log sync_a, async_a;
    async_rig rig;
    for (auto mode : {run_mode::check, run_mode::apply, run_mode::revert}) {
        auto expected = run_plan(window_plan(), mode, sync_f, sync_j, sync_a);
        auto got = rig.run(window_plan(), mode, async_f, async_j, async_a);
        EXPECT_EQ(got.result, expected.result) << to_string(mode);
        EXPECT_EQ(exit_code(got), exit_code(expected));
        ASSERT_EQ(got.steps.size(), expected.steps.size());
        for (std::size_t i = 0; i < got.steps.size(); ++i) {
            ASSERT_EQ(got.steps[i].targets.size(), expected.steps[i].targets.size());
            for (std::size_t t = 0; t < got.steps[i].targets.size(); ++t) {
                EXPECT_EQ(got.steps[i].targets[t].target, expected.steps[i].targets[t].target);
                EXPECT_EQ(got.steps[i].targets[t].result, expected.steps[i].targets[t].result);
                EXPECT_EQ(got.steps[i].targets[t].from, expected.steps[i].targets[t].from);
            }
        }
        EXPECT_EQ(async_f.events, sync_f.events) << "the same requests, in the same order, " << to_string(mode);
        EXPECT_EQ(async_f.states, sync_f.states);
        EXPECT_EQ(types_of(async_j), types_of(sync_j));
        EXPECT_EQ(async_a.lines.size(), sync_a.lines.size());
    }
    EXPECT_EQ(rig.completions, 3) << "one completion per run";
    EXPECT_EQ(async_f.states, initial_state_map()) << "revert restored everything";
}

TEST(PlanAsyncDriver, CancellationStopsAtTheNextSafePointAndResumeFinishesWithoutResending) {
    fake_systems f;
    initial_states(f);
    memory_journal j;
    memory_audit_log a;
    async_rig rig;
    boost::asio::cancellation_signal cancel;
    run_options o;
    std::size_t sends = 0;
    o.on_action = [&](const engine_action& act) {
        if (act.kind == engine_action::send && ++sends == 2) cancel.emit(boost::asio::cancellation_type::terminal);
    };
    auto stopped = rig.run(window_plan(), run_mode::apply, f, j, a, o, cancel.slot());
    EXPECT_EQ(stopped.result, "stopped");
    EXPECT_EQ(rig.completions, 1);
    const auto sent_before = f.sends.size();
    EXPECT_GE(sent_before, 2u) << "the send under way was completed and confirmed first";
    EXPECT_LT(sent_before, 6u) << "later steps were not started";

    auto resumed = rig.run(window_plan(), run_mode::resume, f, j, a);
    EXPECT_EQ(resumed.result, "done") << (resumed.problem ? resumed.problem->message() : "");
    EXPECT_EQ(f.states, applied_states());
    EXPECT_EQ(rig.completions, 2);
    for (auto& s : f.sends)
        for (auto& t : s.what.targets) EXPECT_EQ(f.deliveries(s.what.step, s.what.value, t), 1u) << t << " twice";
}

TEST(PlanAsyncDriver, AnUnreadableJournalCompletesWithAnErrorReportAndSendsNothing) {
    class broken_journal final : public journal {
    public:
        serverops::result<void> append(const record&) override { return serverops::success(); }
        serverops::result<journal_contents> read_all() override {
            return serverops::failure(errc::storage_failure, "disk on fire");
        }
    } j;
    fake_systems f;
    initial_states(f);
    memory_audit_log a;
    async_rig rig;
    auto r = rig.run(window_plan(), run_mode::apply, f, j, a);
    EXPECT_EQ(r.result, "error");
    EXPECT_TRUE(f.sends.empty());
    EXPECT_EQ(rig.completions, 1);
}

}  // namespace
