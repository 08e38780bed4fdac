// Redfish sessions: POST SessionService/Sessions {UserName, Password} -> X-Auth-Token and the session's URI;
// DELETE that URI to log out.
#ifndef SERVEROPS_REDFISH_LOGIN_HPP
#define SERVEROPS_REDFISH_LOGIN_HPP

#include <serverops/redfish/context.hpp>
#include <serverops/redfish/detail/decode.hpp>
#include <serverops/redfish/detail/request.hpp>
#include <serverops/redfish/types.hpp>

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include <string>

namespace serverops::redfish {

namespace detail {
/// `WWW-Authenticate` offers the Basic scheme.
inline bool offers_basic(const http_response& res) {
    for (const auto& [name, value] : res.headers) {
        if (!serverops::detail::iequals(name, "WWW-Authenticate")) continue;
        std::string_view v = value;
        while (!v.empty() && (v.front() == ' ' || v.front() == '\t' || v.front() == ',')) v.remove_prefix(1);
        if (v.size() >= 5 && serverops::detail::iequals(v.substr(0, 5), "Basic") && (v.size() == 5 || v[5] == ' ' || v[5] == ','))
            return true;
        if (value.find(", Basic") != std::string::npos || value.find(",Basic") != std::string::npos) return true;
    }
    return false;
}
}  // namespace detail

/// Creates a session. 201 Created (some services answer 200 or 204) with the token in `X-Auth-Token` and the
/// session's URI in `Location` (its body's `@odata.id` when Location is missing; neither: the session works but
/// cannot be deleted). An answer without a usable token is errc::unexpected_response.
///
/// Failures: 400/401 -> errc::authentication_failed; 403 and 503 keep their kind (forbidden, unavailable) with a
/// detail saying the service refused a new session — many BMCs answer so when their session slots are used up
/// (`vendor_code` then often names `SessionLimitExceeded`). With `basic_fallback` (the `auto` scheme) a login
/// answered 404 or 405 (no session login here), or 401 with `WWW-Authenticate: Basic`, is not an error: the result
/// says `use_basic`.
///
/// Not idempotent (each delivery creates a session, and sessions are limited): never resent after a failure.
struct login {
    using response_type = session_login;
    using context_type = context;
    static constexpr std::string_view name = "redfish.createSession";
    static constexpr verb method = verb::post;
    static constexpr bool idempotent = false;
    static constexpr bool authenticated = false;

    std::string username;
    std::string password;  ///< secret: never logged, never in an error
    std::string sessions_uri;  ///< the service root's `Links.Sessions`; empty: /redfish/v1/SessionService/Sessions
    bool basic_fallback = false;

    std::string target(const context& ctx) const {
        return detail::followed_target(ctx, effective_uri(), "Sessions link");
    }
    std::string body() const {
        boost::json::object o;
        o["UserName"] = username;
        o["Password"] = password;
        return boost::json::serialize(o);
    }
    /// The password: the client keeps it out of every error and log line, however the server echoes it.
    secret_set secrets() const {
        secret_set s;
        s.add(password);
        return s;
    }
    result<void> validate(const context& ctx) const {
        if (username.empty() || password.empty()) return failure(errc::invalid_request, "username and password are required");
        return detail::check_link(ctx, effective_uri(), "Sessions link");
    }
    result<session_login> decode(const http_response& res) const {
        auto r = with_http_status(decode_answer(res), res);
        if (!r) {  // the client scrubs too; this serves direct decode() callers (the token of a half-good answer)
            auto s = secrets();
            s.add_from_headers(res.headers);
            scrub_secrets(r.error(), s);
        }
        return r;
    }

private:
    std::string effective_uri() const { return sessions_uri.empty() ? std::string(default_sessions_path) : sessions_uri; }

    result<session_login> decode_answer(const http_response& res) const {
        using namespace detail;
        if (basic_fallback &&
            (res.status == 404 || res.status == 405 || (res.status == 401 && offers_basic(res)))) {
            session_login l;
            l.use_basic = true;
            return l;
        }
        if (res.status == 400 || res.status == 401) {
            error e = http_error(res);
            e.code = make_error_code(errc::authentication_failed);
            return failure(std::move(e));
        }
        if (res.status == 403 || res.status == 503) {
            error e = http_error(res);
            e.detail = "the service refused to create a session: its session limit may be reached (close other "
                       "sessions, or use HTTP Basic), or the account may not log in";
            return failure(std::move(e));
        }
        BOOST_OUTCOME_TRY(check_status(res, {200, 201, 204}));
        session_login l;
        auto token = res.headers.find("X-Auth-Token");
        std::string_view t = token ? *token : std::string_view();
        while (!t.empty() && (t.front() == ' ' || t.front() == '\t')) t.remove_prefix(1);
        while (!t.empty() && (t.back() == ' ' || t.back() == '\t')) t.remove_suffix(1);
        if (t.empty()) return failure(errc::unexpected_response, "the session login answered without an X-Auth-Token header");
        if (!is_header_token(t) || t.size() > 4096)
            return failure(errc::unexpected_response, "the X-Auth-Token of the session login is not a header token");
        l.token = std::string(t);
        l.session_uri = location_of(res);
        if (l.session_uri.empty())
            if (auto body = lenient_object(res.body)) l.session_uri = odata_id_of(body->get_object());
        return l;
    }
};

/// Deletes a session (logout). 200/202/204 -> done; 404 -> done too (the session had expired or was deleted).
/// Idempotent (a second DELETE finds nothing), but bound to the session's own token: never resent after a new
/// login.
struct delete_session {
    using response_type = void;
    using context_type = context;
    static constexpr std::string_view name = "redfish.deleteSession";
    static constexpr verb method = verb::delete_;
    static constexpr bool idempotent = true;
    static constexpr bool resend_after_relogin = false;

    std::string uri;

    std::string target(const context& ctx) const { return detail::followed_target(ctx, uri, "session URI"); }
    result<void> validate(const context& ctx) const { return detail::check_link(ctx, uri, "session URI"); }
    result<void> decode(const http_response& res) const {
        if (res.status == 404) return success();
        return with_http_status(detail::check_status(res, {200, 202, 204}), res);
    }
};

}  // namespace serverops::redfish

#endif
