// The sync transport's connection slot: opens (resolve, timed connect, TLS handshake under a deadline), probes
// and closes one keep-alive connection whose streams do blocking I/O through deadline_socket.
#ifndef SERVEROPS_BEAST_DETAIL_SYNC_CONNECTION_HPP
#define SERVEROPS_BEAST_DETAIL_SYNC_CONNECTION_HPP

#include <serverops/beast/detail/connection_config.hpp>
#include <serverops/beast/detail/deadline_socket.hpp>
#include <serverops/beast/detail/error_mapping.hpp>
#include <serverops/beast/detail/probe.hpp>
#include <serverops/beast/detail/tls_setup.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>

#include <chrono>
#include <optional>
#include <string>

namespace serverops::beast_detail {

using tcp = boost::asio::ip::tcp;

class sync_connection {
public:
    using tls_stream = ssl::stream<deadline_socket>;

    explicit sync_connection(const connection_config& cfg) : config_(cfg) {}
    sync_connection(const sync_connection&) = delete;
    sync_connection& operator=(const sync_connection&) = delete;

    const connection_config& config() const noexcept { return config_; }
    boost::beast::flat_buffer& buffer() noexcept { return buffer_; }

    bool is_open() noexcept { return (tls_ || plain_) && socket().is_open(); }

    /// Whether the open connection may carry this request (see should_probe and idle_connection_is_usable).
    bool reusable_for(bool idempotent) noexcept {
        if (!is_open()) return false;
        if (!should_probe(idempotent, last_exchange_end_, std::chrono::steady_clock::now())) return true;
        return idle_connection_is_usable(socket(), tls_ ? tls_->native_handle() : nullptr, buffer_);
    }

    /// Records that an exchange just completed and the connection stays open.
    void exchange_completed() noexcept { last_exchange_end_ = std::chrono::steady_clock::now(); }

    /// Resolves, connects within connect_timeout and, for TLS, handshakes within tls_handshake_timeout, each capped
    /// by `deadline` (a step that would start after it fails at once with errc::timeout). Name resolution blocks in
    /// getaddrinfo, as documented in transport_options.
    std::optional<error> open(const std::optional<std::chrono::steady_clock::time_point>& deadline) {
        close();
        const auto& target = config_.target;
        const auto& opts = config_.options;
        if (deadline && *deadline <= std::chrono::steady_clock::now())
            return deadline_passed_before(step::resolve, target);
        error_code ec;
        auto endpoints = resolver_.resolve(target.host, target.port, ec);
        if (ec) return map_step_error(step::resolve, ec, target, opts);

        // Beast's timed connect tries every address within one deadline; it runs once per connection, so the
        // private io_context's cost does not matter here.
        auto bound = bound_step(opts.connect_timeout, deadline);
        if (bound.expiry <= std::chrono::steady_clock::now()) return deadline_passed_before(step::connect, target);
        boost::beast::tcp_stream connecting(io_);
        connecting.expires_at(bound.expiry);
        connecting.async_connect(endpoints, [&ec](error_code e, const tcp::endpoint&) { ec = e; });
        io_.restart();
        io_.run();
        if (ec) return map_step_error(step::connect, ec, target, opts, {bound.by_caller_deadline, 0, {}});

        deadline_socket socket(connecting.release_socket(), ec);
        if (ec) return map_step_error(step::connect, ec, target, opts);
        if (!target.tls) {
            plain_.emplace(std::move(socket));
            return std::nullopt;
        }
        auto& tls = tls_.emplace(std::move(socket), *config_.tls_context);
        ec = prepare_tls_stream(tls, target.host, opts.tls);
        if (ec) {
            close();
            return with_cause(errc::tls_failure, ec, "could not prepare the TLS stream");
        }
        bound = bound_step(opts.tls_handshake_timeout, deadline);
        tls.next_layer().expires_at(bound.expiry);  // one already passed fails the first I/O with a timeout
        tls.handshake(ssl::stream_base::client, ec);
        if (ec) {
            const auto reason = describe_tls_failure(tls.native_handle(), target.host);
            close();
            return map_step_error(step::tls_handshake, ec, target, opts, {bound.by_caller_deadline, 0, reason});
        }
        return std::nullopt;
    }

    /// Bounds the reads and writes that follow.
    void expires_at(deadline_socket::clock::time_point t) noexcept {
        if (tls_) tls_->next_layer().expires_at(t);
        else if (plain_) plain_->expires_at(t);
    }

    /// Calls `f` with the stream in use (instantiated for both stream types). Only after a successful `open`.
    template <class F>
    void with_stream(F&& f) {
        if (tls_) f(*tls_);
        else f(*plain_);
    }

    /// Drops the connection without a TLS close_notify (the peer sees the end of a complete exchange, which HTTP
    /// tolerates), so closing never waits on the network. Fresh stream objects are made by the next `open`: an
    /// SSL stream cannot be reused after its session ended.
    void close() noexcept {
        tls_.reset();
        plain_.reset();
        buffer_.clear();
    }

private:
    tcp::socket& socket() noexcept { return tls_ ? tls_->next_layer().socket() : plain_->socket(); }

    const connection_config& config_;
    boost::asio::io_context io_{1};  // connect only
    tcp::resolver resolver_{io_};
    std::optional<deadline_socket> plain_;
    std::optional<tls_stream> tls_;
    boost::beast::flat_buffer buffer_;
    std::chrono::steady_clock::time_point last_exchange_end_{};
};

}  // namespace serverops::beast_detail

#endif
