// 4. Testing your own code with the public mock transport: script the API's answers, run your logic, check what it
//    sent. No network, no emulator. (A unit-test framework would wrap the checks; plain checks keep this short.)
#include <serverops/clc.hpp>
#include <serverops/clc/session.hpp>
#include <serverops/testing/mock_transport.hpp>

#include <iostream>

namespace clc = serverops::clc;
using serverops::testing::mock_transport;

// The code under test: drain a server before maintenance, report whether it made it.
template <class Session>
bool enter_maintenance(Session& session, const std::string& server) {
    serverops::polling_policy fast;
    fast.interval = std::chrono::milliseconds(0);
    auto done = session.start_and_wait(clc::start_maintenance{{server}}, fast);
    return done && done.value().all_succeeded();
}

#define CHECK(cond)                                                                   \
    do {                                                                              \
        if (!(cond)) {                                                                \
            std::cerr << __FILE__ << ":" << __LINE__ << ": check failed: " #cond "\n"; \
            return 1;                                                                 \
        }                                                                             \
    } while (0)

int main() {
    mock_transport api;
    api.push(200, R"({"userName":"u","accountAlias":"ACME","locationAlias":"WA1","roles":[],"bearerToken":"t"})");
    api.push(200, R"([{"server":"wa1acmeweb01","isQueued":true,
                      "links":[{"rel":"status","href":"/v2/operations/acme/status/wa1-7","id":"wa1-7"}]}])");
    api.push(200, R"({"status":"executing"})");
    api.push(200, R"({"status":"succeeded"})");

    clc::session<mock_transport&> session(api, {"u", "p"});
    CHECK(enter_maintenance(session, "WA1ACMEWEB01"));

    auto sent = api.requests();
    CHECK(sent.size() == 4);
    CHECK(sent[1].target == "/v2/operations/ACME/servers/startMaintenance");
    CHECK(sent[1].body == R"(["WA1ACMEWEB01"])");
    CHECK(sent[3].target == "/v2/operations/ACME/status/wa1-7");

    // A failed job is a failure of our code too.
    api.push(200, R"([{"server":"wa1acmeweb01","isQueued":true,
                      "links":[{"rel":"status","href":"/v2/operations/acme/status/wa1-8","id":"wa1-8"}]}])");
    api.push(200, R"({"status":"failed"})");
    CHECK(!enter_maintenance(session, "WA1ACMEWEB01"));
    std::cout << "mock transport example: all checks passed\n";
    return 0;
}
