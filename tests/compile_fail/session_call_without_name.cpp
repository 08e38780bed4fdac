// session::call with an operation that has no name: the first error is check_operation's static_assert.
#include "fakes.hpp"

#include <serverops/session.hpp>

struct static_auth {
    using context_type = fake::context_a;
    bool has_credentials(const fake::context_a&) const { return true; }
    void forget(fake::context_a&) const {}
    bool is_rejection(const serverops::error&) const { return false; }
};

struct no_name {
    using response_type = std::string;
    using context_type = fake::context_a;
    static constexpr serverops::verb method = serverops::verb::get;
    static constexpr bool idempotent = true;
    std::string target(const fake::context_a&) const { return "/x"; }
    serverops::result<std::string> decode(const serverops::http_response&) const { return std::string(); }
};

int main() {
    serverops::session<fake::sync_transport, static_auth> s(fake::sync_transport{}, static_auth{});
    (void)s.call(no_name{});
}
