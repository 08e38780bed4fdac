// A well-formed operation of vendor B sent through vendor A's session, asynchronously: one static_assert says so.
#include "fakes.hpp"

#include <serverops/session.hpp>

struct static_auth {
    using context_type = fake::context_a;
    bool has_credentials(const fake::context_a&) const { return true; }
    void forget(fake::context_a&) const {}
    bool is_rejection(const serverops::error&) const { return false; }
};

int main() {
    boost::asio::io_context io;
    serverops::session<fake::async_transport, static_auth> s(fake::async_transport{&io}, static_auth{});
    s.async_call(fake::op_of_b{}, [](auto&&) {});
}
