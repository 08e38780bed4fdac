// What every Alien4Cloud 3.0 request shares: the server root prefix, the REST prefix and the session credentials.
#ifndef SERVEROPS_A4C_CONTEXT_HPP
#define SERVEROPS_A4C_CONTEXT_HPP

#include <serverops/endpoint.hpp>
#include <serverops/http_message.hpp>
#include <serverops/secrets.hpp>

#include <string>
#include <string_view>

namespace serverops::a4c {

/// The REST prefixes the server maps to the same controllers (`@RequestMapping({"/rest/...", "/rest/v1/...",
/// "/rest/latest/..."})`). `v1` is what the published REST documentation uses.
namespace rest_prefix {
inline constexpr std::string_view v1 = "/rest/v1";
inline constexpr std::string_view unversioned = "/rest";
inline constexpr std::string_view latest = "/rest/latest";
}  // namespace rest_prefix

/// Name of the servlet session cookie set by `POST /login` (Spring Security form login on Tomcat/Jetty).
inline constexpr std::string_view session_cookie_name = "JSESSIONID";

/// Default HTTP port of an Alien4Cloud server (alien4cloud-config.yml).
inline constexpr std::string_view default_port = "8088";

struct context {
    /// REST prefix, appended to `root_prefix`: "/rest/v1" (default), "/rest" or "/rest/latest".
    std::string path_prefix = std::string(rest_prefix::v1);
    /// Secret: the JSESSIONID value from `a4c::login`; sent as `Cookie: JSESSIONID=<value>` when not empty.
    std::string session_cookie;
    /// Secret: a token from `a4c::jwt_login` (or configured by the user); sent as `Authorization: Bearer <jwt>`.
    std::string jwt;
    /// The server's own root (`server.url_path`), e.g. "" or "/alien": the path of the base URL, no trailing slash.
    /// `/login` and `/rest/jwtauth` live directly under it; the REST calls under `root_prefix + path_prefix`.
    std::string root_prefix;

    /// A context for `base_url` (e.g. "http://a4c:8088" or "https://host/alien"): its path becomes `root_prefix`.
    static result<context> from_base_url(std::string_view base_url, std::string_view rest = rest_prefix::v1) {
        BOOST_OUTCOME_TRY(auto ep, parse_endpoint(base_url));
        context c;
        c.root_prefix = std::move(ep.path_prefix);
        c.path_prefix = std::string(rest);
        while (!c.path_prefix.empty() && c.path_prefix.back() == '/') c.path_prefix.pop_back();
        return c;
    }

    /// root + REST prefix + `path` (path starts with '/').
    std::string rest_target(std::string_view path) const {
        std::string t = root_prefix;
        t += path_prefix;
        t += path;
        return t;
    }
    /// root + `path`, for the endpoints outside the REST prefix (`/login`, `/rest/jwtauth`).
    std::string root_target(std::string_view path) const {
        std::string t = root_prefix;
        t += path;
        return t;
    }

    /// Both credentials are sent when both are set; the server accepts either.
    void authorize(http_request& req) const {
        if (!session_cookie.empty()) {
            std::string cookie(session_cookie_name);
            cookie += '=';
            cookie += session_cookie;
            req.headers.set("Cookie", cookie);
        }
        if (!jwt.empty()) req.headers.set("Authorization", "Bearer " + jwt);
    }

    /// What the client scrubs from every error and log line: the session cookie and the JWT.
    secret_set secrets() const {
        secret_set s;
        s.add(session_cookie);
        s.add_token(jwt);
        return s;
    }
};

}  // namespace serverops::a4c

#endif
