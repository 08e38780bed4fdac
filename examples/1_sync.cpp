// 1. Sync: log in, put two servers into maintenance, wait for the job, read one back. Runs against the embedded
//    emulator; for the real thing: `CLC_USERNAME=... CLC_PASSWORD=... 1_sync https://api.ctl.io/v2 SERVER...`
#include <serverops/beast/sync_transport.hpp>
#include <serverops/clc.hpp>
#include <serverops/clc/session.hpp>
#include <serverops/testing/emulator.hpp>

#include "example_target.hpp"

#include <iostream>

int main(int argc, char** argv) {
    serverops::testing::emulator emulator;  // stands in for api.ctl.io unless a base URL is given
    auto where = examples::target_of(argc, argv, "CLC");
    if (where.emulated) {
        if (!emulator.start()) return 3;
        where.use(emulator.clc_base_url(), "user", "password");
    }
    const auto servers = where.args_or({"WA1ALIASWB01", "WA1ALIASWB02"});

    namespace clc = serverops::clc;
    auto endpoint = serverops::parse_endpoint(where.base_url);
    auto context = clc::context::from_base_url(where.base_url);
    if (!endpoint || !context) {
        std::cerr << "bad base URL: " << (endpoint ? context.error() : endpoint.error()) << '\n';
        return 2;
    }
    clc::session<serverops::beast_sync_transport> session(serverops::beast_sync_transport(endpoint.value()),
                                                          {where.username, where.password}, context.value());

    serverops::polling_policy polling;
    polling.interval = std::chrono::milliseconds(50);
    auto done = session.start_and_wait(clc::start_maintenance{servers}, polling);
    if (!done) {
        std::cerr << done.error() << '\n';
        return 3;
    }
    for (auto& s : done.value().servers) std::cout << s.server_id << ": " << to_string(s.state) << '\n';

    auto server = session.call(clc::get_server{servers.front()});
    if (!server) return 3;
    std::cout << server.value().name << " in maintenance: " << std::boolalpha << server.value().in_maintenance_mode
              << '\n';
    return done.value().all_succeeded() && server.value().in_maintenance_mode ? 0 : 1;
}
