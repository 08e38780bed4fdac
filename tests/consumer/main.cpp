// Uses the installed headers: one CLC call through the public mock transport.
#include <serverops.hpp>
#include <serverops/testing/mock_transport.hpp>

#include <iostream>

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
    std::cout << "consumer: ok\n";
    return 0;
}
