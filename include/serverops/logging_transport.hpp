// A transport decorator that reports each request and response (or transport error) to a logger.
#ifndef SERVEROPS_LOGGING_TRANSPORT_HPP
#define SERVEROPS_LOGGING_TRANSPORT_HPP

#include <serverops/logging.hpp>
#include <serverops/transport.hpp>

#include <boost/asio/async_result.hpp>
#include <boost/asio/compose.hpp>

#include <type_traits>
#include <utility>

namespace serverops {

namespace detail {
template <class T, class = void>
struct executor_of {
    using type = void;
};
template <class T>
struct executor_of<T, std::void_t<decltype(std::declval<T&>().get_executor())>> {
    using type = decltype(std::declval<T&>().get_executor());
};
}  // namespace detail

/// Logs every exchange: the request at debug level, the answer at info (warning for >= 400 or a transport error).
/// No secret reaches the sink: every line is scrubbed of the credentials in the request's and the response's headers
/// and, when the client passes them (`send(req, secrets)`), of the secrets its context and operation declare (a login
/// password, a token), in any spelling a server may echo them in.
template <class Inner>
class logging_transport {
public:
    using inner_type = std::remove_reference_t<Inner>;

    logging_transport(Inner inner, const logger* log) : inner_(std::forward<Inner>(inner)), log_(log) {}

    inner_type& inner() noexcept { return inner_; }

    /// Whether anything would be logged: when not, a client does not gather secrets for it.
    bool wants_secrets() const noexcept { return log_ && log_->sink && log_->min_level != log_level::off; }

    result<http_response> send(const http_request& req)
        requires sync_transport<inner_type>
    {
        return send(req, secret_set{});
    }

    /// `send`, keeping `secrets` (beside the credentials of the headers) out of the log.
    result<http_response> send(const http_request& req, const secret_set& secrets)
        requires sync_transport<inner_type>
    {
        if (!wants_secrets()) return inner_.send(req);  // nothing to log: no secrets to gather, no lines to build
        const secret_set known = with_request_credentials(secrets, req);
        before(req, known);
        auto r = inner_.send(req);
        after_line(request_line(req), known, r);
        return r;
    }

    using executor_type = typename detail::executor_of<inner_type>::type;
    executor_type get_executor() const
        requires(!std::is_void_v<executor_type>)
    {
        return const_cast<inner_type&>(inner_).get_executor();
    }

    template <class CompletionToken>
    auto async_send(http_request req, CompletionToken&& token) {
        return async_send(std::move(req), secret_set{}, std::forward<CompletionToken>(token));
    }

    /// `async_send`, keeping `secrets` (beside the credentials of the headers) out of the log.
    template <class CompletionToken>
    auto async_send(http_request req, secret_set secrets, CompletionToken&& token) {
        return boost::asio::async_compose<CompletionToken, completion_signature<http_response>>(
            send_op{this, std::move(req), std::move(secrets)}, token, inner_.get_executor());
    }

private:
    struct send_op {
        logging_transport* self;
        http_request req;
        secret_set known;
        std::string line{};
        bool logs = false;

        template <class Self>
        void operator()(Self& s) {
            logs = self->wants_secrets();
            if (!logs) {  // nothing to log: no secrets to gather, no lines to build
                self->inner_.async_send(std::move(req), std::move(s));
                return;
            }
            known = with_request_credentials(std::move(known), req);
            self->before(req, known);
            line = request_line(req);
            auto& inner = self->inner_;
            inner.async_send(std::move(req), std::move(s));
        }
        template <class Self>
        void operator()(Self& s, result<http_response> r) {
            if (logs) self->after_line(line, known, r);
            s.complete(std::move(r));
        }
    };

    static secret_set with_request_credentials(secret_set secrets, const http_request& req) {
        secrets.add_from_headers(req.headers);
        return secrets;
    }
    static std::string request_line(const http_request& req) {
        std::string line(boost::beast::http::to_string(req.method));
        line.push_back(' ');
        line.append(req.target);
        return line;
    }
    void before(const http_request& req, const secret_set& known) const {
        if (!log_ || !log_->enabled(log_level::debug)) return;
        std::string line("request ");
        line.append(describe(req, known));
        log_->log(log_level::debug, line);
    }
    void after_line(const std::string& request, const secret_set& known, const result<http_response>& r) const {
        if (!log_) return;
        const auto level = !r ? log_level::warning : r.value().status >= 400 ? log_level::warning : log_level::info;
        if (!log_->enabled(level)) return;
        std::string line = request;
        line.append(" -> ");
        if (r) {
            line.append(describe(r.value(), known));
            secret_set all = known;  // the request part too: a target must not keep a secret the answer reveals
            all.add_from_headers(r.value().headers);
            scrub_secrets(line, all);
        } else {
            error e = r.error();  // fields first: message() cuts them, and a cut secret inside a line is not at an edge
            scrub_secrets(e, known);
            line.append(e.message());
            scrub_secrets(line, known);
        }
        log_->log(level, line);
    }

    Inner inner_;
    const logger* log_;
};

}  // namespace serverops

#endif
