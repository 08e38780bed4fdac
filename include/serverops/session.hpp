// serverops::session<Transport, Authenticator>: the one retry / re-login / logging path every vendor shares.
// Logs in lazily, renews before the credentials expire, logs in again once when the API says the credentials were
// rejected, and retries idempotent calls on transient failures — sync and async. Vendors supply an authenticator.
#ifndef SERVEROPS_SESSION_HPP
#define SERVEROPS_SESSION_HPP

#include <serverops/detail/cancellation.hpp>
#include <serverops/detail/concat.hpp>
#include <serverops/client.hpp>
#include <serverops/logging_transport.hpp>
#include <serverops/policies.hpp>

#include <boost/asio/cancellation_type.hpp>
#include <boost/asio/compose.hpp>
#include <boost/asio/prepend.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <concepts>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <variant>

namespace serverops {

/// How a vendor authenticates. `has_credentials` says whether the context can authenticate a call, `forget` drops
/// them, and `is_rejection` recognises "your credentials were refused" answers, which the API gives before executing
/// anything, so the call can be sent again once after logging in. Static credentials (HTTP Basic) stop here.
template <class A>
concept authenticator = requires(A& a, const A& ca, typename A::context_type& ctx, const error& e) {
    typename A::context_type;
    { ca.has_credentials(ctx) } -> std::same_as<bool>;
    { ca.forget(ctx) } -> std::same_as<void>;
    { ca.is_rejection(e) } -> std::same_as<bool>;
};

/// An authenticator that logs in: `login_request()` builds the login operation; `apply_login` stores what it
/// returned in the context and says how long it stays valid (nullopt: unknown). Optionally,
/// `credential_lifetime(ctx)` says how long credentials already in a context stay valid (e.g. a JWT's `exp`), for a
/// session that starts with them.
template <class A>
concept login_authenticator = authenticator<A> && requires(A& a, const A& ca, typename A::context_type& ctx) {
    typename A::login_operation;
    requires operation<typename A::login_operation>;
    { ca.login_request() } -> std::same_as<typename A::login_operation>;
    { a.apply_login(ctx, std::declval<const typename A::login_operation::response_type&>()) }
        -> std::same_as<std::optional<std::chrono::seconds>>;
};

namespace detail {
template <class A, bool = login_authenticator<A>>
struct login_result {
    using type = result<std::monostate>;
};
template <class A>
struct login_result<A, true> {
    using type = result<typename A::login_operation::response_type>;
};
}  // namespace detail

struct session_options {
    retry_policy retry{};  ///< idempotent calls only
    logger log{};
    /// How long credentials are trusted when the login answer does not say (authenticator returns nullopt).
    std::chrono::seconds assumed_credential_lifetime{std::chrono::hours(24 * 10)};
    std::chrono::seconds renew_margin{std::chrono::hours(1)};  ///< log in again this long before expiry
    /// When set, every call ends within this long, its login, every attempt and every retry pause included (the
    /// call's own deadline, e.g. a wait's, wins when it is earlier): one figure bounds a command.
    std::optional<std::chrono::milliseconds> call_timeout{};
    /// Never renew sooner than this after a login, whatever lifetime the credentials claim (see renew_after).
    std::chrono::seconds min_renew_interval{std::chrono::minutes(1)};
    sync_clock clock{};  ///< time source and sleeper of every path; async timers are real, so keep it real there
    std::uint64_t jitter_seed = 0x5e7e0b5;
};

/// Not thread-safe: use one session per thread, or run its async calls on one strand.
/// A request is resent automatically only when it is idempotent, or after a credential rejection (then once, after
/// logging in again). Non-idempotent requests are never resent after a transport failure or a 5xx.
template <class Transport, authenticator Auth>
class session {
public:
    using transport_type = std::remove_reference_t<Transport>;
    using context_type = typename Auth::context_type;
    static constexpr bool logs_in = login_authenticator<Auth>;

    session(Transport transport, Auth auth, context_type base = {}, session_options opts = {})
        : transport_(std::forward<Transport>(transport)),
          opts_(std::move(opts)),
          logged_(transport_, &opts_.log),
          client_(logged_, std::move(base)),
          auth_(std::move(auth)),
          seed_(opts_.jitter_seed) {
        // The login's own secrets (a password) are scrubbed from every later error too: a server may echo them.
        if constexpr (logs_in) client_.add_secrets(secrets_of(auth_.login_request()));
        // Credentials the caller brings are used as they are, until their known expiry or until the API rejects
        // them (then the session logs in once and sends the call again).
        if constexpr (logs_in) {
            if (auth_.has_credentials(client_.context())) {
                const auto lifetime = known_lifetime(client_.context());
                if (lifetime && *lifetime <= std::chrono::seconds(0)) renew_at_ = now();  // known expired: log in first
                else renew_after(lifetime);
            }
        }
    }
    session(const session&) = delete;
    session& operator=(const session&) = delete;

    transport_type& transport() noexcept { return transport_; }
    const context_type& current_context() const noexcept { return client_.context(); }
    bool logged_in() const noexcept { return auth_.has_credentials(client_.context()); }
    /// Forgets the credentials: the next call logs in first.
    void invalidate_credentials() noexcept { auth_.forget(client_.context()); }
    const session_options& options() const noexcept { return opts_; }

    // ------------------------------------------------------------------ sync

    /// Logs in now (calls do it lazily). A rejected login is final: never retried.
    result<void> login(const call_options& options = {})
        requires sync_transport<transport_type> && logs_in
    {
        using login_op = typename Auth::login_operation;
        const auto opts = bounded(options);
        auto retry = retry_for(opts);
        for (;;) {
            auto r = client_.call(auth_.login_request(), opts);
            if (r) {
                apply_login(r.value());
                return success();
            }
            // A login that creates server state (a session resource) is not resent after a failure.
            if (auto d = retry.next_delay(r.error(), login_op::idempotent, now())) {
                note_retry(r.error(), *d);
                opts_.clock.sleep(*d);
                continue;
            }
            return failure(std::move(r).error());
        }
    }

    /// `result<Op::response_type>`. Any type is accepted here and checked inside, as in client::call.
    template <class Op>
        requires sync_transport<transport_type>
    auto call(const Op& op, const call_options& options = {}) {
        if constexpr (detail::check_operation_for<Op, context_type>()) return checked_call(op, options);
    }

private:
    template <class Op>
    result<typename Op::response_type> checked_call(const Op& op, const call_options& options) {
        const auto call_opts = bounded(options);
        auto retry = retry_for(call_opts);
        bool logged_in_again = false;
        for (;;) {
            if constexpr (!unauthenticated_operation<Op> && logs_in) {
                if (needs_login()) {
                    if (auto l = login(call_opts); !l) return failure(with_operation<Op>(std::move(l).error()));
                }
            }
            auto r = client_.call(op, call_opts);
            if (r) return r;
            if (should_login_again<Op>(r.error(), logged_in_again)) continue;
            if (auto d = retry.next_delay(r.error(), Op::idempotent, now())) {
                note_retry(r.error(), *d);
                opts_.clock.sleep(*d);
                continue;
            }
            return r;
        }
    }

public:
    // ------------------------------------------------------------------ async

    /// Async `call`. Completion signature `void(result<Op::response_type>)`; any completion token; the handler runs
    /// once, never inline. Concurrent calls that need a login share one login request. Cancellation (terminal)
    /// stops the call at its next step and completes with `errc::cancelled`.
    template <class Op, class CompletionToken>
        requires async_transport<transport_type>
    auto async_call(const Op& op, CompletionToken&& token) {
        return async_call(op, call_options{}, std::forward<CompletionToken>(token));
    }

    /// Async `call` with per-call options: `opts.deadline` bounds the call's login, every attempt and every retry.
    template <class Op, class CompletionToken>
        requires async_transport<transport_type>
    auto async_call(const Op& op, const call_options& options, CompletionToken&& token) {
        if constexpr (detail::check_operation_for<Op, context_type>()) {
            const auto opts = bounded(options);
            return boost::asio::async_compose<CompletionToken, completion_signature<typename Op::response_type>>(
                call_op<Op>{this, op, opts, retry_for(opts), retry_for(opts)}, token, transport_.get_executor());
        }
    }

protected:
    using timer_type = boost::asio::steady_timer;

    clock_type::time_point now() const { return opts_.clock.now(); }
    void log(log_level l, const std::string& line) const { opts_.log.log(l, line); }
    void note_retry(const error& e, std::chrono::milliseconds d) const {
        log(log_level::info, detail::concat("retrying in ", std::to_string(d.count()), " ms after: ", e.message()));
    }
    auto executor() { return transport_.get_executor(); }

private:
    struct login_tag {};
    struct login_wake_tag {};
    struct send_tag {};
    struct sleep_tag {};

    static constexpr bool login_is_idempotent() noexcept {
        if constexpr (logs_in) return Auth::login_operation::idempotent;
        else return false;
    }

    /// The call's options with `session_options::call_timeout` applied.
    call_options bounded(call_options o) const {
        if (opts_.call_timeout) {
            const auto limit = std::chrono::steady_clock::now() + *opts_.call_timeout;
            o.deadline = o.deadline ? std::min(*o.deadline, limit) : limit;
        }
        return o;
    }

    /// A retry state for one call: its retries never start past the call's deadline (converted to the session's
    /// clock, which tests may fake).
    detail::retry_state retry_for(const call_options& o) {
        detail::retry_state r(opts_.retry, now(), ++seed_);
        if (o.deadline) r.bound_by(now() + (*o.deadline - std::chrono::steady_clock::now()));
        return r;
    }

    bool needs_login() const {
        if constexpr (logs_in) return !auth_.has_credentials(client_.context()) || now() >= renew_at_;
        else return false;
    }

    template <class LoginResponse>
    void apply_login(const LoginResponse& r) {
        renew_after(auth_.apply_login(client_.context(), r));
        log(log_level::info, detail::concat(Auth::login_operation::name, ": logged in"));
    }

    /// Schedules the next login a margin before the credentials expire (unknown lifetime: the assumed one).
    /// Credentials that claim to be expired already right after a login, or to expire within `min_renew_interval` (a skewed clock, a
    /// hostile or broken server), are used until the API rejects them, and never renewed sooner than that
    /// interval: a bad lifetime must not turn every call into a login.
    void renew_after(std::optional<std::chrono::seconds> lifetime_if_known) {
        const auto lifetime = lifetime_if_known.value_or(opts_.assumed_credential_lifetime);
        if (lifetime <= std::chrono::seconds(0)) {
            renew_at_ = clock_type::time_point::max();  // until rejected (one re-login per rejection)
            return;
        }
        auto renew_in = lifetime > 2 * opts_.renew_margin ? lifetime - opts_.renew_margin : lifetime / 2;
        renew_in = std::max<std::chrono::seconds>(renew_in, opts_.min_renew_interval);
        const auto current = now();
        renew_at_ = renew_in >= std::chrono::duration_cast<std::chrono::seconds>(clock_type::time_point::max() - current)
                        ? clock_type::time_point::max()
                        : current + renew_in;
    }

    std::optional<std::chrono::seconds> known_lifetime(const context_type& ctx) const {
        if constexpr (requires { { auth_.credential_lifetime(ctx) } -> std::same_as<std::optional<std::chrono::seconds>>; })
            return auth_.credential_lifetime(ctx);
        else return std::nullopt;
    }

    template <class Op>
    bool should_login_again(const error& e, bool& already) {
        if constexpr (unauthenticated_operation<Op> || !logs_in) {
            return false;
        } else {
            if (already || !auth_.is_rejection(e)) return false;
            already = true;
            invalidate_credentials();  // the next call logs in, whether or not this one is resent
            if constexpr (!resends_after_relogin<Op>()) {
                log(log_level::info, detail::concat(Op::name, ": credentials rejected; not resent (bound to them)"));
                return false;
            } else {
                log(log_level::info, detail::concat(Op::name, ": credentials rejected, logging in again once"));
                return true;
            }
        }
    }

    timer_type& login_signal() {
        if (!login_signal_) {
            login_signal_ = std::make_unique<timer_type>(transport_.get_executor());
            login_signal_->expires_at(timer_type::time_point::max());
        }
        return *login_signal_;
    }

    // One call: [wait for or perform login] -> send -> [rejected: login again once | transient: back off] -> done.
    template <class Op>
    struct call_op {
        using response = result<typename Op::response_type>;
        using login_response = typename detail::login_result<Auth>::type;
        session* s;
        Op op;
        call_options opts;
        detail::retry_state retry;
        detail::retry_state login_retry;
        bool logged_in_again = false;
        std::unique_ptr<timer_type> timer{};

        template <class Self>
        void operator()(Self& self) {
            step(self);
        }

        template <class Self>
        void step(Self& self) {
            if constexpr (!unauthenticated_operation<Op> && logs_in) {
                if (s->needs_login()) {
                    if (s->login_in_flight_) {  // share the login another call is performing
                        s->login_signal().async_wait(boost::asio::prepend(std::move(self), login_wake_tag{}));
                        return;
                    }
                    s->login_in_flight_ = true;
                    const auto o = opts;
                    s->client_.async_call(s->auth_.login_request(), o,
                                          boost::asio::prepend(std::move(self), login_tag{}));
                    return;
                }
            }
            const Op request = op;  // copied first: moving `self` below moves `op` too
            const auto o = opts;
            s->client_.async_call(request, o, boost::asio::prepend(std::move(self), send_tag{}));
        }

        template <class Self>
        void operator()(Self& self, login_tag, login_response r) {
            s->login_in_flight_ = false;
            if constexpr (logs_in) {
                if (r) s->apply_login(r.value());
            }
            s->last_login_error_ = r ? std::nullopt : std::optional<error>(r.error());
            s->login_signal().cancel();  // wake every call waiting for this login
            if (r) return step(self);
            if (detail::cancellation_requested(self))
                return self.complete(failure(with_operation<Op>(error(errc::cancelled))));
            if (auto d = login_retry.next_delay(r.error(), login_is_idempotent(), s->now())) {
                s->note_retry(r.error(), *d);
                return sleep(self, *d);
            }
            self.complete(failure(with_operation<Op>(std::move(r).error())));
        }

        template <class Self>
        void operator()(Self& self, login_wake_tag, boost::system::error_code) {
            if (detail::cancellation_requested(self))
                return self.complete(failure(with_operation<Op>(error(errc::cancelled))));
            if (!s->needs_login()) return step(self);
            if (s->last_login_error_ && !s->last_login_error_->is(errc::cancelled))
                return self.complete(failure(with_operation<Op>(*s->last_login_error_)));
            step(self);  // the login we waited for was cancelled: perform our own
        }

        template <class Self>
        void operator()(Self& self, send_tag, response r) {
            if (r || r.error().is(errc::cancelled)) return self.complete(std::move(r));
            if (s->template should_login_again<Op>(r.error(), logged_in_again)) return step(self);
            if (auto d = retry.next_delay(r.error(), Op::idempotent, s->now())) {
                s->note_retry(r.error(), *d);
                return sleep(self, *d);
            }
            self.complete(std::move(r));
        }

        template <class Self>
        void sleep(Self& self, std::chrono::milliseconds d) {
            timer = std::make_unique<timer_type>(s->transport_.get_executor(), d);
            auto& t = *timer;
            t.async_wait(boost::asio::prepend(std::move(self), sleep_tag{}));
        }

        template <class Self>
        void operator()(Self& self, sleep_tag, boost::system::error_code ec) {
            if (ec || detail::cancellation_requested(self))
                return self.complete(failure(with_operation<Op>(error(errc::cancelled))));
            step(self);
        }
    };

    Transport transport_;
    session_options opts_;
    logging_transport<transport_type&> logged_;
    client<logging_transport<transport_type&>&, context_type> client_;
    Auth auth_;
    std::uint64_t seed_;
    clock_type::time_point renew_at_{};
    bool login_in_flight_ = false;
    std::optional<error> last_login_error_{};
    std::unique_ptr<timer_type> login_signal_{};
};

}  // namespace serverops

#endif
