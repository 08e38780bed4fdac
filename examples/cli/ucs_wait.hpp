// serverops CLI: waiting until UCS reports a mode, on the library's waiting engine with ucs::mode_waiter (the 503
// switching window is expected, other errors end the wait, a deadline bounds it and every poll); the progress display
// is its observer. A stop signal (signals.hpp) ends the wait at its next step; the caller then finds
// stop_signal::received() set.
#ifndef SERVEROPS_CLI_UCS_WAIT_HPP
#define SERVEROPS_CLI_UCS_WAIT_HPP

#include "progress.hpp"
#include "signals.hpp"
#include "wait_engine.hpp"

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
    ucs::mode_waiter waiter(mode, policy, serverops::clock_type::now());
    progress_display progress("switch to " + std::string(ucs::to_string(mode)), "servers", 1);
    std::map<std::string, std::size_t> states;
    bool reached = false;
    auto on_poll = [&](const serverops::wait_event& e) {
        states.clear();
        ++states[e.observed.state];
        reached = waiter.last_status() && waiter.last_status()->mode == mode;
        progress.update(reached ? 1 : 0, states);
    };
    auto r = serverops::run_wait(s, waiter, interruptible_clock(progress), stoppable_observer(on_poll));
    progress.finish();
    return r;
}

}  // namespace serverops_cli::ucs_cli

#endif
