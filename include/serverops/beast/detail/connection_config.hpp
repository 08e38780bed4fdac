// What every connection of a transport shares and never changes: the endpoint, the options and the TLS context.
#ifndef SERVEROPS_BEAST_DETAIL_CONNECTION_CONFIG_HPP
#define SERVEROPS_BEAST_DETAIL_CONNECTION_CONFIG_HPP

#include <serverops/beast/detail/tls_setup.hpp>
#include <serverops/endpoint.hpp>
#include <serverops/error.hpp>
#include <serverops/transport_options.hpp>

#include <boost/asio/ssl/context.hpp>

#include <memory>
#include <optional>

namespace serverops::beast_detail {

/// Everything a connection needs that does not change after the transport is built.
struct connection_config {
    endpoint target;
    transport_options options;
    std::shared_ptr<ssl::context> tls_context;  ///< set when target.tls
    std::optional<error> setup_error;           ///< bad endpoint or TLS settings: every send fails with it
};

inline connection_config make_connection_config(endpoint ep, transport_options opts) {
    connection_config cfg{std::move(ep), std::move(opts), nullptr, std::nullopt};
    if (cfg.options.max_connections == 0) cfg.options.max_connections = 1;
    if (cfg.target.host.empty() || cfg.target.port.empty()) {
        cfg.setup_error = error(errc::invalid_request, "endpoint has no host or port");
    } else if (cfg.target.tls) {
        auto ctx = make_tls_context(cfg.options.tls);
        if (ctx) cfg.tls_context = std::move(ctx).value();
        else cfg.setup_error = std::move(ctx).error();
    }
    return cfg;
}

}  // namespace serverops::beast_detail

#endif
