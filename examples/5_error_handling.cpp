// 5. Error handling: every failure is a serverops::error with a kind (errc), the HTTP status, the vendor's own code
//    and message (kept apart: it is untrusted server text) and the operation's name. Partial failures of a batch
//    are per server, not one error for the whole call.
#include <serverops/beast/sync_transport.hpp>
#include <serverops/clc.hpp>
#include <serverops/clc/session.hpp>
#include <serverops/testing/emulator.hpp>

#include <iostream>

namespace clc = serverops::clc;
using serverops::errc;

int main() {
    serverops::testing::emulator emulator;
    if (!emulator.start()) return 3;
    const std::string url = emulator.clc_base_url();
    auto endpoint = serverops::parse_endpoint(url).value();
    auto context = clc::context::from_base_url(url).value();
    int checks_passed = 0;

    // Whole-call failure: wrong password. Never retried, and the password is nowhere in the message.
    clc::session<serverops::beast_sync_transport> intruder(serverops::beast_sync_transport(endpoint),
                                                           {"user", "guess"}, context);
    auto denied = intruder.call(clc::get_server{"WA1ALIASWB01"});
    if (!denied && denied.error().is(errc::authentication_failed)) {
        std::cout << "1. " << denied.error() << '\n';
        ++checks_passed;
    }

    // Per-server failures: one unknown server, one whose job fails.
    emulator.clc().fail_jobs_for("WA1ALIASWB02");
    clc::session<serverops::beast_sync_transport> ops(serverops::beast_sync_transport(endpoint), {"user", "password"},
                                                      context);
    serverops::polling_policy polling;
    polling.interval = std::chrono::milliseconds(50);
    auto batch = ops.start_and_wait(clc::reboot{{"WA1ALIASWB01", "WA1ALIASNOPE"}}, polling);
    auto failing = ops.start_and_wait(clc::reboot{{"WA1ALIASWB02"}}, polling);
    if (batch && failing) {
        for (auto* w : {&batch.value(), &failing.value()})
            for (auto& s : w->servers) {
                std::cout << "2. " << s.server_id << ": " << to_string(s.state);
                if (s.problem) std::cout << " - " << s.problem->message();
                std::cout << '\n';
            }
        checks_passed += batch.value().count(clc::server_state::not_queued) == 1;
        checks_passed += failing.value().servers[0].state == clc::server_state::failed;
    }

    // Transport-level: nothing listens on the port. A typed error, not an exception.
    auto closed = serverops::parse_endpoint("http://127.0.0.1:1/v2").value();
    clc::session<serverops::beast_sync_transport> nowhere(serverops::beast_sync_transport(closed), {"u", "p"},
                                                          context);
    auto unreachable = nowhere.call(clc::get_status{"wa1-1"});
    if (!unreachable) {
        switch (unreachable.error().kind()) {
        case errc::transport_failure:
        case errc::timeout:
            std::cout << "3. " << unreachable.error() << '\n';
            ++checks_passed;
            break;
        default:
            break;
        }
    }
    return checks_passed == 4 ? 0 : 1;
}
