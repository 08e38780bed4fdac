// What every CenturyLink Cloud v2 request shares: the path prefix, the account alias and the bearer token.
#ifndef SERVEROPS_CLC_CONTEXT_HPP
#define SERVEROPS_CLC_CONTEXT_HPP

#include <serverops/endpoint.hpp>
#include <serverops/http_message.hpp>
#include <serverops/secrets.hpp>

#include <string>

namespace serverops::clc {

/// Default base URL, as the official Go SDK's CLC_BASE_URL default.
inline constexpr std::string_view default_base_url = "https://api.ctl.io/v2";

struct context {
    std::string path_prefix = "/v2";  ///< path part of the base URL
    std::string account_alias;        ///< from configuration or the login response
    std::string bearer_token;         ///< secret: never logged, never put in an error

    /// A context for `base_url` (e.g. "https://api.ctl.io/v2").
    static result<context> from_base_url(std::string_view base_url, std::string alias = {}) {
        BOOST_OUTCOME_TRY(auto ep, parse_endpoint(base_url));
        context c;
        c.path_prefix = std::move(ep.path_prefix);
        c.account_alias = std::move(alias);
        return c;
    }

    void authorize(http_request& req) const {
        if (!bearer_token.empty()) req.headers.set("Authorization", "Bearer " + bearer_token);
    }

    /// What the client scrubs from every error and log line: the bearer token (and its JWT signature).
    secret_set secrets() const {
        secret_set s;
        s.add_token(bearer_token);
        return s;
    }
};

}  // namespace serverops::clc

#endif
