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
#include <serverops/wait.hpp>


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
    /// Fails only when the batch itself could not be sent or was rejected as a whole. `policy.timeout` bounds the
    /// wait after the batch was accepted, and every status request made for it.
    template <operation Op>
        requires std::same_as<typename Op::response_type, batch_response> && sync_transport<transport_type>
    result<wait_result> start_and_wait(const Op& op, const polling_policy& policy = {},
                                       const wait_observer& observer = {}) {
        BOOST_OUTCOME_TRY(auto started, this->call(op));
        return wait(started, policy, observer);
    }

    /// Waits for the jobs of a batch sent earlier (start-only form: `call(op)`).
    result<wait_result> wait(const batch_response& started, const polling_policy& policy = {},
                             const wait_observer& observer = {})
        requires sync_transport<transport_type>
    {
        job_waiter waiter(started.status_ids(), policy, this->now());
        BOOST_OUTCOME_TRY(auto report, run_wait(*this, waiter, observer));
        return result_for(started, report);
    }

    /// Waits for jobs known only by their status ids (e.g. saved from an earlier run).
    result<job_wait_report> wait_for_jobs(const std::vector<std::string>& status_ids,
                                                   const polling_policy& policy = {},
                                                   const wait_observer& observer = {})
        requires sync_transport<transport_type>
    {
        job_waiter waiter(status_ids, policy, this->now());
        return run_wait(*this, waiter, observer);
    }

    /// Async `start_and_wait`. Completion signature `void(result<wait_result>)`. Once the batch was accepted,
    /// cancellation ends the wait at its next step and still completes with the batch's servers (unfinished ones
    /// `still_running` with their job ids, `wait_result::cancelled` set): queued work is never lost.
    template <operation Op, class CompletionToken>
        requires std::same_as<typename Op::response_type, batch_response> && async_transport<transport_type>
    auto async_start_and_wait(const Op& op, const polling_policy& policy, CompletionToken&& token) {
        return async_start_and_wait(op, policy, wait_observer{}, std::forward<CompletionToken>(token));
    }
    template <operation Op, class CompletionToken>
        requires std::same_as<typename Op::response_type, batch_response> && async_transport<transport_type>
    auto async_start_and_wait(const Op& op, const polling_policy& policy, const wait_observer& observer,
                              CompletionToken&& token) {
        return boost::asio::async_compose<CompletionToken, completion_signature<wait_result>>(
            batch_wait_op<Op>{this, op, policy, observer}, token, this->executor());
    }

    /// Async `wait` on a batch sent earlier. Completion signature `void(result<wait_result>)`.
    template <class CompletionToken>
        requires async_transport<transport_type>
    auto async_wait(const batch_response& started, const polling_policy& policy, CompletionToken&& token) {
        return async_wait(started, policy, wait_observer{}, std::forward<CompletionToken>(token));
    }
    template <class CompletionToken>
        requires async_transport<transport_type>
    auto async_wait(const batch_response& started, const polling_policy& policy, const wait_observer& observer,
                    CompletionToken&& token) {
        batch_wait_op<no_start> op{this, no_start{}, policy, observer};
        op.batch = started;
        return boost::asio::async_compose<CompletionToken, completion_signature<wait_result>>(std::move(op), token,
                                                                                             this->executor());
    }

    /// Async `wait_for_jobs`. Completion signature `void(result<job_wait_report>)`.
    template <class CompletionToken>
        requires async_transport<transport_type>
    auto async_wait_for_jobs(const std::vector<std::string>& status_ids, const polling_policy& policy,
                             CompletionToken&& token) {
        return async_run_wait(*this, job_waiter(status_ids, policy, this->now()), wait_observer{},
                              std::forward<CompletionToken>(token));
    }

private:
    struct no_start {};
    struct started_tag {};
    struct waited_tag {};

    static context with_alias(context ctx, const std::string& alias) {
        if (!alias.empty()) ctx.account_alias = alias;
        return ctx;
    }

    // [send the batch] -> the engine's wait on its jobs -> the jobs mapped back onto the batch's servers.
    template <class Start>
    struct batch_wait_op {
        session* s;
        Start start;
        polling_policy policy;
        wait_observer observer;
        std::optional<batch_response> batch{};

        template <class Self>
        void operator()(Self& self) {
            if constexpr (!std::is_same_v<Start, no_start>) {
                const Start request = start;  // copied first: moving `self` below moves `start` too
                s->async_call(request, boost::asio::prepend(std::move(self), started_tag{}));
            } else {
                wait(self);  // the engine posts first: never inline
            }
        }

        template <class Self>
        void operator()(Self& self, started_tag, result<batch_response> r) {
            if (!r) return self.complete(failure(std::move(r).error()));
            batch = std::move(r).value();
            wait(self);
        }

        template <class Self>
        void wait(Self& self) {
            auto* session = s;
            job_waiter waiter(batch->status_ids(), policy, session->now());
            const auto obs = observer;
            async_run_wait(*session, std::move(waiter), obs, boost::asio::prepend(std::move(self), waited_tag{}));
        }

        template <class Self>
        void operator()(Self& self, waited_tag, result<job_wait_report> report) {
            if (!report) return self.complete(failure(std::move(report).error()));
            self.complete(result_for(*batch, report.value()));
        }
    };
};

}  // namespace serverops::clc

#endif
