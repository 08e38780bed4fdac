// The CLC flow end to end over real loopback HTTP(S): the clc::session over the Beast transports against the
// emulator, with one test body run sync, async-callback and as a coroutine, with and without TLS, and every fault
// the emulator can inject ending in a typed error or success, exactly once, within bounded time.
#include <serverops/beast/async_transport.hpp>
#include <serverops/beast/sync_transport.hpp>
#include <serverops/clc.hpp>
#include <serverops/clc/desired_state.hpp>
#include <serverops/clc/session.hpp>
#include <serverops/testing/emulator.hpp>

#include "../common/run_modes.hpp"

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>

#include <memory>
#include <optional>

namespace {

using namespace serverops;
using namespace std::chrono_literals;
namespace asio = boost::asio;
using serverops::testing::emulator;
using serverops::testing::fault;

using serverops_test::mode;
using serverops_test::name_of;

// Runs the same calls through a sync session or an async one (callback or coroutine), so a test body is written once.
class driver {
public:
    driver(mode m, const std::string& base_url, clc::credentials creds, transport_options topts,
           clc::session_options sopts)
        : mode_(m) {
        auto ep = parse_endpoint(base_url).value();
        auto ctx = clc::context::from_base_url(base_url).value();
        if (m == mode::sync) {
            sync_ = std::make_unique<clc::session<beast_sync_transport>>(beast_sync_transport(ep, topts), creds, ctx,
                                                                          sopts);
        } else {
            async_transport_ = std::make_unique<beast_async_transport>(io_.get_executor(), ep, topts);
            async_ = std::make_unique<clc::session<beast_async_transport&>>(*async_transport_, creds, ctx, sopts);
        }
    }

    template <class Op>
    result<typename Op::response_type> call(const Op& op) {
        if (sync_) return sync_->call(op);
        return run<typename Op::response_type>([&, op](auto token) { return async_->async_call(op, token); });
    }

    template <class Op>
    result<clc::wait_result> start_and_wait(const Op& op, const polling_policy& p) {
        if (sync_) return sync_->start_and_wait(op, p);
        return run<clc::wait_result>([&, op](auto token) { return async_->async_start_and_wait(op, p, token); });
    }

    template <class Op>
    result<clc::ensure_result> ensure(const Op& op) {
        if (sync_) return clc::ensure_state(*sync_, op);
        return run<clc::ensure_result>([&, op](auto token) { return clc::async_ensure_state(*async_, op, token); });
    }

    template <class Op>
    result<clc::ensure_result> ensure_and_wait(const Op& op, const polling_policy& p) {
        if (sync_) return clc::ensure_state_and_wait(*sync_, op, p);
        return run<clc::ensure_result>(
            [&, op](auto token) { return clc::async_ensure_state_and_wait(*async_, op, p, token); });
    }

    int completions() const { return completions_; }

private:
    template <class R, class Start>
    result<R> run(Start start) {
        return serverops_test::run_to_completion<R>(io_, mode_, std::move(start), completions_);
    }

    mode mode_;
    asio::io_context io_;
    std::unique_ptr<beast_async_transport> async_transport_;
    std::unique_ptr<clc::session<beast_sync_transport>> sync_;
    std::unique_ptr<clc::session<beast_async_transport&>> async_;
    int completions_ = 0;
};

struct flow_param {
    mode m;
    bool tls;
};

class ClcFlow : public ::testing::TestWithParam<flow_param> {
protected:
    void SetUp() override {
        serverops::testing::emulator_options opts;
        opts.clc.queue_delay = 20ms;
        opts.clc.execution_time = 40ms;
        if (GetParam().tls) {
            auto tls = serverops::testing::make_self_signed_tls("localhost");
            ASSERT_TRUE(tls) << tls.error();
            ca_pem_ = tls.value().certificate_chain_pem;
            opts.tls = tls.value();
        }
        emu_ = std::make_unique<emulator>(opts);
        ASSERT_TRUE(emu_->start());
        polling_.interval = 20ms;
        polling_.timeout = 10s;
    }

    std::string base_url(std::string host = "127.0.0.1") const {
        return std::string(GetParam().tls ? "https://" : "http://") + host + ":" + std::to_string(emu_->port()) + "/v2";
    }

    transport_options transport_opts() const {
        transport_options t;
        t.request_timeout = 2s;
        t.connect_timeout = 2s;
        t.tls.ca_pem = ca_pem_;
        return t;
    }

    clc::session_options session_opts() const {
        clc::session_options s;
        s.retry.initial_backoff = 10ms;
        s.retry.max_backoff = 50ms;
        return s;
    }

    driver make(clc::credentials creds = {"user", "password"}) {
        return driver(GetParam().m, base_url(), std::move(creds), transport_opts(), session_opts());
    }

    std::unique_ptr<emulator> emu_;
    std::string ca_pem_;
    polling_policy polling_;
};

TEST_P(ClcFlow, MaintenanceRoundTrip) {
    auto d = make();
    auto started = d.start_and_wait(clc::start_maintenance{{"WA1ALIASWB01", "wa1aliaswb02"}}, polling_);
    ASSERT_TRUE(started) << started.error();
    ASSERT_TRUE(started.value().all_succeeded());
    EXPECT_EQ(started.value().servers[0].status_id, started.value().servers[1].status_id) << "one job per batch";

    auto on = d.call(clc::get_server{"WA1ALIASWB01"});
    ASSERT_TRUE(on) << on.error();
    EXPECT_TRUE(on.value().in_maintenance_mode);
    EXPECT_EQ(on.value().power, clc::power_state::started);

    auto stopped = d.start_and_wait(clc::stop_maintenance{{"WA1ALIASWB01"}}, polling_);
    ASSERT_TRUE(stopped && stopped.value().all_succeeded());
    auto off = d.call(clc::get_server{"wa1aliaswb01"});
    ASSERT_TRUE(off);
    EXPECT_FALSE(off.value().in_maintenance_mode);
    EXPECT_EQ(emu_->request_count("POST", "/authentication/login"), 1u) << "one login for the whole flow";
}

TEST_P(ClcFlow, MixedBatchReportsEachServer) {
    emu_->clc().fail_jobs_for("WA1ALIASWB03");
    auto d = make();
    // WB02 and WB03 share one job: the emulator fails the whole job when one of its servers is marked.
    auto r = d.start_and_wait(clc::shut_down{{"WA1ALIASWB01", "WA1ALIASXX00"}}, polling_);
    ASSERT_TRUE(r) << r.error();
    EXPECT_EQ(r.value().servers[0].state, clc::server_state::succeeded);
    EXPECT_EQ(r.value().servers[1].state, clc::server_state::not_queued);
    EXPECT_FALSE(r.value().servers[1].problem->vendor_message.empty());
    auto failing = d.start_and_wait(clc::pause{{"WA1ALIASWB03"}}, polling_);
    ASSERT_TRUE(failing);
    EXPECT_EQ(failing.value().servers[0].state, clc::server_state::failed);
    EXPECT_EQ(failing.value().servers[0].last_status, clc::job_status::failed);
    auto still = d.call(clc::get_server{"WA1ALIASWB03"});
    ASSERT_TRUE(still);
    EXPECT_EQ(still.value().power, clc::power_state::started) << "a failed job changes nothing";
}

TEST_P(ClcFlow, DeadlineReportsTheRealLastState) {
    emu_->clc().hang_jobs_for("WA1ALIASWB05");
    auto d = make();
    polling_policy p = polling_;
    p.timeout = 300ms;
    auto r = d.start_and_wait(clc::reboot{{"WA1ALIASWB05"}}, p);
    ASSERT_TRUE(r) << r.error();
    EXPECT_TRUE(r.value().deadline_reached);
    EXPECT_EQ(r.value().servers[0].state, clc::server_state::still_running);
    EXPECT_EQ(r.value().servers[0].last_status, clc::job_status::executing);
}

TEST_P(ClcFlow, BadCredentialsFailOnceWithTheServerMessage) {
    auto d = make({"user", "not-the-password"});
    auto r = d.call(clc::start_maintenance{{"WA1ALIASWB01"}});
    ASSERT_FALSE(r);
    EXPECT_TRUE(r.error().is(errc::authentication_failed));
    EXPECT_EQ(r.error().vendor_message, "We didn't recognize the username or password you entered. Please try again.");
    EXPECT_EQ(r.error().message().find("not-the-password"), std::string::npos);
    EXPECT_EQ(emu_->request_count("POST", "/authentication/login"), 1u);
    EXPECT_EQ(emu_->request_count("POST", "/servers/startMaintenance"), 0u);
}

TEST_P(ClcFlow, ExpiredTokenMidFlowLogsInAgainOnce) {
    auto d = make();
    ASSERT_TRUE(d.call(clc::get_server{"WA1ALIASWB01"}));
    emu_->clc().expire_tokens();
    auto r = d.start_and_wait(clc::start_maintenance{{"WA1ALIASWB02"}}, polling_);
    ASSERT_TRUE(r) << r.error();
    EXPECT_TRUE(r.value().all_succeeded());
    EXPECT_EQ(emu_->request_count("POST", "/authentication/login"), 2u);
    EXPECT_EQ(emu_->request_count("POST", "/servers/startMaintenance"), 2u) << "the 401 was resent once, after login";
}

TEST_P(ClcFlow, ServerErrorsOnAPowerPostAreNeverRetried) {
    auto d = make();
    ASSERT_TRUE(d.call(clc::get_server{"WA1ALIASWB01"}));  // logged in
    emu_->inject(fault::server_error().only_path("/servers/reboot"), 3);
    auto r = d.call(clc::reboot{{"WA1ALIASWB01"}});
    ASSERT_FALSE(r);
    EXPECT_TRUE(r.error().is(errc::server_error));
    EXPECT_EQ(r.error().http_status, 500u);
    EXPECT_EQ(emu_->request_count("POST", "/servers/reboot"), 1u);
}

TEST_P(ClcFlow, DroppedConnectionOnAPowerPostIsNotResent) {
    auto d = make();
    ASSERT_TRUE(d.call(clc::get_server{"WA1ALIASWB01"}));
    emu_->inject(fault::close_mid_response().only_path("/servers/reset"));
    auto r = d.call(clc::reset{{"WA1ALIASWB01"}});
    ASSERT_FALSE(r);
    EXPECT_TRUE(r.error().is(errc::connection_closed)) << r.error();
    EXPECT_EQ(emu_->request_count("POST", "/servers/reset"), 1u);
}

TEST_P(ClcFlow, TransientStatusFailuresAreRiddenOut) {
    auto d = make();
    emu_->inject(fault::server_error().only_path("/status/"), 2);
    emu_->inject(fault::unavailable(0s).only_path("/status/"), 1);
    auto r = d.start_and_wait(clc::start_maintenance{{"WA1ALIASWB01"}}, polling_);
    ASSERT_TRUE(r) << r.error();
    EXPECT_TRUE(r.value().all_succeeded());
    EXPECT_EQ(emu_->pending_faults(), 0u);
}

TEST_P(ClcFlow, IdempotentCallsSurviveDroppedConnectionsAndTruncation) {
    auto d = make();
    ASSERT_TRUE(d.call(clc::get_server{"WA1ALIASWB01"}));
    emu_->inject(fault::close_before_response().only_path("/servers/ALIAS/"), 1);
    emu_->inject(fault::truncated_body().only_path("/servers/ALIAS/"), 1);
    auto r = d.call(clc::get_server{"WA1ALIASWB01"});
    ASSERT_TRUE(r) << r.error();
    EXPECT_EQ(r.value().id, "wa1aliaswb01");
}

TEST_P(ClcFlow, RateLimitIsHonouredAndRetried) {
    auto d = make();
    ASSERT_TRUE(d.call(clc::get_server{"WA1ALIASWB01"}));
    emu_->inject(fault::too_many_requests(0s).only_path("/servers/ALIAS/"), 1);
    auto r = d.call(clc::get_server{"WA1ALIASWB01"});
    ASSERT_TRUE(r) << r.error();
}

TEST_P(ClcFlow, MalformedJsonIsATypedError) {
    auto d = make();
    ASSERT_TRUE(d.call(clc::get_server{"WA1ALIASWB01"}));
    emu_->inject(fault::malformed_json().only_path("/servers/ALIAS/"), 1);
    auto r = d.call(clc::get_server{"WA1ALIASWB01"});
    ASSERT_FALSE(r);
    EXPECT_TRUE(r.error().is(errc::malformed_response)) << r.error();
}

TEST_P(ClcFlow, SlowResponseTimesOutWithinTheDeadline) {
    auto d = make();
    ASSERT_TRUE(d.call(clc::get_server{"WA1ALIASWB01"}));
    emu_->inject(fault::delay_response(5s).only_path("/servers/ALIAS/"), 3);
    auto began = std::chrono::steady_clock::now();
    auto r = d.call(clc::get_server{"WA1ALIASWB01"});  // 2 s request timeout, 3 attempts at most
    ASSERT_FALSE(r);
    EXPECT_TRUE(r.error().is(errc::timeout)) << r.error();
    EXPECT_LT(std::chrono::steady_clock::now() - began, 8s);
}

TEST_P(ClcFlow, EveryAsyncCallCompletesExactlyOnce) {
    auto d = make();
    emu_->inject(fault::close_before_response(), 1);
    (void)d.call(clc::get_server{"WA1ALIASWB01"});
    (void)d.call(clc::reboot{{"WA1ALIASWB01"}});
    (void)d.call(clc::get_status{"wa1-none"});
    if (GetParam().m != mode::sync) {
        EXPECT_EQ(d.completions(), 3);
    }
}

TEST_P(ClcFlow, WrongTlsHostNameIsRejected) {
    if (!GetParam().tls) GTEST_SKIP() << "TLS only";
    // The same certificate (localhost, 127.0.0.1, ::1) served on another loopback address it does not name.
    serverops::testing::emulator_options opts = emu_->settings();
    opts.address = "127.0.0.2";
    emulator other(opts);
    ASSERT_TRUE(other.start());
    const std::string url = "https://127.0.0.2:" + std::to_string(other.port()) + "/v2";
    driver d(GetParam().m, url, {"user", "password"}, transport_opts(), session_opts());
    auto r = d.call(clc::get_server{"WA1ALIASWB01"});
    ASSERT_FALSE(r);
    EXPECT_TRUE(r.error().is(errc::tls_failure)) << r.error();
    EXPECT_NE(r.error().message().find("127.0.0.2"), std::string::npos) << r.error();
    EXPECT_EQ(other.request_count(), 0u) << "nothing may be sent to an unverified peer";
}

TEST_P(ClcFlow, UnknownCertificateAuthorityIsRejected) {
    if (!GetParam().tls) GTEST_SKIP() << "TLS only";
    auto t = transport_opts();
    t.tls.ca_pem.clear();
    driver d(GetParam().m, base_url("localhost"), {"user", "password"}, t, session_opts());
    auto r = d.call(clc::get_server{"WA1ALIASWB01"});
    ASSERT_FALSE(r);
    EXPECT_TRUE(r.error().is(errc::tls_failure)) << r.error();
    EXPECT_NE(r.error().message().find("certificate"), std::string::npos) << r.error();
}

TEST_P(ClcFlow, DesiredStateSendsOnlyTheServersThatDiffer) {
    emu_->clc().add_server("WA1ALIASWB02", clc::power_state::stopped);
    auto d = make();
    const clc::power_off off{{"WA1ALIASWB01", "wa1aliaswb02", "WA1ALIASXX00"}};
    auto first = d.ensure_and_wait(off, polling_);
    ASSERT_TRUE(first) << first.error();
    const auto& r = first.value();
    ASSERT_EQ(r.servers.size(), 3u);
    EXPECT_TRUE(r.waited);
    EXPECT_EQ(r.servers[0].outcome, target_outcome::changed);
    EXPECT_EQ(r.servers[0].observed, "started");
    EXPECT_EQ(r.servers[0].last_status, clc::job_status::succeeded);
    EXPECT_EQ(r.servers[1].outcome, target_outcome::unchanged);
    EXPECT_EQ(r.servers[1].observed, "stopped");
    EXPECT_FALSE(r.servers[1].sent);
    EXPECT_EQ(r.servers[2].outcome, target_outcome::failed);  // unknown: read 404, sent, not queued
    EXPECT_TRUE(r.servers[2].sent);
    EXPECT_TRUE(r.servers[2].problem && r.servers[2].problem->is(errc::not_accepted));
    ASSERT_TRUE(r.batch);
    EXPECT_EQ(r.batch->servers.size(), 2u) << "only the servers that needed it";
    EXPECT_EQ(emu_->request_count("POST", "/servers/powerOff"), 1u);
    EXPECT_EQ(emu_->clc().server_state("WA1ALIASWB01")->power_state, clc::power_state::stopped);

    // Again: every known server is in the state now; only the unknown one is sent.
    auto second = d.ensure(clc::power_off{{"WA1ALIASWB01", "wa1aliaswb02"}});
    ASSERT_TRUE(second) << second.error();
    EXPECT_TRUE(second.value().all_succeeded());
    EXPECT_EQ(second.value().count(target_outcome::unchanged), 2u);
    EXPECT_FALSE(second.value().batch) << "nothing to send";
    EXPECT_EQ(emu_->request_count("POST", "/servers/powerOff"), 1u);

    // Maintenance, per server: on for one already on, and one off.
    emu_->clc().add_server("WA1ALIASWB03", clc::power_state::started, true);
    clc::set_maintenance mixed;
    mixed.servers = {{"WA1ALIASWB03", true}, {"WA1ALIASWB04", true}};
    auto maintenance = d.ensure(mixed);
    ASSERT_TRUE(maintenance) << maintenance.error();
    EXPECT_EQ(maintenance.value().servers[0].outcome, target_outcome::unchanged);
    EXPECT_EQ(maintenance.value().servers[1].outcome, target_outcome::accepted);
    EXPECT_FALSE(maintenance.value().servers[1].status_id.empty());
    if (GetParam().m != mode::sync) {
        EXPECT_EQ(d.completions(), 3);
    }
}

TEST_P(ClcFlow, DesiredStateReadFailuresNeverSendBlindly) {
    auto d = make();
    // A 5xx on every attempt of one read: the call fails with it, and no batch is sent for anyone.
    emu_->inject(fault::server_error().only_method(verb::get).only_path("/WA1ALIASWB02"), 3);
    auto failed = d.ensure(clc::pause{{"WA1ALIASWB01", "WA1ALIASWB02"}});
    ASSERT_FALSE(failed);
    EXPECT_TRUE(failed.error().is(errc::server_error)) << failed.error();
    EXPECT_EQ(failed.error().operation, clc::get_server::name);
    EXPECT_EQ(emu_->request_count("POST", "/servers/pause"), 0u);

    // Malformed JSON about one server: that server fails, the other is sent.
    emu_->clear_faults();
    emu_->inject(fault::status(200, "{\"id\":").only_method(verb::get).only_path("/WA1ALIASWB02"));
    auto partial = d.ensure(clc::pause{{"WA1ALIASWB01", "WA1ALIASWB02"}});
    ASSERT_TRUE(partial) << partial.error();
    EXPECT_EQ(partial.value().servers[0].outcome, target_outcome::accepted);
    EXPECT_EQ(partial.value().servers[1].outcome, target_outcome::failed);
    EXPECT_FALSE(partial.value().servers[1].sent);
    EXPECT_EQ(emu_->request_count("POST", "/servers/pause"), 1u);

    // Bad credentials: one login attempt, nothing read, nothing sent.
    auto bad = make({"user", "wrong"});
    auto denied = bad.ensure(clc::start_maintenance{{"WA1ALIASWB01"}});
    ASSERT_FALSE(denied);
    EXPECT_TRUE(denied.error().is(errc::authentication_failed)) << denied.error();
    EXPECT_EQ(emu_->request_count("POST", "/startMaintenance"), 0u);
}

TEST(ClcFlowAsync, DesiredStateCompletesOnceNeverInlineAndCancelsBeforeSending) {
    emulator e;
    ASSERT_TRUE(e.start());
    asio::io_context io;
    beast_async_transport transport(io.get_executor(), parse_endpoint(e.clc_base_url()).value(), transport_options{});
    clc::session<beast_async_transport&> s(transport, {"user", "password"},
                                           clc::context::from_base_url(e.clc_base_url()).value());
    // Invalid (no server): still completed later, never inside the initiating call.
    int completions = 0;
    std::optional<result<clc::ensure_result>> out;
    clc::async_ensure_state(s, clc::power_on{}, [&](result<clc::ensure_result> r) {
        ++completions;
        out.emplace(std::move(r));
    });
    EXPECT_FALSE(out) << "completed inline";
    io.run();
    ASSERT_TRUE(out);
    EXPECT_EQ(completions, 1);
    ASSERT_FALSE(*out);
    EXPECT_TRUE(out->error().is(errc::invalid_request));
    EXPECT_EQ(e.request_count(), 0u);

    // Cancelled while reading: errc::cancelled, nothing sent.
    out.reset();
    asio::cancellation_signal signal;
    clc::async_ensure_state(s, clc::shut_down{{"WA1ALIASWB01", "WA1ALIASWB02"}},
                            asio::bind_cancellation_slot(signal.slot(), [&](result<clc::ensure_result> r) {
                                ++completions;
                                out.emplace(std::move(r));
                            }));
    EXPECT_FALSE(out);
    signal.emit(asio::cancellation_type::terminal);
    io.restart();
    io.run();
    ASSERT_TRUE(out);
    EXPECT_EQ(completions, 2);
    ASSERT_FALSE(*out);
    EXPECT_TRUE(out->error().is(errc::cancelled)) << out->error();
    EXPECT_EQ(e.request_count("POST", "/servers/shutDown"), 0u);
}

INSTANTIATE_TEST_SUITE_P(Matrix, ClcFlow,
                         ::testing::Values(flow_param{mode::sync, false}, flow_param{mode::callback, false},
                                           flow_param{mode::coroutine, false}, flow_param{mode::sync, true},
                                           flow_param{mode::callback, true}, flow_param{mode::coroutine, true}),
                         [](const ::testing::TestParamInfo<flow_param>& p) {
                             return name_of(p.param.m) + (p.param.tls ? "Tls" : "Plain");
                         });

}  // namespace
