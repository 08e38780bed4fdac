// Is an idle keep-alive connection still usable? Shared by the sync and async connection slots.
#ifndef SERVEROPS_BEAST_DETAIL_PROBE_HPP
#define SERVEROPS_BEAST_DETAIL_PROBE_HPP

#include <boost/asio/buffer.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/socket_base.hpp>
#include <boost/beast/core/flat_buffer.hpp>

#include <openssl/bio.h>
#include <openssl/ssl.h>

#include <chrono>

#if !defined(_WIN32)
#include <cerrno>
#include <sys/socket.h>
#endif

namespace serverops::beast_detail {

/// An idempotent request reuses a connection whose last exchange ended less than this ago without probing it: no
/// idle timeout can have run out in between (servers use seconds), and a close in that window is covered by the one
/// fresh-connection retry of idempotent requests. Non-idempotent requests, which are never resent, always probe.
inline constexpr std::chrono::milliseconds unprobed_reuse_window{10};

inline bool should_probe(bool idempotent, std::chrono::steady_clock::time_point last_exchange_end,
                         std::chrono::steady_clock::time_point now) noexcept {
    return !idempotent || now - last_exchange_end >= unprobed_reuse_window;
}

/// Non-blocking check before reuse: no pending bytes anywhere (a server says nothing unasked, so bytes mean a
/// close_notify, a 408 or garbage) and no EOF or error on the socket. `ssl` is null for plain connections.
/// One syscall on POSIX (a MSG_DONTWAIT peek, whatever the socket's mode); Windows toggles non-blocking mode.
inline bool idle_connection_is_usable(boost::asio::ip::tcp::socket& socket, SSL* ssl,
                                      const boost::beast::flat_buffer& read_buffer) noexcept {
    if (!socket.is_open() || read_buffer.size() != 0) return false;
    if (ssl != nullptr && (SSL_pending(ssl) > 0 || BIO_ctrl_pending(SSL_get_rbio(ssl)) > 0)) return false;
    char byte = 0;
#if !defined(_WIN32)
    for (;;) {
        const auto n = ::recv(socket.native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
        if (n >= 0) return false;  // 0: the peer closed; >0: unexpected bytes
        if (errno == EINTR) continue;
        return errno == EAGAIN || errno == EWOULDBLOCK;
    }
#else
    boost::system::error_code ec;
    const bool was_non_blocking = socket.non_blocking();
    socket.non_blocking(true, ec);
    if (ec) return false;
    socket.receive(boost::asio::buffer(&byte, 1), boost::asio::socket_base::message_peek, ec);
    boost::system::error_code restore_ec;
    socket.non_blocking(was_non_blocking, restore_ec);
    return ec == boost::asio::error::would_block && !restore_ec;
#endif
}

}  // namespace serverops::beast_detail

#endif
