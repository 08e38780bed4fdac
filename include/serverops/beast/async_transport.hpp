// Asynchronous HTTP/1.1 transport over Boost.Beast, plain TCP or TLS, with a bounded keep-alive pool.
#ifndef SERVEROPS_BEAST_ASYNC_TRANSPORT_HPP
#define SERVEROPS_BEAST_ASYNC_TRANSPORT_HPP

#include <serverops/beast/detail/async_pool.hpp>
#include <serverops/endpoint.hpp>
#include <serverops/transport.hpp>
#include <serverops/transport_options.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/async_result.hpp>

#include <memory>
#include <utility>

namespace serverops {

/// `async_send(req, token)`, completion signature `void(result<http_response>)`, any completion token
/// (callback, use_awaitable, deferred, use_future, ...).
///
/// - Pool: at most `options.max_connections` keep-alive connections; further concurrent calls wait in FIFO order.
///   Waiting for a connection is bounded by the request's deadline (errc::timeout), else by cancellation only
///   (e.g. a timer in parallel).
/// - Time: connect, TLS handshake and request (write and read together) each get their transport_options timeout,
///   capped by the time left until `req.deadline` when set; a call whose deadline has passed sends nothing
///   (errc::timeout). The error's detail says which bound fired: "took longer than N ms" (the transport timeout) or
///   "did not finish by the caller's deadline". Name resolution is not bounded (see connect_timeout).
/// - Response: interim 1xx responses are skipped; the body limit is the larger of `options.max_response_body` and
///   `req.max_response_body`. See beast/detail/messages.hpp (response_assembler).
/// - Reuse rules (probe before reuse, one retry for idempotent requests only) as for the sync transport:
///   see beast/detail/roundtrip.hpp.
/// - Completion: exactly once, never inside `async_send`, on the handler's associated executor (default: this
///   transport's executor).
/// - Cancellation (the handler's associated cancellation slot): a waiting call leaves the queue (any cancellation
///   type); a running call honours terminal cancellation by closing its connection. Either completes promptly with
///   errc::cancelled.
/// - "May have executed": for a request with `idempotent == false`, `error::may_have_executed` is true on every
///   failure (errc::cancelled, timeout, connection_closed, transport_failure, tls_failure, body_too_large,
///   malformed_response) that happens once a byte of the request may have been written; it is false when the call
///   failed before that: while waiting for a connection, resolving, connecting or handshaking, or when its deadline
///   had passed. Always false for idempotent requests.
/// - Lifetime: operations keep the pool alive, so destroying the transport with calls pending is safe; it closes
///   the pool, and pending calls complete with errc::cancelled (may_have_executed as above). As with any Asio I/O
///   object, the transport and its operations must not outlive the execution context of `ex`.
///
/// Not a template over the executor: every token goes through one `any_completion_handler`, so the Beast stack is
/// compiled once per translation unit, and `any_io_executor` covers io_context, strands and thread pools.
class beast_async_transport {
public:
    using executor_type = boost::asio::any_io_executor;

    beast_async_transport(executor_type ex, endpoint target, transport_options options = {})
        : executor_(ex),
          pool_(std::make_shared<beast_detail::async_pool>(std::move(ex), std::move(target), std::move(options))) {}

    beast_async_transport(const beast_async_transport&) = delete;
    beast_async_transport& operator=(const beast_async_transport&) = delete;
    beast_async_transport(beast_async_transport&&) noexcept = default;
    beast_async_transport& operator=(beast_async_transport&& other) noexcept {
        if (this != &other) {
            close();
            executor_ = std::move(other.executor_);
            pool_ = std::move(other.pool_);
        }
        return *this;
    }
    ~beast_async_transport() { close(); }

    executor_type get_executor() const noexcept { return executor_; }

    /// Sends `req`; any HTTP status is a success. Errors: serverops::errc's transport group, with
    /// error::may_have_executed as described above the class.
    template <class CompletionToken>
    auto async_send(http_request req, CompletionToken&& token) {
        // The initiation holds the pool, so a deferred operation started after the transport died still completes.
        return boost::asio::async_initiate<CompletionToken, completion_signature<http_response>>(
            [pool = pool_](auto handler, const http_request& r) {
                pool->submit(beast_detail::async_pool::handler_type(std::move(handler)), r);
            },
            token, std::move(req));
    }

    /// Fails every waiting and running call with errc::cancelled (a running non-idempotent one with
    /// may_have_executed once its write began) and closes all connections; later calls fail the same way.
    /// Asynchronous: returns at once.
    void close() {
        if (pool_) pool_->close();
    }

    const endpoint& target() const noexcept { return pool_->config().target; }
    const transport_options& options() const noexcept { return pool_->config().options; }

private:
    executor_type executor_;
    std::shared_ptr<beast_detail::async_pool> pool_;
};

static_assert(async_transport<beast_async_transport>);

}  // namespace serverops

#endif
