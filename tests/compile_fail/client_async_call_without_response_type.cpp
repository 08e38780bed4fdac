// client::async_call with an operation that has no response_type: the first error is check_operation's.
#include "fakes.hpp"

struct no_response_type {
    using context_type = fake::context_a;
    static constexpr std::string_view name = "a.noResponseType";
    static constexpr serverops::verb method = serverops::verb::get;
    static constexpr bool idempotent = true;
    std::string target(const fake::context_a&) const { return "/x"; }
    serverops::result<std::string> decode(const serverops::http_response&) const { return std::string(); }
};

int main() {
    boost::asio::io_context io;
    serverops::client<fake::async_transport, fake::context_a> c(fake::async_transport{&io});
    c.async_call(no_response_type{}, [](auto&&) {});
}
