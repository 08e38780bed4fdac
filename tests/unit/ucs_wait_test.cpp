// ucs::wait_until_mode and switch_mode_and_wait through the mock transport: the sans-I/O waiter's rules (first poll
// at once, the 503 window ridden out without counting, transient errors bounded, final errors at once, the deadline
// naming the last known mode), sync with an injected clock, async with any token, never inline, cancellable.
#include <serverops/client.hpp>
#include <serverops/testing/mock_transport.hpp>
#include <serverops/ucs.hpp>
#include <serverops/ucs/session.hpp>
#include <serverops/ucs/wait.hpp>

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <gtest/gtest.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace {

using namespace serverops;
using namespace std::chrono_literals;
using serverops::testing::make_response;
using serverops::testing::mock_transport;

http_response status_of(std::string_view mode) {
    return make_response(200, R"({"mode":")" + std::string(mode) + R"(","version":"8.5.000.14","system_time":"2024-01-02T03:04:05.678Z"})");
}
http_response switching() { return make_response(503, R"({"http_method":"GET","http_code":503,"message":"switching"})"); }

/// A clock that moves only when the code under test sleeps.
struct fake_time {
    clock_type::time_point now = clock_type::time_point{} + 1h;
    std::vector<clock_type::duration> sleeps;
    sync_clock clock() {
        return sync_clock{[this] { return now; }, [this](clock_type::duration d) {
                              sleeps.push_back(d);
                              now += d;
                          }};
    }
    clock_type::duration slept() const {
        clock_type::duration total{};
        for (auto d : sleeps) total += d;
        return total;
    }
};

polling_policy policy(std::chrono::milliseconds interval = 200ms, std::chrono::milliseconds timeout = 1s, int errors = 3) {
    polling_policy p;
    p.interval = interval;
    p.timeout = timeout;
    p.max_consecutive_poll_errors = errors;
    return p;
}

using mock_client = client<mock_transport&, ucs::context>;

TEST(UcsWait, ReturnsAtOnceWhenTheModeIsAlreadyReached) {
    mock_transport t;
    t.push(status_of("Maintenance"));
    mock_client c(t);
    fake_time ft;
    auto r = ucs::wait_until_mode(c, ucs::server_mode::maintenance, policy(), ft.clock());
    ASSERT_TRUE(r) << r.error();
    EXPECT_EQ(r.value().mode, ucs::server_mode::maintenance);
    EXPECT_EQ(r.value().version, "8.5.000.14");
    EXPECT_EQ(t.request_count(), 1u);
    EXPECT_TRUE(ft.sleeps.empty());
    EXPECT_EQ(t.requests()[0].target, "/server/status");
}

TEST(UcsWait, RidesOutTheSwitchWindowWithoutCountingIt) {
    mock_transport t;
    for (int i = 0; i < 6; ++i) t.push(switching());  // more 503s than max_consecutive_poll_errors
    t.push(status_of("production"));
    t.push(status_of("maintenance"));
    mock_client c(t);
    fake_time ft;
    auto r = ucs::wait_until_mode(c, ucs::server_mode::maintenance, policy(100ms, 5s, 2), ft.clock());
    ASSERT_TRUE(r) << r.error();
    EXPECT_EQ(r.value().mode, ucs::server_mode::maintenance);
    EXPECT_EQ(t.request_count(), 8u);
    ASSERT_EQ(ft.sleeps.size(), 7u);
    for (auto d : ft.sleeps) EXPECT_EQ(d, 100ms);
}

TEST(UcsWait, IntervalGrowsUpToItsCap) {
    mock_transport t;
    for (int i = 0; i < 4; ++i) t.push(status_of("production"));
    t.push(status_of("maintenance"));
    mock_client c(t);
    fake_time ft;
    auto p = policy(100ms, 10s);
    p.growth = 2.0;
    p.max_interval = 300ms;
    ASSERT_TRUE(ucs::wait_until_mode(c, ucs::server_mode::maintenance, p, ft.clock()));
    EXPECT_EQ(ft.sleeps, (std::vector<clock_type::duration>{100ms, 200ms, 300ms, 300ms}));
}

TEST(UcsWait, DeadlineReportsTheLastKnownMode) {
    mock_transport t;
    t.set_handler([](const http_request&) -> result<http_response> { return status_of("production"); });
    mock_client c(t);
    fake_time ft;
    auto r = ucs::wait_until_mode(c, ucs::server_mode::maintenance, policy(200ms, 1s), ft.clock());
    ASSERT_FALSE(r);
    EXPECT_TRUE(r.error().is(errc::deadline_exceeded)) << r.error();
    EXPECT_EQ(r.error().operation, ucs::wait_operation_name);
    EXPECT_NE(r.error().detail.find("maintenance"), std::string::npos) << r.error();
    EXPECT_NE(r.error().detail.find("last known mode production"), std::string::npos) << r.error();
    EXPECT_EQ(t.request_count(), 5u) << "polls at 0, 200, 400, 600 and 800 ms; none at or after the deadline";
    EXPECT_EQ(ft.slept(), 1s) << "the last sleep stops at the deadline";
}

TEST(UcsWait, DeadlineWhileStillSwitchingSaysSo) {
    mock_transport t;
    t.push(status_of("production"));
    t.set_handler([](const http_request&) -> result<http_response> { return switching(); });
    mock_client c(t);
    fake_time ft;
    auto r = ucs::wait_until_mode(c, ucs::server_mode::maintenance, policy(250ms, 1s), ft.clock());
    ASSERT_FALSE(r);
    EXPECT_TRUE(r.error().is(errc::deadline_exceeded));
    EXPECT_NE(r.error().detail.find("still switching"), std::string::npos) << r.error();
    EXPECT_NE(r.error().detail.find("last known mode production"), std::string::npos) << r.error();
}

TEST(UcsWait, FinalErrorsEndTheWaitAtOnce) {
    for (unsigned status : {400u, 401u, 403u, 404u}) {
        mock_transport t;
        t.push(make_response(status, R"({"message":"no"})"));
        mock_client c(t);
        fake_time ft;
        auto r = ucs::wait_until_mode(c, ucs::server_mode::production, policy(), ft.clock());
        ASSERT_FALSE(r);
        EXPECT_EQ(r.error().http_status, status);
        EXPECT_EQ(r.error().kind(), errc_from_http_status(status));
        EXPECT_EQ(t.request_count(), 1u) << status;
    }
    mock_transport t;
    t.push(make_response(200, R"({"mode":"standby"})"));  // an undocumented mode is not "not yet"
    mock_client c(t);
    fake_time ft;
    auto r = ucs::wait_until_mode(c, ucs::server_mode::production, policy(), ft.clock());
    ASSERT_FALSE(r);
    EXPECT_TRUE(r.error().is(errc::unknown_enum_value)) << r.error();
}

TEST(UcsWait, TransientErrorsAreToleratedUpToTheBound) {
    {
        mock_transport t;
        t.push(500, "{}");
        t.push_error(errc::connection_closed);
        t.push(status_of("production"));
        mock_client c(t);
        fake_time ft;
        auto r = ucs::wait_until_mode(c, ucs::server_mode::production, policy(10ms, 1s, 3), ft.clock());
        ASSERT_TRUE(r) << r.error();
        EXPECT_EQ(t.request_count(), 3u);
    }
    {
        mock_transport t;
        t.set_handler([](const http_request&) -> result<http_response> { return make_response(500, "{}"); });
        mock_client c(t);
        fake_time ft;
        auto r = ucs::wait_until_mode(c, ucs::server_mode::production, policy(10ms, 1s, 3), ft.clock());
        ASSERT_FALSE(r);
        EXPECT_TRUE(r.error().is(errc::server_error)) << r.error();
        EXPECT_EQ(t.request_count(), 3u);
    }
}

TEST(UcsWait, SwitchModeAndWaitPostsThenPolls) {
    mock_transport t;
    t.push(make_response(200, R"({"server changed":"maintenance"})", {{"Location", "/genesys/1/cs/server/status"}}));
    t.push(switching());
    t.push(status_of("maintenance"));
    mock_client c(t, ucs::context{"/genesys/1/cs", "kent", "superman"});
    auto r = ucs::switch_mode_and_wait(c, ucs::server_mode::maintenance, policy(1ms, 2s));
    ASSERT_TRUE(r) << r.error();
    auto reqs = t.requests();
    ASSERT_EQ(reqs.size(), 3u);
    EXPECT_EQ(reqs[0].method, verb::post);
    EXPECT_EQ(reqs[0].target, "/genesys/1/cs/server/mode");
    EXPECT_EQ(reqs[0].body, R"({"mode":"maintenance"})");
    EXPECT_EQ(reqs[1].target, "/genesys/1/cs/server/status");
    EXPECT_TRUE(reqs[2].headers.find("Authorization").has_value());

    mock_transport refused;
    refused.push(make_response(401, "Unauthorized"));
    mock_client c2(refused);
    auto r2 = ucs::switch_mode_and_wait(c2, ucs::server_mode::maintenance, policy(1ms, 2s));
    ASSERT_FALSE(r2);
    EXPECT_TRUE(r2.error().is(errc::unauthorized));
    EXPECT_EQ(refused.request_count(), 1u) << "no poll after a failed POST";
}

TEST(UcsWait, ThroughASessionUsesItsClock) {
    mock_transport t;
    t.set_handler([](const http_request&) -> result<http_response> { return status_of("production"); });
    fake_time ft;
    session_options o;
    o.clock = ft.clock();
    o.retry = retry_policy::none();
    ucs::session<mock_transport&> s(t, ucs::basic_authenticator{}, ucs::context{}, o);
    auto r = ucs::wait_until_mode(s, ucs::server_mode::maintenance, policy(100ms, 1s));
    ASSERT_FALSE(r);
    EXPECT_TRUE(r.error().is(errc::deadline_exceeded));
    EXPECT_EQ(ft.slept(), 1s) << "the session's fake clock slept, not the real one";
}

// ---------------------------------------------------------------- async

TEST(UcsWaitAsync, CompletesOnceAndNeverInline) {
    boost::asio::io_context io;
    mock_transport t(io.get_executor());
    t.push(switching());
    t.push(status_of("production"));
    t.push(status_of("maintenance"));
    mock_client c(t);
    int calls = 0;
    std::optional<result<ucs::server_status>> out;
    ucs::async_wait_until_mode(c, ucs::server_mode::maintenance, policy(1ms, 5s), [&](result<ucs::server_status> r) {
        ++calls;
        out.emplace(std::move(r));
    });
    EXPECT_EQ(calls, 0) << "never inline";
    io.run();
    EXPECT_EQ(calls, 1);
    ASSERT_TRUE(out && *out) << (out ? out->error().message() : "");
    EXPECT_EQ(out->value().mode, ucs::server_mode::maintenance);
    EXPECT_EQ(t.request_count(), 3u);
}

TEST(UcsWaitAsync, AZeroTimeoutStillCompletesThroughTheExecutor) {
    boost::asio::io_context io;
    mock_transport t(io.get_executor());
    mock_client c(t);
    std::optional<result<ucs::server_status>> out;
    ucs::async_wait_until_mode(c, ucs::server_mode::maintenance, policy(1ms, 0ms),
                               [&](result<ucs::server_status> r) { out.emplace(std::move(r)); });
    EXPECT_FALSE(out);
    io.run();
    ASSERT_TRUE(out);
    ASSERT_FALSE(*out);
    EXPECT_TRUE(out->error().is(errc::deadline_exceeded));
    EXPECT_NE(out->error().detail.find("no status was read"), std::string::npos) << out->error();
    EXPECT_EQ(t.request_count(), 0u);
}

TEST(UcsWaitAsync, SwitchModeAndWaitWithACoroutine) {
    boost::asio::io_context io;
    mock_transport t(io.get_executor());
    t.push(make_response(200, R"({"server changed":"production"})"));
    t.push(switching());
    t.push(status_of("production"));
    mock_client c(t);
    std::optional<result<ucs::server_status>> out;
    boost::asio::co_spawn(
        io,
        [&]() -> boost::asio::awaitable<void> {
            const auto p = policy(1ms, 5s);
            auto r = co_await ucs::async_switch_mode_and_wait(c, ucs::server_mode::production, p,
                                                              boost::asio::use_awaitable);
            out.emplace(std::move(r));
        },
        boost::asio::detached);
    io.run();
    ASSERT_TRUE(out && *out) << (out ? out->error().message() : "");
    EXPECT_EQ(out->value().mode, ucs::server_mode::production);
    EXPECT_EQ(t.requests()[0].method, verb::post);
}

TEST(UcsWaitAsync, CancellationStopsAnInFlightPoll) {
    boost::asio::io_context io;
    mock_transport t(io.get_executor());
    t.set_completion(mock_transport::completion::manual);
    mock_client c(t);
    boost::asio::cancellation_signal signal;
    std::optional<result<ucs::server_status>> out;
    ucs::async_wait_until_mode(c, ucs::server_mode::maintenance, policy(1ms, 60s),
                               boost::asio::bind_cancellation_slot(signal.slot(), [&](result<ucs::server_status> r) {
                                   out.emplace(std::move(r));
                               }));
    io.poll();  // the posted start runs; the first poll is now held by the mock
    EXPECT_EQ(t.pending_count(), 1u);
    signal.emit(boost::asio::cancellation_type::terminal);
    io.run();
    ASSERT_TRUE(out);
    ASSERT_FALSE(*out);
    EXPECT_TRUE(out->error().is(errc::cancelled)) << out->error();
}

TEST(UcsWaitAsync, CancellationStopsASleep) {
    boost::asio::io_context io;
    mock_transport t(io.get_executor());
    t.set_handler([](const http_request&) -> result<http_response> { return status_of("production"); });
    mock_client c(t);
    boost::asio::cancellation_signal signal;
    std::optional<result<ucs::server_status>> out;
    ucs::async_wait_until_mode(c, ucs::server_mode::maintenance, policy(10s, 60s),
                               boost::asio::bind_cancellation_slot(signal.slot(), [&](result<ucs::server_status> r) {
                                   out.emplace(std::move(r));
                               }));
    while (t.request_count() == 0) io.run_one();  // started and polled once: now sleeping for 10 s
    io.poll();
    ASSERT_FALSE(out);
    const auto began = std::chrono::steady_clock::now();
    signal.emit(boost::asio::cancellation_type::terminal);
    io.run();
    ASSERT_TRUE(out);
    EXPECT_TRUE(!*out && out->error().is(errc::cancelled));
    EXPECT_LT(std::chrono::steady_clock::now() - began, 5s);
}

}  // namespace
