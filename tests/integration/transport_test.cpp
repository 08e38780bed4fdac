// The Beast transports against scripted_server over loopback. Common behaviour runs through three drivers
// (sync, async with a callback, async in a coroutine); async-only features (pool, cancellation, tokens, executors,
// close) have their own tests. Every wait is bounded: a broken transport fails a test, it never hangs it.
#include "../common/run_modes.hpp"
#include "scripted_server.hpp"

#include <serverops/beast/async_transport.hpp>
#include <serverops/beast/sync_transport.hpp>
#include <serverops/testing/mock_transport.hpp>

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/experimental/parallel_group.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_future.hpp>

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace {

/// "/N". Built by appending: GCC 12 at -O2 reports a false stringop-overflow for `"/" + std::to_string(n)`.
template <class Int>
std::string numbered_path(Int n) {
    std::string p = "/";
    p += std::to_string(n);
    return p;
}

using namespace serverops_test;
using serverops::beast_async_transport;
using serverops::beast_sync_transport;
using serverops::endpoint;
using serverops::errc;
using serverops::http_request;
using serverops::http_response;
using serverops::result;
using serverops::transport_options;
using serverops::verb;
using clock_type = std::chrono::steady_clock;

// ---------------------------------------------------------------------------------------------------------------
// Helpers

transport_options test_options() {
    transport_options o;
    o.connect_timeout = 2s;
    o.tls_handshake_timeout = 2s;
    o.request_timeout = 3s;
    return o;
}

endpoint plain_endpoint(const scripted_server& s, std::string host = "127.0.0.1") {
    return endpoint{false, std::move(host), s.port(), ""};
}
endpoint tls_endpoint(const scripted_server& s, std::string host) { return endpoint{true, std::move(host), s.port(), ""}; }

http_request get(std::string target = "/v2/servers") {
    http_request r;
    r.method = verb::get;
    r.target = std::move(target);
    r.idempotent = true;
    return r;
}

http_request post(std::string target = "/v2/operations/pause", std::string body = R"({"serverIds":["X"]})") {
    http_request r;
    r.method = verb::post;
    r.target = std::move(target);
    r.body = std::move(body);
    r.idempotent = false;
    return r;
}

::testing::AssertionResult succeeded(const result<http_response>& r, unsigned status = 200) {
    if (!r) return ::testing::AssertionFailure() << "failed: " << r.error().message();
    if (r.value().status != status) return ::testing::AssertionFailure() << "HTTP " << r.value().status;
    return ::testing::AssertionSuccess();
}

::testing::AssertionResult fails_with(const result<http_response>& r, errc expected) {
    if (r) return ::testing::AssertionFailure() << "succeeded with HTTP " << r.value().status;
    if (r.error().kind() != expected) return ::testing::AssertionFailure() << "failed otherwise: " << r.error().message();
    return ::testing::AssertionSuccess();
}

bool contains(std::string_view text, std::string_view part) { return text.find(part) != std::string_view::npos; }

http_request with_deadline(http_request r, clock_type::duration from_now) {
    r.deadline = clock_type::now() + from_now;
    return r;
}

std::string repeated(const std::string& text, std::size_t n) {
    std::string out;
    for (std::size_t i = 0; i < n; ++i) out += text;
    return out;
}

/// An interim (1xx) response; `headers` is raw "Name: value\r\n" lines.
std::string interim(unsigned status, std::string_view headers = {}) {
    return "HTTP/1.1 " + std::to_string(status) + " Interim\r\n" + std::string(headers) + "\r\n";
}

const std::string chunked_header = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";

std::size_t count_method(const scripted_server& s, std::string_view method) {
    std::size_t n = 0;
    for (const auto& r : s.requests()) n += r.method == method ? 1 : 0;
    return n;
}

/// awaitable<result<T>> cannot go through co_spawn or awaitable operators (result<T> has no default constructor).
asio::awaitable<std::optional<result<http_response>>> send_optional(beast_async_transport& t, http_request req) {
    co_return co_await t.async_send(std::move(req), asio::use_awaitable);
}

// ---------------------------------------------------------------------------------------------------------------
// Drivers: one transport, one blocking `send`, three ways

struct sync_driver {
    sync_driver(endpoint ep, transport_options o) : transport(std::move(ep), std::move(o)) {}
    result<http_response> send(const http_request& req) { return transport.send(req); }
    beast_sync_transport transport;
};

/// Runs its io_context until the call completes (at most 10 s) and checks that the handler ran exactly once.
struct callback_driver {
    callback_driver(endpoint ep, transport_options o) : transport(io.get_executor(), std::move(ep), std::move(o)) {}
    result<http_response> send(const http_request& req) {
        std::optional<result<http_response>> out;
        int calls = 0;
        transport.async_send(req, [&](result<http_response> r) {
            ++calls;
            out.emplace(std::move(r));
        });
        EXPECT_EQ(calls, 0) << "completed inside async_send";
        io.restart();
        io.run_for(10s);
        EXPECT_EQ(calls, 1);
        if (!out) return serverops::failure(errc::timeout, "test driver: no completion within 10 s");
        return std::move(*out);
    }
    asio::io_context io;
    beast_async_transport transport;
};

struct coroutine_driver {
    coroutine_driver(endpoint ep, transport_options o) : transport(io.get_executor(), std::move(ep), std::move(o)) {}
    result<http_response> send(const http_request& req) {
        std::optional<result<http_response>> out;
        asio::co_spawn(
            io, [&]() -> asio::awaitable<void> { out.emplace(co_await transport.async_send(req, asio::use_awaitable)); },
            asio::detached);
        io.restart();
        io.run_for(10s);
        if (!out) return serverops::failure(errc::timeout, "test driver: no completion within 10 s");
        return std::move(*out);
    }
    asio::io_context io;
    beast_async_transport transport;
};

struct driver_names {
    template <class T>
    static std::string GetName(int) {
        if constexpr (std::is_same_v<T, sync_driver>) return "Sync";
        else if constexpr (std::is_same_v<T, callback_driver>) return "Callback";
        else return "Coroutine";
    }
};
using drivers = ::testing::Types<sync_driver, callback_driver, coroutine_driver>;

// ---------------------------------------------------------------------------------------------------------------
// Behaviour common to sync and async

template <class Driver>
class TransportCommon : public ::testing::Test {
protected:
    std::unique_ptr<Driver> make(endpoint ep, transport_options o = test_options()) {
        return std::make_unique<Driver>(std::move(ep), std::move(o));
    }

    /// Sends `req` with a 300 ms request timeout; expects errc::timeout, and returns how long the call took.
    clock_type::duration send_expecting_timeout(const scripted_server& server, const http_request& req) {
        auto options = test_options();
        options.request_timeout = 300ms;
        auto client = make(plain_endpoint(server), options);
        const auto start = clock_type::now();
        auto r = client->send(req);
        const auto took = clock_type::now() - start;
        EXPECT_TRUE(fails_with(r, errc::timeout));
        return took;
    }
};
TYPED_TEST_SUITE(TransportCommon, drivers, driver_names);

TYPED_TEST(TransportCommon, KeepAliveReusesOneConnection) {
    scripted_server server(connection_script::keep_alive(reply::ok(R"({"ok":true})")));
    auto client = this->make(plain_endpoint(server));
    for (int i = 0; i < 3; ++i) {
        auto r = client->send(get());
        ASSERT_TRUE(succeeded(r));
        EXPECT_EQ(r.value().body, R"({"ok":true})");
    }
    EXPECT_EQ(server.connection_count(), 1u);
    EXPECT_EQ(server.request_count(), 3u);
}

TYPED_TEST(TransportCommon, SendsStandardHeadersAndContentHeadersOnlyWithABody) {
    scripted_server server;
    auto client = this->make(plain_endpoint(server));
    auto with_header = get("/v2/servers/X?x=1");
    with_header.headers.add("Authorization", "Bearer secret");
    ASSERT_TRUE(succeeded(client->send(with_header)));
    ASSERT_TRUE(succeeded(client->send(post())));
    ASSERT_TRUE(succeeded(client->send(post("/v2/empty", ""))));

    auto seen = server.requests();
    ASSERT_EQ(seen.size(), 3u);
    const auto& g = seen[0];
    EXPECT_EQ(g.method, "GET");
    EXPECT_EQ(g.target, "/v2/servers/X?x=1");
    EXPECT_EQ(g.header("Host"), "127.0.0.1:" + server.port());
    EXPECT_EQ(g.header("User-Agent"), "serverops/0.1");
    EXPECT_EQ(g.header("Accept"), "application/json");
    EXPECT_EQ(g.header("Authorization"), "Bearer secret");
    EXPECT_FALSE(g.header("Content-Type"));
    EXPECT_FALSE(g.header("Content-Length"));

    const auto& p = seen[1];
    EXPECT_EQ(p.method, "POST");
    EXPECT_EQ(p.header("Content-Type"), "application/json");
    EXPECT_EQ(p.header("Content-Length"), std::to_string(post().body.size()));
    EXPECT_EQ(p.body, post().body);

    // RFC 9110 8.6: a POST without content still says so; it has no content type.
    const auto& empty = seen[2];
    EXPECT_FALSE(empty.header("Content-Type"));
    EXPECT_EQ(empty.header("Content-Length"), "0");
}

TYPED_TEST(TransportCommon, ReturnsStatusAllHeadersAndBody) {
    scripted_server server(connection_script::keep_alive(reply::with(
        http_ok(R"({"id":"q1"})", "Set-Cookie: a=1\r\nSet-Cookie: b=2\r\nRetry-After: 7\r\n", 503))));
    auto client = this->make(plain_endpoint(server));
    auto r = client->send(get());
    ASSERT_TRUE(succeeded(r, 503));  // an HTTP error status is a successful send
    std::vector<std::string> cookies;
    for (const auto& [name, value] : r.value().headers)
        if (name == "Set-Cookie") cookies.push_back(value);
    EXPECT_EQ(cookies, (std::vector<std::string>{"a=1", "b=2"}));
    EXPECT_EQ(serverops::retry_after(r.value()), std::chrono::seconds(7));
    EXPECT_EQ(r.value().body, R"({"id":"q1"})");
}

TYPED_TEST(TransportCommon, ChunkedBodyIsReassembledAndTheConnectionKept) {
    const std::string chunked =
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n6\r\n{\"id\":\r\n5\r\n\"q1\"}\r\n0\r\n\r\n";
    scripted_server server(connection_script::keep_alive(reply::with(chunked)));
    auto client = this->make(plain_endpoint(server));
    for (int i = 0; i < 2; ++i) {
        auto r = client->send(get());
        ASSERT_TRUE(succeeded(r));
        EXPECT_EQ(r.value().body, R"({"id":"q1"})");
    }
    EXPECT_EQ(server.connection_count(), 1u);
}

TYPED_TEST(TransportCommon, BodyDelimitedByCloseIsReadWholeAndTheConnectionDropped) {
    // HTTP/1.1 without Content-Length or chunking: the body ends where the server closes.
    scripted_server server(connection_script::keep_alive(
        reply::with("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n{\"ok\":true}", /*close_after=*/true)));
    auto client = this->make(plain_endpoint(server));
    for (int i = 0; i < 2; ++i) {
        auto r = client->send(get());
        ASSERT_TRUE(succeeded(r));
        EXPECT_EQ(r.value().body, R"({"ok":true})");
    }
    EXPECT_EQ(server.connection_count(), 2u);
}

TYPED_TEST(TransportCommon, HonoursConnectionClose) {
    scripted_server server(connection_script::keep_alive(reply::with(http_ok("{}", "Connection: close\r\n"))));
    auto client = this->make(plain_endpoint(server));
    ASSERT_TRUE(succeeded(client->send(get())));
    ASSERT_TRUE(succeeded(client->send(post())));
    EXPECT_EQ(server.connection_count(), 2u);
    EXPECT_EQ(server.request_count(), 2u);
}

TYPED_TEST(TransportCommon, IdempotentRequestSurvivesServerClosingIdleConnection) {
    scripted_server server;
    server.push(connection_script::replies_then_close({reply::ok()}));
    auto client = this->make(plain_endpoint(server));
    ASSERT_TRUE(succeeded(client->send(get())));
    ASSERT_TRUE(server.wait_closed(1));
    std::this_thread::sleep_for(50ms);  // let the FIN reach the client
    ASSERT_TRUE(succeeded(client->send(get())));
    EXPECT_EQ(server.connection_count(), 2u);
    EXPECT_EQ(server.request_count(), 2u);
}

TYPED_TEST(TransportCommon, IdempotentRequestRetriedOnceWhenReusedConnectionDiesBeforeResponse) {
    scripted_server server;
    server.push(connection_script::replies_then_close({reply::ok(), reply::hang_up()}));
    auto client = this->make(plain_endpoint(server));
    ASSERT_TRUE(succeeded(client->send(get())));
    ASSERT_TRUE(succeeded(client->send(get("/again"))));  // written, hung up on, sent again on a new connection
    auto seen = server.requests();
    ASSERT_EQ(seen.size(), 3u);
    EXPECT_EQ(seen[1].target, "/again");
    EXPECT_EQ(seen[2].target, "/again");
    EXPECT_EQ(seen[2].connection, 2u);
}

TYPED_TEST(TransportCommon, IdempotentRetryHappensAtMostOnce) {
    scripted_server server;
    server.push(connection_script::replies_then_close({reply::ok(), reply::hang_up()}));
    server.push(connection_script::replies_then_close({reply::hang_up()}));
    auto client = this->make(plain_endpoint(server));
    ASSERT_TRUE(succeeded(client->send(get())));
    EXPECT_TRUE(fails_with(client->send(get()), errc::connection_closed));
    EXPECT_EQ(server.request_count(), 3u);
    EXPECT_EQ(server.connection_count(), 2u);
}

TYPED_TEST(TransportCommon, NonIdempotentRequestUsesFreshConnectionWhenProbeSeesClose) {
    scripted_server server;
    server.push(connection_script::replies_then_close({reply::ok()}));
    auto client = this->make(plain_endpoint(server));
    ASSERT_TRUE(succeeded(client->send(get())));
    ASSERT_TRUE(server.wait_closed(1));
    std::this_thread::sleep_for(50ms);  // let the FIN reach the client
    ASSERT_TRUE(succeeded(client->send(post())));
    EXPECT_EQ(count_method(server, "POST"), 1u);
    EXPECT_EQ(server.connection_count(), 2u);
}

TYPED_TEST(TransportCommon, NonIdempotentRequestIsNeverResentAfterItWasWritten) {
    scripted_server server;
    server.push(connection_script::replies_then_close({reply::ok(), reply::hang_up()}));
    auto client = this->make(plain_endpoint(server));
    ASSERT_TRUE(succeeded(client->send(get())));
    auto r = client->send(post());
    EXPECT_TRUE(fails_with(r, errc::connection_closed));
    EXPECT_TRUE(r.error().cause);
    std::this_thread::sleep_for(50ms);  // a (wrong) resend would show up by now
    EXPECT_EQ(count_method(server, "POST"), 1u);
    EXPECT_EQ(server.connection_count(), 1u);
}

TYPED_TEST(TransportCommon, ConnectionRefusedIsTransportFailure) {
    auto client = this->make(endpoint{false, "127.0.0.1", unused_port(), ""});
    auto r = client->send(get());
    ASSERT_TRUE(fails_with(r, errc::transport_failure));
    EXPECT_EQ(r.error().cause, asio::error::connection_refused);
    EXPECT_TRUE(contains(r.error().detail, "127.0.0.1"));
}

TYPED_TEST(TransportCommon, SlowServerTimesOutWithinRequestTimeout) {
    scripted_server server(connection_script::keep_alive(reply::delayed(5s)));
    const auto took = this->send_expecting_timeout(server, get());
    EXPECT_LT(took, 2s);
    EXPECT_GE(took, 250ms);
}

TYPED_TEST(TransportCommon, TrickledResponseTimesOutAtTheRequestDeadline) {
    // Every byte arrives well within the timeout, the whole response does not: the deadline spans all the reads.
    scripted_server server(connection_script::keep_alive(reply::trickled(20ms)));
    const auto took = this->send_expecting_timeout(server, get());
    EXPECT_LT(took, 2s);
    EXPECT_GE(took, 250ms);
}

TYPED_TEST(TransportCommon, ServerThatStopsReadingTimesOutTheWrite) {
    scripted_server server(connection_script::deaf());
    const auto big = post("/v2/operations/pause", std::string(64u * 1024u * 1024u, 'x'));  // more than buffers hold
    EXPECT_LT(this->send_expecting_timeout(server, big), 3s);
}

TYPED_TEST(TransportCommon, SilentTlsPeerTimesOutTheHandshake) {
    scripted_server server(connection_script::deaf());  // accepts, never answers the ClientHello
    auto options = test_options();
    options.tls_handshake_timeout = 300ms;
    auto client = this->make(endpoint{true, "127.0.0.1", server.port(), ""}, options);
    const auto start = clock_type::now();
    auto r = client->send(get());
    const auto took = clock_type::now() - start;
    ASSERT_TRUE(fails_with(r, errc::timeout));
    EXPECT_TRUE(contains(r.error().detail, "TLS handshake")) << r.error().detail;
    EXPECT_GE(took, 250ms);
    EXPECT_LT(took, 2s);
}

TYPED_TEST(TransportCommon, UnsolicitedResponseOnAnIdleConnectionIsNotTakenForTheNextOne) {
    // A server timing out the idle connection with a 408 before closing it: the bytes wait in the client's socket.
    const std::string timed_out = http_ok("", "Connection: close\r\n", 408);
    for (const auto& next : {get(), post()}) {
        scripted_server server;
        server.push(connection_script::replies_then_close({reply::ok_then_unsolicited(10ms, timed_out)}));
        auto client = this->make(plain_endpoint(server));
        ASSERT_TRUE(succeeded(client->send(get())));
        ASSERT_TRUE(server.wait_closed(1));
        std::this_thread::sleep_for(50ms);  // the 408 and the FIN reach the client
        ASSERT_TRUE(succeeded(client->send(next))) << next.target;
        EXPECT_EQ(server.connection_count(), 2u);
    }
}

TYPED_TEST(TransportCommon, TruncatedBodyIsConnectionClosed) {
    scripted_server server(connection_script::keep_alive(
        reply::with("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{\"partial\":", /*close_after=*/true)));
    auto client = this->make(plain_endpoint(server));
    EXPECT_TRUE(fails_with(client->send(get()), errc::connection_closed));
}

TYPED_TEST(TransportCommon, CloseBeforeRespondingIsConnectionClosed) {
    scripted_server server(connection_script::closed_at_once());
    auto client = this->make(plain_endpoint(server));
    EXPECT_TRUE(fails_with(client->send(get()), errc::connection_closed));
    EXPECT_EQ(server.connection_count(), 1u);  // a fresh connection is not retried
}

TYPED_TEST(TransportCommon, OversizedBodyIsRejected) {
    auto options = test_options();
    options.max_response_body = 1024;
    {
        scripted_server server(connection_script::keep_alive(reply::ok(std::string(4096, 'x'))));
        auto client = this->make(plain_endpoint(server), options);
        auto r = client->send(get());
        ASSERT_TRUE(fails_with(r, errc::body_too_large));
        EXPECT_TRUE(contains(r.error().detail, "1024"));
    }
    {  // chunked: no length announced, the limit stops the read
        std::string chunk(800, 'y');
        std::string chunked = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n320\r\n" + chunk + "\r\n320\r\n" +
                              chunk + "\r\n0\r\n\r\n";
        scripted_server server(connection_script::keep_alive(reply::with(chunked)));
        auto client = this->make(plain_endpoint(server), options);
        EXPECT_TRUE(fails_with(client->send(get()), errc::body_too_large));
    }
}

TYPED_TEST(TransportCommon, OversizedHeaderIsRejected) {
    auto options = test_options();
    options.max_response_header = 2048;
    scripted_server server(
        connection_script::keep_alive(reply::with(http_ok("{}", "X-Big: " + std::string(4096, 'h') + "\r\n"))));
    auto client = this->make(plain_endpoint(server), options);
    EXPECT_TRUE(fails_with(client->send(get()), errc::body_too_large));
}

TYPED_TEST(TransportCommon, MalformedHttpIsMalformedResponse) {
    scripted_server server(connection_script::keep_alive(reply::with("garbage, not http\r\n\r\n")));
    auto client = this->make(plain_endpoint(server));
    EXPECT_TRUE(fails_with(client->send(get()), errc::malformed_response));
}

TYPED_TEST(TransportCommon, InvalidRequestIsRejectedBeforeSendingWithoutEchoingSecrets) {
    scripted_server server;
    auto client = this->make(plain_endpoint(server));
    auto smuggling = get();
    smuggling.headers.add("Authorization", "Bearer s3cr3t\r\nX-Injected: 1");
    auto r = client->send(smuggling);
    ASSERT_TRUE(fails_with(r, errc::invalid_request));
    EXPECT_TRUE(contains(r.error().detail, "Authorization"));
    EXPECT_FALSE(contains(r.error().message(), "s3cr3t"));

    auto framing = post();
    framing.headers.add("Content-Length", "0");
    EXPECT_TRUE(fails_with(client->send(framing), errc::invalid_request));
    EXPECT_TRUE(fails_with(client->send(get("no-slash")), errc::invalid_request));
    EXPECT_EQ(server.connection_count(), 0u);
}

TYPED_TEST(TransportCommon, WorksOverIpv6Loopback) {
    boost::system::error_code ec;
    {
        asio::io_context io;
        tcp::acceptor probe(io);
        probe.open(tcp::v6(), ec);
        if (!ec) probe.bind(tcp::endpoint(asio::ip::make_address("::1"), 0), ec);
    }
    if (ec) GTEST_SKIP() << "no IPv6 loopback here: " << ec.message();
    scripted_server server(connection_script::keep_alive(), nullptr, "::1");
    auto client = this->make(plain_endpoint(server, "::1"));
    ASSERT_TRUE(succeeded(client->send(get())));
    ASSERT_EQ(server.request_count(), 1u);
    EXPECT_EQ(server.requests()[0].header("Host"), "[::1]:" + server.port());
}

// ---------------------------------------------------------------------------------------------------------------
// The caller's deadline (http_request::deadline)

TYPED_TEST(TransportCommon, DeadlineCapsTheRequestTimeout) {
    scripted_server server(connection_script::keep_alive(reply::delayed(5s)));
    auto options = test_options();
    options.request_timeout = 30s;
    auto client = this->make(plain_endpoint(server), options);
    const auto start = clock_type::now();
    auto r = client->send(with_deadline(post(), 300ms));
    const auto took = clock_type::now() - start;
    ASSERT_TRUE(fails_with(r, errc::timeout));
    EXPECT_TRUE(contains(r.error().detail, "did not finish by the caller's deadline")) << r.error().detail;
    EXPECT_TRUE(r.error().may_have_executed);  // the POST was written
    EXPECT_GE(took, 250ms);
    EXPECT_LT(took, 2s);
}

TYPED_TEST(TransportCommon, DeadlineCapsTheTlsHandshake) {
    scripted_server server(connection_script::deaf());  // accepts TCP, never answers the ClientHello
    auto options = test_options();
    options.tls_handshake_timeout = 30s;
    options.request_timeout = 30s;
    auto client = this->make(endpoint{true, "127.0.0.1", server.port(), ""}, options);
    const auto start = clock_type::now();
    auto r = client->send(with_deadline(post(), 300ms));
    const auto took = clock_type::now() - start;
    ASSERT_TRUE(fails_with(r, errc::timeout));
    EXPECT_TRUE(contains(r.error().detail, "TLS handshake")) << r.error().detail;
    EXPECT_TRUE(contains(r.error().detail, "caller's deadline")) << r.error().detail;
    EXPECT_FALSE(r.error().may_have_executed);  // nothing of the request was sent
    EXPECT_GE(took, 250ms);
    EXPECT_LT(took, 2s);
}

TYPED_TEST(TransportCommon, ShorterTransportTimeoutStillFiresAndSaysSo) {
    scripted_server server(connection_script::keep_alive(reply::delayed(5s)));
    auto options = test_options();
    options.request_timeout = 300ms;
    auto client = this->make(plain_endpoint(server), options);
    auto r = client->send(with_deadline(get(), 20s));
    ASSERT_TRUE(fails_with(r, errc::timeout));
    EXPECT_TRUE(contains(r.error().detail, "took longer than 300 ms")) << r.error().detail;
    EXPECT_FALSE(r.error().may_have_executed);  // idempotent
}

TYPED_TEST(TransportCommon, RequestWhoseDeadlineHasPassedIsNotSent) {
    scripted_server server;
    auto client = this->make(plain_endpoint(server));
    for (auto late : {-1ms, 0ms}) {
        auto r = client->send(with_deadline(post(), late));
        ASSERT_TRUE(fails_with(r, errc::timeout));
        EXPECT_FALSE(r.error().may_have_executed);
        EXPECT_TRUE(contains(r.error().detail, "deadline passed before")) << r.error().detail;
    }
    EXPECT_EQ(server.connection_count(), 0u);  // not even a connection

    // On an open keep-alive connection: nothing written, and the connection stays usable.
    ASSERT_TRUE(succeeded(client->send(get())));
    auto r = client->send(with_deadline(post(), -1ms));
    ASSERT_TRUE(fails_with(r, errc::timeout));
    EXPECT_FALSE(r.error().may_have_executed);
    ASSERT_TRUE(succeeded(client->send(with_deadline(get(), 5s))));
    EXPECT_EQ(count_method(server, "POST"), 0u);
    EXPECT_EQ(server.connection_count(), 1u);
}

// ---------------------------------------------------------------------------------------------------------------
// error::may_have_executed

struct hostile_reply {
    std::string name;
    reply what;
    errc expected;
};

/// Servers that fail an exchange after reading the request (options: 300 ms timeout, 1 KiB body, 2 KiB header).
std::vector<hostile_reply> failures_after_the_request_was_read() {
    const std::string partial = "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{\"partial\":";
    return {
        {"silent", reply::delayed(5s), errc::timeout},
        {"hangs up", reply::hang_up(), errc::connection_closed},
        {"truncates the body", reply::with(partial, /*close_after=*/true), errc::connection_closed},
        {"resets mid-response", reply::then_reset(partial), errc::connection_closed},
        {"sends garbage", reply::with("garbage, not http\r\n\r\n"), errc::malformed_response},
        {"sends a bad chunk", reply::with(chunked_header + "zz\r\n"), errc::malformed_response},
        {"sends a body too large", reply::ok(std::string(4096, 'x')), errc::body_too_large},
        {"sends a header too large", reply::with(http_ok("{}", "X-Big: " + std::string(4096, 'h') + "\r\n")),
         errc::body_too_large},
        {"sends too many interim responses", reply::with(repeated(interim(100), 9) + http_ok()),
         errc::malformed_response},
    };
}

TYPED_TEST(TransportCommon, FailureAfterTheRequestWasSentMayHaveExecutedUnlessIdempotent) {
    auto options = test_options();
    options.request_timeout = 300ms;
    options.max_response_body = 1024;
    options.max_response_header = 2048;
    for (const auto& c : failures_after_the_request_was_read()) {
        for (bool idempotent : {false, true}) {
            SCOPED_TRACE(c.name + (idempotent ? " (GET)" : " (POST)"));
            scripted_server server(connection_script::keep_alive(c.what));
            auto client = this->make(plain_endpoint(server), options);
            auto r = client->send(idempotent ? get() : post());
            ASSERT_TRUE(fails_with(r, c.expected));
            EXPECT_EQ(r.error().may_have_executed, !idempotent);
            EXPECT_EQ(server.request_count(), 1u);
        }
    }
}

TYPED_TEST(TransportCommon, FailureBeforeTheRequestWasSentHasNotExecuted) {
    auto refused = this->make(endpoint{false, "127.0.0.1", unused_port(), ""});
    auto r = refused->send(post());
    ASSERT_TRUE(fails_with(r, errc::transport_failure));
    EXPECT_FALSE(r.error().may_have_executed);

    scripted_server silent_tls(connection_script::deaf());
    auto options = test_options();
    options.tls_handshake_timeout = 300ms;
    auto handshaking = this->make(endpoint{true, "127.0.0.1", silent_tls.port(), ""}, options);
    r = handshaking->send(post());
    ASSERT_TRUE(fails_with(r, errc::timeout));
    EXPECT_FALSE(r.error().may_have_executed);
}

// ---------------------------------------------------------------------------------------------------------------
// Per-request body limit (http_request::max_response_body)

TYPED_TEST(TransportCommon, RequestBodyLimitRaisesTheTransportLimitForThatExchange) {
    auto options = test_options();
    options.max_response_body = 1024;
    const std::string big(4096, 'x');
    const std::string half(2048, 'x');
    const std::string chunked = chunked_header + "800\r\n" + half + "\r\n800\r\n" + half + "\r\n0\r\n\r\n";
    for (const auto& bytes : {http_ok(big), chunked}) {
        scripted_server server(connection_script::keep_alive(reply::with(bytes)));
        auto client = this->make(plain_endpoint(server), options);
        auto roomy = get();
        roomy.max_response_body = 8192;
        auto r = client->send(roomy);
        ASSERT_TRUE(succeeded(r));
        EXPECT_EQ(r.value().body, big);

        r = client->send(get());  // the next exchange has the transport's limit again
        ASSERT_TRUE(fails_with(r, errc::body_too_large));
        EXPECT_TRUE(contains(r.error().detail, "1024")) << r.error().detail;

        auto tight = get();
        tight.max_response_body = 2048;  // larger than the transport's, still too small
        r = client->send(tight);
        ASSERT_TRUE(fails_with(r, errc::body_too_large));
        EXPECT_TRUE(contains(r.error().detail, "2048")) << r.error().detail;

        auto smaller = get();
        smaller.max_response_body = 16;  // never lowers the transport's limit
        r = client->send(smaller);
        ASSERT_TRUE(fails_with(r, errc::body_too_large));
        EXPECT_TRUE(contains(r.error().detail, "1024")) << r.error().detail;
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Interim (1xx) responses

TYPED_TEST(TransportCommon, InterimResponsesAreSkipped) {
    const std::string final_response = http_ok(R"({"ok":true})", "X-Final: yes\r\n");
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"100 Continue", interim(100) + final_response},
        {"102 Processing", interim(102) + final_response},
        {"103 Early Hints", interim(103, "Link: </a.css>; rel=preload\r\nX-Hint: 1\r\n") + final_response},
        {"several kinds", interim(100) + interim(102) + interim(103, "Link: </b.css>\r\n") + final_response},
        {"eight, the most allowed", repeated(interim(100), 8) + final_response},
        {"before a chunked answer", interim(100) + chunked_header + "b\r\n{\"ok\":true}\r\n0\r\n\r\n"},
    };
    for (const auto& [name, bytes] : cases) {
        for (bool trickle : {false, true}) {  // in one read, and a byte at a time
            SCOPED_TRACE(name + (trickle ? " (a byte at a time)" : ""));
            scripted_server server(connection_script::keep_alive(trickle ? reply::trickled(1ms, bytes) : reply::with(bytes)));
            auto client = this->make(plain_endpoint(server));
            for (const auto& req : {post(), get()}) {
                auto r = client->send(req);
                ASSERT_TRUE(succeeded(r));
                EXPECT_EQ(r.value().body, R"({"ok":true})");
                EXPECT_FALSE(r.value().headers.find("Link"));  // nothing of an interim response leaks in
                EXPECT_FALSE(r.value().headers.find("X-Hint"));
            }
            EXPECT_EQ(server.connection_count(), 1u);  // the connection stays in step
        }
    }
}

TYPED_TEST(TransportCommon, InterimResponsesAreBoundedInNumberAndHeaderBytes) {
    {
        scripted_server server(connection_script::keep_alive(reply::with(repeated(interim(100), 9) + http_ok())));
        auto client = this->make(plain_endpoint(server));
        auto r = client->send(get());
        ASSERT_TRUE(fails_with(r, errc::malformed_response));
        EXPECT_TRUE(contains(r.error().detail, "interim")) << r.error().detail;
    }
    // Each hint is well within the header limit; three of them and the final header fit, four do not.
    auto options = test_options();
    options.max_response_header = 2048;
    const std::string hint = interim(103, "Link: <" + std::string(560, 'l') + ">\r\n");
    const std::string final_response = http_ok();
    ASSERT_LT(3 * hint.size() + final_response.size(), 2048u);
    ASSERT_GT(4 * hint.size(), 2048u);
    {
        scripted_server server(connection_script::keep_alive(reply::with(repeated(hint, 3) + final_response)));
        auto client = this->make(plain_endpoint(server), options);
        EXPECT_TRUE(succeeded(client->send(get())));
    }
    {
        scripted_server server(connection_script::keep_alive(reply::with(repeated(hint, 4) + final_response)));
        auto client = this->make(plain_endpoint(server), options);
        EXPECT_TRUE(fails_with(client->send(get()), errc::body_too_large));
    }
}

TYPED_TEST(TransportCommon, SwitchingProtocolsIsTheAnswerAndEndsTheConnection) {
    scripted_server server(connection_script::keep_alive(
        reply::with("HTTP/1.1 101 Switching Protocols\r\nUpgrade: h2c\r\nConnection: Upgrade\r\n\r\n")));
    auto client = this->make(plain_endpoint(server));
    ASSERT_TRUE(succeeded(client->send(get()), 101));
    ASSERT_TRUE(succeeded(client->send(get()), 101));
    EXPECT_EQ(server.connection_count(), 2u);
}

// ---------------------------------------------------------------------------------------------------------------
// Chunked bodies in pieces (Boost 1.81: boostorg/beast#2861 asserts on a short final chunk)

TYPED_TEST(TransportCommon, EmptyChunkedBodySplitAsInBeastIssue2861) {
    for (const auto& pieces : {std::vector<std::string>{chunked_header + "0\r\n", "\r", "\n"},
                               std::vector<std::string>{chunked_header, "0\r\n", "\r", "\n"},
                               std::vector<std::string>{chunked_header, "0", "\r", "\n", "\r", "\n"}}) {
        scripted_server server(connection_script::keep_alive(reply::in_pieces(pieces, 30ms)));
        auto client = this->make(plain_endpoint(server));
        for (int i = 0; i < 2; ++i) {
            auto r = client->send(get());
            ASSERT_TRUE(succeeded(r));
            EXPECT_EQ(r.value().body, "");
        }
        EXPECT_EQ(server.connection_count(), 1u);
    }
}

TYPED_TEST(TransportCommon, ChunkedResponseSplitAtEveryByteBoundary) {
    const std::vector<std::pair<std::string, std::string>> responses = {
        {chunked_header + "0\r\n\r\n", ""},
        {chunked_header + "00\r\n\r\n", ""},
        {chunked_header + "6\r\n{\"id\":\r\n5\r\n\"q1\"}\r\n0\r\n\r\n", R"({"id":"q1"})"},
        {chunked_header + "2;ext=1\r\n{}\r\n0;last\r\nX-Trailer: t\r\n\r\n", "{}"},
    };
    for (const auto& [bytes, body] : responses) {
        // "/K" answers in two pieces split after K bytes; "/0" a byte at a time.
        scripted_server server(connection_script::by_request([&bytes = bytes](const received_request& req) {
            const std::size_t k = std::stoul(req.target.substr(1));
            if (k == 0) return reply::trickled(1ms, bytes);
            return reply::in_pieces({bytes.substr(0, k), bytes.substr(k)}, 2ms);
        }));
        auto client = this->make(plain_endpoint(server));
        for (std::size_t k = 0; k < bytes.size(); ++k) {
            SCOPED_TRACE(::testing::Message() << "split after " << k << " bytes of " << ::testing::PrintToString(bytes));
            auto r = client->send(get(numbered_path(k)));
            ASSERT_TRUE(succeeded(r));
            EXPECT_EQ(r.value().body, body);
        }
        EXPECT_EQ(server.connection_count(), 1u);
    }
}

// ---------------------------------------------------------------------------------------------------------------
// TLS

const test_pki& localhost_pki() {
    static const test_pki pki = make_test_pki("DNS:localhost");
    return pki;
}
const test_pki& ip_pki() {
    static const test_pki pki = make_test_pki("IP:127.0.0.1");
    return pki;
}

template <class Driver>
class TransportTls : public TransportCommon<Driver> {};
TYPED_TEST_SUITE(TransportTls, drivers, driver_names);

transport_options trusting(const test_pki& pki) {
    auto o = test_options();
    o.tls.ca_pem = pki.ca_cert_pem;
    return o;
}

TYPED_TEST(TransportTls, TrustedCaAndMatchingHostNameSucceeds) {
    ASSERT_FALSE(localhost_pki().ca_cert_pem.empty());
    scripted_server server(connection_script::keep_alive(), &localhost_pki());
    auto client = this->make(tls_endpoint(server, "localhost"), trusting(localhost_pki()));
    ASSERT_TRUE(succeeded(client->send(get())));
    ASSERT_TRUE(succeeded(client->send(post())));
    EXPECT_EQ(server.connection_count(), 1u);
    EXPECT_EQ(server.requests()[0].header("Host"), "localhost:" + server.port());
}

TYPED_TEST(TransportTls, IpAddressSubjectAltNameMatches) {
    scripted_server server(connection_script::keep_alive(), &ip_pki());
    auto client = this->make(tls_endpoint(server, "127.0.0.1"), trusting(ip_pki()));
    EXPECT_TRUE(succeeded(client->send(get())));
}

TYPED_TEST(TransportTls, HostNameMismatchIsTlsFailure) {
    {  // the certificate names localhost, the endpoint an address
        scripted_server server(connection_script::keep_alive(), &localhost_pki());
        auto client = this->make(tls_endpoint(server, "127.0.0.1"), trusting(localhost_pki()));
        auto r = client->send(get());
        ASSERT_TRUE(fails_with(r, errc::tls_failure));
        EXPECT_TRUE(contains(r.error().detail, "hostname mismatch")) << r.error().detail;
        EXPECT_TRUE(contains(r.error().detail, "'127.0.0.1'")) << r.error().detail;
        EXPECT_EQ(server.request_count(), 0u);
    }
    {  // and the other way round
        scripted_server server(connection_script::keep_alive(), &ip_pki());
        auto client = this->make(tls_endpoint(server, "localhost"), trusting(ip_pki()));
        auto r = client->send(get());
        ASSERT_TRUE(fails_with(r, errc::tls_failure));
        EXPECT_TRUE(contains(r.error().detail, "hostname mismatch")) << r.error().detail;
    }
}

TYPED_TEST(TransportTls, UnknownCaIsTlsFailure) {
    scripted_server server(connection_script::keep_alive(), &localhost_pki());
    auto client = this->make(tls_endpoint(server, "localhost"), test_options());  // system trust store only
    auto r = client->send(get());
    ASSERT_TRUE(fails_with(r, errc::tls_failure));
    EXPECT_TRUE(contains(r.error().detail, "certificate verify failed")) << r.error().detail;
    EXPECT_TRUE(r.error().cause);
    EXPECT_EQ(server.request_count(), 0u);
}

TYPED_TEST(TransportTls, InsecureSkipVerifyAcceptsAnyCertificate) {
    scripted_server server(connection_script::keep_alive(), &localhost_pki());
    auto options = test_options();
    options.tls.insecure_skip_tls_verify = true;
    auto client = this->make(tls_endpoint(server, "127.0.0.1"), options);  // unknown CA and wrong name
    EXPECT_TRUE(succeeded(client->send(get())));
}

TYPED_TEST(TransportTls, BadCaPemIsTlsFailureWithoutConnecting) {
    scripted_server server(connection_script::keep_alive(), &localhost_pki());
    auto options = test_options();
    options.tls.ca_pem = "-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n";
    auto client = this->make(tls_endpoint(server, "localhost"), options);
    EXPECT_TRUE(fails_with(client->send(get()), errc::tls_failure));
    EXPECT_EQ(server.connection_count(), 0u);
}

TYPED_TEST(TransportTls, NonIdempotentRequestUsesFreshConnectionWhenProbeSeesClose) {
    scripted_server server(connection_script::keep_alive(), &localhost_pki());
    server.push(connection_script::replies_then_close({reply::ok()}));
    auto client = this->make(tls_endpoint(server, "localhost"), trusting(localhost_pki()));
    ASSERT_TRUE(succeeded(client->send(get())));
    ASSERT_TRUE(server.wait_closed(1));
    std::this_thread::sleep_for(50ms);
    ASSERT_TRUE(succeeded(client->send(post())));
    EXPECT_EQ(count_method(server, "POST"), 1u);
    EXPECT_EQ(server.connection_count(), 2u);
}

TYPED_TEST(TransportTls, TruncatedBodyIsConnectionClosed) {
    scripted_server server(connection_script::keep_alive(reply::with("HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\n{",
                                                                     /*close_after=*/true)),
                           &localhost_pki());
    auto client = this->make(tls_endpoint(server, "localhost"), trusting(localhost_pki()));
    EXPECT_TRUE(fails_with(client->send(get()), errc::connection_closed));
}

TYPED_TEST(TransportTls, FailedHandshakeHasNotExecuted) {
    scripted_server server(connection_script::keep_alive(), &localhost_pki());
    auto client = this->make(tls_endpoint(server, "localhost"), test_options());  // unknown CA
    auto r = client->send(post());
    ASSERT_TRUE(fails_with(r, errc::tls_failure));
    EXPECT_FALSE(r.error().may_have_executed);
}

TYPED_TEST(TransportTls, InterimResponseAndSplitEmptyChunkedBody) {
    scripted_server server(connection_script::keep_alive(reply::in_pieces(
                               {interim(100), chunked_header + "0\r\n", "\r", "\n"}, 30ms)),
                           &localhost_pki());
    auto client = this->make(tls_endpoint(server, "localhost"), trusting(localhost_pki()));
    for (int i = 0; i < 2; ++i) {
        auto r = client->send(post());
        ASSERT_TRUE(succeeded(r));
        EXPECT_EQ(r.value().body, "");
    }
    EXPECT_EQ(server.connection_count(), 1u);
}

// ---------------------------------------------------------------------------------------------------------------
// Sync only

TEST(TransportSync, IsMovable) {
    scripted_server server;
    beast_sync_transport first(plain_endpoint(server), test_options());
    ASSERT_TRUE(succeeded(first.send(get())));
    beast_sync_transport second = std::move(first);
    ASSERT_TRUE(succeeded(second.send(get())));
    EXPECT_EQ(server.connection_count(), 1u);  // the connection moved along
}

TEST(TransportSync, ConcurrentCallersAreSerialized) {
    scripted_server server;
    beast_sync_transport transport(plain_endpoint(server), test_options());
    std::atomic<int> ok{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 3; ++t)
        threads.emplace_back([&] {
            for (int i = 0; i < 5; ++i) ok += transport.send(get()).has_value() ? 1 : 0;
        });
    for (auto& t : threads) t.join();
    EXPECT_EQ(ok.load(), 15);
    EXPECT_EQ(server.connection_count(), 1u);
}

// ---------------------------------------------------------------------------------------------------------------
// Async only

/// Server answering "/slow..." after `slow` and anything else at once.
connection_script slow_and_fast(std::chrono::milliseconds slow) {
    return connection_script::by_request([slow](const received_request& r) {
        return r.target.starts_with("/slow") ? reply::delayed(slow) : reply::ok();
    });
}

TEST(TransportAsync, HandlerIsNeverCalledInsideAsyncSend) {
    scripted_server server;
    asio::io_context io;
    beast_async_transport transport(io.get_executor(), plain_endpoint(server), test_options());
    std::vector<result<http_response>> results;
    transport.async_send(get("bad target"), [&](result<http_response> r) { results.push_back(std::move(r)); });
    transport.async_send(get(), [&](result<http_response> r) { results.push_back(std::move(r)); });
    EXPECT_TRUE(results.empty());
    io.run_for(5s);
    ASSERT_EQ(results.size(), 2u);
    EXPECT_TRUE(fails_with(results[0], errc::invalid_request));
    EXPECT_TRUE(succeeded(results[1]));
}

TEST(TransportAsync, CompletesOnTheHandlersAssociatedExecutor) {
    scripted_server server;
    asio::io_context io;
    asio::io_context other;
    auto strand = asio::make_strand(other);
    beast_async_transport transport(io.get_executor(), plain_endpoint(server), test_options());
    std::atomic<bool> on_strand{false};
    std::atomic<int> calls{0};
    transport.async_send(get(), asio::bind_executor(strand, [&](result<http_response> r) {
                             on_strand = strand.running_in_this_thread() && r.has_value();
                             ++calls;
                         }));
    std::thread other_thread([&] { other.run_for(5s); });  // kept busy by the pending handler's work
    io.run_for(5s);
    other_thread.join();
    EXPECT_EQ(calls.load(), 1);
    EXPECT_TRUE(on_strand.load());
}

TEST(TransportAsync, CancellingOneCallLeavesConcurrentCallsAlone) {
    scripted_server server(slow_and_fast(5s));
    asio::io_context io;
    beast_async_transport transport(io.get_executor(), plain_endpoint(server), test_options());
    asio::cancellation_signal signal;
    std::vector<result<http_response>> slow;
    std::vector<result<http_response>> fast;
    transport.async_send(get("/slow"), asio::bind_cancellation_slot(signal.slot(), [&](result<http_response> r) {
                             slow.push_back(std::move(r));
                         }));
    for (int i = 0; i < 2; ++i)
        transport.async_send(get("/fast"), [&](result<http_response> r) { fast.push_back(std::move(r)); });
    asio::steady_timer timer(io, 200ms);
    timer.async_wait([&](boost::system::error_code) { signal.emit(asio::cancellation_type::terminal); });

    const auto start = clock_type::now();
    io.run_for(5s);
    EXPECT_LT(clock_type::now() - start, 2s);
    ASSERT_EQ(slow.size(), 1u);  // exactly once
    EXPECT_TRUE(fails_with(slow[0], errc::cancelled));
    ASSERT_EQ(fast.size(), 2u);
    EXPECT_TRUE(succeeded(fast[0]));
    EXPECT_TRUE(succeeded(fast[1]));
    EXPECT_EQ(server.connection_count(), 3u);

    // Three more at once: the two idle connections are reused, the cancelled one was closed and is replaced.
    int after_ok = 0;
    for (int i = 0; i < 3; ++i)
        transport.async_send(get("/fast"), [&](result<http_response> r) { after_ok += succeeded(r) ? 1 : 0; });
    io.restart();
    io.run_for(5s);
    EXPECT_EQ(after_ok, 3);
    EXPECT_EQ(server.connection_count(), 4u);
}

TEST(TransportAsync, CancellingAWaitingCallRemovesItFromTheQueue) {
    scripted_server server(slow_and_fast(400ms));
    asio::io_context io;
    auto options = test_options();
    options.max_connections = 1;
    beast_async_transport transport(io.get_executor(), plain_endpoint(server), options);
    asio::cancellation_signal signal;
    std::vector<std::pair<std::string, result<http_response>>> done;
    transport.async_send(get("/slow"), [&](result<http_response> r) { done.emplace_back("slow", std::move(r)); });
    transport.async_send(get("/queued"),
                         asio::bind_cancellation_slot(signal.slot(), [&](result<http_response> r) {
                             done.emplace_back("queued", std::move(r));
                         }));
    asio::steady_timer timer(io, 50ms);
    timer.async_wait([&](boost::system::error_code) { signal.emit(asio::cancellation_type::terminal); });
    io.run_for(5s);
    ASSERT_EQ(done.size(), 2u);
    EXPECT_EQ(done[0].first, "queued");  // left the queue long before the slow call ended
    EXPECT_TRUE(fails_with(done[0].second, errc::cancelled));
    EXPECT_EQ(done[1].first, "slow");
    EXPECT_TRUE(succeeded(done[1].second));
    EXPECT_EQ(server.request_count(), 1u);  // the cancelled call never reached the server
}

TEST(TransportAsync, AwaitableOrTimerCancelsTheSend) {
    using namespace asio::experimental::awaitable_operators;
    scripted_server server(slow_and_fast(5s));
    asio::io_context io;
    beast_async_transport transport(io.get_executor(), plain_endpoint(server), test_options());
    std::optional<std::size_t> winner;
    std::optional<result<http_response>> next;
    asio::co_spawn(
        io,
        [&]() -> asio::awaitable<void> {
            asio::steady_timer timer(co_await asio::this_coro::executor, 150ms);
            auto v = co_await (send_optional(transport, get("/slow")) || timer.async_wait(asio::use_awaitable));
            winner = v.index();
            next.emplace(co_await transport.async_send(get("/fast"), asio::use_awaitable));
        },
        asio::detached);
    const auto start = clock_type::now();
    io.run_for(5s);
    EXPECT_LT(clock_type::now() - start, 2s);
    EXPECT_EQ(winner, 1u);
    ASSERT_TRUE(next);
    EXPECT_TRUE(succeeded(*next));
    EXPECT_EQ(server.connection_count(), 2u);  // the cancelled connection was not reused
}

TEST(TransportAsync, ParallelGroupWithDeferredCancelsTheLoser) {
    scripted_server server(slow_and_fast(5s));
    asio::io_context io;
    beast_async_transport transport(io.get_executor(), plain_endpoint(server), test_options());
    asio::steady_timer timer(io, 150ms);
    std::optional<result<http_response>> sent;
    std::array<std::size_t, 2> order{};
    int calls = 0;
    asio::experimental::make_parallel_group(transport.async_send(get("/slow"), asio::deferred),
                                            timer.async_wait(asio::deferred))
        .async_wait(asio::experimental::wait_for_one(),
                    [&](std::array<std::size_t, 2> o, result<http_response> r, boost::system::error_code) {
                        ++calls;
                        order = o;
                        sent.emplace(std::move(r));
                    });
    io.run_for(5s);
    EXPECT_EQ(calls, 1);
    EXPECT_EQ(order[0], 1u);
    ASSERT_TRUE(sent);
    EXPECT_TRUE(fails_with(*sent, errc::cancelled));
}

TEST(TransportAsync, PoolOfTwoServesEightConcurrentCallsOverTwoConnections) {
    scripted_server server(connection_script::keep_alive(reply::delayed(30ms)));
    asio::io_context io;
    auto options = test_options();
    options.max_connections = 2;
    beast_async_transport transport(io.get_executor(), plain_endpoint(server), options);
    int ok = 0;
    int completions = 0;
    for (int i = 0; i < 8; ++i)
        transport.async_send(get(), [&](result<http_response> r) {
            ++completions;
            ok += r.has_value() ? 1 : 0;
        });
    io.run_for(5s);
    EXPECT_EQ(completions, 8);
    EXPECT_EQ(ok, 8);
    EXPECT_EQ(server.request_count(), 8u);
    EXPECT_LE(server.connection_count(), 2u);
    EXPECT_LE(server.peak_connections(), 2u);
}

TEST(TransportAsync, WaitingCallsAreServedInFifoOrder) {
    scripted_server server(connection_script::keep_alive(reply::delayed(10ms)));
    asio::io_context io;
    auto options = test_options();
    options.max_connections = 1;
    beast_async_transport transport(io.get_executor(), plain_endpoint(server), options);
    std::vector<int> completed;
    for (int i = 0; i < 5; ++i)
        transport.async_send(get(numbered_path(i)), [&, i](result<http_response>) { completed.push_back(i); });
    io.run_for(5s);
    EXPECT_EQ(completed, (std::vector<int>{0, 1, 2, 3, 4}));
    auto seen = server.requests();
    ASSERT_EQ(seen.size(), 5u);
    for (std::size_t i = 0; i < seen.size(); ++i) EXPECT_EQ(seen[i].target, numbered_path(i));
}

TEST(TransportAsync, WorksWithUseFutureOnAThreadPool) {
    scripted_server server(connection_script::keep_alive(reply::delayed(5ms)));
    asio::thread_pool pool(2);
    auto options = test_options();
    options.max_connections = 3;
    beast_async_transport transport(pool.get_executor(), plain_endpoint(server), options);
    std::vector<std::future<result<http_response>>> futures;
    for (int i = 0; i < 16; ++i) futures.push_back(transport.async_send(get(), asio::use_future));
    for (auto& f : futures) {
        ASSERT_EQ(f.wait_for(5s), std::future_status::ready);
        EXPECT_TRUE(succeeded(f.get()));
    }
    EXPECT_LE(server.connection_count(), 3u);
}

TEST(TransportAsync, DeferredOperationRunsWhenStarted) {
    scripted_server server;
    asio::io_context io;
    beast_async_transport transport(io.get_executor(), plain_endpoint(server), test_options());
    auto op = transport.async_send(get(), asio::deferred);
    EXPECT_EQ(server.request_count(), 0u);
    std::optional<result<http_response>> out;
    std::move(op)([&](result<http_response> r) { out.emplace(std::move(r)); });
    io.run_for(5s);
    ASSERT_TRUE(out);
    EXPECT_TRUE(succeeded(*out));
}

TEST(TransportAsync, CloseFailsRunningAndWaitingCalls) {
    scripted_server server(slow_and_fast(5s));
    asio::io_context io;
    auto options = test_options();
    options.max_connections = 1;
    beast_async_transport transport(io.get_executor(), plain_endpoint(server), options);
    std::vector<result<http_response>> done;
    for (int i = 0; i < 3; ++i)
        transport.async_send(get("/slow"), [&](result<http_response> r) { done.push_back(std::move(r)); });
    io.run_for(100ms);
    transport.close();
    transport.async_send(get("/fast"), [&](result<http_response> r) { done.push_back(std::move(r)); });
    const auto start = clock_type::now();
    io.restart();
    io.run_for(5s);
    EXPECT_LT(clock_type::now() - start, 1s);
    ASSERT_EQ(done.size(), 4u);
    for (const auto& r : done) EXPECT_TRUE(fails_with(r, errc::cancelled));
}

TEST(TransportAsync, DestroyingTheTransportWithPendingCallsIsSafe) {
    scripted_server server(slow_and_fast(5s));
    asio::io_context io;
    auto options = test_options();
    options.max_connections = 1;
    auto transport = std::make_unique<beast_async_transport>(io.get_executor(), plain_endpoint(server), options);
    int cancelled = 0;
    for (int i = 0; i < 3; ++i)
        transport->async_send(get("/slow"), [&](result<http_response> r) {
            cancelled += fails_with(r, errc::cancelled) ? 1 : 0;
        });
    io.run_for(100ms);
    transport.reset();
    io.restart();
    io.run_for(5s);
    EXPECT_EQ(cancelled, 3);
}

// ---------------------------------------------------------------------------------------------------------------
// Async: cancellation, the pool and may_have_executed, with a callback and in a coroutine

class TransportAsyncModes : public ::testing::TestWithParam<mode> {
protected:
    /// Sends `req` with `signal`'s slot bound, in this test's mode; runs `io` until it completes.
    result<http_response> send(beast_async_transport& transport, const http_request& req,
                               asio::cancellation_signal* signal = nullptr) {
        int completions = 0;
        auto r = run_to_completion<http_response>(
            io, GetParam(),
            [&](auto token) {
                if (signal == nullptr) return transport.async_send(req, std::move(token));
                return transport.async_send(req, asio::bind_cancellation_slot(signal->slot(), std::move(token)));
            },
            completions, 10s);
        EXPECT_EQ(completions, 1);
        return r;
    }
    /// Emits terminal cancellation on `io`'s thread (the server calls it from its own).
    void cancel_from_elsewhere(asio::cancellation_signal& signal) {
        asio::post(io, [&signal] { signal.emit(asio::cancellation_type::terminal); });
    }
    /// Runs `io` until `done` holds (at most 5 s).
    template <class Pred>
    void run_until(Pred done) {
        io.restart();
        const auto limit = clock_type::now() + 5s;
        while (!done() && clock_type::now() < limit && io.run_one_for(limit - clock_type::now()) != 0) {
        }
    }

    asio::io_context io;
};
INSTANTIATE_TEST_SUITE_P(Async, TransportAsyncModes, ::testing::Values(mode::callback, mode::coroutine),
                         [](const auto& info) { return name_of(info.param); });

TEST_P(TransportAsyncModes, CancelWhileQueuedForAConnectionHasNotExecuted) {
    asio::cancellation_signal signal;
    scripted_server server(connection_script::by_request([&](const received_request& r) {
        if (r.target != "/slow") return reply::ok();
        cancel_from_elsewhere(signal);  // the only connection is busy: the POST waits in the queue
        return reply::delayed(300ms);
    }));
    auto options = test_options();
    options.max_connections = 1;
    beast_async_transport transport(io.get_executor(), plain_endpoint(server), options);
    std::optional<result<http_response>> slow;
    transport.async_send(get("/slow"), [&](result<http_response> r) { slow.emplace(std::move(r)); });
    auto r = send(transport, post(), &signal);
    ASSERT_TRUE(fails_with(r, errc::cancelled));
    EXPECT_FALSE(r.error().may_have_executed);
    run_until([&] { return slow.has_value(); });
    ASSERT_TRUE(slow);
    EXPECT_TRUE(succeeded(*slow));
    EXPECT_EQ(count_method(server, "POST"), 0u);
}

TEST_P(TransportAsyncModes, CancelAfterTheRequestReachedTheServerMayHaveExecutedUnlessIdempotent) {
    asio::cancellation_signal signal;
    scripted_server server(connection_script::by_request([&](const received_request&) {
        cancel_from_elsewhere(signal);  // the request arrived; its answer is held
        return reply::delayed(5s);
    }));
    beast_async_transport transport(io.get_executor(), plain_endpoint(server), test_options());
    for (const auto& req : {post(), get()}) {
        SCOPED_TRACE(req.idempotent ? "GET" : "POST");
        const auto start = clock_type::now();
        auto r = send(transport, req, &signal);
        ASSERT_TRUE(fails_with(r, errc::cancelled));
        EXPECT_EQ(r.error().may_have_executed, !req.idempotent);
        EXPECT_LT(clock_type::now() - start, 2s);
    }
    EXPECT_EQ(server.request_count(), 2u);
}

TEST_P(TransportAsyncModes, DeadlineWhileQueuedForAConnectionIsATimeoutThatHasNotExecuted) {
    scripted_server server(slow_and_fast(1500ms));
    auto options = test_options();
    options.max_connections = 1;
    beast_async_transport transport(io.get_executor(), plain_endpoint(server), options);
    std::optional<result<http_response>> slow;
    transport.async_send(get("/slow"), [&](result<http_response> r) { slow.emplace(std::move(r)); });
    const auto start = clock_type::now();
    auto r = send(transport, with_deadline(post(), 300ms));
    const auto took = clock_type::now() - start;
    ASSERT_TRUE(fails_with(r, errc::timeout));
    EXPECT_FALSE(r.error().may_have_executed);
    EXPECT_TRUE(contains(r.error().detail, "waited for a connection")) << r.error().detail;
    EXPECT_GE(took, 250ms);
    EXPECT_LT(took, 1200ms);  // at its deadline, not when the connection became free
    run_until([&] { return slow.has_value(); });
    ASSERT_TRUE(slow);
    EXPECT_TRUE(succeeded(*slow));
    EXPECT_EQ(count_method(server, "POST"), 0u);
}

TEST_P(TransportAsyncModes, CloseSaysWhichCallsMayHaveExecuted) {
    beast_async_transport* closing = nullptr;
    scripted_server server(connection_script::by_request([&](const received_request&) {
        asio::post(io, [&] { closing->close(); });  // the first POST arrived; the second one is queued
        return reply::delayed(5s);
    }));
    auto options = test_options();
    options.max_connections = 1;
    beast_async_transport transport(io.get_executor(), plain_endpoint(server), options);
    closing = &transport;
    std::optional<result<http_response>> running;
    transport.async_send(post("/first"), [&](result<http_response> r) { running.emplace(std::move(r)); });
    auto queued = send(transport, post("/second"));
    run_until([&] { return running.has_value(); });
    ASSERT_TRUE(running);
    ASSERT_TRUE(fails_with(*running, errc::cancelled));
    EXPECT_TRUE(running->error().may_have_executed);
    ASSERT_TRUE(fails_with(queued, errc::cancelled));
    EXPECT_FALSE(queued.error().may_have_executed);
    EXPECT_EQ(server.request_count(), 1u);
}

// ---------------------------------------------------------------------------------------------------------------
// Mock transport: deadlines and may_have_executed as the Beast transports report them

using serverops::testing::make_response;
using serverops::testing::mock_transport;

class MockTransportModes : public ::testing::TestWithParam<mode> {
protected:
    result<http_response> send(const http_request& req, asio::cancellation_signal* signal = nullptr) {
        if (GetParam() == mode::sync) return mock.send(req);
        int completions = 0;
        auto r = run_to_completion<http_response>(
            io, GetParam(),
            [&](auto token) {
                if (signal == nullptr) return mock.async_send(req, std::move(token));
                return mock.async_send(req, asio::bind_cancellation_slot(signal->slot(), std::move(token)));
            },
            completions, 10s);
        EXPECT_EQ(completions, 1);
        return r;
    }

    asio::io_context io;
    mock_transport mock{io.get_executor()};
};
INSTANTIATE_TEST_SUITE_P(Modes, MockTransportModes, ::testing::Values(mode::sync, mode::callback, mode::coroutine),
                         [](const auto& info) { return name_of(info.param); });

TEST_P(MockTransportModes, DelayPastTheDeadlineIsATimeoutAtTheDeadline) {
    for (const auto& req : {post(), get()}) {
        SCOPED_TRACE(req.idempotent ? "GET" : "POST");
        mock.push(make_response(200), 10s);
        const auto start = clock_type::now();
        auto r = send(with_deadline(req, 100ms));
        const auto took = clock_type::now() - start;
        ASSERT_TRUE(fails_with(r, errc::timeout));
        EXPECT_EQ(r.error().may_have_executed, !req.idempotent);  // it was sent
        EXPECT_GE(took, 90ms);
        EXPECT_LT(took, 2s);
    }
    EXPECT_EQ(mock.request_count(), 2u);
}

TEST_P(MockTransportModes, DelayWithinTheDeadlineAnswers) {
    mock.push(make_response(200, "late but in time"), 50ms);
    mock.push(make_response(201));  // no deadline, no delay
    const auto start = clock_type::now();
    auto r = send(with_deadline(post(), 5s));
    EXPECT_GE(clock_type::now() - start, 45ms);
    ASSERT_TRUE(succeeded(r));
    EXPECT_EQ(r.value().body, "late but in time");
    EXPECT_TRUE(succeeded(send(post()), 201));
}

TEST_P(MockTransportModes, RequestWhoseDeadlineHasPassedIsNotSent) {
    mock.push(make_response(200));
    auto r = send(with_deadline(post(), -1ms));
    ASSERT_TRUE(fails_with(r, errc::timeout));
    EXPECT_FALSE(r.error().may_have_executed);
    EXPECT_EQ(mock.request_count(), 0u);
    EXPECT_EQ(mock.queued_count(), 1u);  // the scripted answer waits for the next request
    EXPECT_TRUE(succeeded(send(post())));
}

TEST_P(MockTransportModes, InjectedFailuresCarryMayHaveExecuted) {
    using point = mock_transport::failure_point;
    for (const auto& req : {post(), get()}) {
        SCOPED_TRACE(req.idempotent ? "GET" : "POST");
        mock.push_failure(errc::connection_closed, point::after_sending);
        auto r = send(req);
        ASSERT_TRUE(fails_with(r, errc::connection_closed));
        EXPECT_EQ(r.error().may_have_executed, !req.idempotent);

        mock.push_failure(errc::transport_failure, point::before_sending);
        r = send(req);
        ASSERT_TRUE(fails_with(r, errc::transport_failure));
        EXPECT_FALSE(r.error().may_have_executed);
    }
    serverops::error exact(errc::timeout, "as given");
    exact.may_have_executed = true;
    mock.push_error(exact);
    auto r = send(get());
    ASSERT_TRUE(fails_with(r, errc::timeout));
    EXPECT_TRUE(r.error().may_have_executed);
}

class MockTransportAsyncModes : public MockTransportModes {};
INSTANTIATE_TEST_SUITE_P(Async, MockTransportAsyncModes, ::testing::Values(mode::callback, mode::coroutine),
                         [](const auto& info) { return name_of(info.param); });

TEST_P(MockTransportAsyncModes, CancellingADelayedSendMayHaveExecutedUnlessIdempotent) {
    for (const auto& req : {post(), get()}) {
        SCOPED_TRACE(req.idempotent ? "GET" : "POST");
        mock.push(make_response(200), 10s);
        asio::cancellation_signal signal;
        asio::steady_timer timer(io, 50ms);
        timer.async_wait([&](boost::system::error_code) { signal.emit(asio::cancellation_type::terminal); });
        const auto start = clock_type::now();
        auto r = send(req, &signal);
        ASSERT_TRUE(fails_with(r, errc::cancelled));
        EXPECT_EQ(r.error().may_have_executed, !req.idempotent);
        EXPECT_LT(clock_type::now() - start, 2s);
    }
    EXPECT_EQ(mock.pending_count(), 0u);
}

TEST(MockTransport, CancellingAHeldSendMayHaveExecutedUnlessIdempotent) {
    asio::io_context io;
    mock_transport mock(io.get_executor());
    mock.set_completion(mock_transport::completion::manual);
    for (const auto& req : {post(), get()}) {
        asio::cancellation_signal signal;
        std::optional<result<http_response>> out;
        mock.async_send(req, asio::bind_cancellation_slot(signal.slot(), [&](result<http_response> r) {
                            out.emplace(std::move(r));
                        }));
        io.restart();
        io.poll();
        EXPECT_FALSE(out);
        signal.emit(asio::cancellation_type::terminal);
        io.restart();
        io.run_for(1s);
        ASSERT_TRUE(out);
        ASSERT_TRUE(fails_with(*out, errc::cancelled));
        EXPECT_EQ(out->error().may_have_executed, !req.idempotent);
    }
}

}  // namespace
