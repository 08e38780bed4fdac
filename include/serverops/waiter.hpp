// The waiter protocol and the timing every wait shares (light: no Asio). Drivers are in serverops/wait.hpp.
//
// A waiter is a sans-I/O state machine: asked `next(now)` it says "send this poll", "sleep this long" or "done";
// told `on_poll(...)` it records the answer. `poll_schedule` holds the timing rules, written once:
// - the first poll is immediate; then one round of polls per interval (times `growth`, capped by `max_interval`);
// - the deadline (`start + policy.timeout`) bounds everything: no poll starts after it, no sleep passes it, and each
//   request of a poll gets at most the time left (connect, TLS handshake and request timeouts are capped by it);
// - a `Retry-After` from the last answer stretches the next sleep; one that reaches past the deadline ends the wait
//   at once with the last known state (sleeping through it could not help).
#ifndef SERVEROPS_WAITER_HPP
#define SERVEROPS_WAITER_HPP

#include <serverops/operation.hpp>
#include <serverops/policies.hpp>

#include <algorithm>
#include <chrono>
#include <concepts>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace serverops {

/// What a waiter asks its driver to do next.
template <class PollOperation>
struct wait_step {
    enum kind_t { poll, sleep, done } kind = done;
    PollOperation request{};        ///< for poll: the operation to send
    clock_type::duration delay{};   ///< for sleep
};

/// What one poll showed, reported to the observer.
struct wait_observation {
    std::string target;    ///< what was polled: a job id, "server mode", a task URI
    std::string state;     ///< its state after the poll ("executing", "maintenance", "poll error: timed out", ...)
    bool changed = false;  ///< the state differs from the previous poll of the same target
};

/// Delivered to the observer after every poll. `target` and `state` may hold server text: escape them
/// (`printable`) before printing.
struct wait_event {
    std::string_view wait;             ///< the wait's name, e.g. "clc.wait"
    const wait_observation& observed;
    clock_type::duration elapsed;      ///< since the wait started
    int polls;                         ///< polls sent so far, this one included
};

/// Progress hook: called on the driver's thread (sync) or the wait's executor (async) after each poll. Use it for
/// progress displays, logs or metrics; it must not throw.
struct wait_observer {
    std::function<void(const wait_event&)> on_poll;
    /// Sync driver only (async waits use per-operation cancellation): asked before every step; `true` ends the
    /// wait as a cancellation does, and the waiter reports what it knows. E.g. a CLI stopping on SIGINT.
    std::function<bool()> stop_requested;

    void notify(const wait_event& e) const {
        if (on_poll) on_poll(e);
    }
    bool should_stop() const { return stop_requested && stop_requested(); }
};

/// A waiter: `next(now)` -> wait_step; `on_poll(request, result, now)` -> wait_observation; `deadline()`;
/// `cancel()` (the driver stops: report what is known); `outcome()` -> result<value_type> once `next` said done or
/// after `cancel()`.
template <class W>
concept waiter = requires(W& w, const W& cw, clock_type::time_point now) {
    typename W::poll_operation;
    typename W::value_type;
    requires operation<typename W::poll_operation>;
    { W::name } -> std::convertible_to<std::string_view>;
    { w.next(now) } -> std::same_as<wait_step<typename W::poll_operation>>;
    { w.on_poll(std::declval<const typename W::poll_operation&>(),
                std::declval<const result<typename W::poll_operation::response_type>&>(), now) }
        -> std::same_as<wait_observation>;
    { cw.deadline() } -> std::same_as<clock_type::time_point>;
    { w.cancel() } -> std::same_as<void>;
    { cw.outcome() } -> std::same_as<result<typename W::value_type>>;
};

/// The shared timing of every wait (see the file comment). Sans-I/O: it computes, the driver sleeps.
class poll_schedule {
public:
    poll_schedule(const polling_policy& policy, clock_type::time_point start)
        : policy_(policy), start_(start), deadline_(start + policy.timeout), interval_(policy.interval) {}

    clock_type::time_point start() const noexcept { return start_; }
    clock_type::time_point deadline() const noexcept { return deadline_; }
    bool expired(clock_type::time_point now) const noexcept { return now >= deadline_; }

    /// Records the answer of a poll: a Retry-After in an error stretches the next sleep.
    void note(const error& e) noexcept {
        if (e.retry_after) retry_after_ = std::max(retry_after_.value_or(std::chrono::seconds(0)), *e.retry_after);
    }
    void note_success() noexcept {}

    /// The sleep before the next round, or nothing when the wait must end now: the deadline has passed, or the
    /// server asked for a pause that reaches past it (`gave_up_for_retry_after()` then says so).
    std::optional<clock_type::duration> next_sleep(clock_type::time_point now) {
        if (expired(now)) return std::nullopt;
        const auto left = deadline_ - now;
        clock_type::duration delay = interval_;
        if (retry_after_) {
            const auto asked = std::chrono::duration_cast<clock_type::duration>(*retry_after_);
            retry_after_.reset();
            if (asked >= left) {
                gave_up_for_retry_after_ = std::chrono::duration_cast<std::chrono::seconds>(asked);
                return std::nullopt;
            }
            delay = std::max(delay, asked);
        }
        const auto grown = std::chrono::duration_cast<clock_type::duration>(interval_ * std::max(policy_.growth, 1.0));
        interval_ = std::min<clock_type::duration>(grown, policy_.max_interval);
        return std::min(delay, left);
    }

    /// Set when the wait ended early because a Retry-After reached past the deadline.
    std::optional<std::chrono::seconds> gave_up_for_retry_after() const noexcept { return gave_up_for_retry_after_; }

    /// " (the server asked to retry after N s, past the deadline)" or "", for the deadline error's detail.
    std::string retry_after_note() const {
        if (!gave_up_for_retry_after_) return {};
        return "; the server asked to retry after " + std::to_string(gave_up_for_retry_after_->count()) +
               " s, past the wait's deadline";
    }

    int max_consecutive_poll_errors() const noexcept { return policy_.max_consecutive_poll_errors; }

    /// A poll that timed out at or after the deadline was cut short by the wait's own deadline (each poll gets only
    /// the time left): it says nothing about the target, so the last known state stands.
    template <class T>
    bool cut_by_deadline(const result<T>& r, clock_type::time_point now) const noexcept {
        return !r && r.error().is(errc::timeout) && expired(now);
    }

private:
    polling_policy policy_;
    clock_type::time_point start_;
    clock_type::time_point deadline_;
    clock_type::duration interval_;
    std::optional<std::chrono::seconds> retry_after_;
    std::optional<std::chrono::seconds> gave_up_for_retry_after_;
};

}  // namespace serverops

#endif
