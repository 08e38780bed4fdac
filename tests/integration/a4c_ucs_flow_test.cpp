// Alien4Cloud and Genesys UCS end to end over real loopback HTTP: the library's sessions over the Beast transports
// against the emulator's A4C and UCS modules, every test body run sync, with callbacks and as a coroutine.
// - A4cFlow: every scenario of Alien4Cloud's maintenance.feature (tests/common/a4c_scenarios.hpp, shared with the
//   unit tests' fake), the login lifecycle (expiry -> one re-login, bad credentials never retried, JWT), and every
//   error body through the real transports with its vendor code.
// - UcsFlow: maintenance -> production -> maintenance with HTTP Basic on and off and both base paths, the 503 of the
//   switching window, ucs::wait_until_mode riding it out, the 401 and 400 bodies.
// - A4cFlowAllVendors: CLC, A4C and UCS through one transport type, one port, one client template.
#include <serverops/a4c.hpp>
#include <serverops/a4c/desired_state.hpp>
#include <serverops/a4c/session.hpp>
#include <serverops/beast/async_transport.hpp>
#include <serverops/beast/sync_transport.hpp>
#include <serverops/clc.hpp>
#include <serverops/clc/session.hpp>
#include <serverops/testing/full_emulator.hpp>
#include <serverops/ucs.hpp>
#include <serverops/ucs/desired_state.hpp>
#include <serverops/ucs/session.hpp>
#include <serverops/ucs/wait.hpp>

#include "../common/a4c_scenarios.hpp"
#include "../common/run_modes.hpp"

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace {

using namespace serverops;
using namespace std::chrono_literals;
namespace asio = boost::asio;
namespace emu = serverops::testing;

using serverops_test::mode;
using serverops_test::name_of;

transport_options transport_opts() {
    transport_options t;
    t.request_timeout = 3s;
    t.connect_timeout = 2s;
    return t;
}

session_options session_opts(retry_policy retry = {}) {
    session_options s;
    s.retry = retry;
    s.retry.initial_backoff = 10ms;
    s.retry.max_backoff = 50ms;
    return s;
}

/// The transport side of a test: a sync Beast transport, or an async one on a private io_context, and the loop that
/// runs one async operation to completion (bounded: a hang fails the test instead of blocking it).
class wire {
public:
    wire(mode m, const std::string& base_url, transport_options t = transport_opts()) : mode_(m) {
        auto ep = parse_endpoint(base_url).value();
        if (m == mode::sync) sync_ = std::make_unique<beast_sync_transport>(ep, t);
        else async_ = std::make_unique<beast_async_transport>(io_.get_executor(), ep, t);
    }

    mode kind() const { return mode_; }
    beast_sync_transport& sync() { return *sync_; }
    beast_async_transport& async() { return *async_; }
    asio::io_context& io() { return io_; }
    int completions() const { return completions_; }
    int runs() const { return runs_; }

    template <class R, class Start>
    result<R> run(Start start) {
        ++runs_;
        return serverops_test::run_to_completion<R>(io_, mode_, std::move(start), completions_);
    }

private:
    mode mode_;
    asio::io_context io_;  // before the transports: it outlives them
    std::unique_ptr<beast_sync_transport> sync_;
    std::unique_ptr<beast_async_transport> async_;
    int completions_ = 0;
    int runs_ = 0;
};

/// A serverops::session of any vendor over the wire's transport, called in the wire's mode.
template <class Auth>
class any_session {
public:
    using context_type = typename Auth::context_type;
    using sync_type = serverops::session<beast_sync_transport&, Auth>;
    using async_type = serverops::session<beast_async_transport&, Auth>;

    any_session(wire& w, Auth auth, context_type ctx, session_options o = session_opts()) : w_(&w) {
        if (w.kind() == mode::sync) sync_ = std::make_unique<sync_type>(w.sync(), std::move(auth), std::move(ctx), std::move(o));
        else async_ = std::make_unique<async_type>(w.async(), std::move(auth), std::move(ctx), std::move(o));
    }

    template <class Op>
    result<typename Op::response_type> call(const Op& op) {
        if (sync_) return sync_->call(op);
        return w_->template run<typename Op::response_type>([this, op](auto token) { return async_->async_call(op, token); });
    }

    /// Runs `sync_fn(sync session)` or `async_fn(async session, token)`.
    template <class R, class SyncFn, class AsyncFn>
    result<R> invoke(SyncFn sync_fn, AsyncFn async_fn) {
        if (sync_) return sync_fn(*sync_);
        return w_->template run<R>([this, async_fn](auto token) { return async_fn(*async_, token); });
    }

    const context_type& context() const { return sync_ ? sync_->current_context() : async_->current_context(); }

private:
    wire* w_;
    std::unique_ptr<sync_type> sync_;
    std::unique_ptr<async_type> async_;
};

/// Never logs in: calls carry what the context holds (nothing, for an anonymous caller). For logins and for
/// checking what the server answers an anonymous caller.
struct no_login_authenticator {
    using context_type = a4c::context;
    bool has_credentials(const a4c::context&) const { return true; }
    void forget(a4c::context&) const {}
    bool is_rejection(const error&) const { return false; }
};

/// Runs a scenario's calls through a4c::session, one session per identity as an operator would hold them. The
/// scenario's context says who calls (the JSESSIONID it logged in with); the adapter remembers whose each cookie is
/// and runs the call through that user's session, which starts from the scenario's cookie and knows the user's
/// credentials, so an expired session would log in again as that user. Logins and anonymous calls go through a
/// session that never logs in.
class a4c_identities {
public:
    a4c_identities(wire& w, a4c::context base, session_options o = session_opts())
        : w_(&w), opts_(std::move(o)), anonymous_(w, no_login_authenticator{}, without_credentials(base), opts_) {}

    template <class Op>
    result<typename Op::response_type> operator()(const Op& op, const a4c::context& ctx) {
        ++calls_;
        if constexpr (std::is_same_v<Op, a4c::login>) {
            auto r = anonymous_.call(op);
            if (r) owners_[r.value().session_cookie] = a4c::credentials{op.username, op.password};
            return r;
        } else {
            auto owner = owners_.find(ctx.session_cookie);
            if (ctx.session_cookie.empty() || owner == owners_.end()) return anonymous_.call(op);
            auto& s = sessions_[owner->second.username];
            if (!s) s = std::make_unique<any_session<a4c::form_authenticator>>(*w_, a4c::form_authenticator{owner->second}, ctx, opts_);
            return s->call(op);
        }
    }

    /// The `call` the scenarios take (copyable; refers to this object).
    auto callable() {
        return [this](const auto& op, const a4c::context& ctx) { return (*this)(op, ctx); };
    }

    int calls() const { return calls_; }

private:
    static a4c::context without_credentials(a4c::context c) {
        c.session_cookie.clear();
        c.jwt.clear();
        return c;
    }

    wire* w_;
    session_options opts_;
    any_session<no_login_authenticator> anonymous_;
    std::map<std::string, a4c::credentials> owners_;  // JSESSIONID -> whose
    std::map<std::string, std::unique_ptr<any_session<a4c::form_authenticator>>> sessions_;
    int calls_ = 0;
};

/// Collects log lines, to prove no secret is ever written.
struct log_capture {
    std::shared_ptr<std::vector<std::string>> lines = std::make_shared<std::vector<std::string>>();
    logger make() const {
        return logger{log_level::debug, [l = lines](log_level, std::string_view line) { l->emplace_back(line); }};
    }
    bool contains(std::string_view secret) const {
        for (auto& l : *lines)
            if (l.find(secret) != std::string::npos) return true;
        return false;
    }
};

// ================================================================ Alien4Cloud

struct a4c_param {
    mode m;
    std::string_view root;  ///< the server's root (context path)
    std::string_view rest;  ///< the client's REST prefix
};

class A4cFlow : public ::testing::TestWithParam<a4c_param> {
protected:
    void SetUp() override {
        emu::full_emulator::options o;
        o.a4c.root = std::string(GetParam().root);
        emu_ = std::make_unique<emu::full_emulator>(o);
        ASSERT_TRUE(emu_->start());
        wire_ = std::make_unique<wire>(GetParam().m, emu_->a4c_base_url());
    }

    a4c::context base() const { return a4c::context::from_base_url(emu_->a4c_base_url(), GetParam().rest).value(); }
    std::string rest_path(std::string_view p) const { return std::string(GetParam().root) + std::string(GetParam().rest) + std::string(p); }
    std::string root_path(std::string_view p) const { return std::string(GetParam().root) + std::string(p); }

    template <class Auth = a4c::form_authenticator>
    any_session<Auth> as(std::string user, std::string password, session_options o = session_opts()) {
        return any_session<Auth>(*wire_, Auth{a4c::credentials{std::move(user), std::move(password)}}, base(), std::move(o));
    }
    any_session<no_login_authenticator> anonymous() { return any_session<no_login_authenticator>(*wire_, {}, base()); }

    template <class Scenario>
    void run_scenario(Scenario scenario) {
        a4c_identities ids(*wire_, base());
        scenario(ids.callable(), base());
        EXPECT_GT(emu_->request_count(), 3u);
        EXPECT_GE(emu_->request_count(), static_cast<std::size_t>(ids.calls()));
        if (GetParam().m != mode::sync) {
            EXPECT_EQ(wire_->completions(), wire_->runs()) << "every async call completed once";
        }
    }

    std::unique_ptr<emu::full_emulator> emu_;
    std::unique_ptr<wire> wire_;
};

// ---------------------------------------------------------------- maintenance.feature, scenario by scenario

TEST_P(A4cFlow, AdminCanEnableThenDisable) {
    run_scenario([](auto call, const a4c::context& c) { a4c_it::admin_can_enable_then_disable(call, c); });
    EXPECT_FALSE(emu_->a4c().maintenance_enabled());
}

TEST_P(A4cFlow, NonAdminCannotEnable) {
    run_scenario([](auto call, const a4c::context& c) { a4c_it::non_admin_cannot_enable(call, c); });
    EXPECT_FALSE(emu_->a4c().maintenance_enabled());
}

TEST_P(A4cFlow, OtherEndpointsAreRefusedWhileEnabled) {
    run_scenario([](auto call, const a4c::context& c) { a4c_it::other_endpoints_are_refused_while_enabled(call, c); });
    // errc::busy is transient like any 503: an idempotent call is retried within the retry policy, then fails.
    EXPECT_EQ(emu_->request_count("POST", "/applications/search"),
              static_cast<std::size_t>(serverops::retry_policy{}.max_attempts));
}

TEST_P(A4cFlow, DisablingWhenOffFails) {
    run_scenario([](auto call, const a4c::context& c) { a4c_it::disabling_when_off_fails(call, c); });
}

TEST_P(A4cFlow, LoginStillWorksWhileEnabled) {
    run_scenario([](auto call, const a4c::context& c) { a4c_it::login_still_works_while_enabled(call, c); });
    // admin, frodo, admin: the adapter's identity sessions start with the cookie of their login and use it.
    EXPECT_EQ(emu_->request_count("POST", "/login"), 3u);
}

TEST_P(A4cFlow, StateIsReportedWhileEnabled) {
    run_scenario([](auto call, const a4c::context& c) { a4c_it::state_is_reported_while_enabled(call, c); });
}

TEST_P(A4cFlow, UpdateChangesMessageAndProgress) {
    run_scenario([](auto call, const a4c::context& c) { a4c_it::update_changes_message_and_progress(call, c); });
    auto st = emu_->a4c().maintenance();
    EXPECT_TRUE(st.enabled);
    EXPECT_EQ(st.progress_percent, 25);
    ASSERT_EQ(st.messages.size(), 2u);
    EXPECT_EQ(st.messages.front(), emu::a4c_messages::maintenance_started);
    EXPECT_EQ(st.messages.back(), "Performing maintenance");
}

TEST_P(A4cFlow, UpdatingWhenOffFails) {
    run_scenario([](auto call, const a4c::context& c) { a4c_it::updating_when_off_fails(call, c); });
}

TEST_P(A4cFlow, NonAdminCannotUpdate) {
    run_scenario([](auto call, const a4c::context& c) { a4c_it::non_admin_cannot_update(call, c); });
    auto st = emu_->a4c().maintenance();
    EXPECT_TRUE(st.enabled) << "the scenario leaves maintenance on";
    EXPECT_EQ(st.progress_percent, 1);
    EXPECT_EQ(st.messages.size(), 1u);
}

TEST_P(A4cFlow, StateIsEmptyWhileOff) {
    run_scenario([](auto call, const a4c::context& c) { a4c_it::state_is_empty_while_off(call, c); });
}

TEST_P(A4cFlow, BackgroundCreatesAMissingUser) {
    // The Background's "There are these users in the system" creates frodo when absent (POST /rest/v1/users/).
    ASSERT_TRUE(emu_->a4c().remove_user("frodo"));
    run_scenario([](auto call, const a4c::context& c) { a4c_it::non_admin_cannot_enable(call, c); });
    EXPECT_TRUE(emu_->a4c().has_user("frodo"));
    EXPECT_EQ(emu_->request_count("POST", "/users"), 1u);
}

TEST_P(A4cFlow, TheEmulatorBehavesAsStepsMdSays) {
    a4c_identities ids(*wire_, base());
    auto call = ids.callable();
    const a4c::context anon = base();
    auto bad = call(a4c::login{"admin", "wrong"}, anon);
    ASSERT_FALSE(bad);
    EXPECT_TRUE(bad.error().is(errc::authentication_failed)) << bad.error();
    EXPECT_TRUE(call(a4c::enable_maintenance{}, anon).error().is(errc::unauthorized)) << "no session: code 100";
    auto status = call(a4c::get_auth_status{}, anon);
    ASSERT_TRUE(status) << status.error();
    EXPECT_FALSE(status.value().is_logged);
    EXPECT_EQ(status.value().username, "anonymousUser");
    auto admin = call(a4c::login{"admin", "admin"}, anon);
    ASSERT_TRUE(admin) << admin.error();
    EXPECT_NE(admin.value().location.find("/rest/auth/status"), std::string::npos) << admin.value().location;
    EXPECT_EQ(admin.value().http_status, 302u);
    a4c::context c = anon;
    c.session_cookie = admin.value().session_cookie;
    auto me = call(a4c::get_auth_status{}, c);
    ASSERT_TRUE(me) << me.error();
    EXPECT_TRUE(me.value().is_logged);
    EXPECT_TRUE(me.value().has_role("ADMIN"));
    EXPECT_EQ(me.value().auth_system, "alien");
    EXPECT_TRUE(call(a4c::enable_maintenance{}, c));
    EXPECT_TRUE(call(a4c::enable_maintenance{}, c).error().is(errc::conflict));
    EXPECT_TRUE(emu_->a4c().maintenance_enabled());
    EXPECT_TRUE(call(a4c::get_auth_status{}, c)) << "/auth is on the filter's allow list";
    auto refused = call(a4c_it::get_user{"frodo"}, c);
    ASSERT_FALSE(refused);
    EXPECT_TRUE(refused.error().is(errc::busy));
    EXPECT_EQ(refused.error().http_status, 503u);
    EXPECT_TRUE(call(a4c::disable_maintenance{}, c));
    EXPECT_TRUE(call(a4c::disable_maintenance{}, c).error().is(errc::not_found));
    auto frodo = call(a4c_it::get_user{"frodo"}, c);
    ASSERT_TRUE(frodo) << frodo.error();
    EXPECT_EQ(frodo.value().as_object().at("username").as_string(), "frodo");
    EXPECT_FALSE(frodo.value().as_object().contains("password"));
    auto nobody = call(a4c_it::get_user{"nobody"}, c);
    ASSERT_TRUE(nobody);
    EXPECT_TRUE(nobody.value().is_null());
}

// ---------------------------------------------------------------- login lifecycle

TEST_P(A4cFlow, ExpiredSessionLogsInAgainExactlyOnce) {
    log_capture logs;
    auto o = session_opts();
    o.log = logs.make();
    auto admin = as("admin", "admin", o);
    ASSERT_TRUE(admin.call(a4c::get_maintenance_state{}));
    EXPECT_EQ(emu_->request_count("POST", "/login"), 1u);
    const std::string first_cookie = admin.context().session_cookie;
    ASSERT_FALSE(first_cookie.empty());

    emu_->a4c().expire_sessions();
    auto enabled = admin.call(a4c::enable_maintenance{});  // a POST: resent once, after the login, because the
    ASSERT_TRUE(enabled) << enabled.error();               // server refused it (403, code 100) before running it
    EXPECT_EQ(emu_->request_count("POST", "/login"), 2u);
    EXPECT_EQ(emu_->request_count("POST", rest_path("/maintenance")), 2u);
    EXPECT_TRUE(emu_->a4c().maintenance_enabled());
    EXPECT_NE(admin.context().session_cookie, first_cookie);

    // Idle timeout on the emulator clock: the session is dropped server-side, the client logs in again once.
    emu_->advance(31min);
    auto state = admin.call(a4c::get_maintenance_state{});
    ASSERT_TRUE(state) << state.error();
    EXPECT_TRUE(state.value().enabled);
    EXPECT_EQ(emu_->request_count("POST", "/login"), 3u);
    ASSERT_TRUE(admin.call(a4c::disable_maintenance{}));

    EXPECT_FALSE(logs.lines->empty());
    EXPECT_FALSE(logs.contains(first_cookie)) << "a session cookie was logged";
    EXPECT_FALSE(logs.contains(admin.context().session_cookie)) << "a session cookie was logged";
    EXPECT_FALSE(logs.contains("password=admin")) << "a login body was logged";
}

TEST_P(A4cFlow, ARejectedReLoginIsNotRepeated) {
    auto sam = as("sam", "sam-secret-password");
    emu_->a4c().add_user("sam", "sam-secret-password", true);
    ASSERT_TRUE(sam.call(a4c::get_maintenance_state{}));
    emu_->a4c().expire_sessions();
    emu_->a4c().remove_user("sam");
    auto r = sam.call(a4c::enable_maintenance{});
    ASSERT_FALSE(r);
    EXPECT_TRUE(r.error().is(errc::authentication_failed)) << r.error();
    EXPECT_EQ(emu_->request_count("POST", "/login"), 2u);
    EXPECT_EQ(emu_->request_count("POST", rest_path("/maintenance")), 1u);
    EXPECT_EQ(r.error().message().find("sam-secret-password"), std::string::npos);
    EXPECT_FALSE(emu_->a4c().maintenance_enabled());
}

TEST_P(A4cFlow, BadCredentialsFailOnceAndAreNeverRetried) {
    auto admin = as("admin", "not-the-password");  // default retry policy: 3 attempts for transient failures
    auto r = admin.call(a4c::get_maintenance_state{});
    ASSERT_FALSE(r);
    EXPECT_TRUE(r.error().is(errc::authentication_failed)) << r.error();
    EXPECT_EQ(r.error().http_status, 302u);
    EXPECT_EQ(r.error().operation, "a4c.login");
    EXPECT_EQ(emu_->request_count("POST", "/login"), 1u);
    EXPECT_EQ(emu_->request_count("", "/maintenance"), 0u);
    EXPECT_EQ(r.error().message().find("not-the-password"), std::string::npos) << r.error();
    EXPECT_EQ(emu_->a4c().login_count(), 0u);
}

TEST_P(A4cFlow, JwtSessionLogsInAndRenewsOnExpiry) {
    auto admin = as<a4c::jwt_authenticator>("admin", "admin");
    ASSERT_TRUE(admin.call(a4c::enable_maintenance{})) << "the JWT is fetched before maintenance is on";
    EXPECT_EQ(emu_->request_count("POST", "/rest/jwtauth"), 1u);
    EXPECT_FALSE(admin.context().jwt.empty());
    EXPECT_TRUE(admin.context().session_cookie.empty());

    // While maintenance is on, /rest/jwtauth is behind the filter: an expired JWT cannot be renewed.
    emu_->a4c().expire_sessions();
    auto refused = admin.call(a4c::update_maintenance{"still working", 50});
    ASSERT_FALSE(refused);
    EXPECT_TRUE(refused.error().is(errc::busy)) << refused.error();
    EXPECT_EQ(refused.error().operation, "a4c.jwtLogin");
    EXPECT_EQ(emu_->request_count("PUT", rest_path("/maintenance")), 1u) << "401 error.jwt.expired, then no resend";
    // The refused login (busy, transient) is retried within the retry policy.
    const auto login_attempts = static_cast<std::size_t>(serverops::retry_policy{}.max_attempts);
    EXPECT_EQ(emu_->request_count("POST", "/rest/jwtauth"), 1u + login_attempts);

    emu_->a4c().reset_maintenance();
    auto state = admin.call(a4c::get_maintenance_state{});  // logs in again (off now), then reads
    ASSERT_TRUE(state) << state.error();
    EXPECT_FALSE(state.value().enabled);
    EXPECT_EQ(emu_->request_count("POST", "/rest/jwtauth"), 2u + login_attempts);

    emu_->a4c().expire_sessions();
    ASSERT_TRUE(admin.call(a4c::enable_maintenance{}));
    EXPECT_EQ(emu_->request_count("POST", "/rest/jwtauth"), 3u + login_attempts) << "401 error.jwt.expired -> one new token";
    EXPECT_EQ(emu_->request_count("POST", rest_path("/maintenance")), 3u);
}

TEST_P(A4cFlow, JwtBadCredentialsAreTheServersCatchAll500) {
    // JwtAuthController lets BadCredentialsException reach the catch-all ControllerAdvice: 500, code 500.
    // serverops names it a rejected login, so even the default retry policy never sends the password twice.
    auto admin = as<a4c::jwt_authenticator>("admin", "jwt-wrong-password", session_opts(retry_policy{}));
    auto r = admin.call(a4c::get_maintenance_state{});
    ASSERT_FALSE(r);
    EXPECT_TRUE(r.error().is(errc::authentication_failed)) << r.error();
    EXPECT_EQ(r.error().http_status, 500u);
    EXPECT_EQ(r.error().vendor_code, "500");
    EXPECT_EQ(r.error().vendor_message, "Incorrect password for user <admin>");
    EXPECT_EQ(r.error().message().find("jwt-wrong-password"), std::string::npos);
    EXPECT_EQ(emu_->request_count("POST", "/rest/jwtauth"), 1u);
    EXPECT_EQ(emu_->request_count("", "/maintenance"), 0u);
}

TEST_P(A4cFlow, AuthStatusTellsWhoIsCalling) {
    auto anon = anonymous();
    auto nobody = anon.call(a4c::get_auth_status{});
    ASSERT_TRUE(nobody) << nobody.error();
    EXPECT_FALSE(nobody.value().is_logged);
    EXPECT_EQ(nobody.value().roles, std::vector<std::string>{"ROLE_ANONYMOUS"});
    auto frodo = as("frodo", "frodo");
    auto me = frodo.call(a4c::get_auth_status{});
    ASSERT_TRUE(me) << me.error();
    EXPECT_TRUE(me.value().is_logged);
    EXPECT_EQ(me.value().username, "frodo");
    EXPECT_FALSE(me.value().has_role("ADMIN"));
}

// ---------------------------------------------------------------- every error body, through the real transports

TEST_P(A4cFlow, EveryErrorBodyDecodesWithItsVendorCode) {
    auto admin = as("admin", "admin");
    auto frodo = as("frodo", "frodo");
    auto anon = anonymous();
    auto expect = [](const auto& r, errc kind, unsigned status, std::string_view code, std::string_view message) {
        ASSERT_FALSE(r) << "expected " << code;
        EXPECT_TRUE(r.error().is(kind)) << r.error();
        EXPECT_EQ(r.error().http_status, status) << r.error();
        EXPECT_EQ(r.error().vendor_code, code) << r.error();
        if (!message.empty()) {
            EXPECT_EQ(r.error().vendor_message, message) << r.error();
        }
    };

    expect(anon.call(a4c::get_maintenance_state{}), errc::unauthorized, 403, "100",
           emu::a4c_messages::authentication_required);
    expect(admin.call(a4c::disable_maintenance{}), errc::not_found, 404, "504", emu::a4c_messages::not_enabled);
    expect(admin.call(a4c::update_maintenance{"x", 5}), errc::not_found, 404, "504", emu::a4c_messages::not_enabled);
    ASSERT_TRUE(admin.call(a4c::enable_maintenance{}));
    expect(admin.call(a4c::enable_maintenance{}), errc::conflict, 409, "502", emu::a4c_messages::already_exists);
    expect(frodo.call(a4c::enable_maintenance{}), errc::forbidden, 403, "102", emu::a4c_messages::no_rights);
    expect(frodo.call(a4c::update_maintenance{"x", 5}), errc::forbidden, 403, "102", emu::a4c_messages::no_rights);
    expect(frodo.call(a4c::disable_maintenance{}), errc::forbidden, 403, "102", emu::a4c_messages::no_rights);
    expect(admin.call(a4c_it::search_applications{0, 20}), errc::busy, 503, "0",
           emu::a4c_messages::maintenance_enabled);
    expect(anon.call(a4c::jwt_login{"admin", "admin"}), errc::busy, 503, "0",
           emu::a4c_messages::maintenance_enabled);
    EXPECT_TRUE(frodo.call(a4c::get_maintenance_state{})) << "any user reads the state";
    ASSERT_TRUE(admin.call(a4c::disable_maintenance{}));

    // A maintenance started by the system cannot be changed through REST: the catch-all 500, code 500.
    emu_->a4c().enable_system_maintenance();
    auto sys = admin.call(a4c::disable_maintenance{});
    expect(sys, errc::server_error, 500, "500", "");
    EXPECT_NE(sys.error().vendor_message.find("IllegalAccessError"), std::string::npos) << sys.error();
    EXPECT_EQ(emu_->request_count("DELETE", rest_path("/maintenance")), 4u) << "a DELETE is never resent on a 500";
    auto state = frodo.call(a4c::get_maintenance_state{});
    ASSERT_TRUE(state) << state.error();
    EXPECT_FALSE(state.value().user_triggered);
    emu_->a4c().reset_maintenance();

    // The login failure page, should something follow the redirect: 401, code 101.
    auto bad = anon.call(a4c::login{"admin", "nope"});
    expect(bad, errc::authentication_failed, 302, "", "");
}

TEST_P(A4cFlow, DesiredStateEnablesAndDisablesOnlyWhenTheStateDiffers) {
    auto admin = as("admin", "admin");
    auto ensure = [&](bool enabled) {
        return admin.template invoke<a4c::maintenance_report>(
            [enabled](auto& sync) { return a4c::ensure_maintenance(sync, enabled); },
            [enabled](auto& async, auto token) { return a4c::async_ensure_maintenance(async, enabled, token); });
    };
    const auto changes = [&] {
        return emu_->request_count("POST", rest_path("/maintenance")) +
               emu_->request_count("DELETE", rest_path("/maintenance"));
    };
    auto off = ensure(false);  // off already
    ASSERT_TRUE(off) << off.error();
    EXPECT_EQ(off.value().outcome, target_outcome::unchanged);
    EXPECT_EQ(off.value().observed, "off");
    EXPECT_EQ(changes(), 0u);

    auto on = ensure(true);
    ASSERT_TRUE(on) << on.error();
    EXPECT_EQ(on.value().outcome, target_outcome::changed);
    ASSERT_TRUE(on.value().before);
    EXPECT_FALSE(on.value().before->enabled);
    EXPECT_TRUE(emu_->a4c().maintenance_enabled());
    auto again = ensure(true);
    ASSERT_TRUE(again) << again.error();
    EXPECT_EQ(again.value().outcome, target_outcome::unchanged);
    EXPECT_EQ(changes(), 1u) << "no second POST";

    // A maintenance started by the server itself is on: enabling is unchanged; disabling is sent and refused.
    emu_->a4c().reset_maintenance();
    emu_->a4c().enable_system_maintenance();
    auto system_on = ensure(true);
    ASSERT_TRUE(system_on) << system_on.error();
    EXPECT_EQ(system_on.value().outcome, target_outcome::unchanged);
    auto refused = ensure(false);
    ASSERT_FALSE(refused);
    EXPECT_EQ(changes(), 2u);

    // A non-admin may read: unchanged needs no rights; a change does.
    emu_->a4c().reset_maintenance();
    auto frodo = as("frodo", "frodo");
    auto read_only = frodo.template invoke<a4c::maintenance_report>(
        [](auto& sync) { return a4c::ensure_maintenance(sync, false); },
        [](auto& async, auto token) { return a4c::async_ensure_maintenance(async, false, token); });
    ASSERT_TRUE(read_only) << read_only.error();
    EXPECT_EQ(read_only.value().outcome, target_outcome::unchanged);
    if (GetParam().m != mode::sync) {
        EXPECT_EQ(wire_->completions(), wire_->runs());
    }
}

INSTANTIATE_TEST_SUITE_P(A4cFlow, A4cFlow,
                         ::testing::Values(a4c_param{mode::sync, "", a4c::rest_prefix::v1},
                                           a4c_param{mode::callback, "", a4c::rest_prefix::latest},
                                           a4c_param{mode::coroutine, "/alien", a4c::rest_prefix::unversioned}),
                         [](const ::testing::TestParamInfo<a4c_param>& p) { return name_of(p.param.m); });

// ================================================================ Genesys UCS

struct ucs_param {
    mode m;
    bool basic_auth;  ///< on: HTTP Basic required, base path /genesys/1/cs; off: no authentication, base path ""
};

const std::string ucs_user = "kent";
const std::string ucs_password = "superman-ucs-secret";

/// A raw POST /server/mode with any body, decoded as set_server_mode decodes (for the 400 body).
struct raw_set_mode {
    using response_type = ucs::set_server_mode_response;
    using context_type = ucs::context;
    static constexpr std::string_view name = "ucs.it.rawSetMode";
    static constexpr verb method = verb::post;
    static constexpr bool idempotent = false;
    std::string payload;
    std::string target(const ucs::context& c) const { return c.path_prefix + "/server/mode"; }
    std::string body() const { return payload; }
    result<ucs::set_server_mode_response> decode(const http_response& r) const {
        return ucs::set_server_mode{ucs::server_mode::maintenance}.decode(r);
    }
};

class UcsFlow : public ::testing::TestWithParam<ucs_param> {
protected:
    void start(bool manual_clock = false, std::chrono::milliseconds delay = 300ms) {
        emu::full_emulator::options o;
        o.manual_clock = manual_clock;
        o.ucs.switch_delay = delay;
        if (GetParam().basic_auth) {
            o.ucs.prefix = std::string(ucs::genesys_base_path);
            o.ucs.basic_auth = std::pair{ucs_user, ucs_password};
        }
        emu_ = std::make_unique<emu::full_emulator>(o);
        ASSERT_TRUE(emu_->start());
        wire_ = std::make_unique<wire>(GetParam().m, emu_->ucs_base_url());
    }

    ucs::context context(std::string user, std::string password) const {
        return ucs::context::from_base_url(emu_->ucs_base_url(), std::move(user), std::move(password)).value();
    }
    ucs::context good_context() const {
        return GetParam().basic_auth ? context(ucs_user, ucs_password) : context("", "");
    }
    any_session<ucs::basic_authenticator> session(ucs::context c, session_options o = session_opts()) {
        return any_session<ucs::basic_authenticator>(*wire_, {}, std::move(c), std::move(o));
    }
    std::string path(std::string_view p) const { return emu_->ucs().prefix() + std::string(p); }

    static result<ucs::server_status> wait(any_session<ucs::basic_authenticator>& s, ucs::server_mode target,
                                           polling_policy p) {
        return s.template invoke<ucs::server_status>(
            [&](auto& sync) { return ucs::wait_until_mode(sync, target, p); },
            [target, p](auto& async, auto token) { return ucs::async_wait_until_mode(async, target, p, token); });
    }
    static result<ucs::server_status> switch_and_wait(any_session<ucs::basic_authenticator>& s, ucs::server_mode target,
                                                      polling_policy p) {
        return s.template invoke<ucs::server_status>(
            [&](auto& sync) { return ucs::switch_mode_and_wait(sync, target, p); },
            [target, p](auto& async, auto token) { return ucs::async_switch_mode_and_wait(async, target, p, token); });
    }

    static polling_policy polling(std::chrono::milliseconds timeout = 10s) {
        polling_policy p;
        p.interval = 50ms;
        p.timeout = timeout;
        return p;
    }

    std::unique_ptr<emu::full_emulator> emu_;
    std::unique_ptr<wire> wire_;
};

TEST_P(UcsFlow, MaintenanceProductionMaintenanceRoundTrip) {
    start();
    auto s = session(good_context());
    auto first = s.call(ucs::get_server_status{});
    ASSERT_TRUE(first) << first.error();
    EXPECT_EQ(first.value().mode, ucs::server_mode::production);
    EXPECT_EQ(first.value().version, "8.5.000.14");
    ASSERT_TRUE(first.value().system_time && first.value().started && first.value().last_request);
    EXPECT_LE(std::chrono::abs(*first.value().system_time - std::chrono::system_clock::now()), 1min);
    EXPECT_EQ(first.value().max_memory, 518464);
    EXPECT_TRUE(first.value().used_memory && first.value().request_today && first.value().client_errors_today &&
                first.value().server_errors_today);

    const auto began = std::chrono::steady_clock::now();
    for (auto target : {ucs::server_mode::maintenance, ucs::server_mode::production, ucs::server_mode::maintenance}) {
        auto r = switch_and_wait(s, target, polling());
        ASSERT_TRUE(r) << r.error();
        EXPECT_EQ(r.value().mode, target);
        EXPECT_EQ(emu_->ucs().mode() == emu::ucs_mode::maintenance, target == ucs::server_mode::maintenance);
    }
    EXPECT_LT(std::chrono::steady_clock::now() - began, 10s);
    EXPECT_EQ(emu_->ucs().switches(), 3u);
    EXPECT_EQ(emu_->request_count("POST", path("/server/mode")), 3u);
    auto last = s.call(ucs::get_server_status{});
    ASSERT_TRUE(last) << last.error();
    EXPECT_GT(last.value().server_errors_today.value_or(0), 0) << "the 503 window was met, and ridden out";
    EXPECT_GE(last.value().request_today.value_or(0), 7);
}

TEST_P(UcsFlow, CallsDuringTheSwitchGet503AndTheWaitRidesItOut) {
    start(/*manual_clock=*/true, 500ms);
    auto s = session(good_context(), session_opts(retry_policy::none()));
    auto posted = s.call(ucs::set_server_mode{ucs::server_mode::maintenance});
    ASSERT_TRUE(posted) << posted.error();
    EXPECT_EQ(posted.value().mode, ucs::server_mode::maintenance);
    EXPECT_EQ(posted.value().location, path("/server/status"));

    auto during = s.call(ucs::get_server_status{});
    ASSERT_FALSE(during);
    EXPECT_TRUE(during.error().is(errc::busy)) << during.error();
    EXPECT_EQ(during.error().http_status, 503u);
    EXPECT_NE(during.error().vendor_message.find("switching to maintenance"), std::string::npos) << during.error();
    EXPECT_EQ(during.error().vendor_code, "503");
    auto again = s.call(ucs::set_server_mode{ucs::server_mode::production});
    ASSERT_FALSE(again);
    EXPECT_TRUE(again.error().is(errc::busy)) << again.error();

    auto timed_out = wait(s, ucs::server_mode::maintenance, polling(300ms));  // the manual clock never moves
    ASSERT_FALSE(timed_out);
    EXPECT_TRUE(timed_out.error().is(errc::deadline_exceeded)) << timed_out.error();
    EXPECT_NE(timed_out.error().detail.find("still switching"), std::string::npos) << timed_out.error();
    EXPECT_EQ(emu_->ucs().mode(), emu::ucs_mode::production);

    emu_->advance(500ms);
    auto done = wait(s, ucs::server_mode::maintenance, polling(2s));
    ASSERT_TRUE(done) << done.error();
    EXPECT_EQ(done.value().mode, ucs::server_mode::maintenance);

    auto stays = wait(s, ucs::server_mode::production, polling(200ms));
    ASSERT_FALSE(stays);
    EXPECT_TRUE(stays.error().is(errc::deadline_exceeded));
    EXPECT_NE(stays.error().detail.find("last known mode maintenance"), std::string::npos) << stays.error();
}

TEST_P(UcsFlow, CredentialsAreCheckedOnlyWhenRequired) {
    start();
    auto wrong = session(context(ucs_user, "not-the-password"));
    auto r = wrong.call(ucs::get_server_status{});
    auto none = session(context("", ""));
    auto r2 = none.call(ucs::set_server_mode{ucs::server_mode::maintenance});
    if (!GetParam().basic_auth) {
        EXPECT_TRUE(r) << "credentials are ignored when authentication is off";
        EXPECT_TRUE(r2);
        return;
    }
    ASSERT_FALSE(r);
    EXPECT_TRUE(r.error().is(errc::unauthorized)) << r.error();
    EXPECT_EQ(r.error().http_status, 401u);
    EXPECT_FALSE(r.error().vendor_message.empty());
    EXPECT_EQ(r.error().message().find("not-the-password"), std::string::npos);
    EXPECT_EQ(emu_->request_count("GET", path("/server/status")), 1u) << "a 401 is final";
    ASSERT_FALSE(r2);
    EXPECT_TRUE(r2.error().is(errc::unauthorized));
    EXPECT_EQ(emu_->ucs().mode(), emu::ucs_mode::production);
    EXPECT_EQ(emu_->ucs().switches(), 0u);

    emu_->ucs().disable_basic_auth();
    EXPECT_TRUE(none.call(ucs::get_server_status{}));
    emu_->ucs().require_basic_auth("clark", "kent");
    auto changed = session(good_context()).call(ucs::get_server_status{});
    ASSERT_FALSE(changed);
    EXPECT_TRUE(changed.error().is(errc::unauthorized));
}

TEST_P(UcsFlow, BadBodiesAre400) {
    start();
    auto s = session(good_context());
    for (std::string body : {"not json", R"({"mode":42})", R"({"mode":"standby"})", R"({})"}) {
        auto r = s.call(raw_set_mode{body});
        ASSERT_FALSE(r) << body;
        EXPECT_TRUE(r.error().is(errc::bad_request)) << body << ": " << r.error();
        EXPECT_EQ(r.error().http_status, 400u);
        EXPECT_EQ(r.error().vendor_code, "400");
        EXPECT_FALSE(r.error().vendor_message.empty());
    }
    auto mixed_case = s.call(raw_set_mode{R"({"mode":"MAINTENANCE"})"});
    ASSERT_TRUE(mixed_case) << mixed_case.error();
    EXPECT_EQ(mixed_case.value().mode, ucs::server_mode::maintenance);
    EXPECT_EQ(emu_->ucs().switches(), 1u);
}

TEST_P(UcsFlow, DesiredStateSwitchesOnlyWhenTheModeDiffers) {
    start();
    auto s = session(good_context());
    auto ensure = [&](ucs::server_mode target, bool wait) {
        const auto p = polling();
        return s.template invoke<ucs::mode_report>(
            [&](auto& sync) { return wait ? ucs::ensure_mode_and_wait(sync, target, p) : ucs::ensure_mode(sync, target); },
            [target, wait, p](auto& async, auto token) {
                return wait ? ucs::async_ensure_mode_and_wait(async, target, p, token)
                            : ucs::async_ensure_mode(async, target, token);
            });
    };
    const auto posts = [&] { return emu_->request_count("POST", path("/server/mode")); };
    for (bool wait : {false, true}) {
        auto same = ensure(ucs::server_mode::production, wait);
        ASSERT_TRUE(same) << same.error();
        EXPECT_EQ(same.value().outcome, target_outcome::unchanged);
        EXPECT_EQ(same.value().observed, "production");
        ASSERT_TRUE(same.value().status);
        EXPECT_EQ(same.value().status->mode, ucs::server_mode::production);
    }
    EXPECT_EQ(posts(), 0u);

    auto switched = ensure(ucs::server_mode::maintenance, true);
    ASSERT_TRUE(switched) << switched.error();
    EXPECT_EQ(switched.value().outcome, target_outcome::changed);
    EXPECT_EQ(switched.value().observed, "production");
    ASSERT_TRUE(switched.value().status);
    EXPECT_EQ(switched.value().status->mode, ucs::server_mode::maintenance);
    EXPECT_EQ(posts(), 1u);

    auto again = ensure(ucs::server_mode::maintenance, false);
    ASSERT_TRUE(again) << again.error();
    EXPECT_EQ(again.value().outcome, target_outcome::unchanged);

    emu_->ucs().set_switch_delay(std::chrono::hours(1));  // the next switch's 503 window stays open
    auto accepted = ensure(ucs::server_mode::production, false);
    ASSERT_TRUE(accepted) << accepted.error();
    EXPECT_EQ(accepted.value().outcome, target_outcome::accepted);
    ASSERT_TRUE(accepted.value().switched);
    EXPECT_EQ(posts(), 2u);

    // In the switching window the status answers 503: the read fails, nothing is sent.
    auto no_retry = session(good_context(), session_opts(retry_policy::none()));
    auto busy = no_retry.template invoke<ucs::mode_report>(
        [](auto& sync) { return ucs::ensure_mode(sync, ucs::server_mode::maintenance); },
        [](auto& async, auto token) { return ucs::async_ensure_mode(async, ucs::server_mode::maintenance, token); });
    ASSERT_TRUE(emu_->ucs().switching());
    ASSERT_FALSE(busy);
    EXPECT_TRUE(busy.error().is(errc::busy)) << busy.error();
    EXPECT_EQ(posts(), 2u);
    if (GetParam().m != mode::sync) {
        EXPECT_EQ(wire_->completions(), wire_->runs());
    }
}

TEST(UcsFlowAsync, CancellationStopsTheWaitInTheSwitchWindow) {
    emu::full_emulator::options o;
    o.manual_clock = true;  // the switching window stays open until cancelled
    o.ucs.prefix = std::string(ucs::genesys_base_path);
    o.ucs.basic_auth = std::pair{ucs_user, ucs_password};
    emu::full_emulator e(o);
    ASSERT_TRUE(e.start());
    asio::io_context io;
    beast_async_transport transport(io.get_executor(), parse_endpoint(e.ucs_base_url()).value(), transport_opts());
    ucs::session<beast_async_transport&> s(transport, {},
                                           ucs::context::from_base_url(e.ucs_base_url(), ucs_user, ucs_password).value(),
                                           session_opts());
    polling_policy p;
    p.interval = 50ms;
    p.timeout = 60s;
    asio::cancellation_signal signal;
    std::optional<result<ucs::server_status>> out;
    ucs::async_switch_mode_and_wait(s, ucs::server_mode::maintenance, p,
                                    asio::bind_cancellation_slot(signal.slot(), [&](result<ucs::server_status> r) {
                                        out.emplace(std::move(r));
                                    }));
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (e.request_count("GET", "/server/status") < 2 && std::chrono::steady_clock::now() < deadline)
        io.run_one_for(100ms);  // posted, switching, polling the 503 window
    ASSERT_FALSE(out);
    const auto cancelled_at = std::chrono::steady_clock::now();
    signal.emit(asio::cancellation_type::terminal);
    while (!out && std::chrono::steady_clock::now() < deadline) io.run_one_for(100ms);
    ASSERT_TRUE(out);
    ASSERT_FALSE(*out);
    EXPECT_TRUE(out->error().is(errc::cancelled)) << out->error();
    EXPECT_LT(std::chrono::steady_clock::now() - cancelled_at, 2s);
    EXPECT_EQ(e.ucs().switches(), 1u);
}

INSTANTIATE_TEST_SUITE_P(UcsFlow, UcsFlow,
                         ::testing::Values(ucs_param{mode::sync, false}, ucs_param{mode::callback, false},
                                           ucs_param{mode::coroutine, false}, ucs_param{mode::sync, true},
                                           ucs_param{mode::callback, true}, ucs_param{mode::coroutine, true}),
                         [](const ::testing::TestParamInfo<ucs_param>& p) {
                             return name_of(p.param.m) + (p.param.basic_auth ? "BasicAuth" : "NoAuth");
                         });

// ================================================================ all three vendors, one client template

TEST(A4cFlowAllVendors, OnePortOneTransportTypeThreeVendorsConcurrently) {
    emu::full_emulator::options o;
    o.clc.queue_delay = 20ms;
    o.clc.execution_time = 40ms;
    o.ucs.switch_delay = 200ms;
    emu::full_emulator e(o);
    ASSERT_TRUE(e.start());
    asio::io_context io;
    beast_async_transport transport(io.get_executor(), parse_endpoint(e.base_url()).value(), transport_opts());

    clc::session<beast_async_transport&> clc_s(transport, {"user", "password"}, clc::context::from_base_url(e.clc_base_url()).value());
    a4c::session<beast_async_transport&> a4c_s(transport, a4c::form_authenticator{{"admin", "admin"}},
                                               a4c::context::from_base_url(e.a4c_base_url()).value());
    ucs::session<beast_async_transport&> ucs_s(transport, {}, ucs::context::from_base_url(e.ucs_base_url()).value());

    polling_policy p;
    p.interval = 20ms;
    p.timeout = 10s;
    std::optional<result<clc::wait_result>> clc_r;
    std::optional<result<void>> a4c_r;
    std::optional<result<ucs::server_status>> ucs_r;
    asio::co_spawn(io, [&]() -> asio::awaitable<void> {
        const clc::start_maintenance op{{"WA1ALIASWB01"}};
        clc_r.emplace(co_await clc_s.async_start_and_wait(op, p, asio::use_awaitable));
    }, asio::detached);
    asio::co_spawn(io, [&]() -> asio::awaitable<void> {
        const a4c::enable_maintenance op{};
        a4c_r.emplace(co_await a4c_s.async_call(op, asio::use_awaitable));
    }, asio::detached);
    asio::co_spawn(io, [&]() -> asio::awaitable<void> {
        ucs_r.emplace(co_await ucs::async_switch_mode_and_wait(ucs_s, ucs::server_mode::maintenance, p, asio::use_awaitable));
    }, asio::detached);
    io.run_for(20s);
    ASSERT_TRUE(clc_r && a4c_r && ucs_r);
    ASSERT_TRUE(*clc_r) << clc_r->error();
    EXPECT_TRUE(clc_r->value().all_succeeded());
    EXPECT_TRUE(*a4c_r) << a4c_r->error();
    ASSERT_TRUE(*ucs_r) << ucs_r->error();
    EXPECT_EQ(ucs_r->value().mode, ucs::server_mode::maintenance);
    EXPECT_TRUE(e.a4c().maintenance_enabled());
    EXPECT_EQ(e.ucs().mode(), emu::ucs_mode::maintenance);
    EXPECT_TRUE(e.clc().server_state("WA1ALIASWB01")->in_maintenance_mode);
}

}  // namespace
