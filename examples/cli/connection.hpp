// serverops CLI: where to connect and how, from the environment and the command line. Credentials come from the
// environment only; a base URL from --base-url wins over the environment's. TLS: --ca-file or, loudly,
// --insecure-skip-tls-verify.
#ifndef SERVEROPS_CLI_CONNECTION_HPP
#define SERVEROPS_CLI_CONNECTION_HPP

#include "args.hpp"
#include "common.hpp"

#include <serverops/endpoint.hpp>
#include <serverops/transport_options.hpp>

#include <fstream>
#include <optional>
#include <string>
#include <string_view>

namespace serverops_cli {

/// Everything a client command needs to reach its API, or a usage error.
struct connection {
    std::string base_url;
    serverops::endpoint endpoint;
    serverops::transport_options transport;
    std::string error;  ///< non-empty: a usage/configuration error (exit 2); never contains a secret
};

/// Reads the base URL (--base-url, else `env_var`, else `fallback`) and the TLS options. The URL itself is not
/// echoed in errors: a mistyped one could carry a password in its user-info.
inline connection make_connection(const command_line& cl, const char* env_var, std::string_view fallback) {
    connection c;
    std::string source = "--base-url";
    if (auto v = cl.value("--base-url")) {
        c.base_url = *v;
    } else if (auto e = env(env_var)) {
        c.base_url = *e;
        source = env_var;
    } else if (!fallback.empty()) {
        c.base_url = std::string(fallback);
        source = "the default";
    } else {
        c.error = std::string("no base URL: set ") + env_var + " or pass --base-url";
        return c;
    }
    auto ep = serverops::parse_endpoint(c.base_url);
    if (!ep) {
        c.error = "invalid base URL from " + source + ": " + ep.error().detail;
        return c;
    }
    c.endpoint = std::move(ep).value();

    auto ca = cl.value("--ca-file");
    const bool insecure = cl.has("--insecure-skip-tls-verify");
    if (ca && insecure) {
        c.error = "--ca-file and --insecure-skip-tls-verify exclude each other";
        return c;
    }
    if (ca) {
        if (ca->empty() || !std::ifstream(*ca).good()) {
            c.error = "cannot read the CA file given with --ca-file";
            return c;
        }
        c.transport.tls.ca_file = *ca;
    }
    if (insecure) {
        c.transport.tls.insecure_skip_tls_verify = true;
        report("WARNING: --insecure-skip-tls-verify: the server's certificate and host name are NOT verified; anyone "
               "on the network path can read or change this traffic, credentials included");
    }
    return c;
}

}  // namespace serverops_cli

#endif
