// Blocking HTTP/1.1 transport over Boost.Beast, plain TCP or TLS, with one keep-alive connection.
#ifndef SERVEROPS_BEAST_SYNC_TRANSPORT_HPP
#define SERVEROPS_BEAST_SYNC_TRANSPORT_HPP

#include <serverops/beast/detail/connection_config.hpp>
#include <serverops/beast/detail/messages.hpp>
#include <serverops/beast/detail/sync_roundtrip.hpp>
#include <serverops/endpoint.hpp>
#include <serverops/transport.hpp>
#include <serverops/transport_options.hpp>

#include <memory>
#include <mutex>
#include <utility>

namespace serverops {

/// `send` blocks until the response is read or a deadline passes: the socket does non-blocking I/O and every wait
/// is a poll() bounded by the request's deadline, so no call can block longer than its timeouts (name resolution
/// excepted, see transport_options::connect_timeout).
///
/// The connection is kept alive between calls and reopened when the server closed it; see
/// beast/detail/sync_roundtrip.hpp for when a request may be sent twice (idempotent ones only, before any response
/// byte).
/// Calls from several threads are serialized. Errors are returned, never raised; movable, not copyable.
class beast_sync_transport {
public:
    explicit beast_sync_transport(endpoint target, transport_options options = {})
        : state_(std::make_unique<state>(std::move(target), std::move(options))) {}

    /// Sends `req`; any HTTP status is a success. Errors: see serverops::errc's transport group.
    result<http_response> send(const http_request& req) {
        std::lock_guard lock(state_->mutex);
        const auto& cfg = state_->config;
        if (cfg.setup_error) return failure(*cfg.setup_error);
        auto wire = beast_detail::request_bytes(req, cfg.target, cfg.options);
        if (!wire) return failure(std::move(wire).error());
        return beast_detail::sync_roundtrip(state_->conn, wire.value(), req.idempotent);
    }

    /// Closes the idle keep-alive connection, if any; the next send opens a new one.
    void close() {
        std::lock_guard lock(state_->mutex);
        state_->conn.close();
    }

    const endpoint& target() const noexcept { return state_->config.target; }
    const transport_options& options() const noexcept { return state_->config.options; }

private:
    struct state {
        state(endpoint ep, transport_options opts)
            : config(beast_detail::make_connection_config(std::move(ep), std::move(opts))), conn(config) {}
        std::mutex mutex;
        beast_detail::connection_config config;
        beast_detail::sync_connection conn;  // last: refers to `config`
    };
    std::unique_ptr<state> state_;  // stable address for the connection's references, and a movable transport
};

static_assert(sync_transport<beast_sync_transport>);

}  // namespace serverops

#endif
