// A tiny HTTP/1.1 server on loopback for transport tests. Each accepted connection follows a script: answer the
// next request with given bytes (after an optional delay), hang up, or close at once. It records every request
// and counts connections. Plain TCP or TLS (with certificates made at run time by make_test_pki).
#ifndef SERVEROPS_TESTS_SCRIPTED_SERVER_HPP
#define SERVEROPS_TESTS_SCRIPTED_SERVER_HPP

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace serverops_test {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using tcp = asio::ip::tcp;
using namespace std::chrono_literals;

// ---------------------------------------------------------------------------------------------------------------
// Responses

/// A complete response with Content-Length. `extra_headers` is raw "Name: value\r\n" lines.
inline std::string http_ok(std::string_view body = "{}", std::string_view extra_headers = {}, unsigned status = 200) {
    std::string out = "HTTP/1.1 " + std::to_string(status) + " Status\r\nContent-Type: application/json\r\n";
    out += "Content-Length: " + std::to_string(body.size()) + "\r\n";
    out += extra_headers;
    out += "\r\n";
    out += body;
    return out;
}

/// What the server does with one request.
struct reply {
    enum class action { respond, hang_up };
    action what = action::respond;
    std::string bytes;                   ///< written after the request was read
    std::chrono::milliseconds delay{0};  ///< before writing
    bool close_after = false;            ///< close once the bytes are written (truncates a body, for instance)
    std::chrono::milliseconds pace{0};   ///< when set, `bytes` go out one at a time, this long apart
    /// When set, written instead of `bytes`, one piece at a time, `pace` apart (a response split at chosen points).
    std::vector<std::string> pieces;
    bool reset_after = false;  ///< once the bytes are written, abort the connection (RST, not FIN)
    /// When set, written this long after the response, unasked (a server timing out an idle connection with a
    /// 408); the server then closes.
    std::string unsolicited;
    std::chrono::milliseconds unsolicited_after{0};

    static reply with(std::string bytes, bool close_after = false) {
        reply r;
        r.bytes = std::move(bytes);
        r.close_after = close_after;
        return r;
    }
    static reply trickled(std::chrono::milliseconds pace, std::string bytes = http_ok()) {
        reply r = with(std::move(bytes));
        r.pace = pace;
        return r;
    }
    static reply ok_then_unsolicited(std::chrono::milliseconds after, std::string bytes) {
        reply r = ok();
        r.unsolicited = std::move(bytes);
        r.unsolicited_after = after;
        return r;
    }
    static reply in_pieces(std::vector<std::string> pieces, std::chrono::milliseconds pause) {
        reply r;
        r.pieces = std::move(pieces);
        r.pace = pause;
        return r;
    }
    /// Writes `bytes`, then resets the connection.
    static reply then_reset(std::string bytes) {
        reply r = with(std::move(bytes));
        r.reset_after = true;
        return r;
    }
    static reply ok(std::string_view body = "{}") { return with(http_ok(body)); }
    static reply delayed(std::chrono::milliseconds d, std::string bytes = http_ok()) {
        reply r = with(std::move(bytes));
        r.delay = d;
        return r;
    }
    /// Reads the request, then closes without a byte of response.
    static reply hang_up() {
        reply r;
        r.what = action::hang_up;
        return r;
    }
};

struct received_request;

/// The life of one connection: `replies` in order; then `then` forever if set, else the server closes.
/// With `responder`, every request is answered by what it returns, forever.
struct connection_script {
    std::vector<reply> replies;
    std::optional<reply> then;
    bool close_on_accept = false;  ///< close before reading anything
    std::function<reply(const received_request&)> responder;
    bool never_read = false;  ///< accept, then read nothing until the client goes away (fills its send buffers)

    static connection_script keep_alive(reply r = reply::ok()) { return {{}, std::move(r), false, {}}; }
    static connection_script replies_then_close(std::vector<reply> rs) { return {std::move(rs), std::nullopt, false, {}}; }
    static connection_script closed_at_once() { return {{}, std::nullopt, true, {}}; }
    static connection_script by_request(std::function<reply(const received_request&)> f) {
        return {{}, std::nullopt, false, std::move(f)};
    }
    static connection_script deaf() { return {{}, std::nullopt, false, {}, true}; }
};

struct received_request {
    std::size_t connection = 0;  ///< 1-based accept order
    std::string method;
    std::string target;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;

    std::optional<std::string> header(std::string_view name) const {
        for (const auto& [k, v] : headers)
            if (boost::beast::iequals(k, name)) return v;
        return std::nullopt;
    }
};

// ---------------------------------------------------------------------------------------------------------------
// Certificates

struct test_pki {
    std::string ca_cert_pem;
    std::string server_chain_pem;  ///< leaf then CA, as real servers send it
    std::string server_key_pem;
};

namespace detail {
template <class T, void (*Free)(T*)>
struct openssl_deleter {
    void operator()(T* p) const { Free(p); }
};
using pkey_ptr = std::unique_ptr<EVP_PKEY, openssl_deleter<EVP_PKEY, EVP_PKEY_free>>;
using x509_ptr = std::unique_ptr<X509, openssl_deleter<X509, X509_free>>;
using bio_ptr = std::unique_ptr<BIO, openssl_deleter<BIO, BIO_free_all>>;

inline bool add_extension(X509* cert, X509* issuer, int nid, const std::string& value) {
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
    X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
    if (ext == nullptr) return false;
    const bool ok = X509_add_ext(cert, ext, -1) == 1;
    X509_EXTENSION_free(ext);
    return ok;
}

inline x509_ptr make_cert(const std::string& common_name, EVP_PKEY* key, X509* issuer, EVP_PKEY* issuer_key,
                          long serial, const std::vector<std::pair<int, std::string>>& extensions) {
    x509_ptr cert(X509_new());
    X509_set_version(cert.get(), 2);
    ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), serial);
    X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
    X509_gmtime_adj(X509_getm_notAfter(cert.get()), 24 * 3600);
    X509_set_pubkey(cert.get(), key);
    X509_NAME* name = X509_get_subject_name(cert.get());
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>(common_name.c_str()),
                               -1, -1, 0);
    X509* signer = issuer != nullptr ? issuer : cert.get();
    X509_set_issuer_name(cert.get(), X509_get_subject_name(signer));
    for (const auto& [nid, value] : extensions)
        if (!add_extension(cert.get(), signer, nid, value)) return nullptr;
    if (X509_sign(cert.get(), issuer_key != nullptr ? issuer_key : key, EVP_sha256()) == 0) return nullptr;
    return cert;
}

inline std::string to_pem(X509* cert) {
    bio_ptr bio(BIO_new(BIO_s_mem()));
    PEM_write_bio_X509(bio.get(), cert);
    char* data = nullptr;
    long n = BIO_get_mem_data(bio.get(), &data);
    return std::string(data, static_cast<std::size_t>(n));
}

inline std::string to_pem(EVP_PKEY* key) {
    bio_ptr bio(BIO_new(BIO_s_mem()));
    PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr);
    char* data = nullptr;
    long n = BIO_get_mem_data(bio.get(), &data);
    return std::string(data, static_cast<std::size_t>(n));
}
}  // namespace detail

/// A throwaway CA and a server certificate it signed, for `subject_alt_names` such as "DNS:localhost".
/// Empty strings on failure (the TLS tests then fail visibly).
inline test_pki make_test_pki(const std::string& subject_alt_names) {
    detail::pkey_ptr ca_key(EVP_EC_gen("P-256"));
    detail::pkey_ptr server_key(EVP_EC_gen("P-256"));
    if (!ca_key || !server_key) return {};
    auto ca = detail::make_cert("serverops test CA", ca_key.get(), nullptr, nullptr, 1,
                                {{NID_basic_constraints, "critical,CA:TRUE"},
                                 {NID_key_usage, "critical,keyCertSign,cRLSign"},
                                 {NID_subject_key_identifier, "hash"}});
    if (!ca) return {};
    auto leaf = detail::make_cert("serverops test server", server_key.get(), ca.get(), ca_key.get(), 2,
                                  {{NID_basic_constraints, "critical,CA:FALSE"},
                                   {NID_key_usage, "critical,digitalSignature"},
                                   {NID_ext_key_usage, "serverAuth"},
                                   {NID_authority_key_identifier, "keyid:always"},
                                   {NID_subject_alt_name, subject_alt_names}});
    if (!leaf) return {};
    test_pki pki;
    pki.ca_cert_pem = detail::to_pem(ca.get());
    pki.server_chain_pem = detail::to_pem(leaf.get()) + pki.ca_cert_pem;
    pki.server_key_pem = detail::to_pem(server_key.get());
    return pki;
}

// ---------------------------------------------------------------------------------------------------------------
// Server

class scripted_server {
public:
    /// Plain HTTP on `address` (127.0.0.1 or ::1), or TLS when `pki` is given.
    explicit scripted_server(connection_script default_script = connection_script::keep_alive(),
                             const test_pki* pki = nullptr, std::string address = "127.0.0.1")
        : default_script_(std::move(default_script)),
          acceptor_(io_, tcp::endpoint(asio::ip::make_address(address), 0)) {
        if (pki != nullptr) {
            tls_.emplace(asio::ssl::context::tls_server);
            tls_->use_certificate_chain(asio::buffer(pki->server_chain_pem));
            tls_->use_private_key(asio::buffer(pki->server_key_pem), asio::ssl::context::pem);
        }
        asio::co_spawn(io_, accept_loop(), asio::detached);
        thread_ = std::thread([this] { io_.run(); });
    }
    scripted_server(const scripted_server&) = delete;
    scripted_server& operator=(const scripted_server&) = delete;
    ~scripted_server() {
        io_.stop();
        thread_.join();
    }

    std::string port() const { return std::to_string(acceptor_.local_endpoint().port()); }

    /// The next accepted connections follow these scripts, in order; later ones follow the default script.
    void push(connection_script s) {
        std::lock_guard lock(mutex_);
        scripts_.push_back(std::move(s));
    }

    std::vector<received_request> requests() const {
        std::lock_guard lock(mutex_);
        return requests_;
    }
    std::size_t request_count() const {
        std::lock_guard lock(mutex_);
        return requests_.size();
    }
    std::size_t connection_count() const {
        std::lock_guard lock(mutex_);
        return accepted_;
    }
    /// Most connections open at the same time.
    std::size_t peak_connections() const {
        std::lock_guard lock(mutex_);
        return peak_open_;
    }
    /// Waits (bounded) until the server has closed `n` connections in total.
    bool wait_closed(std::size_t n, std::chrono::milliseconds timeout = 2s) const {
        std::unique_lock lock(mutex_);
        return changed_.wait_for(lock, timeout, [&] { return closed_ >= n; });
    }

private:
    asio::awaitable<void> accept_loop() {
        for (;;) {
            boost::system::error_code ec;
            tcp::socket socket = co_await acceptor_.async_accept(asio::redirect_error(asio::use_awaitable, ec));
            if (ec) co_return;
            connection_script script;
            std::size_t id = 0;
            {
                std::lock_guard lock(mutex_);
                id = ++accepted_;
                peak_open_ = std::max(peak_open_, accepted_ - closed_);
                if (!scripts_.empty()) {
                    script = std::move(scripts_.front());
                    scripts_.pop_front();
                } else {
                    script = default_script_;
                }
            }
            asio::co_spawn(io_, serve(std::move(socket), std::move(script), id), asio::detached);
        }
    }

    asio::awaitable<void> serve(tcp::socket socket, connection_script script, std::size_t id) {
        boost::system::error_code ec;
        if (!script.close_on_accept) {
            if (tls_) {
                asio::ssl::stream<tcp::socket> stream(std::move(socket), *tls_);
                co_await stream.async_handshake(asio::ssl::stream_base::server,
                                                asio::redirect_error(asio::use_awaitable, ec));
                if (!ec) co_await run_script(stream, script, id);
                stream.next_layer().close(ec);  // no TLS close_notify: a server dropping an idle connection
            } else {
                co_await run_script(socket, script, id);
            }
        }
        socket.close(ec);  // before counting it: tests wait for the count, then expect the client to see the FIN
        std::lock_guard lock(mutex_);
        ++closed_;
        changed_.notify_all();
    }

    template <class Stream>
    asio::awaitable<void> run_script(Stream& stream, const connection_script& script, std::size_t id) {
        if (script.never_read) {  // holds the connection until the server stops
            boost::system::error_code ec;
            asio::steady_timer timer(co_await asio::this_coro::executor, 60s);
            co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
            co_return;
        }
        boost::beast::flat_buffer buffer;
        for (std::size_t n = 0;; ++n) {
            const reply* r = n < script.replies.size() ? &script.replies[n] : (script.then ? &*script.then : nullptr);
            if (r == nullptr && !script.responder) co_return;
            boost::system::error_code ec;
            http::request_parser<http::string_body> parser;
            parser.body_limit(16 * 1024 * 1024);
            co_await http::async_read(stream, buffer, parser, asio::redirect_error(asio::use_awaitable, ec));
            if (ec) co_return;
            auto received = record(id, parser.get());
            std::optional<reply> computed;
            if (script.responder) r = &computed.emplace(script.responder(received));
            if (r->what == reply::action::hang_up) co_return;
            if (r->delay.count() > 0) {
                asio::steady_timer timer(co_await asio::this_coro::executor, r->delay);
                co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
            }
            if (!r->pieces.empty()) {
                for (std::size_t i = 0; i < r->pieces.size() && !ec; ++i) {
                    if (i != 0) {
                        asio::steady_timer timer(co_await asio::this_coro::executor, r->pace);
                        co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
                    }
                    co_await asio::async_write(stream, asio::buffer(r->pieces[i]),
                                               asio::redirect_error(asio::use_awaitable, ec));
                }
            } else if (r->pace.count() > 0) {
                for (std::size_t i = 0; i < r->bytes.size() && !ec; ++i) {
                    co_await asio::async_write(stream, asio::buffer(&r->bytes[i], 1),
                                               asio::redirect_error(asio::use_awaitable, ec));
                    asio::steady_timer timer(co_await asio::this_coro::executor, r->pace);
                    co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
                }
            } else {
                co_await asio::async_write(stream, asio::buffer(r->bytes), asio::redirect_error(asio::use_awaitable, ec));
            }
            if (!ec && r->reset_after) {
                stream.lowest_layer().set_option(asio::socket_base::linger(true, 0), ec);
                co_return;  // the close that follows sends RST
            }
            if (ec || r->close_after) co_return;
            if (!r->unsolicited.empty()) {
                asio::steady_timer timer(co_await asio::this_coro::executor, r->unsolicited_after);
                co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
                co_await asio::async_write(stream, asio::buffer(r->unsolicited),
                                           asio::redirect_error(asio::use_awaitable, ec));
                co_return;
            }
        }
    }

    received_request record(std::size_t id, const http::request<http::string_body>& req) {
        received_request out;
        out.connection = id;
        out.method = std::string(req.method_string());
        out.target = std::string(req.target());
        for (const auto& f : req) out.headers.emplace_back(std::string(f.name_string()), std::string(f.value()));
        out.body = req.body();
        std::lock_guard lock(mutex_);
        requests_.push_back(out);
        changed_.notify_all();
        return out;
    }

    connection_script default_script_;
    asio::io_context io_;
    tcp::acceptor acceptor_;
    std::optional<asio::ssl::context> tls_;
    std::thread thread_;

    mutable std::mutex mutex_;
    mutable std::condition_variable changed_;
    std::deque<connection_script> scripts_;
    std::vector<received_request> requests_;
    std::size_t accepted_ = 0;
    std::size_t closed_ = 0;
    std::size_t peak_open_ = 0;
};

/// A loopback port with nothing listening: bound, then released.
inline std::string unused_port() {
    asio::io_context io;
    tcp::acceptor acceptor(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    auto port = acceptor.local_endpoint().port();
    acceptor.close();
    return std::to_string(port);
}

}  // namespace serverops_test

#endif
