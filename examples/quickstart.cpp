// The quickstart tour: starts the embedded emulator on a loopback port and drives it through the library over real
// HTTP, the way you would drive the real APIs. No account and no network needed.
#include <serverops/beast/sync_transport.hpp>
#include <serverops/clc.hpp>
#include <serverops/clc/session.hpp>
#include <serverops/testing/emulator.hpp>

#include <iostream>

namespace clc = serverops::clc;
using namespace std::chrono_literals;

namespace {

void print(const clc::wait_result& w) {
    for (auto& s : w.servers) {
        std::cout << "    " << s.server_id << ": " << to_string(s.state);
        if (s.last_status) std::cout << " (job " << s.status_id << " " << *s.last_status << ")";
        if (s.problem && s.state != clc::server_state::succeeded) std::cout << " - " << s.problem->message();
        std::cout << '\n';
    }
}

bool tour_clc(const std::string& base_url, const serverops::testing::clc_options& demo) {
    std::cout << "== CenturyLink Cloud v2 at " << base_url << "\n";
    auto endpoint = serverops::parse_endpoint(base_url);
    auto context = clc::context::from_base_url(base_url);
    if (!endpoint || !context) return false;
    clc::session<serverops::beast_sync_transport> session(serverops::beast_sync_transport(endpoint.value()),
                                                          {demo.username, demo.password}, context.value());
    serverops::polling_policy polling;
    polling.interval = 50ms;
    polling.timeout = 30s;

    std::cout << "-- startMaintenance on three servers (one does not exist), waiting for the jobs\n";
    auto started = session.start_and_wait(clc::start_maintenance{{"WA1ALIASWB01", "wa1aliaswb02", "WA1ALIASXX99"}}, polling);
    if (!started) {
        std::cerr << started.error() << '\n';
        return false;
    }
    print(started.value());

    std::cout << "-- setMaintenance: WB01 off, WB03 on\n";
    auto mixed = session.start_and_wait(clc::set_maintenance{{{"WA1ALIASWB01", false}, {"WA1ALIASWB03", true}}}, polling);
    if (!mixed) return false;
    print(mixed.value());

    std::cout << "-- shutDown WB04\n";
    auto down = session.start_and_wait(clc::shut_down{{"WA1ALIASWB04"}}, polling);
    if (!down) return false;
    print(down.value());

    for (auto id : {"WA1ALIASWB01", "WA1ALIASWB03", "WA1ALIASWB04"}) {
        auto server = session.call(clc::get_server{id});
        if (!server) return false;
        std::cout << "    " << server.value().name << ": power " << to_string(server.value().power)
                  << ", maintenance " << (server.value().in_maintenance_mode ? "on" : "off") << '\n';
    }
    return started.value().count(clc::server_state::succeeded) == 2 && mixed.value().all_succeeded() &&
           down.value().all_succeeded();
}

}  // namespace

int main() {
    serverops::testing::emulator emulator;
    if (auto started = emulator.start(); !started) {
        std::cerr << "emulator: " << started.error() << '\n';
        return 3;
    }
    std::cout << "emulator listening on " << emulator.base_url() << "\n\n";
    const bool ok = tour_clc(emulator.clc_base_url(), emulator.settings().clc);
    std::cout << (ok ? "\nquickstart: all steps succeeded\n" : "\nquickstart: a step failed\n");
    return ok ? 0 : 1;
}
