// 8. Alien4Cloud: put the whole server into maintenance while you work on it, write your progress into its
//    maintenance log, and take it out again. Changing the mode takes the ADMIN role: another user is refused
//    (errc::forbidden) and nothing changes. Enable, update and disable are not idempotent, so the session never
//    resends them: a failure that leaves the outcome unknown says `may_have_executed`; read the state, then decide.
//    For a real server: `A4C_USERNAME=... A4C_PASSWORD=... 8_a4c_maintenance https://a4c.example.com:8088`.
#include <serverops/a4c.hpp>
#include <serverops/a4c/session.hpp>
#include <serverops/beast/sync_transport.hpp>
#include <serverops/testing/full_emulator.hpp>

#include "example_target.hpp"

#include <iostream>
#include <string>

namespace a4c = serverops::a4c;
using session_type = a4c::session<serverops::beast_sync_transport>;  // form login; a4c::jwt_authenticator for JWT

namespace {

void print(const a4c::maintenance_state& s) {
    if (!s.enabled) {
        std::cout << "   maintenance off\n";
        return;
    }
    std::cout << "   maintenance on (last change by " << serverops::printable(s.user) << "), progress "
              << s.progress_percent.value_or(0) << "%\n";
    for (auto& entry : s.log)
        std::cout << "     log: " << serverops::printable(entry.user) << ": " << serverops::printable(entry.message)
                  << '\n';
}

// One step's outcome; a failed change that may have reached the server is said so.
bool report(const char* step, const serverops::result<void>& r) {
    std::cout << "-- " << step << ": " << (r ? std::string("done") : r.error().message()) << '\n';
    if (!r && r.error().may_have_executed) std::cout << "   read the maintenance state before trying again\n";
    return bool(r);
}

}  // namespace

int main(int argc, char** argv) {
    serverops::testing::full_emulator emulator;  // serves CLC, A4C and UCS; this example talks to its A4C
    auto where = examples::target_of(argc, argv, "A4C");
    if (where.emulated) {
        if (!emulator.start()) return 3;
        where.use(emulator.a4c_base_url(), "admin", "admin");
    }
    auto endpoint = serverops::parse_endpoint(where.base_url);
    auto context = a4c::context::from_base_url(where.base_url);
    if (!endpoint || !context) {
        std::cerr << "bad base URL: " << (endpoint ? context.error() : endpoint.error()) << '\n';
        return 2;
    }
    session_type admin(serverops::beast_sync_transport(endpoint.value()),
                       a4c::form_authenticator{{where.username, where.password}}, context.value());

    std::cout << "-- state before\n";
    auto before = admin.call(a4c::get_maintenance_state{});
    if (!before) {
        std::cerr << before.error() << '\n';
        return 3;
    }
    print(before.value());
    if (before.value().enabled) {
        std::cerr << "maintenance is on already: someone else is at work; leaving it alone\n";
        return 1;
    }

    bool ok = true;
    if (where.emulated) {  // the emulator's frodo/frodo has no role
        session_type frodo(serverops::beast_sync_transport(endpoint.value()),
                           a4c::form_authenticator{{"frodo", "frodo"}}, context.value());
        auto refused = frodo.call(a4c::enable_maintenance{});
        report("frodo (no ADMIN role) enables maintenance", refused);
        ok &= !refused && refused.error().is(serverops::errc::forbidden);
    }

    if (!report("enable maintenance", admin.call(a4c::enable_maintenance{}))) return 1;
    for (int progress : {30, 70, 100}) {
        a4c::update_maintenance update;
        std::string message = "upgrade: ";
        message += std::to_string(progress);
        message += "% done";
        update.message = std::move(message);
        update.progress_percentage = progress;
        ok &= report("update progress", admin.call(update));
    }
    a4c::update_maintenance out_of_range;
    out_of_range.progress_percentage = 140;  // refused before anything is sent
    auto invalid = admin.call(out_of_range);
    report("update progress to 140%", invalid);
    ok &= !invalid && invalid.error().is(serverops::errc::invalid_request);

    std::cout << "-- state during\n";
    auto during = admin.call(a4c::get_maintenance_state{});
    if (during) print(during.value());
    ok &= during && during.value().enabled && during.value().progress_percent == 100;

    ok &= report("disable maintenance", admin.call(a4c::disable_maintenance{}));
    auto after = admin.call(a4c::get_maintenance_state{});
    ok &= after && !after.value().enabled;
    std::cout << (ok ? "a4c maintenance example: all steps succeeded\n" : "a4c maintenance example: a step failed\n");
    return ok ? 0 : 1;
}
