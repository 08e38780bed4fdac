// TLS for the emulator: the server's certificate and key, and a disposable self-signed pair for tests, so no key
// material has to live in the repository.
#ifndef SERVEROPS_TESTING_EMULATOR_TLS_HPP
#define SERVEROPS_TESTING_EMULATOR_TLS_HPP

#include <serverops/error.hpp>

#include <boost/asio/buffer.hpp>
#include <boost/asio/ssl/context.hpp>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <chrono>
#include <memory>
#include <random>
#include <string>
#include <string_view>

namespace serverops::testing {

/// PEM text of the server certificate (chain, leaf first) and its private key.
struct tls_config {
    std::string certificate_chain_pem;
    std::string private_key_pem;  ///< secret of the test server only
};

namespace emulator_detail {
struct openssl_free {
    void operator()(EVP_PKEY* p) const noexcept { EVP_PKEY_free(p); }
    void operator()(EVP_PKEY_CTX* p) const noexcept { EVP_PKEY_CTX_free(p); }
    void operator()(X509* p) const noexcept { X509_free(p); }
    void operator()(X509_EXTENSION* p) const noexcept { X509_EXTENSION_free(p); }
    void operator()(BIO* p) const noexcept { BIO_free(p); }
};
template <class T>
using openssl_ptr = std::unique_ptr<T, openssl_free>;

inline std::string bio_text(BIO* bio) {
    char* data = nullptr;
    const long n = BIO_get_mem_data(bio, &data);
    return n > 0 && data ? std::string(data, static_cast<std::size_t>(n)) : std::string();
}

inline bool add_extension(X509* cert, int nid, const char* value) {
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
    openssl_ptr<X509_EXTENSION> ext(X509V3_EXT_conf_nid(nullptr, &ctx, nid, value));
    return ext && X509_add_ext(cert, ext.get(), -1) == 1;
}
}  // namespace emulator_detail

/// A fresh P-256 key and a self-signed certificate for `common_name`, valid from an hour ago for `validity`,
/// with subjectAltName localhost, 127.0.0.1 and ::1. Clients trust it by loading `certificate_chain_pem` as CA.
inline result<tls_config> make_self_signed_tls(std::string_view common_name = "localhost",
                                               std::chrono::hours validity = std::chrono::hours(24)) {
    using emulator_detail::openssl_ptr;
    auto fail = [](const char* what) { return failure(errc::tls_failure, std::string("self-signed certificate: ") + what); };

    openssl_ptr<EVP_PKEY_CTX> kctx(EVP_PKEY_CTX_new_id(EVP_PKEY_EC, nullptr));
    EVP_PKEY* raw_key = nullptr;
    if (!kctx || EVP_PKEY_keygen_init(kctx.get()) != 1 ||
        EVP_PKEY_CTX_set_ec_paramgen_curve_nid(kctx.get(), NID_X9_62_prime256v1) != 1 ||
        EVP_PKEY_keygen(kctx.get(), &raw_key) != 1)
        return fail("key generation failed");
    openssl_ptr<EVP_PKEY> key(raw_key);

    openssl_ptr<X509> cert(X509_new());
    if (!cert) return fail("out of memory");
    std::random_device rd;
    const long serial = static_cast<long>(rd() & 0x7fffffffu) | 1;
    const std::string cn(common_name);
    X509_NAME* name = X509_get_subject_name(cert.get());
    if (X509_set_version(cert.get(), 2) != 1 || ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), serial) != 1 ||
        !X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600) ||
        !X509_gmtime_adj(X509_getm_notAfter(cert.get()), static_cast<long>(validity.count()) * 3600) ||
        X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>(cn.c_str()), -1,
                                   -1, 0) != 1 ||
        X509_set_issuer_name(cert.get(), name) != 1 || X509_set_pubkey(cert.get(), key.get()) != 1)
        return fail("certificate fields rejected");
    const std::string san = "DNS:" + cn + ",DNS:localhost,IP:127.0.0.1,IP:0:0:0:0:0:0:0:1";
    if (!emulator_detail::add_extension(cert.get(), NID_basic_constraints, "critical,CA:TRUE") ||
        !emulator_detail::add_extension(cert.get(), NID_subject_alt_name, san.c_str()) ||
        X509_sign(cert.get(), key.get(), EVP_sha256()) == 0)
        return fail("signing failed");

    openssl_ptr<BIO> cert_bio(BIO_new(BIO_s_mem()));
    openssl_ptr<BIO> key_bio(BIO_new(BIO_s_mem()));
    if (!cert_bio || !key_bio || PEM_write_bio_X509(cert_bio.get(), cert.get()) != 1 ||
        PEM_write_bio_PrivateKey(key_bio.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1)
        return fail("PEM encoding failed");
    return tls_config{emulator_detail::bio_text(cert_bio.get()), emulator_detail::bio_text(key_bio.get())};
}

/// Loads the certificate and key into a server context (TLS 1.2 and later).
inline result<void> configure_server_context(boost::asio::ssl::context& ctx, const tls_config& cfg) {
    namespace ssl = boost::asio::ssl;
    boost::system::error_code ec;
    ctx.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                        ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 | ssl::context::single_dh_use,
                    ec);
    if (!ec) ctx.use_certificate_chain(boost::asio::buffer(cfg.certificate_chain_pem), ec);
    if (!ec) ctx.use_private_key(boost::asio::buffer(cfg.private_key_pem), ssl::context::pem, ec);
    if (ec) {
        error e(errc::tls_failure, "cannot load the emulator's certificate or key");
        e.cause = ec;
        return failure(std::move(e));
    }
    return success();
}

}  // namespace serverops::testing

#endif
