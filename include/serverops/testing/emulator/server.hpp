// The emulator's HTTP/1.1 core on Boost.Beast: one io_context on its own thread, keep-alive sessions over TCP or
// TLS, bounded request sizes, faults applied on the wire, every request counted. Vendor logic lives in modules.
#ifndef SERVEROPS_TESTING_EMULATOR_SERVER_HPP
#define SERVEROPS_TESTING_EMULATOR_SERVER_HPP

#include <serverops/error.hpp>
#include <serverops/testing/emulator/faults.hpp>
#include <serverops/testing/emulator/router.hpp>
#include <serverops/testing/emulator/tls.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <type_traits>

namespace serverops::testing {

struct server_options {
    std::string address = "127.0.0.1";
    unsigned short port = 0;                        ///< 0: an ephemeral port, read it back with `port()`
    std::optional<tls_config> tls;                  ///< set: HTTPS only
    std::size_t body_limit = 16u * 1024u * 1024u;   ///< larger request bodies get 413 and the connection closes
    std::chrono::seconds idle_timeout{30};          ///< an idle or stalled connection is closed after this
};

namespace emulator_detail {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using tcp = boost::asio::ip::tcp;

/// A live connection; `abort` closes it at once (used by stop()).
class session_base {
public:
    virtual ~session_base() = default;
    virtual void abort() noexcept = 0;
};

/// What sessions share with the server object. Sessions keep it alive, so handlers destroyed late are safe.
struct server_state {
    router routes;
    fault_queue faults;
    request_counter counter;
    std::size_t body_limit = 0;
    std::chrono::seconds idle_timeout{30};
    std::list<std::weak_ptr<session_base>> sessions;  // network thread only

    void track(const std::shared_ptr<session_base>& s) {
        sessions.remove_if([](const std::weak_ptr<session_base>& w) { return w.expired(); });
        sessions.push_back(s);
    }
    void abort_all() noexcept {
        for (auto& w : sessions)
            if (auto s = w.lock()) s->abort();
        sessions.clear();
    }
};

/// Framing is the core's job: a module's Content-Length, Transfer-Encoding or Connection header is dropped. Every
/// other header is the module's, exactly: the core adds none (no default Content-Type: A4C's maintenance filter
/// answers without one, and clients must see that).
inline bool is_framing_header(std::string_view name) noexcept {
    using serverops::detail::iequals;
    return iequals(name, "Content-Length") || iequals(name, "Transfer-Encoding") || iequals(name, "Connection");
}

inline header_list to_header_list(const http::fields& fields) {
    header_list out;
    for (auto& f : fields) out.add(f.name_string(), f.value());
    return out;
}

/// Raw bytes of a response whose declared Content-Length may differ from the body sent (damaged replies).
inline std::string raw_response(const http_response& r, std::size_t declared_length, std::size_t sent_length) {
    const unsigned status = (r.status >= 100 && r.status <= 999) ? r.status : 500;
    std::string out = "HTTP/1.1 " + std::to_string(status) + " ";
    out += http::obsolete_reason(http::int_to_status(status));
    out += "\r\n";
    for (auto& [name, value] : r.headers)
        if (!is_framing_header(name)) out.append(name).append(": ").append(value).append("\r\n");
    out += "Content-Length: " + std::to_string(declared_length) + "\r\n\r\n";
    out.append(r.body, 0, sent_length);
    return out;
}

template <class Stream>
class session final : public session_base, public std::enable_shared_from_this<session<Stream>> {
    static constexpr bool is_tls = !std::is_same_v<Stream, beast::tcp_stream>;

public:
    session(Stream stream, std::shared_ptr<server_state> state)
        : stream_(std::move(stream)), timer_(stream_.get_executor()), state_(std::move(state)) {}

    void start() {
        state_->track(this->shared_from_this());
        if constexpr (is_tls) {
            lowest().expires_after(state_->idle_timeout);
            stream_.async_handshake(net::ssl::stream_base::server,
                                    beast::bind_front_handler(&session::on_handshake, this->shared_from_this()));
        } else {
            read_next();
        }
    }

    void abort() noexcept override {
        boost::system::error_code ignored;
        timer_.cancel();
        lowest().socket().shutdown(tcp::socket::shutdown_both, ignored);
        lowest().socket().close(ignored);
    }

private:
    beast::tcp_stream& lowest() { return beast::get_lowest_layer(stream_); }

    void on_handshake(boost::system::error_code ec) {
        if (ec) return abort();
        read_next();
    }

    void read_next() {
        parser_.emplace();
        parser_->body_limit(state_->body_limit);
        parser_->header_limit(64 * 1024);
        lowest().expires_after(state_->idle_timeout);
        http::async_read(stream_, buffer_, *parser_,
                         beast::bind_front_handler(&session::on_read, this->shared_from_this()));
    }

    void on_read(boost::system::error_code ec, std::size_t) {
        if (ec == http::error::end_of_stream) return close_gracefully();
        if (ec == http::error::body_limit) {
            if (parser_->is_header_done()) record(parser_->get());
            return reply_and_close(message_response(413, "The request entity is too large."));
        }
        if (ec == http::error::header_limit) return reply_and_close(empty_response(431));
        if (ec && ec.category() == http::make_error_code(http::error::bad_target).category())
            return reply_and_close(message_response(400, "The request is malformed."));
        if (ec) return abort();
        handle(parser_->get());
    }

    void record(const http::request<http::string_body>& req) { state_->counter.record(req.method_string(), req.target()); }

    void handle(const http::request<http::string_body>& req) {
        record(req);
        keep_alive_ = req.keep_alive();
        version_ = req.version();
        head_request_ = req.method() == http::verb::head;
        const auto fired = state_->faults.take(req.method(), req.target());
        if (fired && fired->delay > std::chrono::milliseconds::zero()) {
            // The module acts now (as for a slow network); what the client sees leaves after the delay.
            auto reply = std::make_shared<http_response>(answer(req, fired));
            timer_.expires_after(fired->delay);
            timer_.async_wait([self = this->shared_from_this(), fired, reply](boost::system::error_code ec) {
                if (ec) return self->abort();
                self->deliver(std::move(*reply), fired);
            });
            return;
        }
        deliver(answer(req, fired), fired);
    }

    /// The answer the request gets: the fault's own, or the module's (also for faults that act on the wire).
    http_response answer(const http::request<http::string_body>& req, const std::optional<fault>& fired) const {
        if (fired && fired->kind == fault_kind::close_before_response) return {};
        if (fired && fired->kind == fault_kind::respond) return fired->response;
        if (fired && fired->kind == fault_kind::malformed_json) {
            http_response reply;
            reply.status = 200;
            reply.headers.set("Content-Type", json_content_type);
            reply.body = R"([{"server":"wa1aliaswb01","isQueued":tru)";
            return reply;
        }
        return dispatch(req);
    }

    void deliver(http_response reply, const std::optional<fault>& fired) {
        const auto kind = fired ? fired->kind : fault_kind::delay;  // delay: nothing more than the wait
        if (kind == fault_kind::close_before_response) return abort();
        if (kind == fault_kind::close_mid_response) return write_damaged(reply, reply.body.size(), reply.body.size() / 2);
        if (kind == fault_kind::truncated_body) return write_damaged(reply, reply.body.size() + 64, reply.body.size());
        write(std::move(reply));
    }

    http_response dispatch(const http::request<http::string_body>& req) const {
        const header_list headers = to_header_list(req.base());
        request_view view;
        view.method = req.method();
        view.method_name = req.method_string();
        view.target = req.target();
        const auto q = view.target.find('?');
        view.path = view.target.substr(0, q);
        if (q != std::string_view::npos) view.query = view.target.substr(q + 1);
        view.headers = &headers;
        view.body = req.body();
        return state_->routes.dispatch(view);
    }

    void write(http_response reply) {
        response_ = {};
        response_.version(version_ == 10 ? 10 : 11);
        response_.result((reply.status >= 100 && reply.status <= 999) ? reply.status : 500);
        for (auto& [name, value] : reply.headers)
            if (!is_framing_header(name)) response_.set(name, value);
        response_.body() = std::move(reply.body);
        response_.keep_alive(keep_alive_);
        response_.prepare_payload();
        if (head_request_) response_.body().clear();  // HEAD: the headers describe a body that is not sent
        lowest().expires_after(state_->idle_timeout);
        http::async_write(stream_, response_,
                          beast::bind_front_handler(&session::on_write, this->shared_from_this()));
    }

    void on_write(boost::system::error_code ec, std::size_t) {
        if (ec) return abort();
        if (!keep_alive_) return close_gracefully();
        read_next();
    }

    void reply_and_close(http_response reply) {
        keep_alive_ = false;
        write(std::move(reply));
    }

    void write_damaged(const http_response& reply, std::size_t declared, std::size_t sent) {
        raw_ = raw_response(reply, declared, sent);
        lowest().expires_after(state_->idle_timeout);
        net::async_write(stream_, net::buffer(raw_),
                         [self = this->shared_from_this()](boost::system::error_code, std::size_t) { self->abort(); });
    }

    void close_gracefully() {
        if constexpr (is_tls) {
            lowest().expires_after(std::chrono::seconds(2));
            stream_.async_shutdown([self = this->shared_from_this()](boost::system::error_code) { self->abort(); });
        } else {
            boost::system::error_code ignored;
            lowest().socket().shutdown(tcp::socket::shutdown_send, ignored);
        }
    }

    Stream stream_;
    net::steady_timer timer_;
    std::shared_ptr<server_state> state_;
    beast::flat_buffer buffer_;
    std::optional<http::request_parser<http::string_body>> parser_;
    http::response<http::string_body> response_;
    std::string raw_;
    bool keep_alive_ = true;
    bool head_request_ = false;
    unsigned version_ = 11;
};

}  // namespace emulator_detail

/// Listens, accepts and serves until stopped. Not copyable or movable (handlers refer to it).
class http_server {
public:
    explicit http_server(server_options opts) : options_(std::move(opts)), state_(std::make_shared<emulator_detail::server_state>()) {
        state_->body_limit = options_.body_limit;
        state_->idle_timeout = options_.idle_timeout;
    }
    http_server(const http_server&) = delete;
    http_server& operator=(const http_server&) = delete;
    ~http_server() { stop(); }

    /// Vendor modules; register them before `start`.
    router& routes() noexcept { return state_->routes; }
    fault_queue& faults() noexcept { return state_->faults; }
    const fault_queue& faults() const noexcept { return state_->faults; }
    request_counter& counter() noexcept { return state_->counter; }
    const request_counter& counter() const noexcept { return state_->counter; }
    const server_options& options() const noexcept { return options_; }
    bool tls() const noexcept { return options_.tls.has_value(); }

    /// Binds, listens and starts the network thread. A server starts once; after `stop` it cannot start again.
    result<void> start() {
        std::lock_guard lock(lifecycle_);
        if (started_) return failure(errc::invalid_request, "the emulator was already started");
        started_ = true;
        boost::system::error_code ec;
        const auto address = boost::asio::ip::make_address(options_.address, ec);
        if (ec) return failure(errc::invalid_request, "bad listen address '" + options_.address + "'");
        if (options_.tls) {
            ssl_ = std::make_unique<boost::asio::ssl::context>(boost::asio::ssl::context::tls_server);
            BOOST_OUTCOME_TRY(configure_server_context(*ssl_, *options_.tls));
        }
        const emulator_detail::tcp::endpoint ep(address, options_.port);
        acceptor_.open(ep.protocol(), ec);
        if (!ec) acceptor_.set_option(boost::asio::socket_base::reuse_address(true), ec);
        if (!ec) acceptor_.bind(ep, ec);
        if (!ec) acceptor_.listen(boost::asio::socket_base::max_listen_connections, ec);
        if (!ec) port_ = acceptor_.local_endpoint(ec).port();  // before the thread starts: readers see it
        if (ec) {
            error e(errc::transport_failure, "cannot listen on " + options_.address + ":" + std::to_string(options_.port));
            e.cause = ec;
            return failure(std::move(e));
        }
        accept_next();
        try {
            thread_ = std::thread([this] { run(); });
        } catch (...) {
            return failure(errc::transport_failure, "cannot start the emulator thread");
        }
        return success();
    }

    /// Closes the listener and every connection, then joins the network thread. Idempotent. Must not be called
    /// from a module (it runs on the thread being joined).
    void stop() noexcept {
        std::lock_guard lock(lifecycle_);
        if (!thread_.joinable()) return;
        boost::asio::post(ioc_, [this] {
            boost::system::error_code ignored;
            acceptor_.close(ignored);
            retry_timer_.cancel();
            state_->abort_all();
            ioc_.stop();
        });
        if (thread_.get_id() == std::this_thread::get_id()) {
            thread_.detach();
            return;
        }
        thread_.join();
    }

    bool running() const noexcept {
        std::lock_guard lock(lifecycle_);
        return thread_.joinable();
    }

    /// Whether `start` was called (successfully or not).
    bool started() const noexcept {
        std::lock_guard lock(lifecycle_);
        return started_;
    }

    /// The bound port (the ephemeral one when options.port was 0); 0 before `start`.
    unsigned short port() const noexcept { return port_.load(); }

private:
    void run() noexcept {
        for (;;) {
            try {
                ioc_.run();
                return;
            } catch (...) {
                // A handler failed (e.g. out of memory): that connection is gone, keep serving the others.
            }
        }
    }

    void accept_next() {
        acceptor_.async_accept(ioc_, [this](boost::system::error_code ec, emulator_detail::tcp::socket socket) {
            if (ec == boost::asio::error::operation_aborted || !acceptor_.is_open()) return;
            if (ec) {
                // e.g. out of file descriptors: back off instead of spinning.
                retry_timer_.expires_after(std::chrono::milliseconds(50));
                retry_timer_.async_wait([this](boost::system::error_code wait_ec) {
                    if (!wait_ec) accept_next();
                });
                return;
            }
            boost::system::error_code ignored;
            socket.set_option(emulator_detail::tcp::no_delay(true), ignored);
            serve(std::move(socket));
            accept_next();
        });
    }

    void serve(emulator_detail::tcp::socket socket) {
        namespace beast = boost::beast;
        if (ssl_) {
            using stream = beast::ssl_stream<beast::tcp_stream>;
            std::make_shared<emulator_detail::session<stream>>(stream(beast::tcp_stream(std::move(socket)), *ssl_), state_)->start();
        } else {
            std::make_shared<emulator_detail::session<beast::tcp_stream>>(beast::tcp_stream(std::move(socket)), state_)->start();
        }
    }

    server_options options_;
    std::shared_ptr<emulator_detail::server_state> state_;
    std::unique_ptr<boost::asio::ssl::context> ssl_;  // declared before ioc_: outlives the streams it created
    boost::asio::io_context ioc_{1};
    emulator_detail::tcp::acceptor acceptor_{ioc_};
    boost::asio::steady_timer retry_timer_{ioc_};
    std::atomic<unsigned short> port_{0};
    mutable std::mutex lifecycle_;
    bool started_ = false;
    std::thread thread_;
};

}  // namespace serverops::testing

#endif
