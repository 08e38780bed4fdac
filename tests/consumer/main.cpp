// Uses the installed client headers: one CLC call through the public mock transport (part of the client component).
#include <serverops.hpp>
#include <serverops/testing/mock_transport.hpp>
#include <serverops/version.hpp>

#include <iostream>

static_assert(serverops::version_string == SERVEROPS_EXPECTED_VERSION, "version.hpp and the package disagree");
static_assert(SERVEROPS_VERSION ==
              SERVEROPS_VERSION_MAJOR * 10000 + SERVEROPS_VERSION_MINOR * 100 + SERVEROPS_VERSION_PATCH);

int main() {
    serverops::testing::mock_transport transport;
    transport.push(200, R"({"status":"succeeded"})");
    serverops::client<serverops::testing::mock_transport&, serverops::clc::context> client(
        transport, serverops::clc::context{"/v2", "ALIAS", "token"});
    auto r = client.call(serverops::clc::get_status{"wa1-1"});
    if (!r || r.value().status != serverops::clc::job_status::succeeded) {
        std::cerr << "consumer: unexpected result\n";
        return 1;
    }
    std::cout << "consumer " << serverops::version_string << ": ok\n";
    return 0;
}
