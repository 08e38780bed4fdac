// Turns the error_code of a failed step into a serverops::error: kind by step and code, `cause` = the code,
// `detail` = where it happened. Details hold host, port and limits only, never header values or bodies.
#ifndef SERVEROPS_BEAST_DETAIL_ERROR_MAPPING_HPP
#define SERVEROPS_BEAST_DETAIL_ERROR_MAPPING_HPP

#include <serverops/beast/detail/messages.hpp>
#include <serverops/endpoint.hpp>
#include <serverops/error.hpp>
#include <serverops/transport_options.hpp>

#include <boost/asio/error.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/error.hpp>

#include <algorithm>
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace serverops::beast_detail {

using boost::system::error_code;

enum class step { resolve, connect, tls_handshake, write, read };

/// The peer went away (cleanly or not). Before any response byte, this is how a stale keep-alive connection shows.
inline bool is_peer_closed(error_code ec) noexcept {
    namespace net = boost::asio::error;
    return ec == net::eof || ec == boost::beast::http::error::end_of_stream ||
           ec == boost::beast::http::error::partial_message || ec == net::connection_reset ||
           ec == net::connection_aborted || ec == net::broken_pipe || ec == net::not_connected ||
           ec == boost::asio::ssl::error::stream_truncated;
}

inline bool is_tls_error(error_code ec) noexcept {
    return ec.category() == boost::asio::error::get_ssl_category() ||
           ec.category() == boost::asio::ssl::error::get_stream_category();
}

inline error with_cause(errc kind, error_code cause, std::string detail) {
    error e(kind, std::move(detail));
    e.cause = cause;
    return e;
}

inline std::string millis(std::chrono::milliseconds d) { return std::to_string(d.count()) + " ms"; }

inline std::string where(const endpoint& ep) {
    return (ep.host.find(':') != std::string::npos ? "[" + ep.host + "]" : ep.host) + ":" + ep.port;
}

/// The expiry of one step (connect, TLS handshake, or write and read together): its transport timeout from `now`,
/// capped by the caller's deadline (http_request::deadline).
struct step_bound {
    std::chrono::steady_clock::time_point expiry;
    bool by_caller_deadline = false;  ///< the caller's deadline, not the transport timeout, ends the step
};

inline step_bound bound_step(std::chrono::milliseconds timeout,
                             const std::optional<std::chrono::steady_clock::time_point>& deadline,
                             std::chrono::steady_clock::time_point now = std::chrono::steady_clock::now()) {
    using clock = std::chrono::steady_clock;
    const auto room = clock::time_point::max() - now;  // a huge timeout saturates instead of overflowing
    const auto wanted = std::chrono::duration_cast<clock::duration>(std::max(timeout, std::chrono::milliseconds(0)));
    step_bound b{wanted >= room ? clock::time_point::max() : now + wanted, false};
    if (deadline && *deadline < b.expiry) b = {*deadline, true};
    return b;
}

/// How a failed step is described: which bound ended it and which limits were in force.
struct step_context {
    bool by_caller_deadline = false;  ///< see step_bound
    std::size_t body_limit = 0;       ///< the body limit of the exchange; 0: the transport's
    std::string_view tls_reason;      ///< why a handshake failed (certificate verification), empty when unknown
};

inline const char* step_name(step s) noexcept {
    switch (s) {
    case step::resolve: return "resolving ";
    case step::connect: return "connecting to ";
    case step::tls_handshake: return "the TLS handshake with ";
    case step::write:
    case step::read: break;
    }
    return "sending the request to ";
}

/// The caller's deadline passed before step `s` began: nothing of it runs (before the write, nothing was sent).
inline error deadline_passed_before(step s, const endpoint& ep) {
    return error(errc::timeout, std::string("the caller's deadline passed before ") + step_name(s) + where(ep));
}

/// error::may_have_executed for a failure after a byte of the request may have been written; set only for
/// non-idempotent requests.
inline error mark_if_sent(error e, bool request_may_have_left, bool idempotent) {
    e.may_have_executed = request_may_have_left && !idempotent;
    return e;
}

inline error map_step_error(step s, error_code ec, const endpoint& ep, const transport_options& opts,
                            const step_context& ctx = {}) {
    if (ec == boost::asio::error::operation_aborted)
        return with_cause(errc::cancelled, ec, "the operation was cancelled");
    const bool timed_out = ec == boost::beast::error::timeout;
    const auto timeout_detail = [&](std::string what, std::chrono::milliseconds limit, std::string_view suffix = {}) {
        if (ctx.by_caller_deadline) what += " did not finish by the caller's deadline";
        else what += " took longer than " + millis(limit);
        what += suffix;
        return with_cause(errc::timeout, ec, std::move(what));
    };
    switch (s) {
    case step::resolve:
        return with_cause(errc::transport_failure, ec, "could not resolve host '" + ep.host + "'");
    case step::connect:
        if (timed_out) return timeout_detail("connecting to " + where(ep), opts.connect_timeout);
        return with_cause(errc::transport_failure, ec, "could not connect to " + where(ep));
    case step::tls_handshake: {
        if (timed_out) return timeout_detail("TLS handshake with " + where(ep), opts.tls_handshake_timeout);
        std::string detail = "TLS handshake with " + where(ep) + " failed";
        if (!ctx.tls_reason.empty()) {
            detail += ": ";
            detail += ctx.tls_reason;
        }
        return with_cause(errc::tls_failure, ec, std::move(detail));
    }
    case step::write:
    case step::read:
        break;
    }
    const char* doing = s == step::write ? "sending the request to " : "reading the response from ";
    if (timed_out) return timeout_detail("request to " + where(ep), opts.request_timeout, " (write and read together)");
    if (ec == boost::beast::http::error::body_limit)
        return with_cause(errc::body_too_large, ec,
                          "response body from " + where(ep) + " exceeds " +
                              std::to_string(ctx.body_limit != 0 ? ctx.body_limit : opts.max_response_body) +
                              " bytes");
    if (ec == boost::beast::http::error::header_limit || ec == boost::beast::http::error::buffer_overflow)
        return with_cause(errc::body_too_large, ec,
                          "response header from " + where(ep) + " exceeds " +
                              std::to_string(opts.max_response_header) + " bytes (interim responses included)");
    if (ec == make_error_code(read_error::too_many_interim_responses))
        return with_cause(errc::malformed_response, ec,
                          "response from " + where(ep) + " has more than " +
                              std::to_string(response_assembler::max_interim_responses) +
                              " interim (1xx) responses");
    if (is_peer_closed(ec))
        return with_cause(errc::connection_closed, ec, std::string("peer closed the connection while ") + doing +
                                                           where(ep));
    if (ec.category() == boost::beast::http::make_error_code(boost::beast::http::error::bad_version).category())
        return with_cause(errc::malformed_response, ec, "response from " + where(ep) + " is not valid HTTP/1.1");
    if (is_tls_error(ec)) return with_cause(errc::tls_failure, ec, std::string("TLS error while ") + doing + where(ep));
    return with_cause(errc::transport_failure, ec, std::string("I/O error while ") + doing + where(ep));
}

}  // namespace serverops::beast_detail

#endif
