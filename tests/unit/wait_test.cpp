// The waiting engine and the session's rules, stepped without sockets or sleeps: poll_schedule's timing (deadline,
// growth, Retry-After), job and mode waiters driven step by step with a failure injected at every step, the drivers'
// per-poll deadlines, and the session's login rules (a non-idempotent login is never resent; operations bound to
// their credentials are not resent after a re-login).
#include <serverops/clc.hpp>
#include <serverops/clc/job_waiter.hpp>
#include <serverops/session.hpp>
#include <serverops/testing/mock_transport.hpp>
#include <serverops/ucs/wait.hpp>
#include <serverops/wait.hpp>

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace {

using namespace serverops;
using namespace std::chrono_literals;
using serverops::testing::make_response;
using serverops::testing::mock_transport;

const clock_type::time_point t0 = clock_type::time_point(std::chrono::hours(1000));

polling_policy policy(std::chrono::milliseconds interval, std::chrono::milliseconds timeout, int errors = 3) {
    polling_policy p;
    p.interval = interval;
    p.timeout = timeout;
    p.max_consecutive_poll_errors = errors;
    return p;
}

error with_retry_after(errc kind, std::chrono::seconds s) {
    error e(kind);
    e.retry_after = s;
    return e;
}

// ---------------------------------------------------------------- poll_schedule

TEST(PollSchedule, SleepsNeverPassTheDeadlineAndGrowUpToTheCap) {
    auto p = policy(1000ms, 10s);
    p.growth = 2.0;
    p.max_interval = 3s;
    poll_schedule s(p, t0);
    std::vector<clock_type::duration> sleeps;
    auto now = t0;
    while (auto d = s.next_sleep(now)) {
        sleeps.push_back(*d);
        now += *d;
    }
    ASSERT_EQ(sleeps.size(), 5u);
    EXPECT_EQ(sleeps[0], 1s);
    EXPECT_EQ(sleeps[1], 2s);
    EXPECT_EQ(sleeps[2], 3s);
    EXPECT_EQ(sleeps[3], 3s);
    EXPECT_EQ(sleeps[4], 1s) << "the last sleep ends exactly at the deadline";
    EXPECT_EQ(now, s.deadline());
    EXPECT_FALSE(s.gave_up_for_retry_after());
}

TEST(PollSchedule, RetryAfterWithinTheDeadlineStretchesOneSleep) {
    poll_schedule s(policy(100ms, 60s), t0);
    s.note(with_retry_after(errc::unavailable, 7s));
    EXPECT_EQ(s.next_sleep(t0), std::optional<clock_type::duration>(7s));
    EXPECT_EQ(s.next_sleep(t0 + 7s), std::optional<clock_type::duration>(100ms)) << "only the next sleep";
}

TEST(PollSchedule, RetryAfterPastTheDeadlineEndsTheWaitNow) {
    for (auto asked : {5s, 6s, 29s, 3600s, std::chrono::seconds(999999999)}) {
        poll_schedule s(policy(100ms, 5s), t0);
        s.note(with_retry_after(errc::unavailable, asked));
        EXPECT_FALSE(s.next_sleep(t0)) << asked.count();
        ASSERT_TRUE(s.gave_up_for_retry_after());
        EXPECT_NE(s.retry_after_note().find(std::to_string(asked.count()) + " s"), std::string::npos);
    }
}

TEST(PollSchedule, NothingAfterTheDeadline) {
    poll_schedule s(policy(100ms, 1s), t0);
    EXPECT_FALSE(s.next_sleep(t0 + 1s));
    EXPECT_FALSE(s.next_sleep(t0 + 2h));
    EXPECT_TRUE(s.expired(t0 + 1s));
}

// ---------------------------------------------------------------- the job waiter, stepped

result<clc::get_status_response> status(clc::job_status st) { return clc::get_status_response{st}; }

/// Steps a job waiter over a script of answers (one per poll; the last repeats) with a fake clock; returns the
/// report and the polls sent. `inject_at` replaces that poll's answer by `injected`.
struct stepped_run {
    clc::job_wait_report report;
    int polls = 0;
    clock_type::duration elapsed{};
};
stepped_run step_job_waiter(const std::vector<result<clc::get_status_response>>& script, const polling_policy& p,
                            int inject_at = -1, std::optional<error> injected = std::nullopt) {
    clc::job_waiter w({"wa1-1"}, p, t0);
    auto now = t0;
    stepped_run run;
    for (int guard = 0; guard < 10000; ++guard) {
        auto step = w.next(now);
        if (step.kind == clc::job_waiter::step::done) break;
        if (step.kind == clc::job_waiter::step::sleep) {
            EXPECT_LE(now + step.delay, w.deadline()) << "a sleep passed the deadline";
            now += step.delay;
            continue;
        }
        EXPECT_EQ(step.request.status_id, "wa1-1");
        EXPECT_LT(now, w.deadline()) << "a poll started at or after the deadline";
        // The injected failure comes in addition to the script: the job's answers resume after it.
        const auto i = static_cast<std::size_t>(inject_at >= 0 && run.polls > inject_at ? run.polls - 1 : run.polls);
        auto answer = run.polls == inject_at ? result<clc::get_status_response>(failure(*injected))
                                             : script[std::min(i, script.size() - 1)];
        ++run.polls;
        w.on_poll(step.request, answer, now);
    }
    run.report = w.outcome().value();
    run.elapsed = now - t0;
    return run;
}

const std::vector<result<clc::get_status_response>> four_step_job = {
    status(clc::job_status::not_started), status(clc::job_status::executing), status(clc::job_status::executing),
    status(clc::job_status::succeeded)};

TEST(JobWaiterStepped, AFinalErrorAtAnyStepEndsThatJobThere) {
    for (int k = 0; k < 4; ++k) {
        auto run = step_job_waiter(four_step_job, policy(1s, 60s), k, error(errc::forbidden));
        SCOPED_TRACE(k);
        EXPECT_EQ(run.polls, k + 1);
        ASSERT_EQ(run.report.jobs.size(), 1u);
        EXPECT_EQ(run.report.jobs[0].state, clc::server_state::poll_error);
        EXPECT_TRUE(run.report.jobs[0].problem->is(errc::forbidden));
        EXPECT_FALSE(run.report.deadline_reached);
    }
}

TEST(JobWaiterStepped, ATransientErrorAtAnyStepIsRiddenOut) {
    for (int k = 0; k < 4; ++k) {
        for (auto kind : {errc::timeout, errc::server_error, errc::unavailable, errc::connection_closed}) {
            auto run = step_job_waiter(four_step_job, policy(1s, 60s), k, error(kind));
            SCOPED_TRACE(std::to_string(k) + " " + make_error_code(kind).message());
            EXPECT_EQ(run.polls, 5) << "the failed poll is repeated once";
            EXPECT_EQ(run.report.jobs[0].state, clc::server_state::succeeded);
            EXPECT_FALSE(run.report.jobs[0].problem);
        }
    }
}

TEST(JobWaiterStepped, TheDeadlineStopsAtTheLastKnownState) {
    auto run = step_job_waiter({status(clc::job_status::executing)}, policy(1s, 5500ms));
    EXPECT_TRUE(run.report.deadline_reached);
    EXPECT_EQ(run.elapsed, 5500ms);
    EXPECT_EQ(run.polls, 6);  // at 0, 1, ..., 5 s
    EXPECT_EQ(run.report.jobs[0].state, clc::server_state::still_running);
    EXPECT_EQ(run.report.jobs[0].last_status, clc::job_status::executing);
    EXPECT_TRUE(run.report.jobs[0].problem->is(errc::deadline_exceeded));
}

TEST(JobWaiterStepped, RetryAfterPastTheDeadlineEndsTheWaitWithoutSleeping) {
    auto run = step_job_waiter(four_step_job, policy(1s, 5s), 1, with_retry_after(errc::unavailable, 29s));
    EXPECT_EQ(run.polls, 2);
    EXPECT_LT(run.elapsed, 5s) << "no sleep through the server's pause";
    EXPECT_TRUE(run.report.deadline_reached);
    EXPECT_EQ(run.report.jobs[0].state, clc::server_state::still_running);
    EXPECT_EQ(run.report.jobs[0].last_status, clc::job_status::not_started) << "the last known state is kept";
    EXPECT_NE(run.report.jobs[0].problem->detail.find("retry after 29 s"), std::string::npos);
}

TEST(JobWaiterStepped, CancelReportsUnfinishedJobsWithTheirIds) {
    clc::job_waiter w({"wa1-1", "wa1-2"}, policy(1s, 60s), t0);
    auto step = w.next(t0);
    ASSERT_EQ(step.kind, clc::job_waiter::step::poll);
    w.on_poll(step.request, status(clc::job_status::succeeded), t0);
    w.cancel();
    EXPECT_EQ(w.next(t0).kind, clc::job_waiter::step::done);
    auto report = w.outcome().value();
    EXPECT_TRUE(report.cancelled);
    ASSERT_EQ(report.jobs.size(), 2u);
    EXPECT_EQ(report.jobs[0].state, clc::server_state::succeeded);
    EXPECT_EQ(report.jobs[1].status_id, "wa1-2");
    EXPECT_EQ(report.jobs[1].state, clc::server_state::still_running);
    EXPECT_TRUE(report.jobs[1].problem->is(errc::cancelled));
}

TEST(JobWaiterStepped, ObservationsReportStateChanges) {
    clc::job_waiter w({"wa1-1"}, policy(1s, 60s), t0);
    const clc::get_status poll{"wa1-1"};
    std::vector<std::pair<std::string, bool>> seen;
    for (auto st : {clc::job_status::not_started, clc::job_status::executing, clc::job_status::executing,
                    clc::job_status::succeeded}) {
        auto o = w.on_poll(poll, status(st), t0);
        EXPECT_EQ(o.target, "wa1-1");
        seen.emplace_back(o.state, o.changed);
    }
    const std::vector<std::pair<std::string, bool>> expected = {
        {"notStarted", true}, {"executing", true}, {"executing", false}, {"succeeded", true}};
    EXPECT_EQ(seen, expected);
}

// ---------------------------------------------------------------- the mode waiter, stepped

result<ucs::server_status> mode(ucs::server_mode m) {
    ucs::server_status s;
    s.mode = m;
    return s;
}

TEST(ModeWaiterStepped, AFailureAtEveryStep) {
    const std::vector<result<ucs::server_status>> script = {
        failure(errc::busy), failure(errc::busy), mode(ucs::server_mode::production),
        mode(ucs::server_mode::maintenance)};
    for (int k = 0; k < 4; ++k) {
        for (bool final_error : {true, false}) {
            SCOPED_TRACE(std::to_string(k) + (final_error ? " final" : " transient"));
            ucs::mode_waiter w(ucs::server_mode::maintenance, policy(1s, 60s), t0);
            auto now = t0;
            int polls = 0;
            for (int guard = 0; guard < 1000; ++guard) {
                auto step = w.next(now);
                if (step.kind == ucs::mode_waiter::step::done) break;
                if (step.kind == ucs::mode_waiter::step::sleep) {
                    now += step.delay;
                    continue;
                }
                auto i = static_cast<std::size_t>(polls > k ? polls - 1 : polls);  // the failure is extra
                result<ucs::server_status> answer =
                    polls == k ? result<ucs::server_status>(failure(final_error ? errc::unauthorized : errc::timeout))
                               : script[std::min(i, script.size() - 1)];
                ++polls;
                w.on_poll(step.request, answer, now);
            }
            auto r = w.outcome();
            if (final_error) {
                ASSERT_FALSE(r);
                EXPECT_TRUE(r.error().is(errc::unauthorized));
                EXPECT_EQ(polls, k + 1);
            } else {
                ASSERT_TRUE(r) << r.error();
                EXPECT_EQ(r.value().mode, ucs::server_mode::maintenance);
                EXPECT_EQ(polls, 5);
            }
        }
    }
}

TEST(ModeWaiterStepped, CancelNamesTheLastKnownMode) {
    ucs::mode_waiter w(ucs::server_mode::maintenance, policy(1s, 60s), t0);
    w.on_poll(ucs::get_server_status{}, mode(ucs::server_mode::production), t0);
    w.cancel();
    auto r = w.outcome();
    ASSERT_FALSE(r);
    EXPECT_TRUE(r.error().is(errc::cancelled));
    EXPECT_NE(r.error().detail.find("last known mode production"), std::string::npos) << r.error();
}

TEST(ModeWaiterStepped, APollCutShortByTheDeadlineKeepsTheLastKnownState) {
    ucs::mode_waiter w(ucs::server_mode::maintenance, policy(1s, 5s), t0);
    w.on_poll(ucs::get_server_status{}, failure(errc::busy), t0);
    // The poll in flight at the deadline got only the time left and timed out: that says nothing about UCS.
    w.on_poll(ucs::get_server_status{}, failure(errc::timeout), w.deadline());
    EXPECT_EQ(w.next(w.deadline()).kind, ucs::mode_waiter::step::done);
    auto r = w.outcome();
    ASSERT_FALSE(r);
    EXPECT_TRUE(r.error().is(errc::deadline_exceeded));
    EXPECT_NE(r.error().detail.find("still switching"), std::string::npos) << r.error();
    EXPECT_NE(r.error().detail.find("2 polls"), std::string::npos) << r.error();
}

TEST(JobWaiterStepped, APollCutShortByTheDeadlineKeepsTheLastKnownState) {
    clc::job_waiter w({"wa1-1"}, policy(1s, 5s), t0);
    w.on_poll(clc::get_status{"wa1-1"}, status(clc::job_status::executing), t0);
    auto seen = w.on_poll(clc::get_status{"wa1-1"}, failure(errc::timeout), w.deadline());
    EXPECT_FALSE(seen.changed);
    EXPECT_EQ(w.next(w.deadline()).kind, clc::job_waiter::step::done);
    auto report = w.outcome().value();
    EXPECT_EQ(report.polls, 2);
    EXPECT_EQ(report.jobs[0].state, clc::server_state::still_running);
    EXPECT_EQ(report.jobs[0].last_status, clc::job_status::executing);
    EXPECT_TRUE(report.jobs[0].problem->is(errc::deadline_exceeded)) << *report.jobs[0].problem;
}

// ---------------------------------------------------------------- the sync driver

struct fake_time {
    clock_type::time_point now = t0;
    sync_clock clock() {
        return sync_clock{[this] { return now; }, [this](clock_type::duration d) { now += d; }};
    }
};

TEST(RunWait, EveryPollCarriesTheTimeLeftAsItsDeadline) {
    mock_transport t;
    t.set_handler([](const http_request&) -> result<http_response> {
        return make_response(200, R"({"status":"executing"})");
    });
    clc::context ctx;
    ctx.account_alias = "WA1";
    client<mock_transport&, clc::context> c(t, ctx);
    fake_time ft;
    clc::job_waiter w({"wa1-1"}, policy(1s, 5s), ft.now);
    std::vector<int> observed_polls;
    wait_observer obs;
    obs.on_poll = [&](const wait_event& e) {
        observed_polls.push_back(e.polls);
        EXPECT_EQ(e.wait, "clc.wait");
    };
    const auto real_start = std::chrono::steady_clock::now();
    auto r = run_wait(c, w, ft.clock(), obs);
    const auto real_end = std::chrono::steady_clock::now();
    ASSERT_TRUE(r);
    auto reqs = t.requests();
    ASSERT_EQ(reqs.size(), 5u);
    for (std::size_t i = 0; i < reqs.size(); ++i) {
        ASSERT_TRUE(reqs[i].deadline) << "poll " << i << " has no deadline";
        // Poll i starts i seconds (fake) into a 5 s wait: it may take at most the 5 - i seconds left.
        const auto left = 5s - std::chrono::seconds(i);
        EXPECT_LE(*reqs[i].deadline, real_end + left);
        EXPECT_GE(*reqs[i].deadline, real_start + left);
    }
    EXPECT_EQ(observed_polls, (std::vector<int>{1, 2, 3, 4, 5}));
}

// ---------------------------------------------------------------- session rules with a tiny vendor

struct toy_context {
    std::string token;
    void authorize(http_request& r) const {
        if (!token.empty()) r.headers.set("Authorization", "Token " + token);
    }
};
struct toy_login_response {
    std::string token;
};
template <bool Idempotent>
struct toy_login {
    using response_type = toy_login_response;
    using context_type = toy_context;
    static constexpr std::string_view name = "toy.login";
    static constexpr verb method = verb::post;
    static constexpr bool idempotent = Idempotent;  // a session resource is created: not idempotent
    static constexpr bool authenticated = false;
    std::string target(const toy_context&) const { return "/sessions"; }
    result<toy_login_response> decode(const http_response& r) const {
        if (r.status != 201) {
            error e(errc_from_http_status(r.status));
            e.http_status = r.status;
            return failure(std::move(e));
        }
        return toy_login_response{r.body};
    }
};
template <bool ResendAfterRelogin>
struct toy_get {
    using response_type = std::string;
    using context_type = toy_context;
    static constexpr std::string_view name = "toy.get";
    static constexpr verb method = verb::get;
    static constexpr bool idempotent = true;
    static constexpr bool resend_after_relogin = ResendAfterRelogin;
    std::string target(const toy_context& c) const { return "/sessions/" + c.token; }
    result<std::string> decode(const http_response& r) const {
        if (r.status != 200) {
            error e(errc_from_http_status(r.status));
            e.http_status = r.status;
            return failure(std::move(e));
        }
        return r.body;
    }
};
template <bool Idempotent>
struct toy_auth {
    using context_type = toy_context;
    using login_operation = toy_login<Idempotent>;
    login_operation login_request() const { return {}; }
    std::optional<std::chrono::seconds> apply_login(toy_context& c, const toy_login_response& r) const {
        c.token = r.token;
        return std::nullopt;
    }
    bool has_credentials(const toy_context& c) const { return !c.token.empty(); }
    void forget(toy_context& c) const { c.token.clear(); }
    bool is_rejection(const error& e) const { return e.is(errc::unauthorized); }
};

template <bool Idempotent>
int logins_sent_when_the_login_fails_with(unsigned status) {
    mock_transport t;
    int logins = 0;
    t.set_handler([&](const http_request& r) -> result<http_response> {
        if (r.target == "/sessions") ++logins;
        return make_response(status, "");
    });
    session_options o;
    o.retry.jitter = false;
    fake_time ft;
    o.clock = ft.clock();
    session<mock_transport&, toy_auth<Idempotent>> s(t, {}, {}, o);
    auto r = s.call(toy_get<true>{});
    EXPECT_FALSE(r);
    return logins;
}

TEST(SessionLogin, ANonIdempotentLoginIsNeverResent) {
    for (unsigned status : {500u, 502u, 503u, 504u, 429u})
        EXPECT_EQ(logins_sent_when_the_login_fails_with<false>(status), 1) << status;
}

TEST(SessionLogin, AnIdempotentLoginIsRetriedOnTransientFailures) {
    EXPECT_EQ(logins_sent_when_the_login_fails_with<true>(503), 3);
    EXPECT_EQ(logins_sent_when_the_login_fails_with<true>(400), 1) << "a refusal is final";
}

template <bool Resend>
std::vector<std::string> targets_after_a_rejection() {
    mock_transport t;
    int logins = 0;
    bool rejected = false;
    t.set_handler([&](const http_request& r) -> result<http_response> {
        if (r.target == "/sessions") return make_response(201, "s" + std::to_string(++logins));
        if (!rejected) {
            rejected = true;
            return make_response(401, "");
        }
        return make_response(200, "ok");
    });
    session<mock_transport&, toy_auth<true>> s(t, {});
    (void)s.call(toy_get<Resend>{});
    (void)s.call(toy_get<Resend>{});
    std::vector<std::string> targets;
    for (auto& r : t.requests()) targets.push_back(r.target);
    return targets;
}

TEST(SessionRelogin, AnOperationBoundToItsCredentialsIsNotResentToTheNewSession) {
    EXPECT_EQ(targets_after_a_rejection<false>(),
              (std::vector<std::string>{"/sessions", "/sessions/s1", "/sessions", "/sessions/s2"}))
        << "the rejected call returns its error; the next call logs in first";
}

TEST(SessionRelogin, OtherOperationsAreResentOnceAfterLoggingInAgain) {
    EXPECT_EQ(targets_after_a_rejection<true>(),
              (std::vector<std::string>{"/sessions", "/sessions/s1", "/sessions", "/sessions/s2", "/sessions/s2"}));
}

TEST(SessionRetry, RetriesNeverStartPastTheCallersDeadline) {
    mock_transport t;
    t.set_handler([](const http_request&) -> result<http_response> {
        auto r = make_response(503, "");
        r.headers.set("Retry-After", "20");
        return r;
    });
    session_options o;
    o.retry.jitter = false;
    o.retry.max_attempts = 10;
    o.retry.max_elapsed = 1h;
    fake_time ft;
    o.clock = ft.clock();
    session<mock_transport&, toy_auth<true>> s(t, {}, toy_context{"tok"}, o);
    auto r = s.call(toy_get<true>{}, call_options{std::chrono::steady_clock::now() + 30s});
    ASSERT_FALSE(r);
    EXPECT_EQ(t.request_count(), 2u) << "one retry after 20 s fits in 30 s, a second does not";
    EXPECT_EQ(ft.now - t0, 20s);
    (void)s.call(toy_get<true>{});
    EXPECT_EQ(t.request_count(), 2u + 10u) << "without a deadline the policy alone decides";
}

}  // namespace
