// Waiting for UCS to reach a server mode: poll GET /server/status until `mode` is the one asked for, riding out the
// 503 of the switching window, or give up at a deadline. Sync and async (any completion token), through a
// ucs::session or any client whose context is ucs::context.
//
//     auto switched = ucs::switch_mode_and_wait(session, ucs::server_mode::maintenance, policy);
//     auto st = co_await ucs::async_wait_until_mode(session, ucs::server_mode::production, policy, use_awaitable);
#ifndef SERVEROPS_UCS_WAIT_HPP
#define SERVEROPS_UCS_WAIT_HPP

#include <serverops/wait.hpp>
#include <serverops/ucs/server_mode.hpp>
#include <serverops/ucs/types.hpp>

#include <boost/asio/compose.hpp>
#include <boost/asio/prepend.hpp>

#include <algorithm>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>

namespace serverops::ucs {

/// Name stamped on the errors of a wait.
inline constexpr std::string_view wait_operation_name = "ucs.waitUntilMode";

/// The wait, a waiter of the shared engine (serverops/waiter.hpp): polls GET /server/status on the shared
/// `poll_schedule` (first poll at once, interval and growth, never past the deadline, Retry-After within it).
///
/// Rules of its own:
/// - A status with the target mode ends the wait with that status.
/// - 503 (errc::busy) is the switching window: expected, not counted, bounded by the deadline only.
/// - Other transient errors (is_transient) are tolerated up to `policy.max_consecutive_poll_errors` in a row; the
///   last one is then the result. Any other error (401, 403, 400, a malformed status...) ends the wait at once.
/// - At the deadline: errc::deadline_exceeded, whose `detail` names the target and the last known mode (or that
///   UCS was still switching, or the last poll error's kind). Cancelled: errc::cancelled, same detail.
class mode_waiter {
public:
    using poll_operation = get_server_status;
    using value_type = server_status;
    using step = wait_step<get_server_status>;
    static constexpr std::string_view name = wait_operation_name;

    mode_waiter(server_mode target, const polling_policy& policy, clock_type::time_point start)
        : target_(target), schedule_(policy, start) {}

    step next(clock_type::time_point now) {
        if (outcome_) return {};
        if (schedule_.expired(now)) return end(errc::deadline_exceeded);
        if (poll_due_) {
            poll_due_ = false;
            return {step::poll, {}, {}};
        }
        const auto sleep = schedule_.next_sleep(now);
        if (!sleep) return end(errc::deadline_exceeded);
        poll_due_ = true;
        return {step::sleep, {}, *sleep};
    }

    wait_observation on_poll(const get_server_status&, const result<server_status>& r, clock_type::time_point now = {}) {
        if (schedule_.cut_by_deadline(r, now)) ++polls_;  // the wait's own deadline ended it: the last state stands
        else on_poll(r);
        std::string state = last_status_ && !switching_ && !last_error_ ? std::string(to_string(last_status_->mode))
                            : switching_                                 ? std::string("switching (HTTP 503)")
                            : last_error_ ? "poll error: " + last_error_->code.message()
                                          : std::string("unknown");
        const bool changed = state != last_state_;
        last_state_ = state;
        return {"server mode", std::move(state), changed};
    }

    void on_poll(const result<server_status>& r) {
        ++polls_;
        if (r) {
            consecutive_errors_ = 0;
            switching_ = false;
            last_error_.reset();
            last_status_ = r.value();
            if (r.value().mode == target_) outcome_.emplace(r.value());
            return;
        }
        last_error_ = r.error();
        schedule_.note(r.error());
        if (r.error().is(errc::busy)) {  // the switching window: wait for it to close
            switching_ = true;
            return;
        }
        switching_ = false;
        if (is_transient(r.error()) && ++consecutive_errors_ < schedule_.max_consecutive_poll_errors()) return;
        outcome_.emplace(failure(r.error()));
    }

    /// Ends the wait now (the driver was cancelled).
    void cancel() {
        if (!outcome_) end(errc::cancelled);
    }

    /// The result once `next` said done.
    result<server_status> outcome() const {
        if (outcome_) return *outcome_;
        return failure(errc::invalid_request, "the wait has not finished");
    }

    clock_type::time_point deadline() const noexcept { return schedule_.deadline(); }
    int polls() const noexcept { return polls_; }
    const std::optional<server_status>& last_status() const noexcept { return last_status_; }
    server_mode target() const noexcept { return target_; }

private:
    step end(errc why) {
        outcome_.emplace(failure(unfinished_error(why)));
        return {};
    }

    error unfinished_error(errc why) const {
        std::string d = "UCS had not reached ";
        d += to_string(target_);
        d += why == errc::cancelled ? " mode when the wait was cancelled after " : " mode when the wait ended after ";
        d += std::to_string(polls_);
        d += polls_ == 1 ? " poll" : " polls";
        if (switching_) {
            d += "; it was still switching modes (HTTP 503)";
            if (last_status_) {
                d += ", last known mode ";
                d += to_string(last_status_->mode);
            }
        } else if (last_error_) {
            d += "; the last poll failed: ";
            d += last_error_->code.message();
            if (last_status_) {
                d += ", last known mode ";
                d += to_string(last_status_->mode);
            }
        } else if (last_status_) {
            d += "; last known mode ";
            d += to_string(last_status_->mode);
        } else {
            d += "; no status was read";
        }
        d += schedule_.retry_after_note();
        error e(why, std::move(d));
        e.operation = wait_operation_name;
        return e;
    }

    server_mode target_;
    poll_schedule schedule_;
    bool poll_due_ = true;
    bool switching_ = false;
    int polls_ = 0;
    int consecutive_errors_ = 0;
    std::optional<server_status> last_status_;
    std::optional<error> last_error_;
    std::string last_state_;
    std::optional<result<server_status>> outcome_;
};

namespace detail {

// POST /server/mode, then the engine's wait for the mode.
template <class Caller>
struct switch_and_wait_op {
    struct set_tag {};
    struct waited_tag {};

    Caller* caller;
    server_mode target;
    polling_policy policy;
    wait_observer observer;

    template <class Self>
    void operator()(Self& self) {
        const set_server_mode request{target};
        caller->async_call(request, boost::asio::prepend(std::move(self), set_tag{}));
    }

    template <class Self>
    void operator()(Self& self, set_tag, result<set_server_mode_response> r) {
        if (!r) return self.complete(failure(std::move(r).error()));
        auto* c = caller;
        const auto obs = observer;
        async_run_wait(*c, mode_waiter(target, policy, serverops::detail::clock_of(*c).now()), obs,
                       boost::asio::prepend(std::move(self), waited_tag{}));
    }

    template <class Self>
    void operator()(Self& self, waited_tag, result<server_status> r) {
        self.complete(std::move(r));
    }
};

}  // namespace detail

// ---------------------------------------------------------------- sync

/// Polls `get_server_status` through `caller` (a ucs::session or any client of ucs::context) until UCS reports
/// `target` (the status is the result), an error is final, or `policy.timeout` passes (errc::deadline_exceeded; the
/// detail names the last known mode). Each poll gets at most the time left. Time and sleeps come from `clock`.
template <class Caller>
    requires sync_caller_of<Caller, get_server_status>
result<server_status> wait_until_mode(Caller& caller, server_mode target, const polling_policy& policy,
                                      const sync_clock& clock, const wait_observer& observer = {}) {
    mode_waiter waiter(target, policy, clock.now());
    return run_wait(caller, waiter, clock, observer);
}

/// As above, with the session's own clock (`session_options::clock`), or the real one for other callers.
template <class Caller>
    requires sync_caller_of<Caller, get_server_status>
result<server_status> wait_until_mode(Caller& caller, server_mode target, const polling_policy& policy = {},
                                      const wait_observer& observer = {}) {
    return wait_until_mode(caller, target, policy, serverops::detail::clock_of(caller), observer);
}

/// POST /server/mode, then `wait_until_mode`. A failed POST is the result (a 503 there means UCS was already
/// switching; the session's retry policy decides whether it is sent again). `policy.timeout` bounds the polling
/// that follows the POST.
template <class Caller>
    requires sync_caller_of<Caller, get_server_status>
result<server_status> switch_mode_and_wait(Caller& caller, server_mode target, const polling_policy& policy = {},
                                           const wait_observer& observer = {}) {
    const set_server_mode request{target};
    BOOST_OUTCOME_TRY(caller.call(request));
    return wait_until_mode(caller, target, policy, serverops::detail::clock_of(caller), observer);
}

// ---------------------------------------------------------------- async

/// Async `wait_until_mode`. Completion signature `void(result<server_status>)`; any completion token; the handler
/// runs exactly once, never inside this call. Terminal cancellation through the handler's slot stops the wait at its
/// next step (an in-flight poll is cancelled too) with errc::cancelled naming the last known mode. Sleeps use real
/// timers on the caller's transport executor; the caller must outlive the operation.
template <class Caller, class CompletionToken>
    requires serverops::detail::async_caller<Caller>
auto async_wait_until_mode(Caller& caller, server_mode target, const polling_policy& policy, CompletionToken&& token) {
    return async_run_wait(caller, mode_waiter(target, policy, serverops::detail::clock_of(caller).now()),
                          wait_observer{}, std::forward<CompletionToken>(token));
}

/// Async `switch_mode_and_wait`. Completion signature `void(result<server_status>)`. A cancelled POST may have
/// reached UCS: see `error::may_have_executed`.
template <class Caller, class CompletionToken>
    requires serverops::detail::async_caller<Caller>
auto async_switch_mode_and_wait(Caller& caller, server_mode target, const polling_policy& policy,
                                CompletionToken&& token) {
    return boost::asio::async_compose<CompletionToken, completion_signature<server_status>>(
        detail::switch_and_wait_op<Caller>{&caller, target, policy, {}}, token, caller.transport().get_executor());
}

}  // namespace serverops::ucs

#endif
