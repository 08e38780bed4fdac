// A connected TCP socket for blocking I/O under a deadline. Beast's sync read/write (and asio::ssl::stream on top)
// use it as a plain SyncReadStream/SyncWriteStream; the deadline is enforced by the kernel through SO_RCVTIMEO and
// SO_SNDTIMEO, re-armed only when the time left could be overrun.
//
// Why not timed async operations on a private io_context, or poll() before each read? Both add system calls to
// every exchange (a reactor round with epoll_wait and timerfd updates, or one poll per wait); here a call costs what
// a plain blocking Beast loop costs: one send and one receive (benchmarks/RESULTS.md).
//
// Asio's own blocking reads cannot be used: when a socket timeout fires they wait again without limit. So the
// system calls are made directly (POSIX).
#ifndef SERVEROPS_BEAST_DETAIL_DEADLINE_SOCKET_HPP
#define SERVEROPS_BEAST_DETAIL_DEADLINE_SOCKET_HPP

#if defined(_WIN32)
#error "serverops' sync transport needs POSIX sockets; on Windows use beast_async_transport"
#endif

#include <boost/asio/buffer.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/system/error_code.hpp>

#include <cerrno>
#include <chrono>
#include <cstddef>

#include <sys/socket.h>
#include <sys/time.h>
#include <sys/uio.h>

namespace serverops::beast_detail {

class deadline_socket {
public:
    using clock = std::chrono::steady_clock;
    using socket_type = boost::asio::ip::tcp::socket;
    using lowest_layer_type = socket_type::lowest_layer_type;
    using executor_type = socket_type::executor_type;
    using error_code = boost::system::error_code;

    /// Takes a connected socket and puts it in blocking mode (Asio's async connect left it non-blocking).
    deadline_socket(socket_type socket, error_code& ec) : socket_(std::move(socket)) {
        socket_.non_blocking(false, ec);
#if !defined(MSG_NOSIGNAL) && defined(SO_NOSIGPIPE)
        if (!ec) {
            int on = 1;
            if (::setsockopt(socket_.native_handle(), SOL_SOCKET, SO_NOSIGPIPE, &on, sizeof on) != 0)
                ec = error_code(errno, boost::system::system_category());
        }
#endif
    }

    executor_type get_executor() noexcept { return socket_.get_executor(); }
    lowest_layer_type& lowest_layer() noexcept { return socket_.lowest_layer(); }
    socket_type& socket() noexcept { return socket_; }

    /// Bounds every following read and write; one still waiting at `t` fails with beast::error::timeout.
    void expires_at(clock::time_point t) noexcept { deadline_ = t; }

    template <class MutableBufferSequence>
    std::size_t read_some(const MutableBufferSequence& buffers, error_code& ec) {
        // Filling the first non-empty buffer satisfies read_some; Beast and OpenSSL read into one buffer anyway.
        boost::asio::mutable_buffer target;
        for (auto it = boost::asio::buffer_sequence_begin(buffers); it != boost::asio::buffer_sequence_end(buffers);
             ++it) {
            target = *it;
            if (target.size() != 0) break;
        }
        ec = {};
        if (target.size() == 0) return 0;
        for (;;) {
            if (!arm(SO_RCVTIMEO, armed_receive_, ec)) return 0;
            const auto n = ::recv(socket_.native_handle(), target.data(), target.size(), 0);
            if (n > 0) return static_cast<std::size_t>(n);
            if (n == 0) {
                ec = boost::asio::error::eof;
                return 0;
            }
            if (!retry_after(errno, ec)) return 0;
        }
    }

    template <class ConstBufferSequence>
    std::size_t write_some(const ConstBufferSequence& buffers, error_code& ec) {
        constexpr std::size_t max_pieces = 16;  // serverops writes one buffer; longer sequences go 16 pieces at a time
        ::iovec pieces[max_pieces];
        std::size_t count = 0;
        for (auto it = boost::asio::buffer_sequence_begin(buffers);
             it != boost::asio::buffer_sequence_end(buffers) && count < max_pieces; ++it) {
            boost::asio::const_buffer b = *it;
            if (b.size() == 0) continue;
            pieces[count++] = ::iovec{const_cast<void*>(b.data()), b.size()};
        }
        ec = {};
        if (count == 0) return 0;
        ::msghdr message{};
        message.msg_iov = pieces;
        message.msg_iovlen = count;
#if defined(MSG_NOSIGNAL)
        constexpr int flags = MSG_NOSIGNAL;  // a closed peer is an EPIPE error, not a SIGPIPE
#else
        constexpr int flags = 0;  // SO_NOSIGPIPE, set in the constructor
#endif
        for (;;) {
            if (!arm(SO_SNDTIMEO, armed_send_, ec)) return 0;
            const auto n = ::sendmsg(socket_.native_handle(), &message, flags);
            if (n >= 0) return static_cast<std::size_t>(n);
            if (!retry_after(errno, ec)) return 0;
        }
    }

    // Beast's SyncReadStream/SyncWriteStream checks also ask for the throwing forms. They are declared for those
    // checks only and never defined: serverops reports errors as results, so a call to them fails to link.
    template <class MutableBufferSequence>
    std::size_t read_some(const MutableBufferSequence& buffers);
    template <class ConstBufferSequence>
    std::size_t write_some(const ConstBufferSequence& buffers);

private:
    using micros = std::chrono::microseconds;

    /// After a failed send/receive: true to try again (interrupted, or the socket timeout fired and the loop
    /// re-checks the deadline), false with `ec` set otherwise.
    static bool retry_after(int error_number, error_code& ec) {
        if (error_number == EINTR || error_number == EAGAIN || error_number == EWOULDBLOCK) return true;
        ec = error_code(error_number, boost::system::system_category());
        return false;
    }

    /// Makes sure the kernel cannot block past the deadline. The socket timeout is changed only when the one set
    /// could overrun the time left, or is far shorter than it (then the loop would wake up often for nothing).
    /// Values are rounded down to whole granules so that back-to-back requests with the same timeout find the
    /// previous value still good: no system call in the steady state.
    bool arm(int option, micros& armed, error_code& ec) {
        const auto left = std::chrono::floor<micros>(deadline_ - clock::now());
        if (left <= micros::zero()) {
            ec = boost::beast::error::timeout;
            return false;
        }
        if (armed != micros::zero() && armed <= left && armed >= left / 4) return true;
        constexpr micros granule = std::chrono::milliseconds(10);
        const micros want = left >= 2 * granule ? left - left % granule : left;
        ::timeval tv{};
        tv.tv_sec = static_cast<decltype(tv.tv_sec)>(want.count() / 1000000);
        tv.tv_usec = static_cast<decltype(tv.tv_usec)>(want.count() % 1000000);
        if (::setsockopt(socket_.native_handle(), SOL_SOCKET, option, &tv, sizeof tv) != 0) {
            ec = error_code(errno, boost::system::system_category());
            return false;
        }
        armed = want;
        return true;
    }

    socket_type socket_;
    clock::time_point deadline_ = clock::now();  // set before use; "already passed" if forgotten
    micros armed_receive_{0};                    // zero: no socket timeout set yet (the kernel would wait forever)
    micros armed_send_{0};
};

}  // namespace serverops::beast_detail

#endif
