// Core: error model, header list, endpoint parsing, the operation concept, the mock transport and the client
// (sync, callback, future, deferred and coroutine forms).
#include <serverops/client.hpp>
#include <serverops/endpoint.hpp>
#include <serverops/testing/mock_transport.hpp>

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>
#include <gtest/gtest.h>

#include <sstream>
#include <thread>

namespace {

using namespace serverops;
using serverops::testing::mock_transport;
namespace asio = boost::asio;

// A tiny vendor used to test the core without any real vendor module.
struct echo_context {
    std::string prefix = "/api";
    std::string token;
    void authorize(http_request& r) const {
        if (!token.empty()) r.headers.set("Authorization", "Bearer " + token);
    }
};

struct get_thing {
    using response_type = std::string;
    using context_type = echo_context;
    static constexpr std::string_view name = "test.getThing";
    static constexpr verb method = verb::get;
    static constexpr bool idempotent = true;
    std::string id;
    std::string target(const echo_context& c) const { return c.prefix + "/things/" + id; }
    result<std::string> decode(const http_response& r) const {
        if (r.status != 200) return failure(errc_from_http_status(r.status));
        return r.body;
    }
};

struct put_thing {
    using response_type = unsigned;
    using context_type = echo_context;
    static constexpr std::string_view name = "test.putThing";
    static constexpr verb method = verb::put;
    static constexpr bool idempotent = false;
    std::string value;
    std::string target(const echo_context& c) const { return c.prefix + "/thing"; }
    std::string body() const { return "\"" + value + "\""; }
    result<void> validate(const echo_context&) const {
        if (value.empty()) return failure(errc::invalid_request, "value must not be empty");
        return success();
    }
    result<unsigned> decode(const http_response& r) const { return r.status; }
};

struct not_an_operation {
    using response_type = int;
};

static_assert(operation<get_thing>);
static_assert(operation<put_thing>);
static_assert(operation_with_body<put_thing> && !operation_with_body<get_thing>);
static_assert(!operation<not_an_operation>);

using test_client = client<mock_transport&, echo_context>;

// ---------------------------------------------------------------- error model

TEST(Error, MapsHttpStatusClasses) {
    EXPECT_EQ(errc_from_http_status(400), errc::bad_request);
    EXPECT_EQ(errc_from_http_status(401), errc::unauthorized);
    EXPECT_EQ(errc_from_http_status(403), errc::forbidden);
    EXPECT_EQ(errc_from_http_status(404), errc::not_found);
    EXPECT_EQ(errc_from_http_status(409), errc::conflict);
    EXPECT_EQ(errc_from_http_status(418), errc::client_error);
    EXPECT_EQ(errc_from_http_status(429), errc::too_many_requests);
    EXPECT_EQ(errc_from_http_status(500), errc::server_error);
    EXPECT_EQ(errc_from_http_status(502), errc::server_error);
    EXPECT_EQ(errc_from_http_status(503), errc::unavailable);
    EXPECT_EQ(errc_from_http_status(302), errc::unexpected_status);
}

TEST(Error, PrintsEveryPartAndKeepsServerTextApart) {
    error e(errc::conflict, "while enabling");
    e.operation = "a4c.enableMaintenance";
    e.http_status = 409;
    e.vendor_code = "502";
    e.vendor_message = "already enabled";
    EXPECT_EQ(e.message(), "a4c.enableMaintenance: conflict (HTTP 409): while enabling; server said [502]: \"already enabled\"");
    std::ostringstream os;
    os << e;
    EXPECT_EQ(os.str(), e.message());
    EXPECT_TRUE(e.is(errc::conflict));
    EXPECT_EQ(e.kind(), errc::conflict);
    EXPECT_EQ(e.code.category().name(), std::string("serverops"));
}

TEST(Error, EscapesAndTruncatesUntrustedServerText) {
    error e(errc::server_error);
    e.vendor_message = "line1\nFAKE LOG LINE \"quoted\"" + std::string(1000, 'x');
    const auto m = e.message();
    EXPECT_EQ(m.find('\n'), std::string::npos);
    EXPECT_NE(m.find("line1\\x0aFAKE LOG LINE \\\"quoted\\\""), std::string::npos);
    EXPECT_LT(m.size(), 400u);
    EXPECT_NE(m.find("..."), std::string::npos);
}

TEST(Error, IncludesTheUnderlyingCause) {
    error e(errc::transport_failure, "connect to 127.0.0.1:1");
    e.cause = boost::system::errc::make_error_code(boost::system::errc::connection_refused);
    EXPECT_NE(e.message().find("Connection refused"), std::string::npos) << e.message();
}

TEST(Error, ResultIsNodiscardAndTryPropagates) {
    auto inner = []() -> result<int> { return failure(errc::not_found, "inner"); };
    auto outer = [&]() -> result<std::string> {
        BOOST_OUTCOME_TRY(auto v, inner());
        return std::to_string(v);
    };
    auto r = outer();
    ASSERT_FALSE(r);
    EXPECT_TRUE(r.error().is(errc::not_found));
    EXPECT_EQ(r.error().detail, "inner");
}

// ---------------------------------------------------------------- messages and endpoints

TEST(HeaderList, IsCaseInsensitiveAndKeepsRepeats) {
    header_list h;
    h.set("Content-Type", "a");
    h.set("content-type", "b");
    EXPECT_EQ(h.size(), 1u);
    EXPECT_EQ(h.find("CONTENT-TYPE").value(), "b");
    h.add("Set-Cookie", "x=1");
    h.add("Set-Cookie", "y=2");
    EXPECT_EQ(h.size(), 3u);
    EXPECT_FALSE(h.find("missing"));
}

TEST(HttpResponse, ReadsRetryAfterSeconds) {
    http_response r;
    EXPECT_FALSE(retry_after(r));
    r.headers.set("Retry-After", "7");
    EXPECT_EQ(retry_after(r), std::chrono::seconds(7));
    r.headers.set("Retry-After", "Wed, 21 Oct 2015 07:28:00 GMT");
    EXPECT_FALSE(retry_after(r));
}

TEST(Endpoint, ParsesBaseUrls) {
    auto a = parse_endpoint("https://api.ctl.io/v2");
    ASSERT_TRUE(a);
    EXPECT_TRUE(a.value().tls);
    EXPECT_EQ(a.value().host, "api.ctl.io");
    EXPECT_EQ(a.value().port, "443");
    EXPECT_EQ(a.value().path_prefix, "/v2");
    EXPECT_EQ(a.value().host_header(), "api.ctl.io");

    auto b = parse_endpoint("http://127.0.0.1:8080/");
    ASSERT_TRUE(b);
    EXPECT_FALSE(b.value().tls);
    EXPECT_EQ(b.value().port, "8080");
    EXPECT_EQ(b.value().path_prefix, "");
    EXPECT_EQ(b.value().host_header(), "127.0.0.1:8080");

    auto c = parse_endpoint("http://[::1]:9000/genesys/1/cs");
    ASSERT_TRUE(c);
    EXPECT_EQ(c.value().host, "::1");
    EXPECT_EQ(c.value().path_prefix, "/genesys/1/cs");
    EXPECT_EQ(c.value().host_header(), "[::1]:9000");
}

TEST(Endpoint, RejectsUnsafeOrInvalidUrls) {
    for (auto bad : {"ftp://host/", "not a url", "https://user:secret@host/v2", "https://host/v2?x=1", "/v2"}) {
        auto r = parse_endpoint(bad);
        ASSERT_FALSE(r) << bad;
        EXPECT_TRUE(r.error().is(errc::invalid_request));
        EXPECT_EQ(r.error().message().find("secret"), std::string::npos);
    }
}

// ---------------------------------------------------------------- encode

TEST(Encode, BuildsTheRequestFromTheDeclaration) {
    echo_context ctx{"/api", "tok"};
    auto r = encode(put_thing{"v"}, ctx);
    ASSERT_TRUE(r);
    EXPECT_EQ(r.value().method, verb::put);
    EXPECT_EQ(r.value().target, "/api/thing");
    EXPECT_EQ(r.value().body, "\"v\"");
    EXPECT_FALSE(r.value().idempotent);
    EXPECT_EQ(r.value().operation, "test.putThing");
    EXPECT_EQ(r.value().headers.find("Authorization").value(), "Bearer tok");

    auto g = encode(get_thing{"7"}, ctx);
    ASSERT_TRUE(g);
    EXPECT_TRUE(g.value().body.empty());
    EXPECT_TRUE(g.value().idempotent);
}

TEST(Encode, ValidationFailsBeforeAnythingIsBuilt) {
    auto r = encode(put_thing{""}, echo_context{});
    ASSERT_FALSE(r);
    EXPECT_TRUE(r.error().is(errc::invalid_request));
}

// ---------------------------------------------------------------- mock transport + sync client

TEST(MockTransport, RecordsRequestsAndReplaysInOrder) {
    mock_transport t;
    t.push(200, "one");
    t.push(404);
    test_client c(t);
    auto a = c.call(get_thing{"1"});
    auto b = c.call(get_thing{"2"});
    ASSERT_TRUE(a);
    EXPECT_EQ(a.value(), "one");
    ASSERT_FALSE(b);
    EXPECT_TRUE(b.error().is(errc::not_found));
    EXPECT_EQ(b.error().operation, "test.getThing");
    auto reqs = t.requests();
    ASSERT_EQ(reqs.size(), 2u);
    EXPECT_EQ(reqs[0].target, "/api/things/1");
    EXPECT_EQ(reqs[1].target, "/api/things/2");
}

TEST(MockTransport, HandlerAnswersWhenNothingIsQueued) {
    mock_transport t;
    t.set_handler([](const http_request& r) -> result<http_response> {
        return serverops::testing::make_response(200, "echo:" + r.target);
    });
    test_client c(t);
    EXPECT_EQ(c.call(get_thing{"x"}).value(), "echo:/api/things/x");
}

TEST(MockTransport, NothingScriptedIsATransportErrorNamingTheRequest) {
    mock_transport t;
    test_client c(t);
    auto r = c.call(get_thing{"z"});
    ASSERT_FALSE(r);
    EXPECT_TRUE(r.error().is(errc::transport_failure));
    EXPECT_NE(r.error().message().find("GET /api/things/z"), std::string::npos);
}

TEST(MockTransport, InjectedTransportErrorsReachTheCaller) {
    mock_transport t;
    t.push_error(errc::timeout);
    test_client c(t);
    auto r = c.call(get_thing{"1"});
    ASSERT_FALSE(r);
    EXPECT_TRUE(r.error().is(errc::timeout));
    EXPECT_EQ(r.error().operation, "test.getThing");
}

TEST(Client, InvalidRequestIsNeverSent) {
    mock_transport t;
    test_client c(t);
    auto r = c.call(put_thing{""});
    ASSERT_FALSE(r);
    EXPECT_TRUE(r.error().is(errc::invalid_request));
    EXPECT_EQ(t.request_count(), 0u);
}

// ---------------------------------------------------------------- async client

TEST(AsyncClient, CallbackRunsOnceAndNeverInline) {
    asio::io_context io;
    mock_transport t(io.get_executor());
    t.push(200, "ok");
    test_client c(t);
    int calls = 0;
    std::string got;
    c.async_call(get_thing{"1"}, [&](result<std::string> r) {
        ++calls;
        got = r.value();
    });
    EXPECT_EQ(calls, 0) << "handler ran inside async_call";
    io.run();
    EXPECT_EQ(calls, 1);
    EXPECT_EQ(got, "ok");
}

TEST(AsyncClient, ValidationErrorIsPostedNotInline) {
    asio::io_context io;
    mock_transport t(io.get_executor());
    test_client c(t);
    int calls = 0;
    c.async_call(put_thing{""}, [&](result<unsigned> r) {
        ++calls;
        EXPECT_TRUE(r.error().is(errc::invalid_request));
        EXPECT_EQ(r.error().operation, "test.putThing");
    });
    EXPECT_EQ(calls, 0);
    io.run();
    EXPECT_EQ(calls, 1);
    EXPECT_EQ(t.request_count(), 0u);
}

TEST(AsyncClient, WorksWithUseFuture) {
    asio::io_context io;
    mock_transport t(io.get_executor());
    t.push(200, "fut");
    test_client c(t);
    auto f = c.async_call(get_thing{"1"}, asio::use_future);
    std::thread runner([&] { io.run(); });
    auto r = f.get();
    runner.join();
    EXPECT_EQ(r.value(), "fut");
}

TEST(AsyncClient, WorksWithDeferred) {
    asio::io_context io;
    mock_transport t(io.get_executor());
    t.push(201);
    test_client c(t);
    auto op = c.async_call(put_thing{"v"}, asio::deferred);
    EXPECT_EQ(t.request_count(), 0u) << "deferred must not start before it is launched";
    unsigned status = 0;
    std::move(op)([&](result<unsigned> r) { status = r.value(); });
    io.run();
    EXPECT_EQ(status, 201u);
}

TEST(AsyncClient, WorksAsACoroutine) {
    asio::io_context io;
    mock_transport t(io.get_executor());
    t.push(200, "a");
    t.push(500);
    test_client c(t);
    std::string first;
    bool second_failed = false;
    asio::co_spawn(
        io,
        [&]() -> asio::awaitable<void> {
            // Requests are named first: GCC 12 mis-destroys braced temporaries inside co_await expressions.
            const get_thing one{"1"}, two{"2"};
            auto a = co_await c.async_call(one, asio::use_awaitable);
            first = a.value();
            auto b = co_await c.async_call(two, asio::use_awaitable);
            second_failed = !b && b.error().is(errc::server_error);
        },
        asio::detached);
    io.run();
    EXPECT_EQ(first, "a");
    EXPECT_TRUE(second_failed);
}

TEST(AsyncClient, HeldCallsCompleteWhenReleasedInOrder) {
    asio::io_context io;
    mock_transport t(io.get_executor());
    t.set_completion(mock_transport::completion::manual);
    t.set_handler([](const http_request& r) -> result<http_response> { return serverops::testing::make_response(200, r.target); });
    test_client c(t);
    std::vector<std::string> order;
    c.async_call(get_thing{"1"}, [&](result<std::string> r) { order.push_back(r.value()); });
    c.async_call(get_thing{"2"}, [&](result<std::string> r) { order.push_back(r.value()); });
    io.poll();
    EXPECT_TRUE(order.empty());
    EXPECT_EQ(t.pending_count(), 2u);
    EXPECT_EQ(t.request_count(), 2u) << "held requests are recorded when sent";
    EXPECT_EQ(t.release_all(), 2u);
    io.run();
    EXPECT_EQ(order, (std::vector<std::string>{"/api/things/1", "/api/things/2"}));
}

TEST(AsyncClient, PerOperationCancellationCompletesOnceWithCancelled) {
    asio::io_context io;
    mock_transport t(io.get_executor());
    t.set_completion(mock_transport::completion::manual);
    t.set_handler([](const http_request&) -> result<http_response> { return serverops::testing::make_response(200, "late"); });
    test_client c(t);
    asio::cancellation_signal cancel_first;
    int first_calls = 0, second_calls = 0;
    c.async_call(get_thing{"1"}, asio::bind_cancellation_slot(cancel_first.slot(), [&](result<std::string> r) {
                     ++first_calls;
                     ASSERT_FALSE(r);
                     EXPECT_TRUE(r.error().is(errc::cancelled));
                     EXPECT_EQ(r.error().operation, "test.getThing");
                 }));
    c.async_call(get_thing{"2"}, [&](result<std::string> r) {
        ++second_calls;
        EXPECT_EQ(r.value(), "late");
    });
    io.poll();
    cancel_first.emit(asio::cancellation_type::terminal);
    io.poll();
    EXPECT_EQ(first_calls, 1);
    EXPECT_EQ(t.pending_count(), 1u);
    t.release_all();
    io.run();
    EXPECT_EQ(first_calls, 1) << "a cancelled call must not complete twice";
    EXPECT_EQ(second_calls, 1);
}

}  // namespace
