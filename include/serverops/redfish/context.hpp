// What every Redfish request shares: where the service is (origin and path prefix, so that links the service hands
// out are followed only there) and the credentials: a session token (`X-Auth-Token`) or HTTP Basic.
#ifndef SERVEROPS_REDFISH_CONTEXT_HPP
#define SERVEROPS_REDFISH_CONTEXT_HPP

#include <serverops/detail/base64.hpp>
#include <serverops/endpoint.hpp>
#include <serverops/http_message.hpp>
#include <serverops/secrets.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace serverops::redfish {

/// The service root (DSP0266: every service serves it at this path).
inline constexpr std::string_view service_root_path = "/redfish/v1";
/// Where a session login is posted when the service root does not say (DSP0266 fixes this URI too).
inline constexpr std::string_view default_sessions_path = "/redfish/v1/SessionService/Sessions";

struct context {
    /// "" (a BMC serves /redfish/v1 at its root) or the path of the base URL when a proxy adds one.
    std::string path_prefix;
    /// The service's scheme, host and port (from `from_base_url`): a link the service hands out as an absolute URL
    /// is followed only when it names this origin. Unset: only origin-relative links are followed.
    std::optional<endpoint> origin;
    /// Secret: the session token (`redfish::login`), sent as `X-Auth-Token`.
    std::string token;
    /// The URI of the session `token` belongs to (deleted on logout).
    std::string session_uri;
    /// HTTP Basic: sent when there is no token and a username is set (the session sets them only when Basic is
    /// the scheme in use). The password is secret.
    std::string username;
    std::string password;

    /// A context for `base_url` ("https://bmc.example" or "https://proxy/bmc1"), its origin recorded.
    static result<context> from_base_url(std::string_view base_url) {
        BOOST_OUTCOME_TRY(auto ep, parse_endpoint(base_url));
        context c;
        c.path_prefix = ep.path_prefix;
        c.origin = std::move(ep);
        return c;
    }

    /// path prefix + `path` (an absolute path of the service, e.g. "/redfish/v1/Systems").
    std::string service_target(std::string_view path) const {
        std::string t = path_prefix;
        t += path;
        return t;
    }

    /// `OData-Version: 4.0` (DSP0266 asks clients to send it), then `X-Auth-Token` when a session token is held,
    /// else `Authorization: Basic` when a username is set.
    void authorize(http_request& req) const {
        req.headers.set("OData-Version", "4.0");
        if (!token.empty()) {
            req.headers.set("X-Auth-Token", token);
        } else if (!username.empty()) {
            std::string pair = username;
            pair += ':';
            pair += password;
            req.headers.set("Authorization", "Basic " + serverops::detail::base64_encode(pair));
        }
    }

    /// What the client scrubs from every error and log line: the token, the password, and the Basic value.
    secret_set secrets() const {
        secret_set s;
        s.add_token(token);
        if (!username.empty()) s.add_basic(username, password);
        else s.add(password);
        return s;
    }
};

}  // namespace serverops::redfish

#endif
