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

template <class Inner>
class logging_transport {
public:
    using inner_type = std::remove_reference_t<Inner>;

    logging_transport(Inner inner, const logger* log) : inner_(std::forward<Inner>(inner)), log_(log) {}

    inner_type& inner() noexcept { return inner_; }

    result<http_response> send(const http_request& req)
        requires sync_transport<inner_type>
    {
        before(req);
        auto r = inner_.send(req);
        after(req, r);
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
        return boost::asio::async_compose<CompletionToken, completion_signature<http_response>>(
            send_op{this, std::move(req)}, token, inner_.get_executor());
    }

private:
    struct send_op {
        logging_transport* self;
        http_request req;
        std::string_view operation{};
        std::string line{};

        template <class Self>
        void operator()(Self& s) {
            self->before(req);
            operation = req.operation;
            line = request_line(req);
            self->inner_.async_send(std::move(req), std::move(s));
        }
        template <class Self>
        void operator()(Self& s, result<http_response> r) {
            self->after_line(line, r);
            s.complete(std::move(r));
        }
    };

    static std::string request_line(const http_request& req) {
        return std::string(boost::beast::http::to_string(req.method)) + " " + req.target;
    }
    void before(const http_request& req) const {
        if (log_ && log_->enabled(log_level::debug)) log_->log(log_level::debug, "request " + describe(req));
    }
    void after(const http_request& req, const result<http_response>& r) const {
        if (log_ && log_->sink) after_line(request_line(req), r);
    }
    void after_line(const std::string& line, const result<http_response>& r) const {
        if (!log_) return;
        if (r) {
            auto level = r.value().status >= 400 ? log_level::warning : log_level::info;
            if (log_->enabled(level)) log_->log(level, line + " -> " + describe(r.value()));
        } else if (log_->enabled(log_level::warning)) {
            log_->log(log_level::warning, line + " -> " + r.error().message());
        }
    }

    Inner inner_;
    const logger* log_;
};

}  // namespace serverops

#endif
