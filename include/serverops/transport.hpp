// Transport concepts: a transport moves an http_request to a peer and brings back an http_response. Nothing else.
#ifndef SERVEROPS_TRANSPORT_HPP
#define SERVEROPS_TRANSPORT_HPP

#include <serverops/error.hpp>
#include <serverops/http_message.hpp>

#include <concepts>

namespace serverops {

/// Completion signature of every asynchronous transport send and every `async_call`.
template <class T>
using completion_signature = void(result<T>);

/// Sync transport: `result<http_response> send(const http_request&)`.
/// A 4xx/5xx is a successful send; errors are only transport-level (connect, TLS, timeout, size, closed).
template <class T>
concept sync_transport = requires(T& t, const http_request& req) {
    { t.send(req) } -> std::same_as<result<http_response>>;
};

namespace detail {
struct send_handler_archetype {
    void operator()(result<http_response>) {}
};
}  // namespace detail

/// Async transport, Asio style:
/// ```
/// template <class CompletionToken>
/// auto async_send(http_request req, CompletionToken&& token);   // signature void(result<http_response>)
/// executor_type get_executor();
/// ```
/// Requirements on implementations: accept any completion token; call the handler exactly once and never from
/// inside `async_send`; honour the handler's associated cancellation slot (terminal cancellation at least) by
/// completing with `errc::cancelled`; complete through the handler's associated executor.
template <class T>
concept async_transport = requires(T& t, http_request req) {
    typename T::executor_type;
    { t.get_executor() } -> std::convertible_to<typename T::executor_type>;
    t.async_send(std::move(req), detail::send_handler_archetype{});
};

}  // namespace serverops

#endif
