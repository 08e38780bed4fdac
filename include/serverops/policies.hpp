// Retry and polling policies, and which errors are transient. Values, not class hierarchies: copy and tweak.
#ifndef SERVEROPS_POLICIES_HPP
#define SERVEROPS_POLICIES_HPP

#include <serverops/error.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <functional>
#include <optional>
#include <random>
#include <thread>

namespace serverops {

using clock_type = std::chrono::steady_clock;

/// Errors worth another attempt of an idempotent request: the server may answer next time.
inline bool is_transient(const error& e) noexcept {
    switch (e.kind()) {
    case errc::transport_failure:
    case errc::timeout:
    case errc::connection_closed:
    case errc::server_error:
    case errc::unavailable:
    case errc::too_many_requests:
    case errc::busy:
        return true;
    default:
        return false;
    }
}

/// Truncated exponential backoff with full jitter, for idempotent requests only. Non-idempotent requests (power and
/// maintenance POSTs) are never retried, whatever this says.
struct retry_policy {
    int max_attempts = 3;                                   ///< including the first; 1 disables retries
    std::chrono::milliseconds initial_backoff{200};
    std::chrono::milliseconds max_backoff{5000};
    double multiplier = 2.0;
    std::chrono::milliseconds max_elapsed{30000};          ///< no retry starts after this much time
    bool jitter = true;

    static retry_policy none() { return retry_policy{.max_attempts = 1}; }
};

namespace detail {
/// The state of one request's retries. Sans-I/O: says how long to wait, the caller sleeps.
class retry_state {
public:
    retry_state(const retry_policy& p, clock_type::time_point start, std::uint64_t seed)
        : policy_(p), start_(start), rng_(seed) {}

    /// How long to wait before the next attempt, or nothing when the error is final.
    std::optional<std::chrono::milliseconds> next_delay(const error& e, bool idempotent, clock_type::time_point now) {
        if (!idempotent || !is_transient(e) || ++attempts_ >= policy_.max_attempts) return std::nullopt;
        if (now - start_ >= policy_.max_elapsed) return std::nullopt;
        auto cap = std::min<double>(static_cast<double>(policy_.max_backoff.count()),
                                    static_cast<double>(policy_.initial_backoff.count()) *
                                        std::pow(policy_.multiplier, attempts_ - 1));
        auto delay = std::chrono::milliseconds(static_cast<std::int64_t>(cap));
        if (policy_.jitter && delay.count() > 0)
            delay = std::chrono::milliseconds(std::uniform_int_distribution<std::int64_t>(delay.count() / 2, delay.count())(rng_));
        if (e.retry_after) delay = std::max<std::chrono::milliseconds>(delay, *e.retry_after);  // the server knows best
        if (now + delay - start_ > policy_.max_elapsed) return std::nullopt;
        if (deadline_ && now + delay >= *deadline_) return std::nullopt;  // the caller's deadline comes first
        return delay;
    }
    /// No retry is scheduled to start at or after `deadline` (a wait's deadline bounds its requests' retries).
    void bound_by(std::optional<clock_type::time_point> deadline) noexcept { deadline_ = deadline; }
    int attempts() const noexcept { return attempts_ + 1; }

private:
    retry_policy policy_;
    clock_type::time_point start_;
    std::minstd_rand rng_;
    int attempts_ = 0;
    std::optional<clock_type::time_point> deadline_;
};
}  // namespace detail

/// How to wait for queued jobs: poll every `interval` (optionally growing), give up at `timeout`.
struct polling_policy {
    std::chrono::milliseconds interval{2000};
    double growth = 1.0;                         ///< interval multiplier per round (1 = fixed)
    std::chrono::milliseconds max_interval{30000};
    std::chrono::milliseconds timeout{std::chrono::minutes(15)};  ///< mandatory: no wait is unbounded
    int max_consecutive_poll_errors = 5;         ///< transient status-poll failures tolerated per job in a row
};

/// Time source and sleeper for the sync paths; tests inject a fake pair so waits and backoffs run instantly.
struct sync_clock {
    std::function<clock_type::time_point()> now = [] { return clock_type::now(); };
    std::function<void(clock_type::duration)> sleep = [](clock_type::duration d) { std::this_thread::sleep_for(d); };
};

}  // namespace serverops

#endif
