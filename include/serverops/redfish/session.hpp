// redfish::session: a Redfish service through the shared serverops::session (lazy login, one re-login on a 401 for
// the calls that may be resent, retries of idempotent calls, logging), with the three ways a BMC authenticates:
// - session: POST SessionService/Sessions once, then `X-Auth-Token` on every call; the session is deleted when it
//   is renewed and when this object ends (sync transports; `logout` / `async_logout` otherwise);
// - basic: HTTP Basic on every call, no login; a 401 is final;
// - automatic (default): the service root (read without credentials) decides: a session when it links a
//   SessionService, Basic otherwise; a session login answered 404/405, or 401 with `WWW-Authenticate: Basic`, falls
//   back to Basic too (services differ in which they send).
// The login is never resent (it creates a session, and BMCs limit them: 503/403 then is a clear error).
#ifndef SERVEROPS_REDFISH_SESSION_HPP
#define SERVEROPS_REDFISH_SESSION_HPP

#include <serverops/redfish/login.hpp>
#include <serverops/redfish/service_root.hpp>
#include <serverops/session.hpp>

#include <boost/asio/compose.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/prepend.hpp>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace serverops::redfish {

enum class auth_mode { automatic, session, basic };

inline std::string_view to_string(auth_mode m) noexcept {
    switch (m) {
    case auth_mode::automatic: return "auto";
    case auth_mode::session: return "session";
    case auth_mode::basic: return "basic";
    }
    return "?";
}

struct credentials {
    std::string username;
    std::string password;  ///< secret: never logged, never in an error
};

namespace detail {
/// What the session and its authenticator share (the authenticator is a value inside serverops::session).
struct auth_state {
    auth_mode mode = auth_mode::automatic;
    bool decided = false;      ///< automatic: the service root was read, or a login fell back to Basic
    bool basic = false;        ///< Basic is the scheme in use
    std::string sessions_uri;  ///< the root's `Links.Sessions` (empty: the DMTF default)
    std::vector<std::string> replaced_sessions;  ///< sessions a renewal replaced: deleted before the next call
};
}  // namespace detail

/// The authenticator of serverops::session for Redfish (see the file comment). Holds the password for the login.
struct authenticator {
    using context_type = context;
    using login_operation = redfish::login;

    credentials creds;
    std::shared_ptr<detail::auth_state> state = std::make_shared<detail::auth_state>();

    redfish::login login_request() const {
        redfish::login l;
        l.username = creds.username;
        l.password = creds.password;
        l.sessions_uri = state->sessions_uri;
        l.basic_fallback = state->mode == auth_mode::automatic;
        return l;
    }
    /// The session token carries no lifetime (the service's idle timeout applies): the session relies on the 401
    /// of an expired token to log in again.
    std::optional<std::chrono::seconds> apply_login(context& ctx, const session_login& r) {
        if (r.use_basic) {
            state->basic = true;
            state->decided = true;
            ctx.token.clear();
            ctx.session_uri.clear();
            return std::nullopt;
        }
        if (!ctx.token.empty() && !ctx.session_uri.empty() && ctx.session_uri != r.session_uri)
            state->replaced_sessions.push_back(ctx.session_uri);  // a renewal: the old session is still open
        ctx.token = r.token;
        ctx.session_uri = r.session_uri;
        return std::nullopt;
    }
    /// Basic needs no login. Before the `automatic` choice the answer is "yes" too: redfish::session makes the
    /// choice before any authenticated call, and serverops::session schedules no login for credentials it starts
    /// with (a login would then be due at once, even when the choice is Basic).
    bool has_credentials(const context& ctx) const {
        return state->basic || !ctx.token.empty() || (state->mode == auth_mode::automatic && !state->decided);
    }
    /// The token was refused (expired, deleted): the session is gone on the service too.
    void forget(context& ctx) const {
        ctx.token.clear();
        ctx.session_uri.clear();
    }
    /// A 401 to a session token means "log in again"; to Basic credentials it is final.
    bool is_rejection(const error& e) const { return e.is(errc::unauthorized) && !state->basic; }
};

struct session_options : serverops::session_options {
    auth_mode auth = auth_mode::automatic;
    /// Sync transports: delete the session (DELETE its URI) when the session object ends, bounded by
    /// `logout_timeout`. Async-only transports cannot block there: call `async_logout`.
    bool logout_on_destruction = true;
    std::chrono::milliseconds logout_timeout{5000};
};

/// Not thread-safe: use one session per thread, or run its async calls on one strand.
template <class Transport>
class session : public serverops::session<Transport, authenticator> {
    using base = serverops::session<Transport, authenticator>;

public:
    using transport_type = typename base::transport_type;

    session(Transport transport, credentials creds, context ctx = {}, session_options opts = {})
        : session(std::forward<Transport>(transport), std::move(creds), std::move(ctx), std::move(opts),
                  std::make_shared<detail::auth_state>()) {}
    session(const session&) = delete;
    session& operator=(const session&) = delete;

    ~session() {
        if constexpr (sync_transport<transport_type>) {
            if (logout_on_destruction_) {
                const call_options o{std::chrono::steady_clock::now() + logout_timeout_};
                (void)logout(o);
            }
        }
    }

    auth_mode configured_auth() const noexcept { return state_->mode; }
    /// Whether HTTP Basic is the scheme in use (configured, chosen from the service root, or fallen back to).
    bool uses_basic() const noexcept { return state_->basic; }

    // ------------------------------------------------------------------ sync

    /// `result<Op::response_type>`: as serverops::session::call, after the `automatic` choice of scheme (the
    /// service root is read once, before the first authenticated call); a session a renewal replaced during the
    /// call is deleted after it (best effort).
    template <class Op>
        requires sync_transport<transport_type>
    auto call(const Op& op, const call_options& options = {}) {
        if constexpr (serverops::detail::check_operation_for<Op, context>()) {
            if constexpr (!unauthenticated_operation<Op>) {
                if (auto d = choose_scheme(options); !d)
                    return result<typename Op::response_type>(failure(with_operation<Op>(std::move(d).error())));
            }
            auto r = base::call(op, options);
            delete_replaced_sessions(options);  // a renewal inside the call replaced a session that is still open
            return r;
        }
    }

    /// The `automatic` choice now (calls make it lazily): reads the service root unless decided.
    result<void> choose_scheme(const call_options& options = {})
        requires sync_transport<transport_type>
    {
        if (!needs_root()) return success();
        BOOST_OUTCOME_TRY(auto root, base::call(get_service_root{}, options));
        apply_root(root);
        return success();
    }

    /// Deletes the session (DELETE its URI) and forgets the token; the next call logs in again. Nothing to do for
    /// Basic or before a login. A rejected token (401: the session had expired) is forgotten too.
    result<void> logout(const call_options& options = {})
        requires sync_transport<transport_type>
    {
        const auto uri = this->current_context().session_uri;
        if (this->current_context().token.empty() || uri.empty()) {
            this->invalidate_credentials();
            return success();
        }
        auto r = base::call(delete_session{uri}, options);
        this->invalidate_credentials();
        return r;
    }

    // ------------------------------------------------------------------ async

    /// Async `call`. Completion signature `void(result<Op::response_type>)`; any completion token; the handler runs
    /// once, never inline; terminal cancellation stops the call at its next step (errc::cancelled).
    template <class Op, class CompletionToken>
        requires async_transport<transport_type>
    auto async_call(const Op& op, CompletionToken&& token) {
        return async_call(op, call_options{}, std::forward<CompletionToken>(token));
    }
    template <class Op, class CompletionToken>
        requires async_transport<transport_type>
    auto async_call(const Op& op, const call_options& options, CompletionToken&& token) {
        if constexpr (serverops::detail::check_operation_for<Op, context>()) {
            return boost::asio::async_compose<CompletionToken, completion_signature<typename Op::response_type>>(
                call_op<Op>{this, op, options}, token, this->transport().get_executor());
        }
    }

    /// Async `logout`. Completion signature `void(result<void>)`.
    template <class CompletionToken>
        requires async_transport<transport_type>
    auto async_logout(CompletionToken&& token) {
        return boost::asio::async_compose<CompletionToken, void(result<void>)>(logout_op{this}, token,
                                                                               this->transport().get_executor());
    }

private:
    struct root_tag {};
    struct replaced_tag {};
    struct done_tag {};

    session(Transport transport, credentials creds, context ctx, session_options opts,
            std::shared_ptr<detail::auth_state> state)
        : base(std::forward<Transport>(transport), authenticator{creds, state}, prepared(std::move(ctx), creds, opts.auth, *state),
               static_cast<serverops::session_options&&>(opts)),
          state_(std::move(state)),
          logout_on_destruction_(opts.logout_on_destruction),
          logout_timeout_(opts.logout_timeout) {}

    /// Basic and automatic put the credentials in the context (sent as Basic only while no token is held and the
    /// authenticator says Basic is in use); session mode keeps them for the login only.
    static context prepared(context ctx, const credentials& creds, auth_mode mode, detail::auth_state& state) {
        state.mode = mode;
        if (mode == auth_mode::basic) {
            state.basic = true;
            state.decided = true;
        }
        if (mode != auth_mode::session) {
            ctx.username = creds.username;
            ctx.password = creds.password;
        }
        return ctx;
    }

    bool needs_root() const { return state_->mode == auth_mode::automatic && !state_->decided; }

    void apply_root(const service_root& root) {
        state_->decided = true;
        if (root.has_session_service()) {
            state_->sessions_uri = root.sessions_uri;
            this->log(log_level::info, "redfish: the service root links a SessionService: using a session");
        } else {
            state_->basic = true;
            this->log(log_level::info, "redfish: the service root links no SessionService: using HTTP Basic");
        }
    }

    void delete_replaced_sessions(const call_options& options)
        requires sync_transport<transport_type>
    {
        while (!state_->replaced_sessions.empty()) {
            const auto uri = std::move(state_->replaced_sessions.back());
            state_->replaced_sessions.pop_back();
            (void)base::call(delete_session{uri}, options);  // best effort: it expires on its own otherwise
        }
    }

    // [read the service root] -> the call -> [delete the sessions a renewal replaced] -> complete.
    template <class Op>
    struct call_op {
        session* s;
        Op op;
        call_options opts;
        std::optional<result<typename Op::response_type>> answer{};

        template <class Self>
        void operator()(Self& self) {
            if constexpr (!unauthenticated_operation<Op>) {
                if (s->needs_root()) {
                    const auto o = opts;
                    s->base::async_call(get_service_root{}, o, boost::asio::prepend(std::move(self), root_tag{}));
                    return;
                }
            }
            send(self);
        }

        template <class Self>
        void operator()(Self& self, root_tag, result<service_root> r) {
            if (!r) return self.complete(failure(with_operation<Op>(std::move(r).error())));
            s->apply_root(r.value());
            send(self);
        }

        template <class Self>
        void send(Self& self) {
            const Op request = op;  // copied first: moving `self` below moves `op` too
            const auto o = opts;
            s->base::async_call(request, o, boost::asio::prepend(std::move(self), done_tag{}));
        }

        template <class Self>
        void operator()(Self& self, done_tag, result<typename Op::response_type> r) {
            answer.emplace(std::move(r));
            clean_up(self);
        }

        template <class Self>
        void operator()(Self& self, replaced_tag, result<void>) {
            clean_up(self);  // best effort: an undeleted session expires on its own
        }

        template <class Self>
        void clean_up(Self& self) {
            if (s->state_->replaced_sessions.empty()) return self.complete(std::move(*answer));
            delete_session del{std::move(s->state_->replaced_sessions.back())};
            s->state_->replaced_sessions.pop_back();
            const auto o = opts;
            s->base::async_call(del, o, boost::asio::prepend(std::move(self), replaced_tag{}));
        }
    };

    struct logout_op {
        session* s;
        bool sent = false;

        template <class Self>
        void operator()(Self& self) {
            const auto uri = s->current_context().session_uri;
            if (s->current_context().token.empty() || uri.empty()) {
                s->invalidate_credentials();
                sent = true;
                auto ex = self.get_executor();  // first: the argument that moves `self` may be evaluated before it
                boost::asio::post(ex, boost::asio::prepend(std::move(self), done_tag{}, result<void>(success())));
                return;
            }
            s->base::async_call(delete_session{uri}, boost::asio::prepend(std::move(self), done_tag{}));
        }

        template <class Self>
        void operator()(Self& self, done_tag, result<void> r) {
            if (!sent) s->invalidate_credentials();
            self.complete(std::move(r));
        }
    };

    std::shared_ptr<detail::auth_state> state_;
    bool logout_on_destruction_;
    std::chrono::milliseconds logout_timeout_;
};

}  // namespace serverops::redfish

#endif
