// Alien4Cloud 3.0 maintenance mode and Genesys UCS 8.5 server mode: encoding, decoding of every documented shape
// (../shared/reference/alien4cloud-and-ucs.md), every operation sync and async through the mock transport, and the
// scenarios of Alien4Cloud's own maintenance acceptance feature (see ../shared/recorded/alien4cloud/STEPS.md)
// driven against a stateful fake of the server.
#include <serverops/a4c.hpp>
#include <serverops/a4c/desired_state.hpp>
#include <serverops/client.hpp>
#include <serverops/testing/mock_transport.hpp>
#include <serverops/ucs.hpp>
#include <serverops/ucs/desired_state.hpp>

#include "../common/a4c_scenarios.hpp"
#include "../common/hostile_input.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/json.hpp>
#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>
#include <gtest/gtest.h>

#include <chrono>
#include <climits>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

namespace {

using namespace serverops;
namespace json = boost::json;
using serverops::testing::make_response;
using serverops::testing::mock_transport;
using std::chrono::system_clock;

// Secrets used throughout; no error message may ever contain them.
const std::string session_secret = "5EC12E7C00C1E0123456789ABCDEF012";
const std::string jwt_secret = "eyJhbGciOiJIUzUxMiJ9.eyJ1c2VybmFtZSI6ImFkbWluIn0.c2lnbmF0dXJlLXNlY3JldA";
const std::string password_secret = "Hunter2 p@ss&w0rd=%";
const std::string basic_user = "kent";
const std::string basic_password = "superman-secret";
const std::string basic_header_value = "a2VudDpzdXBlcm1hbi1zZWNyZXQ=";  // base64("kent:superman-secret")

a4c::context a4c_ctx(std::string prefix = "/rest/v1", std::string root = "") {
    a4c::context c;
    c.path_prefix = std::move(prefix);
    c.root_prefix = std::move(root);
    c.session_cookie = session_secret;
    return c;
}

ucs::context ucs_ctx(std::string prefix = "") { return ucs::context{std::move(prefix), basic_user, basic_password}; }

template <class Op>
http_request encoded(const Op& op, const typename Op::context_type& c) {
    auto r = encode(op, c);
    EXPECT_TRUE(r) << r.error();
    return r ? std::move(r).value() : http_request{};
}

system_clock::time_point epoch_ms(std::int64_t ms) {
    return system_clock::time_point(std::chrono::duration_cast<system_clock::duration>(std::chrono::milliseconds(ms)));
}

system_clock::time_point utc(int y, unsigned mo, unsigned d, int h, int mi, int s, int ms = 0) {
    using namespace std::chrono;
    return system_clock::time_point(duration_cast<system_clock::duration>(
        sys_days(year{y} / month{mo} / day{d}).time_since_epoch() + hours(h) + minutes(mi) + seconds(s) + milliseconds(ms)));
}

/// Every secret, raw and in the encodings that could travel (form, Basic), is absent from the error's text.
void expect_no_secret(const error& e, std::string_view where) {
    const std::string text = e.message() + "\n" + e.vendor_message + "\n" + e.vendor_code + "\n" + e.detail;
    const std::string encoded_password = boost::urls::encode(password_secret, boost::urls::unreserved_chars);
    std::string plus_password = encoded_password;
    plus_password.replace(plus_password.find("%20"), 3, "+");
    for (const std::string& secret : {session_secret, jwt_secret, password_secret, encoded_password, plus_password,
                                      basic_password, basic_header_value})
        EXPECT_EQ(text.find(secret), std::string::npos) << where << ": a secret leaked into: " << text;
}

// ---------------------------------------------------------------- sync and async through the mock transport

template <class Op>
void expect_sync_and_async_agree(const Op& op, const typename Op::context_type& ctx, const http_response& canned,
                                 bool expect_success = true) {
    boost::asio::io_context io;
    mock_transport t(io.get_executor());
    t.push(canned);
    t.push(canned);
    client<mock_transport&, typename Op::context_type> c(t, ctx);
    auto sync = c.call(op);
    std::optional<result<typename Op::response_type>> async;
    c.async_call(op, [&](result<typename Op::response_type> r) { async.emplace(std::move(r)); });
    EXPECT_FALSE(async.has_value()) << Op::name << ": the handler must not run inside async_call";
    io.run();
    ASSERT_TRUE(async.has_value()) << Op::name;
    EXPECT_EQ(sync.has_value(), expect_success) << Op::name << ": " << (sync ? "" : sync.error().message());
    EXPECT_EQ(async->has_value(), expect_success) << Op::name << ": " << (*async ? "" : async->error().message());
    if (!sync && !*async) {
        EXPECT_EQ(sync.error().kind(), async->error().kind()) << Op::name;
        EXPECT_EQ(sync.error().operation, Op::name);
        EXPECT_EQ(async->error().operation, Op::name);
        expect_no_secret(sync.error(), Op::name);
    }
    auto reqs = t.requests();
    ASSERT_EQ(reqs.size(), 2u);
    EXPECT_EQ(reqs[0].method, reqs[1].method);
    EXPECT_EQ(reqs[0].target, reqs[1].target);
    EXPECT_EQ(reqs[0].body, reqs[1].body);
    EXPECT_EQ(reqs[0].content_type, reqs[1].content_type);
    EXPECT_EQ(reqs[0].headers.find("Authorization"), reqs[1].headers.find("Authorization"));
    EXPECT_EQ(reqs[0].headers.find("Cookie"), reqs[1].headers.find("Cookie"));
    EXPECT_EQ(reqs[0].operation, Op::name);
}

// ================================================================ Alien4Cloud

const std::string a4c_enabled_state = R"({"data":{"id":"mms_id","userTriggered":true,"user":"admin",
    "log":[{"date":1700000000000,"user":"admin","message":"Maintenance operation started on alien4cloud."},
           {"date":1700000060000,"user":"admin","message":"Performing maintenance"}],
    "progressPercent":25},"error":null})";

const std::string a4c_maintenance_body = R"({"data":null,"error":{"code":0,"message":"Maintenance mode is enabled."}})";
const std::string a4c_no_rights_body = R"({"data":null,"error":{"code":102,"message":"Current user has no sufficient rights."}})";
const std::string a4c_not_enabled_body = R"({"data":null,"error":{"code":504,"message":"Maintenance mode is not enabled."}})";
const std::string a4c_already_body = R"({"data":null,"error":{"code":502,"message":"The posted object already exist."}})";

// ---------------------------------------------------------------- context

TEST(A4cContext, DefaultsAndFromBaseUrl) {
    a4c::context d;
    EXPECT_EQ(d.path_prefix, "/rest/v1");
    EXPECT_EQ(d.root_prefix, "");
    EXPECT_TRUE(d.session_cookie.empty());
    EXPECT_TRUE(d.jwt.empty());

    auto plain = a4c::context::from_base_url("http://a4c.example:8088");
    ASSERT_TRUE(plain);
    EXPECT_EQ(plain.value().root_prefix, "");
    EXPECT_EQ(plain.value().path_prefix, "/rest/v1");
    EXPECT_EQ(plain.value().rest_target("/maintenance"), "/rest/v1/maintenance");

    auto rooted = a4c::context::from_base_url("https://host/alien/", a4c::rest_prefix::latest);
    ASSERT_TRUE(rooted);
    EXPECT_EQ(rooted.value().root_prefix, "/alien");
    EXPECT_EQ(rooted.value().path_prefix, "/rest/latest");
    EXPECT_EQ(rooted.value().rest_target("/maintenance"), "/alien/rest/latest/maintenance");
    EXPECT_EQ(rooted.value().root_target("/login"), "/alien/login");

    EXPECT_FALSE(a4c::context::from_base_url("ftp://host"));
    EXPECT_FALSE(a4c::context::from_base_url("http://user:pw@host"));
}

TEST(A4cContext, AuthorizeSendsTheCookieTheBearerTokenBothOrNothing) {
    http_request none;
    a4c::context{}.authorize(none);
    EXPECT_TRUE(none.headers.empty());

    a4c::context c;
    c.session_cookie = session_secret;
    http_request cookie;
    c.authorize(cookie);
    EXPECT_EQ(cookie.headers.find("Cookie").value(), "JSESSIONID=" + session_secret);
    EXPECT_FALSE(cookie.headers.find("Authorization"));

    c.jwt = jwt_secret;
    http_request both;
    c.authorize(both);
    EXPECT_EQ(both.headers.find("Cookie").value(), "JSESSIONID=" + session_secret);
    EXPECT_EQ(both.headers.find("Authorization").value(), "Bearer " + jwt_secret);

    c.session_cookie.clear();
    http_request bearer;
    c.authorize(bearer);
    EXPECT_FALSE(bearer.headers.find("Cookie"));
    EXPECT_EQ(bearer.headers.find("Authorization").value(), "Bearer " + jwt_secret);
}

// ---------------------------------------------------------------- encoding

TEST(A4cEncode, MaintenanceCallsUnderEveryRestPrefixAndRoot) {
    for (std::string root : {"", "/alien"}) {
        for (std::string_view prefix : {a4c::rest_prefix::v1, a4c::rest_prefix::unversioned, a4c::rest_prefix::latest}) {
            const auto c = a4c_ctx(std::string(prefix), root);
            const std::string target = root + std::string(prefix) + "/maintenance";
            SCOPED_TRACE(target);

            auto get = encoded(a4c::get_maintenance_state{}, c);
            EXPECT_EQ(get.method, verb::get);
            EXPECT_EQ(get.target, target);
            EXPECT_TRUE(get.body.empty());
            EXPECT_TRUE(get.idempotent);
            EXPECT_EQ(get.headers.find("Cookie").value(), "JSESSIONID=" + session_secret);
            EXPECT_EQ(get.operation, "a4c.getMaintenance");

            auto enable = encoded(a4c::enable_maintenance{}, c);
            EXPECT_EQ(enable.method, verb::post);
            EXPECT_EQ(enable.target, target);
            EXPECT_TRUE(enable.body.empty()) << "POST without a body: transports then send no Content-Type";
            EXPECT_FALSE(enable.idempotent) << "a second enable answers 409 and would hide the first one's success";
            EXPECT_EQ(enable.headers.find("Cookie").value(), "JSESSIONID=" + session_secret);

            auto update = encoded(a4c::update_maintenance{"Performing maintenance", 25}, c);
            EXPECT_EQ(update.method, verb::put);
            EXPECT_EQ(update.target, target);
            EXPECT_EQ(update.content_type, "application/json");
            EXPECT_FALSE(update.idempotent) << "every update appends a log entry";

            auto disable = encoded(a4c::disable_maintenance{}, c);
            EXPECT_EQ(disable.method, verb::delete_);
            EXPECT_EQ(disable.target, target);
            EXPECT_TRUE(disable.body.empty());
            EXPECT_FALSE(disable.idempotent) << "a second disable answers 404";

            auto status = encoded(a4c::get_auth_status{}, c);
            EXPECT_EQ(status.method, verb::get);
            EXPECT_EQ(status.target, root + std::string(prefix) + "/auth/status");
            EXPECT_TRUE(status.idempotent);
        }
    }
    EXPECT_EQ(a4c::enable_maintenance::name, "a4c.enableMaintenance");
    EXPECT_EQ(a4c::update_maintenance::name, "a4c.updateMaintenance");
    EXPECT_EQ(a4c::disable_maintenance::name, "a4c.disableMaintenance");
}

TEST(A4cEncode, JwtGoesAsBearerAndNoCredentialsMeansNoHeaders) {
    a4c::context c;
    c.jwt = jwt_secret;
    auto r = encoded(a4c::enable_maintenance{}, c);
    EXPECT_EQ(r.headers.find("Authorization").value(), "Bearer " + jwt_secret);
    EXPECT_FALSE(r.headers.find("Cookie"));
    auto anonymous = encoded(a4c::get_maintenance_state{}, a4c::context{});
    EXPECT_TRUE(anonymous.headers.empty());
}

TEST(A4cEncode, UpdateBodyLeavesAbsentFieldsOutAndUsesProgressPercentage) {
    const auto c = a4c_ctx();
    EXPECT_EQ(json::parse(encoded(a4c::update_maintenance{"Performing maintenance", 25}, c).body),
              json::parse(R"({"message":"Performing maintenance","progressPercentage":25})"));
    EXPECT_EQ(encoded(a4c::update_maintenance{"only a message", std::nullopt}, c).body, R"({"message":"only a message"})");
    EXPECT_EQ(encoded(a4c::update_maintenance{std::nullopt, 0}, c).body, R"({"progressPercentage":0})");
    EXPECT_EQ(encoded(a4c::update_maintenance{}, c).body, "{}") << "both fields are optional on the server";
    auto tricky = encoded(a4c::update_maintenance{std::string("quote \" slash \\ newline \n tab \t \x01 é"), 100}, c);
    auto parsed = json::parse(tricky.body);
    EXPECT_EQ(parsed.at("message").as_string(), "quote \" slash \\ newline \n tab \t \x01 é");
    EXPECT_EQ(tricky.body.find('\n'), std::string::npos) << "control characters are escaped";
}

TEST(A4cEncode, UpdateRejectsProgressOutside0To100BeforeSending) {
    const auto c = a4c_ctx();
    for (int ok : {0, 1, 99, 100}) EXPECT_TRUE(encode(a4c::update_maintenance{std::nullopt, ok}, c)) << ok;
    for (int bad : {-1, 101, INT_MIN, INT_MAX}) {
        auto r = encode(a4c::update_maintenance{"m", bad}, c);
        ASSERT_FALSE(r) << bad;
        EXPECT_TRUE(r.error().is(errc::invalid_request));
        EXPECT_NE(r.error().detail.find("0 to 100"), std::string::npos);
    }
}

TEST(A4cEncode, LoginIsAFormPostUnderTheRootNotTheRestPrefix) {
    auto c = a4c_ctx("/rest/latest", "/alien");
    c.jwt = jwt_secret;
    auto r = encoded(a4c::login{"admin", password_secret}, c);
    EXPECT_EQ(r.method, verb::post);
    EXPECT_EQ(r.target, "/alien/login");
    EXPECT_EQ(r.content_type, "application/x-www-form-urlencoded");
    EXPECT_EQ(r.body, "username=admin&password=Hunter2%20p%40ss%26w0rd%3D%25&submit=Login");
    EXPECT_FALSE(r.headers.find("Cookie")) << "a login never sends the old session";
    EXPECT_FALSE(r.headers.find("Authorization"));
    EXPECT_TRUE(r.idempotent);
    EXPECT_EQ(encoded(a4c::login{"a b&c=d", "x"}, a4c::context{}).body, "username=a%20b%26c%3Dd&password=x&submit=Login");
    EXPECT_EQ(encoded(a4c::login{"u", "p"}, a4c::context{}).target, "/login");
    for (auto bad : {a4c::login{"", "p"}, a4c::login{"u", ""}}) {
        auto e = encode(bad, c);
        ASSERT_FALSE(e);
        EXPECT_TRUE(e.error().is(errc::invalid_request));
    }
}

TEST(A4cEncode, JwtLoginIsAFormPostToRestJwtauthWithUserAndPassword) {
    auto c = a4c_ctx("/rest/v1", "/alien");
    auto r = encoded(a4c::jwt_login{"admin", password_secret}, c);
    EXPECT_EQ(r.method, verb::post);
    EXPECT_EQ(r.target, "/alien/rest/jwtauth") << "the JWT endpoint has no /v1 or /latest alias";
    EXPECT_EQ(r.content_type, "application/x-www-form-urlencoded");
    EXPECT_EQ(r.body, "user=admin&password=Hunter2%20p%40ss%26w0rd%3D%25");
    EXPECT_FALSE(r.headers.find("Cookie"));
    EXPECT_FALSE(r.headers.find("Authorization"));
    EXPECT_TRUE(r.idempotent);
    EXPECT_FALSE(encode(a4c::jwt_login{"admin", ""}, c));
}

TEST(A4cEncode, UnsafeContextIsRejectedBeforeSendingWithoutQuotingIt) {
    auto check = [](a4c::context c, std::string_view what) {
        for (auto r : {encode(a4c::get_maintenance_state{}, c).has_error(), encode(a4c::enable_maintenance{}, c).has_error(),
                       encode(a4c::update_maintenance{"m", 1}, c).has_error(),
                       encode(a4c::disable_maintenance{}, c).has_error(), encode(a4c::get_auth_status{}, c).has_error()})
            EXPECT_TRUE(r) << what;
        auto e = encode(a4c::enable_maintenance{}, c);
        ASSERT_FALSE(e);
        EXPECT_TRUE(e.error().is(errc::invalid_request)) << what;
        expect_no_secret(e.error(), what);
        EXPECT_EQ(e.error().message().find("evil"), std::string::npos) << what;
    };
    auto c = a4c_ctx();
    c.session_cookie = session_secret + "\r\nX-Evil: 1";
    check(c, "CRLF in the cookie");
    c = a4c_ctx();
    c.session_cookie = session_secret + "; evil=1";
    check(c, "';' in the cookie");
    c = a4c_ctx();
    c.jwt = jwt_secret + "\r\nevil";
    check(c, "CRLF in the JWT");
    c = a4c_ctx();
    c.jwt = jwt_secret + " evil";
    check(c, "space in the JWT");
    c = a4c_ctx("rest/v1");
    check(c, "prefix without a leading slash");
    c = a4c_ctx("/rest/v1 HTTP/1.1\r\nevil");
    check(c, "request-line injection through the prefix");
    c = a4c_ctx("/rest/v1", "/alien?evil");
    check(c, "query in the root prefix");
    EXPECT_FALSE(encode(a4c::login{"u", "p"}, a4c_ctx("/rest/v1", "/a#evil")));
}

// ---------------------------------------------------------------- the envelope and error mapping

TEST(A4cErrors, EveryDocumentedErrorShapeMapsToItsErrc) {
    struct case_t {
        unsigned status;
        std::string body;
        errc expected;
        std::string code;
        std::string message;
    };
    const case_t cases[] = {
        // the maintenance filter (no Content-Type, plain ObjectMapper)
        {503, a4c_maintenance_body, errc::busy, "0", "Maintenance mode is enabled."},
        // the controller and service errors of the reference's table A.5 and STEPS.md
        {409, a4c_already_body, errc::conflict, "502", "The posted object already exist."},
        {404, a4c_not_enabled_body, errc::not_found, "504", "Maintenance mode is not enabled."},
        {403, a4c_no_rights_body, errc::forbidden, "102", "Current user has no sufficient rights."},
        {403, R"({"data":null,"error":{"code":100,"message":"Authentication required for this request : "}})",
         errc::unauthorized, "100", "Authentication required for this request : "},
        {401, R"({"error":{"code":100,"message":"Authentication required for this request : /rest/v1/maintenance"}})",
         errc::unauthorized, "100", "Authentication required for this request : /rest/v1/maintenance"},
        {401, R"({"data":null,"error":{"code":101,"message":"Authentication failed, check username and password."}})",
         errc::authentication_failed, "101", "Authentication failed, check username and password."},
        // the envelope's code wins over the status...
        {500, R"({"data":null,"error":{"code":504,"message":"x"}})", errc::not_found, "504", "x"},
        // ...but code 0 means maintenance only on a 503
        {500, R"({"data":null,"error":{"code":0,"message":"odd"}})", errc::server_error, "0", "odd"},
        // other codes map by HTTP status
        {500, R"({"data":"java.lang.IllegalAccessError: at org.alien4cloud...","error":{"code":500,"message":"boom"}})",
         errc::server_error, "500", "boom"},
        {400, R"({"data":null,"error":{"code":501,"message":"bad parameter"}})", errc::bad_request, "501", "bad parameter"},
        // Spring Boot's own error JSON (an IllegalAccessError escapes the REST handler)
        {500, R"({"timestamp":1700000000000,"status":500,"error":"Internal Server Error","exception":"java.lang.IllegalAccessError","message":"Maintenance mode is not user triggered.","path":"/rest/v1/maintenance"})",
         errc::server_error, "", "Maintenance mode is not user triggered."},
        {500, R"({"status":500,"error":"Internal Server Error"})", errc::server_error, "", "Internal Server Error"},
        // bodies that are empty, HTML or not an envelope
        {401, "", errc::unauthorized, "", ""},
        {403, "", errc::forbidden, "", ""},
        {404, "", errc::not_found, "", ""},
        {503, "", errc::unavailable, "", ""},
        {503, "<html><body><h1>503 Service Unavailable</h1></body></html>", errc::unavailable, "", ""},
        {502, "Bad Gateway", errc::server_error, "", "Bad Gateway"},
        {401, "<html><head><title>Error 401 error.jwt.invalid</title></head></html>", errc::unauthorized, "", ""},
        {500, R"({"data":null,"error":{"code":50)", errc::server_error, "", ""},  // truncated
        {429, R"([1,2,3])", errc::too_many_requests, "", ""},
        {418, R"({"data":null,"error":null})", errc::client_error, "", ""},
        // a code given as text is still understood
        {409, R"({"error":{"code":"502","message":"m"}})", errc::conflict, "502", "m"},
        // redirects are not followed: unexpected
        {302, "", errc::unexpected_status, "", ""},
        // a success status whose envelope carries an error
        {200, R"({"data":null,"error":{"code":504,"message":"Maintenance mode is not enabled."}})", errc::not_found, "504",
         "Maintenance mode is not enabled."},
        {200, R"({"data":null,"error":{"code":0,"message":"Maintenance mode is enabled."}})", errc::unexpected_response,
         "0", "Maintenance mode is enabled."},
        {201, R"({"data":null,"error":{"code":373,"message":"deployment node maintenance"}})", errc::unexpected_response,
         "373", "deployment node maintenance"},
        {201, R"({"error":"something"})", errc::unexpected_response, "", "something"},
    };
    for (auto& c : cases) {
        SCOPED_TRACE(std::to_string(c.status) + " " + c.body);
        // every REST call shares the decoder; check it through two different operations
        for (auto r : {a4c::enable_maintenance{}.decode(make_response(c.status, c.body)),
                       a4c::disable_maintenance{}.decode(make_response(c.status, c.body))}) {
            ASSERT_FALSE(r);
            EXPECT_EQ(r.error().kind(), c.expected) << r.error();
            EXPECT_EQ(r.error().http_status, c.status);
            EXPECT_EQ(r.error().vendor_code, c.code);
            EXPECT_EQ(r.error().vendor_message, c.message);
        }
        auto g = decode(a4c::get_maintenance_state{}, make_response(c.status, c.body));
        ASSERT_FALSE(g);
        EXPECT_EQ(g.error().kind(), c.expected);
        EXPECT_EQ(g.error().operation, "a4c.getMaintenance");
    }
    EXPECT_EQ(a4c::errc_from_rest_error(503, a4c::error_codes::maintenance), errc::busy);
    EXPECT_EQ(a4c::errc_from_rest_error(409, a4c::error_codes::already_exists), errc::conflict);
    EXPECT_EQ(a4c::errc_from_rest_error(404, a4c::error_codes::not_found), errc::not_found);
    EXPECT_EQ(a4c::errc_from_rest_error(403, a4c::error_codes::unauthorized), errc::forbidden);
    EXPECT_EQ(a4c::errc_from_rest_error(403, a4c::error_codes::authentication_required), errc::unauthorized);
    EXPECT_EQ(a4c::errc_from_rest_error(503, std::nullopt), errc::unavailable);
}

TEST(A4cErrors, ServerTextIsKeptApartBoundedAndEscaped) {
    auto r = a4c::enable_maintenance{}.decode(make_response(
        500, R"({"data":"java.lang.IllegalAccessError\n\tat org.alien4cloud.server.MaintenanceModeService.disable",)"
             R"("error":{"code":500,"message":"line1\nforged: log line"}})"));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().message().find("MaintenanceModeService"), std::string::npos) << "the stack trace is not copied";
    EXPECT_EQ(r.error().message().find('\n'), std::string::npos) << "server text cannot forge log lines";
    EXPECT_NE(r.error().message().find("line1\\x0aforged"), std::string::npos) << r.error();

    const std::string huge(1 << 20, 'x');
    auto big = a4c::disable_maintenance{}.decode(make_response(404, R"({"error":{"code":504,"message":")" + huge + "\"}}"));
    ASSERT_FALSE(big);
    EXPECT_TRUE(big.error().is(errc::not_found));
    EXPECT_LE(big.error().vendor_message.size(), 1024u);
    EXPECT_LT(big.error().message().size(), 600u);

    auto limited = a4c::get_maintenance_state{}.decode(make_response(503, "", {{"Retry-After", "30"}}));
    EXPECT_EQ(limited.error().retry_after, std::chrono::seconds(30));
    EXPECT_EQ(a4c::enable_maintenance{}.decode(make_response(503, a4c_maintenance_body, {{"Retry-After", "5"}}))
                  .error()
                  .retry_after,
              std::chrono::seconds(5));
}

TEST(A4cErrors, ErrorCodeConstantsAreTheDocumentedOnes) {
    EXPECT_EQ(a4c::error_codes::maintenance, 0);
    EXPECT_EQ(a4c::error_codes::authentication_required, 100);
    EXPECT_EQ(a4c::error_codes::authentication_failed, 101);
    EXPECT_EQ(a4c::error_codes::unauthorized, 102);
    EXPECT_EQ(a4c::error_codes::already_exists, 502);
    EXPECT_EQ(a4c::error_codes::not_found, 504);
}

// ---------------------------------------------------------------- success statuses

TEST(A4cMaintenance, EachChangeAcceptsItsDocumentedSuccessStatusesOnly) {
    const std::string empty_envelope = R"({"data":null,"error":null})";
    for (auto body : {empty_envelope, std::string("{}"), std::string(R"({"data":null})"), std::string()}) {
        SCOPED_TRACE(body);
        EXPECT_TRUE(a4c::enable_maintenance{}.decode(make_response(201, body)));
        EXPECT_TRUE(a4c::update_maintenance{}.decode(make_response(201, body)));
        EXPECT_TRUE(a4c::disable_maintenance{}.decode(make_response(200, body)));
    }
    EXPECT_TRUE(a4c::disable_maintenance{}.decode(make_response(204))) << "the generated doc lists 204 too";
    auto check_odd = [](auto op, unsigned status) {
        auto r = op.decode(make_response(status, R"({"data":null,"error":null})"));
        ASSERT_FALSE(r) << status;
        EXPECT_TRUE(r.error().is(errc::unexpected_status)) << r.error();
        EXPECT_EQ(r.error().http_status, status);
    };
    check_odd(a4c::enable_maintenance{}, 200);
    check_odd(a4c::enable_maintenance{}, 202);
    check_odd(a4c::update_maintenance{}, 200);
    check_odd(a4c::disable_maintenance{}, 201);
    check_odd(a4c::get_maintenance_state{}, 201);
    // a success status with a body that is not an envelope
    EXPECT_TRUE(a4c::enable_maintenance{}.decode(make_response(201, "<html/>")).error().is(errc::malformed_response));
    EXPECT_TRUE(a4c::enable_maintenance{}.decode(make_response(201, R"({"data":nu)")).error().is(errc::malformed_response));
    EXPECT_TRUE(a4c::enable_maintenance{}.decode(make_response(201, "[]")).error().is(errc::unexpected_response));
}

// ---------------------------------------------------------------- maintenance state

TEST(A4cMaintenanceState, NullOrMissingDataMeansNotInMaintenance) {
    for (auto body : {R"({"data":null,"error":null})", R"({"data":null})", R"({"error":null})", "{}",
                      R"({"data":null,"error":null,"extra":[1,2]})"}) {
        auto r = a4c::get_maintenance_state{}.decode(make_response(200, body));
        ASSERT_TRUE(r) << body << ": " << r.error();
        EXPECT_FALSE(r.value().enabled) << body;
        EXPECT_TRUE(r.value().id.empty());
        EXPECT_TRUE(r.value().log.empty());
        EXPECT_FALSE(r.value().progress_percent);
        EXPECT_FALSE(r.value().started());
    }
    auto empty = a4c::get_maintenance_state{}.decode(make_response(200, ""));
    ASSERT_FALSE(empty) << "an empty 200 is not a state";
    EXPECT_TRUE(empty.error().is(errc::malformed_response));
}

TEST(A4cMaintenanceState, DecodesEveryFieldOfMaintenanceModeState) {
    auto r = a4c::get_maintenance_state{}.decode(make_response(200, a4c_enabled_state));
    ASSERT_TRUE(r) << r.error();
    const auto& s = r.value();
    EXPECT_TRUE(s.enabled);
    EXPECT_EQ(s.id, "mms_id");
    EXPECT_EQ(s.user, "admin");
    EXPECT_TRUE(s.user_triggered);
    EXPECT_EQ(s.progress_percent, 25);
    ASSERT_EQ(s.log.size(), 2u);
    EXPECT_EQ(s.log[0].date, epoch_ms(1700000000000));
    EXPECT_EQ(s.log[0].date, utc(2023, 11, 14, 22, 13, 20));
    EXPECT_EQ(s.log[0].user, "admin");
    EXPECT_EQ(s.log[0].message, "Maintenance operation started on alien4cloud.");
    EXPECT_EQ(s.log[1].message, "Performing maintenance");
    EXPECT_EQ(s.started(), epoch_ms(1700000000000));

    // Right after enabling (MaintenanceModeService.enable): progress 1, one log entry.
    auto fresh = a4c::get_maintenance_state{}.decode(make_response(200, R"({"data":{"id":"mms_id","userTriggered":true,
        "user":"admin","log":[{"date":1,"user":"admin","message":"Maintenance operation started on alien4cloud."}],
        "progressPercent":1},"error":null})"));
    ASSERT_TRUE(fresh);
    EXPECT_EQ(fresh.value().progress_percent, 1);

    // Automatic maintenance (a migration): not user-triggered, progress and log may be null.
    auto automatic = a4c::get_maintenance_state{}.decode(
        make_response(200, R"({"data":{"id":"mms_id","userTriggered":false,"user":null,"log":null,"progressPercent":null}})"));
    ASSERT_TRUE(automatic) << automatic.error();
    EXPECT_TRUE(automatic.value().enabled);
    EXPECT_FALSE(automatic.value().user_triggered);
    EXPECT_FALSE(automatic.value().progress_percent);
    EXPECT_TRUE(automatic.value().log.empty());

    // The Java field's own name, should a serializer ever use it; and a minimal object.
    auto field_named = a4c::get_maintenance_state{}.decode(make_response(200, R"({"data":{"isUserTriggered":true}})"));
    ASSERT_TRUE(field_named);
    EXPECT_TRUE(field_named.value().user_triggered);
    auto minimal = a4c::get_maintenance_state{}.decode(make_response(200, R"({"data":{}})"));
    ASSERT_TRUE(minimal);
    EXPECT_TRUE(minimal.value().enabled);
    // a log entry may lack user/message; an integral double date is accepted
    auto sparse = a4c::get_maintenance_state{}.decode(make_response(200, R"({"data":{"log":[{"date":1700000000000.0}]}})"));
    ASSERT_TRUE(sparse) << sparse.error();
    EXPECT_EQ(sparse.value().log.at(0).date, epoch_ms(1700000000000));
    // negative epoch values are valid dates
    auto old = a4c::get_maintenance_state{}.decode(make_response(200, R"({"data":{"log":[{"date":-1000}]}})"));
    ASSERT_TRUE(old);
    EXPECT_EQ(old.value().log.at(0).date, epoch_ms(-1000));
}

TEST(A4cMaintenanceState, WrongShapesAreTypedErrorsNamingThePath) {
    struct case_t {
        std::string body;
        errc expected;
        std::string path;
    };
    const case_t cases[] = {
        {R"({"data":[]})", errc::unexpected_response, "$.data"},
        {R"({"data":"mms_id"})", errc::unexpected_response, "$.data"},
        {R"({"data":{"userTriggered":"true"}})", errc::unexpected_response, "$.data.userTriggered"},
        {R"({"data":{"id":7}})", errc::unexpected_response, "$.data.id"},
        {R"({"data":{"progressPercent":"25"}})", errc::unexpected_response, "$.data.progressPercent"},
        {R"({"data":{"progressPercent":25.5}})", errc::unexpected_response, "$.data.progressPercent"},
        {R"({"data":{"progressPercent":1e300}})", errc::unexpected_response, "$.data.progressPercent"},
        {R"({"data":{"progressPercent":4294967296}})", errc::unexpected_response, "$.data.progressPercent"},
        {R"({"data":{"log":{}}})", errc::unexpected_response, "$.data.log"},
        {R"({"data":{"log":["x"]}})", errc::unexpected_response, "$.data.log[]"},
        {R"({"data":{"log":[{"user":"admin"}]}})", errc::unexpected_response, "$.data.log[].date"},
        {R"({"data":{"log":[{"date":"2023-11-14"}]}})", errc::unexpected_response, "$.data.log[].date"},
        {R"({"data":{"log":[{"date":9223372036854775807}]}})", errc::unexpected_response, "$.data.log[].date"},
        {R"({"data":{"log":[{"date":-9223372036854775808}]}})", errc::unexpected_response, "$.data.log[].date"},
        {R"({"data":{"log":[{"date":18446744073709551615}]}})", errc::unexpected_response, "$.data.log[].date"},
        {R"({"data":{"log":[{"date":1,"message":["m"]}]}})", errc::unexpected_response, "$.data.log[].message"},
        {R"([{"data":null}])", errc::unexpected_response, "$"},
        {R"("maintenance")", errc::unexpected_response, "$"},
        {R"({"data":{"id":"mms_id","log":[{"date":1})", errc::malformed_response, ""},  // truncated
        {"not json", errc::malformed_response, ""},
        {std::string(100000, '['), errc::malformed_response, ""},  // nesting beyond the parser's limit
    };
    for (auto& c : cases) {
        auto r = a4c::get_maintenance_state{}.decode(make_response(200, c.body));
        ASSERT_FALSE(r) << c.body.substr(0, 80);
        EXPECT_EQ(r.error().kind(), c.expected) << c.body.substr(0, 80) << " -> " << r.error();
        if (!c.path.empty()) {
            EXPECT_NE(r.error().detail.find("'" + c.path + "'"), std::string::npos) << r.error();
        }
        EXPECT_EQ(r.error().http_status, 200u) << "shape errors carry the status too";
    }
}

// ---------------------------------------------------------------- login

TEST(A4cLogin, RedirectToAuthStatusWithASessionCookieIsSuccess) {
    auto r = a4c::login{"admin", password_secret}.decode(make_response(
        302, "", {{"Location", "http://a4c.example:8088/rest/auth/status"}, {"Set-Cookie", "JSESSIONID=1A2B3C4D5E6F; Path=/; HttpOnly"}}));
    ASSERT_TRUE(r) << r.error();
    EXPECT_EQ(r.value().session_cookie, "1A2B3C4D5E6F");
    EXPECT_EQ(r.value().location, "http://a4c.example:8088/rest/auth/status");
    EXPECT_EQ(r.value().http_status, 302u);

    // relative Location, several cookies, Jetty-style session ids, a cleared cookie before the new one
    auto many = a4c::login{"admin", "p"}.decode(make_response(
        303, "", {{"location", "/alien/rest/auth/status"}, {"Set-Cookie", "rememberMe=deleteMe; Path=/; Max-Age=0"},
                  {"Set-Cookie", "JSESSIONID=; Path=/; Max-Age=0"}, {"set-cookie", "JSESSIONID=node01xyz9.node0;Path=/alien"},
                  {"Set-Cookie", "other=1"}}));
    ASSERT_TRUE(many) << many.error();
    EXPECT_EQ(many.value().session_cookie, "node01xyz9.node0");
    auto quoted = a4c::login{"u", "p"}.decode(
        make_response(302, "", {{"Location", "/rest/auth/status"}, {"Set-Cookie", "JSESSIONID=\"abc\"; Path=/"}}));
    ASSERT_TRUE(quoted);
    EXPECT_EQ(quoted.value().session_cookie, "abc");
}

TEST(A4cLogin, FailureRedirectsAnd401AreAuthenticationFailed) {
    const a4c::login op{"admin", password_secret};
    // Spring Security may create a session on failure too: a cookie alone proves nothing.
    auto redirected = op.decode(make_response(302, "", {{"Location", "http://a4c:8088/rest/auth/authenticationfailed"},
                                                        {"Set-Cookie", "JSESSIONID=FAILED0001; Path=/"}}));
    ASSERT_FALSE(redirected);
    EXPECT_TRUE(redirected.error().is(errc::authentication_failed)) << redirected.error();
    EXPECT_EQ(redirected.error().http_status, 302u);
    expect_no_secret(redirected.error(), "failure redirect");
    EXPECT_EQ(redirected.error().message().find("FAILED0001"), std::string::npos);

    auto spring_default = op.decode(make_response(302, "", {{"Location", "/login?error"}, {"Set-Cookie", "JSESSIONID=x"}}));
    ASSERT_FALSE(spring_default);
    EXPECT_TRUE(spring_default.error().is(errc::authentication_failed));
    EXPECT_TRUE(op.decode(make_response(302, "", {{"Location", "/login?foo=1&error=true"}})).error().is(errc::authentication_failed));

    auto page = op.decode(make_response(
        401, R"({"data":null,"error":{"code":101,"message":"Authentication failed, check username and password."}})"));
    ASSERT_FALSE(page);
    EXPECT_TRUE(page.error().is(errc::authentication_failed));
    EXPECT_EQ(page.error().vendor_code, "101");
    EXPECT_EQ(page.error().vendor_message, "Authentication failed, check username and password.");
    EXPECT_TRUE(op.decode(make_response(401)).error().is(errc::authentication_failed));
}

TEST(A4cLogin, ARedirectWithoutCookieOrLocationIsNotASuccess) {
    const a4c::login op{"admin", "p"};
    auto no_cookie = op.decode(make_response(302, "", {{"Location", "/rest/auth/status"}}));
    ASSERT_FALSE(no_cookie);
    EXPECT_TRUE(no_cookie.error().is(errc::unexpected_response));
    auto only_cleared = op.decode(make_response(302, "", {{"Location", "/rest/auth/status"}, {"Set-Cookie", "JSESSIONID=x; Max-Age=0"}}));
    EXPECT_TRUE(only_cleared.error().is(errc::unexpected_response));
    auto other_cookie = op.decode(make_response(302, "", {{"Location", "/rest/auth/status"}, {"Set-Cookie", "SESSION=abc"}}));
    EXPECT_TRUE(other_cookie.error().is(errc::unexpected_response));
    auto no_location = op.decode(make_response(302, "", {{"Set-Cookie", "JSESSIONID=abc"}}));
    EXPECT_TRUE(no_location.error().is(errc::unexpected_status));
    auto bad_value = op.decode(make_response(302, "", {{"Location", "/rest/auth/status"}, {"Set-Cookie", "JSESSIONID=a\"b,c"}}));
    EXPECT_TRUE(bad_value.error().is(errc::unexpected_response));
    EXPECT_EQ(bad_value.error().message().find("a\"b"), std::string::npos);
    EXPECT_TRUE(op.decode(make_response(500, "<html/>")).error().is(errc::server_error));
    EXPECT_TRUE(op.decode(make_response(403, "")).error().is(errc::forbidden));
    EXPECT_TRUE(op.decode(make_response(100, "")).error().is(errc::unexpected_status));
}

TEST(A4cLogin, AFollowedRedirectStillLogsIn) {
    // Something between client and server followed the 302: the body is the auth status.
    const a4c::login op{"admin", "p"};
    auto r = op.decode(make_response(200, R"({"data":{"isLogged":true,"username":"admin","roles":["ADMIN"]},"error":null})",
                                     {{"Set-Cookie", "JSESSIONID=abc; Path=/"}}));
    ASSERT_TRUE(r) << r.error();
    EXPECT_EQ(r.value().session_cookie, "abc");
    EXPECT_EQ(r.value().http_status, 200u);
    auto anonymous = op.decode(make_response(200, R"({"data":{"isLogged":false},"error":null})", {{"Set-Cookie", "JSESSIONID=abc"}}));
    EXPECT_TRUE(anonymous.error().is(errc::authentication_failed));
}

TEST(A4cLogin, AServerEchoingTheFormNeverLeaksThePassword) {
    const a4c::login op{"admin", password_secret};
    const std::string form = encoded(op, a4c::context{}).body;
    for (auto& [status, body] : std::vector<std::pair<unsigned, std::string>>{
             {400, "Bad request: " + form},
             {500, R"({"error":{"code":500,"message":"cannot parse )" + form + R"("}})"},
             {401, R"({"error":{"code":101,"message":"bad password )" + password_secret + R"("}})"},
             {403, json::serialize(json::object{{"message", "password=" + password_secret}})},
             {400, "form: password=Hunter2+p%40ss%26w0rd%3D%25"}}) {
        auto r = op.decode(make_response(status, body));
        ASSERT_FALSE(r) << status;
        expect_no_secret(r.error(), body);
    }
    auto jwt = a4c::jwt_login{"admin", password_secret}.decode(make_response(400, "echo: " + form));
    ASSERT_FALSE(jwt);
    expect_no_secret(jwt.error(), "jwt echo");
}

// ---------------------------------------------------------------- JWT and auth status

TEST(A4cJwt, DecodesTheTokenAndItsExpiryOrTheBareToken) {
    const a4c::jwt_login op{"admin", "admin"};
    auto full = op.decode(make_response(200, R"({"data":{"token":")" + jwt_secret + R"(","expireAt":1700043200000},"error":null})"));
    ASSERT_TRUE(full) << full.error();
    EXPECT_EQ(full.value().token, jwt_secret);
    EXPECT_EQ(full.value().expire_at, epoch_ms(1700043200000));
    auto bare = op.decode(make_response(200, R"({"data":")" + jwt_secret + R"(","error":null})"));
    ASSERT_TRUE(bare) << bare.error();
    EXPECT_EQ(bare.value().token, jwt_secret);
    EXPECT_FALSE(bare.value().expire_at);

    EXPECT_TRUE(op.decode(make_response(200, R"({"data":{"token":""}})")).error().is(errc::unexpected_response));
    EXPECT_TRUE(op.decode(make_response(200, R"({"data":""})")).error().is(errc::unexpected_response));
    EXPECT_TRUE(op.decode(make_response(200, R"({"data":"a b"})")).error().is(errc::unexpected_response));
    EXPECT_TRUE(op.decode(make_response(200, R"({"data":{"expireAt":1}})")).error().is(errc::unexpected_response));
    EXPECT_TRUE(op.decode(make_response(200, R"({"data":{"token":"t","expireAt":"soon"}})")).error().is(errc::unexpected_response));
    EXPECT_TRUE(op.decode(make_response(200, R"({"data":null})")).error().is(errc::unexpected_response));
    EXPECT_TRUE(op.decode(make_response(200, "")).error().is(errc::malformed_response));
    EXPECT_TRUE(op.decode(make_response(401, "")).error().is(errc::authentication_failed));
    EXPECT_TRUE(op.decode(make_response(500, R"({"error":{"code":101,"message":"Bad credentials"}})"))
                    .error()
                    .is(errc::authentication_failed));
    auto maintenance = op.decode(make_response(503, a4c_maintenance_body));
    EXPECT_TRUE(maintenance.error().is(errc::busy)) << "/rest/jwtauth is not on the filter's allow list";
}

TEST(A4cAuthStatus, DecodesUserStatusForAUserAndForAnonymous) {
    auto admin = a4c::get_auth_status{}.decode(make_response(200, R"({"data":{"isLogged":true,"username":"admin",
        "githubUsername":null,"roles":["ADMIN","APPLICATIONS_MANAGER"],"groups":["ALL_USERS"],"authSystem":"alien"},"error":null})"));
    ASSERT_TRUE(admin) << admin.error();
    EXPECT_TRUE(admin.value().is_logged);
    EXPECT_EQ(admin.value().username, "admin");
    EXPECT_EQ(admin.value().github_username, "");
    EXPECT_TRUE(admin.value().has_role("ADMIN"));
    EXPECT_FALSE(admin.value().has_role("ARCHITECT"));
    EXPECT_EQ(admin.value().groups, std::vector<std::string>{"ALL_USERS"});
    EXPECT_EQ(admin.value().auth_system, "alien");

    auto anonymous = a4c::get_auth_status{}.decode(make_response(200, R"({"data":{"isLogged":false,"roles":[],"authSystem":"alien"}})"));
    ASSERT_TRUE(anonymous);
    EXPECT_FALSE(anonymous.value().is_logged);
    auto boxed_null = a4c::get_auth_status{}.decode(make_response(200, R"({"data":{"isLogged":null}})"));
    ASSERT_TRUE(boxed_null);
    EXPECT_FALSE(boxed_null.value().is_logged);

    for (auto bad : {R"({"data":null})", R"({"data":{"isLogged":"yes"}})", R"({"data":{"roles":"ADMIN"}})",
                     R"({"data":{"roles":[1]}})", R"({"data":{"groups":{}}})"}) {
        auto r = a4c::get_auth_status{}.decode(make_response(200, bad));
        ASSERT_FALSE(r) << bad;
        EXPECT_TRUE(r.error().is(errc::unexpected_response)) << bad;
        EXPECT_EQ(r.error().http_status, 200u);
    }
}

// ---------------------------------------------------------------- every operation through the client

TEST(A4cClient, EveryOperationIsCallableSyncAndAsync) {
    const auto c = a4c_ctx();
    const auto empty201 = make_response(201, R"({"data":null,"error":null})");
    expect_sync_and_async_agree(a4c::get_maintenance_state{}, c, make_response(200, a4c_enabled_state));
    expect_sync_and_async_agree(a4c::enable_maintenance{}, c, empty201);
    expect_sync_and_async_agree(a4c::update_maintenance{"Performing maintenance", 25}, c, empty201);
    expect_sync_and_async_agree(a4c::disable_maintenance{}, c, make_response(200, R"({"data":null,"error":null})"));
    expect_sync_and_async_agree(a4c::login{"admin", password_secret}, c,
                                make_response(302, "", {{"Location", "/rest/auth/status"}, {"Set-Cookie", "JSESSIONID=abc; Path=/"}}));
    expect_sync_and_async_agree(a4c::jwt_login{"admin", password_secret}, c,
                                make_response(200, R"({"data":{"token":"t.k.n","expireAt":1}})"));
    expect_sync_and_async_agree(a4c::get_auth_status{}, c, make_response(200, R"({"data":{"isLogged":true}})"));
    // and the errors, identically
    expect_sync_and_async_agree(a4c::get_maintenance_state{}, c, make_response(503, a4c_maintenance_body), false);
    expect_sync_and_async_agree(a4c::enable_maintenance{}, c, make_response(409, a4c_already_body), false);
    expect_sync_and_async_agree(a4c::update_maintenance{"m", 1}, c, make_response(404, a4c_not_enabled_body), false);
    expect_sync_and_async_agree(a4c::disable_maintenance{}, c, make_response(403, a4c_no_rights_body), false);
    expect_sync_and_async_agree(a4c::login{"admin", password_secret}, c,
                                make_response(302, "", {{"Location", "/rest/auth/authenticationfailed"}}), false);
}

TEST(A4cClient, InvalidRequestsFailBeforeSendingInBothForms) {
    boost::asio::io_context io;
    mock_transport t(io.get_executor());
    client<mock_transport&, a4c::context> c(t, a4c_ctx());
    auto sync = c.call(a4c::update_maintenance{"m", 250});
    ASSERT_FALSE(sync);
    EXPECT_TRUE(sync.error().is(errc::invalid_request));
    EXPECT_EQ(sync.error().operation, "a4c.updateMaintenance");
    std::optional<result<void>> async;
    c.async_call(a4c::update_maintenance{"m", -5}, [&](result<void> r) { async.emplace(std::move(r)); });
    EXPECT_FALSE(async);
    io.run();
    ASSERT_TRUE(async);
    EXPECT_TRUE(async->error().is(errc::invalid_request));
    EXPECT_EQ(t.request_count(), 0u);
}

TEST(A4cSecrets, NoErrorOfAnyOperationQuotesACredential) {
    auto c = a4c_ctx();
    c.jwt = jwt_secret;
    const std::vector<http_response> answers = {
        make_response(503, a4c_maintenance_body), make_response(401, ""), make_response(403, a4c_no_rights_body),
        make_response(500, R"({"data":"trace","error":{"code":500,"message":"boom"}})"), make_response(200, "{oops"),
        make_response(302, "", {{"Location", "/login?error"}, {"Set-Cookie", "JSESSIONID=" + session_secret}}),
        make_response(200, R"({"data":{"log":[{"date":"x"}]}})")};
    mock_transport t;
    client<mock_transport&, a4c::context> cl(t, c);
    auto run = [&](auto op) {
        for (auto& a : answers) {
            t.push(a);
            auto r = cl.call(op);
            if (!r) expect_no_secret(r.error(), std::string(decltype(op)::name) + " " + std::to_string(a.status));
        }
        t.push_error(errc::transport_failure);
        auto r = cl.call(op);
        ASSERT_FALSE(r);
        expect_no_secret(r.error(), "transport");
    };
    run(a4c::get_maintenance_state{});
    run(a4c::enable_maintenance{});
    run(a4c::update_maintenance{"m", 1});
    run(a4c::disable_maintenance{});
    run(a4c::get_auth_status{});
    run(a4c::login{"admin", password_secret});
    run(a4c::jwt_login{"admin", password_secret});
}

// ---------------------------------------------------------------- robustness

template <class Op>
void decode_everything(const Op& op, const std::vector<std::string>& bodies) {
    for (unsigned status : {0u, 100u, 200u, 201u, 204u, 302u, 400u, 401u, 403u, 404u, 409u, 500u, 503u, 999u}) {
        for (auto& body : bodies) {
            auto r = decode(op, make_response(status, body, {{"Location", body.substr(0, 64)}, {"Set-Cookie", body.substr(0, 64)}}));
            if (!r) {
                EXPECT_FALSE(r.error().message().empty());
                EXPECT_EQ(r.error().operation, Op::name);
            }
        }
    }
}

std::vector<std::string> nasty_bodies() {
    return {"",
            " ",
            "null",
            "true",
            "0",
            "-1e999",
            "\"text\"",
            "[]",
            "{}",
            std::string("\0\x01\xff\xfe", 4),
            "{\"data\":\"\xff\xfe\"}",
            R"({"data":{"log":[{"date":1e300}],"progressPercent":-1e300}})",
            R"({"data":{"log":[null,{},[]],"userTriggered":null}})",
            R"({"error":{"code":1e300,"message":7}})",
            R"({"error":{"code":-9223372036854775808,"message":null}})",
            R"({"error":{"code":"99999999999999999999","message":"x"}})",
            R"({"error":[],"data":{}})",
            R"({"error":{}})",
            R"({"data":{"token":{"nested":true},"isLogged":1,"roles":[null]}})",
            R"({"server changed":null,"mode":["production"],"system_time":12})",
            R"({"server changed":"MAINTENANCE","mode":"Production","system_time":"2010-02-30T00:00:00Z"})",
            R"({"mode":"production","started":"9999-12-31T23:59:59.999999999Z","last_request":"0000-01-01T00:00Z"})",
            std::string(200000, '['),
            std::string(200000, '{'),
            "{\"data\":\"" + std::string(1 << 18, 'a') + "\"}",
            "{\"error\":{\"code\":0,\"message\":\"" + std::string(1 << 18, 'm') + "\"}}"};
}

TEST(A4cRobustness, NoBodyOrStatusCrashesAnyDecoder) {
    const auto bodies = nasty_bodies();
    decode_everything(a4c::get_maintenance_state{}, bodies);
    decode_everything(a4c::enable_maintenance{}, bodies);
    decode_everything(a4c::update_maintenance{}, bodies);
    decode_everything(a4c::disable_maintenance{}, bodies);
    decode_everything(a4c::login{"u", "p"}, bodies);
    decode_everything(a4c::jwt_login{"u", "p"}, bodies);
    decode_everything(a4c::get_auth_status{}, bodies);
}

// ================================================================ Alien4Cloud acceptance scenarios
//
// Alien4Cloud's own cucumber feature for maintenance mode, one test per scenario. The scenario logic is written
// against a `call` callable only (`call(op, ctx) -> result<Op::response_type>`), so the same functions can drive the
// emulator over loopback (tests/integration/a4c_ucs_flow_test.cpp); here they drive a stateful fake of the server
// (STEPS.md) through mock_transport, once synchronously and once asynchronously. The scenarios themselves live in
// tests/common/a4c_scenarios.hpp, shared by both.

/// A fake Alien4Cloud 3.0 as STEPS.md and the reference describe it: form login with sessions, admin vs other
/// users, the maintenance controller's statuses and codes, and the maintenance filter on /rest/*.
class fake_a4c_server {
public:
    /// `root`: the server's own prefix (`server.url_path`), e.g. "/alien".
    explicit fake_a4c_server(std::string root = "") : root_(std::move(root)) { users_["admin"] = {"admin", {"ADMIN"}}; }

    bool maintenance_enabled() const { return enabled_; }
    std::size_t sessions() const { return sessions_.size(); }

    http_response handle(const http_request& req) {
        std::string path = req.target.substr(0, req.target.find('?'));
        if (!path.starts_with(root_)) return make_response(404);
        path = path.substr(root_.size());
        if (req.method == verb::post && path == "/login") return login(req);
        if (req.method == verb::post && path == "/logout") {
            if (auto s = session_of(req)) sessions_.erase(*s);
            return make_response(302, "", {{"Location", "/"}});
        }
        if (!path.starts_with("/rest/") && path != "/rest") return make_response(404);
        if (enabled_ && !maintenance_filter_allows(req.target))  // plain ObjectMapper, no Content-Type
            return make_response(503, R"({"data":null,"error":{"code":0,"message":"Maintenance mode is enabled."}})");
        std::string route;
        for (std::string_view prefix : {"/rest/v1/", "/rest/latest/", "/rest/"})
            if (path.starts_with(prefix)) {
                route = path.substr(prefix.size() - 1);
                break;
            }
        const auto user = user_of(req);
        if (route == "/auth/status" && req.method == verb::get) return auth_status(user);
        if (!user) return rest(403, nullptr, 100, "Authentication required for this request : ");
        if (route == "/maintenance") return maintenance(req, *user);
        if (route.starts_with("/users/") && route.size() > 7 && req.method == verb::get) {
            auto it = users_.find(route.substr(7));
            if (it == users_.end()) return rest(200, nullptr);
            return rest(200, json::object{{"username", it->first}, {"roles", roles_json(it->second.roles)}});
        }
        if ((route == "/users/" || route == "/users") && req.method == verb::post) {
            if (!is_admin(*user)) return rest(403, nullptr, 102, "Current user has no sufficient rights.");
            auto body = json::parse(req.body);
            users_[std::string(body.at("username").as_string())] = {std::string(body.at("password").as_string()), {}};
            return rest(200, nullptr);
        }
        if (route == "/applications/search" && req.method == verb::post)
            return rest(200, json::object{{"types", json::array{}}, {"data", json::array{}}, {"totalResults", 0}});
        return make_response(404);
    }

private:
    struct user_record {
        std::string password;
        std::vector<std::string> roles;
    };

    static json::array roles_json(const std::vector<std::string>& roles) {
        json::array a;
        for (auto& r : roles) a.emplace_back(r);
        return a;
    }

    static http_response rest(unsigned status, json::value data, std::optional<int> code = {}, std::string message = {}) {
        json::object o{{"data", std::move(data)}, {"error", nullptr}};
        if (code) o["error"] = json::object{{"code", *code}, {"message", message}};
        return make_response(status, json::serialize(o), {{"Content-Type", "application/json;charset=UTF-8"}});
    }

    static bool maintenance_filter_allows(std::string_view url) {
        for (std::string_view prefix : {"/rest", "/rest/v1", "/rest/latest"})
            for (std::string_view allowed : {"/maintenance", "/modules", "/auth", "/admin/health", "/configuration"})
                if (url.find(std::string(prefix) + std::string(allowed)) != std::string_view::npos) return true;
        return false;
    }

    static std::string form_decode(std::string_view s) {
        std::string out;
        for (std::size_t i = 0; i < s.size(); ++i) {
            if (s[i] == '+') {
                out += ' ';
            } else if (s[i] == '%' && i + 2 < s.size()) {
                auto hex = [](char c) { return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10; };
                out += static_cast<char>(hex(s[i + 1]) * 16 + hex(s[i + 2]));
                i += 2;
            } else {
                out += s[i];
            }
        }
        return out;
    }

    static std::map<std::string, std::string> form_fields(std::string_view body) {
        std::map<std::string, std::string> out;
        while (!body.empty()) {
            auto amp = body.find('&');
            auto pair = body.substr(0, amp);
            auto eq = pair.find('=');
            if (eq != std::string_view::npos) out[form_decode(pair.substr(0, eq))] = form_decode(pair.substr(eq + 1));
            body = amp == std::string_view::npos ? std::string_view() : body.substr(amp + 1);
        }
        return out;
    }

    http_response login(const http_request& req) {
        EXPECT_EQ(req.content_type, "application/x-www-form-urlencoded");
        EXPECT_FALSE(req.headers.find("Cookie")) << "a login must not carry the previous session";
        auto fields = form_fields(req.body);
        EXPECT_EQ(fields["submit"], "Login");
        auto it = users_.find(fields["username"]);
        const std::string id = "F" + std::to_string(1000 + ++next_session_) + "A4C";
        if (it == users_.end() || it->second.password != fields["password"])  // Spring keeps the failure in a session
            return make_response(302, "", {{"Location", "http://a4c.test:8088" + root_ + "/rest/auth/authenticationfailed"},
                                           {"Set-Cookie", "JSESSIONID=" + id + "; Path=/; HttpOnly"}});
        sessions_[id] = it->first;
        return make_response(302, "", {{"Location", "http://a4c.test:8088" + root_ + "/rest/auth/status"},
                                       {"Set-Cookie", "JSESSIONID=" + id + "; Path=/; HttpOnly"}});
    }

    std::optional<std::string> session_of(const http_request& req) const {
        auto cookie = req.headers.find("Cookie");
        if (!cookie) return std::nullopt;
        auto pos = cookie->find("JSESSIONID=");
        if (pos == std::string_view::npos) return std::nullopt;
        auto value = cookie->substr(pos + 11);
        return std::string(value.substr(0, value.find(';')));
    }

    std::optional<std::string> user_of(const http_request& req) const {
        auto s = session_of(req);
        if (!s) return std::nullopt;
        auto it = sessions_.find(*s);
        if (it == sessions_.end()) return std::nullopt;
        return it->second;
    }

    bool is_admin(const std::string& user) const {
        auto it = users_.find(user);
        return it != users_.end() &&
               std::find(it->second.roles.begin(), it->second.roles.end(), "ADMIN") != it->second.roles.end();
    }

    http_response auth_status(const std::optional<std::string>& user) const {
        json::object d{{"isLogged", user.has_value()}, {"authSystem", "alien"}, {"githubUsername", nullptr}, {"groups", nullptr}};
        d["username"] = user ? json::value(*user) : json::value("anonymousUser");
        d["roles"] = user ? roles_json(users_.at(*user).roles) : json::array{"ROLE_ANONYMOUS"};
        return rest(200, std::move(d));
    }

    static std::int64_t now_ms() {
        return std::chrono::duration_cast<std::chrono::milliseconds>(system_clock::now().time_since_epoch()).count();
    }

    http_response maintenance(const http_request& req, const std::string& user) {
        if (req.method == verb::get) return rest(200, enabled_ ? json::value(state_) : json::value(nullptr));
        if (!is_admin(user)) return rest(403, nullptr, 102, "Current user has no sufficient rights.");
        switch (req.method) {
        case verb::post:
            if (enabled_) return rest(409, nullptr, 502, "The posted object already exist.");
            enabled_ = true;
            state_ = json::object{{"id", "mms_id"},
                                  {"userTriggered", true},
                                  {"user", user},
                                  {"log", json::array{json::object{{"date", now_ms()},
                                                                   {"user", user},
                                                                   {"message", "Maintenance operation started on alien4cloud."}}}},
                                  {"progressPercent", 1}};
            return rest(201, nullptr);
        case verb::put: {
            if (!enabled_) return rest(404, nullptr, 504, "Maintenance mode is not enabled.");
            EXPECT_EQ(req.content_type, "application/json");
            auto body = json::parse(req.body).as_object();
            if (auto* m = body.if_contains("message"))
                state_["log"].as_array().push_back(json::object{{"date", now_ms()}, {"user", user}, {"message", *m}});
            if (auto* p = body.if_contains("progressPercentage")) state_["progressPercent"] = *p;
            state_["user"] = user;
            return rest(201, nullptr);
        }
        case verb::delete_:
            if (!enabled_) return rest(404, nullptr, 504, "Maintenance mode is not enabled.");
            enabled_ = false;
            state_.clear();
            return rest(200, nullptr);
        default: return make_response(405);
        }
    }

    std::string root_;
    std::map<std::string, user_record> users_;
    std::map<std::string, std::string> sessions_;  // JSESSIONID -> user
    int next_session_ = 0;
    bool enabled_ = false;
    json::object state_;
};

/// A fake server behind a mock transport, with a sync and an async `call` for the scenarios.
struct fake_a4c_world {
    fake_a4c_server server;
    boost::asio::io_context io;
    mock_transport transport{io.get_executor()};

    explicit fake_a4c_world(std::string root = "") : server(std::move(root)) {
        transport.set_handler([this](const http_request& r) -> result<http_response> { return server.handle(r); });
    }

    auto sync_call() {
        return [this](const auto& op, const a4c::context& ctx) {
            client<mock_transport&, a4c::context> c(transport, ctx);
            return c.call(op);
        };
    }

    auto async_call() {
        return [this](const auto& op, const a4c::context& ctx) {
            using response = typename std::decay_t<decltype(op)>::response_type;
            client<mock_transport&, a4c::context> c(transport, ctx);
            std::optional<result<response>> out;
            c.async_call(op, [&](result<response> r) { out.emplace(std::move(r)); });
            io.restart();
            io.run();
            if (!out) return result<response>(failure(errc::cancelled, "the async call never completed"));
            return std::move(*out);
        };
    }
};

/// Runs a scenario twice on fresh fakes: synchronously under /rest/v1, asynchronously under /rest/latest.
template <class Scenario>
void run_against_fake(Scenario scenario) {
    {
        SCOPED_TRACE("sync, /rest/v1");
        fake_a4c_world w;
        scenario(w.sync_call(), a4c::context{});
        EXPECT_GT(w.transport.request_count(), 3u);
    }
    {
        SCOPED_TRACE("async, /alien/rest/latest");
        fake_a4c_world w("/alien");
        auto c = a4c::context::from_base_url("http://a4c.test:8088/alien", a4c::rest_prefix::latest);
        ASSERT_TRUE(c);
        scenario(w.async_call(), c.value());
        EXPECT_GT(w.transport.request_count(), 3u);
    }
}

TEST(A4cMaintenanceScenario, AdminCanEnableThenDisable) {
    run_against_fake([](auto call, const a4c::context& c) { a4c_it::admin_can_enable_then_disable(call, c); });
}

TEST(A4cMaintenanceScenario, NonAdminCannotEnable) {
    run_against_fake([](auto call, const a4c::context& c) { a4c_it::non_admin_cannot_enable(call, c); });
}

TEST(A4cMaintenanceScenario, OtherEndpointsAreRefusedWhileEnabled) {
    run_against_fake([](auto call, const a4c::context& c) { a4c_it::other_endpoints_are_refused_while_enabled(call, c); });
}

TEST(A4cMaintenanceScenario, DisablingWhenOffFails) {
    run_against_fake([](auto call, const a4c::context& c) { a4c_it::disabling_when_off_fails(call, c); });
}

TEST(A4cMaintenanceScenario, LoginStillWorksWhileEnabled) {
    run_against_fake([](auto call, const a4c::context& c) { a4c_it::login_still_works_while_enabled(call, c); });
}

TEST(A4cMaintenanceScenario, StateIsReportedWhileEnabled) {
    run_against_fake([](auto call, const a4c::context& c) { a4c_it::state_is_reported_while_enabled(call, c); });
}

TEST(A4cMaintenanceScenario, UpdateChangesMessageAndProgress) {
    run_against_fake([](auto call, const a4c::context& c) { a4c_it::update_changes_message_and_progress(call, c); });
}

TEST(A4cMaintenanceScenario, UpdatingWhenOffFails) {
    run_against_fake([](auto call, const a4c::context& c) { a4c_it::updating_when_off_fails(call, c); });
}

TEST(A4cMaintenanceScenario, NonAdminCannotUpdate) {
    run_against_fake([](auto call, const a4c::context& c) { a4c_it::non_admin_cannot_update(call, c); });
}

TEST(A4cMaintenanceScenario, StateIsEmptyWhileOff) {
    run_against_fake([](auto call, const a4c::context& c) { a4c_it::state_is_empty_while_off(call, c); });
}

TEST(A4cMaintenanceScenario, TheFakeBehavesAsStepsMdSays) {
    // Sanity of the fake itself, so that the scenarios test the client and not a lenient fake.
    fake_a4c_world w;
    auto call = w.sync_call();
    a4c::context anon;
    EXPECT_TRUE(call(a4c::login{"admin", "wrong"}, anon).error().is(errc::authentication_failed));
    EXPECT_TRUE(call(a4c::enable_maintenance{}, anon).error().is(errc::unauthorized)) << "no session: code 100";
    auto status = call(a4c::get_auth_status{}, anon);
    ASSERT_TRUE(status);
    EXPECT_FALSE(status.value().is_logged);
    auto admin = call(a4c::login{"admin", "admin"}, anon);
    ASSERT_TRUE(admin);
    a4c::context c;
    c.session_cookie = admin.value().session_cookie;
    EXPECT_TRUE(call(a4c::get_auth_status{}, c).value().has_role("ADMIN"));
    EXPECT_TRUE(call(a4c::enable_maintenance{}, c));
    EXPECT_TRUE(call(a4c::enable_maintenance{}, c).error().is(errc::conflict));
    EXPECT_TRUE(w.server.maintenance_enabled());
    EXPECT_TRUE(call(a4c::get_auth_status{}, c)) << "/auth is on the filter's allow list";
    auto refused = call(a4c_it::get_user{"frodo"}, c);
    EXPECT_TRUE(refused.error().is(errc::busy));
    EXPECT_EQ(refused.error().http_status, 503u);
    EXPECT_TRUE(call(a4c::disable_maintenance{}, c));
    EXPECT_TRUE(call(a4c::disable_maintenance{}, c).error().is(errc::not_found));
}

// ================================================================ Genesys UCS / Context Services

const std::string ucs_status_example =  // the 8.1 QueryServerStatus example, with its braces
    R"({"max_memory":518464,"server_errors_today":0,"client_errors_today":0,"request_today":0,)"
    R"("system_time":"2010-02-24T15:56:46.369Z","used_memory":7947,"allocated_memory":63936,)"
    R"("started":"2010-02-24T14:35:28.668Z","free_memory":55989,"last_request":"2010-02-24T14:35:27.964Z",)"
    R"("mode":"production","version":"8.0.100.11"})";

TEST(UcsContext, BasicAuthenticationOnlyWithAUsername) {
    http_request none;
    ucs::context{}.authorize(none);
    EXPECT_TRUE(none.headers.empty());
    http_request doc;
    ucs::context{"", "kent", "superman"}.authorize(doc);
    EXPECT_EQ(doc.headers.find("Authorization").value(), "Basic a2VudDpzdXBlcm1hbg==") << "the documentation's example";
    http_request empty_password;
    ucs::context{"", "kent", ""}.authorize(empty_password);
    EXPECT_EQ(empty_password.headers.find("Authorization").value(), "Basic a2VudDo=");
    http_request utf8;
    ucs::context{"", "jos\xc3\xa9", "p\xc3\xa4ss"}.authorize(utf8);
    EXPECT_EQ(utf8.headers.find("Authorization").value(), "Basic am9zw6k6cMOkc3M=");
    http_request c;
    ucs_ctx().authorize(c);
    EXPECT_EQ(c.headers.find("Authorization").value(), "Basic " + basic_header_value);
}

TEST(UcsContext, FromBaseUrl) {
    auto root = ucs::context::from_base_url("http://ucs.example:8080");
    ASSERT_TRUE(root);
    EXPECT_EQ(root.value().path_prefix, "");
    auto genesys = ucs::context::from_base_url("https://ucs.example/genesys/1/cs/", "kent", "superman");
    ASSERT_TRUE(genesys);
    EXPECT_EQ(genesys.value().path_prefix, ucs::genesys_base_path);
    EXPECT_EQ(genesys.value().username, "kent");
    EXPECT_EQ(genesys.value().password, "superman");
    EXPECT_FALSE(ucs::context::from_base_url("http://kent:superman@ucs.example"));
}

TEST(UcsBase64, Rfc4648TestVectors) {
    const std::pair<const char*, const char*> vectors[] = {{"", ""},         {"f", "Zg=="},         {"fo", "Zm8="},
                                                           {"foo", "Zm9v"},  {"foob", "Zm9vYg=="},  {"fooba", "Zm9vYmE="},
                                                           {"foobar", "Zm9vYmFy"}};
    for (auto& [in, out] : vectors) EXPECT_EQ(serverops::detail::base64_encode(in), out) << in;
    EXPECT_EQ(serverops::detail::base64_encode(std::string("\x00\xff\xfe", 3)), "AP/+");
}

TEST(UcsMode, NamesAreCaseInsensitiveOnInputAndLowerCaseOnOutput) {
    EXPECT_EQ(ucs::to_string(ucs::server_mode::maintenance), "maintenance");
    EXPECT_EQ(ucs::to_string(ucs::server_mode::production), "production");
    for (auto text : {"maintenance", "MAINTENANCE", "Maintenance", "mAiNtEnAnCe"})
        EXPECT_EQ(ucs::parse_server_mode(text).value(), ucs::server_mode::maintenance) << text;
    for (auto text : {"production", "PRODUCTION", "Production"})
        EXPECT_EQ(ucs::parse_server_mode(text).value(), ucs::server_mode::production) << text;
    for (auto text : {"", "prod", "maintenance ", "standby", "production\n"}) {
        auto r = ucs::parse_server_mode(text);
        ASSERT_FALSE(r) << text;
        EXPECT_TRUE(r.error().is(errc::unknown_enum_value));
        EXPECT_EQ(r.error().vendor_message, text);
    }
    std::ostringstream os;
    os << ucs::server_mode::production << ' ' << static_cast<ucs::server_mode>(9);
    EXPECT_EQ(os.str(), "production server_mode(9)");
}

TEST(UcsEncode, SetServerModeUnderEveryPrefix) {
    for (std::string prefix : {"", "/genesys/1/cs"}) {
        SCOPED_TRACE(prefix);
        auto to_maintenance = encoded(ucs::set_server_mode{ucs::server_mode::maintenance}, ucs_ctx(prefix));
        EXPECT_EQ(to_maintenance.method, verb::post);
        EXPECT_EQ(to_maintenance.target, prefix + "/server/mode");
        EXPECT_EQ(to_maintenance.body, R"({"mode":"maintenance"})");
        EXPECT_EQ(to_maintenance.content_type, "application/json");
        EXPECT_EQ(to_maintenance.headers.find("Authorization").value(), "Basic " + basic_header_value);
        EXPECT_TRUE(to_maintenance.idempotent) << "the request names the target mode";
        EXPECT_EQ(to_maintenance.operation, "ucs.setServerMode");
        auto to_production = encoded(ucs::set_server_mode{ucs::server_mode::production}, ucs::context{prefix, "", ""});
        EXPECT_EQ(to_production.body, R"({"mode":"production"})");
        EXPECT_FALSE(to_production.headers.find("Authorization")) << "no username, no credentials";

        auto status = encoded(ucs::get_server_status{}, ucs_ctx(prefix));
        EXPECT_EQ(status.method, verb::get);
        EXPECT_EQ(status.target, prefix + "/server/status");
        EXPECT_TRUE(status.body.empty());
        EXPECT_TRUE(status.idempotent);
        EXPECT_EQ(status.headers.find("Authorization").value(), "Basic " + basic_header_value);
        EXPECT_EQ(status.operation, "ucs.getServerStatus");
    }
}

TEST(UcsEncode, BadModeOrContextIsRejectedBeforeSendingWithoutQuotingCredentials) {
    auto bad_mode = encode(ucs::set_server_mode{static_cast<ucs::server_mode>(7)}, ucs_ctx());
    ASSERT_FALSE(bad_mode);
    EXPECT_TRUE(bad_mode.error().is(errc::invalid_request));
    const ucs::context bad[] = {
        {"", "kent:evil", basic_password},              // ':' cannot be in a Basic user-id
        {"", "kent", basic_password + "\r\nX-Evil: 1"},  // control characters
        {"", "", basic_password},                        // a password that would silently not be sent
        {"genesys", basic_user, basic_password},         // no leading slash
        {"/cs?x=1", basic_user, basic_password},         // query in the prefix
        {"/cs HTTP/1.1\r\n", basic_user, basic_password},
    };
    for (auto& c : bad) {
        for (auto r : {encode(ucs::set_server_mode{ucs::server_mode::production}, c).has_error(),
                       encode(ucs::get_server_status{}, c).has_error()})
            EXPECT_TRUE(r) << c.path_prefix << " / " << c.username;
        auto e = encode(ucs::get_server_status{}, c);
        ASSERT_FALSE(e);
        EXPECT_TRUE(e.error().is(errc::invalid_request));
        expect_no_secret(e.error(), "ucs context check");
        EXPECT_EQ(e.error().message().find("evil"), std::string::npos);
    }
}

TEST(UcsSetMode, DecodesTheDocumentedAnswer) {
    auto r = ucs::set_server_mode{ucs::server_mode::production}.decode(
        make_response(200, R"({"server changed":"production"})", {{"Location", "/server/status"}}));
    ASSERT_TRUE(r) << r.error();
    EXPECT_EQ(r.value().mode, ucs::server_mode::production);
    EXPECT_EQ(r.value().location, "/server/status");
    auto upper = ucs::set_server_mode{ucs::server_mode::maintenance}.decode(
        make_response(200, R"({"server changed":"MAINTENANCE","extra":1})"));
    ASSERT_TRUE(upper) << upper.error();
    EXPECT_EQ(upper.value().mode, ucs::server_mode::maintenance);
    EXPECT_EQ(upper.value().location, "") << "a missing Location is not an error";
}

TEST(UcsSetMode, AWrongOrMissingAnswerIsATypedError) {
    const ucs::set_server_mode op{ucs::server_mode::maintenance};
    struct case_t {
        unsigned status;
        std::string body;
        errc expected;
    };
    const case_t cases[] = {
        {200, R"({"server changed":"production"})", errc::unexpected_response},  // not what was asked
        {200, R"({"server changed":"standby"})", errc::unknown_enum_value},
        {200, R"({"server changed":1})", errc::unexpected_response},
        {200, R"({"server_changed":"maintenance"})", errc::unexpected_response},
        {200, R"({"mode":"maintenance"})", errc::unexpected_response},
        {200, R"(["maintenance"])", errc::unexpected_response},
        {200, R"({"server changed":"mainten)", errc::malformed_response},
        {200, "", errc::malformed_response},
        {200, "server changed: maintenance", errc::malformed_response},
        {201, R"({"server changed":"maintenance"})", errc::unexpected_status},
        {204, "", errc::unexpected_status},
        {302, "", errc::unexpected_status},
        {503, "", errc::busy},
    };
    for (auto& c : cases) {
        auto r = decode(op, make_response(c.status, c.body));
        ASSERT_FALSE(r) << c.status << " " << c.body;
        EXPECT_EQ(r.error().kind(), c.expected) << c.status << " " << c.body << " -> " << r.error();
        EXPECT_EQ(r.error().operation, "ucs.setServerMode");
        EXPECT_EQ(r.error().http_status, c.status);
    }
    EXPECT_EQ(decode(op, make_response(200, R"({"server changed":"standby"})")).error().vendor_message, "standby");
}

TEST(UcsStatus, DecodesTheDocumentedExampleWithEveryCounter) {
    auto r = ucs::get_server_status{}.decode(make_response(200, ucs_status_example));
    ASSERT_TRUE(r) << r.error();
    const auto& s = r.value();
    EXPECT_EQ(s.mode, ucs::server_mode::production);
    EXPECT_EQ(s.version, "8.0.100.11");
    EXPECT_EQ(s.system_time, utc(2010, 2, 24, 15, 56, 46, 369));
    EXPECT_EQ(s.started, utc(2010, 2, 24, 14, 35, 28, 668));
    EXPECT_EQ(s.last_request, utc(2010, 2, 24, 14, 35, 27, 964));
    EXPECT_EQ(s.max_memory, 518464);
    EXPECT_EQ(s.allocated_memory, 63936);
    EXPECT_EQ(s.free_memory, 55989);
    EXPECT_EQ(s.used_memory, 7947);
    EXPECT_EQ(s.request_today, 0);
    EXPECT_EQ(s.client_errors_today, 0);
    EXPECT_EQ(s.server_errors_today, 0);

    auto maintenance = ucs::get_server_status{}.decode(make_response(200, R"({"mode":"Maintenance"})"));
    ASSERT_TRUE(maintenance) << maintenance.error();
    EXPECT_EQ(maintenance.value().mode, ucs::server_mode::maintenance);
    EXPECT_EQ(maintenance.value().version, "");
    EXPECT_FALSE(maintenance.value().system_time);
    EXPECT_FALSE(maintenance.value().max_memory);
    EXPECT_FALSE(maintenance.value().request_today);
    auto nulls = ucs::get_server_status{}.decode(make_response(200, R"({"mode":"production","last_request":null,"used_memory":null})"));
    ASSERT_TRUE(nulls);
    EXPECT_FALSE(nulls.value().last_request);
}

TEST(UcsStatus, WrongShapesAreTypedErrorsNamingThePath) {
    struct case_t {
        std::string body;
        errc expected;
        std::string path;
    };
    const case_t cases[] = {
        {R"({"version":"8.5"})", errc::unexpected_response, "$.mode"},
        {R"({"mode":null})", errc::unexpected_response, "$.mode"},
        {R"({"mode":"standby"})", errc::unknown_enum_value, ""},
        {R"({"mode":1})", errc::unexpected_response, "$.mode"},
        {R"({"mode":"production","version":8.5})", errc::unexpected_response, "$.version"},
        {R"({"mode":"production","max_memory":"518464"})", errc::unexpected_response, "$.max_memory"},
        {R"({"mode":"production","free_memory":1.5})", errc::unexpected_response, "$.free_memory"},
        {R"({"mode":"production","request_today":true})", errc::unexpected_response, "$.request_today"},
        {R"({"mode":"production","system_time":1266];})", errc::malformed_response, ""},
        {R"({"mode":"production","system_time":1267026406369})", errc::unexpected_response, "$.system_time"},
        {R"({"mode":"production","started":"24/02/2010 14:35"})", errc::unexpected_response, "$.started"},
        {R"({"mode":"production","last_request":"2010-02-30T00:00:00.000Z"})", errc::unexpected_response, "$.last_request"},
        {R"(["production"])", errc::unexpected_response, "$"},
        {"", errc::malformed_response, ""},
    };
    for (auto& c : cases) {
        auto r = ucs::get_server_status{}.decode(make_response(200, c.body));
        ASSERT_FALSE(r) << c.body;
        EXPECT_EQ(r.error().kind(), c.expected) << c.body << " -> " << r.error();
        EXPECT_EQ(r.error().http_status, 200u);
        if (!c.path.empty()) {
            EXPECT_NE(r.error().detail.find("'" + c.path + "'"), std::string::npos) << r.error();
        }
    }
}

TEST(UcsTimestamp, ParsesTheDocumentedFormatAndCommonVariants) {
    using ucs::detail::parse_timestamp;
    EXPECT_EQ(parse_timestamp("2010-02-24T15:56:46.369Z"), utc(2010, 2, 24, 15, 56, 46, 369));
    EXPECT_EQ(parse_timestamp("2010-02-24T15:56:46Z"), utc(2010, 2, 24, 15, 56, 46));
    EXPECT_EQ(parse_timestamp("2010-02-24T15:56Z"), utc(2010, 2, 24, 15, 56, 0));
    EXPECT_EQ(parse_timestamp("2010-02-24 15:56:46.369"), utc(2010, 2, 24, 15, 56, 46, 369)) << "no zone: UTC";
    EXPECT_EQ(parse_timestamp("2010-02-24T16:56:46.369+01:00"), utc(2010, 2, 24, 15, 56, 46, 369));
    EXPECT_EQ(parse_timestamp("2010-02-24T16:56:46.369+0100"), utc(2010, 2, 24, 15, 56, 46, 369)) << "SimpleDateFormat 'Z'";
    EXPECT_EQ(parse_timestamp("2010-02-24T10:56:46.369-05"), utc(2010, 2, 24, 15, 56, 46, 369));
    EXPECT_EQ(parse_timestamp("2010-02-24T15:56:46.3Z"), utc(2010, 2, 24, 15, 56, 46, 300));
    EXPECT_EQ(parse_timestamp("2010-02-24T15:56:46.369123456789Z"), utc(2010, 2, 24, 15, 56, 46, 369) +
                                                                        std::chrono::duration_cast<system_clock::duration>(
                                                                            std::chrono::nanoseconds(123456)));
    EXPECT_EQ(parse_timestamp("2000-02-29T00:00:00.000Z"), utc(2000, 2, 29, 0, 0, 0));
    EXPECT_EQ(parse_timestamp("1969-12-31T23:59:59.000Z"), utc(1969, 12, 31, 23, 59, 59));
    for (auto bad : {"", "2010-02-24", "2010-02-24T", "2010-2-24T15:56:46Z", "2010-02-24T25:00:00Z", "2010-02-24T15:60:00Z",
                     "2010-02-30T00:00:00Z", "2010-13-01T00:00:00Z", "2010-02-24T15:56:46.Z", "2010-02-24T15:56:46.369ZZ",
                     "2010-02-24T15:56:46+24:00", "2010-02-24T15:56:46 UTC", "9999-12-31T23:59:59Z", "0001-01-01T00:00:00Z",
                     "20100224T155646Z", "2010-02-24T15:56:46.369Z\n"})
        EXPECT_FALSE(parse_timestamp(bad)) << bad << " (out-of-range years do not fit the clock)";
}

TEST(UcsErrors, A503IsModeSwitchingWhateverItsBody) {
    for (auto body : {std::string(), std::string("Not available"),
                      std::string(R"({"error":{"code":503,"message":"Method not available while in production mode"}})"),
                      std::string("<html><body>Service Unavailable</body></html>")}) {
        for (auto r : {decode(ucs::get_server_status{}, make_response(503, body, {{"Retry-After", "60"}})).error(),
                       decode(ucs::set_server_mode{}, make_response(503, body, {{"Retry-After", "60"}})).error()}) {
            EXPECT_TRUE(r.is(errc::busy)) << body << " -> " << r;
            EXPECT_EQ(r.http_status, 503u);
            EXPECT_EQ(r.retry_after, std::chrono::seconds(60));
            EXPECT_NE(r.detail.find("switching"), std::string::npos);
        }
    }
    auto text = ucs::get_server_status{}.decode(make_response(503, "Not available"));
    EXPECT_EQ(text.error().vendor_message, "Not available");
    auto json_body = ucs::get_server_status{}.decode(
        make_response(503, R"({"error":{"code":503,"message":"Method not available while in production mode"}})"));
    EXPECT_EQ(json_body.error().vendor_message, "Method not available while in production mode");
    EXPECT_EQ(json_body.error().vendor_code, "503");
}

TEST(UcsErrors, OtherStatusesMapByClassWithTheServerWordsKept) {
    struct case_t {
        unsigned status;
        std::string body;
        errc expected;
        std::string code;
        std::string message;
    };
    const case_t cases[] = {
        {401, "", errc::unauthorized, "", ""},
        {401, "<html><head><title>401 Unauthorized</title></head></html>", errc::unauthorized, "", ""},
        {403, "", errc::forbidden, "", ""},
        {404, R"({"message":"No profile schema defined","exception":"SchemaNotFound"})", errc::not_found, "",
         "No profile schema defined | SchemaNotFound"},
        {400, R"({"http_method":"POST","http_code":400,"code":"CV.WS.MODE","description":"mode is mandatory"})",
         errc::bad_request, "CV.WS.MODE", "mode is mandatory"},
        {400, R"({"error":{"error_code":12,"description":"invalid mode"}})", errc::bad_request, "12", "invalid mode"},
        {409, R"({"error":"already switching"})", errc::conflict, "", "already switching"},
        {500, R"("internal error")", errc::server_error, "", "internal error"},
        {500, R"({"message":"truncat)", errc::server_error, "", ""},
        {502, "Bad Gateway", errc::server_error, "", "Bad Gateway"},
        {429, "[]", errc::too_many_requests, "", ""},
    };
    for (auto& c : cases) {
        for (auto r : {ucs::get_server_status{}.decode(make_response(c.status, c.body)).error(),
                       ucs::set_server_mode{}.decode(make_response(c.status, c.body)).error()}) {
            EXPECT_EQ(r.kind(), c.expected) << c.status << " " << c.body << " -> " << r;
            EXPECT_EQ(r.http_status, c.status);
            EXPECT_EQ(r.vendor_code, c.code) << c.body;
            EXPECT_EQ(r.vendor_message, c.message) << c.body;
        }
    }
    const std::string huge(1 << 20, 'x');
    auto big = ucs::get_server_status{}.decode(make_response(500, R"({"message":")" + huge + "\"}"));
    EXPECT_LE(big.error().vendor_message.size(), 1024u);
}

TEST(UcsClient, EveryOperationIsCallableSyncAndAsync) {
    for (std::string prefix : {"", "/genesys/1/cs"}) {
        expect_sync_and_async_agree(ucs::set_server_mode{ucs::server_mode::maintenance}, ucs_ctx(prefix),
                                    make_response(200, R"({"server changed":"maintenance"})", {{"Location", "/server/status"}}));
        expect_sync_and_async_agree(ucs::set_server_mode{ucs::server_mode::production}, ucs_ctx(prefix),
                                    make_response(200, R"({"server changed":"production"})", {{"Location", "/server/status"}}));
        expect_sync_and_async_agree(ucs::get_server_status{}, ucs_ctx(prefix), make_response(200, ucs_status_example));
        expect_sync_and_async_agree(ucs::set_server_mode{ucs::server_mode::production}, ucs_ctx(prefix), make_response(503, ""), false);
        expect_sync_and_async_agree(ucs::get_server_status{}, ucs_ctx(prefix), make_response(401, ""), false);
    }
}

TEST(UcsClient, ASwitchAndItsStatusPollsThroughAStatefulFake) {
    // The pieces wait_until_mode will need: set, then poll the status through 503s until the mode is reached.
    mock_transport t;
    int polls = 0;
    ucs::server_mode mode = ucs::server_mode::production;
    t.set_handler([&](const http_request& req) -> result<http_response> {
        EXPECT_EQ(req.headers.find("Authorization").value(), "Basic " + basic_header_value);
        if (req.target == "/genesys/1/cs/server/mode") {
            auto asked = ucs::parse_server_mode(std::string(json::parse(req.body).at("mode").as_string()));
            mode = asked.value();
            polls = 0;
            return make_response(200, json::serialize(json::object{{"server changed", ucs::to_string(mode)}}),
                                 {{"Location", "/server/status"}});
        }
        if (++polls < 3) return make_response(503, "Service Unavailable");
        return make_response(200, json::serialize(json::object{{"mode", ucs::to_string(mode)}, {"version", "8.5.000.10"}}));
    });
    client<mock_transport&, ucs::context> c(t, ucs_ctx("/genesys/1/cs"));
    auto set = c.call(ucs::set_server_mode{ucs::server_mode::maintenance});
    ASSERT_TRUE(set) << set.error();
    int switching = 0;
    result<ucs::server_status> status = failure(errc::timeout);
    for (int i = 0; i < 5; ++i) {
        status = c.call(ucs::get_server_status{});
        if (status) break;
        EXPECT_TRUE(status.error().is(errc::busy)) << status.error();
        ++switching;
    }
    ASSERT_TRUE(status);
    EXPECT_EQ(status.value().mode, ucs::server_mode::maintenance);
    EXPECT_EQ(switching, 2);
}

TEST(UcsSecrets, NoErrorOfAnyOperationQuotesACredential) {
    mock_transport t;
    client<mock_transport&, ucs::context> c(t, ucs_ctx("/genesys/1/cs"));
    const std::vector<http_response> answers = {make_response(401, "Unauthorized"), make_response(403, R"({"message":"denied"})"),
                                                make_response(503, ""), make_response(200, "{"),
                                                make_response(200, R"({"mode":"standby","server changed":"standby"})")};
    auto run = [&](auto op) {
        for (auto& a : answers) {
            t.push(a);
            auto r = c.call(op);
            ASSERT_FALSE(r);
            expect_no_secret(r.error(), decltype(op)::name);
        }
        t.push_error(errc::timeout);
        auto r = c.call(op);
        ASSERT_FALSE(r);
        expect_no_secret(r.error(), "transport");
    };
    run(ucs::set_server_mode{ucs::server_mode::maintenance});
    run(ucs::get_server_status{});
}

TEST(UcsRobustness, NoBodyOrStatusCrashesAnyDecoder) {
    const auto bodies = nasty_bodies();
    decode_everything(ucs::set_server_mode{ucs::server_mode::maintenance}, bodies);
    decode_everything(ucs::set_server_mode{ucs::server_mode::production}, bodies);
    decode_everything(ucs::get_server_status{}, bodies);
}


// ---------------------------------------------------------------- hostile prefixes and base URLs (issue 11)

// A4C and UCS targets are fixed paths under the configured prefixes (no id parameters), so what reaches the
// request line from outside is the prefixes: every operation refuses one with a dot segment or a control
// character (also percent-encoded), the same rule as parse_endpoint's.
const std::vector<std::string>& hostile_prefixes() {
    static const std::vector<std::string> prefixes = {
        "/.", "/..", "/rest/..", "/rest/../admin", "/./rest", "/%2e", "/%2E%2e/x", "/alien/%2E", "/a%0d%0aX-Evil:%201",
        "/a%00", "/a%7f", "/a%1b", "/a b", "/a\r\n", "/a?b", "/a#b", "/a%", "/a%g0", "/caf\xc3\xa9", "/\x9b", "rest"};
    return prefixes;
}

TEST(A4cEncode, EveryOperationRefusesADotSegmentOrControlInEitherPrefix) {
    for (const auto& p : hostile_prefixes()) {
        SCOPED_TRACE(printable(p));
        for (const auto& c : {a4c_ctx(p, ""), a4c_ctx("/rest/v1", p)}) {
            for (auto e : {encode(a4c::get_maintenance_state{}, c).error(), encode(a4c::enable_maintenance{}, c).error(),
                           encode(a4c::update_maintenance{"m", 1}, c).error(), encode(a4c::disable_maintenance{}, c).error(),
                           encode(a4c::get_auth_status{}, c).error(), encode(a4c::login{"u", "p"}, c).error(),
                           encode(a4c::jwt_login{"u", "p"}, c).error()}) {
                EXPECT_TRUE(e.is(errc::invalid_request)) << e;
                EXPECT_TRUE(serverops::testing::hostile::is_safe_for_a_terminal(e.message()));
            }
        }
    }
    EXPECT_TRUE(encode(a4c::get_maintenance_state{}, a4c_ctx("/rest/v1", "/alien/a.b/...")));
}

TEST(UcsEncode, EveryOperationRefusesADotSegmentOrControlInThePrefix) {
    for (const auto& p : hostile_prefixes()) {
        SCOPED_TRACE(printable(p));
        const auto c = ucs_ctx(p);
        for (auto e : {encode(ucs::set_server_mode{ucs::server_mode::maintenance}, c).error(),
                       encode(ucs::get_server_status{}, c).error()}) {
            EXPECT_TRUE(e.is(errc::invalid_request)) << e;
            EXPECT_TRUE(serverops::testing::hostile::is_safe_for_a_terminal(e.message()));
        }
    }
    EXPECT_TRUE(encode(ucs::get_server_status{}, ucs_ctx("/genesys/1/cs")));
}

TEST(A4cUcsContext, FromBaseUrlRefusesBadPortsHostsAndDotSegments) {
    for (const char* url : {"http://127.0.0.1:91138/", "http://h:0/", "http://h:/", "http://%0d%0a/", "http://a%20b/",
                            "http://h/alien/..", "http://h/%2e%2e/alien", "http://h/a%0a"}) {
        auto a = a4c::context::from_base_url(url);
        ASSERT_FALSE(a) << url;
        EXPECT_TRUE(a.error().is(errc::invalid_request)) << url;
        auto u = ucs::context::from_base_url(url);
        ASSERT_FALSE(u) << url;
        EXPECT_TRUE(u.error().is(errc::invalid_request)) << url;
    }
}

// ---------------------------------------------------------------- desired state (pure decision)

TEST(A4cDesiredState, EveryWantedStateAgainstEveryReadAnswer) {
    // GET answers, decoded by the real decoder: off, on (user or system triggered), hostile and malformed bodies.
    struct read_case {
        unsigned status;
        std::string body;
        std::optional<bool> enabled;  ///< the state it reads as; nullopt: the read fails
    };
    const std::vector<read_case> reads = {
        {200, R"({"data":null,"error":null})", false},
        {200, R"({"error":null})", false},
        {200, R"({"data":{"id":"mms_id","userTriggered":true,"user":"admin","log":[]},"error":null})", true},
        {200, R"({"data":{"id":"mms_id","userTriggered":false},"error":null})", true},
        {200, R"({"data":{}})", true},
        {200, R"({"data":"on"})", std::nullopt},
        {200, R"({"data":true})", std::nullopt},
        {200, "<html>", std::nullopt},
        {200, "", std::nullopt},
        {404, R"({"data":null,"error":{"code":504,"message":"x"}})", std::nullopt},
        {401, R"({"data":null,"error":{"code":100,"message":"x"}})", std::nullopt},
        {503, "", std::nullopt},
        {500, "oops", std::nullopt},
    };
    for (bool want : {true, false}) {
        for (auto& rc : reads) {
            const auto read = a4c::get_maintenance_state{}.decode(make_response(rc.status, rc.body));
            ASSERT_EQ(read.has_value(), rc.enabled.has_value()) << rc.body;
            auto decided = a4c::decide_maintenance(read, want);
            if (!read) {
                // A 404 leaves the state unknown: the change is sent. Any other failed read fails the call.
                if (read.error().is(errc::not_found)) {
                    ASSERT_TRUE(decided) << decided.error();
                    EXPECT_FALSE(decided.value()) << "sent";
                } else {
                    ASSERT_FALSE(decided) << rc.body;
                    EXPECT_EQ(decided.error().code, read.error().code);
                }
                continue;
            }
            ASSERT_TRUE(decided) << decided.error();
            if (*rc.enabled == want) {
                ASSERT_TRUE(decided.value()) << rc.body;
                EXPECT_EQ(decided.value()->outcome, target_outcome::unchanged);
                EXPECT_EQ(decided.value()->observed, want ? "on" : "off");
            } else {
                EXPECT_FALSE(decided.value()) << "must be sent: " << rc.body;
            }
        }
    }
}

TEST(A4cDesiredState, OnlyTheApisAlreadyInThatStateAnswersCountAsUnchanged) {
    const result<a4c::maintenance_state> off = a4c::maintenance_state{};
    auto answer = [](bool enable, unsigned status, std::string body) {
        return enable ? a4c::enable_maintenance{}.decode(make_response(status, body))
                      : a4c::disable_maintenance{}.decode(make_response(status, body));
    };
    struct change_case {
        bool enable;
        unsigned status;
        std::string body;
        std::optional<target_outcome> outcome;  ///< nullopt: the call fails
    };
    const std::vector<change_case> cases = {
        {true, 201, R"({"data":null,"error":null})", target_outcome::changed},
        {true, 409, R"({"data":null,"error":{"code":502,"message":"Maintenance mode is already enabled."}})",
         target_outcome::unchanged},
        {true, 409, "", std::nullopt},  // a conflict without the API's code: not known to be the same state
        {true, 404, R"({"data":null,"error":{"code":504,"message":"x"}})", std::nullopt},
        {true, 403, R"({"data":null,"error":{"code":102,"message":"x"}})", std::nullopt},
        {true, 500, "", std::nullopt},
        {false, 200, R"({"data":null,"error":null})", target_outcome::changed},
        {false, 404, R"({"data":null,"error":{"code":504,"message":"Maintenance mode is not enabled."}})",
         target_outcome::unchanged},
        {false, 404, "", std::nullopt},  // a 404 without the code may be a wrong URL
        {false, 409, R"({"data":null,"error":{"code":502,"message":"x"}})", std::nullopt},
        {false, 500, "", std::nullopt},
    };
    for (auto& c : cases) {
        auto r = a4c::after_change(off, c.enable, answer(c.enable, c.status, c.body));
        ASSERT_EQ(r.has_value(), c.outcome.has_value()) << c.status << " " << c.body;
        if (r) {
            EXPECT_EQ(r.value().outcome, *c.outcome) << c.status << " " << c.body;
        }
    }
}

TEST(UcsDesiredState, EveryWantedModeAgainstEveryReadAnswer) {
    struct read_case {
        unsigned status;
        std::string body;
        std::optional<ucs::server_mode> mode;  ///< nullopt: the read fails
    };
    const std::vector<read_case> reads = {
        {200, R"({"mode":"maintenance"})", ucs::server_mode::maintenance},
        {200, R"({"mode":"MAINTENANCE","version":"8.5"})", ucs::server_mode::maintenance},
        {200, R"({"mode":"production"})", ucs::server_mode::production},
        {200, R"({"mode":"Production"})", ucs::server_mode::production},
        {200, R"({"mode":"standby"})", std::nullopt},
        {200, R"({"mode":""})", std::nullopt},
        {200, R"({"mode":"production "})", std::nullopt},
        {200, R"({"mode":1})", std::nullopt},
        {200, R"({})", std::nullopt},
        {200, "not json", std::nullopt},
        {404, "", std::nullopt},
        {503, R"({"http_code":503})", std::nullopt},
        {401, "", std::nullopt},
    };
    for (auto want : {ucs::server_mode::maintenance, ucs::server_mode::production}) {
        for (auto& rc : reads) {
            const auto read = ucs::get_server_status{}.decode(make_response(rc.status, rc.body));
            ASSERT_EQ(read.has_value(), rc.mode.has_value()) << rc.body;
            auto decided = ucs::decide_mode(read, want);
            if (!read) {
                // An undocumented mode or a 404: unknown, the switch is sent. Any other failed read fails the call.
                if (read.error().is(errc::not_found) || read.error().is(errc::unknown_enum_value)) {
                    ASSERT_TRUE(decided) << decided.error();
                    EXPECT_FALSE(decided.value()) << "sent: " << rc.body;
                } else {
                    ASSERT_FALSE(decided) << rc.body;
                    EXPECT_EQ(decided.error().code, read.error().code);
                }
                continue;
            }
            ASSERT_TRUE(decided) << decided.error();
            if (*rc.mode == want) {
                ASSERT_TRUE(decided.value()) << rc.body;
                EXPECT_EQ(decided.value()->outcome, target_outcome::unchanged);
                EXPECT_EQ(decided.value()->observed, ucs::to_string(want));
                EXPECT_EQ(decided.value()->status->mode, want);
            } else {
                EXPECT_FALSE(decided.value()) << "must be sent: " << rc.body;
            }
        }
    }
}

}  // namespace
