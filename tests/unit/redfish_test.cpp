// serverops::redfish through the mock transport: decoders on recorded-style bodies (DMTF mockups, iDRAC, iLO,
// OpenBMC: tests/data/redfish), the Reset action read from the resource and kept on the configured origin, the
// Redfish error body, session / Basic / automatic authentication, task-monitor and power-state waits stepped with a
// fake clock, desired state, async forms; hostile inputs as parametrised classes.
#include <serverops/client.hpp>
#include <serverops/redfish.hpp>
#include <serverops/redfish/desired_state.hpp>
#include <serverops/redfish/session.hpp>
#include <serverops/redfish/wait.hpp>
#include <serverops/testing/mock_transport.hpp>

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

namespace {

using namespace serverops;
using namespace std::chrono_literals;
using serverops::testing::make_response;
using serverops::testing::mock_transport;
namespace rf = serverops::redfish;

std::string data(std::string_view name) {
    std::ifstream in(std::string(SERVEROPS_TEST_DATA_DIR "/redfish/") + std::string(name));
    std::stringstream s;
    s << in.rdbuf();
    EXPECT_FALSE(s.str().empty()) << name;
    return s.str();
}

http_response system_with(std::string_view power, std::string_view id = "1") {
    std::string b = R"({"@odata.id":"/redfish/v1/Systems/)";
    b += id;
    b += R"(","Id":")";
    b += id;
    b += R"(","PowerState":")";
    b += power;
    b += R"(","Actions":{"#ComputerSystem.Reset":{"target":"/redfish/v1/Systems/)";
    b += id;
    b += R"(/Actions/ComputerSystem.Reset"}}})";
    return make_response(200, b);
}

struct fake_time {
    clock_type::time_point now = clock_type::time_point{} + 1h;
    std::vector<clock_type::duration> sleeps;
    sync_clock clock() {
        return sync_clock{[this] { return now; }, [this](clock_type::duration d) {
                              sleeps.push_back(d);
                              now += d;
                          }};
    }
};

polling_policy policy(std::chrono::milliseconds interval = 100ms, std::chrono::milliseconds timeout = 10s) {
    polling_policy p;
    p.interval = interval;
    p.timeout = timeout;
    p.max_consecutive_poll_errors = 3;
    return p;
}

rf::context origin_context() { return rf::context::from_base_url("https://bmc.example:8443").value(); }

using mock_client = client<mock_transport&, rf::context>;

/// The error of a result that should have failed; a success gives an error of no serverops kind, so the
/// expectation fails instead of the test aborting on `error()` of a successful result.
template <class T>
error error_of(const result<T>& r) {
    if (!r) return r.error();
    error e;
    e.detail = "(it succeeded)";
    return e;
}

// ---------------------------------------------------------------- decoders on real shapes

TEST(RedfishDecode, ServiceRootOfTheDmtfMockup) {
    auto r = rf::get_service_root{}.decode(make_response(200, data("service_root_dmtf.json")));
    ASSERT_TRUE(r) << r.error();
    EXPECT_EQ(r.value().redfish_version, "1.15.0");
    EXPECT_EQ(r.value().systems_uri, "/redfish/v1/Systems");
    EXPECT_EQ(r.value().sessions_uri, "/redfish/v1/SessionService/Sessions");
    EXPECT_TRUE(r.value().has_session_service());
    auto bare = rf::get_service_root{}.decode(make_response(200, R"({"RedfishVersion":"1.0.0","Systems":{"@odata.id":"/redfish/v1/Systems"}})"));
    ASSERT_TRUE(bare);
    EXPECT_FALSE(bare.value().has_session_service());
    EXPECT_EQ(rf::get_service_root{}.target(rf::context{}), "/redfish/v1/");
}

TEST(RedfishDecode, SystemsCollection) {
    auto r = rf::list_systems{}.decode(make_response(200, data("systems_collection_dmtf.json")));
    ASSERT_TRUE(r) << r.error();
    ASSERT_EQ(r.value().members.size(), 2u);
    EXPECT_EQ(r.value().members[0].uri, "/redfish/v1/Systems/437XR1138R2");
    EXPECT_EQ(r.value().members[1].id, "2288HV5-1");
    EXPECT_EQ(r.value().count, 2);
    auto bad = rf::list_systems{}.decode(make_response(200, R"({"Members":[{"@odata.id":"/a"},{"@odata.id":7}]})"));
    ASSERT_FALSE(bad);
    EXPECT_TRUE(error_of(bad).is(errc::unexpected_response));
    EXPECT_NE(bad.error().detail.find("$.Members[]['@odata.id']"), std::string::npos) << bad.error();
}

struct system_case {
    const char* file;
    const char* id;
    rf::power_state power;
    const char* target;
    std::optional<std::vector<std::string>> allowed;
    std::optional<std::string> action_info;
};

class RedfishSystemShapes : public ::testing::TestWithParam<system_case> {};

TEST_P(RedfishSystemShapes, DecodeTheResetActionAsAdvertised) {
    const auto& c = GetParam();
    auto r = rf::get_system{c.id, ""}.decode(make_response(200, data(c.file)));
    ASSERT_TRUE(r) << r.error();
    EXPECT_EQ(r.value().id, c.id);
    EXPECT_EQ(r.value().power, c.power);
    EXPECT_EQ(r.value().reset_target, c.target);
    EXPECT_EQ(r.value().allowed_reset_types, c.allowed);
    EXPECT_EQ(r.value().reset_action_info, c.action_info);
}

INSTANTIATE_TEST_SUITE_P(
    RedfishVendors, RedfishSystemShapes,
    ::testing::Values(
        system_case{"system_dmtf.json", "437XR1138R2", rf::power_state::on,
                    "/redfish/v1/Systems/437XR1138R2/Actions/ComputerSystem.Reset",
                    std::vector<std::string>{"On", "ForceOff", "GracefulShutdown", "GracefulRestart", "ForceRestart",
                                             "Nmi", "ForceOn", "PushPowerButton"},
                    std::nullopt},
        system_case{"system_idrac.json", "System.Embedded.1", rf::power_state::off,
                    "/redfish/v1/Systems/System.Embedded.1/Actions/ComputerSystem.Reset",
                    std::vector<std::string>{"On", "ForceOff", "ForceRestart", "GracefulRestart", "GracefulShutdown",
                                             "PushPowerButton", "Nmi", "PowerCycle"},
                    std::nullopt},
        system_case{"system_ilo.json", "1", rf::power_state::on, "/redfish/v1/Systems/1/Actions/ComputerSystem.Reset/",
                    std::vector<std::string>{"On", "ForceOff", "ForceRestart", "Nmi", "PushPowerButton"}, std::nullopt},
        system_case{"system_openbmc.json", "system", rf::power_state::powering_on,
                    "/redfish/v1/Systems/system/Actions/ComputerSystem.Reset", std::nullopt,
                    std::string("/redfish/v1/Systems/system/ResetActionInfo")}));

TEST(RedfishDecode, OpenBmcActionInfoListsTheAllowedValues) {
    auto sys = rf::get_system{"system", ""}.decode(make_response(200, data("system_openbmc.json"))).value();
    EXPECT_TRUE(sys.allows(rf::reset_type::nmi)) << "nothing listed yet: every value is offered";
    auto info = rf::get_action_info{*sys.reset_action_info}.decode(make_response(200, data("action_info_openbmc.json")));
    ASSERT_TRUE(info) << info.error();
    sys = rf::with_action_info(sys, info.value());
    EXPECT_TRUE(sys.allows(rf::reset_type::power_cycle));
    EXPECT_FALSE(sys.allows(rf::reset_type::nmi));
}

TEST(RedfishDecode, UnknownPowerStateIsKeptAsText) {
    auto r = rf::get_system{"1", ""}.decode(make_response(200, R"({"Id":"1","PowerState":"Hibernating"})"));
    ASSERT_TRUE(r) << r.error();
    EXPECT_EQ(r.value().power, rf::power_state::unknown);
    EXPECT_EQ(r.value().power_state_text, "Hibernating");
    EXPECT_TRUE(r.value().reset_target.empty());
    EXPECT_EQ(r.value().uri, "/redfish/v1/Systems/1") << "the URI read from when the body has no @odata.id";
}

class RedfishHostileSystemBodies : public ::testing::TestWithParam<std::pair<const char*, errc>> {};

TEST_P(RedfishHostileSystemBodies, AreTypedErrors) {
    auto r = rf::get_system{"1", ""}.decode(make_response(200, GetParam().first));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().kind(), GetParam().second) << r.error();
    EXPECT_EQ(r.error().http_status, 200u);
}

INSTANTIATE_TEST_SUITE_P(
    RedfishWrongTypesAndGarbage, RedfishHostileSystemBodies,
    ::testing::Values(std::pair{R"({"PowerState":1})", errc::unexpected_response},
                      std::pair{R"({"PowerState":["On"]})", errc::unexpected_response},
                      std::pair{R"({"Actions":[]})", errc::unexpected_response},
                      std::pair{R"({"Actions":{"#ComputerSystem.Reset":"x"}})", errc::unexpected_response},
                      std::pair{R"({"Actions":{"#ComputerSystem.Reset":{"target":5}}})", errc::unexpected_response},
                      std::pair{R"({"Actions":{"#ComputerSystem.Reset":{"target":"/t","ResetType@Redfish.AllowableValues":"On"}}})",
                                errc::unexpected_response},
                      std::pair{R"({"Actions":{"#ComputerSystem.Reset":{"target":"/t","ResetType@Redfish.AllowableValues":[1]}}})",
                                errc::unexpected_response},
                      std::pair{R"(["not","an","object"])", errc::unexpected_response},
                      std::pair{"<html>gateway</html>", errc::malformed_response},
                      std::pair{R"({"PowerState":"On")", errc::malformed_response},
                      std::pair{"", errc::malformed_response}));

TEST(RedfishDecode, HugeGarbageBodyIsMalformedNotACrash) {
    std::string garbage(1 << 20, '\x7f');
    garbage[0] = '{';
    auto r = rf::get_system{"1", ""}.decode(make_response(200, garbage));
    ASSERT_FALSE(r);
    EXPECT_TRUE(error_of(r).is(errc::malformed_response));
    std::string huge = R"({"Id":"1","PowerState":"On","Name":")" + std::string(1 << 20, 'n') + "\"}";
    auto h = rf::get_system{"1", ""}.decode(make_response(200, huge));
    ASSERT_TRUE(h);
    EXPECT_LE(h.value().name->size(), 256u) << "server text is bounded";
}

// ---------------------------------------------------------------- error bodies

TEST(RedfishErrors, MessageIdIsTheVendorCodeKeptWhole) {
    auto r = rf::get_system{"1", ""}.decode(make_response(401, data("error_idrac_auth.json")));
    ASSERT_FALSE(r);
    EXPECT_TRUE(error_of(r).is(errc::unauthorized));
    EXPECT_EQ(r.error().vendor_code, "IDRAC.2.7.SYS415");
    EXPECT_NE(r.error().vendor_message.find("authentication failed"), std::string::npos);
    EXPECT_NE(r.error().vendor_message.find("Resolution: Enter valid user name"), std::string::npos) << r.error();
    auto nf = rf::get_system{"1", ""}.decode(make_response(404, data("error_idrac_reset_not_found.json")));
    EXPECT_TRUE(error_of(nf).is(errc::not_found));
    EXPECT_EQ(error_of(nf).vendor_code, "IDRAC.2.1.SYS403");
    const std::string long_id = "Base.1.8.ActionParameterValueNotInList.WithAVeryLongRegistryAndMessageName";
    auto l = rf::get_system{"1", ""}.decode(make_response(400, R"({"error":{"code":"Base.1.8.GeneralError","@Message.ExtendedInfo":[{"MessageId":")" + long_id + R"("}]}})"));
    EXPECT_EQ(error_of(l).vendor_code, long_id);
    EXPECT_NE(error_of(l).message().find(long_id), std::string::npos) << "printed whole";
}

class RedfishOddErrorBodies : public ::testing::TestWithParam<std::pair<const char*, const char*>> {};

TEST_P(RedfishOddErrorBodies, AreToleratedWithWhatCanBeRead) {
    auto r = rf::get_system{"1", ""}.decode(make_response(500, GetParam().first));
    ASSERT_FALSE(r);
    EXPECT_TRUE(error_of(r).is(errc::server_error));
    EXPECT_EQ(r.error().vendor_code, GetParam().second) << r.error();
}

INSTANTIATE_TEST_SUITE_P(
    RedfishMissingAndWrongPieces, RedfishOddErrorBodies,
    ::testing::Values(std::pair{R"({"error":{"code":"Base.1.0.InternalError","message":"boom"}})", "Base.1.0.InternalError"},
                      std::pair{R"({"error":{"@Message.ExtendedInfo":[{"MessageId":"Base.1.8.GeneralError"}]}})", "Base.1.8.GeneralError"},
                      std::pair{R"({"error":{"code":7,"@Message.ExtendedInfo":{"MessageId":"x"}}})", ""},
                      std::pair{R"({"error":{"@Message.ExtendedInfo":[1,"x",{"MessageId":3},{"MessageId":"Oem.1.0.Busy"}]}})", "Oem.1.0.Busy"},
                      std::pair{R"({"@Message.ExtendedInfo":[{"MessageId":"IDRAC.2.9.SWC0001"}]})", "IDRAC.2.9.SWC0001"},
                      std::pair{R"({"error":"text"})", ""}, std::pair{R"({"error":{}})", ""}, std::pair{"[]", ""},
                      std::pair{"plain text", ""}, std::pair{"", ""}));

TEST(RedfishErrors, EchoedTokenAndPasswordNeverAppear) {
    const std::string token = "tok-3f9c2a7be41d";
    const std::string password = "s3cr3t-Passw0rd";
    mock_transport t;
    // The service echoes the token (and the password, JSON-escaped) in an error of a later call.
    t.push(make_response(201, "", {{"X-Auth-Token", token}, {"Location", "/redfish/v1/SessionService/Sessions/9"}}));
    t.push(make_response(400, R"({"error":{"code":"Base.1.8.GeneralError","message":"bad token )" + token +
                                  R"( for s3cr3t-Passw\u0030rd","@Message.ExtendedInfo":[{"MessageId":"X.1.0.Y","Message":"X-Auth-Token: )" +
                                  token + R"("}]}})"));
    rf::session_options o;
    o.auth = rf::auth_mode::session;
    o.retry = retry_policy::none();
    o.logout_on_destruction = false;
    rf::session<mock_transport&> s(t, {"root", password}, {}, o);
    auto r = s.call(rf::get_system{"1", ""});
    ASSERT_FALSE(r);
    const auto text = r.error().message() + r.error().vendor_message + r.error().detail;
    EXPECT_EQ(text.find(token), std::string::npos) << text;
    EXPECT_EQ(text.find("s3cr3t-Passw"), std::string::npos) << text;
    EXPECT_NE(text.find("***"), std::string::npos) << text;
}

// ---------------------------------------------------------------- links stay on the configured service

class RedfishOffOriginTargets : public ::testing::TestWithParam<const char*> {};

TEST_P(RedfishOffOriginTargets, AreRefusedBeforeSending) {
    mock_transport t;
    mock_client c(t, origin_context());
    auto sys = rf::get_system{"1", ""}.decode(system_with("On")).value();
    sys.reset_target = GetParam();
    auto r = c.call(rf::reset::of(sys, rf::reset_type::force_off));
    ASSERT_FALSE(r);
    EXPECT_TRUE(error_of(r).is(errc::invalid_request)) << r.error();
    EXPECT_FALSE(r.error().may_have_executed);
    EXPECT_EQ(t.request_count(), 0u);
    const auto m = r.error().message();
    EXPECT_EQ(m.find('\r'), std::string::npos);
    EXPECT_EQ(m.find('\n'), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(
    RedfishHostile, RedfishOffOriginTargets,
    ::testing::Values("https://evil.example/redfish/v1/Systems/1/Actions/ComputerSystem.Reset",
                      "https://bmc.example:9443/redfish/v1/Systems/1/Actions/ComputerSystem.Reset",
                      "http://bmc.example:8443/redfish/v1/Systems/1/Actions/ComputerSystem.Reset",
                      "https://user:pw@bmc.example:8443/x", "//evil.example/redfish/v1/x", "ftp://bmc.example/x",
                      "Actions/ComputerSystem.Reset", "/redfish/v1/Systems/1/../../../admin",
                      "/redfish/v1/Systems/1/%2e%2E/x", "/redfish/v1/Systems/1\r\nX-Injected: 1",
                      "/redfish/v1/Systems/1%0d%0aX: 1", "/redfish/v1/Systems/1 HTTP/1.1", "/redfish\\v1\\x",
                      "/redfish/v1/x#frag", "javascript:alert(1)"));

TEST(RedfishLinks, SameOriginAbsoluteUrlsAndProxyPrefixes) {
    auto ctx = origin_context();
    EXPECT_EQ(same_origin_target("https://BMC.example:8443/redfish/v1/TaskService/Tasks/1?x=1", &*ctx.origin, "").value(),
              "/redfish/v1/TaskService/Tasks/1?x=1");
    auto proxied = rf::context::from_base_url("http://127.0.0.1:8080/bmc1").value();
    EXPECT_EQ((rf::get_system{"1", ""}.target(proxied)), "/bmc1/redfish/v1/Systems/1");
    EXPECT_EQ(same_origin_target("/bmc1/redfish/v1/Systems/1", &*proxied.origin, proxied.path_prefix).value(),
              "/bmc1/redfish/v1/Systems/1");
    EXPECT_TRUE(error_of(same_origin_target("http://127.0.0.1/x", &*proxied.origin, "")).is(errc::invalid_request))
        << "port 80 is not port 8080";
    EXPECT_FALSE(same_origin_target("https://bmc.example:8443/x", nullptr, "")) << "no origin: paths only";
    EXPECT_EQ((rf::get_system{"a/b", ""}.target(rf::context{})), "/redfish/v1/Systems/a%2Fb");
    EXPECT_EQ((rf::get_system{"..", ""}.target(rf::context{})), "/redfish/v1/Systems/%2E%2E");
}

// ---------------------------------------------------------------- reset

TEST(RedfishReset, PostsToTheAdvertisedTargetAndReadsEachAnswer) {
    mock_transport t;
    auto ilo = rf::get_system{"1", ""}.decode(make_response(200, data("system_ilo.json"))).value();
    t.push(make_response(204));
    t.push(make_response(200, R"({"@Message.ExtendedInfo":[{"MessageId":"Base.1.4.Success","Message":"Successfully Completed Request","Severity":"OK"}]})"));
    t.push(make_response(202, R"({"@odata.id":"/redfish/v1/TaskService/Tasks/7","TaskState":"New"})",
                         {{"Location", "/redfish/v1/TaskService/TaskMonitors/7"}}));
    t.push(make_response(202, R"({"@odata.id":"/redfish/v1/TaskService/Tasks/8"})"));
    t.push(make_response(202, "not json"));
    mock_client c(t, origin_context());
    auto a = c.call(rf::reset::of(ilo, rf::reset_type::force_off));
    ASSERT_TRUE(a) << a.error();
    EXPECT_EQ(a.value().status, 204u);
    EXPECT_FALSE(a.value().task_monitor);
    const auto sent = t.requests();
    const auto& req = sent[0];
    EXPECT_EQ(req.method, verb::post);
    EXPECT_EQ(req.target, "/redfish/v1/Systems/1/Actions/ComputerSystem.Reset/") << "iLO's trailing '/' kept";
    EXPECT_EQ(req.body, R"({"ResetType":"ForceOff"})");
    EXPECT_FALSE(req.idempotent);
    auto b = c.call(rf::reset::of(ilo, rf::reset_type::on));
    ASSERT_TRUE(b);
    ASSERT_EQ(b.value().messages.size(), 1u);
    EXPECT_EQ(b.value().messages[0].message_id, "Base.1.4.Success");
    EXPECT_EQ(c.call(rf::reset::of(ilo, rf::reset_type::on)).value().task_monitor, "/redfish/v1/TaskService/TaskMonitors/7");
    EXPECT_EQ(c.call(rf::reset::of(ilo, rf::reset_type::on)).value().task_monitor, "/redfish/v1/TaskService/Tasks/8")
        << "202 without Location: the body's @odata.id";
    auto none = c.call(rf::reset::of(ilo, rf::reset_type::on));
    ASSERT_TRUE(none) << "accepted, even without a monitor";
    EXPECT_FALSE(none.value().task_monitor);
}

TEST(RedfishReset, ATypeOutsideTheAllowedValuesIsRefusedListingThem) {
    mock_transport t;
    mock_client c(t);
    auto ilo = rf::get_system{"1", ""}.decode(make_response(200, data("system_ilo.json"))).value();
    auto r = c.call(rf::reset::of(ilo, rf::reset_type::graceful_shutdown));
    ASSERT_FALSE(r);
    EXPECT_TRUE(error_of(r).is(errc::invalid_request));
    EXPECT_NE(r.error().detail.find("GracefulShutdown is not allowed"), std::string::npos) << r.error();
    EXPECT_NE(r.error().detail.find("On, ForceOff, ForceRestart, Nmi, PushPowerButton"), std::string::npos) << r.error();
    EXPECT_EQ(t.request_count(), 0u);
    rf::computer_system no_action;
    no_action.id = "7";
    auto n = c.call(rf::reset::of(no_action, rf::reset_type::on));
    EXPECT_TRUE(error_of(n).is(errc::invalid_request));
    EXPECT_NE(error_of(n).detail.find("advertises no ComputerSystem.Reset"), std::string::npos);
    EXPECT_EQ(t.request_count(), 0u);
}

TEST(RedfishReset, IsNeverResentAfterFailureOr401) {
    for (auto answer : {make_response(500, "{}"), make_response(401, "{}"), make_response(503, "{}")}) {
        mock_transport t;
        t.push(make_response(201, "", {{"X-Auth-Token", "token-1234"}, {"Location", "/redfish/v1/SessionService/Sessions/1"}}));
        t.push(answer);
        t.set_handler([](const http_request&) -> result<http_response> { return make_response(204); });
        rf::session_options o;
        o.auth = rf::auth_mode::session;
        o.logout_on_destruction = false;
        rf::session<mock_transport&> s(t, {"root", "password"}, {}, o);
        auto sys = rf::get_system{"1", ""}.decode(system_with("On")).value();
        auto r = s.call(rf::reset::of(sys, rf::reset_type::force_off));
        ASSERT_FALSE(r) << answer.status;
        EXPECT_EQ(t.request_count(), 2u) << "login + one reset, for HTTP " << answer.status;
        EXPECT_EQ(r.error().may_have_executed, answer.status == 500);
    }
}

// ---------------------------------------------------------------- login and sessions

TEST(RedfishLogin, TokenAndSessionUri) {
    rf::login l{"root", "calvin", "", false};
    auto ok = l.decode(make_response(201, R"({"@odata.id":"/redfish/v1/SessionService/Sessions/2"})",
                                     {{"X-Auth-Token", "abcdef0123"}, {"Location", "/redfish/v1/SessionService/Sessions/1"}}));
    ASSERT_TRUE(ok) << ok.error();
    EXPECT_EQ(ok.value().token, "abcdef0123");
    EXPECT_EQ(ok.value().session_uri, "/redfish/v1/SessionService/Sessions/1") << "Location first";
    auto body_only = l.decode(make_response(200, R"({"@odata.id":"/redfish/v1/SessionService/Sessions/2"})", {{"X-Auth-Token", "abcdef0123"}}));
    EXPECT_EQ(body_only.value().session_uri, "/redfish/v1/SessionService/Sessions/2");
    auto neither = l.decode(make_response(204, "", {{"X-Auth-Token", "abcdef0123"}}));
    ASSERT_TRUE(neither);
    EXPECT_TRUE(neither.value().session_uri.empty());
    EXPECT_EQ(l.body(), R"({"UserName":"root","Password":"calvin"})");
    EXPECT_EQ(l.target(rf::context{}), "/redfish/v1/SessionService/Sessions");
}

class RedfishLoginFailures : public ::testing::TestWithParam<std::pair<http_response, errc>> {};

TEST_P(RedfishLoginFailures, AreTypedAndScrubbed) {
    rf::login l{"root", "calvin-secret", "", false};
    auto r = l.decode(GetParam().first);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().kind(), GetParam().second) << r.error();
    EXPECT_EQ(r.error().message().find("calvin-secret"), std::string::npos);
    EXPECT_EQ(r.error().message().find("leaked-token"), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(
    RedfishClasses, RedfishLoginFailures,
    ::testing::Values(
        std::pair{make_response(201, "{}"), errc::unexpected_response},  // no X-Auth-Token
        std::pair{make_response(201, "{}", {{"X-Auth-Token", "   "}}), errc::unexpected_response},
        std::pair{make_response(201, "{}", {{"X-Auth-Token", "two words"}}), errc::unexpected_response},
        std::pair{make_response(401, R"({"error":{"message":"bad password calvin-secret"}})"), errc::authentication_failed},
        std::pair{make_response(400, "{}"), errc::authentication_failed},
        std::pair{make_response(503, R"({"error":{"@Message.ExtendedInfo":[{"MessageId":"Base.1.8.SessionLimitExceeded"}]}})"),
                  errc::unavailable},
        std::pair{make_response(403, "{}", {{"X-Auth-Token", "leaked-token"}}), errc::forbidden},
        std::pair{make_response(404, "{}"), errc::not_found},
        std::pair{make_response(302, "", {{"Location", "/login"}}), errc::unexpected_status}));

TEST(RedfishLogin, SessionLimitIsAClearError) {
    rf::login l{"root", "calvin", "", true};
    auto r = l.decode(make_response(503, R"({"error":{"@Message.ExtendedInfo":[{"MessageId":"Base.1.8.SessionLimitExceeded"}]}})"));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().vendor_code, "Base.1.8.SessionLimitExceeded");
    EXPECT_NE(r.error().detail.find("session limit"), std::string::npos) << r.error();
}

TEST(RedfishLogin, AutomaticFallsBackToBasicOnlyOnTheDocumentedAnswers) {
    rf::login l{"root", "calvin", "", true};
    EXPECT_TRUE(l.decode(make_response(404)).value().use_basic);
    EXPECT_TRUE(l.decode(make_response(405)).value().use_basic);
    EXPECT_TRUE(l.decode(make_response(401, "", {{"WWW-Authenticate", "Basic realm=\"bmc\""}})).value().use_basic);
    EXPECT_TRUE(l.decode(make_response(401, "", {{"WWW-Authenticate", "Bearer, Basic realm=x"}})).value().use_basic);
    EXPECT_TRUE(error_of(l.decode(make_response(401))).is(errc::authentication_failed));
    l.basic_fallback = false;
    EXPECT_TRUE(error_of(l.decode(make_response(405))).is(errc::client_error));
}

TEST(RedfishSession, AutomaticUsesASessionWhenTheRootLinksOne) {
    mock_transport t;
    t.push(make_response(200, data("service_root_dmtf.json")));
    t.push(make_response(201, "", {{"X-Auth-Token", "token-abcd"}, {"Location", "/redfish/v1/SessionService/Sessions/5"}}));
    t.push(system_with("On"));
    t.push(make_response(204));  // logout
    {
        rf::session<mock_transport&> s(t, {"root", "calvin"}, origin_context());
        auto r = s.call(rf::get_system{"1", ""});
        ASSERT_TRUE(r) << r.error();
        EXPECT_FALSE(s.uses_basic());
    }
    auto reqs = t.requests();
    ASSERT_EQ(reqs.size(), 4u);
    EXPECT_EQ(reqs[0].target, "/redfish/v1/");
    EXPECT_FALSE(reqs[0].headers.find("Authorization")) << "the root is read without credentials";
    EXPECT_EQ(reqs[1].target, "/redfish/v1/SessionService/Sessions");
    EXPECT_EQ(reqs[1].body, R"({"UserName":"root","Password":"calvin"})");
    EXPECT_EQ(reqs[2].headers.find("X-Auth-Token"), "token-abcd");
    EXPECT_EQ(reqs[2].headers.find("OData-Version"), "4.0");
    EXPECT_FALSE(reqs[2].headers.find("Authorization"));
    EXPECT_EQ(reqs[3].method, verb::delete_) << "the session is deleted when the object ends";
    EXPECT_EQ(reqs[3].target, "/redfish/v1/SessionService/Sessions/5");
}

TEST(RedfishSession, AutomaticUsesBasicWithoutASessionService) {
    mock_transport t;
    t.push(make_response(200, R"({"RedfishVersion":"1.6.0","Systems":{"@odata.id":"/redfish/v1/Systems"}})"));
    t.set_handler([](const http_request&) -> result<http_response> { return system_with("Off"); });
    rf::session<mock_transport&> s(t, {"root", "calvin"});
    auto first = s.call(rf::get_system{"1", ""});
    ASSERT_TRUE(first) << first.error();
    ASSERT_TRUE(s.call(rf::get_system{"1", ""}));
    EXPECT_TRUE(s.uses_basic());
    auto reqs = t.requests();
    ASSERT_EQ(reqs.size(), 3u) << "root once, no login";
    EXPECT_EQ(reqs[1].headers.find("Authorization"), "Basic cm9vdDpjYWx2aW4=");
}

TEST(RedfishSession, LoginAnswered405FallsBackToBasic) {
    mock_transport t;
    t.push(make_response(200, data("service_root_dmtf.json")));
    t.push(make_response(405));
    t.set_handler([](const http_request&) -> result<http_response> { return system_with("Off"); });
    rf::session<mock_transport&> s(t, {"root", "calvin"});
    ASSERT_TRUE(s.call(rf::get_system{"1", ""}));
    EXPECT_TRUE(s.uses_basic());
    EXPECT_TRUE(t.requests()[2].headers.find("Authorization"));
    EXPECT_EQ(t.request_count(), 3u);
}

TEST(RedfishSession, ExpiredTokenLogsInOnceForIdempotentCalls) {
    mock_transport t;
    t.push(make_response(201, "", {{"X-Auth-Token", "token-one1"}, {"Location", "/redfish/v1/SessionService/Sessions/1"}}));
    t.push(system_with("On"));
    t.push(make_response(401, R"({"error":{"code":"Base.1.8.NoValidSession"}})"));
    t.push(make_response(201, "", {{"X-Auth-Token", "token-two2"}, {"Location", "/redfish/v1/SessionService/Sessions/2"}}));
    t.push(system_with("On"));
    rf::session_options o;
    o.auth = rf::auth_mode::session;
    o.logout_on_destruction = false;
    rf::session<mock_transport&> s(t, {"root", "calvin"}, {}, o);
    ASSERT_TRUE(s.call(rf::get_system{"1", ""}));
    ASSERT_TRUE(s.call(rf::get_system{"1", ""}));
    auto reqs = t.requests();
    ASSERT_EQ(reqs.size(), 5u);
    EXPECT_EQ(reqs[4].headers.find("X-Auth-Token"), "token-two2");
    EXPECT_EQ(s.current_context().session_uri, "/redfish/v1/SessionService/Sessions/2");
}

TEST(RedfishSession, LoginIsNeverResent) {
    mock_transport t;
    t.push(make_response(503, "{}"));
    t.set_handler([](const http_request&) -> result<http_response> { return make_response(503, "{}"); });
    rf::session_options o;
    o.auth = rf::auth_mode::session;
    fake_time ft;
    o.clock = ft.clock();
    rf::session<mock_transport&> s(t, {"root", "calvin"}, {}, o);
    auto r = s.call(rf::get_system{"1", ""});
    ASSERT_FALSE(r);
    EXPECT_TRUE(error_of(r).is(errc::unavailable));
    EXPECT_EQ(t.request_count(), 1u);
}

TEST(RedfishSession, RenewalDeletesTheReplacedSession) {
    mock_transport t;
    t.push(make_response(201, "", {{"X-Auth-Token", "token-one1"}, {"Location", "/redfish/v1/SessionService/Sessions/1"}}));
    t.push(system_with("On"));
    t.push(make_response(201, "", {{"X-Auth-Token", "token-two2"}, {"Location", "/redfish/v1/SessionService/Sessions/2"}}));
    t.push(system_with("On"));
    t.push(make_response(204));  // DELETE of session 1, after the call that renewed
    fake_time ft;
    rf::session_options o;
    o.auth = rf::auth_mode::session;
    o.clock = ft.clock();
    o.assumed_credential_lifetime = 2h;
    o.renew_margin = 10min;
    o.logout_on_destruction = false;
    rf::session<mock_transport&> s(t, {"root", "calvin"}, {}, o);
    ASSERT_TRUE(s.call(rf::get_system{"1", ""}));
    ft.now += 3h;
    auto r = s.call(rf::get_system{"1", ""});
    ASSERT_TRUE(r) << r.error();
    auto reqs = t.requests();
    ASSERT_EQ(reqs.size(), 5u);
    EXPECT_EQ(reqs[4].method, verb::delete_);
    EXPECT_EQ(reqs[4].target, "/redfish/v1/SessionService/Sessions/1");
    EXPECT_EQ(reqs[4].headers.find("X-Auth-Token"), "token-two2");
}

TEST(RedfishSession, BasicSendsNoLoginAndA401IsFinal) {
    mock_transport t;
    t.push(make_response(401, "{}"));
    rf::session_options o;
    o.auth = rf::auth_mode::basic;
    rf::session<mock_transport&> s(t, {"root", "calvin"}, {}, o);
    auto r = s.call(rf::get_system{"1", ""});
    EXPECT_TRUE(error_of(r).is(errc::unauthorized));
    EXPECT_EQ(t.request_count(), 1u);
}

// ---------------------------------------------------------------- task monitor

TEST(RedfishTask, MonitorAnswers) {
    rf::get_task g{"/redfish/v1/TaskService/TaskMonitors/7"};
    auto running = g.decode(make_response(202, R"({"TaskState":"Running","PercentComplete":40})", {{"Retry-After", "5"}}));
    ASSERT_TRUE(running) << running.error();
    EXPECT_FALSE(running.value().finished);
    EXPECT_EQ(running.value().percent_complete, 40);
    EXPECT_EQ(running.value().retry_after, 5s);
    auto empty = g.decode(make_response(202));
    EXPECT_EQ(empty.value().state, rf::task_state::running);
    auto done = g.decode(make_response(200, data("task_completed_dmtf.json")));
    ASSERT_TRUE(done) << done.error();
    EXPECT_TRUE(done.value().finished);
    EXPECT_EQ(done.value().state, rf::task_state::completed);
    EXPECT_EQ(done.value().messages.at(0).message_id, "Base.1.0.PropertyNotWriteable");
    auto result_of_reset = g.decode(make_response(204));
    EXPECT_TRUE(result_of_reset.value().finished) << "the operation's own answer: completed";
    auto unknown = g.decode(make_response(200, R"({"TaskState":"Exploded"})"));
    EXPECT_TRUE(error_of(unknown).is(errc::unknown_enum_value));
    auto wrong = g.decode(make_response(200, R"({"TaskState":"Running","PercentComplete":"x"})"));
    EXPECT_TRUE(error_of(wrong).is(errc::unexpected_response));
    auto gone = g.decode(make_response(404, "{}"));
    EXPECT_TRUE(error_of(gone).is(errc::not_found));
}

TEST(RedfishTask, RetryAfterInBothFormsAndGarbage) {
    const auto with = [](std::initializer_list<std::pair<std::string_view, std::string_view>> h) {
        return retry_after_delay(make_response(202, "", h));
    };
    EXPECT_EQ(with({{"Retry-After", "7"}}), 7s);
    EXPECT_EQ(with({{"Retry-After", "Wed, 21 Oct 2015 07:28:30 GMT"}, {"Date", "Wed, 21 Oct 2015 07:28:00 GMT"}}), 30s);
    EXPECT_EQ(with({{"Retry-After", "Wed, 21 Oct 2015 07:27:00 GMT"}, {"Date", "Wed, 21 Oct 2015 07:28:00 GMT"}}), 0s);
    EXPECT_EQ(with({{"Retry-After", "Wed, 21 Oct 2015 07:28:30 GMT"}}), std::nullopt) << "no Date to read it against";
    for (auto garbage : {"soon", "-1", "1e3", "99999999999", "Wed, 32 Oct 2015 07:28:30 GMT", "Wed, 21 Foo 2015 07:28:30 GMT",
                         "Wednesday, 21-Oct-15 07:28:30 GMT", ""})
        EXPECT_EQ(with({{"Retry-After", garbage}, {"Date", "Wed, 21 Oct 2015 07:28:00 GMT"}}), std::nullopt) << garbage;
}

TEST(RedfishTaskWait, PollsUntilCompletedHonouringRetryAfter) {
    mock_transport t;
    t.push(make_response(202, R"({"TaskState":"Running"})", {{"Retry-After", "2"}}));
    t.push(make_response(202, "", {{"Retry-After", "Wed, 21 Oct 2015 07:28:03 GMT"}, {"Date", "Wed, 21 Oct 2015 07:28:00 GMT"}}));
    t.push(make_response(202, "", {{"Retry-After", "garbage"}}));
    t.push(make_response(200, data("task_completed_dmtf.json")));
    mock_client c(t);
    fake_time ft;
    auto r = rf::wait_for_task(c, "/redfish/v1/TaskService/TaskMonitors/7", policy(100ms, 60s), ft.clock());
    ASSERT_TRUE(r) << r.error();
    EXPECT_EQ(r.value().id, "545");
    EXPECT_EQ(ft.sleeps, (std::vector<clock_type::duration>{2s, 3s, 100ms}));
    EXPECT_EQ(t.requests()[0].target, "/redfish/v1/TaskService/TaskMonitors/7");
}

TEST(RedfishTaskWait, RetryAfterPastTheDeadlineEndsAtOnce) {
    mock_transport t;
    t.push(make_response(202, R"({"TaskState":"Running","PercentComplete":10})", {{"Retry-After", "120"}}));
    mock_client c(t);
    fake_time ft;
    auto r = rf::wait_for_task(c, "/m", policy(100ms, 30s), ft.clock());
    ASSERT_FALSE(r);
    EXPECT_TRUE(error_of(r).is(errc::deadline_exceeded));
    EXPECT_NE(r.error().detail.find("last known state Running 10%"), std::string::npos) << r.error();
    EXPECT_NE(r.error().detail.find("retry after 120 s"), std::string::npos) << r.error();
    EXPECT_TRUE(ft.sleeps.empty());
}

TEST(RedfishTaskWait, FailedTasksAreOperationFailed) {
    for (auto state : {"Exception", "Killed", "Cancelled"}) {
        mock_transport t;
        t.push(make_response(200, std::string(R"({"TaskState":")") + state +
                                      R"(","TaskStatus":"Critical","Messages":[{"MessageId":"IDRAC.2.8.SYS518","Message":"busy"}]})"));
        mock_client c(t);
        fake_time ft;
        auto r = rf::wait_for_task(c, "/m", policy(), ft.clock());
        ASSERT_FALSE(r);
        EXPECT_TRUE(error_of(r).is(errc::operation_failed)) << r.error();
        EXPECT_EQ(r.error().vendor_code, "IDRAC.2.8.SYS518");
        EXPECT_NE(r.error().detail.find(state), std::string::npos);
    }
}

TEST(RedfishTaskWait, FailureAtEveryStepEndsOrRidesOutAsItsKindSays) {
    for (int step = 0; step < 3; ++step) {
        for (auto kind : {errc::connection_closed, errc::unauthorized}) {
            mock_transport t;
            for (int i = 0; i < 3; ++i) {
                if (i == step) t.push_error(kind);
                else t.push(make_response(202));
            }
            t.push(make_response(200, data("task_completed_dmtf.json")));
            mock_client c(t);
            fake_time ft;
            auto r = rf::wait_for_task(c, "/m", policy(10ms, 10s), ft.clock());
            if (kind == errc::connection_closed) {
                EXPECT_TRUE(r) << step;
                EXPECT_EQ(t.request_count(), 4u);
            } else {
                ASSERT_FALSE(r);
                EXPECT_TRUE(error_of(r).is(errc::unauthorized));
                EXPECT_EQ(t.request_count(), static_cast<std::size_t>(step + 1));
            }
        }
    }
}

// ---------------------------------------------------------------- power-state waits

TEST(RedfishPowerWait, UntilOffThenDeadlineNamesTheLastState) {
    mock_transport t;
    t.push(system_with("On"));
    t.push(system_with("PoweringOff"));
    t.push(system_with("Off"));
    mock_client c(t);
    fake_time ft;
    auto r = rf::wait_for_power_state(c, rf::get_system{"1", ""}, rf::power_state::off, policy(), ft.clock());
    ASSERT_TRUE(r) << r.error();
    EXPECT_EQ(t.request_count(), 3u);

    mock_transport stuck;
    stuck.set_handler([](const http_request&) -> result<http_response> { return system_with("Quiescing"); });
    mock_client c2(stuck);
    auto d = rf::wait_for_power_state(c2, rf::get_system{"1", ""}, rf::power_state::on, policy(200ms, 1s), ft.clock());
    ASSERT_FALSE(d);
    EXPECT_TRUE(error_of(d).is(errc::deadline_exceeded));
    EXPECT_NE(d.error().detail.find("last known power state Quiescing"), std::string::npos) << d.error();
    EXPECT_EQ(stuck.request_count(), 5u);
}

TEST(RedfishPowerWait, RestartCanRequireSeeingTheDip) {
    mock_transport t;
    t.push(system_with("On"));
    t.push(system_with("Off"));
    t.push(system_with("On"));
    mock_client c(t);
    fake_time ft;
    rf::power_state_waiter w(rf::get_system{"1", ""}, rf::power_state::on, policy(), ft.now, true);
    auto r = run_wait(c, w, ft.clock());
    ASSERT_TRUE(r) << r.error();
    EXPECT_EQ(t.request_count(), 3u) << "the first On came before the restart";
}

TEST(RedfishPowerWait, ResetAndWaitPicksTheWaitFromTheAnswer) {
    auto sys = rf::get_system{"1", ""}.decode(system_with("On")).value();
    {  // 204 for ForceOff: wait until Off
        mock_transport t;
        t.push(make_response(204));
        t.push(system_with("On"));
        t.push(system_with("Off"));
        mock_client c(t);
        auto r = rf::reset_and_wait(c, sys, rf::reset_type::force_off, policy(1ms, 5s));
        ASSERT_TRUE(r) << r.error();
        EXPECT_EQ(r.value().system->power, rf::power_state::off);
        EXPECT_FALSE(r.value().finished_task);
    }
    {  // 202 for a restart: the task only
        mock_transport t;
        t.push(make_response(202, "", {{"Location", "/redfish/v1/TaskService/Tasks/9"}}));
        t.push(make_response(202));
        t.push(make_response(200, data("task_completed_dmtf.json")));
        mock_client c(t);
        auto r = rf::reset_and_wait(c, sys, rf::reset_type::force_restart, policy(1ms, 5s));
        ASSERT_TRUE(r) << r.error();
        EXPECT_TRUE(r.value().finished_task);
        EXPECT_FALSE(r.value().system);
        EXPECT_EQ(t.request_count(), 3u);
    }
    {  // 204 for a restart: until On again
        mock_transport t;
        t.push(make_response(204));
        t.push(system_with("PoweringOn"));
        t.push(system_with("On"));
        mock_client c(t);
        auto r = rf::reset_and_wait(c, sys, rf::reset_type::graceful_restart, policy(1ms, 5s));
        ASSERT_TRUE(r) << r.error();
        EXPECT_EQ(r.value().system->power, rf::power_state::on);
    }
}

// ---------------------------------------------------------------- desired state

TEST(RedfishDesiredState, PowerOnOfAnOnSystemIsUnchanged) {
    mock_transport t;
    t.push(system_with("On"));
    mock_client c(t);
    auto r = rf::ensure_power(c, rf::get_system{"1", ""}, rf::reset_type::on);
    ASSERT_TRUE(r) << r.error();
    EXPECT_EQ(r.value().outcome, target_outcome::unchanged);
    EXPECT_EQ(r.value().observed, "On");
    EXPECT_EQ(t.request_count(), 1u);
}

TEST(RedfishDesiredState, OtherStatesSendTheReset) {
    for (auto [power, type, sends] : {std::tuple{"Off", rf::reset_type::on, true}, std::tuple{"Off", rf::reset_type::force_off, false},
                                      std::tuple{"Off", rf::reset_type::graceful_shutdown, false},
                                      std::tuple{"On", rf::reset_type::force_restart, true},
                                      std::tuple{"Hibernating", rf::reset_type::force_off, true},
                                      std::tuple{"PoweringOn", rf::reset_type::on, true}}) {
        mock_transport t;
        t.push(system_with(power));
        t.push(make_response(204));
        mock_client c(t);
        auto r = rf::ensure_power(c, rf::get_system{"1", ""}, type);
        ASSERT_TRUE(r) << r.error();
        EXPECT_EQ(r.value().outcome, sends ? target_outcome::accepted : target_outcome::unchanged) << power << ' ' << type;
        EXPECT_EQ(t.request_count(), sends ? 2u : 1u);
    }
    mock_transport t;
    t.push(make_response(404, "{}"));
    mock_client c(t);
    EXPECT_TRUE(error_of(rf::ensure_power(c, rf::get_system{"9", ""}, rf::reset_type::on)).is(errc::not_found));
    EXPECT_EQ(t.request_count(), 1u) << "no resource, no target: nothing sent";
}

TEST(RedfishDesiredState, AndWaitConfirmsTheState) {
    mock_transport t;
    t.push(system_with("Off"));
    t.push(make_response(204));
    t.push(system_with("PoweringOn"));
    t.push(system_with("On"));
    mock_client c(t);
    auto r = rf::ensure_power_and_wait(c, rf::get_system{"1", ""}, rf::reset_type::on, policy(1ms, 5s));
    ASSERT_TRUE(r) << r.error();
    EXPECT_EQ(r.value().outcome, target_outcome::changed);
    EXPECT_EQ(r.value().reset->system->power, rf::power_state::on);
}

// ---------------------------------------------------------------- async

TEST(RedfishAsync, SessionCallCompletesOnceNeverInline) {
    boost::asio::io_context io;
    mock_transport t(io.get_executor());
    t.push(make_response(200, data("service_root_dmtf.json")));
    t.push(make_response(201, "", {{"X-Auth-Token", "token-abcd"}, {"Location", "/redfish/v1/SessionService/Sessions/5"}}));
    t.push(system_with("Off"));
    t.push(make_response(204));
    rf::session<mock_transport&> s(t, {"root", "calvin"});
    int calls = 0;
    std::optional<result<rf::computer_system>> out;
    s.async_call(rf::get_system{"1", ""}, [&](result<rf::computer_system> r) {
        ++calls;
        out.emplace(std::move(r));
    });
    EXPECT_EQ(calls, 0);
    io.run();
    ASSERT_EQ(calls, 1);
    ASSERT_TRUE(*out) << out->error();
    std::optional<result<void>> logged_out;
    s.async_logout([&](result<void> r) { logged_out.emplace(std::move(r)); });
    io.restart();
    io.run();
    ASSERT_TRUE(logged_out && *logged_out);
    EXPECT_EQ(t.requests().back().method, verb::delete_);
    EXPECT_TRUE(s.current_context().token.empty());
}

TEST(RedfishAsync, ResetAndWaitWithACoroutine) {
    boost::asio::io_context io;
    mock_transport t(io.get_executor());
    t.push(make_response(202, "", {{"Location", "/redfish/v1/TaskService/Tasks/9"}}));
    t.push(make_response(200, data("task_completed_dmtf.json")));
    t.push(system_with("Off"));
    mock_client c(t);
    auto sys = rf::get_system{"1", ""}.decode(system_with("On")).value();
    std::optional<result<rf::reset_outcome>> out;
    boost::asio::co_spawn(
        io,
        [&]() -> boost::asio::awaitable<void> {
            const auto p = policy(1ms, 5s);
            auto r = co_await rf::async_reset_and_wait(c, sys, rf::reset_type::force_off, p, boost::asio::use_awaitable);
            out.emplace(std::move(r));
        },
        boost::asio::detached);
    io.run();
    ASSERT_TRUE(out && *out) << (out ? out->error().message() : "");
    EXPECT_TRUE(out->value().finished_task);
    EXPECT_EQ(out->value().system->power, rf::power_state::off);
}

TEST(RedfishAsync, EnsurePowerUnchangedAndCancelledWait) {
    boost::asio::io_context io;
    mock_transport t(io.get_executor());
    t.push(system_with("On"));
    mock_client c(t);
    std::optional<result<rf::power_report>> out;
    rf::async_ensure_power(c, rf::get_system{"1", ""}, rf::reset_type::force_on, [&](result<rf::power_report> r) { out.emplace(std::move(r)); });
    EXPECT_FALSE(out);
    io.run();
    ASSERT_TRUE(out && *out);
    EXPECT_EQ(out->value().outcome, target_outcome::unchanged);

    boost::asio::io_context io2;
    mock_transport t2(io2.get_executor());
    t2.set_handler([](const http_request&) -> result<http_response> { return make_response(202, R"({"TaskState":"Running"})"); });
    mock_client c2(t2);
    boost::asio::cancellation_signal signal;
    std::optional<result<rf::task>> waited;
    rf::async_wait_for_task(c2, "/m", policy(10s, 60s),
                            boost::asio::bind_cancellation_slot(signal.slot(), [&](result<rf::task> r) { waited.emplace(std::move(r)); }));
    while (t2.request_count() == 0) io2.run_one();
    io2.poll();
    signal.emit(boost::asio::cancellation_type::terminal);
    io2.run();
    ASSERT_TRUE(waited);
    ASSERT_FALSE(*waited);
    EXPECT_TRUE(waited->error().is(errc::cancelled));
    EXPECT_NE(waited->error().detail.find("last known state Running"), std::string::npos) << waited->error();
}

}  // namespace
