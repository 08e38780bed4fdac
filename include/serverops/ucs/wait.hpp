// Waiting for UCS to reach a server mode: poll GET /server/status until `mode` is the one asked for, riding out the
// 503 of the switching window, or give up at a deadline. Sync and async (any completion token), through a
// ucs::session or any client whose context is ucs::context.
//
//     auto switched = ucs::switch_mode_and_wait(session, ucs::server_mode::maintenance, policy);
//     auto st = co_await ucs::async_wait_until_mode(session, ucs::server_mode::production, policy, use_awaitable);
#ifndef SERVEROPS_UCS_WAIT_HPP
#define SERVEROPS_UCS_WAIT_HPP

#include <serverops/policies.hpp>
#include <serverops/transport.hpp>
#include <serverops/ucs/server_mode.hpp>
#include <serverops/ucs/types.hpp>

#include <boost/asio/cancellation_type.hpp>
#include <boost/asio/compose.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/prepend.hpp>
#include <boost/asio/steady_timer.hpp>

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

/// The wait, sans-I/O: says "poll" or "sleep this long" or "done"; a sync loop or an async operation does the I/O.
///
/// Rules:
/// - The first poll is immediate; then one poll per `policy.interval` (times `growth`, capped by `max_interval`);
///   a sleep never passes the deadline (`start + policy.timeout`), and no poll starts after it.
/// - A status with the target mode ends the wait with that status.
/// - 503 (errc::mode_switching) is the switching window: expected, not counted, bounded by the deadline only.
/// - Other transient errors (is_transient) are tolerated up to `policy.max_consecutive_poll_errors` in a row; the
///   last one is then the result. Any other error (401, 403, 400, a malformed status...) ends the wait at once.
/// - At the deadline: errc::deadline_exceeded, whose `detail` names the target and the last known mode (or that
///   UCS was still switching, or the last poll error's kind).
class mode_waiter {
public:
    struct step {
        enum kind_t { poll, sleep, done } kind;
        clock_type::duration delay{};  ///< for sleep
    };

    mode_waiter(server_mode target, const polling_policy& policy, clock_type::time_point start)
        : target_(target), policy_(policy), deadline_(start + policy.timeout), interval_(policy.interval) {}

    step next(clock_type::time_point now) {
        if (outcome_) return {step::done, {}};
        if (now >= deadline_) {
            outcome_.emplace(failure(deadline_error()));
            return {step::done, {}};
        }
        if (poll_due_) {
            poll_due_ = false;
            return {step::poll, {}};
        }
        const auto delay = std::min<clock_type::duration>(interval_, deadline_ - now);
        const auto grown = std::chrono::duration_cast<clock_type::duration>(interval_ * std::max(policy_.growth, 1.0));
        interval_ = std::min<clock_type::duration>(grown, policy_.max_interval);
        poll_due_ = true;
        return {step::sleep, delay};
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
        if (r.error().is(errc::mode_switching)) {  // the switching window: wait for it to close
            switching_ = true;
            return;
        }
        switching_ = false;
        if (is_transient(r.error()) && ++consecutive_errors_ < policy_.max_consecutive_poll_errors) return;
        outcome_.emplace(failure(r.error()));
    }

    /// The result once `next` said done.
    result<server_status> outcome() const {
        if (outcome_) return *outcome_;
        return failure(errc::invalid_request, "the wait has not finished");
    }

    int polls() const noexcept { return polls_; }
    const std::optional<server_status>& last_status() const noexcept { return last_status_; }
    server_mode target() const noexcept { return target_; }

private:
    error deadline_error() const {
        std::string d = "UCS had not reached ";
        d += to_string(target_);
        d += " mode when the wait ended after ";
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
        error e(errc::deadline_exceeded, std::move(d));
        e.operation = wait_operation_name;
        return e;
    }

    server_mode target_;
    polling_policy policy_;
    clock_type::time_point deadline_;
    clock_type::duration interval_;
    bool poll_due_ = true;
    bool switching_ = false;
    int polls_ = 0;
    int consecutive_errors_ = 0;
    std::optional<server_status> last_status_;
    std::optional<error> last_error_;
    std::optional<result<server_status>> outcome_;
};

namespace detail {

/// A ucs::session, a client<T, ucs::context>, or anything else that runs UCS operations.
template <class C>
concept sync_caller = requires(C& c, const get_server_status& op) {
    { c.call(op) } -> std::same_as<result<server_status>>;
};

template <class C>
concept async_caller = requires(C& c) { c.transport().get_executor(); } &&
                       async_transport<std::remove_cvref_t<decltype(std::declval<C&>().transport())>>;

/// The caller's time source: a session's `options().clock`, else the real clock.
template <class C>
sync_clock clock_of(C& c) {
    if constexpr (requires { { c.options().clock } -> std::convertible_to<const sync_clock&>; }) return c.options().clock;
    else return sync_clock{};
}

template <class Caller>
result<server_status> drive(Caller& caller, mode_waiter& waiter, const sync_clock& clock) {
    for (;;) {
        auto step = waiter.next(clock.now());
        if (step.kind == mode_waiter::step::done) return waiter.outcome();
        if (step.kind == mode_waiter::step::sleep) {
            clock.sleep(step.delay);
            continue;
        }
        const get_server_status op{};
        waiter.on_poll(caller.call(op));
    }
}

// [set mode] -> loop { poll status | sleep } until the mode is reached, an error is final, or the deadline passes.
template <class Caller>
struct wait_op {
    using timer_type = boost::asio::steady_timer;
    struct begin_tag {};
    struct set_tag {};
    struct poll_tag {};
    struct sleep_tag {};

    Caller* caller;
    server_mode target;
    polling_policy policy;
    bool set_first;
    sync_clock clock;
    std::optional<mode_waiter> waiter{};
    std::unique_ptr<timer_type> timer{};

    template <class Self>
    static bool cancelled(Self& self) {
        return self.get_cancellation_state().cancelled() != boost::asio::cancellation_type::none;
    }
    template <class Self>
    static void complete_cancelled(Self& self) {
        error e(errc::cancelled, "wait cancelled");
        e.operation = wait_operation_name;
        self.complete(failure(std::move(e)));
    }

    template <class Self>
    void operator()(Self& self) {  // always post first: the handler never runs inside the initiating call
        auto ex = self.get_executor();
        boost::asio::post(ex, boost::asio::prepend(std::move(self), begin_tag{}));
    }

    template <class Self>
    void operator()(Self& self, begin_tag) {
        if (cancelled(self)) return complete_cancelled(self);
        if (set_first) {
            const set_server_mode request{target};
            caller->async_call(request, boost::asio::prepend(std::move(self), set_tag{}));
            return;
        }
        waiter.emplace(target, policy, clock.now());
        next(self);
    }

    template <class Self>
    void operator()(Self& self, set_tag, result<set_server_mode_response> r) {
        if (!r) return self.complete(failure(std::move(r).error()));
        waiter.emplace(target, policy, clock.now());
        next(self);
    }

    template <class Self>
    void next(Self& self) {
        if (cancelled(self)) return complete_cancelled(self);
        auto step = waiter->next(clock.now());
        switch (step.kind) {
        case mode_waiter::step::poll: {
            const get_server_status request{};
            caller->async_call(request, boost::asio::prepend(std::move(self), poll_tag{}));
            return;
        }
        case mode_waiter::step::sleep: {
            timer = std::make_unique<timer_type>(caller->transport().get_executor(),
                                                 std::chrono::duration_cast<timer_type::duration>(step.delay));
            auto& t = *timer;
            t.async_wait(boost::asio::prepend(std::move(self), sleep_tag{}));
            return;
        }
        case mode_waiter::step::done:
            self.complete(waiter->outcome());
            return;
        }
    }

    template <class Self>
    void operator()(Self& self, poll_tag, result<server_status> r) {
        if (!r && r.error().is(errc::cancelled)) return complete_cancelled(self);
        waiter->on_poll(r);
        next(self);
    }

    template <class Self>
    void operator()(Self& self, sleep_tag, boost::system::error_code ec) {
        if (ec) return complete_cancelled(self);
        next(self);
    }
};

}  // namespace detail

// ---------------------------------------------------------------- sync

/// Polls `get_server_status` through `caller` until UCS reports `target` (the status is the result), an error is
/// final, or `policy.timeout` passes (errc::deadline_exceeded; the detail names the last known mode). Time and
/// sleeps come from `clock`.
template <detail::sync_caller Caller>
result<server_status> wait_until_mode(Caller& caller, server_mode target, const polling_policy& policy,
                                      const sync_clock& clock) {
    mode_waiter waiter(target, policy, clock.now());
    return detail::drive(caller, waiter, clock);
}

/// As above, with the session's own clock (`session_options::clock`), or the real one for other callers.
template <detail::sync_caller Caller>
result<server_status> wait_until_mode(Caller& caller, server_mode target, const polling_policy& policy = {}) {
    return wait_until_mode(caller, target, policy, detail::clock_of(caller));
}

/// POST /server/mode, then `wait_until_mode`. A failed POST is the result (a 503 there means UCS was already
/// switching; the session's retry policy decides whether it is sent again). `policy.timeout` bounds the polling
/// that follows the POST.
template <detail::sync_caller Caller>
result<server_status> switch_mode_and_wait(Caller& caller, server_mode target, const polling_policy& policy = {}) {
    const set_server_mode request{target};
    BOOST_OUTCOME_TRY(caller.call(request));
    return wait_until_mode(caller, target, policy, detail::clock_of(caller));
}

// ---------------------------------------------------------------- async

/// Async `wait_until_mode`. Completion signature `void(result<server_status>)`; any completion token; the handler
/// runs exactly once, never inside this call. Terminal cancellation through the handler's slot stops the wait at its
/// next step (an in-flight poll is cancelled too) with errc::cancelled. Sleeps use real timers on the caller's
/// transport executor; the caller must outlive the operation.
template <class Caller, class CompletionToken>
    requires detail::async_caller<Caller>
auto async_wait_until_mode(Caller& caller, server_mode target, const polling_policy& policy, CompletionToken&& token) {
    return boost::asio::async_compose<CompletionToken, completion_signature<server_status>>(
        detail::wait_op<Caller>{&caller, target, policy, false, detail::clock_of(caller)}, token,
        caller.transport().get_executor());
}

/// Async `switch_mode_and_wait`. Completion signature `void(result<server_status>)`.
template <class Caller, class CompletionToken>
    requires detail::async_caller<Caller>
auto async_switch_mode_and_wait(Caller& caller, server_mode target, const polling_policy& policy,
                                CompletionToken&& token) {
    return boost::asio::async_compose<CompletionToken, completion_signature<server_status>>(
        detail::wait_op<Caller>{&caller, target, policy, true, detail::clock_of(caller)}, token,
        caller.transport().get_executor());
}

}  // namespace serverops::ucs

#endif
