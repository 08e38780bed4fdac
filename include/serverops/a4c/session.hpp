// a4c::session: Alien4Cloud through the shared serverops::session. Form login (POST /login, JSESSIONID cookie, the
// redirect is not followed) or the JWT variant; logged in again once when the API answers "authentication
// required" (401, or 403 with code 100).
#ifndef SERVEROPS_A4C_SESSION_HPP
#define SERVEROPS_A4C_SESSION_HPP

#include <serverops/a4c/login.hpp>
#include <serverops/session.hpp>

#include <chrono>
#include <optional>
#include <string>

namespace serverops::a4c {

struct credentials {
    std::string username;
    std::string password;  ///< secret: never logged, never in an error
};

/// Spring session cookie. Its lifetime is the server's idle timeout, which the login does not tell: the session
/// relies on the rejection (code 100) to log in again.
struct form_authenticator {
    using context_type = context;
    using login_operation = a4c::login;

    credentials creds;

    a4c::login login_request() const { return a4c::login{creds.username, creds.password}; }
    std::optional<std::chrono::seconds> apply_login(context& ctx, const login_response& r) const {
        ctx.session_cookie = r.session_cookie;
        return std::nullopt;
    }
    bool has_credentials(const context& ctx) const { return !ctx.session_cookie.empty(); }
    void forget(context& ctx) const { ctx.session_cookie.clear(); }
    bool is_rejection(const error& e) const { return e.is(errc::unauthorized); }
};

/// JWT from POST /rest/jwtauth, sent as `Authorization: Bearer`; renewed before its `expireAt` when given.
struct jwt_authenticator {
    using context_type = context;
    using login_operation = a4c::jwt_login;

    credentials creds;

    a4c::jwt_login login_request() const { return a4c::jwt_login{creds.username, creds.password}; }
    std::optional<std::chrono::seconds> apply_login(context& ctx, const jwt_token& t) const {
        ctx.jwt = t.token;
        if (!t.expire_at) return std::nullopt;
        return std::chrono::duration_cast<std::chrono::seconds>(*t.expire_at - std::chrono::system_clock::now());
    }
    bool has_credentials(const context& ctx) const { return !ctx.jwt.empty(); }
    void forget(context& ctx) const { ctx.jwt.clear(); }
    bool is_rejection(const error& e) const { return e.is(errc::unauthorized); }
};

template <class Transport, class Authenticator = form_authenticator>
using session = serverops::session<Transport, Authenticator>;

}  // namespace serverops::a4c

#endif
