// CenturyLink Cloud v2 operations: encoding, decoding of every documented shape, and every recorded exchange in
// tests/data/clc (copied from ../shared/recorded/clc; see tests/data/README.md for their origin).
#include <serverops/clc.hpp>
#include <serverops/clc/desired_state.hpp>
#include <serverops/clc/detail/token.hpp>
#include <serverops/client.hpp>
#include <serverops/testing/mock_transport.hpp>

#include "../common/hostile_input.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <variant>

namespace {

using namespace serverops;
namespace json = boost::json;
using serverops::testing::make_response;
using serverops::testing::mock_transport;

const clc::context ctx{"/v2", "ALIAS", "secret-token"};

template <class Op>
http_request encoded(const Op& op, const clc::context& c = ctx) {
    auto r = encode(op, c);
    EXPECT_TRUE(r) << r.error();
    return r ? std::move(r).value() : http_request{};
}

json::value body_json(const http_request& r) { return json::parse(r.body); }

const std::string seed_batch_response = R"([
  {"server":"wa1aliaswb01","isQueued":true,
   "links":[{"rel":"status","href":"/v2/operations/alias/status/wa1-12345","id":"wa1-12345"}]},
  {"server":"wa1aliaswb02","isQueued":false,
   "errorMessage":"The operation cannot be queued because the server cannot be found or it is not in a valid state."}
])";

// ---------------------------------------------------------------- encoding

TEST(ClcEncode, BatchOperationsPostTheBareArrayUpperCased) {
    auto check = [](auto op, std::string_view wire_name) {
        op.server_ids = {"wa1aliaswb01", "WA1ALIASWB02"};
        auto r = encoded(op);
        EXPECT_EQ(r.method, verb::post);
        EXPECT_EQ(r.target, "/v2/operations/ALIAS/servers/" + std::string(wire_name));
        EXPECT_EQ(body_json(r), json::parse(R"(["WA1ALIASWB01","WA1ALIASWB02"])"));
        EXPECT_EQ(r.content_type, "application/json");
        EXPECT_FALSE(r.idempotent) << wire_name << " must never be resent automatically";
        EXPECT_EQ(r.headers.find("Authorization").value(), "Bearer secret-token");
    };
    check(clc::pause{}, "pause");
    check(clc::power_on{}, "powerOn");
    check(clc::power_off{}, "powerOff");
    check(clc::reboot{}, "reboot");
    check(clc::reset{}, "reset");
    check(clc::shut_down{}, "shutDown");
    check(clc::start_maintenance{}, "startMaintenance");
    check(clc::stop_maintenance{}, "stopMaintenance");
    check(clc::archive{}, "archive");
    EXPECT_EQ(clc::shut_down::name, "clc.shutDown");
}

TEST(ClcEncode, SetMaintenanceSendsRealBooleans) {
    clc::set_maintenance op{.servers = {{"wa1aliaswb01", true}, {"wa1aliaswb02", false}}};
    auto r = encoded(op);
    EXPECT_EQ(r.target, "/v2/operations/ALIAS/servers/setMaintenance");
    EXPECT_EQ(body_json(r), json::parse(R"({"servers":[{"id":"WA1ALIASWB01","inMaintenanceMode":true},
                                                       {"id":"WA1ALIASWB02","inMaintenanceMode":false}]})"));
    EXPECT_FALSE(r.idempotent);
}

TEST(ClcEncode, CreateSnapshotIsAnObjectAndValidatesDays) {
    clc::create_snapshot op{.server_ids = {"wa1aliaswb01"}, .expiration_days = 10};
    auto r = encoded(op);
    EXPECT_EQ(r.target, "/v2/operations/ALIAS/servers/createSnapshot");
    EXPECT_EQ(body_json(r), json::parse(R"({"snapshotExpirationDays":10,"serverIds":["WA1ALIASWB01"]})"));
    op.expiration_days = 1;
    EXPECT_TRUE(encode(op, ctx));
    for (int bad : {0, 11, -3}) {
        op.expiration_days = bad;
        auto e = encode(op, ctx);
        ASSERT_FALSE(e) << bad;
        EXPECT_TRUE(e.error().is(errc::invalid_request));
        EXPECT_NE(e.error().detail.find("1 to 10 days"), std::string::npos);
    }
}

TEST(ClcEncode, PathParametersArePercentEncoded) {
    clc::context odd{"/v2", "AL/IAS", ""};
    EXPECT_EQ(encoded(clc::get_status{"wa1-1/../x?y"}, odd).target, "/v2/operations/AL%2FIAS/status/wa1-1%2F..%2Fx%3Fy");
    EXPECT_EQ(encoded(clc::get_server{"wa1 b#"}, odd).target, "/v2/servers/AL%2FIAS/WA1%20B%23");
    EXPECT_FALSE(encoded(clc::get_server{"x"}, odd).headers.find("Authorization")) << "no token, no header";
}

TEST(ClcEncode, SingleServerActions) {
    auto restore = encoded(clc::restore_server{"wa1aliaswb01", "grp1"});
    EXPECT_EQ(restore.method, verb::post);
    EXPECT_EQ(restore.target, "/v2/servers/ALIAS/WA1ALIASWB01/restore");
    EXPECT_EQ(body_json(restore), json::parse(R"({"targetGroupId":"grp1"})"));
    auto del = encoded(clc::delete_snapshot{"wa1aliaswb01", "3"});
    EXPECT_EQ(del.method, verb::delete_);
    EXPECT_EQ(del.target, "/v2/servers/ALIAS/WA1ALIASWB01/snapshots/3");
    EXPECT_TRUE(del.body.empty());
    auto rev = encoded(clc::revert_snapshot{"wa1aliaswb01", "3"});
    EXPECT_EQ(rev.target, "/v2/servers/ALIAS/WA1ALIASWB01/snapshots/3/restore");
    EXPECT_EQ(rev.body, "{}");
    auto st = encoded(clc::get_status{"wa1-12345"});
    EXPECT_EQ(st.method, verb::get);
    EXPECT_EQ(st.target, "/v2/operations/ALIAS/status/wa1-12345");
    EXPECT_TRUE(st.idempotent);
    EXPECT_TRUE(encoded(clc::get_server{"wa1aliaswb01"}).idempotent);
}

TEST(ClcEncode, LoginCarriesCredentialsButNoToken) {
    auto r = encoded(clc::login{"user", "p@ss\"word"});
    EXPECT_EQ(r.target, "/v2/authentication/login");
    EXPECT_EQ(body_json(r), json::parse(R"({"username":"user","password":"p@ss\"word"})"));
    EXPECT_FALSE(r.headers.find("Authorization"));
    EXPECT_TRUE(r.idempotent);
}

TEST(ClcEncode, MissingConfigurationIsRejectedBeforeSending) {
    clc::context no_alias{"/v2", "", "t"};
    for (auto r : {encode(clc::start_maintenance{{"a"}}, no_alias).has_error(),
                   encode(clc::get_status{"x"}, no_alias).has_error(), encode(clc::get_server{"x"}, no_alias).has_error(),
                   encode(clc::start_maintenance{}, ctx).has_error(),
                   encode(clc::start_maintenance{{"a", ""}}, ctx).has_error(), encode(clc::get_status{""}, ctx).has_error(),
                   encode(clc::restore_server{"a", ""}, ctx).has_error(), encode(clc::login{"u", ""}, ctx).has_error()})
        EXPECT_TRUE(r);
}

TEST(ClcContext, FromBaseUrl) {
    auto c = clc::context::from_base_url(clc::default_base_url, "ALIAS");
    ASSERT_TRUE(c);
    EXPECT_EQ(c.value().path_prefix, "/v2");
    EXPECT_EQ(c.value().account_alias, "ALIAS");
    EXPECT_FALSE(clc::context::from_base_url("ftp://x/v2"));
}

// ---------------------------------------------------------------- batch decoding

TEST(ClcBatch, DecodesTheSeedExampleIntoOneResultPerServer) {
    clc::start_maintenance op{{"WA1ALIASWB01", "WA1ALIASWB02"}};
    auto r = op.decode(make_response(200, seed_batch_response));
    ASSERT_TRUE(r) << r.error();
    const auto& s = r.value().servers;
    ASSERT_EQ(s.size(), 2u);
    EXPECT_EQ(s[0].server_id, "WA1ALIASWB01");
    ASSERT_TRUE(s[0].job);
    EXPECT_EQ(s[0].job.value().status_id, "wa1-12345");
    EXPECT_EQ(s[0].job.value().href, "/v2/operations/alias/status/wa1-12345");
    ASSERT_FALSE(s[1].job);
    EXPECT_TRUE(s[1].job.error().is(errc::not_accepted));
    EXPECT_EQ(s[1].job.error().vendor_message,
              "The operation cannot be queued because the server cannot be found or it is not in a valid state.");
    EXPECT_FALSE(r.value().all_queued());
    EXPECT_EQ(r.value().status_ids(), std::vector<std::string>{"wa1-12345"});
}

TEST(ClcBatch, MatchesCaseInsensitivelyInAnyOrderWithDuplicatesAndGaps) {
    clc::pause op{{"b", "A", "b", "missing"}};
    auto r = op.decode(make_response(200, R"([
        {"server":"a","isQueued":true,"links":[{"rel":"status","href":"/v2/operations/x/status/de1-1","id":"de1-1"}]},
        {"server":"B","isQueued":true,"links":[{"rel":"self","href":"/x"},{"rel":"status","href":"/v2/operations/x/status/de1-1"}]}])"));
    ASSERT_TRUE(r) << r.error();
    const auto& s = r.value().servers;
    ASSERT_EQ(s.size(), 4u);
    EXPECT_EQ(s[0].server_id, "b");
    EXPECT_EQ(s[0].job.value().status_id, "de1-1") << "id taken from the href when the link has none";
    EXPECT_EQ(s[1].server_id, "A");
    EXPECT_EQ(s[2].job.value().status_id, "de1-1");
    ASSERT_FALSE(s[3].job);
    EXPECT_TRUE(s[3].job.error().is(errc::target_not_in_response));
    EXPECT_EQ(r.value().status_ids().size(), 1u);
}

TEST(ClcBatch, QueuedWithoutStatusLinkIsAPerServerError) {
    clc::reboot op{{"a", "b"}};
    auto r = op.decode(make_response(200, R"([{"server":"a","isQueued":true,"links":[]},
        {"server":"b","isQueued":false}])"));
    ASSERT_TRUE(r);
    EXPECT_TRUE(r.value().servers[0].job.error().is(errc::unexpected_response));
    EXPECT_TRUE(r.value().servers[1].job.error().is(errc::not_accepted));
    EXPECT_EQ(r.value().servers[1].job.error().vendor_message, "") << "not queued without a message is still reported";
}

TEST(ClcBatch, WrongTypesInAnEntryStayWithThatServer) {
    clc::reboot op{{"a", "b"}};
    auto r = op.decode(make_response(200, R"([{"server":"a","isQueued":"true"},
        {"server":"b","isQueued":true,"links":[{"rel":"status","href":"/s/de1-9","id":"de1-9"}]}])"));
    ASSERT_TRUE(r);
    ASSERT_FALSE(r.value().servers[0].job);
    EXPECT_TRUE(r.value().servers[0].job.error().is(errc::unexpected_response));
    EXPECT_NE(r.value().servers[0].job.error().detail.find("isQueued"), std::string::npos);
    EXPECT_EQ(r.value().servers[1].job.value().status_id, "de1-9") << "a queued job is never thrown away";
}

TEST(ClcBatch, A400WhoseBodyIsStillThePerServerArrayDecodes) {
    clc::start_maintenance op{{"WA1ALIASWB01", "WA1ALIASWB02"}};
    auto r = op.decode(make_response(400, seed_batch_response));
    ASSERT_TRUE(r) << r.error();
    EXPECT_EQ(r.value().http_status, 400u);
    EXPECT_TRUE(r.value().servers[0].job);
    EXPECT_EQ(r.value().servers[1].job.error().http_status, 400u);
}

TEST(ClcBatch, ShapeAndSyntaxErrorsAreTyped) {
    clc::power_on op{{"a"}};
    struct case_t {
        unsigned status;
        std::string body;
        errc expected;
    };
    const case_t cases[] = {
        {200, "", errc::malformed_response},
        {200, R"([{"server":"a","isQueued":tr)", errc::malformed_response},  // truncated
        {200, "<html>gateway</html>", errc::malformed_response},
        {200, R"({"server":"a"})", errc::unexpected_response},
        {200, R"([1,2])", errc::unexpected_response},
        {200, R"([{"isQueued":true}])", errc::unexpected_response},
        {200, R"([{"server":42,"isQueued":true}])", errc::unexpected_response},
        {400, R"({"message":"The request is invalid.","modelState":{"serverIds":["bad id"]}})", errc::bad_request},
        {400, R"([oops)", errc::bad_request},
        {401, "", errc::unauthorized},
        {403, R"({"message":"no"})", errc::forbidden},
        {404, "", errc::not_found},
        {500, R"({"message":"An error has occurred."})", errc::server_error},
        {503, "", errc::unavailable},
        {302, "", errc::unexpected_status},
    };
    for (auto& c : cases) {
        auto r = op.decode(make_response(c.status, c.body));
        ASSERT_FALSE(r) << c.status << " " << c.body;
        EXPECT_EQ(r.error().kind(), c.expected) << c.status << " " << c.body << " -> " << r.error();
    }
}

// ---------------------------------------------------------------- error bodies

TEST(ClcErrors, EveryErrorBodyShapeDecodes) {
    clc::get_server op{"x"};
    auto empty = op.decode(make_response(404));
    EXPECT_EQ(empty.error().http_status, 404u);
    EXPECT_TRUE(empty.error().vendor_message.empty());

    auto msg = op.decode(make_response(404, R"({"message":"The requested resource does not exist."})"));
    EXPECT_EQ(msg.error().vendor_message, "The requested resource does not exist.");

    auto model = op.decode(make_response(400, R"({"message":"The request is invalid.",
        "modelState":{"body.serverIds":["The field is required.","Too many."]}})"));
    EXPECT_TRUE(model.error().is(errc::bad_request));
    EXPECT_EQ(model.error().vendor_message,
              "The request is invalid. | body.serverIds: The field is required. | body.serverIds: Too many.");

    auto aspnet = op.decode(make_response(500, R"({"message":"An error has occurred.",
        "exceptionMessage":"Operation already in progress","exceptionType":"Some.Exception","stackTrace":"at x"})"));
    EXPECT_TRUE(aspnet.error().is(errc::server_error));
    EXPECT_EQ(aspnet.error().vendor_message, "An error has occurred. | Operation already in progress");
    EXPECT_EQ(aspnet.error().vendor_code, "Some.Exception");
    EXPECT_EQ(aspnet.error().message().find("at x"), std::string::npos) << "stack traces are not echoed";

    auto text = op.decode(make_response(502, "Bad Gateway"));
    EXPECT_EQ(text.error().vendor_message, "Bad Gateway");

    auto limited = op.decode(make_response(429, "", {{"Retry-After", "12"}}));
    EXPECT_TRUE(limited.error().is(errc::too_many_requests));
    EXPECT_EQ(limited.error().retry_after, std::chrono::seconds(12));
}

// ---------------------------------------------------------------- status, server, login, links

TEST(ClcStatus, EveryDocumentedValueIsAnEnumValue) {
    const std::pair<const char*, clc::job_status> values[] = {
        {"notStarted", clc::job_status::not_started}, {"executing", clc::job_status::executing},
        {"succeeded", clc::job_status::succeeded},    {"failed", clc::job_status::failed},
        {"resumed", clc::job_status::resumed},        {"unknown", clc::job_status::unknown}};
    for (auto& [text, value] : values) {
        auto r = clc::get_status{"x"}.decode(make_response(200, std::string(R"({"status":")") + text + "\"}"));
        ASSERT_TRUE(r) << text;
        EXPECT_EQ(r.value().status, value);
        EXPECT_EQ(clc::to_string(value), text);
    }
    EXPECT_TRUE(clc::is_terminal(clc::job_status::unknown));
    EXPECT_FALSE(clc::is_terminal(clc::job_status::resumed));
}

TEST(ClcStatus, UnknownOrMistypedStatusIsATypedError) {
    auto unknown = decode(clc::get_status{"x"}, make_response(200, R"({"status":"Succeeded!"})"));
    ASSERT_FALSE(unknown);
    EXPECT_TRUE(unknown.error().is(errc::unknown_enum_value));
    EXPECT_EQ(unknown.error().vendor_message, "Succeeded!");
    EXPECT_EQ(unknown.error().operation, "clc.getStatus");
    EXPECT_TRUE(clc::get_status{"x"}.decode(make_response(200, R"({"status":3})")).error().is(errc::unexpected_response));
    EXPECT_TRUE(clc::get_status{"x"}.decode(make_response(200, R"({"Status":"succeeded"})")).error().is(errc::unexpected_response));
    EXPECT_TRUE(clc::get_status{"x"}.decode(make_response(200, R"(["succeeded"])")).error().is(errc::unexpected_response));
}

TEST(ClcServer, KeepsUndocumentedStatesAsText) {
    auto r = clc::get_server{"x"}.decode(make_response(200, R"({"id":"x","status":"underConstruction",
        "details":{"powerState":"hibernating","inMaintenanceMode":true}})"));
    ASSERT_TRUE(r) << r.error();
    EXPECT_EQ(r.value().status, clc::server_status::under_construction);
    EXPECT_EQ(r.value().power, clc::power_state::other);
    EXPECT_EQ(r.value().power_state_text, "hibernating");
    EXPECT_TRUE(r.value().in_maintenance_mode);
}

TEST(ClcServer, MissingOrMistypedKeyFieldsAreErrors) {
    for (auto body : {R"({"id":"x","status":"active"})", R"({"id":"x","status":"active","details":{"powerState":"started"}})",
                      R"({"id":"x","status":"active","details":{"powerState":"started","inMaintenanceMode":"false"}})",
                      R"({"id":"x","status":"active","details":{"powerState":"started","inMaintenanceMode":false,"cpu":"2"}})"}) {
        auto r = clc::get_server{"x"}.decode(make_response(200, body));
        ASSERT_FALSE(r) << body;
        EXPECT_TRUE(r.error().is(errc::unexpected_response)) << r.error();
    }
}

TEST(ClcLogin, BadCredentialsAreAuthenticationFailedWithTheServerMessage) {
    auto r = decode(clc::login{"user", "hunter2"},
                    make_response(400, R"({"message":"We didn't recognize the username or password you entered. Please try again."})"));
    ASSERT_FALSE(r);
    EXPECT_TRUE(r.error().is(errc::authentication_failed));
    EXPECT_EQ(r.error().http_status, 400u);
    EXPECT_EQ(r.error().vendor_message, "We didn't recognize the username or password you entered. Please try again.");
    EXPECT_EQ(r.error().message().find("hunter2"), std::string::npos);
    auto empty_token = clc::login{"u", "p"}.decode(make_response(200, R"({"accountAlias":"A","bearerToken":""})"));
    EXPECT_TRUE(empty_token.error().is(errc::unexpected_response));
}

TEST(ClcLinks, RestoreAnswersWithOneLinkNotAnArray) {
    auto r = clc::restore_server{"a", "g"}.decode(
        make_response(202, R"({"rel":"status","href":"/v2/operations/altd/status/ca1-28380","id":"ca1-28380"})"));
    ASSERT_TRUE(r) << r.error();
    EXPECT_EQ(r.value().status_id, "ca1-28380");
    const clc::restore_server op{"a", "g"};
    EXPECT_TRUE(op.decode(make_response(202, R"([{"rel":"status"}])")).error().is(errc::unexpected_response));
    EXPECT_TRUE(op.decode(make_response(202, R"({"rel":"status"})")).error().is(errc::unexpected_response));
}

// ---------------------------------------------------------------- every operation, sync and async, through the mock

template <class Op>
void expect_sync_and_async_agree(Op op, http_response canned) {
    boost::asio::io_context io;
    mock_transport t(io.get_executor());
    t.push(canned);
    t.push(canned);
    client<mock_transport&, clc::context> c(t, ctx);
    auto sync = c.call(op);
    std::optional<result<typename Op::response_type>> async;
    c.async_call(op, [&](result<typename Op::response_type> r) { async.emplace(std::move(r)); });
    io.run();
    ASSERT_TRUE(async.has_value()) << Op::name;
    EXPECT_TRUE(sync.has_value()) << Op::name << ": " << (sync ? "" : sync.error().message());
    EXPECT_EQ(sync.has_value(), async->has_value()) << Op::name;
    auto reqs = t.requests();
    ASSERT_EQ(reqs.size(), 2u);
    EXPECT_EQ(reqs[0].target, reqs[1].target);
    EXPECT_EQ(reqs[0].body, reqs[1].body);
}

TEST(ClcClient, EveryOperationIsCallableSyncAndAsync) {
    const auto batch = make_response(200, seed_batch_response);
    const auto link = make_response(202, R"({"rel":"status","href":"/v2/operations/alias/status/wa1-9","id":"wa1-9"})");
    std::vector<std::string> ids{"WA1ALIASWB01", "WA1ALIASWB02"};
    expect_sync_and_async_agree(clc::login{"u", "p"},
                                make_response(200, R"({"userName":"u","accountAlias":"ALIAS","locationAlias":"WA1",
                                                       "roles":["ServerAdmin"],"bearerToken":"t"})"));
    expect_sync_and_async_agree(clc::pause{ids}, batch);
    expect_sync_and_async_agree(clc::power_on{ids}, batch);
    expect_sync_and_async_agree(clc::power_off{ids}, batch);
    expect_sync_and_async_agree(clc::reboot{ids}, batch);
    expect_sync_and_async_agree(clc::reset{ids}, batch);
    expect_sync_and_async_agree(clc::shut_down{ids}, batch);
    expect_sync_and_async_agree(clc::start_maintenance{ids}, batch);
    expect_sync_and_async_agree(clc::stop_maintenance{ids}, batch);
    expect_sync_and_async_agree(clc::archive{ids}, batch);
    expect_sync_and_async_agree(clc::set_maintenance{{{ids[0], true}, {ids[1], false}}}, batch);
    expect_sync_and_async_agree(clc::create_snapshot{ids, 3}, batch);
    expect_sync_and_async_agree(clc::restore_server{"WA1ALIASWB01", "g"}, link);
    expect_sync_and_async_agree(clc::delete_snapshot{"WA1ALIASWB01", "1"}, link);
    expect_sync_and_async_agree(clc::revert_snapshot{"WA1ALIASWB01", "1"}, link);
    expect_sync_and_async_agree(clc::get_status{"wa1-9"}, make_response(200, R"({"status":"executing"})"));
    expect_sync_and_async_agree(clc::get_server{"WA1ALIASWB01"},
                                make_response(200, R"({"id":"wa1aliaswb01","status":"active",
                                    "details":{"powerState":"started","inMaintenanceMode":false}})"));
}

// ---------------------------------------------------------------- recorded exchanges

struct recorded {
    std::string file;
    std::string method;
    std::string path;
    json::value request_body;
    http_response response;
    json::value response_body;
};

std::vector<recorded> load_recorded() {
    std::vector<recorded> out;
    for (auto& entry : std::filesystem::directory_iterator(SERVEROPS_TEST_DATA_DIR "/clc")) {
        if (entry.path().extension() != ".json") continue;
        std::ifstream in(entry.path());
        std::stringstream ss;
        ss << in.rdbuf();
        auto doc = json::parse(ss.str()).as_object();
        recorded r;
        r.file = entry.path().filename().string();
        r.method = doc.at("request").at("method").as_string().c_str();
        r.path = doc.at("request").at("path").as_string().c_str();
        r.request_body = doc.at("request").at("body");
        auto& res = doc.at("response").as_object();
        r.response.status = static_cast<unsigned>(res.at("status").to_number<int>());
        r.response_body = res.at("body");
        if (r.response_body.is_string()) r.response.body = r.response_body.as_string().c_str();
        else if (!r.response_body.is_null()) r.response.body = json::serialize(r.response_body);
        out.push_back(std::move(r));
    }
    std::sort(out.begin(), out.end(), [](auto& a, auto& b) { return a.file < b.file; });
    return out;
}

std::vector<std::string> segments(std::string_view path) {
    std::vector<std::string> out;
    std::string cur;
    for (char c : path.substr(0, path.find('?'))) {
        if (c == '/') {
            if (!cur.empty()) out.push_back(cur);
            cur.clear();
        } else {
            cur += c;
        }
    }
    if (!cur.empty()) out.push_back(cur);
    return out;
}

std::string lower(std::string s) {
    for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

clc::context context_for(const std::vector<std::string>& seg) {
    return clc::context{"/" + seg[0], seg.size() > 2 ? seg[2] : "", "t"};
}

// Checks a decoded batch against the entries of the recorded body, server by server.
void expect_batch_matches(const recorded& r, const std::vector<std::string>& ids, const clc::batch_response& got) {
    std::map<std::string, std::string> expected;  // lower-case server -> status id, from the recording
    for (auto& e : r.response_body.as_array())
        expected[lower(e.at("server").as_string().c_str())] = e.at("links").at(0).at("id").as_string().c_str();
    ASSERT_EQ(got.servers.size(), ids.size()) << r.file;
    for (std::size_t i = 0; i < ids.size(); ++i) {
        EXPECT_EQ(got.servers[i].server_id, ids[i]) << r.file;
        ASSERT_TRUE(got.servers[i].job) << r.file << " " << ids[i] << ": " << got.servers[i].job.error();
        EXPECT_EQ(got.servers[i].job.value().status_id, expected.at(lower(ids[i]))) << r.file;
    }
    std::set<std::string> distinct;
    for (auto& [server, id] : expected) distinct.insert(id);
    EXPECT_EQ(got.status_ids().size(), distinct.size()) << r.file;
}

template <class Op>
void expect_target_matches(const Op& op, const recorded& r, const clc::context& c) {
    auto req = encode(op, c);
    ASSERT_TRUE(req) << r.file << ": " << req.error();
    EXPECT_EQ(req.value().method, boost::beast::http::string_to_verb(r.method)) << r.file;
    EXPECT_EQ(lower(req.value().target), lower(r.path)) << r.file;  // ids are upper-cased on our side
}

TEST(ClcRecorded, EveryRecordedExchangeDecodesToItsValues) {
    auto all = load_recorded();
    ASSERT_EQ(all.size(), 89u) << "tests/data/clc must hold the 89 recorded exchanges";
    std::map<std::string, int> handled;
    for (auto& r : all) {
        SCOPED_TRACE(r.file);
        auto seg = segments(r.path);
        auto c = context_for(seg);
        if (seg.size() == 3 && seg[1] == "authentication") {
            clc::login op{"REDACTED", "REDACTED"};
            expect_target_matches(op, r, c);
            auto got = op.decode(r.response);
            ASSERT_TRUE(got) << got.error();
            EXPECT_EQ(got.value().account_alias, r.response_body.at("accountAlias").as_string().c_str());
            EXPECT_EQ(got.value().bearer_token, r.response_body.at("bearerToken").as_string().c_str());
            EXPECT_EQ(got.value().roles.size(), r.response_body.at("roles").as_array().size());
            ++handled["login"];
        } else if (seg.size() == 5 && seg[1] == "operations" && seg[3] == "servers") {
            // Rebuild the typed request from the recorded body, then decode the recorded answer with it.
            std::vector<std::string> ids;
            const auto& b = r.request_body;
            auto& arr = b.is_array() ? b.as_array() : b.at("serverIds").as_array();
            for (auto& id : arr) ids.push_back(id.as_string().c_str());
            result<clc::batch_response> got = failure(errc::invalid_request);
            auto run = [&](auto op) {
                expect_target_matches(op, r, c);
                EXPECT_EQ(json::parse(encode(op, c).value().body), r.request_body);
                got = op.decode(r.response);
            };
            const auto& name = seg[4];
            if (name == "createSnapshot") run(clc::create_snapshot{ids, b.at("snapshotExpirationDays").to_number<int>()});
            else if (name == "pause") run(clc::pause{ids});
            else if (name == "powerOn") run(clc::power_on{ids});
            else if (name == "powerOff") run(clc::power_off{ids});
            else if (name == "reboot") run(clc::reboot{ids});
            else if (name == "reset") run(clc::reset{ids});
            else if (name == "shutDown") run(clc::shut_down{ids});
            else if (name == "startMaintenance") run(clc::start_maintenance{ids});
            else if (name == "stopMaintenance") run(clc::stop_maintenance{ids});
            else if (name == "archive") run(clc::archive{ids});
            else ADD_FAILURE() << "unexpected batch operation " << name;
            ASSERT_TRUE(got) << got.error();
            EXPECT_EQ(r.response.status, 200u);
            expect_batch_matches(r, ids, got.value());
            ++handled["batch"];
        } else if (seg.size() == 5 && seg[1] == "operations" && seg[3] == "status") {
            clc::get_status op{seg[4]};
            expect_target_matches(op, r, c);
            auto got = op.decode(r.response);
            ASSERT_TRUE(got) << got.error();
            EXPECT_EQ(clc::to_string(got.value().status), r.response_body.at("status").as_string().c_str());
            ++handled["status"];
        } else if (seg.size() == 4 && seg[1] == "servers" && r.method == "GET") {
            clc::get_server op{seg[3]};
            expect_target_matches(op, r, c);
            auto got = op.decode(r.response);
            if (r.response.status == 404) {
                ASSERT_FALSE(got);
                EXPECT_TRUE(got.error().is(errc::not_found));
                ++handled["server-404"];
                continue;
            }
            ASSERT_TRUE(got) << got.error();
            auto& body = r.response_body.as_object();
            auto& details = body.at("details").as_object();
            EXPECT_EQ(got.value().id, body.at("id").as_string().c_str());
            EXPECT_EQ(got.value().status_text, body.at("status").as_string().c_str());
            EXPECT_EQ(clc::to_string(got.value().status), body.at("status").as_string().c_str());
            EXPECT_EQ(got.value().power_state_text, details.at("powerState").as_string().c_str());
            EXPECT_EQ(clc::to_string(got.value().power), details.at("powerState").as_string().c_str());
            EXPECT_EQ(got.value().in_maintenance_mode, details.at("inMaintenanceMode").as_bool());
            EXPECT_EQ(got.value().snapshot_names.size(), details.at("snapshots").as_array().size());
            EXPECT_EQ(got.value().links.size(), body.at("links").as_array().size());
            ++handled["server"];
        } else if (seg.size() == 5 && seg[1] == "servers" && seg[4] == "restore") {
            clc::restore_server op{seg[3], r.request_body.at("targetGroupId").as_string().c_str()};
            expect_target_matches(op, r, c);
            EXPECT_EQ(json::parse(encode(op, c).value().body), r.request_body);
            auto got = op.decode(r.response);
            ASSERT_TRUE(got) << got.error();
            EXPECT_EQ(got.value().status_id, r.response_body.at("id").as_string().c_str());
            ++handled["restore"];
        } else if (seg.size() >= 6 && seg[1] == "servers" && seg[4] == "snapshots") {
            auto got = seg.size() == 6 ? clc::delete_snapshot{seg[3], seg[5]}.decode(r.response)
                                       : clc::revert_snapshot{seg[3], seg[5]}.decode(r.response);
            if (seg.size() == 6) expect_target_matches(clc::delete_snapshot{seg[3], seg[5]}, r, c);
            else expect_target_matches(clc::revert_snapshot{seg[3], seg[5]}, r, c);
            ASSERT_TRUE(got) << got.error();
            EXPECT_EQ(got.value().status_id, r.response_body.at("id").as_string().c_str());
            ++handled["snapshot"];
        } else if (r.response.status >= 400) {
            // Endpoints outside serverops (groups, load balancers, autoscale, networks): their error bodies still
            // go through the shared CLC error decoder.
            auto e = clc::detail::http_error(r.response);
            EXPECT_EQ(e.http_status, r.response.status);
            EXPECT_EQ(e.kind(), errc_from_http_status(r.response.status));
            if (r.response_body.is_object()) {
                EXPECT_NE(e.vendor_message.find(r.response_body.at("message").as_string().c_str()), std::string::npos);
                if (auto* ex = r.response_body.as_object().if_contains("exceptionMessage")) {
                    EXPECT_NE(e.vendor_message.find(ex->as_string().c_str()), std::string::npos);
                }
            } else {
                EXPECT_TRUE(e.vendor_message.empty());
            }
            ++handled["other-error"];
        } else {
            ++handled["out-of-scope-success"];  // a group GET and a load-balancer PUT: not serverops operations
        }
    }
    EXPECT_EQ(handled["login"], 2);
    EXPECT_EQ(handled["batch"], 29);
    EXPECT_EQ(handled["status"], 10);
    EXPECT_EQ(handled["server"], 30);
    EXPECT_EQ(handled["server-404"], 1);
    EXPECT_EQ(handled["restore"], 3);
    EXPECT_EQ(handled["snapshot"], 4);
    EXPECT_EQ(handled["other-error"], 8);
    EXPECT_EQ(handled["out-of-scope-success"], 2);
}


// ---------------------------------------------------------------- hostile ids, aliases and job ids (issue 11)

// Splits a target after "/v2/" into its segments.
std::vector<std::string> segments_after_prefix(const std::string& target) {
    std::vector<std::string> out;
    EXPECT_EQ(target.rfind("/v2/", 0), 0u) << printable(target);
    std::string_view rest = std::string_view(target).substr(4);
    for (std::size_t at = 0;;) {
        const auto slash = rest.find('/', at);
        out.emplace_back(rest.substr(at, slash == std::string_view::npos ? std::string_view::npos : slash - at));
        if (slash == std::string_view::npos) break;
        at = slash + 1;
    }
    return out;
}

TEST(ClcEncode, EveryIdParameterIsExactlyOneEncodedSegment) {
    using serverops::testing::hostile::is_one_encoded_segment;
    for (const auto& id : serverops::testing::hostile::hostile_ids()) {
        SCOPED_TRACE(printable(id));
        const std::string upper = serverops::detail::to_upper(id);  // server ids go upper-case on the wire
        const clc::context hostile_alias{"/v2", id, "t"};
        // {target, expected segments: literal words, or the parameter each encoded segment must decode to}
        struct expectation {
            std::string target;
            std::vector<std::string> decoded;
        };
        const expectation cases[] = {
            {encoded(clc::get_server{id}).target, {"servers", "ALIAS", upper}},
            {encoded(clc::restore_server{id, "g"}).target, {"servers", "ALIAS", upper, "restore"}},
            {encoded(clc::delete_snapshot{id, id}).target, {"servers", "ALIAS", upper, "snapshots", id}},
            {encoded(clc::revert_snapshot{id, id}).target, {"servers", "ALIAS", upper, "snapshots", id, "restore"}},
            {encoded(clc::get_status{id}).target, {"operations", "ALIAS", "status", id}},
            {encoded(clc::get_server{"x"}, hostile_alias).target, {"servers", id, "X"}},
            {encoded(clc::get_status{"x"}, hostile_alias).target, {"operations", id, "status", "x"}},
            {encoded(clc::start_maintenance{{"x"}}, hostile_alias).target, {"operations", id, "servers", "startMaintenance"}},
            {encoded(clc::set_maintenance{.servers = {{"x", true}}}, hostile_alias).target,
             {"operations", id, "servers", "setMaintenance"}},
            {encoded(clc::create_snapshot{.server_ids = {"x"}}, hostile_alias).target,
             {"operations", id, "servers", "createSnapshot"}},
        };
        for (const auto& c : cases) {
            const auto segs = segments_after_prefix(c.target);
            ASSERT_EQ(segs.size(), c.decoded.size()) << printable(c.target);
            for (std::size_t i = 0; i < segs.size(); ++i) EXPECT_TRUE(is_one_encoded_segment(segs[i], c.decoded[i]));
        }
    }
    EXPECT_EQ(encoded(clc::get_status{".."}).target, "/v2/operations/ALIAS/status/%2E%2E");
    EXPECT_EQ(encoded(clc::get_server{"."}).target, "/v2/servers/ALIAS/%2E");
    EXPECT_EQ(encoded(clc::get_server{"x"}, clc::context{"/v2", "..", "t"}).target, "/v2/servers/%2E%2E/X");
}

// ---------------------------------------------------------------- token expiry at the edges of system_clock

std::string jwt_with_exp(std::string_view exp_json) {
    return serverops::detail::base64_encode(R"({"alg":"HS256"})") + "." +
           serverops::detail::base64_encode(R"({"exp":)" + std::string(exp_json) + "}") + ".sig";
}

TEST(ClcToken, ExpiryIsBoundedByWhatSystemClockHolds) {
    using clock = std::chrono::system_clock;
    const auto max_s = std::chrono::duration_cast<std::chrono::seconds>(clock::duration::max()).count();
    auto at = [](std::int64_t s) { return clock::time_point(std::chrono::seconds(s)); };
    EXPECT_EQ(clc::detail::token_expiry(jwt_with_exp("0")), at(0));
    EXPECT_EQ(clc::detail::token_expiry(jwt_with_exp("1700000000")), at(1700000000));
    EXPECT_EQ(clc::detail::token_expiry(jwt_with_exp("1700000000.999")), at(1700000000)) << "fractions dropped";
    EXPECT_EQ(clc::detail::token_expiry(jwt_with_exp("1.7e9")), at(1700000000));
    EXPECT_EQ(clc::detail::token_expiry(jwt_with_exp(std::to_string(max_s))), at(max_s)) << "the last second it holds";
    // 2262-04-11 and later overflowed the nanosecond count (signed, undefined): now "unknown", the default lifetime.
    for (std::string exp : {std::to_string(max_s + 1), std::to_string(max_s) + ".5", std::string("9300000000"),
                            std::string("99999999999"), std::string("9223372036854775807"),
                            std::string("18446744073709551615"), std::string("1e300"), std::string("-1"),
                            std::string("-0.5"), std::string("-9223372036854775808"), std::string("-1e300")})
        EXPECT_FALSE(clc::detail::token_expiry(jwt_with_exp(exp))) << exp;
    for (std::string exp : {"\"1700000000\"", "null", "true", "[1]"})
        EXPECT_FALSE(clc::detail::token_expiry(jwt_with_exp(exp))) << exp;
}

// ---------------------------------------------------------------- batch decoding against hash flooding

// Counts every comparison decode_batch makes: the work bound holds for any input, not just the ones tried.
struct counting_iless {
    std::size_t* count;
    bool operator()(std::string_view a, std::string_view b) const noexcept {
        ++*count;
        return clc::detail::iless{}(a, b);
    }
};

std::string batch_answer(const std::vector<std::string>& names) {
    std::string body = "[";
    for (std::size_t i = names.size(); i-- > 0;) {  // reversed and lower-cased: the API's habits
        if (body.size() > 1) body += ',';
        std::string lower = names[i];
        for (auto& c : lower) c = serverops::detail::ascii_lower(c);
        body += R"({"server":")" + lower + R"(","isQueued":true,"links":[{"rel":"status","id":"job-)" +
                std::to_string(i) + R"("}]})";
    }
    return body + "]";
}

void expect_every_server_has_its_job(const result<clc::batch_response>& r, const std::vector<std::string>& names) {
    ASSERT_TRUE(r) << r.error();
    ASSERT_EQ(r.value().servers.size(), names.size());
    for (std::size_t i = 0; i < names.size(); ++i) {
        ASSERT_EQ(r.value().servers[i].server_id, names[i]);
        ASSERT_TRUE(r.value().servers[i].job) << i;
        ASSERT_EQ(r.value().servers[i].job.value().status_id, "job-" + std::to_string(i));
    }
}

TEST(ClcBatch, MatchingCostsAtMostNLogNComparisonsForAnyNames) {
    for (std::size_t n : {1u, 2u, 100u, 4096u}) {
        std::vector<std::string> names;
        for (std::size_t i = 0; i < n; ++i) names.push_back("wa1alias" + std::to_string(i * 7919 % (n * 3)));
        std::size_t comparisons = 0;
        auto r = clc::detail::decode_batch(make_response(200, batch_answer(names)), names, counting_iless{&comparisons});
        expect_every_server_has_its_job(r, names);
        std::size_t log2n = 1;
        while ((std::size_t{1} << log2n) < n) ++log2n;
        // sort (n log n, stable_sort's merge) + grouping (n) + one binary search and one equality test per entry
        EXPECT_LE(comparisons, 4 * n * log2n + 3 * n) << n;
    }
}

// Server names whose 64-bit FNV-1a hashes over lower-cased bytes (how decode_batch hashed them before issue 11) are
// all equal. Round i offers two 13-byte blocks that take the same hash state to the same state, so each of the 2^K
// names choosing one block per round hashes alike. Found offline with a distinguished-point collision search: two
// 12-byte blocks whose states agree but for the low 7 bits, cancelled by their last byte.
constexpr std::pair<std::string_view, std::string_view> fnv1a_collision_blocks[] = {
    {"onqevebkhcaa0", "f1c0refxofwa6"},
    {"lp4juqxoq0gc_", "4hgik5gticxaa"},
    {"rpycibbttula-", "5b3snlwgkmrdy"},
    {"hlltoinzb0wc-", "k2vryle1uvrbh"},
    {"4ppg3vytg4lb.", "hfxnpnfh41mb~"},
    {"rkt0ca3kbwha5", "wvvsy3ub0k4a_"},
    {"wmmllvi3mjeb_", "kgw2ilthlwlds"},
    {"5f0qcjwh0f2c4", "rxyu4s24g2zd_"},
    {"3cozfixd35pd-", "3gzki1zlpuwco"},
    {"m3gl2uaavyqda", "zt1hleomakaas"},
    {"2skaiofe5s2c-", "yscrevfsjzsaq"},
    {"sfvlskwxbxud_", "vlnszr5hks3al"},
};

std::uint64_t fnv1a_lower(std::string_view s) {
    std::uint64_t h = 1469598103934665603ull;
    for (char c : s) h = (h ^ static_cast<unsigned char>(serverops::detail::ascii_lower(c))) * 1099511628211ull;
    return h;
}

TEST(ClcBatch, NamesThatCollideInAHashDecodeQuickly) {
    constexpr std::size_t rounds = std::size(fnv1a_collision_blocks);
    std::vector<std::string> names(std::size_t{1} << rounds);
    for (std::size_t i = 0; i < names.size(); ++i)
        for (std::size_t k = 0; k < rounds; ++k) {
            const auto& [zero, one] = fnv1a_collision_blocks[k];
            names[i] += ((i >> k) & 1) ? one : zero;
        }
    for (const auto& name : names) ASSERT_EQ(fnv1a_lower(name), fnv1a_lower(names[0])) << "the premise: one hash";
    const auto body = batch_answer(names);
    clc::start_maintenance op{names};
    // Processor time, not wall time: other processes on a loaded machine do not count against the limit.
    const auto start = std::clock();
    auto r = op.decode(make_response(200, body));
    const double seconds = static_cast<double>(std::clock() - start) / CLOCKS_PER_SEC;
    expect_every_server_has_its_job(r, names);
    // A chained hash table keyed by these names made this quadratic: at -O0 on a loaded 2-core machine, 2 min 13 s
    // for this batch and 20 s for half of it; sorting takes about 0.3 s of processor time there. The counting test
    // holds the exact bound.
    EXPECT_LT(seconds, 3.0);
}

TEST(ClcEncode, ABearerTokenWithAControlCharacterIsRefusedBeforeSending) {
    // The token becomes a header value: whatever transport a user plugs in, CR/LF must never reach it.
    for (std::string bad : {std::string("tok\r\nX-Injected: 1"), std::string("tok\n"), std::string("tok\r"),
                            std::string("t ok"), std::string("tok\x01"), std::string("tok\x7f"),
                            std::string("tok\0x", 5), std::string("\ttok")}) {
        clc::context ctx;
        ctx.account_alias = "WA1";
        ctx.bearer_token = bad;
        auto check = [&](const auto& op) {
            auto r = encode(op, ctx);
            ASSERT_FALSE(r) << op.name;
            EXPECT_TRUE(r.error().is(errc::invalid_request));
            EXPECT_EQ(r.error().message().find('\n'), std::string::npos);
        };
        check(clc::get_status{"wa1-1"});
        check(clc::get_server{"WA1ALIASWB01"});
        check(clc::start_maintenance{{"WA1ALIASWB01"}});
        check(clc::reboot{{"WA1ALIASWB01"}});
        check(clc::set_maintenance{{{"WA1ALIASWB01", true}}});
    }
    clc::context good;
    good.account_alias = "WA1";
    good.bearer_token = "eyJhbGciOi.eyJleHAiOjF9.c2ln-_~+/=";
    EXPECT_TRUE(encode(clc::get_status{"wa1-1"}, good));
}

// ---------------------------------------------------------------- desired state (pure decision)

/// A GET /v2/servers answer with this powerState text (raw JSON string content) and maintenance flag, decoded by the
/// real decoder: the decision sees exactly what the wire gives.
result<clc::server_info> server_read(std::string_view power_json_text, bool maintenance) {
    std::string body = R"({"id":"wa1aliaswb01","status":"active","details":{"powerState":")";
    body += power_json_text;
    body += R"(","inMaintenanceMode":)";
    body += maintenance ? "true" : "false";
    body += "}}";
    return clc::get_server{"x"}.decode(make_response(200, body));
}

/// Every desired-state batch: how it is built for one server, and the state it wants, written independently of the
/// library's table (the oracle).
struct desired_case {
    const char* name;
    std::function<std::variant<clc::power_on, clc::power_off, clc::shut_down, clc::pause, clc::start_maintenance,
                               clc::stop_maintenance, clc::set_maintenance>(std::vector<std::string>)>
        make;
    std::optional<std::string> power;  ///< the exact powerState text that means "already there"
    std::optional<bool> maintenance;   ///< or the maintenance flag that does
};

const std::vector<desired_case>& desired_cases() {
    static const std::vector<desired_case> cases = {
        {"power-on", [](auto ids) { return clc::power_on{ids}; }, "started", std::nullopt},
        {"power-off", [](auto ids) { return clc::power_off{ids}; }, "stopped", std::nullopt},
        {"shut-down", [](auto ids) { return clc::shut_down{ids}; }, "stopped", std::nullopt},
        {"pause", [](auto ids) { return clc::pause{ids}; }, "paused", std::nullopt},
        {"start-maintenance", [](auto ids) { return clc::start_maintenance{ids}; }, std::nullopt, true},
        {"stop-maintenance", [](auto ids) { return clc::stop_maintenance{ids}; }, std::nullopt, false},
        {"set-maintenance on",
         [](auto ids) {
             clc::set_maintenance op;
             for (auto& id : ids) op.servers.push_back({id, true});
             return op;
         },
         std::nullopt, true},
        {"set-maintenance off",
         [](auto ids) {
             clc::set_maintenance op;
             for (auto& id : ids) op.servers.push_back({id, false});
             return op;
         },
         std::nullopt, false},
    };
    return cases;
}

/// The ids a plan's request names, whatever its type.
template <class Op>
std::vector<std::string> request_ids(const Op& op) {
    if constexpr (std::same_as<Op, clc::set_maintenance>) return op.ids();
    else return op.server_ids;
}

TEST(ClcDesiredState, EveryActionAgainstEveryReadState) {
    // Documented values, their case variants, undocumented and garbage text (as JSON string contents).
    const std::vector<std::string> power_texts = {"started", "stopped", "paused", "Started", "STOPPED", "Paused",
                                                  "",        "stopping", "starting", "archived", " stopped",
                                                  "stopped ", "paus\\u00e9d", "\\u0000stopped", "\\u001b[2J", "null"};
    for (const auto& c : desired_cases()) {
        for (const auto& text : power_texts) {
            for (bool maintenance : {false, true}) {
                std::visit(
                    [&](const auto& op) {
                        auto read = server_read(text, maintenance);
                        ASSERT_TRUE(read) << read.error();
                        clc::server_reads reads;
                        reads.emplace("WA1ALIASWB01", read);
                        auto p = clc::plan(op, reads);
                        ASSERT_TRUE(p) << p.error();
                        ASSERT_EQ(p.value().servers.size(), 1u);
                        const bool already = c.power ? read.value().power_state_text == *c.power
                                                     : maintenance == *c.maintenance;
                        const auto& ps = p.value().servers[0];
                        EXPECT_EQ(ps.decision, already ? target_decision::skip : target_decision::send)
                            << c.name << " on powerState '" << text << "', maintenance " << maintenance;
                        EXPECT_EQ(p.value().sends(), !already);
                        EXPECT_EQ(request_ids(p.value().request).size(), already ? 0u : 1u);
                        EXPECT_FALSE(ps.problem);
                        EXPECT_EQ(ps.observed, c.power ? read.value().power_state_text
                                                       : std::string(maintenance ? "on" : "off"));
                    },
                    c.make({"wa1aliaswb01"}));
            }
        }
    }
}

TEST(ClcDesiredState, EveryReadFailureIsSentFailedOrEndsTheCall) {
    // The oracle: what each kind of read failure does (see serverops/desired_state.hpp).
    const std::vector<std::pair<errc, target_decision>> failures = {
        {errc::not_found, target_decision::send},            {errc::unknown_enum_value, target_decision::send},
        {errc::bad_request, target_decision::fail},          {errc::conflict, target_decision::fail},
        {errc::client_error, target_decision::fail},         {errc::unexpected_status, target_decision::fail},
        {errc::malformed_response, target_decision::fail},   {errc::unexpected_response, target_decision::fail},
        {errc::body_too_large, target_decision::fail},       {errc::unauthorized, target_decision::abort},
        {errc::forbidden, target_decision::abort},           {errc::authentication_failed, target_decision::abort},
        {errc::transport_failure, target_decision::abort},   {errc::timeout, target_decision::abort},
        {errc::tls_failure, target_decision::abort},         {errc::connection_closed, target_decision::abort},
        {errc::cancelled, target_decision::abort},           {errc::server_error, target_decision::abort},
        {errc::unavailable, target_decision::abort},         {errc::too_many_requests, target_decision::abort},
        {errc::invalid_request, target_decision::abort},     {errc::deadline_exceeded, target_decision::abort},
    };
    for (const auto& c : desired_cases()) {
        for (const auto& failure_case : failures) {
            const auto kind = failure_case.first;  // clang 14 cannot capture structured bindings
            const auto expected = failure_case.second;
            std::visit(
                [&](const auto& op) {
                    // The failing server sits between two readable ones that need the change.
                    clc::server_reads reads;
                    reads.emplace("A", server_read("other-state", !c.maintenance.value_or(false)));
                    error e(kind, "read failed");
                    e.operation = clc::get_server::name;
                    reads.emplace("B", result<clc::server_info>(failure(e)));
                    reads.emplace("C", server_read("other-state", !c.maintenance.value_or(false)));
                    auto p = clc::plan(op, reads);
                    if (expected == target_decision::abort) {
                        ASSERT_FALSE(p) << c.name << " " << make_error_code(kind).message();
                        EXPECT_TRUE(p.error().is(kind));
                        return;
                    }
                    ASSERT_TRUE(p) << p.error();
                    const auto& servers = p.value().servers;
                    ASSERT_EQ(servers.size(), 3u);
                    EXPECT_EQ(servers[0].decision, target_decision::send);
                    EXPECT_EQ(servers[1].decision, expected) << c.name << " " << make_error_code(kind).message();
                    EXPECT_TRUE(servers[1].observed.empty());
                    EXPECT_EQ(servers[1].problem.has_value(), expected == target_decision::fail);
                    EXPECT_EQ(servers[2].decision, target_decision::send);
                    const auto sent = request_ids(p.value().request);
                    const std::vector<std::string> all{"A", "B", "C"}, readable{"A", "C"};
                    EXPECT_EQ(sent, expected == target_decision::send ? all : readable);
                },
                c.make({"A", "B", "C"}));
        }
    }
}

TEST(ClcDesiredState, PlanKeepsRequestOrderDuplicatesAndSpelling) {
    clc::server_reads reads;
    reads.emplace("WA1ALIASWB01", server_read("stopped", false));
    reads.emplace("wa1aliaswb02", server_read("started", false));
    auto p = clc::plan(clc::power_off{{"wa1aliaswb02", "WA1ALIASWB01", "Wa1AliasWb02", "wa1aliaswb01"}}, reads);
    ASSERT_TRUE(p) << p.error();
    ASSERT_EQ(p.value().servers.size(), 4u);
    EXPECT_EQ(p.value().servers[0].decision, target_decision::send);
    EXPECT_EQ(p.value().servers[1].decision, target_decision::skip);
    EXPECT_EQ(p.value().servers[2].decision, target_decision::send);
    EXPECT_EQ(p.value().servers[3].decision, target_decision::skip);
    EXPECT_EQ(p.value().servers[2].server_id, "Wa1AliasWb02");  // as the caller wrote it
    EXPECT_EQ(p.value().request.server_ids, (std::vector<std::string>{"wa1aliaswb02", "Wa1AliasWb02"}));

    // One read per server, whatever the spelling.
    EXPECT_EQ(clc::ids_to_read(clc::power_off{{"a", "B", "A", "b", "c"}}), (std::vector<std::string>{"a", "B", "c"}));

    // A server without a read is a bug of the caller, never "unchanged".
    auto missing = clc::plan(clc::power_off{{"WA1ALIASWB01", "WA1ALIASWB09"}}, reads);
    ASSERT_FALSE(missing);
    EXPECT_TRUE(missing.error().is(errc::invalid_request));
}

TEST(ClcDesiredState, ConflictingSettingsOfOneServerAreAlwaysSent) {
    clc::server_reads reads;
    reads.emplace("A", server_read("started", true));
    reads.emplace("B", server_read("started", true));
    clc::set_maintenance op;
    op.servers = {{"A", true}, {"B", true}, {"a", false}, {"B", true}};
    auto p = clc::plan(op, reads);
    ASSERT_TRUE(p) << p.error();
    // A: on then off (the API applies the last): both sent as asked. B: on twice, already on: unchanged.
    EXPECT_EQ(p.value().servers[0].decision, target_decision::send);
    EXPECT_EQ(p.value().servers[1].decision, target_decision::skip);
    EXPECT_EQ(p.value().servers[2].decision, target_decision::send);
    EXPECT_EQ(p.value().servers[3].decision, target_decision::skip);
    ASSERT_EQ(p.value().request.servers.size(), 2u);
    EXPECT_TRUE(p.value().request.servers[0].in_maintenance_mode);
    EXPECT_FALSE(p.value().request.servers[1].in_maintenance_mode);
}

TEST(ClcDesiredState, TheFirstReadFailureInRequestOrderEndsTheCall) {
    clc::server_reads reads;
    reads.emplace("A", result<clc::server_info>(failure(errc::timeout, "first")));
    reads.emplace("B", result<clc::server_info>(failure(errc::unauthorized, "second")));
    auto p = clc::plan(clc::pause{{"B", "A"}}, reads);
    ASSERT_FALSE(p);
    EXPECT_TRUE(p.error().is(errc::unauthorized));
}

TEST(ClcDesiredState, ResultsMapTheBatchAnswerAndTheWaitOntoEveryServer) {
    clc::server_reads reads;
    reads.emplace("A", server_read("stopped", false));
    reads.emplace("B", server_read("started", false));
    reads.emplace("C", server_read("started", false));
    reads.emplace("D", server_read("started", false));
    reads.emplace("E", result<clc::server_info>(failure(errc::malformed_response, "garbage")));
    const clc::power_off op{{"A", "B", "C", "D", "E"}};
    auto p = clc::plan(op, reads);
    ASSERT_TRUE(p) << p.error();
    EXPECT_EQ(p.value().request.server_ids, (std::vector<std::string>{"B", "C", "D"}));
    auto answer = p.value().request.decode(make_response(200, R"([
      {"server":"b","isQueued":true,"links":[{"rel":"status","href":"/v2/operations/alias/status/wa1-7","id":"wa1-7"}]},
      {"server":"c","isQueued":false,"errorMessage":"The server already in desired state."},
      {"server":"d","isQueued":false,"errorMessage":"The operation cannot be queued because the server cannot be found or it is not in a valid state."}])"));
    ASSERT_TRUE(answer) << answer.error();
    auto r = clc::result_of(p.value(), &answer.value());
    ASSERT_EQ(r.servers.size(), 5u);
    const std::vector<target_outcome> expected = {target_outcome::unchanged, target_outcome::accepted,
                                                  target_outcome::unchanged, target_outcome::failed,
                                                  target_outcome::failed};
    for (std::size_t i = 0; i < expected.size(); ++i) EXPECT_EQ(r.servers[i].outcome, expected[i]) << i;
    EXPECT_FALSE(r.servers[0].sent);
    EXPECT_EQ(r.servers[0].observed, "stopped");
    EXPECT_EQ(r.servers[1].status_id, "wa1-7");
    EXPECT_TRUE(r.servers[2].sent);
    EXPECT_TRUE(r.servers[3].problem && r.servers[3].problem->is(errc::not_accepted));
    EXPECT_FALSE(r.servers[4].sent);
    EXPECT_TRUE(r.servers[4].problem && r.servers[4].problem->is(errc::malformed_response));
    EXPECT_FALSE(r.all_succeeded());
    EXPECT_EQ(r.count(target_outcome::unchanged), 2u);

    // After the wait: the queued server's job decides; the others keep their outcome.
    clc::wait_result w;
    w.polls = 2;
    clc::server_outcome b;
    b.server_id = "B";
    b.status_id = "wa1-7";
    b.state = clc::server_state::succeeded;
    b.last_status = clc::job_status::succeeded;
    clc::server_outcome c;
    c.server_id = "C";
    c.state = clc::server_state::not_queued;
    c.problem = answer.value().servers[1].job.error();
    clc::server_outcome d;
    d.server_id = "D";
    d.state = clc::server_state::not_queued;
    d.problem = answer.value().servers[2].job.error();
    w.servers = {b, c, d};
    auto waited = clc::with_wait(r, w);
    EXPECT_TRUE(waited.waited);
    EXPECT_EQ(waited.polls, 2);
    EXPECT_EQ(waited.servers[1].outcome, target_outcome::changed);
    EXPECT_EQ(waited.servers[1].last_status, clc::job_status::succeeded);
    EXPECT_EQ(waited.servers[2].outcome, target_outcome::unchanged);
    EXPECT_EQ(waited.servers[3].outcome, target_outcome::failed);

    // A job that did not succeed fails its server.
    w.servers[0].state = clc::server_state::still_running;
    w.servers[0].problem = error(errc::deadline_exceeded, "not finished");
    auto late = clc::with_wait(r, w);
    EXPECT_EQ(late.servers[1].outcome, target_outcome::failed);
    EXPECT_TRUE(late.servers[1].problem->is(errc::deadline_exceeded));
}

TEST(ClcDesiredState, TheApisNoOpMessageMustMatchExactly) {
    for (std::string msg : {"The server already in desired state", "the server already in desired state.",
                            "The server already in desired state. ", ""}) {
        error e(errc::not_accepted);
        e.vendor_message = msg;
        EXPECT_FALSE(clc::is_already_in_desired_state(e)) << msg;
    }
    error other(errc::bad_request);
    other.vendor_message = std::string(clc::already_in_desired_state_message);
    EXPECT_FALSE(clc::is_already_in_desired_state(other));
}

}  // namespace
