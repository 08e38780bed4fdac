// What every Genesys Context Services (UCS 8.5) request shares: the service's base path and Basic credentials.
#ifndef SERVEROPS_UCS_CONTEXT_HPP
#define SERVEROPS_UCS_CONTEXT_HPP

#include <serverops/detail/base64.hpp>
#include <serverops/endpoint.hpp>
#include <serverops/http_message.hpp>
#include <serverops/secrets.hpp>

#include <string>
#include <string_view>

namespace serverops::ucs {

/// The base path UCS uses when deployed with `cview/base_url = /genesys/1/cs` (the 8.5 migration guide's advice);
/// the default deployment serves the API at the root ("").
inline constexpr std::string_view genesys_base_path = "/genesys/1/cs";

struct context {
    std::string path_prefix;  ///< "" or the `cview/base_url` of the UCS application, e.g. "/genesys/1/cs"
    std::string username;     ///< secret with the password: HTTP Basic is sent only when this is not empty
    std::string password;     ///< secret: never logged, never put in an error

    /// A context for `base_url` (e.g. "http://ucs:8080" or "http://ucs:8080/genesys/1/cs").
    static result<context> from_base_url(std::string_view base_url, std::string user = {}, std::string pass = {}) {
        BOOST_OUTCOME_TRY(auto ep, parse_endpoint(base_url));
        context c;
        c.path_prefix = std::move(ep.path_prefix);
        c.username = std::move(user);
        c.password = std::move(pass);
        return c;
    }

    /// `Authorization: Basic base64(username:password)` when a username is set; nothing otherwise (UCS ignores
    /// credentials when its authentication section is off).
    void authorize(http_request& req) const {
        if (username.empty()) return;
        std::string pair = username;
        pair += ':';
        pair += password;
        req.headers.set("Authorization", "Basic " + serverops::detail::base64_encode(pair));
    }

    /// What the client scrubs from every error and log line: the password, `user:password` and the Basic value.
    secret_set secrets() const {
        secret_set s;
        s.add_basic(username, password);
        return s;
    }
};

}  // namespace serverops::ucs

#endif
