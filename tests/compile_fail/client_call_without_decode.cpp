// client::call with an operation that has no decode(): the first error is check_operation's static_assert.
#include "fakes.hpp"

struct no_decode {
    using response_type = std::string;
    using context_type = fake::context_a;
    static constexpr std::string_view name = "a.noDecode";
    static constexpr serverops::verb method = serverops::verb::get;
    static constexpr bool idempotent = true;
    std::string target(const fake::context_a&) const { return "/x"; }
};

int main() {
    serverops::client<fake::sync_transport, fake::context_a> c(fake::sync_transport{});
    (void)c.call(no_decode{});
}
