// DMTF Redfish end to end over real loopback HTTP: redfish::session over the Beast transports against the
// emulator's Redfish module, each test body run sync, with callbacks and as a coroutine: automatic authentication
// (a session when the service root links a SessionService, Basic otherwise), resets answered 204 and 202 with a task
// monitor and the waits they call for, an allowable-values refusal that sends nothing, a session that expires in the
// middle of a wait (one re-login, the reset never sent twice), logout when the session object ends, and the same
// over TLS (HTTPS with a verified certificate; an unverified one sends nothing).
#include <serverops/beast/async_transport.hpp>
#include <serverops/beast/sync_transport.hpp>
#include <serverops/redfish.hpp>
#include <serverops/redfish/session.hpp>
#include <serverops/redfish/wait.hpp>
#include <serverops/testing/emulator.hpp>
#include <serverops/testing/emulator/redfish_module.hpp>

#include "../common/run_modes.hpp"

#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace {

using namespace serverops;
using namespace std::chrono_literals;
namespace emu = serverops::testing;
using serverops_test::mode;

/// The emulator with only the Redfish module, and a redfish::session over a sync or async Beast transport.
class RedfishFlow : public ::testing::TestWithParam<mode> {
protected:
    /// With `tls`: HTTPS with a fresh self-signed certificate; the client trusts it when `trust` is set.
    void start(emu::redfish_options o = {}, bool tls = false, bool trust = true) {
        emu::emulator_options eo;
        std::string ca;
        if (tls) {
            auto cert = emu::make_self_signed_tls("localhost");
            ASSERT_TRUE(cert);
            ca = cert.value().certificate_chain_pem;
            eo.tls = std::move(cert).value();
        }
        emulator_ = std::make_unique<emu::emulator>(std::move(eo));
        module_ = std::make_shared<emu::redfish_module>(emulator_->clock(), std::move(o));
        ASSERT_TRUE(emulator_->add_module(module_));
        ASSERT_TRUE(emulator_->start());
        base_url_ = emulator_->base_url("");
        auto ep = parse_endpoint(base_url_).value();
        transport_options t;
        t.request_timeout = 3s;
        if (trust) t.tls.ca_pem = ca;
        if (GetParam() == mode::sync) {
            sync_transport_ = std::make_unique<beast_sync_transport>(ep, t);
            sync_ = std::make_unique<redfish::session<beast_sync_transport&>>(*sync_transport_, credentials(),
                                                                            context(), options());
        } else {
            async_transport_ = std::make_unique<beast_async_transport>(io_.get_executor(), ep, t);
            async_ = std::make_unique<redfish::session<beast_async_transport&>>(*async_transport_, credentials(),
                                                                              context(), options());
        }
    }
    void TearDown() override {
        sync_.reset();  // logs out (sync) while the emulator still runs
        if (async_) {
            (void)run<void>([this](auto token) { return async_->async_logout(token); });
            async_.reset();
        }
    }

    redfish::credentials credentials() const { return {"admin", password_}; }
    redfish::context context() const { return redfish::context::from_base_url(base_url_).value(); }
    static redfish::session_options options() {
        redfish::session_options o;
        o.retry.initial_backoff = 10ms;
        o.retry.max_backoff = 50ms;
        return o;
    }
    static polling_policy polling() {
        polling_policy p;
        p.interval = 20ms;
        p.timeout = 10s;
        return p;
    }

    template <class R, class Start>
    result<R> run(Start start) {
        return serverops_test::run_to_completion<R>(io_, GetParam(), std::move(start), completions_);
    }

    result<redfish::computer_system> system(const std::string& id) {
        redfish::get_system g;
        g.id = id;
        if (sync_) return sync_->call(g);
        return run<redfish::computer_system>([this, g](auto token) { return async_->async_call(g, token); });
    }
    result<redfish::reset_outcome> reset_and_wait(const redfish::computer_system& s, redfish::reset_type t) {
        if (sync_) return redfish::reset_and_wait(*sync_, s, t, polling());
        return run<redfish::reset_outcome>(
            [this, s, t](auto token) { return redfish::async_reset_and_wait(*async_, s, t, polling(), token); });
    }
    bool uses_basic() const { return sync_ ? sync_->uses_basic() : async_->uses_basic(); }

    std::unique_ptr<emu::emulator> emulator_;
    std::shared_ptr<emu::redfish_module> module_;
    std::string base_url_;
    std::string password_ = "redfish-demo";
    boost::asio::io_context io_;
    std::unique_ptr<beast_sync_transport> sync_transport_;
    std::unique_ptr<beast_async_transport> async_transport_;
    std::unique_ptr<redfish::session<beast_sync_transport&>> sync_;
    std::unique_ptr<redfish::session<beast_async_transport&>> async_;
    int completions_ = 0;
};

TEST_P(RedfishFlow, SessionLoginThenARestartWithATaskMonitorWaitsForTheTaskAndSendsOneReset) {
    start();
    auto s = system("2");
    ASSERT_TRUE(s) << s.error();
    EXPECT_EQ(s.value().power, redfish::power_state::on);
    EXPECT_FALSE(uses_basic()) << "the service root links a SessionService";
    auto out = reset_and_wait(s.value(), redfish::reset_type::graceful_restart);
    ASSERT_TRUE(out) << out.error();
    EXPECT_EQ(out.value().reset.status, 202u);
    ASSERT_TRUE(out.value().finished_task);
    EXPECT_EQ(out.value().finished_task->state, redfish::task_state::completed);
    // A restart with a task monitor waits for the task only (the emulator ends it when the system is On again).
    EXPECT_FALSE(out.value().system);
    EXPECT_EQ(module_->power_state("2"), emu::redfish_power::on);
    EXPECT_EQ(module_->reset_requests("2"), 1u);
    EXPECT_EQ(module_->accepted_resets("2"), std::vector<std::string>{"GracefulRestart"});
    EXPECT_EQ(module_->logins(), 1u);
}

TEST_P(RedfishFlow, ForceOffAnswered204WaitsForOffAndGracefulShutdownOfAnOffSystemChangesNothing) {
    start();
    auto s = system("1");
    ASSERT_TRUE(s) << s.error();
    auto out = reset_and_wait(s.value(), redfish::reset_type::force_off);
    ASSERT_TRUE(out) << out.error();
    EXPECT_EQ(out.value().reset.status, 204u);
    ASSERT_TRUE(out.value().system);
    EXPECT_EQ(out.value().system->power, redfish::power_state::off);
    EXPECT_EQ(module_->power_state("1"), emu::redfish_power::off);
    auto on = reset_and_wait(system("1").value(), redfish::reset_type::on);
    ASSERT_TRUE(on) << on.error();
    EXPECT_EQ(on.value().system->power, redfish::power_state::on);
    EXPECT_EQ(module_->reset_requests("1"), 2u);
}

TEST_P(RedfishFlow, AResetTypeOutsideTheAllowableValuesIsRefusedBeforeAnythingIsSent) {
    emu::redfish_options o;
    o.systems.resize(1);
    o.systems[0].allowable = {"On", "ForceOff"};
    start(std::move(o));
    auto s = system("1");
    ASSERT_TRUE(s) << s.error();
    auto out = reset_and_wait(s.value(), redfish::reset_type::power_cycle);
    ASSERT_FALSE(out);
    EXPECT_TRUE(out.error().is(errc::invalid_request)) << out.error();
    EXPECT_NE(out.error().message().find("ForceOff"), std::string::npos) << "the error lists the allowed values";
    EXPECT_EQ(module_->reset_requests("1"), 0u);
}

TEST_P(RedfishFlow, WithoutASessionServiceAutomaticAuthenticationUsesBasic) {
    emu::redfish_options o;
    o.sessions = false;
    start(std::move(o));
    auto s = system("1");
    ASSERT_TRUE(s) << s.error();
    EXPECT_TRUE(uses_basic());
    EXPECT_EQ(module_->logins(), 0u);
}

TEST_P(RedfishFlow, ASessionThatExpiresDuringAWaitLogsInOnceAgainAndNeverResendsTheReset) {
    emu::redfish_options o;
    o.transition = 400ms;
    start(std::move(o));
    auto s = system("1");
    ASSERT_TRUE(s) << s.error();
    // The emulator drops every session while the system is still PoweringOff: the next poll gets 401.
    std::thread expire([this] {
        std::this_thread::sleep_for(100ms);
        module_->expire_sessions();
    });
    auto out = reset_and_wait(s.value(), redfish::reset_type::graceful_shutdown);
    expire.join();
    ASSERT_TRUE(out) << out.error();
    EXPECT_EQ(out.value().system->power, redfish::power_state::off);
    EXPECT_EQ(module_->reset_requests("1"), 1u);
    EXPECT_EQ(module_->logins(), 2u) << "one re-login after the expiry";
}

TEST_P(RedfishFlow, WrongPasswordIsAnAuthenticationErrorWithoutThePassword) {
    password_ = "not-the-password";
    start();
    auto s = system("1");
    ASSERT_FALSE(s);
    EXPECT_TRUE(s.error().is(errc::authentication_failed)) << s.error();
    EXPECT_EQ(s.error().message().find(password_), std::string::npos);
    EXPECT_EQ(module_->logins(), 1u) << "a login is never resent";
}

TEST_P(RedfishFlow, OverVerifiedTlsASessionResetsAndWaitsAndAnUntrustedCertificateSendsNothing) {
    start({}, /*tls=*/true);
    ASSERT_TRUE(base_url_.starts_with("https://127.0.0.1:"));
    auto s = system("2");
    ASSERT_TRUE(s) << s.error();
    EXPECT_FALSE(uses_basic());
    auto out = reset_and_wait(s.value(), redfish::reset_type::force_off);
    ASSERT_TRUE(out) << out.error();
    EXPECT_EQ(out.value().reset.status, 202u);
    EXPECT_EQ(module_->power_state("2"), emu::redfish_power::off);
    EXPECT_EQ(module_->reset_requests("2"), 1u);
    EXPECT_EQ(module_->logins(), 1u);
}

TEST_P(RedfishFlow, AnUntrustedCertificateFailsTheHandshakeAndNothingReachesTheService) {
    start({}, /*tls=*/true, /*trust=*/false);  // the system trust store does not know the emulator's CA
    auto s = system("1");
    ASSERT_FALSE(s);
    EXPECT_TRUE(s.error().is(errc::tls_failure)) << s.error();
    EXPECT_EQ(module_->logins(), 0u);
    EXPECT_EQ(emulator_->request_count(), 0u);
}

INSTANTIATE_TEST_SUITE_P(Matrix, RedfishFlow, ::testing::Values(mode::sync, mode::callback, mode::coroutine),
                         [](const auto& info) { return serverops_test::name_of(info.param); });

}  // namespace
