// client<Transport, Context>: runs any operation of a vendor through any transport, sync or async.
#ifndef SERVEROPS_CLIENT_HPP
#define SERVEROPS_CLIENT_HPP

#include <serverops/operation.hpp>
#include <serverops/secrets.hpp>
#include <serverops/transport.hpp>

#include <boost/asio/async_result.hpp>
#include <boost/asio/compose.hpp>
#include <boost/asio/post.hpp>

#include <chrono>
#include <optional>
#include <type_traits>
#include <utility>

namespace serverops {

/// Per-call settings a caller (a session, a wait) passes down to the transport.
struct call_options {
    /// Nothing of the exchange runs past this (see http_request::deadline).
    std::optional<std::chrono::steady_clock::time_point> deadline{};
};

/// Thin and stateless apart from the vendor context: encode -> transport -> decode.
/// `Transport` may be a reference type (`client<mock_transport&, clc::context>`) to share one transport.
/// Every error it returns is scrubbed of the exchange's secrets (`secrets_for`), whichever decoder made it; a
/// `secret_aware_transport` (the logging one) is handed them too, to keep them out of its lines.
template <class Transport, context Context>
class client {
public:
    using transport_type = std::remove_reference_t<Transport>;
    using context_type = Context;

    explicit client(Transport transport, Context ctx = {})
        : transport_(std::forward<Transport>(transport)), context_(std::move(ctx)) {}

    transport_type& transport() noexcept { return transport_; }
    Context& context() noexcept { return context_; }
    const Context& context() const noexcept { return context_; }

    /// Secrets held outside the context that this client's errors and log lines must not show either (a session
    /// registers its login password here: a server may echo it in the answer to any later call).
    void add_secrets(const secret_set& secrets) { extra_secrets_.merge(secrets); }

    /// The secrets an exchange of `op` involves: those the context and the operation declare, the credentials the
    /// context puts on a request (declared or not), and those `response_headers` carry (a Set-Cookie, say).
    template <class Op>
    secret_set secrets_for(const Op& op, const header_list* response_headers = nullptr) const {
        secret_set s = secrets_of(context_);
        s.merge(secrets_of(op));
        s.merge(extra_secrets_);
        http_request sent;
        context_.authorize(sent);
        s.add_from_headers(sent.headers);
        if (response_headers) s.add_from_headers(*response_headers);
        return s;
    }

    /// Sends `op` and blocks until its typed result is known: `result<Op::response_type>`.
    /// Any type is accepted here and checked inside (detail::check_operation_for), so that a malformed operation or
    /// one of another vendor fails the build with serverops' own message first.
    template <class Op>
        requires sync_transport<transport_type>
    auto call(const Op& op, const call_options& opts = {}) {
        if constexpr (detail::check_operation_for<Op, Context>()) return checked_call(op, opts);
    }

    /// Asynchronous form of `call`. Completion signature: `void(result<Op::response_type>)`.
    /// Works with any completion token (callback, use_awaitable, deferred, use_future). The handler runs exactly
    /// once, never inside this call, on its associated executor (default: the transport's). Cancellation through
    /// the handler's cancellation slot is forwarded to the transport; the result is then `errc::cancelled`.
    /// `op` is copied into the operation state; the client and transport must outlive the operation.
    /// GCC 12 note: inside a coroutine, name the request before `co_await` (`auto op = ...; co_await
    /// c.async_call(op, use_awaitable)`): GCC 12 mis-destroys a braced temporary built in a co_await expression.
    template <class Op, class CompletionToken>
        requires async_transport<transport_type>
    auto async_call(const Op& op, CompletionToken&& token) {
        return async_call(op, call_options{}, std::forward<CompletionToken>(token));
    }
    template <class Op, class CompletionToken>
        requires async_transport<transport_type>
    auto async_call(const Op& op, const call_options& opts, CompletionToken&& token) {
        if constexpr (detail::check_operation_for<Op, Context>()) {
            return boost::asio::async_compose<CompletionToken, completion_signature<typename Op::response_type>>(
                call_op<Op>{this, op, opts}, token, transport_.get_executor());
        }
    }

private:
    template <class Op>
    result<typename Op::response_type> checked_call(const Op& op, const call_options& opts) {
        auto req = encode(op, context_);
        if (!req) return failure(scrubbed(op, with_operation<Op>(std::move(req).error())));
        req.value().deadline = opts.deadline;
        auto res = send_request(op, req.value());
        if (!res) return failure(scrubbed(op, with_operation<Op>(std::move(res).error())));
        auto r = decode(op, res.value());
        if (!r) scrub_secrets(r.error(), secrets_for(op, &res.value().headers));
        return r;
    }

    template <class Op>
    error scrubbed(const Op& op, error e) const {
        scrub_secrets(e, secrets_for(op));
        return e;
    }

    template <class Op>
    result<http_response> send_request(const Op& op, const http_request& req) {
        if constexpr (secret_aware_transport<transport_type>) {
            if (transport_.wants_secrets()) return transport_.send(req, secrets_for(op));
        }
        return transport_.send(req);
    }

    template <class Op>
    struct call_op {
        client* self_;
        Op op_;
        call_options opts_;
        std::optional<error> early_{};
        bool started_ = false;

        template <class Self>
        void operator()(Self& self) {
            if (started_) {  // resumed after posting an error found before sending
                self.complete(failure(std::move(*early_)));
                return;
            }
            started_ = true;
            auto req = encode(op_, self_->context_);
            if (!req) {
                early_ = self_->scrubbed(op_, with_operation<Op>(std::move(req).error()));
                boost::asio::post(std::move(self));  // never complete inline
                return;
            }
            req.value().deadline = opts_.deadline;
            if constexpr (secret_aware_transport<transport_type>) {
                if (self_->transport_.wants_secrets()) {
                    auto secrets = self_->secrets_for(op_);
                    auto& transport = self_->transport_;
                    transport.async_send(std::move(req).value(), std::move(secrets), std::move(self));
                    return;
                }
            }
            self_->transport_.async_send(std::move(req).value(), std::move(self));
        }

        template <class Self>
        void operator()(Self& self, result<http_response> res) {
            if (!res) {
                auto e = self_->scrubbed(op_, with_operation<Op>(std::move(res).error()));
                self.complete(failure(std::move(e)));
                return;
            }
            auto r = decode(op_, res.value());
            if (!r) scrub_secrets(r.error(), self_->secrets_for(op_, &res.value().headers));
            self.complete(std::move(r));
        }
    };

    Transport transport_;
    Context context_;
    secret_set extra_secrets_;
};

}  // namespace serverops

#endif
