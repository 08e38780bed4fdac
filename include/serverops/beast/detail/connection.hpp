// One HTTP/1.1 connection slot: plain or TLS stream, resolver and read buffer. The slot outlives the sockets it
// opens: a failed or closed connection is replaced by fresh stream objects on the next request.
#ifndef SERVEROPS_BEAST_DETAIL_CONNECTION_HPP
#define SERVEROPS_BEAST_DETAIL_CONNECTION_HPP

#include <serverops/beast/detail/error_mapping.hpp>
#include <serverops/beast/detail/tls_setup.hpp>
#include <serverops/endpoint.hpp>
#include <serverops/error.hpp>
#include <serverops/transport_options.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/socket_base.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>

#include <openssl/bio.h>
#include <openssl/ssl.h>

#include <memory>
#include <optional>

namespace serverops::beast_detail {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

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

    /// Non-blocking check that an idle keep-alive connection is still usable: no pending bytes anywhere (a server
    /// says nothing unasked, so bytes mean a close_notify, a 408 or garbage) and no EOF/error on the socket.
    bool probe_alive() {
        if (!is_open() || buffer_.size() != 0) return false;
        if (tls_) {
            SSL* ssl = tls_->native_handle();
            if (SSL_pending(ssl) > 0 || BIO_ctrl_pending(SSL_get_rbio(ssl)) > 0) return false;
        }
        auto& socket = tcp_layer().socket();
        error_code ec;
        socket.non_blocking(true, ec);
        if (ec) return false;
        char byte = 0;
        socket.receive(asio::buffer(&byte, 1), asio::socket_base::message_peek, ec);
        error_code restore_ec;
        socket.non_blocking(false, restore_ec);
        return ec == asio::error::would_block && !restore_ec;
    }

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
    void rearm() noexcept { aborted_ = false; }

private:
    executor_type executor_;
    const connection_config& config_;
    tcp::resolver resolver_;
    std::optional<plain_stream> plain_;
    std::optional<tls_stream> tls_;
    boost::beast::flat_buffer buffer_;
    bool aborted_ = false;
};

}  // namespace serverops::beast_detail

#endif
