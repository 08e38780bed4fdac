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

/// `send` blocks until the response is read or a deadline passes: every read and write is bounded by the kernel
/// (socket timeouts re-armed against the step's expiry, see deadline_socket.hpp), so no call can block longer than
/// its timeouts (name resolution excepted, see transport_options::connect_timeout).
///
/// - Time: connect, TLS handshake and request (write and read together) each get their transport_options timeout,
///   capped by the time left until `req.deadline` when set; a call whose deadline has passed sends nothing
///   (errc::timeout). The error's detail says which bound fired: "took longer than N ms" (the transport timeout) or
///   "did not finish by the caller's deadline".
/// - Response: interim 1xx responses are skipped; the body limit is the larger of `options.max_response_body` and
///   `req.max_response_body`. See beast/detail/messages.hpp (response_assembler).
/// - "May have executed": for a request with `idempotent == false`, `error::may_have_executed` is true on every
///   failure that happens once a byte of the request may have been written (timeout, connection closed or reset,
///   I/O or TLS error, body too large, unparsable response); false when it failed before (resolving, connecting,
///   handshaking, deadline already passed). Always false for idempotent requests.
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
        auto x = beast_detail::prepare_exchange(req, cfg.target, cfg.options);
        if (!x) return failure(std::move(x).error());
        return beast_detail::sync_roundtrip(state_->conn, x.value());
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
