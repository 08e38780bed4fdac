// The operation model: a typed request that knows how to become an HTTP request and how to read the answer.
#ifndef SERVEROPS_OPERATION_HPP
#define SERVEROPS_OPERATION_HPP

#include <serverops/error.hpp>
#include <serverops/http_message.hpp>

#include <concepts>
#include <string>
#include <string_view>

namespace serverops {

/// A vendor context supplies what every request of that vendor shares (path prefix, credentials).
template <class C>
concept context = requires(const C& c, http_request& req) {
    { c.authorize(req) } -> std::same_as<void>;
};

/// The optional `resend_after_relogin` flag (see resends_after_relogin), when present, is a bool.
template <class Op>
concept resend_flag_is_valid = !requires { Op::resend_after_relogin; } ||
                               requires { { Op::resend_after_relogin } -> std::convertible_to<bool>; };

/// An operation is a plain request struct plus static facts about its HTTP exchange:
/// ```
/// struct my_op {
///     using response_type = ...;  using context_type = vendor::context;
///     static constexpr std::string_view name = "vendor.myOp";
///     static constexpr verb method = verb::post;
///     static constexpr bool idempotent = false;
///     std::string target(const context_type&) const;              // path params via encode_path_segment
///     std::string body() const;                                   // optional; absent = no body
///     result<void> validate(const context_type&) const;           // optional; checked before sending
///     result<response_type> decode(const http_response&) const;   // 4xx/5xx become errors here
/// };
/// ```
template <class Op>
concept operation = requires(const Op& op, const typename Op::context_type& ctx, const http_response& res) {
    typename Op::response_type;
    requires context<typename Op::context_type>;
    { Op::name } -> std::convertible_to<std::string_view>;
    { Op::method } -> std::convertible_to<verb>;
    { Op::idempotent } -> std::convertible_to<bool>;
    { op.target(ctx) } -> std::convertible_to<std::string>;
    { op.decode(res) } -> std::same_as<result<typename Op::response_type>>;
    requires resend_flag_is_valid<Op>;
};

/// Whether a session may log in again and resend `Op` after the API rejected its credentials (default: yes; the
/// API refused the call before executing it, and the request is re-encoded with the new credentials). An operation
/// whose meaning depends on the credentials it carried — a logout of *this* session, a call on a session-scoped
/// resource — declares `static constexpr bool resend_after_relogin = false;`: re-encoding it would act on the new
/// session. The session then still drops the rejected credentials (the next call logs in) but returns the error.
template <class Op>
constexpr bool resends_after_relogin() noexcept {
    if constexpr (requires { Op::resend_after_relogin; }) return static_cast<bool>(Op::resend_after_relogin);
    else return true;
}

template <class Op>
concept operation_with_body = operation<Op> && requires(const Op& op) {
    { op.body() } -> std::convertible_to<std::string>;
};

template <class Op>
concept operation_with_validation = operation<Op> && requires(const Op& op, const typename Op::context_type& ctx) {
    { op.validate(ctx) } -> std::same_as<result<void>>;
};

/// An operation that must not carry credentials (e.g. a login call).
template <class Op>
concept unauthenticated_operation = operation<Op> && Op::authenticated == false;

namespace detail {
/// Spells out which requirement failed; `operation<Op>` alone gives a wall of text on some compilers. Each assert
/// after a missing member type is written so that it does not fire again for the same cause.
template <class Op>
constexpr bool check_operation() {
    constexpr bool has_response = requires { typename Op::response_type; };
    constexpr bool has_context = requires { typename Op::context_type; };
    static_assert(has_response, "serverops: an operation needs `using response_type = ...;`");
    static_assert(has_context, "serverops: an operation needs `using context_type = <vendor>::context;`");
    static_assert(requires { { Op::name } -> std::convertible_to<std::string_view>; },
                  "serverops: an operation needs `static constexpr std::string_view name`");
    static_assert(requires { { Op::method } -> std::convertible_to<verb>; },
                  "serverops: an operation needs `static constexpr verb method`");
    static_assert(requires { { Op::idempotent } -> std::convertible_to<bool>; },
                  "serverops: an operation needs `static constexpr bool idempotent`");
    static_assert(resend_flag_is_valid<Op>, "serverops: `resend_after_relogin`, when declared, must be a bool");
    if constexpr (has_context) {
        static_assert(context<typename Op::context_type>,
                      "serverops: an operation's context_type needs `void authorize(http_request&) const`");
        static_assert(requires(const Op& op, const typename Op::context_type& c) {
            { op.target(c) } -> std::convertible_to<std::string>;
        }, "serverops: an operation needs `std::string target(const context_type&) const`");
    }
    if constexpr (has_response) {
        static_assert(requires(const Op& op, const http_response& r) {
            { op.decode(r) } -> std::same_as<result<typename Op::response_type>>;
        }, "serverops: an operation needs `result<response_type> decode(const http_response&) const`");
    }
    return operation<Op>;
}

/// What `client` and `session` check first in `call` / `async_call`, so that a malformed operation, or one of
/// another vendor, stops the build with one readable line rather than a list of rejected overloads.
template <class Op, class Context>
constexpr bool check_operation_for() {
    if constexpr (!check_operation<Op>()) {
        return false;
    } else {
        static_assert(std::same_as<typename Op::context_type, Context>,
                      "serverops: this operation belongs to another vendor: its context_type is not the context of "
                      "this client or session");
        return std::same_as<typename Op::context_type, Context>;
    }
}
}  // namespace detail

/// Builds the HTTP request for `op` (validation first: nothing invalid leaves the process).
template <class Op>
result<http_request> encode(const Op& op, const typename Op::context_type& ctx) {
    static_assert(detail::check_operation<Op>());
    if constexpr (operation_with_validation<Op>) {
        BOOST_OUTCOME_TRY(op.validate(ctx));
    }
    http_request req;
    req.method = Op::method;
    req.target = op.target(ctx);
    if constexpr (operation_with_body<Op>) req.body = op.body();
    if constexpr (requires { Op::content_type; }) req.content_type = Op::content_type;
    req.idempotent = Op::idempotent;
    req.operation = Op::name;
    if constexpr (requires { { op.max_response_body() } -> std::convertible_to<std::size_t>; })
        req.max_response_body = op.max_response_body();
    if constexpr (!unauthenticated_operation<Op>) ctx.authorize(req);
    return req;
}

/// Whether a request answered with `status` (and judged a failure) may still have taken effect: a 5xx other than
/// 503 can come after the server acted, and a 2xx/3xx the operation cannot read says nothing; a 4xx, 429 or 503 is a
/// refusal before acting.
constexpr bool response_may_have_executed(unsigned status) noexcept {
    if (status >= 400 && status < 500) return false;
    return status != 503;
}

/// Runs the operation's decoder and stamps the operation's name on any error.
template <class Op>
result<typename Op::response_type> decode(const Op& op, const http_response& res) {
    auto r = op.decode(res);
    if (!r) {
        if (r.error().operation.empty()) r.error().operation = Op::name;
        if (!r.error().retry_after) r.error().retry_after = retry_after(res);
        if constexpr (!Op::idempotent) {
            if (response_may_have_executed(res.status)) r.error().may_have_executed = true;
        }
    }
    return r;
}

/// Stamps the operation's name on an error from elsewhere (transport, validation).
template <class Op>
error with_operation(error e) {
    if (e.operation.empty()) e.operation = Op::name;
    return e;
}

}  // namespace serverops

#endif
