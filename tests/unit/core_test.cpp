// Core: error model, header list, endpoint parsing, the operation concept, the mock transport and the client
// (sync, callback, future, deferred and coroutine forms).
#include <serverops/client.hpp>
#include <serverops/detail/utf8.hpp>
#include <serverops/endpoint.hpp>
#include <serverops/policies.hpp>
#include <serverops/ucs/server_mode.hpp>
#include <serverops/vendor.hpp>
#include <serverops/testing/emulator/fault_profile.hpp>
#include <serverops/testing/mock_transport.hpp>

#include "../common/hostile_input.hpp"

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>
#include <gtest/gtest.h>

#include <cctype>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <random>
#include <sstream>
#include <thread>
#include <vector>

namespace {

using namespace serverops;
using serverops::testing::mock_transport;
using namespace serverops::testing::hostile;
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


// ---------------------------------------------------------------- hostile text: escapes, encodings, cuts

TEST(Printable, EverySingleByteComesOutSafe) {
    for (int b = 0; b < 256; ++b) {
        const std::string in(1, static_cast<char>(b));
        const auto out = printable(in);
        EXPECT_TRUE(is_safe_for_a_terminal(out)) << b;
        if (b >= 0x20 && b < 0x7f) EXPECT_EQ(out, in);
        else EXPECT_EQ(out.substr(0, 2), "\\x") << b << ": escaped, never dropped or replaced silently";
    }
    EXPECT_EQ(printable("\x9b"), "\\x9b") << "the raw 8-bit CSI byte";
    EXPECT_EQ(printable("\xff\xfe"), "\\xff\\xfe");
}

TEST(Printable, EveryC1ControlIsEscapedAsItsCodePoint) {
    for (std::uint32_t cp = 0x80; cp <= 0x9f; ++cp) {
        const std::string in{static_cast<char>(0xc0 | (cp >> 6)), static_cast<char>(0x80 | (cp & 0x3f))};
        const auto out = printable(in);
        EXPECT_TRUE(is_safe_for_a_terminal(out)) << cp;
        char expected[8];
        std::snprintf(expected, sizeof expected, "\\u%04x", static_cast<unsigned>(cp));
        EXPECT_EQ(out, expected);
    }
    EXPECT_EQ(printable("a\xe2\x80\xa8" "b\xe2\x80\xae" "c"), "a\\u2028b\\u202ec") << "line separator, RTL override";
}

TEST(Printable, KeepsValidNonAsciiTextAndEscapesBrokenSequencesBytewise) {
    EXPECT_EQ(printable("caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac \xf0\x9d\x84\x9e"), "caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac \xf0\x9d\x84\x9e");
    EXPECT_EQ(printable("\xe6\x97"), "\\xe6\\x97") << "a sequence cut short";
    EXPECT_EQ(printable("\xf0\x9d\x84" "a"), "\\xf0\\x9d\\x84a");
    EXPECT_EQ(printable("\xc0\xaf"), "\\xc0\\xaf") << "overlong '/'";
    EXPECT_EQ(printable("\xed\xa0\x80"), "\\xed\\xa0\\x80") << "surrogate";
    EXPECT_EQ(printable("\x80\xbf"), "\\x80\\xbf") << "stray continuation bytes";
}

TEST(Printable, RandomHostileBytesAlwaysComeOutSafe) {
    std::mt19937 rng(20240611);
    std::uniform_int_distribution<std::size_t> limit(0, 80);
    for (int i = 0; i < 5000; ++i) {
        const auto in = hostile_text(rng, 120);
        const auto lim = limit(rng);
        ASSERT_TRUE(is_safe_for_a_terminal(printable(in, lim))) << "limit " << lim;
        ASSERT_TRUE(is_safe_for_a_terminal(printable(in)));
    }
}

TEST(Printable, CutsOnlyOnCharacterBoundariesAtEveryOffset) {
    const std::string in = "a\xc3\xa9\xe6\x97\xa5\xf0\x9d\x84\x9e\x9b\x1b\xe6\x97" "b\xc2\x85z";
    for (std::size_t limit = 0; limit <= in.size() + 1; ++limit) {
        const auto out = printable(in, limit);
        EXPECT_TRUE(is_safe_for_a_terminal(out)) << limit;
        const bool cut = limit < in.size();
        EXPECT_EQ(out.size() >= 3 && out.substr(out.size() - 3) == "...", cut) << limit;
        // What was kept is a prefix of at most `limit` bytes that ends on a character boundary, and no more than
        // one character shorter than the limit.
        const auto kept = detail::utf8_prefix_length(in, limit);
        EXPECT_LE(kept, limit);
        EXPECT_GE(kept + 4, std::min(limit, in.size()) + 1) << limit;
        EXPECT_EQ(out, printable(in.substr(0, kept), in.size()) + (cut ? "..." : "")) << limit;
    }
    // A long run of 3-byte characters, cut at every offset: never half a character.
    std::string cjk;
    for (int i = 0; i < 100; ++i) cjk += "\xe6\x97\xa5";
    for (std::size_t limit = 0; limit < cjk.size(); ++limit) {
        const auto out = printable(cjk, limit);
        ASSERT_TRUE(detail::is_valid_utf8(out)) << limit;
        EXPECT_EQ(out.size(), limit / 3 * 3 + 3) << limit;
    }
}

// An error category whose messages are hostile bytes: a cause message is not ours either (strerror can be
// localized, a third-party category can say anything).
class hostile_category final : public boost::system::error_category {
public:
    std::string text;
    const char* name() const noexcept override { return "hostile"; }
    std::string message(int) const override { return text; }
};

TEST(ErrorMessage, EveryPieceIsEscapedWhateverBytesItHolds) {
    std::mt19937 rng(7);
    hostile_category cat;
    for (int i = 0; i < 2000; ++i) {
        const auto op = hostile_text(rng, 40);
        cat.text = hostile_text(rng, 60);
        error e(errc::operation_failed, hostile_text(rng, 200));  // detail: client text quoting server-chosen ids
        e.operation = op;
        e.cause = boost::system::error_code(1, cat);
        e.vendor_code = hostile_text(rng, 200);
        e.vendor_message = hostile_text(rng, 600);
        e.http_status = 500;
        ASSERT_TRUE(is_safe_for_a_terminal(e.message()));
    }
}

TEST(ErrorMessage, ServerChosenJobIdInTheDetailCannotForgeALine) {
    error e(errc::operation_failed, "job \x1b]0;owned\x07wa1-1\r\nFAKE: ok\x9b" "31m ended failed");
    const auto m = e.message();
    EXPECT_TRUE(is_safe_for_a_terminal(m));
    EXPECT_NE(m.find("job \\x1b]0;owned\\x07wa1-1\\x0d\\x0aFAKE: ok\\x9b31m ended failed"), std::string::npos) << m;
}

TEST(ErrorMessage, VendorCodeIsNotCutAt32Bytes) {
    error e(errc::bad_request);
    e.vendor_code = "Base.1.8.PropertyValueNotInList.ExtendedInfoForTheSecondProperty";  // 65 bytes, Redfish-style
    EXPECT_NE(e.message().find("[" + e.vendor_code + "]"), std::string::npos) << e.message();
    e.vendor_code = std::string(500, 'c');
    const auto m = e.message();
    EXPECT_NE(m.find("[" + std::string(error::vendor_code_print_limit, 'c') + "...]"), std::string::npos) << m;
}

TEST(EnumTable, UnknownValueIsCutOnACharacterBoundary) {
    enum class colour { red };
    constexpr auto table = make_enum_table<colour>(std::pair{colour::red, std::string_view("red")});
    for (std::size_t shift = 0; shift < 4; ++shift) {
        std::string value(shift, 'x');
        for (int i = 0; i < 100; ++i) value += "\xf0\x9d\x84\x9e";  // 4-byte characters straddle byte 128
        auto r = table.parse(value, "colour");
        ASSERT_FALSE(r);
        EXPECT_TRUE(r.error().is(errc::unknown_enum_value));
        const auto& kept = r.error().vendor_message;
        EXPECT_TRUE(detail::is_valid_utf8(kept)) << shift;
        EXPECT_LE(kept.size(), 128u);
        EXPECT_GE(kept.size(), 125u);
        EXPECT_EQ(value.substr(0, kept.size()), kept);
    }
}

// ---------------------------------------------------------------- base URLs

struct bad_url {
    const char* url;
    const char* why;
};

class EndpointRejects : public ::testing::TestWithParam<bad_url> {};

TEST_P(EndpointRejects, WithInvalidRequestAndAnEscapedDetail) {
    const auto r = parse_endpoint(GetParam().url);
    ASSERT_FALSE(r) << GetParam().url << " was accepted as host " << printable(r.value().host) << " port "
                    << r.value().port << " prefix " << printable(r.value().path_prefix);
    EXPECT_TRUE(r.error().is(errc::invalid_request));
    EXPECT_TRUE(is_safe_for_a_terminal(r.error().detail)) << "the detail itself quotes only escaped text";
    EXPECT_TRUE(is_safe_for_a_terminal(r.error().message()));
}

INSTANTIATE_TEST_SUITE_P(
    HostilePortsHostsAndPrefixes, EndpointRejects,
    ::testing::Values(
        bad_url{"http://127.0.0.1:91138/v2", "wraps to 25602 in 16 bits"}, bad_url{"http://127.0.0.1:65536/", "one past"},
        bad_url{"http://127.0.0.1:0/", "port 0"}, bad_url{"http://127.0.0.1:/v2", "empty port"},
        bad_url{"http://127.0.0.1:00000/", "zero, padded"}, bad_url{"https://h:18446744073709551617/", "wraps 64 bits"},
        bad_url{"http://h:99999999999999999999999999/", "huge"}, bad_url{"http://[::1]:70000/", "IPv6, out of range"},
        bad_url{"http://h:8o8o/", "letters"}, bad_url{"http://%0d%0aevil/v2", "CR LF in the host"},
        bad_url{"http://a%20b/", "space"}, bad_url{"http://a%25b/", "'%' after decoding"},
        bad_url{"http://a%00b/", "NUL"}, bad_url{"http://a%1bb/", "ESC"}, bad_url{"http://a%7f/", "DEL"},
        bad_url{"http://h%C3%A9/", "non-ASCII after decoding"}, bad_url{"http://a%3Ab/", "':' after decoding"},
        bad_url{"http://a%2Fb/", "'/' after decoding"}, bad_url{"http://%9b/", "raw 8-bit CSI"},
        bad_url{"http://:80/", "empty host"}, bad_url{"http://[fe80::1%25eth0]/", "IPv6 zone id"},
        bad_url{"http://[v1.x]/", "IPvFuture"}, bad_url{"http://h/v2/..", "'..' segment"},
        bad_url{"http://h/v2/.", "'.' segment"}, bad_url{"http://h/./v2", "leading '.'"},
        bad_url{"http://h/v2/../admin", "'..' in the middle"}, bad_url{"http://h/v2/%2e%2E", "encoded '..'"},
        bad_url{"http://h/%2E/v2", "encoded '.'"}, bad_url{"http://h/v2/./", "'.' before a trailing slash"},
        bad_url{"http://h/v2%0d%0aX-Evil:%201", "CR LF in the path"}, bad_url{"http://h/a%00b", "NUL in the path"},
        bad_url{"http://h/a%7f", "DEL in the path"}, bad_url{"http://h/a%1b[2J", "ESC in the path"}));

TEST(Endpoint, AcceptsEdgePortsAndPlainPrefixes) {
    struct good {
        const char* url;
        const char* host;
        const char* port;
        const char* prefix;
    };
    for (const auto& g : {good{"http://127.0.0.1:1/", "127.0.0.1", "1", ""},
                          good{"http://127.0.0.1:65535/v2", "127.0.0.1", "65535", "/v2"},
                          good{"http://h:00080/v2", "h", "80", "/v2"}, good{"https://[::1]/x", "::1", "443", "/x"},
                          good{"https://My-Host.example_1/", "My-Host.example_1", "443", ""},
                          good{"http://h/v2/...x/a.b/..c/%2F", "h", "80", "/v2/...x/a.b/..c/%2F"},
                          good{"http://h/v2/.../%2e%2e%2e", "h", "80", "/v2/.../%2e%2e%2e"},
                          good{"http://h/a%20b", "h", "80", "/a%20b"}}) {
        auto r = parse_endpoint(g.url);
        ASSERT_TRUE(r) << g.url << ": " << r.error();
        EXPECT_EQ(r.value().host, g.host) << g.url;
        EXPECT_EQ(r.value().port, g.port) << g.url;
        EXPECT_EQ(r.value().path_prefix, g.prefix) << g.url;
    }
}

// ---------------------------------------------------------------- path segments

TEST(PathSegment, EveryHostileIdIsExactlyOneEncodedSegment) {
    for (const auto& id : hostile_ids()) {
        const auto seg = encode_path_segment(id);
        EXPECT_TRUE(is_one_encoded_segment(seg, id)) << printable(id);
    }
    EXPECT_EQ(encode_path_segment("."), "%2E");
    EXPECT_EQ(encode_path_segment(".."), "%2E%2E");
    EXPECT_EQ(encode_path_segment("..."), "...") << "not a dot segment";
    EXPECT_EQ(encode_path_segment("wa1-1.b_c~d"), "wa1-1.b_c~d");
    EXPECT_EQ(encode_path_segment("a/b c"), "a%2Fb%20c");
    std::string every_byte;
    for (int b = 0; b < 256; ++b) every_byte += static_cast<char>(b);
    EXPECT_TRUE(is_one_encoded_segment(encode_path_segment(every_byte), every_byte));
}

TEST(PathPrefix, DotSegmentsAndDecodedControlsAreUnsafe) {
    for (const char* ok : {"", "/v2", "/genesys/1/cs", "/a.b/...", "/%2F", "/a%20b", "/x:y@z!$&'()*+,;="}) {
        EXPECT_TRUE(is_safe_path_prefix(ok)) << ok;
        EXPECT_TRUE(check_path_prefix(ok, "root prefix")) << ok;
    }
    for (const char* bad : {"v2", "/.", "/..", "/v2/..", "/./x", "/%2e", "/%2E%2e/x", "/a%0d%0a", "/a%00", "/a%7F", "/a b",
                            "/a?b", "/a#b", "/a%", "/a%2", "/a%zz", "/caf\xc3\xa9", "/a\r\n", "/a\"b", "/a\\b"}) {
        EXPECT_FALSE(is_safe_path_prefix(bad)) << printable(bad);
        auto r = check_path_prefix(bad, "root prefix");
        ASSERT_FALSE(r) << printable(bad);
        EXPECT_TRUE(r.error().is(errc::invalid_request));
        EXPECT_TRUE(r.error().detail.starts_with("root prefix must be")) << r.error();
    }
}

// ---------------------------------------------------------------------------------------------- vendor toolkit

http_response answer(unsigned status, std::string body, std::string_view retry = {}) {
    http_response r;
    r.status = status;
    r.body = std::move(body);
    if (!retry.empty()) r.headers.set("Retry-After", retry);
    return r;
}

struct error_body_case {
    std::string body;
    std::string code;
    std::string message;
};

class ResponseErrorReads : public ::testing::TestWithParam<error_body_case> {};

TEST_P(ResponseErrorReads, TheVendorsWordsFromEveryBodyShape) {
    const auto& c = GetParam();
    for (unsigned status : {400u, 404u, 500u, 503u}) {
        auto e = response_error(answer(status, c.body, "7"));
        EXPECT_EQ(e.kind(), errc_from_http_status(status));
        EXPECT_EQ(e.http_status, status);
        EXPECT_EQ(e.retry_after, std::chrono::seconds(7));
        EXPECT_EQ(e.vendor_code, c.code) << c.body;
        EXPECT_EQ(e.vendor_message, c.message) << c.body;
    }
}

INSTANTIATE_TEST_SUITE_P(
    Bodies, ResponseErrorReads,
    ::testing::Values(error_body_case{"", "", ""},
                      error_body_case{R"({"message":"m"})", "", "m"},
                      error_body_case{R"({"error":{"code":"NoSuchThing","message":"m"}})", "NoSuchThing", "m"},
                      error_body_case{R"({"error":{"code":404,"message":"m"},"description":"d"})", "404", "m | d"},
                      error_body_case{R"({"error":"Not Found","message":"m"})", "", "Not Found | m"},
                      error_body_case{R"({"errorCode":"E1","errorMessage":"m"})", "E1", "m"},
                      error_body_case{R"("just a string")", "", "just a string"},
                      error_body_case{"  Bad Gateway\r\n", "", "Bad Gateway\r\n"},
                      error_body_case{"<html><body>502</body></html>", "", ""},   // a proxy's page is noise
                      error_body_case{R"({"message":"cut off)", "", ""},          // broken JSON too
                      error_body_case{R"([1,2,3])", "", ""}));

TEST(ResponseError, AVendorReaderRefinesTheKindAndEveryTextIsBounded) {
    const std::string huge(5000, 'x');
    auto e = response_error(answer(503, R"({"code":0,"message":")" + huge + "\u00e9\"}"), errc::unavailable,
                            [](const boost::json::value& v, error& err) {
                                err.vendor_code = std::string(300, 'c');
                                err.vendor_message = v.at("message").as_string();
                                if (v.at("code") == 0) err.code = make_error_code(errc::busy);
                            });
    EXPECT_TRUE(e.is(errc::busy));
    EXPECT_EQ(e.vendor_message.size(), max_vendor_message_length);
    EXPECT_EQ(e.vendor_code.size(), max_vendor_code_length);
    // A plain-text body is cut on a character boundary: the kept text stays valid UTF-8.
    std::string text(max_plain_text_body - 1, 'a');
    text += "\xc3\xa9 tail";
    auto t = response_error(answer(500, text));
    EXPECT_EQ(t.vendor_message.size(), max_plain_text_body - 1);
    EXPECT_TRUE(detail::is_valid_utf8(t.vendor_message));
}

TEST(ResponseError, UnexpectedStatusAndWithHttpStatus) {
    auto e = unexpected_status_error(answer(302, ""), {200, 201});
    EXPECT_TRUE(e.is(errc::unexpected_status));
    EXPECT_EQ(e.http_status, 302u);
    EXPECT_EQ(e.detail, "expected HTTP 200 or 201");
    result<int> shape = failure(errc::unexpected_response, "expected string at '$.x', got number");
    EXPECT_EQ(with_http_status(shape, answer(200, "{}")).error().http_status, 200u);
    result<int> stamped = failure(e);
    EXPECT_EQ(with_http_status(stamped, answer(200, "{}")).error().http_status, 302u) << "an existing status stays";
    EXPECT_TRUE(is_success_status(200) && is_success_status(299) && !is_success_status(199) && !is_success_status(300));
}

TEST(VendorToolkit, HeaderValueClasses) {
    EXPECT_TRUE(is_header_token("eyJhbGciOi.x-_~+/="));
    for (std::string_view bad : {std::string_view("a b"), std::string_view("a\r\nX: y"), std::string_view("a\tb"),
                                 std::string_view("caf\xc3\xa9"), std::string_view("a\0b", 3), std::string_view("a\x7f")})
        EXPECT_FALSE(is_header_token(bad)) << printable(bad);
    EXPECT_TRUE(has_control_characters("a\nb"));
    EXPECT_TRUE(has_control_characters("a\x7f"));
    EXPECT_FALSE(has_control_characters("pass word caf\xc3\xa9"));
}

TEST(VendorToolkit, MakeTargetEncodesEverySegmentOnce) {
    EXPECT_EQ(make_target("/api", {"machines", "../m2", "a b/c", "."}), "/api/machines/..%2Fm2/a%20b%2Fc/%2E");
    EXPECT_EQ(make_target("", {"x"}), "/x");
}

TEST(VendorToolkit, JsonReadersNameThePath) {
    auto v = parse_json(R"({"a":{"b":[1,"two"]},"n":null})").value();
    const auto* o = as_object(v, "$").value();
    EXPECT_EQ(find_field(*o, "n"), nullptr) << "JSON null reads as absent";
    auto b = as_array(o->at("a").at("b"), "$.a.b").value();
    auto wrong = as_string((*b)[0], "$.a.b[0]");
    ASSERT_FALSE(wrong);
    EXPECT_TRUE(wrong.error().is(errc::unexpected_response));
    EXPECT_EQ(wrong.error().detail, "expected string at '$.a.b[0]', got number");
    EXPECT_TRUE(parse_json("{").error().is(errc::malformed_response));
}

// ---------------------------------------------------------------------------------------------- vendor-neutral errc

TEST(VendorNeutralErrors, BusyIsTransientAndUcsKeepsItsWord) {
    EXPECT_TRUE(is_transient(error(errc::busy)));
    EXPECT_FALSE(is_transient(error(errc::not_accepted)));
    EXPECT_FALSE(is_transient(error(errc::operation_failed)));
    for (auto body : {std::string(), std::string("<html>503</html>"), std::string(R"({"message":"switching"})")}) {
        auto r = ucs::get_server_status{}.decode(answer(503, body));
        ASSERT_FALSE(r);
        EXPECT_TRUE(r.error().is(errc::busy)) << r.error();
        EXPECT_EQ(r.error().vendor_code, "mode_switching") << body;
    }
    auto coded = ucs::get_server_status{}.decode(answer(503, R"({"code":"MAINT"})"));
    EXPECT_EQ(coded.error().vendor_code, "MAINT") << "the server's own code wins";
}

// ---------------------------------------------------------------------------------------------- foreign causes, value()

std::string fake_curl_message(int v) { return v == 6 ? "Couldn't resolve host name" : "curl error"; }
const foreign_error_category fake_curl_category("curl", &fake_curl_message);

TEST(ForeignCause, AnErrorCarriesAForeignCodeWithItsMessage) {
    error e(errc::transport_failure, "my transport");
    e.cause = boost::system::error_code(6, fake_curl_category);
    EXPECT_STREQ(e.cause.category().name(), "curl");
    EXPECT_EQ(e.cause.value(), 6);
    EXPECT_NE(e.message().find("[Couldn't resolve host name]"), std::string::npos) << e;
    const foreign_error_category unnamed_text("lib", nullptr);
    EXPECT_EQ(boost::system::error_code(3, unnamed_text).message(), "lib error 3");
}

TEST(ResultValueDeathTest, ValueOfAFailedResultPrintsTheErrorFirst) {
    EXPECT_DEATH(
        {
            result<int> r = failure(errc::not_found, "server WA1X");
            r.error().operation = "clc.getServer";
            (void)r.value();
        },
        "serverops: value\\(\\) of a failed result: clc.getServer: not found: server WA1X");
    EXPECT_DEATH(
        {
            result<int> r = 1;
            (void)r.error();
        },
        "serverops: error\\(\\) of a successful result");
}

// ---------------------------------------------------------------- emulator settings as text (serverops emulator)

namespace emu = serverops::testing;

TEST(EmulatorFaultProfile, TheDocumentedExampleBecomesFaultObjects) {
    auto parsed = emu::parse_fault_profile(
        "status-500=0.05,login-401=once,429=0.02:retry-after=2,latency=50ms..300ms,close-mid-response=0.01,"
        "503=3x:path=/status/:method=get,truncated-body=1");
    ASSERT_TRUE(parsed) << parsed.error().message();
    const auto& rules = parsed.value().rules;
    ASSERT_EQ(rules.size(), 7u);
    EXPECT_EQ(rules[0].what.kind, emu::fault_kind::respond);
    EXPECT_EQ(rules[0].what.response.status, 500u);
    EXPECT_EQ(rules[0].times, 0u);
    EXPECT_DOUBLE_EQ(rules[0].probability, 0.05);
    EXPECT_EQ(rules[1].what.response.status, 401u);
    EXPECT_EQ(rules[1].what.path_substring, "/login");
    EXPECT_EQ(rules[1].times, 1u);
    EXPECT_EQ(rules[2].what.response.status, 429u);
    EXPECT_EQ(rules[2].what.response.headers.find("Retry-After").value_or(""), "2");
    EXPECT_EQ(rules[2].what.response.headers.find("Content-Type").value_or(""), emu::json_content_type);
    EXPECT_EQ(rules[3].what.kind, emu::fault_kind::delay);
    EXPECT_EQ(rules[3].what.delay, std::chrono::milliseconds(50));
    EXPECT_EQ(rules[3].what.delay_max, std::chrono::milliseconds(300));
    EXPECT_EQ(rules[4].what.kind, emu::fault_kind::close_mid_response);
    EXPECT_EQ(rules[5].what.response.status, 503u);
    EXPECT_FALSE(rules[5].what.response.headers.find("Retry-After")) << "none unless asked for";
    EXPECT_EQ(rules[5].times, 3u);
    EXPECT_EQ(rules[5].what.path_substring, "/status/");
    EXPECT_EQ(rules[5].what.method, verb::get);
    EXPECT_EQ(rules[6].what.kind, emu::fault_kind::truncated_body);
    EXPECT_DOUBLE_EQ(rules[6].probability, 1.0);

    // The same fault on other paths or methods is not a duplicate.
    EXPECT_TRUE(emu::parse_fault_profile("500=once:path=/a,500=once:path=/b,500=once:method=POST,500=0.5"));
}

struct hostile_option_text {
    std::string text;
    emu::option_errc code;
};

class EmulatorFaultProfileHostile : public ::testing::TestWithParam<hostile_option_text> {};

TEST_P(EmulatorFaultProfileHostile, IsRejectedWithATypedErrorNamingTheItem) {
    const auto& c = GetParam();
    auto parsed = emu::parse_fault_profile(c.text);
    ASSERT_FALSE(parsed) << ::testing::PrintToString(c.text) << " was accepted";
    EXPECT_EQ(parsed.error().code, c.code) << ::testing::PrintToString(c.text) << ": " << parsed.error().message();
    const auto message = parsed.error().message();
    EXPECT_TRUE(is_safe_for_a_terminal(message));
    EXPECT_LT(message.size(), 400u);
    EXPECT_TRUE(c.text.find(parsed.error().item) != std::string::npos) << "the item is a piece of the text given";
}

const hostile_option_text hostile_profiles[] = {
    {"", emu::option_errc::empty},
    {"status-500=0.05,,latency=5ms", emu::option_errc::empty},
    {",status-500=1", emu::option_errc::empty},
    {"status-500=1,", emu::option_errc::empty},
    {"=once", emu::option_errc::empty},
    {"status-500=", emu::option_errc::empty},
    {"status-500=once:path=", emu::option_errc::empty},
    {"status-500", emu::option_errc::syntax},
    {"status-500 =once", emu::option_errc::syntax},
    {"status-500=1e-2", emu::option_errc::syntax},
    {"status-500=-0.1", emu::option_errc::syntax},
    {"status-500=+0.1", emu::option_errc::syntax},
    {"status-500=nan", emu::option_errc::syntax},
    {"status-500=NaN", emu::option_errc::syntax},
    {"status-500=inf", emu::option_errc::syntax},
    {"status-500=.5", emu::option_errc::syntax},
    {"status-500=0.5.5", emu::option_errc::syntax},
    {"status-500=twice", emu::option_errc::syntax},
    {"latency=50", emu::option_errc::syntax},
    {"latency=-5ms", emu::option_errc::syntax},
    {"latency=5ms..", emu::option_errc::syntax},
    {"latency=0.5ms", emu::option_errc::out_of_range},
    {"status-500=once:method=BREW", emu::option_errc::syntax},
    {"status-500=1.5", emu::option_errc::out_of_range},
    {"status-500=0", emu::option_errc::out_of_range},
    {"status-500=0.0000001", emu::option_errc::out_of_range},
    {"status-500=99999999999999999999999999999999", emu::option_errc::out_of_range},
    {"status-500=0x", emu::option_errc::out_of_range},
    {"status-500=1000001x", emu::option_errc::out_of_range},
    {"status-500=18446744073709551617x", emu::option_errc::out_of_range},
    {"latency=99999999999999999999ms", emu::option_errc::out_of_range},
    {"latency=301s", emu::option_errc::out_of_range},
    {"latency=300ms..50ms", emu::option_errc::out_of_range},
    {"status-200=once", emu::option_errc::out_of_range},
    {"status-700=once", emu::option_errc::out_of_range},
    {"status-500=once:retry-after=86401", emu::option_errc::out_of_range},
    {"status-500=once:retry-after=-1", emu::option_errc::syntax},
    {"teapot=once", emu::option_errc::unknown_name},
    {"status-5000=once", emu::option_errc::unknown_name},
    {"STATUS-500=once", emu::option_errc::unknown_name},
    {"status-500=once:colour=red", emu::option_errc::unknown_parameter},
    {"close-mid-response=once:retry-after=2", emu::option_errc::unknown_parameter},
    {"login-401=once:retry-after=2", emu::option_errc::unknown_parameter},
    {"status-500=once:retry-after=1:retry-after=2", emu::option_errc::duplicate},
    {"status-500=once,500=0.1", emu::option_errc::duplicate},
    {"latency=5ms,latency=10ms", emu::option_errc::duplicate},
    {"status-500=once\n", emu::option_errc::control_character},
    {"status-500=once:path=/a\x1b[31m", emu::option_errc::control_character},
    {std::string("status-500=once:path=/a\0b", 25), emu::option_errc::control_character},
    {"status-500=once:path=/\xc3\xa9", emu::option_errc::control_character},
    {"status-500=once:path=/\x7f", emu::option_errc::control_character},
    {"status-500=once:path=/" + std::string(300, 'a'), emu::option_errc::too_long},
    {std::string(5000, 'a'), emu::option_errc::too_long},
};
INSTANTIATE_TEST_SUITE_P(All, EmulatorFaultProfileHostile, ::testing::ValuesIn(hostile_profiles));

TEST(EmulatorFaultProfile, TooManyItemsAreRejected) {
    std::string text;
    for (int i = 0; i < 33; ++i) {
        if (i) text += ',';
        text += "500=once:path=/p" + std::to_string(i);
    }
    auto parsed = emu::parse_fault_profile(text);
    ASSERT_FALSE(parsed);
    EXPECT_EQ(parsed.error().code, emu::option_errc::too_long);
}

TEST(EmulatorDurationText, SecondsWithJitter) {
    using std::chrono::milliseconds;
    auto d = emu::parse_emulated_duration("30:10");
    ASSERT_TRUE(d);
    EXPECT_EQ(d.value().base, milliseconds(30000));
    EXPECT_EQ(d.value().jitter, milliseconds(10000));
    EXPECT_EQ(emu::parse_emulated_duration("0.25").value().base, milliseconds(250));
    EXPECT_EQ(emu::parse_emulated_duration("0").value().base, milliseconds(0));
    EXPECT_EQ(emu::parse_seconds_text("86400").value(), std::chrono::hours(24));
    EXPECT_EQ(emu::parse_seed("18446744073709551615").value(), UINT64_MAX);
    EXPECT_EQ(emu::parse_seed("0").value(), 0u);

    const std::pair<std::string, emu::option_errc> hostile[] = {
        {"", emu::option_errc::empty},         {":5", emu::option_errc::empty},
        {"30:", emu::option_errc::empty},      {"-1", emu::option_errc::syntax},
        {"1e3", emu::option_errc::syntax},     {"nan", emu::option_errc::syntax},
        {"inf", emu::option_errc::syntax},     {"3 0", emu::option_errc::syntax},
        {"30s", emu::option_errc::syntax},     {"30:10:5", emu::option_errc::syntax},
        {"86401", emu::option_errc::out_of_range}, {"1.2345", emu::option_errc::out_of_range},
        {"30:40", emu::option_errc::out_of_range}, {"99999999999999999999999", emu::option_errc::out_of_range},
        {std::string(40, '1'), emu::option_errc::too_long}, {"3\n", emu::option_errc::control_character},
    };
    for (auto& [text, code] : hostile) {
        auto r = emu::parse_emulated_duration(text);
        ASSERT_FALSE(r) << ::testing::PrintToString(text);
        EXPECT_EQ(r.error().code, code) << ::testing::PrintToString(text) << ": " << r.error().message();
        EXPECT_TRUE(is_safe_for_a_terminal(r.error().message()));
    }
    for (std::string text : {"", "-1", "18446744073709551616", "99999999999999999999999", "0x10", "1 ", "\x1b"})
        EXPECT_FALSE(emu::parse_seed(text)) << ::testing::PrintToString(text);
}

TEST(EmulatorRandomness, OneSeedReplaysTheSameDrawsWithinTheirBounds) {
    using std::chrono::milliseconds;
    emu::random_source a(42, emu::random_stream::faults), b(42, emu::random_stream::faults),
        other(43, emu::random_stream::faults);
    int hits = 0;
    bool differs = false;
    for (int i = 0; i < 10000; ++i) {
        const auto x = a.draw({milliseconds(3000), milliseconds(1000)});
        EXPECT_EQ(x, b.draw({milliseconds(3000), milliseconds(1000)}));
        if (x != other.draw({milliseconds(3000), milliseconds(1000)})) differs = true;
        ASSERT_GE(x, milliseconds(2000));
        ASSERT_LE(x, milliseconds(4000));
        const bool hit = a.chance(0.05);
        EXPECT_EQ(hit, b.chance(0.05));
        hits += hit ? 1 : 0;
    }
    EXPECT_TRUE(differs);
    EXPECT_GT(hits, 350);  // 5 % of 10,000, give or take
    EXPECT_LT(hits, 650);
    EXPECT_TRUE(a.chance(1.0));
    EXPECT_FALSE(a.chance(0.0));
    EXPECT_FALSE(a.chance(std::numeric_limits<double>::quiet_NaN()));
}

TEST(EmulatorFaultQueue, ADelayComposesWithAnAnswerAndCountsAreConsumed) {
    using std::chrono::milliseconds;
    emu::fault_queue q;
    q.seed(7);
    auto profile = emu::parse_fault_profile("latency=100ms..150ms,500=once:path=/status/");
    ASSERT_TRUE(profile);
    profile.value().arm(q);
    EXPECT_EQ(q.pending(), 1u) << "random faults are not counted";
    auto first = q.take(verb::get, "/v2/operations/ALIAS/status/wa1-1");
    ASSERT_TRUE(first);
    EXPECT_EQ(first->kind, emu::fault_kind::respond);
    EXPECT_EQ(first->response.status, 500u);
    EXPECT_GE(first->delay, milliseconds(100));
    EXPECT_LE(first->delay, milliseconds(150));
    auto second = q.take(verb::get, "/v2/operations/ALIAS/status/wa1-1");
    ASSERT_TRUE(second);
    EXPECT_EQ(second->kind, emu::fault_kind::delay) << "the 500 was used up; the latency stays";
    EXPECT_EQ(q.pending(), 0u);

    // Counted faults keep their order: one answer per request, oldest first.
    emu::fault_queue fifo;
    fifo.add(emu::fault::status(500), 1);
    fifo.add(emu::fault::status(503), 1);
    EXPECT_EQ(fifo.take(verb::get, "/x")->response.status, 500u);
    EXPECT_EQ(fifo.take(verb::get, "/x")->response.status, 503u);
    EXPECT_FALSE(fifo.take(verb::get, "/x"));
}

}  // namespace
