// A well-formed operation of vendor B sent through vendor A's client: one static_assert says so.
#include "fakes.hpp"

int main() {
    serverops::client<fake::sync_transport, fake::context_a> c(fake::sync_transport{});
    (void)c.call(fake::op_of_b{});
}
