// One HTTP/1.1 connection slot: plain or TLS stream, resolver and read buffer. The slot outlives the sockets it
// opens: a failed or closed connection is replaced by fresh stream objects on the next request.
#ifndef SERVEROPS_BEAST_DETAIL_CONNECTION_HPP
#define SERVEROPS_BEAST_DETAIL_CONNECTION_HPP

#include <serverops/beast/detail/connection_config.hpp>
#include <serverops/beast/detail/error_mapping.hpp>
#include <serverops/beast/detail/probe.hpp>
#include <serverops/beast/detail/tls_setup.hpp>
#include <serverops/endpoint.hpp>
#include <serverops/error.hpp>
#include <serverops/transport_options.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>

#include <chrono>
#include <memory>
#include <optional>

namespace serverops::beast_detail {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

class connection {
public:
    using executor_type = asio::any_io_executor;
    using plain_stream = boost::beast::tcp_stream;
    using tls_stream = ssl::stream<boost::beast::tcp_stream>;

    connection(executor_type ex, const connection_config& cfg) : executor_(std::move(ex)), config_(cfg), resolver_(executor_) {}
    connection(const connection&) = delete;
    connection& operator=(const connection&) = delete;

    executor_type get_executor() const { return executor_; }
    const connection_config& config() const noexcept { return config_; }
    tcp::resolver& resolver() noexcept { return resolver_; }
    boost::beast::flat_buffer& buffer() noexcept { return buffer_; }
    tls_stream* tls() noexcept { return tls_ ? &*tls_ : nullptr; }

    /// The TCP layer of whichever stream is in use; only valid after `renew_streams`.
    plain_stream& tcp_layer() noexcept { return tls_ ? tls_->next_layer() : *plain_; }

    bool is_open() const noexcept {
        if (tls_) return tls_->next_layer().socket().is_open();
        return plain_ && plain_->socket().is_open();
    }

    /// Calls `f` with the stream in use (instantiated for both stream types).
    template <class F>
    void with_stream(F&& f) {
        if (tls_) f(*tls_);
        else f(*plain_);
    }

    /// Fresh, unconnected stream objects: an SSL stream cannot be reused after a session ended.
    error_code renew_streams() {
        close();
        plain_.reset();
        tls_.reset();
        buffer_.clear();
        if (!config_.target.tls) {
            plain_.emplace(executor_);
            return {};
        }
        tls_.emplace(executor_, *config_.tls_context);
        return prepare_tls_stream(*tls_, config_.target.host, config_.options.tls);
    }

    /// Whether the open connection may carry this request (see should_probe and idle_connection_is_usable).
    bool reusable_for(bool idempotent) noexcept {
        if (!is_open()) return false;
        if (!should_probe(idempotent, last_exchange_end_, std::chrono::steady_clock::now())) return true;
        return idle_connection_is_usable(tcp_layer().socket(), tls_ ? tls_->native_handle() : nullptr, buffer_);
    }

    /// Records that an exchange just completed and the connection stays open.
    void exchange_completed() noexcept { last_exchange_end_ = std::chrono::steady_clock::now(); }

    /// Drops the connection without a TLS close_notify: the peer sees the end of a complete exchange, which HTTP
    /// tolerates, and closing never waits on the network.
    void close() noexcept {
        if (tls_) tls_->next_layer().close();
        else if (plain_) plain_->close();
        buffer_.clear();
    }

    /// Cancellation: stops a pending resolve, connect or I/O (they complete with operation_aborted) and closes.
    /// The request in progress then ends instead of retrying or reconnecting.
    void abort() noexcept {
        aborted_ = true;
        resolver_.cancel();
        close();
    }
    bool aborted() const noexcept { return aborted_; }
    /// Makes an aborted slot usable by the next request.
    void rearm() noexcept {
        aborted_ = false;
        request_started_ = false;
    }

    /// The request of the current exchange is being (or was) written: a byte of it may have reached the server.
    void request_started() noexcept { request_started_ = true; }
    bool request_may_have_left() const noexcept { return request_started_; }

private:
    executor_type executor_;
    const connection_config& config_;
    tcp::resolver resolver_;
    std::optional<plain_stream> plain_;
    std::optional<tls_stream> tls_;
    boost::beast::flat_buffer buffer_;
    bool aborted_ = false;
    bool request_started_ = false;
    std::chrono::steady_clock::time_point last_exchange_end_{};
};

}  // namespace serverops::beast_detail

#endif
