// clc::session: the CLC client an operator uses. Logs in lazily, renews the token before it expires, logs in again
// once on a 401, retries idempotent calls on transient failures, and waits on queued jobs — sync and async.
#ifndef SERVEROPS_CLC_SESSION_HPP
#define SERVEROPS_CLC_SESSION_HPP

#include <serverops/clc/batch_operations.hpp>
#include <serverops/clc/detail/token.hpp>
#include <serverops/clc/job_waiter.hpp>
#include <serverops/clc/login.hpp>
#include <serverops/clc/queue.hpp>
#include <serverops/client.hpp>
#include <serverops/logging_transport.hpp>
#include <serverops/policies.hpp>

#include <boost/asio/bind_executor.hpp>
#include <boost/asio/cancellation_type.hpp>
#include <boost/asio/compose.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/prepend.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

namespace serverops::clc {

struct credentials {
    std::string username;
    std::string password;  ///< secret: never logged, never in an error
};

struct session_options {
    std::string account_alias;  ///< overrides the alias of the login response (sub-accounts); empty = use login's
    retry_policy retry{};       ///< for idempotent calls (status, server, login) only
    logger log{};
    /// Token lifetime assumed when the token's `exp` cannot be read (the API documents "up to 2 weeks").
    std::chrono::seconds assumed_token_lifetime{std::chrono::hours(24 * 10)};
    std::chrono::seconds renew_margin{std::chrono::hours(1)};  ///< log in again this long before expiry
    sync_clock clock{};          ///< time source and sleeper of the sync paths
    std::uint64_t jitter_seed = 0x5e7e0b5;
};

/// Not thread-safe: use one session per thread, or run its async calls on one strand.
/// Retry rules: a request is resent automatically only when it is idempotent (status and server GETs, login), or
/// after an HTTP 401 — the API rejected it before executing it — and then once, after logging in again.
/// Power and maintenance POSTs are never resent after a transport failure or a 5xx.
template <class Transport>
class session {
public:
    using transport_type = std::remove_reference_t<Transport>;

    session(Transport transport, credentials creds, context base = {}, session_options opts = {})
        : transport_(std::forward<Transport>(transport)),
          opts_(std::move(opts)),
          logged_(transport_, &opts_.log),
          client_(logged_, std::move(base)),
          creds_(std::move(creds)),
          seed_(opts_.jitter_seed) {
        if (!opts_.account_alias.empty()) client_.context().account_alias = opts_.account_alias;
    }
    session(const session&) = delete;
    session& operator=(const session&) = delete;

    transport_type& transport() noexcept { return transport_; }
    const context& current_context() const noexcept { return client_.context(); }
    bool logged_in() const noexcept { return !client_.context().bearer_token.empty(); }
    /// Forgets the token: the next call logs in first.
    void invalidate_token() noexcept { client_.context().bearer_token.clear(); }

    // ------------------------------------------------------------------ sync

    /// Logs in now (calls do it lazily). Bad credentials are `errc::authentication_failed` and never retried.
    result<void> login()
        requires sync_transport<transport_type>
    {
        detail::retry_state retry(opts_.retry, now(), ++seed_);
        for (;;) {
            auto r = client_.call(login_request());
            if (r) {
                apply_login(r.value());
                return success();
            }
            if (auto d = retry.next_delay(r.error(), true, now())) {
                note_retry(r.error(), *d);
                opts_.clock.sleep(*d);
                continue;
            }
            return failure(std::move(r).error());
        }
    }

    template <operation Op>
        requires std::same_as<typename Op::context_type, context> && sync_transport<transport_type>
    result<typename Op::response_type> call(const Op& op) {
        detail::retry_state retry(opts_.retry, now(), ++seed_);
        bool logged_in_again = false;
        for (;;) {
            if constexpr (!unauthenticated_operation<Op>) {
                if (needs_login()) {
                    if (auto l = login(); !l) return failure(with_operation<Op>(std::move(l).error()));
                }
            }
            auto r = client_.call(op);
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

    /// Sends a batch operation and waits for its jobs: one outcome per requested server, in request order.
    /// Fails only when the batch itself could not be sent or was rejected as a whole.
    template <operation Op>
        requires std::same_as<typename Op::response_type, batch_response> && sync_transport<transport_type>
    result<wait_result> start_and_wait(const Op& op, const polling_policy& policy = {}) {
        BOOST_OUTCOME_TRY(auto started, call(op));
        return wait(started, policy);
    }

    /// Waits for the jobs of a batch sent earlier (start-only form: `call(op)`).
    result<wait_result> wait(const batch_response& started, const polling_policy& policy = {})
        requires sync_transport<transport_type>
    {
        job_waiter waiter(started.status_ids(), policy, now());
        drive(waiter);
        return waiter.result_for(started);
    }

    /// Waits for jobs known only by their status ids (e.g. saved from an earlier run).
    result<std::vector<job_outcome>> wait_for_jobs(const std::vector<std::string>& status_ids,
                                                   const polling_policy& policy = {})
        requires sync_transport<transport_type>
    {
        job_waiter waiter(status_ids, policy, now());
        drive(waiter);
        return waiter.outcomes();
    }

    // ------------------------------------------------------------------ async

    /// Async `call`. Completion signature `void(result<Op::response_type>)`; any completion token; the handler runs
    /// once, never inline. Concurrent calls that need a login share one login request. Cancellation (terminal)
    /// stops the call at its next step and completes with `errc::cancelled`.
    template <operation Op, class CompletionToken>
        requires std::same_as<typename Op::context_type, context> && async_transport<transport_type>
    auto async_call(const Op& op, CompletionToken&& token) {
        return boost::asio::async_compose<CompletionToken, completion_signature<typename Op::response_type>>(
            call_op<Op>{this, op, detail::retry_state(opts_.retry, now(), ++seed_),
                        detail::retry_state(opts_.retry, now(), ++seed_)},
            token, transport_.get_executor());
    }

    /// Async `start_and_wait`. Completion signature `void(result<wait_result>)`. Cancellation stops polling at once.
    template <operation Op, class CompletionToken>
        requires std::same_as<typename Op::response_type, batch_response> && async_transport<transport_type>
    auto async_start_and_wait(const Op& op, const polling_policy& policy, CompletionToken&& token) {
        return boost::asio::async_compose<CompletionToken, completion_signature<wait_result>>(
            wait_op<Op, wait_result>{this, op, policy}, token, transport_.get_executor());
    }

    /// Async `wait` on a batch sent earlier. Completion signature `void(result<wait_result>)`.
    template <class CompletionToken>
        requires async_transport<transport_type>
    auto async_wait(const batch_response& started, const polling_policy& policy, CompletionToken&& token) {
        wait_op<no_start, wait_result> op{this, no_start{}, policy};
        op.batch = started;
        return boost::asio::async_compose<CompletionToken, completion_signature<wait_result>>(
            std::move(op), token, transport_.get_executor());
    }

    /// Async `wait_for_jobs`. Completion signature `void(result<std::vector<job_outcome>>)`.
    template <class CompletionToken>
        requires async_transport<transport_type>
    auto async_wait_for_jobs(const std::vector<std::string>& status_ids, const polling_policy& policy,
                             CompletionToken&& token) {
        wait_op<no_start, std::vector<job_outcome>> op{this, no_start{}, policy};
        op.ids = status_ids;
        return boost::asio::async_compose<CompletionToken, completion_signature<std::vector<job_outcome>>>(
            std::move(op), token, transport_.get_executor());
    }

private:
    struct no_start {};
    struct login_tag {};
    struct login_wake_tag {};
    struct send_tag {};
    struct sleep_tag {};
    struct started_tag {};
    struct poll_tag {};
    struct begin_tag {};

    using timer_type = boost::asio::steady_timer;

    clock_type::time_point now() const { return opts_.clock.now(); }
    clc::login login_request() const { return clc::login{creds_.username, creds_.password}; }

    bool needs_login() const { return client_.context().bearer_token.empty() || now() >= renew_at_; }

    void apply_login(const login_response& r) {
        auto& ctx = client_.context();
        ctx.bearer_token = r.bearer_token;
        if (opts_.account_alias.empty()) ctx.account_alias = r.account_alias;
        std::chrono::seconds lifetime = opts_.assumed_token_lifetime;
        if (auto exp = detail::token_expiry(r.bearer_token))
            lifetime = std::chrono::duration_cast<std::chrono::seconds>(*exp - std::chrono::system_clock::now());
        auto renew_in = lifetime > 2 * opts_.renew_margin ? lifetime - opts_.renew_margin : lifetime / 2;
        renew_at_ = now() + std::max<std::chrono::seconds>(renew_in, std::chrono::seconds(0));
        log(log_level::info, "logged in as account " + ctx.account_alias);
    }

    template <class Op>
    bool should_login_again(const error& e, bool& already) {
        if constexpr (unauthenticated_operation<Op>) {
            return false;
        } else {
            if (already || !e.is(errc::unauthorized)) return false;
            already = true;
            log(log_level::info, std::string(Op::name) + ": HTTP 401, logging in again once");
            invalidate_token();
            return true;
        }
    }

    void note_retry(const error& e, std::chrono::milliseconds d) const {
        log(log_level::info, "retrying in " + std::to_string(d.count()) + " ms after: " + e.message());
    }

    void log(log_level l, const std::string& line) const { opts_.log.log(l, line); }

    void note_poll(const std::string& id, const result<get_status_response>& r) const {
        if (!opts_.log.enabled(log_level::debug)) return;
        log(log_level::debug, "poll " + id + ": " + (r ? std::string(to_string(r.value().status)) : r.error().message()));
    }

    void drive(job_waiter& waiter) {
        for (;;) {
            auto step = waiter.next(now());
            if (step.kind == job_waiter::step::done) return;
            if (step.kind == job_waiter::step::sleep) {
                opts_.clock.sleep(step.delay);
                continue;
            }
            auto r = call(get_status{step.status_id});
            note_poll(step.status_id, r);
            waiter.on_poll(step.status_id, r);
        }
    }

    timer_type& login_signal() {
        if (!login_signal_) {
            login_signal_ = std::make_unique<timer_type>(transport_.get_executor());
            login_signal_->expires_at(timer_type::time_point::max());
        }
        return *login_signal_;
    }

    template <class Self>
    static bool cancelled(Self& self) {
        return self.get_cancellation_state().cancelled() != boost::asio::cancellation_type::none;
    }

    // One call: [wait for or perform login] -> send -> [401: login again once | transient: back off] -> complete.
    template <class Op>
    struct call_op {
        using response = result<typename Op::response_type>;
        session* s;
        Op op;
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
            if constexpr (!unauthenticated_operation<Op>) {
                if (s->needs_login()) {
                    if (s->login_in_flight_) {  // share the login another call is performing
                        s->login_signal().async_wait(boost::asio::prepend(std::move(self), login_wake_tag{}));
                        return;
                    }
                    s->login_in_flight_ = true;
                    s->client_.async_call(s->login_request(), boost::asio::prepend(std::move(self), login_tag{}));
                    return;
                }
            }
            const Op request = op;  // copied first: moving `self` below moves `op` too
            s->client_.async_call(request, boost::asio::prepend(std::move(self), send_tag{}));
        }

        template <class Self>
        void operator()(Self& self, login_tag, result<login_response> r) {
            s->login_in_flight_ = false;
            if (r) s->apply_login(r.value());
            s->last_login_error_ = r ? std::nullopt : std::optional<error>(r.error());
            s->login_signal().cancel();  // wake every call waiting for this login
            if (r) return step(self);
            if (cancelled(self)) return self.complete(failure(with_operation<Op>(error(errc::cancelled))));
            if (auto d = login_retry.next_delay(r.error(), true, s->now())) {
                s->note_retry(r.error(), *d);
                return sleep(self, *d);
            }
            self.complete(failure(with_operation<Op>(std::move(r).error())));
        }

        template <class Self>
        void operator()(Self& self, login_wake_tag, boost::system::error_code) {
            if (cancelled(self)) return self.complete(failure(with_operation<Op>(error(errc::cancelled))));
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
            if (ec || cancelled(self)) return self.complete(failure(with_operation<Op>(error(errc::cancelled))));
            step(self);
        }
    };

    // A wait: [send the batch] -> loop { poll each unfinished job once | sleep } until done or deadline.
    template <class Start, class Result>
    struct wait_op {
        session* s;
        Start start;
        polling_policy policy;
        std::optional<batch_response> batch{};
        std::vector<std::string> ids{};
        std::optional<job_waiter> waiter{};
        std::string polling{};
        std::unique_ptr<timer_type> timer{};

        template <class Self>
        void operator()(Self& self) {
            if constexpr (!std::is_same_v<Start, no_start>) {
                const Start request = start;  // copied first: moving `self` below moves `start` too
                s->async_call(request, boost::asio::prepend(std::move(self), started_tag{}));
            } else {  // nothing to send first: post, so that even an empty wait never completes inline
                auto ex = self.get_executor();
                boost::asio::post(ex, boost::asio::prepend(std::move(self), begin_tag{}));
            }
        }

        template <class Self>
        void operator()(Self& self, started_tag, result<batch_response> r) {
            if (!r) return self.complete(failure(std::move(r).error()));
            batch = std::move(r).value();
            begin(self);
        }

        template <class Self>
        void operator()(Self& self, begin_tag) {
            begin(self);
        }

        template <class Self>
        void begin(Self& self) {
            waiter.emplace(batch ? batch->status_ids() : ids, policy, s->now());
            next(self);
        }

        template <class Self>
        void next(Self& self) {
            if (cancelled(self)) return self.complete(failure(error(errc::cancelled, "wait cancelled")));
            auto step = waiter->next(s->now());
            switch (step.kind) {
            case job_waiter::step::poll:
                polling = step.status_id;
                s->async_call(get_status{step.status_id}, boost::asio::prepend(std::move(self), poll_tag{}));
                return;
            case job_waiter::step::sleep: {
                timer = std::make_unique<timer_type>(s->transport_.get_executor(), step.delay);
                auto& t = *timer;
                t.async_wait(boost::asio::prepend(std::move(self), sleep_tag{}));
                return;
            }
            case job_waiter::step::done:
                if constexpr (std::is_same_v<Result, wait_result>) self.complete(waiter->result_for(*batch));
                else self.complete(waiter->outcomes());
                return;
            }
        }

        template <class Self>
        void operator()(Self& self, poll_tag, result<get_status_response> r) {
            if (!r && r.error().is(errc::cancelled)) return self.complete(failure(error(errc::cancelled, "wait cancelled")));
            s->note_poll(polling, r);
            waiter->on_poll(polling, r);
            next(self);
        }

        template <class Self>
        void operator()(Self& self, sleep_tag, boost::system::error_code ec) {
            if (ec) return self.complete(failure(error(errc::cancelled, "wait cancelled")));
            next(self);
        }
    };

    Transport transport_;
    session_options opts_;
    logging_transport<transport_type&> logged_;
    client<logging_transport<transport_type&>&, context> client_;
    credentials creds_;
    std::uint64_t seed_;
    clock_type::time_point renew_at_{};
    bool login_in_flight_ = false;
    std::optional<error> last_login_error_{};
    std::unique_ptr<timer_type> login_signal_{};
};

}  // namespace serverops::clc

#endif
