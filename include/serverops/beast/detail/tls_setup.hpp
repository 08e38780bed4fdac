// TLS client setup: one context per transport (trust anchors, TLS >= 1.2), then per stream SNI and host-name
// verification. Verification is on unless tls_options::insecure_skip_tls_verify says otherwise.
#ifndef SERVEROPS_BEAST_DETAIL_TLS_SETUP_HPP
#define SERVEROPS_BEAST_DETAIL_TLS_SETUP_HPP

#include <serverops/beast/detail/error_mapping.hpp>
#include <serverops/error.hpp>
#include <serverops/transport_options.hpp>

#include <boost/asio/buffer.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/ssl/verify_context.hpp>

#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>

#include <memory>
#include <string>

namespace serverops::beast_detail {

namespace ssl = boost::asio::ssl;

/// Built from a native handle, not with ssl::context(method), which reports failure by exception.
inline result<std::shared_ptr<ssl::context>> make_tls_context(const tls_options& tls) {
    SSL_CTX* native = SSL_CTX_new(TLS_client_method());
    if (native == nullptr) return failure(errc::tls_failure, "could not create an OpenSSL client context");
    auto ctx = std::make_shared<ssl::context>(native);  // takes ownership
    SSL_CTX_set_min_proto_version(native, TLS1_2_VERSION);

    error_code ec;
    if (tls.insecure_skip_tls_verify) {
        ctx->set_verify_mode(ssl::verify_none, ec);
        return ctx;
    }
    if (!tls.ca_pem.empty()) {
        ctx->add_certificate_authority(boost::asio::buffer(tls.ca_pem), ec);
        if (ec) return failure(with_cause(errc::tls_failure, ec, "could not load CA certificates from ca_pem"));
    }
    if (!tls.ca_file.empty()) {
        ctx->load_verify_file(tls.ca_file, ec);
        if (ec) return failure(with_cause(errc::tls_failure, ec, "could not load CA file '" + tls.ca_file + "'"));
    }
    if (tls.ca_pem.empty() && tls.ca_file.empty()) {
        ctx->set_default_verify_paths(ec);
        if (ec) return failure(with_cause(errc::tls_failure, ec, "could not load the system trust store"));
    }
    ctx->set_verify_mode(ssl::verify_peer, ec);
    if (ec) return failure(with_cause(errc::tls_failure, ec, "could not enable peer verification"));
    return ctx;
}

inline bool is_ip_address(const std::string& host) {
    error_code ec;
    (void)boost::asio::ip::make_address(host, ec);
    return !ec;
}

/// Asio's host-name check, which also records a mismatch as X509_V_ERR_HOSTNAME_MISMATCH so that the failed
/// handshake can say why (a plain `false` from the callback leaves the verify result at "ok").
class recording_host_verifier {
public:
    explicit recording_host_verifier(std::string host) : check_(host) {}
    bool operator()(bool preverified, ssl::verify_context& ctx) const {
        if (check_(preverified, ctx)) return true;
        if (preverified) X509_STORE_CTX_set_error(ctx.native_handle(), X509_V_ERR_HOSTNAME_MISMATCH);
        return false;
    }

private:
    ssl::host_name_verification check_;
};

/// Per-connection settings: SNI (names only, RFC 6066 forbids addresses) and the host-name check.
template <class NextLayer>
error_code prepare_tls_stream(ssl::stream<NextLayer>& stream, const std::string& host, const tls_options& tls) {
    error_code ec;
    if (!is_ip_address(host) && SSL_set_tlsext_host_name(stream.native_handle(), host.c_str()) != 1)
        return error_code(static_cast<int>(::ERR_get_error()), boost::asio::error::get_ssl_category());
    if (!tls.insecure_skip_tls_verify) stream.set_verify_callback(recording_host_verifier(host), ec);
    return ec;
}

/// Why the peer's certificate was rejected, e.g. "certificate verify failed: hostname mismatch (...)".
inline std::string describe_tls_failure(SSL* ssl, const std::string& host) {
    const long verdict = SSL_get_verify_result(ssl);
    if (verdict == X509_V_OK) return {};
    std::string out = "certificate verify failed: ";
    out += X509_verify_cert_error_string(verdict);
    if (verdict == X509_V_ERR_HOSTNAME_MISMATCH) out += " (the certificate is not valid for '" + host + "')";
    return out;
}

}  // namespace serverops::beast_detail

#endif
