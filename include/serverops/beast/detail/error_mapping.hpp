// Turns the error_code of a failed step into a serverops::error: kind by step and code, `cause` = the code,
// `detail` = where it happened. Details hold host, port and limits only, never header values or bodies.
#ifndef SERVEROPS_BEAST_DETAIL_ERROR_MAPPING_HPP
#define SERVEROPS_BEAST_DETAIL_ERROR_MAPPING_HPP

#include <serverops/endpoint.hpp>
#include <serverops/error.hpp>
#include <serverops/transport_options.hpp>

#include <boost/asio/error.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/error.hpp>

#include <chrono>
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

/// `tls_reason` explains a failed handshake (certificate verification result), empty when unknown.
inline error map_step_error(step s, error_code ec, const endpoint& ep, const transport_options& opts,
                            std::string_view tls_reason = {}) {
    if (ec == boost::asio::error::operation_aborted)
        return with_cause(errc::cancelled, ec, "the operation was cancelled");
    const bool timed_out = ec == boost::beast::error::timeout;
    switch (s) {
    case step::resolve:
        return with_cause(errc::transport_failure, ec, "could not resolve host '" + ep.host + "'");
    case step::connect:
        if (timed_out)
            return with_cause(errc::timeout, ec, "connecting to " + where(ep) + " took longer than " +
                                                     millis(opts.connect_timeout));
        return with_cause(errc::transport_failure, ec, "could not connect to " + where(ep));
    case step::tls_handshake: {
        if (timed_out)
            return with_cause(errc::timeout, ec, "TLS handshake with " + where(ep) + " took longer than " +
                                                     millis(opts.tls_handshake_timeout));
        std::string detail = "TLS handshake with " + where(ep) + " failed";
        if (!tls_reason.empty()) {
            detail += ": ";
            detail += tls_reason;
        }
        return with_cause(errc::tls_failure, ec, std::move(detail));
    }
    case step::write:
    case step::read:
        break;
    }
    const char* doing = s == step::write ? "sending the request to " : "reading the response from ";
    if (timed_out)
        return with_cause(errc::timeout, ec, "request to " + where(ep) + " took longer than " +
                                                 millis(opts.request_timeout) + " (write and read together)");
    if (ec == boost::beast::http::error::body_limit)
        return with_cause(errc::body_too_large, ec,
                          "response body from " + where(ep) + " exceeds " +
                              std::to_string(opts.max_response_body) + " bytes");
    if (ec == boost::beast::http::error::header_limit || ec == boost::beast::http::error::buffer_overflow)
        return with_cause(errc::body_too_large, ec,
                          "response header from " + where(ep) + " exceeds " +
                              std::to_string(opts.max_response_header) + " bytes");
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
