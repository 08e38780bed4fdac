// 1. Sync: log in, put two servers into maintenance, wait for the job, read one back. Runs against the embedded
//    emulator; point the session at https://api.ctl.io/v2 with real credentials for the real thing.
#include <serverops/beast/sync_transport.hpp>
#include <serverops/clc.hpp>
#include <serverops/clc/session.hpp>
#include <serverops/testing/emulator.hpp>

#include <iostream>

int main() {
    serverops::testing::emulator emulator;  // stands in for api.ctl.io
    if (!emulator.start()) return 3;
    const std::string base_url = emulator.clc_base_url();

    namespace clc = serverops::clc;
    clc::session<serverops::beast_sync_transport> session(
        serverops::beast_sync_transport(serverops::parse_endpoint(base_url).value()), {"user", "password"},
        clc::context::from_base_url(base_url).value());

    serverops::polling_policy polling;
    polling.interval = std::chrono::milliseconds(50);
    auto done = session.start_and_wait(clc::start_maintenance{{"WA1ALIASWB01", "WA1ALIASWB02"}}, polling);
    if (!done) {
        std::cerr << done.error() << '\n';
        return 3;
    }
    for (auto& s : done.value().servers) std::cout << s.server_id << ": " << to_string(s.state) << '\n';

    auto server = session.call(clc::get_server{"WA1ALIASWB01"});
    if (!server) return 3;
    std::cout << server.value().name << " in maintenance: " << std::boolalpha << server.value().in_maintenance_mode
              << '\n';
    return done.value().all_succeeded() && server.value().in_maintenance_mode ? 0 : 1;
}
