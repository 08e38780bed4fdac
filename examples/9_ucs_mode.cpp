// 9. Genesys UCS: switch the server to maintenance mode for schema work and back to production, waiting for each
//    switch on the library's waiting engine. UCS answers 503 while it switches; the wait rides that window out
//    within its deadline, and an observer shows every poll (use it for logs or metrics).
//    For a real server: `[UCS_USERNAME=... UCS_PASSWORD=...] 9_ucs_mode http://ucs:8080/genesys/1/cs`.
#include <serverops/beast/sync_transport.hpp>
#include <serverops/testing/full_emulator.hpp>
#include <serverops/ucs.hpp>
#include <serverops/ucs/session.hpp>
#include <serverops/ucs/wait.hpp>

#include "example_target.hpp"

#include <chrono>
#include <iostream>

namespace ucs = serverops::ucs;
using namespace std::chrono_literals;

int main(int argc, char** argv) {
    serverops::testing::full_emulator emulator;  // serves CLC, A4C and UCS; this example talks to its UCS
    auto where = examples::target_of(argc, argv, "UCS");
    if (where.emulated) {
        emulator.ucs().set_switch_delay(1s);  // how long the emulated UCS answers 503 after a switch
        if (!emulator.start()) return 3;
        where.use(emulator.ucs_base_url(), "", "");  // the emulator's UCS has no authentication by default
    }
    auto endpoint = serverops::parse_endpoint(where.base_url);
    auto context = ucs::context::from_base_url(where.base_url, where.username, where.password);
    if (!endpoint || !context) {
        std::cerr << "bad base URL: " << (endpoint ? context.error() : endpoint.error()) << '\n';
        return 2;
    }
    ucs::session<serverops::beast_sync_transport> server(serverops::beast_sync_transport(endpoint.value()), {},
                                                         context.value());

    auto status = server.call(ucs::get_server_status{});
    if (!status) {
        std::cerr << status.error() << '\n';
        return 3;
    }
    std::cout << "UCS " << serverops::printable(status.value().version) << " is in " << status.value().mode
              << " mode\n";
    if (status.value().mode != ucs::server_mode::production) {
        std::cerr << "not in production mode: someone else is at work; leaving it alone\n";
        return 1;
    }

    serverops::polling_policy polling;
    polling.interval = 100ms;  // poll GET /server/status every 100 ms...
    polling.timeout = 30s;     // ...for at most 30 s after the switch request
    serverops::wait_observer progress;
    progress.on_poll = [](const serverops::wait_event& e) {
        if (!e.observed.changed) return;  // print state changes only
        std::cout << "   poll " << e.polls << " after "
                  << std::chrono::duration_cast<std::chrono::milliseconds>(e.elapsed).count()
                  << " ms: " << serverops::printable(e.observed.state) << '\n';
    };

    bool ok = true;
    for (auto mode : {ucs::server_mode::maintenance, ucs::server_mode::production}) {
        std::cout << "-- switch to " << mode << '\n';
        auto switched = ucs::switch_mode_and_wait(server, mode, polling, progress);
        if (!switched) {
            std::cerr << switched.error() << '\n';  // the detail names the last known mode
            if (switched.error().may_have_executed) std::cerr << "the switch may have been made: check the mode\n";
            return 1;
        }
        std::cout << "   now in " << switched.value().mode << " mode\n";
        ok &= switched.value().mode == mode;
        if (mode == ucs::server_mode::maintenance) std::cout << "   (schema work would happen here)\n";
    }
    std::cout << (ok ? "ucs mode example: all steps succeeded\n" : "ucs mode example: a step failed\n");
    return ok ? 0 : 1;
}
