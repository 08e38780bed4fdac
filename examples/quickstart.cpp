// The quickstart tour: starts the embedded emulator on a loopback port and drives it through the library over real
// HTTP, the way you would drive the real APIs. No account and no network needed.
#include <serverops/a4c.hpp>
#include <serverops/a4c/session.hpp>
#include <serverops/beast/sync_transport.hpp>
#include <serverops/clc.hpp>
#include <serverops/clc/session.hpp>
#include <serverops/plan.hpp>
#include <serverops/plan/adapters.hpp>
#include <serverops/redfish.hpp>
#include <serverops/redfish/desired_state.hpp>
#include <serverops/redfish/session.hpp>
#include <serverops/testing/full_emulator.hpp>
#include <serverops/ucs.hpp>
#include <serverops/ucs/session.hpp>
#include <serverops/ucs/wait.hpp>

#include <iostream>

namespace clc = serverops::clc;
using namespace std::chrono_literals;

namespace {

void print(const clc::wait_result& w) {
    for (auto& s : w.servers) {
        std::cout << "    " << s.server_id << ": " << to_string(s.state);
        if (s.last_status) std::cout << " (job " << s.status_id << " " << *s.last_status << ")";
        if (s.problem && s.state != clc::server_state::succeeded) std::cout << " - " << s.problem->message();
        std::cout << '\n';
    }
}

bool tour_clc(const std::string& base_url, const serverops::testing::clc_options& demo) {
    std::cout << "== CenturyLink Cloud v2 at " << base_url << "\n";
    auto endpoint = serverops::parse_endpoint(base_url);
    auto context = clc::context::from_base_url(base_url);
    if (!endpoint || !context) return false;
    clc::session<serverops::beast_sync_transport> session(serverops::beast_sync_transport(endpoint.value()),
                                                          {demo.username, demo.password}, context.value());
    serverops::polling_policy polling;
    polling.interval = 50ms;
    polling.timeout = 30s;

    std::cout << "-- startMaintenance on three servers (one does not exist), waiting for the jobs\n";
    auto started = session.start_and_wait(clc::start_maintenance{{"WA1ALIASWB01", "wa1aliaswb02", "WA1ALIASXX99"}}, polling);
    if (!started) {
        std::cerr << started.error() << '\n';
        return false;
    }
    print(started.value());

    std::cout << "-- setMaintenance: WB01 off, WB03 on\n";
    auto mixed = session.start_and_wait(clc::set_maintenance{{{"WA1ALIASWB01", false}, {"WA1ALIASWB03", true}}}, polling);
    if (!mixed) return false;
    print(mixed.value());

    std::cout << "-- shutDown WB04\n";
    auto down = session.start_and_wait(clc::shut_down{{"WA1ALIASWB04"}}, polling);
    if (!down) return false;
    print(down.value());

    for (auto id : {"WA1ALIASWB01", "WA1ALIASWB03", "WA1ALIASWB04"}) {
        auto server = session.call(clc::get_server{id});
        if (!server) return false;
        std::cout << "    " << server.value().name << ": power " << to_string(server.value().power)
                  << ", maintenance " << (server.value().in_maintenance_mode ? "on" : "off") << '\n';
    }
    return started.value().count(clc::server_state::succeeded) == 2 && mixed.value().all_succeeded() &&
           down.value().all_succeeded();
}

bool tour_a4c(const std::string& base_url) {
    namespace a4c = serverops::a4c;
    std::cout << "\n== Alien4Cloud 3.0 at " << base_url << "\n";
    auto endpoint = serverops::parse_endpoint(base_url);
    auto context = a4c::context::from_base_url(base_url);
    if (!endpoint || !context) return false;
    a4c::session<serverops::beast_sync_transport> admin(serverops::beast_sync_transport(endpoint.value()),
                                                        a4c::form_authenticator{{"admin", "admin"}}, context.value());
    auto report = [](const char* step, const auto& r) {
        std::cout << "-- " << step << ": " << (r ? std::string("ok") : r.error().message()) << '\n';
        return bool(r);
    };
    bool ok = report("enable maintenance", admin.call(a4c::enable_maintenance{}));
    ok &= report("update: \"Upgrading storage\", 40%",
                 admin.call(a4c::update_maintenance{std::string("Upgrading storage"), 40}));
    auto state = admin.call(a4c::get_maintenance_state{});
    if (!state) return false;
    std::cout << "-- status: " << (state.value().enabled ? "enabled" : "disabled") << " by " << state.value().user
              << ", progress " << state.value().progress_percent.value_or(0) << "%, " << state.value().log.size()
              << " log entries\n";
    auto again = admin.call(a4c::enable_maintenance{});
    std::cout << "-- enable again: " << (again ? "ok?!" : again.error().message()) << '\n';
    ok &= report("disable maintenance", admin.call(a4c::disable_maintenance{}));
    return ok && state.value().enabled && state.value().progress_percent == 40 && !again &&
           again.error().is(serverops::errc::conflict);
}

bool tour_ucs(const std::string& base_url) {
    namespace ucs = serverops::ucs;
    std::cout << "\n== Genesys UCS 8.5 at " << base_url << "\n";
    auto endpoint = serverops::parse_endpoint(base_url);
    auto context = ucs::context::from_base_url(base_url);
    if (!endpoint || !context) return false;
    ucs::session<serverops::beast_sync_transport> server(serverops::beast_sync_transport(endpoint.value()), {},
                                                         context.value());
    serverops::polling_policy polling;
    polling.interval = 50ms;
    polling.timeout = 10s;
    bool ok = true;
    for (auto mode : {ucs::server_mode::maintenance, ucs::server_mode::production}) {
        auto status = ucs::switch_mode_and_wait(server, mode, polling);  // rides out the 503s of the switch
        std::cout << "-- switch to " << mode << ": "
                  << (status ? "now in " + std::string(to_string(status.value().mode)) : status.error().message())
                  << '\n';
        ok &= status && status.value().mode == mode;
    }
    return ok;
}

// Redfish, the BMC of a physical server: read a system, power it off and on again as a desired state (a second
// `On` is unchanged, nothing sent), each reset posted once to the target the system advertises and waited for.
bool tour_redfish(const std::string& base_url) {
    namespace redfish = serverops::redfish;
    std::cout << "\n== DMTF Redfish at " << base_url << "\n";
    auto endpoint = serverops::parse_endpoint(base_url);
    auto context = redfish::context::from_base_url(base_url);
    if (!endpoint || !context) return false;
    // auth auto: the service root links a SessionService, so a session (X-Auth-Token) is created, and deleted when
    // `bmc` ends.
    redfish::session<serverops::beast_sync_transport> bmc(serverops::beast_sync_transport(endpoint.value()),
                                                          {"admin", "redfish-demo"}, context.value());
    serverops::polling_policy polling;
    polling.interval = 50ms;
    polling.timeout = 10s;
    bool ok = true;
    for (std::string id : {"1", "2"}) {
        redfish::get_system system;
        system.id = id;
        auto before = bmc.call(system);
        if (!before) {
            std::cout << "-- system " << id << ": " << before.error() << '\n';
            return false;
        }
        std::cout << "-- system " << id << ": " << before.value().power_state_text << '\n';
        for (auto type : {redfish::reset_type::graceful_shutdown, redfish::reset_type::on, redfish::reset_type::on}) {
            auto r = redfish::ensure_power_and_wait(bmc, system, type, polling);
            std::cout << "    " << type << ": ";
            if (!r) {
                std::cout << r.error().message() << '\n';
                ok = false;
                continue;
            }
            std::cout << to_string(r.value().outcome);
            if (r.value().reset && r.value().reset->finished_task) std::cout << " (task monitor polled)";
            if (r.value().reset && r.value().reset->system) std::cout << ", now " << r.value().reset->system->power_state_text;
            std::cout << '\n';
        }
    }
    return ok;
}

// A maintenance window across the three systems, as `serverops plan` runs it from a file: check (sends nothing),
// apply (changes only what differs, batch by batch, journaled), then revert (restores what this plan changed).
bool tour_plan(const serverops::testing::full_emulator& emu) {
    namespace plan = serverops::plan;
    std::cout << "\n== A maintenance plan across the three systems\n";
    const auto& demo = emu.settings().clc;
    std::string text = R"({"name": "storage-upgrade", "reason": "CHG-4711 storage firmware",
      "systems": {"alien4cloud": {"base_url": "A4C"}, "ucs": {"base_url": "UCS"}, "clc": {"base_url": "CLC"}},
      "steps": [
        {"id": "a4c", "system": "alien4cloud", "action": "maintenance", "state": "on", "message": "storage upgrade"},
        {"id": "ucs", "system": "ucs", "action": "mode", "mode": "maintenance"},
        {"id": "web", "system": "clc", "action": "maintenance", "state": "on",
         "servers": ["WA1ALIASWB01", "WA1ALIASWB03", "WA1ALIASWB04"], "max_unavailable": 1}]})";
    for (auto [key, url] : {std::pair{"\"A4C\"", emu.a4c_base_url()}, std::pair{"\"UCS\"", emu.ucs_base_url()},
                            std::pair{"\"CLC\"", emu.clc_base_url()}})
        text.replace(text.find(key), std::string_view(key).size(), "\"" + url + "\"");
    auto window = plan::read_plan(text);
    if (!window) {
        std::cerr << window.error() << '\n';
        return false;
    }
    auto clc_endpoint = serverops::parse_endpoint(emu.clc_base_url());
    auto clc_context = clc::context::from_base_url(emu.clc_base_url());
    auto a4c_context = serverops::a4c::context::from_base_url(emu.a4c_base_url());
    auto ucs_context = serverops::ucs::context::from_base_url(emu.ucs_base_url());
    if (!clc_endpoint || !clc_context || !a4c_context || !ucs_context) return false;
    clc::session<serverops::beast_sync_transport> clc_session(
        serverops::beast_sync_transport(clc_endpoint.value()), {demo.username, demo.password}, clc_context.value());
    serverops::a4c::session<serverops::beast_sync_transport> a4c_session(
        serverops::beast_sync_transport(clc_endpoint.value()), serverops::a4c::form_authenticator{{"admin", "admin"}},
        a4c_context.value());
    serverops::ucs::session<serverops::beast_sync_transport> ucs_session(
        serverops::beast_sync_transport(clc_endpoint.value()), {}, ucs_context.value());
    serverops::polling_policy polling;
    polling.interval = 50ms;
    polling.timeout = 30s;
    plan::bound_systems systems;
    systems.bind("clc", plan::make_clc_binding(clc_session, polling));
    systems.bind("alien4cloud", plan::make_a4c_binding(a4c_session));
    systems.bind("ucs", plan::make_ucs_binding(ucs_session, polling));

    plan::memory_journal journal;  // `serverops plan` keeps it in an fsync'd file beside the plan
    plan::memory_audit_log audit;
    bool ok = true;
    for (auto mode : {plan::run_mode::check, plan::run_mode::apply, plan::run_mode::revert}) {
        auto report = plan::run_plan(window.value(), mode, systems, journal, audit);
        std::cout << "-- " << to_string(mode) << ": " << report.result << '\n';
        for (auto& step : report.steps) {
            for (auto& t : step.targets)
                std::cout << "    " << step.id << " " << t.target << ": " << t.result << " (" << t.from << " -> "
                          << t.to << ")\n";
            if (mode == plan::run_mode::check)
                for (auto& r : step.requests)
                    std::cout << "      would send " << r.method << ' ' << r.path << (r.body.empty() ? "" : " ") << r.body
                              << '\n';
        }
        ok &= plan::exit_code(report) == 0;
    }
    std::cout << "-- " << journal.records.size() << " journal records, " << audit.lines.size() << " audit lines\n";
    return ok;
}

}  // namespace

int main() {
    serverops::testing::full_emulator emulator;  // CenturyLink Cloud, Alien4Cloud, UCS and Redfish on one port
    if (auto started = emulator.start(); !started) {
        std::cerr << "emulator: " << started.error() << '\n';
        return 3;
    }
    std::cout << "emulator listening on " << emulator.base_url() << "\n\n";
    bool ok = tour_clc(emulator.clc_base_url(), emulator.settings().clc);
    ok &= tour_a4c(emulator.a4c_base_url());
    ok &= tour_ucs(emulator.ucs_base_url());
    ok &= tour_redfish(emulator.redfish_base_url());
    ok &= tour_plan(emulator);
    std::cout << (ok ? "\nquickstart: all steps succeeded\n" : "\nquickstart: a step failed\n");
    return ok ? 0 : 1;
}
