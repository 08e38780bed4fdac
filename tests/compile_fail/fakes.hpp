// Minimal vendors and transports for the compile-fail checks: only client.hpp / session.hpp and Asio's io_context.
#ifndef SERVEROPS_COMPILE_FAIL_FAKES_HPP
#define SERVEROPS_COMPILE_FAIL_FAKES_HPP

#include <serverops/client.hpp>

#include <boost/asio/io_context.hpp>

#include <string>
#include <string_view>

namespace fake {

struct context_a {
    void authorize(serverops::http_request&) const {}
};
struct context_b {
    void authorize(serverops::http_request&) const {}
};

struct sync_transport {
    serverops::result<serverops::http_response> send(const serverops::http_request&) { return serverops::http_response{}; }
};

struct async_transport {
    using executor_type = boost::asio::io_context::executor_type;
    executor_type get_executor() const { return io->get_executor(); }
    template <class Token>
    void async_send(serverops::http_request, Token&&) {}
    boost::asio::io_context* io = nullptr;
};

/// A well-formed operation of vendor B.
struct op_of_b {
    using response_type = std::string;
    using context_type = context_b;
    static constexpr std::string_view name = "b.get";
    static constexpr serverops::verb method = serverops::verb::get;
    static constexpr bool idempotent = true;
    std::string target(const context_b&) const { return "/x"; }
    serverops::result<std::string> decode(const serverops::http_response&) const { return std::string(); }
};

}  // namespace fake

#endif
