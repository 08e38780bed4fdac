// clc::session: the CLC client an operator uses. The shared serverops::session (lazy login, renewal, one re-login
// on a 401, retries of idempotent calls) with CLC's bearer-token login, plus waiting on queued jobs, sync and async.
#ifndef SERVEROPS_CLC_SESSION_HPP
#define SERVEROPS_CLC_SESSION_HPP

#include <serverops/clc/batch_operations.hpp>
#include <serverops/clc/detail/token.hpp>
#include <serverops/clc/job_waiter.hpp>
#include <serverops/clc/login.hpp>
#include <serverops/clc/queue.hpp>
#include <serverops/session.hpp>

#include <boost/asio/post.hpp>

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

struct session_options : serverops::session_options {
    std::string account_alias;  ///< overrides the alias of the login response (sub-accounts); empty = use login's
};

/// CLC login: POST /v2/authentication/login, then `Authorization: Bearer`. The token's lifetime is read from its JWT
/// `exp` when it parses; a 401 means the token was refused.
struct authenticator {
    using context_type = context;
    using login_operation = clc::login;

    credentials creds;
    std::string account_alias;  ///< configured override, else the login response's

    clc::login login_request() const { return clc::login{creds.username, creds.password}; }
    std::optional<std::chrono::seconds> apply_login(context& ctx, const login_response& r) const {
        ctx.bearer_token = r.bearer_token;
        ctx.account_alias = account_alias.empty() ? r.account_alias : account_alias;
        return credential_lifetime(ctx);
    }
    std::optional<std::chrono::seconds> credential_lifetime(const context& ctx) const {
        if (auto exp = detail::token_expiry(ctx.bearer_token))
            return std::chrono::duration_cast<std::chrono::seconds>(*exp - std::chrono::system_clock::now());
        return std::nullopt;
    }
    /// The alias is part of every target, so a token alone cannot make a call.
    bool has_credentials(const context& ctx) const { return !ctx.bearer_token.empty() && !ctx.account_alias.empty(); }
    void forget(context& ctx) const { ctx.bearer_token.clear(); }
    bool is_rejection(const error& e) const { return e.is(errc::unauthorized); }
};

/// Not thread-safe: use one session per thread, or run its async calls on one strand.
/// Power and maintenance POSTs are never resent after a transport failure or a 5xx; a 401 (the API refused the
/// token before executing anything) is resent once, after logging in again.
template <class Transport>
class session : public serverops::session<Transport, authenticator> {
    using base = serverops::session<Transport, authenticator>;

public:
    using transport_type = typename base::transport_type;

    session(Transport transport, credentials creds, context ctx = {}, session_options opts = {})
        : base(std::forward<Transport>(transport), authenticator{std::move(creds), opts.account_alias},
               with_alias(std::move(ctx), opts.account_alias), static_cast<serverops::session_options&&>(opts)) {}

    /// Sends a batch operation and waits for its jobs: one outcome per requested server, in request order.
    /// Fails only when the batch itself could not be sent or was rejected as a whole.
    template <operation Op>
        requires std::same_as<typename Op::response_type, batch_response> && sync_transport<transport_type>
    result<wait_result> start_and_wait(const Op& op, const polling_policy& policy = {}) {
        BOOST_OUTCOME_TRY(auto started, this->call(op));
        return wait(started, policy);
    }

    /// Waits for the jobs of a batch sent earlier (start-only form: `call(op)`).
    result<wait_result> wait(const batch_response& started, const polling_policy& policy = {})
        requires sync_transport<transport_type>
    {
        job_waiter waiter(started.status_ids(), policy, this->now());
        drive(waiter);
        return waiter.result_for(started);
    }

    /// Waits for jobs known only by their status ids (e.g. saved from an earlier run).
    result<std::vector<job_outcome>> wait_for_jobs(const std::vector<std::string>& status_ids,
                                                   const polling_policy& policy = {})
        requires sync_transport<transport_type>
    {
        job_waiter waiter(status_ids, policy, this->now());
        drive(waiter);
        return waiter.outcomes();
    }

    /// Async `start_and_wait`. Completion signature `void(result<wait_result>)`. Cancellation stops polling at once.
    template <operation Op, class CompletionToken>
        requires std::same_as<typename Op::response_type, batch_response> && async_transport<transport_type>
    auto async_start_and_wait(const Op& op, const polling_policy& policy, CompletionToken&& token) {
        return boost::asio::async_compose<CompletionToken, completion_signature<wait_result>>(
            wait_op<Op, wait_result>{this, op, policy}, token, this->executor());
    }

    /// Async `wait` on a batch sent earlier. Completion signature `void(result<wait_result>)`.
    template <class CompletionToken>
        requires async_transport<transport_type>
    auto async_wait(const batch_response& started, const polling_policy& policy, CompletionToken&& token) {
        wait_op<no_start, wait_result> op{this, no_start{}, policy};
        op.batch = started;
        return boost::asio::async_compose<CompletionToken, completion_signature<wait_result>>(std::move(op), token,
                                                                                             this->executor());
    }

    /// Async `wait_for_jobs`. Completion signature `void(result<std::vector<job_outcome>>)`.
    template <class CompletionToken>
        requires async_transport<transport_type>
    auto async_wait_for_jobs(const std::vector<std::string>& status_ids, const polling_policy& policy,
                             CompletionToken&& token) {
        wait_op<no_start, std::vector<job_outcome>> op{this, no_start{}, policy};
        op.ids = status_ids;
        return boost::asio::async_compose<CompletionToken, completion_signature<std::vector<job_outcome>>>(
            std::move(op), token, this->executor());
    }

private:
    struct no_start {};
    struct started_tag {};
    struct poll_tag {};
    struct sleep_tag {};
    struct begin_tag {};
    using timer_type = typename base::timer_type;

    static context with_alias(context ctx, const std::string& alias) {
        if (!alias.empty()) ctx.account_alias = alias;
        return ctx;
    }

    void note_poll(const std::string& id, const result<get_status_response>& r) const {
        if (!this->options().log.enabled(log_level::debug)) return;
        this->log(log_level::debug,
                  "poll " + id + ": " + (r ? std::string(to_string(r.value().status)) : r.error().message()));
    }

    void drive(job_waiter& waiter) {
        for (;;) {
            auto step = waiter.next(this->now());
            if (step.kind == job_waiter::step::done) return;
            if (step.kind == job_waiter::step::sleep) {
                this->options().clock.sleep(step.delay);
                continue;
            }
            auto r = this->call(get_status{step.status_id});
            note_poll(step.status_id, r);
            waiter.on_poll(step.status_id, r);
        }
    }

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
            if (base::cancelled(self)) return self.complete(failure(error(errc::cancelled, "wait cancelled")));
            auto step = waiter->next(s->now());
            switch (step.kind) {
            case job_waiter::step::poll:
                polling = step.status_id;
                s->async_call(get_status{step.status_id}, boost::asio::prepend(std::move(self), poll_tag{}));
                return;
            case job_waiter::step::sleep: {
                timer = std::make_unique<timer_type>(s->executor(), step.delay);
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
};

}  // namespace serverops::clc

#endif
