// serverops CLI: where to connect and how, from the environment and the command line. Credentials come from the
// environment only; a base URL from --base-url wins over the environment's. TLS: --ca-file or, loudly,
// --insecure-skip-tls-verify. Per-request timeouts: the transport's defaults, or --request-timeout.
#ifndef SERVEROPS_CLI_CONNECTION_HPP
#define SERVEROPS_CLI_CONNECTION_HPP

#include "args.hpp"
#include "common.hpp"

#include <serverops/endpoint.hpp>
#include <serverops/session.hpp>
#include <serverops/transport_options.hpp>

#include <boost/asio/buffer.hpp>
#include <boost/asio/ssl/context.hpp>

#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

namespace serverops_cli {

/// The contents of a --ca-file: a readable regular file (at most 4 MiB) holding at least one PEM certificate that
/// OpenSSL loads as a trust anchor, as the TLS transport would. Otherwise nullopt and the reason in `why`.
inline std::optional<std::string> read_ca_file(const std::string& path, std::string& why) {
    const std::string named = "--ca-file '" + clip(path, 120) + "'";
    // O_NONBLOCK: opening a FIFO must not hang; the checks below then refuse it. fstat on the open file, so that
    // what is checked is what is read.
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) {
        why = named + ": " + std::strerror(errno);
        return std::nullopt;
    }
    constexpr std::size_t max_size = 4u << 20;
    struct stat st {};
    std::string pem;
    if (::fstat(fd, &st) != 0) why = named + ": " + std::strerror(errno);
    else if (S_ISDIR(st.st_mode)) why = named + " is a directory; give a PEM file of CA certificates";
    else if (!S_ISREG(st.st_mode)) why = named + " is not a regular file";
    else if (static_cast<std::uintmax_t>(st.st_size) > max_size) why = named + " is larger than 4 MiB";
    else {
        char buf[16384];
        for (;;) {
            const auto n = ::read(fd, buf, sizeof buf);
            if (n > 0 && pem.size() + static_cast<std::size_t>(n) <= max_size) {
                pem.append(buf, static_cast<std::size_t>(n));
                continue;
            }
            if (n < 0 && errno == EINTR) continue;
            if (n < 0) why = named + ": " + std::strerror(errno);
            else if (n > 0) why = named + " is larger than 4 MiB";
            break;
        }
    }
    ::close(fd);
    if (!why.empty()) return std::nullopt;

    SSL_CTX* native = ::SSL_CTX_new(::TLS_client_method());
    if (native == nullptr) {
        why = "cannot check " + named + ": OpenSSL is not usable";
        return std::nullopt;
    }
    boost::asio::ssl::context ctx(native);  // takes ownership
    boost::system::error_code ec;
    ctx.add_certificate_authority(boost::asio::buffer(pem), ec);
    X509_STORE* store = ::SSL_CTX_get_cert_store(native);
    if (ec || store == nullptr || sk_X509_OBJECT_num(::X509_STORE_get0_objects(store)) <= 0) {
        why = named + " holds no valid PEM certificate";
        return std::nullopt;
    }
    return pem;
}

/// Everything a client command needs to reach its API, or a usage error.
struct connection {
    std::string base_url;
    serverops::endpoint endpoint;
    serverops::transport_options transport;
    std::string error;  ///< non-empty: a usage/configuration error (exit 2); never contains a secret

    /// Session options under which every library call (its login, retries and Retry-After pauses included) ends
    /// within --request-timeout: one figure bounds each call of a command.
    template <class Options = serverops::session_options>
    Options session_options() const {
        Options o;
        o.call_timeout = transport.request_timeout;
        return o;
    }
};

/// Reads the base URL (--base-url, else `env_var`, else `fallback`) and the TLS options. The URL itself is not
/// echoed in errors: a mistyped one could carry a password in its user-info.
inline connection make_connection(const command_line& cl, const char* env_var, std::string_view fallback) {
    connection c;
    std::string source = "--base-url";
    if (auto v = cl.value("--base-url")) {
        c.base_url = *v;
    } else if (auto e = env(env_var)) {
        c.base_url = *e;
        source = env_var;
    } else if (!fallback.empty()) {
        c.base_url = std::string(fallback);
        source = "the default";
    } else {
        c.error = std::string("no base URL: set ") + env_var + " or pass --base-url";
        return c;
    }
    auto ep = serverops::parse_endpoint(c.base_url);
    if (!ep) {
        c.error = "invalid base URL from " + source + ": " + ep.error().detail;
        return c;
    }
    c.endpoint = std::move(ep).value();

    auto ca = cl.value("--ca-file");
    const bool insecure = cl.has("--insecure-skip-tls-verify");
    if (ca && insecure) {
        c.error = "--ca-file and --insecure-skip-tls-verify exclude each other";
        return c;
    }
    if (ca) {
        // Checked now, so that a bad file is a usage error before any request (not a TLS failure at the first one);
        // the bytes checked are the bytes the transport trusts.
        auto pem = read_ca_file(*ca, c.error);
        if (!pem) return c;
        c.transport.tls.ca_pem = std::move(*pem);
    }
    if (auto t = cl.value("--request-timeout")) {
        auto v = parse_seconds(*t);
        if (!v) {
            c.error = "--request-timeout needs a positive number of seconds (e.g. 30 or 2.5), at most a week";
            return c;
        }
        // Every request is bounded by it, its connection and TLS handshake included.
        c.transport.request_timeout = *v;
        c.transport.connect_timeout = std::min(c.transport.connect_timeout, *v);
        c.transport.tls_handshake_timeout = std::min(c.transport.tls_handshake_timeout, *v);
    }
    if (insecure) {
        c.transport.tls.insecure_skip_tls_verify = true;
        report("WARNING: --insecure-skip-tls-verify: the server's certificate and host name are NOT verified; anyone "
               "on the network path can read or change this traffic, credentials included");
    }
    return c;
}

}  // namespace serverops_cli

#endif
