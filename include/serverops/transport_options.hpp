// Settings shared by the HTTP transports. Plain values only: including this costs no Asio/Beast.
#ifndef SERVEROPS_TRANSPORT_OPTIONS_HPP
#define SERVEROPS_TRANSPORT_OPTIONS_HPP

#include <chrono>
#include <cstddef>
#include <string>

namespace serverops {

/// How a TLS peer is authenticated. By default the certificate chain is verified against the system trust store
/// and the certificate must match the endpoint's host name (SNI is sent for names, not for IP addresses).
struct tls_options {
    std::string ca_file;  ///< PEM file of trusted CAs; replaces the system trust store when set
    std::string ca_pem;   ///< PEM text of trusted CAs (one or more); replaces the system trust store when set
    /// Accepts any certificate for any name. Only for lab equipment you cannot fix; the connection is then
    /// encrypted but not authenticated, so anyone on the path can read the credentials sent over it.
    bool insecure_skip_tls_verify = false;
};

struct transport_options {
    /// Bounds the TCP connect (all resolved addresses together). Name resolution itself is bounded by the
    /// system resolver's own settings: getaddrinfo cannot be interrupted.
    std::chrono::milliseconds connect_timeout = std::chrono::seconds(10);
    std::chrono::milliseconds tls_handshake_timeout = std::chrono::seconds(10);
    /// Bounds writing the request and reading the whole response, together.
    std::chrono::milliseconds request_timeout = std::chrono::seconds(30);
    /// A response body above this fails with errc::body_too_large; nothing larger is ever buffered.
    std::size_t max_response_body = 8u * 1024u * 1024u;
    /// Limit of the status line plus all response headers (same error as the body limit).
    std::size_t max_response_header = 64u * 1024u;
    std::string user_agent = "serverops/0.1";
    /// Async transport only: keep-alive connections in its pool; further concurrent calls wait in FIFO order.
    std::size_t max_connections = 4;
    tls_options tls;
};

}  // namespace serverops

#endif
