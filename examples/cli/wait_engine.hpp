// serverops CLI: what the commands plug into the library's waiting engine — a clock whose sleeps a stop signal
// interrupts (while the progress line keeps ticking) and an observer that redraws progress and asks to stop on a
// signal. The waiting itself is the library's (serverops::run_wait).
#ifndef SERVEROPS_CLI_WAIT_ENGINE_HPP
#define SERVEROPS_CLI_WAIT_ENGINE_HPP

#include "progress.hpp"
#include "signals.hpp"

#include <serverops/wait.hpp>

#include <algorithm>
#include <chrono>
#include <type_traits>
#include <utility>

namespace serverops_cli {

/// Real time; sleeps in slices of at most 200 ms that end at once on SIGINT/SIGTERM, ticking the progress line.
inline serverops::sync_clock interruptible_clock(progress_display& progress) {
    using clock = serverops::clock_type;
    return serverops::sync_clock{[] { return clock::now(); },
                                 [&progress](clock::duration d) {
                                     const auto until = clock::now() + d;
                                     for (auto left = d; left > clock::duration::zero(); left = until - clock::now()) {
                                         if (!stop_signal::sleep_for(
                                                 std::min<clock::duration>(left, std::chrono::milliseconds(200))))
                                             return;
                                         progress.tick();
                                     }
                                 }};
}

/// Calls `on_poll` after every poll; a stop signal ends the wait at its next step.
template <class OnPoll>
serverops::wait_observer stoppable_observer(OnPoll on_poll) {
    return serverops::wait_observer{[f = std::move(on_poll)](const serverops::wait_event& e) mutable {
                                        if constexpr (std::is_invocable_v<OnPoll&, const serverops::wait_event&>) f(e);
                                        else f();
                                    },
                                    [] { return stop_signal::received() != 0; }};
}

}  // namespace serverops_cli

#endif
