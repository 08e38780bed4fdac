// clc::session through the mock transport: login lifecycle, 401 handling, retry rules, waiting on jobs (sync with an
// injected clock, async with real short timers), shared logins, cancellation and log redaction.
#include <serverops/clc.hpp>
#include <serverops/clc/session.hpp>
#include <serverops/detail/base64.hpp>
#include <serverops/testing/mock_transport.hpp>

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <gtest/gtest.h>

#include <map>

namespace {

using namespace serverops;
using namespace std::chrono_literals;
using serverops::testing::make_response;
using serverops::testing::mock_transport;
namespace asio = boost::asio;

std::string jwt_expiring_in(std::chrono::seconds s) {
    auto exp = std::chrono::duration_cast<std::chrono::seconds>((std::chrono::system_clock::now() + s).time_since_epoch());
    return detail::base64_encode(R"({"alg":"HS256"})") + "." +
           detail::base64_encode(R"({"exp":)" + std::to_string(exp.count()) + "}") + ".sig";
}

std::string login_body(const std::string& token, const std::string& alias = "ALIAS") {
    return R"({"userName":"u","accountAlias":")" + alias + R"(","locationAlias":"WA1","roles":[],"bearerToken":")" +
           token + "\"}";
}

// A scriptable fake of the CLC endpoints the session uses.
struct fake_clc {
    int logins = 0;
    std::string token = "token-1";
    std::map<std::string, std::vector<std::string>> statuses;  // status id -> answers in order (last repeats)
    std::map<std::string, int> polls;
    std::map<std::string, int> requests;
    std::string batch_body = R"([{"server":"a","isQueued":true,"links":[{"rel":"status","href":"/s/wa1-1","id":"wa1-1"}]}])";
    std::vector<unsigned> fail_statuses_with;  // consumed by status polls
    bool reject_next_token = false;

    result<http_response> operator()(const http_request& r) {
        ++requests[std::string(r.operation)];
        if (r.target == "/v2/authentication/login") {
            ++logins;
            if (r.body.find("wrong") != std::string::npos)
                return make_response(400, R"({"message":"We didn't recognize the username or password you entered. Please try again."})");
            token = "token-" + std::to_string(logins);
            return make_response(200, login_body(token));
        }
        auto auth = r.headers.find("Authorization");
        if (!auth || *auth != "Bearer " + token || reject_next_token) {
            reject_next_token = false;
            return make_response(401, R"({"message":"Authorization has been denied for this request."})");
        }
        if (r.target.find("/status/") != std::string::npos) {
            auto id = r.target.substr(r.target.rfind('/') + 1);
            if (!fail_statuses_with.empty()) {
                auto st = fail_statuses_with.front();
                fail_statuses_with.erase(fail_statuses_with.begin());
                return make_response(st, R"({"message":"An error has occurred."})");
            }
            auto& answers = statuses[id];
            auto n = static_cast<std::size_t>(polls[id]++);
            if (answers.empty()) return make_response(404);
            return make_response(200, R"({"status":")" + answers[std::min(n, answers.size() - 1)] + "\"}");
        }
        if (r.target.find("/servers/") != std::string::npos && r.method == verb::post) return make_response(200, batch_body);
        return make_response(404);
    }
};

struct fake_time {
    clock_type::time_point t = clock_type::time_point(std::chrono::hours(1000));
    std::vector<clock_type::duration> sleeps;
    sync_clock clock() {
        return sync_clock{[this] { return t; }, [this](clock_type::duration d) {
                              sleeps.push_back(d);
                              t += d;
                          }};
    }
};

struct session_fixture : ::testing::Test {
    fake_clc fake;
    fake_time time;
    mock_transport transport;
    std::vector<std::string> log_lines;

    session_fixture() {
        transport.set_handler([this](const http_request& r) { return fake(r); });
    }
    clc::session_options options() {
        clc::session_options o;
        o.clock = time.clock();
        o.retry.jitter = false;
        o.log.min_level = log_level::debug;
        o.log.sink = [this](log_level, std::string_view line) { log_lines.emplace_back(line); };
        return o;
    }
    clc::session<mock_transport&> make(clc::credentials c, clc::session_options o) {
        return clc::session<mock_transport&>(transport, std::move(c), clc::context{}, std::move(o));
    }
    clc::session<mock_transport&> make(clc::credentials c = {"user", "s3cret-pw"}) { return make(std::move(c), options()); }
};

using ClcSession = session_fixture;

TEST_F(ClcSession, LogsInLazilyAndUsesTheAliasFromLogin) {
    auto s = make();
    EXPECT_FALSE(s.logged_in());
    EXPECT_EQ(transport.request_count(), 0u);
    auto r = s.call(clc::get_status{"wa1-1"});
    EXPECT_TRUE(r.has_error());  // no status scripted: 404
    auto reqs = transport.requests();
    ASSERT_EQ(reqs.size(), 2u);
    EXPECT_EQ(reqs[0].target, "/v2/authentication/login");
    EXPECT_FALSE(reqs[0].headers.find("Authorization"));
    EXPECT_EQ(reqs[1].target, "/v2/operations/ALIAS/status/wa1-1");
    EXPECT_EQ(reqs[1].headers.find("Authorization").value(), "Bearer token-1");
    EXPECT_EQ(s.current_context().account_alias, "ALIAS");
}

TEST_F(ClcSession, ConfiguredAliasWinsOverTheLoginResponse) {
    auto o = options();
    o.account_alias = "SUBACCT";
    auto s = make({"user", "pw"}, o);
    (void)s.call(clc::get_status{"x"});
    EXPECT_EQ(transport.requests().back().target, "/v2/operations/SUBACCT/status/x");
}

TEST_F(ClcSession, StartsWithTheCallersTokenWithoutLoggingIn) {
    fake.token = jwt_expiring_in(2h);
    fake.statuses["wa1-1"] = {"succeeded"};
    clc::context ctx;
    ctx.account_alias = "ALIAS";
    ctx.bearer_token = fake.token;
    clc::session<mock_transport&> s(transport, {"user", "pw"}, ctx, options());
    EXPECT_TRUE(s.logged_in());
    ASSERT_TRUE(s.call(clc::get_status{"wa1-1"}));
    EXPECT_EQ(fake.logins, 0);
    EXPECT_EQ(transport.request_count(), 1u);
}

TEST_F(ClcSession, CallersRefusedTokenIsReplacedByOneLogin) {
    fake.statuses["wa1-1"] = {"succeeded"};
    clc::context ctx;
    ctx.account_alias = "ALIAS";
    ctx.bearer_token = "revoked";
    clc::session<mock_transport&> s(transport, {"user", "pw"}, ctx, options());
    ASSERT_TRUE(s.call(clc::get_status{"wa1-1"}));
    auto reqs = transport.requests();
    ASSERT_EQ(reqs.size(), 3u);  // refused, login, sent again with the new token
    EXPECT_EQ(reqs[0].headers.find("Authorization").value(), "Bearer revoked");
    EXPECT_EQ(reqs[1].target, "/v2/authentication/login");
    EXPECT_EQ(reqs[2].headers.find("Authorization").value(), "Bearer token-1");
}

TEST_F(ClcSession, CallersExpiredTokenIsRenewedBeforeTheFirstCall) {
    fake.statuses["wa1-1"] = {"succeeded"};
    clc::context ctx;
    ctx.account_alias = "ALIAS";
    ctx.bearer_token = jwt_expiring_in(-1h);
    clc::session<mock_transport&> s(transport, {"user", "pw"}, ctx, options());
    ASSERT_TRUE(s.call(clc::get_status{"wa1-1"}));
    auto reqs = transport.requests();
    ASSERT_EQ(reqs.size(), 2u);
    EXPECT_EQ(reqs[0].target, "/v2/authentication/login");
}

TEST_F(ClcSession, ATokenWithoutAnAliasIsNotEnoughToSkipTheLogin) {
    fake.statuses["wa1-1"] = {"succeeded"};
    clc::context ctx;
    ctx.bearer_token = jwt_expiring_in(2h);
    clc::session<mock_transport&> s(transport, {"user", "pw"}, ctx, options());
    EXPECT_FALSE(s.logged_in());
    ASSERT_TRUE(s.call(clc::get_status{"wa1-1"}));
    EXPECT_EQ(fake.logins, 1);
}

TEST_F(ClcSession, BadCredentialsAreNeverRetried) {
    auto s = make({"user", "wrong"});
    auto r = s.call(clc::start_maintenance{{"a"}});
    ASSERT_FALSE(r);
    EXPECT_TRUE(r.error().is(errc::authentication_failed));
    EXPECT_EQ(fake.logins, 1);
    EXPECT_EQ(transport.request_count(), 1u) << "the POST must not be sent without a token";
    EXPECT_EQ(r.error().message().find("wrong"), std::string::npos) << "the password must not leak";
}

TEST_F(ClcSession, RenewsBeforeTheJwtExpires) {
    transport.set_handler([this](const http_request& r) -> result<http_response> {
        if (r.target == "/v2/authentication/login") {
            ++fake.logins;
            fake.token = jwt_expiring_in(3h);
            return make_response(200, login_body(fake.token));
        }
        return fake(r);
    });
    fake.statuses["x"] = {"succeeded"};
    auto s = make();
    ASSERT_TRUE(s.call(clc::get_status{"x"}));
    time.t += 110min;  // 3 h token, 1 h margin: still fine
    ASSERT_TRUE(s.call(clc::get_status{"x"}));
    EXPECT_EQ(fake.logins, 1);
    time.t += 15min;  // past exp - margin
    ASSERT_TRUE(s.call(clc::get_status{"x"}));
    EXPECT_EQ(fake.logins, 2);
}

TEST_F(ClcSession, OpaqueTokenUsesTheAssumedLifetime) {
    fake.statuses["x"] = {"succeeded"};
    auto s = make();
    ASSERT_TRUE(s.call(clc::get_status{"x"}));
    time.t += std::chrono::hours(24 * 9);
    ASSERT_TRUE(s.call(clc::get_status{"x"}));
    EXPECT_EQ(fake.logins, 1);
    time.t += std::chrono::hours(24);
    ASSERT_TRUE(s.call(clc::get_status{"x"}));
    EXPECT_EQ(fake.logins, 2);
}

TEST_F(ClcSession, A401LogsInAgainOnceThenResends) {
    fake.statuses["x"] = {"executing"};
    auto s = make();
    ASSERT_TRUE(s.call(clc::get_status{"x"}));
    fake.reject_next_token = true;  // e.g. the token was revoked server-side
    auto r = s.call(clc::start_maintenance{{"a"}});
    ASSERT_TRUE(r) << r.error();
    EXPECT_EQ(fake.logins, 2);
    EXPECT_EQ(fake.requests["clc.startMaintenance"], 2) << "rejected by auth before executing, so resent once";
}

TEST_F(ClcSession, A401AfterLoggingInAgainIsReturnedNotLooped) {
    transport.set_handler([this](const http_request& r) -> result<http_response> {
        if (r.target == "/v2/authentication/login") return fake(r);
        ++fake.requests[std::string(r.operation)];
        return make_response(401, R"({"message":"Authorization has been denied for this request."})");
    });
    auto s = make();
    auto r = s.call(clc::get_server{"a"});
    ASSERT_FALSE(r);
    EXPECT_TRUE(r.error().is(errc::unauthorized));
    EXPECT_EQ(r.error().vendor_message, "Authorization has been denied for this request.");
    EXPECT_EQ(fake.logins, 2);
    EXPECT_EQ(fake.requests["clc.getServer"], 2);
}

TEST_F(ClcSession, TransientFailuresOfIdempotentCallsAreRetriedWithBackoff) {
    fake.statuses["x"] = {"succeeded"};
    fake.fail_statuses_with = {500, 503};
    auto s = make();
    auto r = s.call(clc::get_status{"x"});
    ASSERT_TRUE(r) << r.error();
    EXPECT_EQ(fake.requests["clc.getStatus"], 3);
    ASSERT_EQ(time.sleeps.size(), 2u);
    EXPECT_EQ(time.sleeps[0], 200ms);
    EXPECT_EQ(time.sleeps[1], 400ms);
}

TEST_F(ClcSession, RetryAfterIsHonoured) {
    transport.set_handler([this, n = 0](const http_request& r) mutable -> result<http_response> {
        if (r.target.find("/status/") != std::string::npos && n++ == 0)
            return make_response(429, "", {{"Retry-After", "3"}});
        return fake(r);
    });
    fake.statuses["x"] = {"succeeded"};
    auto s = make();
    auto r = s.call(clc::get_status{"x"});
    ASSERT_TRUE(r) << r.error();
    ASSERT_EQ(time.sleeps.size(), 1u);
    EXPECT_EQ(time.sleeps[0], 3s);
}

TEST_F(ClcSession, RetriesStopAtTheAttemptLimit) {
    fake.fail_statuses_with = {500, 500, 500, 500};
    auto s = make();
    auto r = s.call(clc::get_status{"x"});
    ASSERT_FALSE(r);
    EXPECT_TRUE(r.error().is(errc::server_error));
    EXPECT_EQ(fake.requests["clc.getStatus"], 3);
}

TEST_F(ClcSession, PowerOperationsAreNeverRetried) {
    transport.set_handler([this](const http_request& r) -> result<http_response> {
        if (r.method == verb::post && r.target.find("/servers/") != std::string::npos) {
            ++fake.requests[std::string(r.operation)];
            return make_response(500, R"({"message":"An error has occurred."})");
        }
        return fake(r);
    });
    auto s = make();
    auto r = s.call(clc::reboot{{"a", "b"}});
    ASSERT_FALSE(r);
    EXPECT_TRUE(r.error().is(errc::server_error));
    EXPECT_EQ(fake.requests["clc.reboot"], 1);

    transport.set_handler([this](const http_request& r) -> result<http_response> {
        if (r.method == verb::post && r.target.find("/servers/") != std::string::npos) {
            ++fake.requests[std::string(r.operation)];
            return failure(errc::connection_closed, "peer closed after the request was written");
        }
        return fake(r);
    });
    auto t = s.call(clc::reset{{"a"}});
    ASSERT_FALSE(t);
    EXPECT_TRUE(t.error().is(errc::connection_closed));
    EXPECT_EQ(fake.requests["clc.reset"], 1);
    EXPECT_TRUE(time.sleeps.empty());
}

// ---------------------------------------------------------------- waiting

TEST_F(ClcSession, StartAndWaitReportsEveryServersExactOutcome) {
    fake.batch_body = R"([
      {"server":"wa1aliasc","isQueued":true,"links":[{"rel":"status","href":"/s/wa1-2","id":"wa1-2"}]},
      {"server":"wa1aliasa","isQueued":true,"links":[{"rel":"status","href":"/s/wa1-1","id":"wa1-1"}]},
      {"server":"wa1aliasb","isQueued":false,"errorMessage":"The operation cannot be queued because the server cannot be found or it is not in a valid state."},
      {"server":"wa1aliasd","isQueued":true,"links":[{"rel":"status","href":"/s/wa1-1","id":"wa1-1"}]}])";
    fake.statuses["wa1-1"] = {"notStarted", "executing", "succeeded"};
    fake.statuses["wa1-2"] = {"executing", "failed"};
    auto s = make();
    polling_policy p;
    p.interval = 2s;
    p.timeout = 1min;
    auto r = s.start_and_wait(clc::start_maintenance{{"WA1ALIASA", "WA1ALIASB", "WA1ALIASC", "WA1ALIASD"}}, p);
    ASSERT_TRUE(r) << r.error();
    auto& out = r.value().servers;
    ASSERT_EQ(out.size(), 4u);
    EXPECT_EQ(out[0].server_id, "WA1ALIASA");
    EXPECT_EQ(out[0].state, clc::server_state::succeeded);
    EXPECT_EQ(out[0].status_id, "wa1-1");
    EXPECT_EQ(out[1].state, clc::server_state::not_queued);
    EXPECT_EQ(out[1].problem->vendor_message,
              "The operation cannot be queued because the server cannot be found or it is not in a valid state.");
    EXPECT_EQ(out[2].state, clc::server_state::failed);
    EXPECT_EQ(out[2].last_status, clc::job_status::failed);
    EXPECT_TRUE(out[2].problem->is(errc::operation_failed));
    EXPECT_EQ(out[3].state, clc::server_state::succeeded);
    EXPECT_FALSE(r.value().deadline_reached);
    EXPECT_EQ(fake.polls["wa1-1"], 3) << "one poll per round for the shared id, not one per server";
    EXPECT_EQ(fake.polls["wa1-2"], 2);
    EXPECT_EQ(r.value().polls, 5);
    EXPECT_EQ(time.sleeps, (std::vector<clock_type::duration>{2s, 2s}));
}

TEST_F(ClcSession, DeadlineReportsTheRealLastState) {
    fake.statuses["wa1-1"] = {"notStarted", "executing"};
    auto s = make();
    polling_policy p;
    p.interval = 10s;
    p.growth = 2.0;
    p.max_interval = 40s;
    p.timeout = 100s;
    auto r = s.start_and_wait(clc::shut_down{{"a"}}, p);
    ASSERT_TRUE(r);
    auto& o = r.value().servers.at(0);
    EXPECT_EQ(o.state, clc::server_state::still_running);
    EXPECT_EQ(o.last_status, clc::job_status::executing);
    EXPECT_TRUE(o.problem->is(errc::deadline_exceeded));
    EXPECT_TRUE(r.value().deadline_reached);
    EXPECT_EQ(time.sleeps, (std::vector<clock_type::duration>{10s, 20s, 40s, 30s})) << "growth, cap, and never past the deadline";
}

TEST_F(ClcSession, TransientPollFailuresAreRiddenOutUpToABound) {
    fake.statuses["wa1-1"] = {"succeeded"};
    auto o = options();
    o.retry = retry_policy::none();
    auto s = make({"user", "pw"}, o);
    polling_policy p;
    p.interval = 1s;
    p.max_consecutive_poll_errors = 3;
    fake.fail_statuses_with = {500, 503};
    auto ok = s.start_and_wait(clc::pause{{"a"}}, p);
    ASSERT_TRUE(ok);
    EXPECT_EQ(ok.value().servers[0].state, clc::server_state::succeeded);
    EXPECT_FALSE(ok.value().servers[0].problem);

    fake.polls.clear();
    fake.fail_statuses_with = {500, 500, 500, 500};
    auto bad = s.start_and_wait(clc::pause{{"a"}}, p);
    ASSERT_TRUE(bad);
    EXPECT_EQ(bad.value().servers[0].state, clc::server_state::poll_error);
    EXPECT_TRUE(bad.value().servers[0].problem->is(errc::server_error));
}

TEST_F(ClcSession, UnknownStatusStringEndsThatJobWithATypedError) {
    fake.statuses["wa1-1"] = {"paused-ish"};
    auto s = make();
    auto r = s.start_and_wait(clc::pause{{"a"}});
    ASSERT_TRUE(r);
    EXPECT_EQ(r.value().servers[0].state, clc::server_state::poll_error);
    EXPECT_TRUE(r.value().servers[0].problem->is(errc::unknown_enum_value));
}

TEST_F(ClcSession, UnknownCountsAsFailure) {
    fake.statuses["wa1-1"] = {"unknown"};
    auto s = make();
    auto r = s.start_and_wait(clc::pause{{"a"}});
    ASSERT_TRUE(r);
    EXPECT_EQ(r.value().servers[0].state, clc::server_state::failed);
}

TEST_F(ClcSession, WaitOnExistingStatusIds) {
    fake.statuses["de1-1"] = {"resumed", "succeeded"};
    fake.statuses["de1-2"] = {"failed"};
    auto s = make();
    polling_policy p;
    p.interval = 1s;
    auto r = s.wait_for_jobs({"de1-1", "de1-2", "de1-1"}, p);
    ASSERT_TRUE(r);
    ASSERT_EQ(r.value().jobs.size(), 2u) << "ids are de-duplicated";
    EXPECT_EQ(r.value().jobs[0].state, clc::server_state::succeeded);
    EXPECT_EQ(r.value().jobs[1].state, clc::server_state::failed);
    EXPECT_EQ(fake.polls["de1-1"], 2);
    EXPECT_EQ(fake.polls["de1-2"], 1);
}

TEST_F(ClcSession, AnAlreadyExpiredTokenFromAFreshLoginIsUsedUntilRejected) {
    // A skewed clock or a broken server: the token's exp is in the past right after the login. No login storm.
    for (std::chrono::seconds lifetime : std::vector<std::chrono::seconds>{-24h, -1h, -1s, 0s, 1s, 30s}) {
        fake_clc f;
        f.statuses["wa1-1"] = {"executing"};
        mock_transport t;
        t.set_handler([&](const http_request& r) -> result<http_response> {
            if (r.target == "/v2/authentication/login") {
                ++f.logins;
                f.token = jwt_expiring_in(lifetime);
                return make_response(200, login_body(f.token));
            }
            return f(r);
        });
        fake_time ft;
        auto o = options();
        o.clock = ft.clock();
        clc::session<mock_transport&> s(t, {"user", "pw"}, clc::context{}, o);
        polling_policy p;
        p.interval = 200ms;
        p.timeout = 3s;
        auto r = s.wait_for_jobs({"wa1-1"}, p);
        ASSERT_TRUE(r);
        EXPECT_EQ(f.polls["wa1-1"], 15) << lifetime.count();  // at 0, 0.2, ..., 2.8 s
        EXPECT_EQ(f.logins, 1) << "lifetime " << lifetime.count() << " s";
    }
}

TEST_F(ClcSession, RetryAfterPastTheWaitsDeadlineEndsItWithTheLastKnownState) {
    fake.statuses["wa1-1"] = {"executing"};
    int status_polls = 0;
    transport.set_handler([&](const http_request& r) -> result<http_response> {
        if (r.target.find("/status/") != std::string::npos && ++status_polls > 1) {
            auto res = make_response(503, R"({"message":"busy"})");
            res.headers.set("Retry-After", "29");
            return res;
        }
        return fake(r);
    });
    auto s = make();
    polling_policy p;
    p.interval = 1s;
    p.timeout = 5s;
    const auto start = time.t;
    auto r = s.start_and_wait(clc::start_maintenance{{"a"}}, p);
    ASSERT_TRUE(r) << r.error();
    EXPECT_LT(time.t - start, 5s) << "never sleeps through a Retry-After that passes the deadline";
    for (auto d : time.sleeps) EXPECT_LT(d, 5s);
    EXPECT_TRUE(r.value().deadline_reached);
    auto& srv = r.value().servers[0];
    EXPECT_EQ(srv.state, clc::server_state::still_running);
    EXPECT_EQ(srv.last_status, clc::job_status::executing);
    EXPECT_EQ(srv.status_id, "wa1-1");
    for (auto& req : transport.requests()) {
        if (req.target.find("/status/") != std::string::npos) {
            EXPECT_TRUE(req.deadline) << "a poll without deadline";
        }
    }
}

TEST_F(ClcSession, TheObserverSeesEveryPollAndEachStateChange) {
    fake.statuses["wa1-1"] = {"notStarted", "executing", "executing", "succeeded"};
    auto s = make();
    polling_policy p;
    p.interval = 1s;
    std::vector<std::string> changes;
    int polls = 0;
    wait_observer obs;
    obs.on_poll = [&](const wait_event& e) {
        ++polls;
        if (e.observed.changed) changes.push_back(e.observed.target + "=" + e.observed.state);
    };
    auto r = s.start_and_wait(clc::start_maintenance{{"a"}}, p, obs);
    ASSERT_TRUE(r);
    EXPECT_EQ(polls, 4);
    EXPECT_EQ(changes, (std::vector<std::string>{"wa1-1=notStarted", "wa1-1=executing", "wa1-1=succeeded"}));
}

TEST_F(ClcSession, LogLinesNeverCarrySecrets) {
    transport.set_handler([this](const http_request& r) -> result<http_response> {
        auto res = fake(r);
        if (res) res.value().headers.add("Set-Cookie", "session=cookie-secret");
        return res;
    });
    fake.statuses["wa1-1"] = {"succeeded"};
    auto s = make({"user", "s3cret-pw"});
    ASSERT_TRUE(s.start_and_wait(clc::start_maintenance{{"a"}}));
    ASSERT_FALSE(log_lines.empty());
    bool saw_redacted = false;
    for (auto& l : log_lines) {
        EXPECT_EQ(l.find("s3cret-pw"), std::string::npos) << l;
        EXPECT_EQ(l.find("token-1"), std::string::npos) << l;
        EXPECT_EQ(l.find("cookie-secret"), std::string::npos) << l;
        saw_redacted |= l.find("Authorization=REDACTED") != std::string::npos;
    }
    EXPECT_TRUE(saw_redacted);
}

// ---------------------------------------------------------------- async

struct async_fixture : session_fixture {
    asio::io_context io;
    mock_transport async_transport{io.get_executor()};
    async_fixture() {
        async_transport.set_handler([this](const http_request& r) { return fake(r); });
    }
    clc::session<mock_transport&> make_async() {
        auto o = options();
        o.clock = sync_clock{};  // async timers are real: use the real clock
        return clc::session<mock_transport&>(async_transport, clc::credentials{"user", "pw"}, clc::context{}, o);
    }
};
using ClcAsyncSession = async_fixture;

TEST_F(ClcAsyncSession, ConcurrentCallsShareOneLogin) {
    fake.statuses["x"] = {"succeeded"};
    auto s = make_async();
    int done = 0;
    for (int i = 0; i < 3; ++i)
        s.async_call(clc::get_status{"x"}, [&](result<clc::get_status_response> r) {
            EXPECT_TRUE(r) << r.error();
            ++done;
        });
    EXPECT_EQ(done, 0);
    io.run();
    EXPECT_EQ(done, 3);
    EXPECT_EQ(fake.logins, 1);
    EXPECT_EQ(fake.requests["clc.getStatus"], 3);
}

TEST_F(ClcAsyncSession, FailedSharedLoginFailsEveryWaiterOnce) {
    auto s = clc::session<mock_transport&>(async_transport, clc::credentials{"user", "wrong"});
    std::vector<errc> kinds;
    for (int i = 0; i < 3; ++i)
        s.async_call(clc::get_server{"a"}, [&](result<clc::server_info> r) { kinds.push_back(r.error().kind()); });
    io.run();
    EXPECT_EQ(kinds, std::vector<errc>(3, errc::authentication_failed));
    EXPECT_EQ(fake.logins, 1);
}

TEST_F(ClcAsyncSession, StartAndWaitAsync) {
    fake.statuses["wa1-1"] = {"notStarted", "executing", "succeeded"};
    auto s = make_async();
    polling_policy p;
    p.interval = 1ms;
    p.timeout = 5s;
    std::optional<result<clc::wait_result>> got;
    s.async_start_and_wait(clc::stop_maintenance{{"a"}}, p, [&](result<clc::wait_result> r) { got.emplace(std::move(r)); });
    io.run();
    ASSERT_TRUE(got && *got);
    EXPECT_EQ(got->value().servers[0].state, clc::server_state::succeeded);
    EXPECT_EQ(fake.polls["wa1-1"], 3);
}

TEST_F(ClcAsyncSession, A401MidFlowLogsInAgainAndContinues) {
    fake.statuses["wa1-1"] = {"executing", "succeeded"};
    auto s = make_async();
    polling_policy p;
    p.interval = 1ms;
    std::optional<result<clc::wait_result>> got;
    s.async_start_and_wait(clc::start_maintenance{{"a"}}, p, [&](result<clc::wait_result> r) { got.emplace(std::move(r)); });
    // Revoke the token after the batch was accepted: the next poll gets a 401.
    asio::steady_timer revoke(io, 0ms);
    revoke.async_wait([&](auto) { fake.reject_next_token = true; });
    io.run();
    ASSERT_TRUE(got && *got) << (got ? got->error().message() : "no completion");
    EXPECT_EQ(got->value().servers[0].state, clc::server_state::succeeded);
    EXPECT_EQ(fake.logins, 2);
}

TEST_F(ClcAsyncSession, CancellingAWaitStopsPollingPromptly) {
    fake.statuses["wa1-1"] = {"executing"};
    auto s = make_async();
    polling_policy p;
    p.interval = 50ms;
    p.timeout = 60s;
    asio::cancellation_signal stop;
    int calls = 0;
    std::optional<result<clc::wait_result>> got;
    s.async_start_and_wait(clc::start_maintenance{{"a"}}, p,
                           asio::bind_cancellation_slot(stop.slot(), [&](result<clc::wait_result> r) {
                               ++calls;
                               got.emplace(std::move(r));
                           }));
    asio::steady_timer t(io, 120ms);
    t.async_wait([&](auto) { stop.emit(asio::cancellation_type::terminal); });
    auto started = clock_type::now();
    io.run();
    EXPECT_LT(clock_type::now() - started, 2s);
    EXPECT_EQ(calls, 1);
    // The batch was accepted: cancelling the wait keeps its servers and job ids (queued work is never lost).
    ASSERT_TRUE(got && *got) << got->error();
    EXPECT_TRUE(got->value().cancelled);
    ASSERT_EQ(got->value().servers.size(), 1u);
    EXPECT_EQ(got->value().servers[0].status_id, "wa1-1");
    EXPECT_EQ(got->value().servers[0].state, clc::server_state::still_running);
    EXPECT_EQ(got->value().servers[0].last_status, clc::job_status::executing);
    EXPECT_TRUE(got->value().servers[0].problem->is(errc::cancelled));
    const auto polls_at_cancel = fake.polls["wa1-1"];
    EXPECT_GE(polls_at_cancel, 2);
    EXPECT_LE(polls_at_cancel, 4);
}

TEST_F(ClcAsyncSession, AsyncWaitOnAnEmptyBatchDoesNotCompleteInline) {
    auto s = make_async();
    clc::batch_response nothing_queued;
    nothing_queued.servers.push_back({"a", failure(errc::not_accepted)});
    int calls = 0;
    s.async_wait(nothing_queued, polling_policy{}, [&](result<clc::wait_result> r) {
        ++calls;
        ASSERT_TRUE(r);
        EXPECT_EQ(r.value().servers[0].state, clc::server_state::not_queued);
    });
    EXPECT_EQ(calls, 0);
    io.run();
    EXPECT_EQ(calls, 1);
    EXPECT_EQ(async_transport.request_count(), 0u);
}

}  // namespace
