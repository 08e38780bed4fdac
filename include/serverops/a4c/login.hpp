// Alien4Cloud authentication: the Spring Security form login (session cookie), the JWT endpoint, and the
// auth-status call that confirms who the session is.
#ifndef SERVEROPS_A4C_LOGIN_HPP
#define SERVEROPS_A4C_LOGIN_HPP

#include <serverops/a4c/detail/decode.hpp>
#include <serverops/a4c/detail/request.hpp>

#include <string>

namespace serverops::a4c {

namespace detail {
/// Spring Security's failure redirects: `failureUrl(prefix + "rest/auth/authenticationfailed")` on A4C, and
/// Spring's default `/login?error` should the server run with default settings.
inline bool is_failure_location(std::string_view location) {
    std::string lower;
    lower.reserve(location.size());
    for (char c : location) lower += ascii_lower(c);
    if (lower.find("authenticationfailed") != std::string::npos) return true;
    auto q = lower.find('?');
    return q != std::string::npos && lower.find("error", q) != std::string::npos;
}

inline error login_failed(const http_response& res, std::string detail_text) {
    error e(errc::authentication_failed, std::move(detail_text));
    e.http_status = res.status;
    return e;
}

inline result<login_response> decode_login(const http_response& res) {
    if (res.status == 401) {  // the failure page itself: {"error":{"code":101,"message":"Authentication failed, ..."}}
        auto body = try_parse(res.body);
        error e = make_error(res, body ? &*body : nullptr);
        e.code = make_error_code(errc::authentication_failed);
        return failure(std::move(e));
    }
    login_response r;
    r.http_status = res.status;
    if (res.status >= 300 && res.status < 400) {
        auto location = res.headers.find("Location");
        if (!location || location->empty()) {
            error e(errc::unexpected_status, "login redirect without a Location header");
            e.http_status = res.status;
            return failure(std::move(e));
        }
        if (is_failure_location(*location))
            return failure(login_failed(res, "the server redirected to its authentication-failure page"));
        r.location = truncated(*location, 2048);
    } else if (is_success_status(res.status)) {
        // Something between us and the server followed the redirect: the body is then the auth status (or the
        // failure page, already handled above by its 401).
        BOOST_OUTCOME_TRY(auto data, decode_envelope(res, {200}, false));
        if (auto* o = data.if_object())
            if (auto* logged = find_field(*o, "isLogged"); logged && logged->is_bool() && !logged->get_bool())
                return failure(login_failed(res, "the server reports the session as not logged in"));
    } else {
        auto body = try_parse(res.body);
        return failure(make_error(res, body ? &*body : nullptr));
    }
    r.session_cookie = session_cookie_of(res);
    if (r.session_cookie.empty()) {
        error e(errc::unexpected_response, "login answered without a JSESSIONID cookie");
        e.http_status = res.status;
        return failure(std::move(e));
    }
    if (!is_cookie_value(r.session_cookie)) {
        error e(errc::unexpected_response, "the JSESSIONID cookie holds characters not allowed in a cookie value");
        e.http_status = res.status;
        return failure(std::move(e));
    }
    return r;
}

inline result<jwt_token> decode_jwt(const http_response& res) {
    auto data = decode_envelope(res, {200}, true);
    if (!data) {
        if (res.status == 401) data.error().code = make_error_code(errc::authentication_failed);
        return failure(std::move(data).error());
    }
    jwt_token t;
    const auto& d = data.value();
    if (auto* s = d.if_string()) {  // builds before JwtToken answered the bare token
        t.token = std::string(s->data(), s->size());
    } else {
        BOOST_OUTCOME_TRY(auto o, as_object(d, "$.data"));
        BOOST_OUTCOME_TRY(t.token, string_field(*o, "token", "$.data.token"));
        BOOST_OUTCOME_TRY(auto expire, optional_int_field(*o, "expireAt", "$.data.expireAt"));
        if (expire) {
            BOOST_OUTCOME_TRY(auto when, from_epoch_ms(*expire, "$.data.expireAt"));
            t.expire_at = when;
        }
    }
    if (t.token.empty()) return failure(errc::unexpected_response, "the JWT endpoint answered an empty token");
    if (!is_token68ish(t.token))
        return failure(errc::unexpected_response, "the JWT holds spaces or control characters");
    return t;
}
}  // namespace detail

/// `POST {root}/login`, form `username=..&password=..&submit=Login` (outside the REST prefix, so it works while
/// maintenance is on). The redirect is not followed: a 302 to `.../rest/auth/status` with a JSESSIONID cookie is a
/// success; a 302 to `.../rest/auth/authenticationfailed` (or `?error`), or a 401, is
/// `errc::authentication_failed`. Confirm with `get_auth_status` if needed. Sends no credentials of the context.
/// Safe to resend: a second delivery only opens another session.
struct login {
    using response_type = login_response;
    using context_type = context;
    static constexpr std::string_view name = "a4c.login";
    static constexpr verb method = verb::post;
    static constexpr bool idempotent = true;
    static constexpr bool authenticated = false;
    static constexpr std::string_view content_type = detail::form_content_type;

    std::string username;
    std::string password;  ///< secret: never logged, never in an error

    std::string target(const context& ctx) const { return ctx.root_target("/login"); }
    std::string body() const {
        return detail::form_body({{"username", username}, {"password", password}, {"submit", "Login"}});
    }
    /// The password: the client keeps it out of every error and log line, however the server echoes it.
    secret_set secrets() const {
        secret_set s;
        s.add(password);
        return s;
    }
    result<void> validate(const context& ctx) const {
        BOOST_OUTCOME_TRY(detail::check_prefixes(ctx));
        if (username.empty() || password.empty()) return failure(errc::invalid_request, "username and password are required");
        return success();
    }
    result<login_response> decode(const http_response& res) const {
        auto r = with_http_status(detail::decode_login(res), res);
        if (!r) scrub_secrets(r.error(), secrets());  // the client does it too; this serves direct decode() callers
        return r;
    }
};

/// `POST {root}/rest/jwtauth`, form `user=..&password=..` -> `{"data":{"token":..,"expireAt":<epoch ms>}}` (older
/// builds: `{"data":"<token>"}`). Then set `context::jwt`. The endpoint has no /v1 or /latest alias, and the
/// maintenance filter does not let it through: while maintenance is on it fails with errc::busy.
/// Bad credentials: 401 -> errc::authentication_failed (other failure statuses are not documented and map by
/// class). Safe to resend: a second delivery only issues another token.
struct jwt_login {
    using response_type = jwt_token;
    using context_type = context;
    static constexpr std::string_view name = "a4c.jwtLogin";
    static constexpr verb method = verb::post;
    static constexpr bool idempotent = true;
    static constexpr bool authenticated = false;
    static constexpr std::string_view content_type = detail::form_content_type;

    std::string username;
    std::string password;  ///< secret: never logged, never in an error

    std::string target(const context& ctx) const { return ctx.root_target("/rest/jwtauth"); }
    std::string body() const { return detail::form_body({{"user", username}, {"password", password}}); }
    /// The password: the client keeps it out of every error and log line, however the server echoes it.
    secret_set secrets() const {
        secret_set s;
        s.add(password);
        return s;
    }
    result<void> validate(const context& ctx) const {
        BOOST_OUTCOME_TRY(detail::check_prefixes(ctx));
        if (username.empty() || password.empty()) return failure(errc::invalid_request, "username and password are required");
        return success();
    }
    result<jwt_token> decode(const http_response& res) const {
        auto r = with_http_status(detail::decode_jwt(res), res);
        if (!r) {
            // A4C 3.0 lets bad JWT credentials reach its catch-all handler: 500 with code 500. Naming it a rejected
            // login (not a transient 5xx) keeps the session from sending a wrong password again.
            auto& e = r.error();
            const std::string_view said = e.vendor_message;
            if (e.http_status == 500 && e.vendor_code == "500" &&
                (said.starts_with("Incorrect password") || said.starts_with("Cannot find user")))
                e.code = make_error_code(errc::authentication_failed);
            scrub_secrets(e, secrets());  // the client does it too; this serves direct decode() callers
        }
        return r;
    }
};

/// `GET {root}{prefix}/auth/status`: who the session (or JWT) is. Anonymous callers get `is_logged == false`, not
/// an error. Allowed while maintenance is on.
struct get_auth_status {
    using response_type = auth_status;
    using context_type = context;
    static constexpr std::string_view name = "a4c.getAuthStatus";
    static constexpr verb method = verb::get;
    static constexpr bool idempotent = true;

    std::string target(const context& ctx) const { return ctx.rest_target("/auth/status"); }
    result<void> validate(const context& ctx) const { return detail::check_context(ctx); }
    result<auth_status> decode(const http_response& res) const { return with_http_status(decode_status(res), res); }

private:
    static result<auth_status> decode_status(const http_response& res) {
        using namespace detail;
        BOOST_OUTCOME_TRY(auto data, decode_envelope(res, {200}, true));
        BOOST_OUTCOME_TRY(auto o, as_object(data, "$.data"));
        auth_status s;
        BOOST_OUTCOME_TRY(auto logged, optional_bool_field(*o, "isLogged", "$.data.isLogged"));
        s.is_logged = logged.value_or(false);
        BOOST_OUTCOME_TRY(auto user, optional_string_field(*o, "username", "$.data.username"));
        BOOST_OUTCOME_TRY(auto github, optional_string_field(*o, "githubUsername", "$.data.githubUsername"));
        BOOST_OUTCOME_TRY(auto system, optional_string_field(*o, "authSystem", "$.data.authSystem"));
        s.username = user.value_or("");
        s.github_username = github.value_or("");
        s.auth_system = system.value_or("");
        BOOST_OUTCOME_TRY(s.roles, optional_string_array(*o, "roles", "$.data.roles", "$.data.roles[]"));
        BOOST_OUTCOME_TRY(s.groups, optional_string_array(*o, "groups", "$.data.groups", "$.data.groups[]"));
        return s;
    }
};

}  // namespace serverops::a4c

#endif
