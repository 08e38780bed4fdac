// The vendor API emulator over real loopback HTTP(S), driven by a raw Beast client written here (independent of
// the library's transports). Every network step has a deadline, so no test can hang.
#include <serverops/testing/emulator.hpp>
#include <serverops/testing/emulator/a4c_module.hpp>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <future>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace {

namespace net = boost::asio;
namespace ssl = boost::asio::ssl;
namespace beast = boost::beast;
namespace http = boost::beast::http;
namespace json = boost::json;
using tcp = net::ip::tcp;
using namespace std::chrono_literals;
using serverops::testing::clc_messages::not_queued;
using serverops::testing::emulator;
using serverops::testing::fault;
namespace clc = serverops::clc;

constexpr auto io_timeout = 5s;

/// What came back for one request: a transport error, a complete response, or the part that arrived.
struct reply {
    boost::system::error_code ec;
    bool header_received = false;
    unsigned status = 0;
    http::response_header<> head;
    std::optional<std::uint64_t> content_length;
    std::string body;

    std::string header(std::string_view name) const {
        auto it = head.find(name);
        return it == head.end() ? std::string() : std::string(it->value());
    }
    json::value json() const {
        boost::system::error_code pec;
        auto v = json::parse(body, pec);
        return pec ? json::value() : v;
    }
};

/// A minimal synchronous HTTP/1.1 client over one keep-alive connection (plain or TLS). Each call runs the async
/// operations to completion under a deadline.
class raw_client {
public:
    explicit raw_client(unsigned short port, std::shared_ptr<ssl::context> tls = {}, std::string sni = "localhost")
        : port_(port), tls_(std::move(tls)), sni_(std::move(sni)) {}

    /// `content_type`: sent as given when set (an empty one: no Content-Type at all), else JSON's with a body.
    reply send(http::verb method, std::string target, std::string body = {}, std::string token = {},
               std::optional<std::string> content_type = std::nullopt) {
        http::request<http::string_body> req{method, target, 11};
        req.set(http::field::host, "127.0.0.1:" + std::to_string(port_));
        req.set(http::field::accept, "application/json");
        if (!token.empty()) req.set(http::field::authorization, "Bearer " + token);
        if (content_type && !content_type->empty()) req.set(http::field::content_type, *content_type);
        if (!body.empty()) {
            if (!content_type) req.set(http::field::content_type, "application/json");
            req.body() = std::move(body);
        }
        req.prepare_payload();
        if (tls_) return exchange(tls_stream_, req);
        return exchange(plain_stream_, req);
    }
    reply get(std::string target, std::string token = {}) { return send(http::verb::get, std::move(target), {}, std::move(token)); }
    reply post(std::string target, std::string body, std::string token = {}) {
        return send(http::verb::post, std::move(target), std::move(body), std::move(token));
    }

    int connections_opened() const { return connections_; }

private:
    template <class Op>
    boost::system::error_code run(Op op) {
        boost::system::error_code result = net::error::timed_out;
        op([&result](boost::system::error_code ec, auto&&...) { result = ec; });
        ioc_.restart();
        ioc_.run_for(io_timeout + 1s);  // the stream deadline fires first; this is a second safety net
        return result;
    }

    template <class Stream>
    boost::system::error_code connect(std::optional<Stream>& stream) {
        ++connections_;
        buffer_.clear();
        if constexpr (std::is_same_v<Stream, beast::tcp_stream>) {
            stream.emplace(ioc_);
        } else {
            stream.emplace(ioc_, *tls_);
            SSL_set_tlsext_host_name(stream->native_handle(), sni_.c_str());
            stream->set_verify_callback(ssl::host_name_verification(sni_));
        }
        auto& low = beast::get_lowest_layer(*stream);
        low.expires_after(io_timeout);
        const tcp::endpoint ep(net::ip::make_address("127.0.0.1"), port_);
        auto ec = run([&](auto h) { low.async_connect(ep, h); });
        if (!ec) {
            if constexpr (!std::is_same_v<Stream, beast::tcp_stream>)
                ec = run([&](auto h) { stream->async_handshake(ssl::stream_base::client, h); });
        }
        if (ec) stream.reset();
        return ec;
    }

    template <class Stream>
    reply exchange(std::optional<Stream>& stream, http::request<http::string_body>& req) {
        reply r;
        if (!stream && (r.ec = connect(stream))) return r;
        auto& low = beast::get_lowest_layer(*stream);
        low.expires_after(io_timeout);
        r.ec = run([&](auto h) { http::async_write(*stream, req, h); });
        http::response_parser<http::string_body> parser;
        parser.body_limit(64 * 1024 * 1024);
        if (!r.ec) r.ec = run([&](auto h) { http::async_read(*stream, buffer_, parser, h); });
        r.header_received = parser.is_header_done();
        if (r.header_received) {
            r.status = parser.get().result_int();
            r.head = parser.get().base();
            if (auto length = parser.content_length()) r.content_length = *length;
        }
        r.body = parser.get().body();
        if (r.ec || !parser.keep_alive()) stream.reset();
        return r;
    }

    unsigned short port_;
    std::shared_ptr<ssl::context> tls_;
    std::string sni_;
    net::io_context ioc_;
    beast::flat_buffer buffer_;
    std::optional<beast::tcp_stream> plain_stream_;
    std::optional<beast::ssl_stream<beast::tcp_stream>> tls_stream_;
    int connections_ = 0;
};

/// Sends raw bytes and returns everything the server sends back until it closes (or the deadline passes).
std::string raw_exchange(unsigned short port, const std::string& bytes) {
    net::io_context ioc;
    beast::tcp_stream stream(ioc);
    stream.expires_after(io_timeout);
    std::string received;
    stream.async_connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port), [&](boost::system::error_code ec) {
        if (ec) return;
        net::async_write(stream, net::buffer(bytes), [&](boost::system::error_code, std::size_t) {
            net::async_read(stream, net::dynamic_buffer(received), [](boost::system::error_code, std::size_t) {});
        });
    });
    ioc.run_for(io_timeout + 1s);
    return received;
}

std::string base64url_decode(std::string_view in) {
    std::string out;
    unsigned buf = 0;
    int bits = 0;
    for (char c : in) {
        int v = -1;
        if (c >= 'A' && c <= 'Z') v = c - 'A';
        else if (c >= 'a' && c <= 'z') v = c - 'a' + 26;
        else if (c >= '0' && c <= '9') v = c - '0' + 52;
        else if (c == '-') v = 62;
        else if (c == '_') v = 63;
        else return {};
        buf = (buf << 6) | unsigned(v);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out += char((buf >> bits) & 0xff);
        }
    }
    return out;
}

std::string str(const json::value& v, std::string_view key) {
    auto* o = v.if_object();
    auto* f = o ? o->if_contains(key) : nullptr;
    return f && f->is_string() ? std::string(f->get_string()) : std::string("<missing>");
}

class EmulatorTest : public ::testing::Test {
protected:
    static emulator::options manual_clock() {
        emulator::options o;
        o.manual_clock = true;
        return o;
    }

    void start(emulator::options o = manual_clock()) {
        emu_ = std::make_unique<emulator>(std::move(o));
        auto started = emu_->start();
        client_ = std::make_unique<raw_client>(emu_->port());  // before asserting: later steps fail, never crash
        ASSERT_TRUE(started) << started.error().message();
        token_ = login();
        ASSERT_FALSE(token_.empty());
    }

    std::string login(std::string user = "user", std::string password = "password") {
        json::object creds;
        creds["username"] = user;
        creds["password"] = password;
        auto r = client_->post("/v2/authentication/login", json::serialize(creds));
        return r.status == 200 ? str(r.json(), "bearerToken") : std::string();
    }

    reply get(std::string target) { return client_->get(std::move(target), token_); }
    reply post(std::string target, std::string body) { return client_->post(std::move(target), std::move(body), token_); }
    reply batch(std::string op, std::string body) { return post("/v2/operations/ALIAS/servers/" + op, std::move(body)); }

    /// The single status id shared by the queued entries of a batch answer.
    static std::string shared_status_id(const reply& r) {
        std::set<std::string> ids;
        const auto body = r.json();
        if (auto* arr = body.if_array())
            for (auto& e : *arr)
                if (auto* links = e.as_object().if_contains("links"))
                    for (auto& l : links->as_array()) ids.insert(str(l, "id"));
        return ids.size() == 1 ? *ids.begin() : "<" + std::to_string(ids.size()) + " ids>";
    }

    std::string job_status(const std::string& id) { return str(get("/v2/operations/ALIAS/status/" + id).json(), "status"); }

    /// Lets every queued job of the default timing finish on the manual clock.
    void finish_jobs() { emu_->advance(1s); }

    std::unique_ptr<emulator> emu_;
    std::unique_ptr<raw_client> client_;
    std::string token_;
};

// ---------------------------------------------------------------- authentication

TEST_F(EmulatorTest, LoginReturnsTheFiveFieldsAndAJwtShapedToken) {
    start();
    auto r = client_->post("/v2/authentication/login", R"({"username":"user","password":"password"})");
    ASSERT_EQ(r.status, 200u);
    EXPECT_EQ(r.header("Content-Type"), "application/json; charset=utf-8");
    auto v = r.json();
    ASSERT_TRUE(v.is_object());
    EXPECT_EQ(v.as_object().size(), 5u);
    EXPECT_EQ(str(v, "userName"), "user");
    EXPECT_EQ(str(v, "accountAlias"), "ALIAS");
    EXPECT_EQ(str(v, "locationAlias"), "WA1");
    EXPECT_TRUE(v.as_object().at("roles").is_array());

    const auto token = str(v, "bearerToken");
    const auto dot1 = token.find('.'), dot2 = token.rfind('.');
    ASSERT_NE(dot1, std::string::npos);
    ASSERT_NE(dot1, dot2);
    auto claims = json::parse(base64url_decode(token.substr(dot1 + 1, dot2 - dot1 - 1)));
    EXPECT_EQ(str(claims, "urn:tier3:account-alias"), "ALIAS");
    EXPECT_EQ(claims.at("exp").as_int64() - claims.at("nbf").as_int64(), 14 * 24 * 3600);
    EXPECT_NE(login(), token) << "every login issues a new token";
}

TEST_F(EmulatorTest, BadCredentialsAre400WithTheExactMessage) {
    start();
    for (auto body : {R"({"username":"user","password":"wrong"})", R"({"username":"nobody","password":"password"})",
                      R"({"username":"user"})", "not json"}) {
        auto r = client_->post("/v2/authentication/login", body);
        EXPECT_EQ(r.status, 400u) << body;
        EXPECT_EQ(r.body, R"({"message":"We didn't recognize the username or password you entered. Please try again."})");
    }
}

TEST_F(EmulatorTest, CallsWithoutAValidTokenAre401) {
    start();
    const std::string expected = R"({"message":"Authorization has been denied for this request."})";
    auto none = client_->get("/v2/servers/ALIAS/WA1ALIASWB01");
    EXPECT_EQ(none.status, 401u);
    EXPECT_EQ(none.body, expected);
    EXPECT_EQ(client_->get("/v2/servers/ALIAS/WA1ALIASWB01", "not-a-token").status, 401u);
    auto basic = raw_exchange(emu_->port(), "GET /v2/operations/ALIAS/status/wa1-1 HTTP/1.1\r\nHost: x\r\n"
                                            "Authorization: Basic dXNlcjpwYXNzd29yZA==\r\nConnection: close\r\n\r\n");
    EXPECT_EQ(basic.rfind("HTTP/1.1 401", 0), 0u) << basic;
    EXPECT_EQ(get("/v2/servers/ALIAS/WA1ALIASWB01").status, 200u);
}

TEST_F(EmulatorTest, ExpireTokensRevokesEveryIssuedToken) {
    start();
    const auto second = login();
    emu_->clc().expire_tokens();
    EXPECT_EQ(get("/v2/servers/ALIAS/WA1ALIASWB01").status, 401u);
    EXPECT_EQ(client_->get("/v2/servers/ALIAS/WA1ALIASWB01", second).status, 401u);
    token_ = login();
    EXPECT_EQ(get("/v2/servers/ALIAS/WA1ALIASWB01").status, 200u);
}

TEST_F(EmulatorTest, TokensExpireAfterFourteenDaysOnTheEmulatorClock) {
    start();
    emu_->advance(std::chrono::hours(24 * 14) - 1s);
    EXPECT_EQ(get("/v2/servers/ALIAS/WA1ALIASWB01").status, 200u);
    emu_->advance(1s);
    auto r = get("/v2/servers/ALIAS/WA1ALIASWB01");
    EXPECT_EQ(r.status, 401u);
    EXPECT_EQ(r.header("WWW-Authenticate"), "Bearer");
}

TEST_F(EmulatorTest, AnotherAccountAliasIs403) {
    start();
    EXPECT_EQ(get("/v2/servers/OTHER/WA1ALIASWB01").status, 403u);
    EXPECT_EQ(batch("pause", R"(["WA1ALIASWB01"])").status, 200u);
    EXPECT_EQ(post("/v2/operations/OTHER/servers/pause", R"(["WA1ALIASWB01"])").status, 403u);
    EXPECT_EQ(get("/v2/servers/alias/WA1ALIASWB01").status, 200u) << "the alias is case-insensitive";
}

// ---------------------------------------------------------------- batches and jobs

TEST_F(EmulatorTest, BatchLowercasesIdsListsDuplicatesOnceAndSharesOneStatusId) {
    start();
    const std::vector<std::string> sent = {"WA1ALIASWB01", "wa1aliasWB02", "Wa1AliasWb03", "WA1ALIASNOPE", "wa1aliaswb01"};
    auto r = batch("startMaintenance", json::serialize(json::value_from(sent)));
    ASSERT_EQ(r.status, 200u) << r.body;
    auto arr = r.json().as_array();
    ASSERT_EQ(arr.size(), 4u) << r.body;

    std::vector<std::string> order;
    for (auto& e : arr) {
        const auto server = str(e, "server");
        order.push_back(server);
        const auto& o = e.as_object();
        if (server == "wa1aliasnope") {
            EXPECT_FALSE(o.at("isQueued").as_bool());
            EXPECT_EQ(str(e, "errorMessage"), not_queued);
            EXPECT_FALSE(o.contains("links"));
        } else {
            EXPECT_TRUE(o.at("isQueued").as_bool()) << server;
            const auto& link = o.at("links").as_array().at(0);
            EXPECT_EQ(str(link, "rel"), "status");
            EXPECT_EQ(str(link, "href"), "/v2/operations/alias/status/" + str(link, "id"));
            EXPECT_FALSE(o.contains("errorMessage"));
        }
    }
    EXPECT_EQ(std::set<std::string>(order.begin(), order.end()),
              (std::set<std::string>{"wa1aliaswb01", "wa1aliaswb02", "wa1aliaswb03", "wa1aliasnope"}));
    EXPECT_NE(order, (std::vector<std::string>{"wa1aliaswb01", "wa1aliaswb02", "wa1aliaswb03", "wa1aliasnope"}))
        << "the real API reorders entries";
    const auto id = shared_status_id(r);
    EXPECT_EQ(id.rfind("wa1-", 0), 0u) << id;
}

TEST_F(EmulatorTest, JobMovesThroughItsPhasesAndChangesTheServerOnlyWhenDone) {
    start();
    auto r = batch("startMaintenance", R"(["WA1ALIASWB01","WA1ALIASWB02"])");
    const auto id = shared_status_id(r);
    auto in_maintenance = [&] {
        auto s = get("/v2/servers/ALIAS/WA1ALIASWB01").json();
        return s.at("details").at("inMaintenanceMode").as_bool();
    };
    EXPECT_EQ(job_status(id), "notStarted");
    EXPECT_FALSE(in_maintenance());
    emu_->advance(50ms);
    EXPECT_EQ(job_status(id), "executing");
    EXPECT_FALSE(in_maintenance());
    EXPECT_FALSE(emu_->clc().server_state("WA1ALIASWB02")->in_maintenance_mode);
    emu_->advance(100ms);
    EXPECT_EQ(job_status(id), "succeeded");
    EXPECT_TRUE(in_maintenance());
    EXPECT_TRUE(emu_->clc().server_state("wa1aliaswb02")->in_maintenance_mode);
    EXPECT_EQ(emu_->clc().job_status(id), clc::job_status::succeeded);
}

TEST_F(EmulatorTest, JobsProgressOnTheRealClock) {
    auto o = emulator::options{};
    o.clc.queue_delay = 20ms;
    o.clc.execution_time = 20ms;
    start(o);
    const auto id = shared_status_id(batch("pause", R"(["WA1ALIASWB04"])"));
    const auto deadline = std::chrono::steady_clock::now() + 3s;
    while (job_status(id) != "succeeded" && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(5ms);
    EXPECT_EQ(job_status(id), "succeeded");
    EXPECT_EQ(emu_->clc().server_state("WA1ALIASWB04")->power_state, clc::power_state::paused);
}

TEST_F(EmulatorTest, GetServerHasTheRecordedShape) {
    start();
    auto r = get("/v2/servers/ALIAS/WA1ALIASWB03");
    ASSERT_EQ(r.status, 200u);
    auto v = r.json();
    EXPECT_EQ(str(v, "id"), "wa1aliaswb03");
    EXPECT_EQ(str(v, "name"), "WA1ALIASWB03");
    EXPECT_EQ(str(v, "status"), "active");
    EXPECT_EQ(str(v, "locationId"), "WA1");
    for (auto key : {"groupId", "osType", "details", "links", "changeInfo"}) EXPECT_TRUE(v.as_object().contains(key)) << key;
    const auto& d = v.at("details").as_object();
    EXPECT_EQ(str(d, "powerState"), "started");
    EXPECT_FALSE(d.at("inMaintenanceMode").as_bool());
    for (auto key : {"cpu", "memoryMB", "storageGB", "hostName", "ipAddresses", "snapshots"}) EXPECT_TRUE(d.contains(key)) << key;
    EXPECT_EQ(str(v.at("links").as_array().at(0), "href"), "/v2/servers/alias/wa1aliaswb03");
}

TEST_F(EmulatorTest, UnknownServerStatusIdAndSnapshotAre404WithAnEmptyBody) {
    start();
    for (auto r : {get("/v2/servers/ALIAS/WA1ALIASXX99"), get("/v2/operations/ALIAS/status/wa1-1"),
                   post("/v2/servers/ALIAS/WA1ALIASXX99/snapshots/1/restore", "{}"),
                   post("/v2/servers/ALIAS/WA1ALIASWB01/snapshots/7/restore", "{}")}) {
        EXPECT_EQ(r.status, 404u);
        EXPECT_EQ(r.body, "");
        EXPECT_EQ(r.header("Content-Length"), "0");
    }
}

TEST_F(EmulatorTest, UnknownRoutesAndWrongMethodsAreRejected) {
    start();
    auto unknown_op = batch("explode", R"(["WA1ALIASWB01"])");
    EXPECT_EQ(unknown_op.status, 404u);
    EXPECT_NE(str(unknown_op.json(), "message"), "<missing>");
    EXPECT_EQ(batch("poweron", R"(["WA1ALIASWB01"])").status, 404u) << "operation names are case-sensitive";
    auto wrong_method = get("/v2/operations/ALIAS/servers/pause");
    EXPECT_EQ(wrong_method.status, 405u);
    EXPECT_EQ(wrong_method.header("Allow"), "POST");
    EXPECT_EQ(client_->get("/v2/authentication/login").status, 405u);
    EXPECT_EQ(get("/nothing/here").status, 404u);
}

TEST_F(EmulatorTest, SetMaintenanceTurnsSomeServersOnAndOthersOff) {
    start();
    emu_->clc().add_server("WA1ALIASWB02", clc::power_state::started, true);
    auto r = batch("setMaintenance", R"({"servers":[{"id":"WA1ALIASWB01","inMaintenanceMode":true},
                                                     {"id":"WA1ALIASWB02","inMaintenanceMode":false},
                                                     {"id":"WA1ALIASWB03","inMaintenanceMode":"true"}]})");
    ASSERT_EQ(r.status, 200u) << r.body;
    EXPECT_EQ(r.json().as_array().size(), 3u);
    const auto id = shared_status_id(r);
    finish_jobs();
    EXPECT_EQ(job_status(id), "succeeded");
    EXPECT_TRUE(emu_->clc().server_state("WA1ALIASWB01")->in_maintenance_mode);
    EXPECT_FALSE(emu_->clc().server_state("WA1ALIASWB02")->in_maintenance_mode);
    EXPECT_TRUE(emu_->clc().server_state("WA1ALIASWB03")->in_maintenance_mode) << "the doc's string form is accepted";
}

TEST_F(EmulatorTest, MalformedBatchBodiesAre400WithModelState) {
    start();
    auto field_errors = [](const reply& r, std::string_view field) {
        const auto body = r.json();
        auto* o = body.if_object();
        if (!o || str(*o, "message") != "The request is invalid.") return false;
        auto* ms = o->if_contains("modelState");
        return ms && ms->is_object() && ms->as_object().contains(field);
    };
    auto days0 = batch("createSnapshot", R"({"snapshotExpirationDays":0,"serverIds":["WA1ALIASWB01"]})");
    EXPECT_EQ(days0.status, 400u);
    EXPECT_TRUE(field_errors(days0, "snapshotExpirationDays")) << days0.body;
    EXPECT_TRUE(field_errors(batch("createSnapshot", R"({"snapshotExpirationDays":11,"serverIds":["WA1ALIASWB01"]})"),
                             "snapshotExpirationDays"));
    EXPECT_TRUE(field_errors(batch("createSnapshot", R"({"serverIds":["WA1ALIASWB01"]})"), "snapshotExpirationDays"));
    EXPECT_TRUE(field_errors(batch("createSnapshot", R"({"snapshotExpirationDays":5})"), "serverIds"));
    EXPECT_TRUE(field_errors(batch("pause", R"({"serverIds":["WA1ALIASWB01"]})"), "serverIds"));
    EXPECT_TRUE(field_errors(batch("pause", "[]"), "serverIds"));
    EXPECT_TRUE(field_errors(batch("pause", "[1]"), "serverIds[0]"));
    EXPECT_TRUE(field_errors(batch("pause", "{not json"), "serverIds"));
    EXPECT_TRUE(field_errors(batch("setMaintenance", R"(["WA1ALIASWB01"])"), "servers"));
    EXPECT_TRUE(field_errors(batch("setMaintenance", R"({"servers":[{"id":"WA1ALIASWB01","inMaintenanceMode":"yes"}]})"),
                             "servers[0].inMaintenanceMode"));
    EXPECT_EQ(emu_->clc().server_state("WA1ALIASWB01")->power_state, clc::power_state::started) << "nothing queued";
}

TEST_F(EmulatorTest, CreateSnapshotAddsASnapshotWithLinks) {
    start();
    auto r = batch("createSnapshot", R"({"snapshotExpirationDays":"7","serverIds":["WA1ALIASWB05"]})");
    ASSERT_EQ(r.status, 200u) << r.body;
    finish_jobs();
    auto snaps = get("/v2/servers/ALIAS/WA1ALIASWB05").json().at("details").at("snapshots").as_array();
    ASSERT_EQ(snaps.size(), 1u);
    EXPECT_EQ(str(snaps[0], "name").size(), std::string("2015-06-18.09:10:48").size());
    EXPECT_EQ(str(snaps[0].at("links").as_array().at(2), "href"), "/v2/servers/alias/wa1aliaswb05/snapshots/1/restore");
    auto revert = post("/v2/servers/ALIAS/WA1ALIASWB05/snapshots/1/restore", "{}");
    EXPECT_EQ(revert.status, 200u);
    EXPECT_EQ(str(revert.json(), "rel"), "status");
    auto del = client_->send(http::verb::delete_, "/v2/servers/ALIAS/WA1ALIASWB05/snapshots/1", {}, token_);
    EXPECT_EQ(del.status, 200u);
    finish_jobs();
    EXPECT_TRUE(emu_->clc().server_state("WA1ALIASWB05")->snapshot_names.empty());
}

TEST_F(EmulatorTest, FailJobsForMakesTheJobFailAndLeavesStateUnchanged) {
    start();
    emu_->clc().fail_jobs_for("wa1aliaswb02");
    const auto id = shared_status_id(batch("powerOff", R"(["WA1ALIASWB01","WA1ALIASWB02"])"));
    finish_jobs();
    EXPECT_EQ(job_status(id), "failed");
    EXPECT_EQ(emu_->clc().server_state("WA1ALIASWB01")->power_state, clc::power_state::started);
    EXPECT_EQ(emu_->clc().server_state("WA1ALIASWB02")->power_state, clc::power_state::started);
    const auto other = shared_status_id(batch("powerOff", R"(["WA1ALIASWB03"])"));
    finish_jobs();
    EXPECT_EQ(job_status(other), "succeeded") << "only jobs including the marked server fail";
}

TEST_F(EmulatorTest, HangJobsForKeepsTheJobExecutingUntilCleared) {
    start();
    emu_->clc().hang_jobs_for("WA1ALIASWB01");
    const auto id = shared_status_id(batch("reboot", R"(["WA1ALIASWB01"])"));
    emu_->advance(std::chrono::hours(1));
    EXPECT_EQ(job_status(id), "executing");
    emu_->clc().clear_job_faults();
    EXPECT_EQ(job_status(id), "succeeded");
}

TEST_F(EmulatorTest, PowerOperationsFollowTheValidityRules) {
    start();
    auto queued = [&](std::string op, std::string id) {
        auto r = batch(op, "[\"" + id + "\"]");
        finish_jobs();
        const auto body = r.json();
        auto* arr = body.if_array();
        return arr && arr->size() == 1 && (*arr)[0].at("isQueued").as_bool();
    };
    auto power = [&](std::string id) { return emu_->clc().server_state(id)->power_state; };
    EXPECT_TRUE(queued("pause", "WA1ALIASWB01"));
    EXPECT_EQ(power("WA1ALIASWB01"), clc::power_state::paused);
    EXPECT_FALSE(queued("shutDown", "WA1ALIASWB01")) << "a paused OS cannot shut down gracefully";
    EXPECT_FALSE(queued("reboot", "WA1ALIASWB01"));
    EXPECT_TRUE(queued("powerOff", "WA1ALIASWB01"));
    EXPECT_EQ(power("WA1ALIASWB01"), clc::power_state::stopped);
    EXPECT_FALSE(queued("powerOff", "WA1ALIASWB01"));
    EXPECT_FALSE(queued("reset", "WA1ALIASWB01"));
    EXPECT_TRUE(queued("startMaintenance", "WA1ALIASWB01")) << "maintenance does not depend on power";
    EXPECT_TRUE(queued("powerOn", "WA1ALIASWB01"));
    EXPECT_EQ(power("WA1ALIASWB01"), clc::power_state::started);
    EXPECT_TRUE(queued("shutDown", "WA1ALIASWB01"));
    EXPECT_EQ(power("WA1ALIASWB01"), clc::power_state::stopped);

    EXPECT_TRUE(queued("archive", "WA1ALIASWB03"));
    auto archived = emu_->clc().server_state("WA1ALIASWB03");
    EXPECT_EQ(archived->status, clc::server_status::archived);
    EXPECT_EQ(archived->power_state, clc::power_state::stopped);
    EXPECT_FALSE(queued("powerOn", "WA1ALIASWB03")) << "archived servers cannot be powered";
    EXPECT_FALSE(queued("startMaintenance", "WA1ALIASWB03"));

    auto restore = post("/v2/servers/ALIAS/WA1ALIASWB03/restore", R"({"targetGroupId":"0123456789abcdef0123456789abcdef"})");
    EXPECT_EQ(restore.status, 202u);
    const auto restore_id = str(restore.json(), "id");
    EXPECT_EQ(str(restore.json(), "href"), "/v2/operations/alias/status/" + restore_id);
    finish_jobs();
    EXPECT_EQ(job_status(restore_id), "succeeded");
    auto restored = emu_->clc().server_state("WA1ALIASWB03");
    EXPECT_EQ(restored->status, clc::server_status::active);
    EXPECT_EQ(restored->group_id, "0123456789abcdef0123456789abcdef");
    EXPECT_EQ(post("/v2/servers/ALIAS/WA1ALIASWB03/restore", R"({"targetGroupId":"g"})").status, 400u)
        << "only archived servers can be restored";
    EXPECT_EQ(post("/v2/servers/ALIAS/WA1ALIASWB03/restore", "{}").status, 400u);
}

TEST_F(EmulatorTest, RequestCountCountsByMethodAndPathSubstring) {
    start();
    batch("pause", R"(["WA1ALIASWB01"])");
    get("/v2/servers/ALIAS/WA1ALIASWB01");
    get("/v2/servers/ALIAS/WA1ALIASWB01");
    EXPECT_EQ(emu_->request_count("POST", "/servers/pause"), 1u);
    EXPECT_EQ(emu_->request_count("GET", "/v2/servers/"), 2u);
    EXPECT_EQ(emu_->request_count("POST", "/authentication/login"), 1u);
    EXPECT_EQ(emu_->request_count("", "/v2/"), 4u);
    EXPECT_EQ(emu_->request_count(), 4u);
    emu_->reset_request_counts();
    EXPECT_EQ(emu_->request_count(), 0u);
}

// ---------------------------------------------------------------- faults

TEST_F(EmulatorTest, StatusFaultsAreConsumedByMatchingRequestsOnly) {
    start();
    emu_->inject(fault::too_many_requests(7s).only_path("/status/"));
    emu_->inject(fault::server_error(), 2);
    emu_->inject(fault::unavailable(3s).only_method(http::verb::delete_));
    EXPECT_EQ(emu_->pending_faults(), 4u);

    auto limited = get("/v2/operations/ALIAS/status/wa1-1");
    EXPECT_EQ(limited.status, 429u);
    EXPECT_EQ(limited.header("Retry-After"), "7");
    for (int i = 0; i < 2; ++i) {
        auto failed = get("/v2/servers/ALIAS/WA1ALIASWB01");
        EXPECT_EQ(failed.status, 500u);
        EXPECT_EQ(failed.body, R"({"message":"An error has occurred."})");
    }
    EXPECT_EQ(get("/v2/servers/ALIAS/WA1ALIASWB01").status, 200u);
    auto unavailable = client_->send(http::verb::delete_, "/v2/servers/ALIAS/WA1ALIASWB01/snapshots/9", {}, token_);
    EXPECT_EQ(unavailable.status, 503u);
    EXPECT_EQ(unavailable.header("Retry-After"), "3");
    EXPECT_EQ(emu_->pending_faults(), 0u);

    emu_->inject(fault::status(418, "teapot", {}), 5);
    emu_->clear_faults();
    EXPECT_EQ(get("/v2/servers/ALIAS/WA1ALIASWB01").status, 200u);
}

TEST_F(EmulatorTest, CloseBeforeResponseDropsTheConnectionAndTheRequestHasNoEffect) {
    start();
    emu_->inject(fault::close_before_response().only_path("/servers/powerOff"));
    auto r = batch("powerOff", R"(["WA1ALIASWB01"])");
    EXPECT_TRUE(r.ec) << "expected a transport error";
    EXPECT_FALSE(r.header_received);
    finish_jobs();
    EXPECT_EQ(emu_->clc().server_state("WA1ALIASWB01")->power_state, clc::power_state::started);
    EXPECT_EQ(emu_->request_count("POST", "/servers/powerOff"), 1u);
    EXPECT_EQ(get("/v2/servers/ALIAS/WA1ALIASWB01").status, 200u) << "a new connection works";
}

TEST_F(EmulatorTest, CloseMidResponseSendsHalfTheBodyAndTheRequestTakesEffect) {
    start();
    emu_->inject(fault::close_mid_response().only_path("/servers/pause"));
    auto r = batch("pause", R"(["WA1ALIASWB01"])");
    EXPECT_EQ(r.ec, http::error::partial_message) << r.ec.message();
    ASSERT_TRUE(r.header_received);
    EXPECT_EQ(r.status, 200u);
    ASSERT_TRUE(r.content_length);
    EXPECT_EQ(r.body.size(), *r.content_length / 2);
    finish_jobs();
    EXPECT_EQ(emu_->clc().server_state("WA1ALIASWB01")->power_state, clc::power_state::paused);
}

TEST_F(EmulatorTest, TruncatedBodyDeclaresMoreThanItSends) {
    start();
    emu_->inject(fault::truncated_body());
    auto r = get("/v2/servers/ALIAS/WA1ALIASWB01");
    EXPECT_EQ(r.ec, http::error::partial_message) << r.ec.message();
    ASSERT_TRUE(r.content_length);
    EXPECT_GT(*r.content_length, r.body.size());
    EXPECT_FALSE(r.body.empty());
}

TEST_F(EmulatorTest, MalformedJsonIsA200WithAnUnparsableBody) {
    start();
    emu_->inject(fault::malformed_json().only_path("/status/"));
    auto r = get("/v2/operations/ALIAS/status/wa1-1");
    EXPECT_FALSE(r.ec);
    EXPECT_EQ(r.status, 200u);
    boost::system::error_code ec;
    json::parse(r.body, ec);
    EXPECT_TRUE(ec) << r.body;
    EXPECT_EQ(get("/v2/operations/ALIAS/status/wa1-1").status, 404u) << "the keep-alive connection still works";
}

TEST_F(EmulatorTest, DelayedResponseDoesNotBlockOtherConnections) {
    start();
    constexpr auto delay = 800ms;
    emu_->inject(fault::delay_response(delay).only_path("WB01"));
    std::atomic<bool> slow_done{false};
    const auto t0 = std::chrono::steady_clock::now();
    auto slow = std::async(std::launch::async, [&] {
        raw_client other(emu_->port());
        auto r = other.get("/v2/servers/ALIAS/WA1ALIASWB01", token_);
        slow_done = true;
        return r;
    });
    while (emu_->request_count("GET", "WB01") == 0 && std::chrono::steady_clock::now() - t0 < 3s)
        std::this_thread::sleep_for(2ms);
    const auto t1 = std::chrono::steady_clock::now();
    auto fast = get("/v2/servers/ALIAS/WA1ALIASWB02");
    EXPECT_EQ(fast.status, 200u);
    EXPECT_LT(std::chrono::steady_clock::now() - t1, delay / 2);
    EXPECT_FALSE(slow_done.load()) << "the delayed reply must still be pending";
    auto slow_reply = slow.get();
    EXPECT_EQ(slow_reply.status, 200u);
    EXPECT_GE(std::chrono::steady_clock::now() - t0, delay);
}

// ---------------------------------------------------------------- robustness and lifecycle

TEST_F(EmulatorTest, OversizedBodiesAre413) {
    auto o = manual_clock();
    o.body_limit = 1024;
    start(o);
    auto r = batch("pause", "[\"" + std::string(2000, 'A') + "\"]");
    EXPECT_EQ(r.status, 413u);

    emulator big;  // default limit: 16 MiB, rejected from the declared length alone
    ASSERT_TRUE(big.start());
    auto raw = raw_exchange(big.port(), "POST /v2/operations/ALIAS/servers/pause HTTP/1.1\r\nHost: x\r\n"
                                        "Content-Type: application/json\r\nContent-Length: 17000000\r\n\r\n[");
    EXPECT_EQ(raw.rfind("HTTP/1.1 413", 0), 0u) << raw;
}

TEST_F(EmulatorTest, GarbageIsAnsweredAndTheServerKeepsServing) {
    start();
    auto raw = raw_exchange(emu_->port(), "NOT HTTP AT ALL\r\n\r\n");
    EXPECT_EQ(raw.rfind("HTTP/1.1 400", 0), 0u) << raw;
    EXPECT_TRUE(raw_exchange(emu_->port(), "GET /v2/servers/ALIAS/%ZZ%2 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").find("401") !=
                std::string::npos);
    EXPECT_EQ(batch("pause", std::string(1, '\0') + "\xff\xfe").status, 400u);
    EXPECT_EQ(get("/v2/servers/ALIAS/WA1ALIASWB01").status, 200u);
}

TEST_F(EmulatorTest, KeepAliveServesManyRequestsOnOneConnection) {
    start();
    for (int i = 0; i < 50; ++i) ASSERT_EQ(get("/v2/servers/ALIAS/WA1ALIASWB01").status, 200u);
    EXPECT_EQ(client_->connections_opened(), 1);
}

TEST_F(EmulatorTest, LifecycleIsSafe) {
    start();
    EXPECT_NE(emu_->port(), 0);
    EXPECT_EQ(emu_->base_url(), "http://127.0.0.1:" + std::to_string(emu_->port()));
    EXPECT_EQ(emu_->clc_base_url(), emu_->base_url() + "/v2");
    EXPECT_FALSE(emu_->start()) << "one start per emulator";
    EXPECT_TRUE(emu_->running());
    emu_->stop();
    emu_->stop();
    EXPECT_FALSE(emu_->running());
    auto after = get("/v2/servers/ALIAS/WA1ALIASWB01");
    EXPECT_TRUE(after.ec) << "stop closes open keep-alive connections";

    emulator::options bad;
    bad.address = "not an address";
    emulator broken(bad);
    EXPECT_FALSE(broken.start());
    emulator first;
    ASSERT_TRUE(first.start());
    emulator::options taken;
    taken.port = first.port();
    emulator second(taken);
    EXPECT_FALSE(second.start()) << "the port is taken";
}

TEST_F(EmulatorTest, VendorModulesPlugIntoTheRouter) {
    struct echo_module final : serverops::testing::module {
        std::string_view name() const noexcept override { return "echo"; }
        bool handles(std::string_view path) const noexcept override { return path.starts_with("/rest/"); }
        serverops::http_response handle(const serverops::testing::request_view& r) override {
            auto res = serverops::testing::message_response(201, std::string(r.path) + " " + std::string(r.query));
            res.headers.set("X-Vendor", "echo");
            return res;
        }
    };
    emulator emu;
    ASSERT_TRUE(emu.add_module(std::make_shared<echo_module>()));
    ASSERT_TRUE(emu.start());
    EXPECT_FALSE(emu.add_module(std::make_shared<echo_module>())) << "modules are fixed once started";
    raw_client c(emu.port());
    auto r = c.post("/rest/v1/maintenance?x=1", "");
    EXPECT_EQ(r.status, 201u);
    EXPECT_EQ(r.header("X-Vendor"), "echo");
    EXPECT_EQ(str(r.json(), "message"), "/rest/v1/maintenance x=1");
    EXPECT_EQ(c.get("/v2/servers/ALIAS/WA1ALIASWB01").status, 401u) << "CLC still answers /v2";
}

TEST_F(EmulatorTest, ServesHttpsWithTheGivenCertificate) {
    auto tls = serverops::testing::make_self_signed_tls();
    ASSERT_TRUE(tls) << tls.error().message();
    emulator::options o;
    o.tls = tls.value();
    emulator emu(o);
    ASSERT_TRUE(emu.start());
    EXPECT_EQ(emu.base_url(), "https://127.0.0.1:" + std::to_string(emu.port()));

    auto ctx = std::make_shared<ssl::context>(ssl::context::tls_client);
    ctx->add_certificate_authority(net::buffer(tls.value().certificate_chain_pem));
    ctx->set_verify_mode(ssl::verify_peer);
    raw_client c(emu.port(), ctx, "localhost");
    auto r = c.post("/v2/authentication/login", R"({"username":"user","password":"password"})");
    ASSERT_EQ(r.status, 200u) << r.ec.message();
    EXPECT_EQ(c.get("/v2/servers/ALIAS/WA1ALIASWB01", str(r.json(), "bearerToken")).status, 200u);
    EXPECT_EQ(c.connections_opened(), 1);

    raw_client plain(emu.port());
    EXPECT_FALSE(plain.get("/v2/servers/ALIAS/WA1ALIASWB01").header_received) << "plain HTTP gets no answer";
    auto untrusting = std::make_shared<ssl::context>(ssl::context::tls_client);
    untrusting->set_verify_mode(ssl::verify_peer);
    raw_client wary(emu.port(), untrusting);
    EXPECT_TRUE(wary.get("/v2/servers/ALIAS/WA1ALIASWB01").ec) << "an untrusted certificate fails the handshake";
    EXPECT_EQ(c.get("/v2/servers/ALIAS/WA1ALIASWB01").status, 401u) << "the server survived both";
}

// ---------------------------------------------------------------- the requests real clients send (issue 16)

/// tests/data, found from this file when the build does not say (the tests never read the shared research folder).
std::filesystem::path test_data_dir() {
#ifdef SERVEROPS_TEST_DATA_DIR
    return SERVEROPS_TEST_DATA_DIR;
#else
    return std::filesystem::path(__FILE__).parent_path().parent_path() / "data";
#endif
}

json::value read_json_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    boost::system::error_code ec;
    auto v = json::parse(text, ec);
    return ec ? json::value() : v;
}

/// Sends one request file of tests/data/clc-python-sdk as written (method, path, headers, raw body).
reply send_recorded(raw_client& c, const json::value& file, const std::string& token) {
    const auto& req = file.at("request").as_object();
    const std::string method(req.at("method").as_string());
    const auto verb = method == "GET" ? http::verb::get : http::verb::post;
    std::string body = req.at("body").is_string() ? std::string(req.at("body").as_string()) : std::string();
    std::optional<std::string> content_type;
    if (auto* h = req.at("headers").as_object().if_contains("Content-Type")) content_type = std::string(h->as_string());
    return c.send(verb, std::string(req.at("path").as_string()), std::move(body), token, content_type.value_or(""));
}

TEST_F(EmulatorTest, ThePythonSdksRequestShapesAreServed) {
    emulator::options o = manual_clock();
    o.clc.username = "ops@example.com";
    o.clc.password = "s3cr3t p\xc3\xa4ss&=+%";  // what the recorded form body decodes to
    emu_ = std::make_unique<emulator>(o);
    ASSERT_TRUE(emu_->start());
    client_ = std::make_unique<raw_client>(emu_->port());
    emu_->clc().add_server("WA1ALIASWB02", clc::power_state::started);

    std::vector<std::filesystem::path> files;
    for (auto& entry : std::filesystem::directory_iterator(test_data_dir() / "clc-python-sdk")) files.push_back(entry.path());
    std::sort(files.begin(), files.end());
    ASSERT_EQ(files.size(), 5u) << test_data_dir();

    std::string token;
    for (auto& path : files) {
        SCOPED_TRACE(path.filename().string());
        const auto file = read_json_file(path);
        ASSERT_TRUE(file.is_object());
        auto r = send_recorded(*client_, file, token);
        ASSERT_EQ(r.status, file.at("expect").at("status").to_number<unsigned>()) << r.body;
        const auto body = r.json();
        const std::string name = path.filename().string();
        if (name.find("login") != std::string::npos) {
            token = str(body, "bearerToken");
            EXPECT_EQ(str(body, "userName"), "ops@example.com");
        } else if (name.find("snapshot") != std::string::npos) {
            ASSERT_TRUE(body.is_array()) << r.body;
            EXPECT_EQ(body.as_array().size(), 1u);
            EXPECT_EQ(body.as_array().at(0).at("isQueued"), true) << r.body;
            finish_jobs();
            EXPECT_EQ(emu_->clc().server_state("WA1ALIASWB01")->snapshot_names.size(), 1u);
        } else if (name.find("group") != std::string::npos) {
            EXPECT_EQ(str(body, "id"), emu_->clc().options().group_id);
            EXPECT_EQ(body.at("serversCount").to_number<int>(), 5) << r.body;
            EXPECT_EQ(body.at("changeInfo").at("createdDate"), "2015-06-30T15:53:34Z") << "the SDK parses these dates";
        } else if (name.find("account") != std::string::npos) {
            EXPECT_EQ(str(body, "accountAlias"), "ALIAS");
            EXPECT_TRUE(body.as_object().contains("parentAlias"));
            EXPECT_TRUE(body.as_object().contains("primaryDataCenter"));
        } else if (name.find("power-off") != std::string::npos) {
            EXPECT_EQ(body.at(0).at("isQueued"), true) << r.body;
        }
    }
    ASSERT_FALSE(token.empty());

    // An SDK that follows the server's links reaches the group and the account.
    auto server = client_->get("/v2/servers/ALIAS/WA1ALIASWB01", token).json();
    int followed = 0;
    for (auto& link : server.at("links").as_array()) {
        const auto rel = str(link, "rel");
        if (rel != "group" && rel != "account") continue;
        EXPECT_EQ(client_->get(str(link, "href"), token).status, 200u) << str(link, "href");
        ++followed;
    }
    EXPECT_EQ(followed, 2);
}

TEST_F(EmulatorTest, FormBodiesBindAsAspNetModelBindingDoes) {
    start();
    auto form = [&](std::string target, std::string body, std::string type = "application/x-www-form-urlencoded") {
        return client_->send(http::verb::post, std::move(target), std::move(body), token_, type);
    };
    EXPECT_EQ(form("/v2/authentication/login", "password=password&username=user").status, 200u) << "any order";
    EXPECT_EQ(form("/v2/authentication/login", "username=user&password=password&password=other").status, 200u)
        << "the first value of a field";
    EXPECT_EQ(form("/v2/authentication/login", "username=user&password=pass%word").status, 400u)
        << "a malformed escape stays literal";
    EXPECT_EQ(str(form("/v2/authentication/login", "username=user").json(), "message"),
              serverops::testing::clc_messages::bad_credentials);
    EXPECT_EQ(form("/v2/authentication/login", "username=user&password=password",
                   "Application/X-WWW-Form-UrlEncoded; charset=UTF-8").status, 200u);

    // A list from repeated keys, also in jQuery's spelling.
    auto snap = form("/v2/operations/ALIAS/servers/createSnapshot",
                     "serverIds[]=WA1ALIASWB01&serverIds[]=WA1ALIASWB02&snapshotExpirationDays=3");
    ASSERT_EQ(snap.status, 200u) << snap.body;
    EXPECT_EQ(snap.json().as_array().size(), 2u);
    EXPECT_EQ(form("/v2/operations/ALIAS/servers/createSnapshot", "serverIds=WA1ALIASWB01&snapshotExpirationDays=11").status,
              400u);
    auto restore = form("/v2/servers/ALIAS/WA1ALIASWB03/restore", "targetGroupId=g1");
    EXPECT_EQ(restore.status, 400u) << "the server is not archived: read, then refused by the rules";
    EXPECT_EQ(str(restore.json(), "message"), "The server cannot be restored because it is not archived.");
    // A bare array cannot come from a form: nothing binds, the model is invalid.
    auto bare = form("/v2/operations/ALIAS/servers/pause", "serverIds=WA1ALIASWB01");
    EXPECT_EQ(bare.status, 400u);
    EXPECT_TRUE(bare.json().as_object().contains("modelState")) << bare.body;
}

struct media_case {
    std::string content_type;  ///< "" = none
    std::string body;
};

class EmulatorMediaTypes : public EmulatorTest, public ::testing::WithParamInterface<media_case> {};

TEST_P(EmulatorMediaTypes, AContentTypeTheApiCannotReadIs415NotACredentialsError) {
    start();
    const auto& c = GetParam();
    const std::string shown = c.content_type.empty() ? "application/octet-stream" : c.content_type.substr(0, c.content_type.find(';'));
    for (std::string target : {"/v2/authentication/login", "/v2/operations/ALIAS/servers/createSnapshot",
                               "/v2/operations/ALIAS/servers/pause", "/v2/servers/ALIAS/WA1ALIASWB01/restore"}) {
        auto r = client_->send(http::verb::post, target, c.body, token_, c.content_type);
        EXPECT_EQ(r.status, 415u) << target << ": " << r.body;
        EXPECT_EQ(r.header("Content-Type"), "application/json; charset=utf-8");
        const auto body = r.json();
        EXPECT_EQ(str(body, "message"), "The request entity's media type '" + shown + "' is not supported for this resource.")
            << r.body;
        EXPECT_EQ(str(body, "exceptionType"), "System.Net.Http.UnsupportedMediaTypeException");
        EXPECT_NE(str(body, "message"), serverops::testing::clc_messages::bad_credentials);
    }
    EXPECT_EQ(emu_->clc().server_state("WA1ALIASWB01")->power_state, clc::power_state::started) << "nothing happened";
}

INSTANTIATE_TEST_SUITE_P(
    Unreadable, EmulatorMediaTypes,
    ::testing::Values(media_case{"text/plain", R"({"username":"user","password":"password"})"},
                      media_case{"", R"({"username":"user","password":"password"})"},
                      media_case{"application/xml", "<LoginRequest/>"},
                      media_case{"multipart/form-data; boundary=x", "--x\r\n\r\n--x--"},
                      media_case{"application/octet-stream", "username=user&password=password"},
                      media_case{"application/jsonx", "[]"}));

TEST_F(EmulatorTest, JsonIsReadInEverySpellingOfItsMediaType) {
    start();
    for (std::string type : {"application/json", "Application/json", "APPLICATION/JSON; charset=utf-8", "text/json",
                             " application/json ;charset=utf-8"}) {
        auto r = client_->send(http::verb::post, "/v2/authentication/login", R"({"username":"user","password":"password"})",
                               {}, type);
        EXPECT_EQ(r.status, 200u) << type << ": " << r.body;
    }
}

TEST_F(EmulatorTest, ServersAlreadyInTheDesiredStateAreNotQueuedWithTheSdksMessage) {
    start();
    struct step {
        std::string op;
        clc::power_state before;
        const char* message;  ///< nullptr: queued
    };
    const std::string_view desired = serverops::testing::clc_messages::desired_state;
    const std::string_view refused = not_queued;
    const step steps[] = {
        {"powerOff", clc::power_state::stopped, desired.data()},   {"shutDown", clc::power_state::stopped, desired.data()},
        {"powerOn", clc::power_state::started, desired.data()},    {"pause", clc::power_state::paused, desired.data()},
        {"reset", clc::power_state::stopped, refused.data()},      {"reboot", clc::power_state::stopped, refused.data()},
        {"pause", clc::power_state::stopped, refused.data()},      {"shutDown", clc::power_state::paused, refused.data()},
        {"powerOn", clc::power_state::paused, nullptr},            {"powerOn", clc::power_state::stopped, nullptr},
        {"powerOff", clc::power_state::paused, nullptr},           {"startMaintenance", clc::power_state::stopped, nullptr},
    };
    for (auto& s : steps) {
        emu_->clc().add_server("WA1ALIASWB01", s.before);
        auto r = batch(s.op, R"(["WA1ALIASWB01"])");
        const auto entry = r.json().at(0);
        const std::string what = s.op + " of a " + std::string(clc::to_string(s.before)) + " server";
        EXPECT_EQ(entry.at("isQueued").as_bool(), s.message == nullptr) << what << ": " << r.body;
        if (s.message) {
            EXPECT_EQ(str(entry, "errorMessage"), s.message) << what;
        }
        finish_jobs();
    }
}

TEST_F(EmulatorTest, UnknownJobsGroupsAndAliasesOfTheNewRoutes) {
    start();
    for (std::string target : {"/v2/operations/ALIAS/status/wa1-1", "/v2/operations/ALIAS/status/nosuchjob",
                               "/v2/groups/ALIAS/0123456789abcdef0123456789abcdef"}) {
        auto r = get(target);
        EXPECT_EQ(r.status, 404u) << target;
        EXPECT_TRUE(r.body.empty()) << target << ": " << r.body;
    }
    EXPECT_EQ(get("/v2/groups/OTHER/" + emu_->clc().options().group_id).status, 403u);
    EXPECT_EQ(get("/v2/accounts/OTHER").status, 403u);
    EXPECT_EQ(client_->get("/v2/accounts/ALIAS").status, 401u) << "a token is required";
    EXPECT_EQ(post("/v2/groups/ALIAS/" + emu_->clc().options().group_id, "{}").status, 405u);
    auto detailed = get("/v2/groups/ALIAS/" + emu_->clc().options().group_id + "?serverDetail=detailed").json();
    EXPECT_EQ(detailed.at("servers").as_array().size(), 5u);
    EXPECT_EQ(str(detailed.at("servers").at(0), "id"), "wa1aliaswb01");
}

TEST_F(EmulatorTest, ModulesControlTheirHeadersExactly) {
    struct bare_module final : serverops::testing::module {
        std::string_view name() const noexcept override { return "bare"; }
        bool handles(std::string_view path) const noexcept override { return path.starts_with("/bare"); }
        serverops::http_response handle(const serverops::testing::request_view& r) override {
            serverops::http_response res;
            res.status = 503;
            res.body = R"({"plain":"no content type"})";
            if (r.path == "/bare/text") res.headers.set("Content-Type", "text/plain");
            return res;
        }
    };
    emulator emu;
    auto a4c = std::make_shared<serverops::testing::a4c_module>(emu.clock());
    ASSERT_TRUE(emu.add_module(std::make_shared<bare_module>()));
    ASSERT_TRUE(emu.add_module(a4c));
    ASSERT_TRUE(emu.start());
    raw_client c(emu.port());
    auto bare = c.get("/bare");
    EXPECT_EQ(bare.status, 503u);
    EXPECT_EQ(bare.head.count(http::field::content_type), 0u) << "the core added one";
    EXPECT_EQ(c.get("/bare/text").header("Content-Type"), "text/plain");

    // Alien4Cloud's MaintenanceFilter writes its 503 with no Content-Type.
    a4c->enable_system_maintenance();
    auto refused = c.get("/rest/v1/applications/search");
    EXPECT_EQ(refused.status, 503u);
    EXPECT_EQ(refused.head.count(http::field::content_type), 0u);
    EXPECT_EQ(refused.json().at("error").at("code"), 0) << refused.body;

    // A fault's answer carries the Content-Type its factory sets.
    emu.inject(fault::status(500, "", {}).only_path("/bare"));
    EXPECT_EQ(c.get("/bare").header("Content-Type"), "application/json; charset=utf-8");
}

// ---------------------------------------------------------------- realistic timing and fault profiles

TEST_F(EmulatorTest, JobDurationsVaryWithTheSeedAndKeepTheirPhases) {
    emulator::options o = manual_clock();
    o.clc.set_job_duration({3s, 1s});  // 2 to 4 s: notStarted for the first third
    o.seed = 2024;
    start(o);
    std::vector<std::string> jobs;
    for (int i = 0; i < 20; ++i) {
        jobs.push_back(shared_status_id(batch(i % 2 ? "startMaintenance" : "stopMaintenance", R"(["WA1ALIASWB01"])")));
        ASSERT_EQ(jobs.back().find('<'), std::string::npos);
    }
    auto count = [&](std::string_view status) {
        return std::count_if(jobs.begin(), jobs.end(), [&](auto& id) { return job_status(id) == status; });
    };
    EXPECT_EQ(count("notStarted"), 20);
    emu_->advance(600ms);
    EXPECT_EQ(count("notStarted"), 20) << "the shortest job stays notStarted for 2/3 s";
    emu_->advance(800ms);  // 1.4 s
    EXPECT_EQ(count("executing"), 20);
    emu_->advance(1600ms);  // 3 s: the jitter shows
    const auto done_at_3s = count("succeeded");
    EXPECT_GT(done_at_3s, 0);
    EXPECT_LT(done_at_3s, 20);
    emu_->advance(1001ms);
    EXPECT_EQ(count("succeeded"), 20);

    // The same seed gives the same durations.
    emulator::options again = manual_clock();
    again.clc.set_job_duration({3s, 1s});
    again.seed = 2024;
    emulator replay(again);
    EXPECT_EQ(replay.seed(), 2024u);
    ASSERT_TRUE(replay.start());
    raw_client rc(replay.port());
    auto creds = rc.post("/v2/authentication/login", R"({"username":"user","password":"password"})");
    const auto token = str(creds.json(), "bearerToken");
    std::vector<std::string> replayed;
    for (int i = 0; i < 20; ++i) {
        auto r = rc.post(std::string("/v2/operations/ALIAS/servers/") + (i % 2 ? "startMaintenance" : "stopMaintenance"),
                         R"(["WA1ALIASWB01"])", token);
        replayed.push_back(shared_status_id(r));
    }
    replay.advance(3s);
    long replay_done = 0;
    for (auto& id : replayed)
        replay_done += str(rc.get("/v2/operations/ALIAS/status/" + id, token).json(), "status") == "succeeded";
    EXPECT_EQ(replay_done, done_at_3s);
}

TEST_F(EmulatorTest, AFaultProfileReplaysWithItsSeed) {
    auto statuses = [](std::uint64_t seed) {
        emulator::options o;
        o.seed = seed;
        o.faults = serverops::testing::parse_fault_profile("503=once:path=/status/,status-500=0.3:path=/status/").value();
        emulator e(o);
        std::string out;
        if (!e.start()) return out;
        raw_client c(e.port());
        const auto token = str(c.post("/v2/authentication/login", R"({"username":"user","password":"password"})").json(),
                               "bearerToken");
        for (int i = 0; i < 40; ++i) out += std::to_string(c.get("/v2/operations/ALIAS/status/wa1-1", token).status) + " ";
        return out;
    };
    const auto first = statuses(99);
    EXPECT_EQ(first, statuses(99));
    EXPECT_NE(first, statuses(100));
    EXPECT_TRUE(first.starts_with("503 ")) << first;
    EXPECT_NE(first.find("500"), std::string::npos) << first;
    EXPECT_NE(first.find("404"), std::string::npos) << first;
}

TEST_F(EmulatorTest, LatencyHoldsBackEveryAnswerIncludingAFaultsOne) {
    emulator::options o;
    o.faults = serverops::testing::parse_fault_profile("latency=150ms..200ms,500=once:path=/status/").value();
    start(o);
    const auto begin = std::chrono::steady_clock::now();
    auto r = get("/v2/operations/ALIAS/status/wa1-1");
    const auto took = std::chrono::steady_clock::now() - begin;
    EXPECT_EQ(r.status, 500u);
    EXPECT_GE(took, 150ms);
    EXPECT_EQ(get("/v2/operations/ALIAS/status/wa1-1").status, 404u);
}

}  // namespace
