// serverops CLI: waiting until UCS reports a mode. Drives the library's ucs::mode_waiter (the same rules as
// ucs::wait_until_mode: the 503 switching window is expected, other errors end the wait, a deadline bounds it)
// here, so that the progress display sees every poll. A stop signal (signals.hpp) ends the wait at its next step; the
// caller then finds stop_signal::received() set.
#ifndef SERVEROPS_CLI_UCS_WAIT_HPP
#define SERVEROPS_CLI_UCS_WAIT_HPP

#include "progress.hpp"
#include "signals.hpp"

#include <serverops/policies.hpp>
#include <serverops/ucs.hpp>
#include <serverops/ucs/wait.hpp>

#include <algorithm>
#include <map>
#include <string>

namespace serverops_cli::ucs_cli {

template <class Session>
serverops::result<serverops::ucs::server_status> wait_for_mode(Session& s, serverops::ucs::server_mode mode,
                                                               const serverops::polling_policy& policy) {
    namespace ucs = serverops::ucs;
    using clock = serverops::clock_type;
    ucs::mode_waiter waiter(mode, policy, clock::now());
    progress_display progress("switch to " + std::string(ucs::to_string(mode)), "servers", 1);
    for (;;) {
        if (stop_signal::received()) break;
        auto step = waiter.next(clock::now());
        if (step.kind == ucs::mode_waiter::step::done) break;
        if (step.kind == ucs::mode_waiter::step::poll) {
            auto r = s.call(ucs::get_server_status{});
            std::map<std::string, std::size_t> states;
            if (r) ++states["in " + std::string(ucs::to_string(r.value().mode)) + " mode"];
            else if (r.error().is(serverops::errc::mode_switching)) ++states["switching"];
            else ++states["poll error"];
            const bool reached = r && r.value().mode == mode;
            waiter.on_poll(r);
            progress.update(reached ? 1 : 0, states);
            continue;
        }
        const auto until = clock::now() + step.delay;
        for (auto left = step.delay; left > clock::duration::zero(); left = until - clock::now()) {
            if (!stop_signal::sleep_for(std::min<clock::duration>(left, std::chrono::milliseconds(200)))) break;
            progress.tick();
        }
    }
    progress.finish();
    return waiter.outcome();
}

}  // namespace serverops_cli::ucs_cli

#endif
