// serverops CLI: SIGINT and SIGTERM while work is queued or waited on. A first signal only sets a flag (and wakes
// an interruptible sleep through a self-pipe, both async-signal-safe); the command notices it at its next step,
// prints what it knows (queued servers and their job ids, the mode requested) and exits 128 + the signal (130 for
// SIGINT, 143 for SIGTERM). A request in flight is not cut: it ends within its own timeout. A second signal ends the
// program at once, with the default action.
#ifndef SERVEROPS_CLI_SIGNALS_HPP
#define SERVEROPS_CLI_SIGNALS_HPP

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <string_view>

namespace serverops_cli::stop_signal {

namespace detail {
inline volatile std::sig_atomic_t received = 0;
inline int wake_pipe[2] = {-1, -1};

inline void on_signal(int sig) {
    const int saved_errno = errno;
    if (received != 0) {  // the second one: the user insists
        std::signal(sig, SIG_DFL);
        std::raise(sig);  // blocked until this handler returns, then delivered
    }
    received = sig;
    if (wake_pipe[1] >= 0) (void)!::write(wake_pipe[1], "!", 1);
    errno = saved_errno;
}
}  // namespace detail

/// Catches SIGINT and SIGTERM from now on. SA_RESTART keeps the transport's blocking calls going; they are bounded
/// by their own timeouts, and the signal is acted upon when they return.
inline void install() {
    if (detail::wake_pipe[0] < 0 && ::pipe2(detail::wake_pipe, O_CLOEXEC | O_NONBLOCK) != 0)
        detail::wake_pipe[0] = detail::wake_pipe[1] = -1;  // sleeps then poll in short slices (see sleep_for)
    struct sigaction sa {};
    sa.sa_handler = detail::on_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    ::sigaction(SIGINT, &sa, nullptr);
    ::sigaction(SIGTERM, &sa, nullptr);
}

/// The signal received (SIGINT or SIGTERM), or 0.
inline int received() noexcept { return detail::received; }

inline std::string_view name(int sig) noexcept { return sig == SIGINT ? "SIGINT" : sig == SIGTERM ? "SIGTERM" : "a signal"; }

/// The exit code of a command stopped by `sig`: 128 + its number, as a shell reports a process killed by it.
inline int exit_code(int sig) noexcept { return 128 + sig; }

/// Sleeps for `d`, or less when a signal arrives first (at once: the handler writes to the pipe being polled).
/// Returns false when a signal was received.
template <class Rep, class Period>
bool sleep_for(std::chrono::duration<Rep, Period> d) {
    using namespace std::chrono;
    const auto until = steady_clock::now() + d;
    for (;;) {
        if (received() != 0) return false;
        const auto left = duration_cast<milliseconds>(until - steady_clock::now());
        if (left <= milliseconds::zero()) return true;
        // Without a pipe (pipe2 failed), wake up every 50 ms to look at the flag.
        const auto slice = detail::wake_pipe[0] >= 0 ? left : std::min(left, milliseconds(50));
        pollfd p{detail::wake_pipe[0], POLLIN, 0};
        (void)::poll(&p, detail::wake_pipe[0] >= 0 ? 1 : 0, static_cast<int>(std::min<long long>(slice.count(), 60000)));
    }
}

}  // namespace serverops_cli::stop_signal

#endif
