// Waiting on a Redfish service, on the shared engine (serverops/waiter.hpp, wait.hpp): a task monitor until its
// task ends, a system until its PowerState is On or Off, a restart until the system is On again, and a reset
// followed by the wait its answer calls for. Sync and async (any completion token), through a redfish::session or
// any client of redfish::context.
//
//     auto done = redfish::reset_and_wait(session, system, redfish::reset_type::force_off, policy);
//     auto t = co_await redfish::async_wait_for_task(session, monitor_uri, policy, use_awaitable);
#ifndef SERVEROPS_REDFISH_WAIT_HPP
#define SERVEROPS_REDFISH_WAIT_HPP

#include <serverops/redfish/reset.hpp>
#include <serverops/redfish/systems.hpp>
#include <serverops/redfish/task.hpp>
#include <serverops/redfish/types.hpp>
#include <serverops/wait.hpp>

#include <boost/asio/compose.hpp>
#include <boost/asio/prepend.hpp>

#include <algorithm>
#include <chrono>
#include <optional>
#include <string>
#include <utility>

namespace serverops::redfish {

inline constexpr std::string_view task_wait_name = "redfish.waitForTask";
inline constexpr std::string_view power_wait_name = "redfish.waitForPowerState";

namespace detail {
inline std::string quoted(std::string_view text) {
    std::string q = "'";
    q += printable(text, 128);
    q += '\'';
    return q;
}

/// The shared bookkeeping of the two waiters: polls, transient errors in a row, the last error, the outcome.
template <class Value>
struct wait_core {
    poll_schedule schedule;
    bool poll_due = true;
    int polls = 0;
    int consecutive_errors = 0;
    std::optional<error> last_error;
    std::string last_state;
    std::optional<result<Value>> outcome;

    wait_core(const polling_policy& policy, clock_type::time_point start) : schedule(policy, start) {}

    template <class Op>
    wait_step<Op> next(clock_type::time_point now, error (*unfinished)(const void*, errc), const void* self) {
        if (outcome) return {};
        if (schedule.expired(now)) return end<Op>(unfinished(self, errc::deadline_exceeded));
        if (poll_due) {
            poll_due = false;
            return {wait_step<Op>::poll, {}, {}};
        }
        const auto sleep = schedule.next_sleep(now);
        if (!sleep) return end<Op>(unfinished(self, errc::deadline_exceeded));
        poll_due = true;
        return {wait_step<Op>::sleep, {}, *sleep};
    }

    template <class Op>
    wait_step<Op> end(error e) {
        outcome.emplace(failure(std::move(e)));
        return {};
    }

    /// A failed poll: transient ones are tolerated up to the policy's bound in a row, others end the wait.
    void failed(const error& e) {
        last_error = e;
        schedule.note(e);
        if (is_transient(e) && ++consecutive_errors < schedule.max_consecutive_poll_errors()) return;
        outcome.emplace(failure(e));
    }

    void succeeded() {
        consecutive_errors = 0;
        last_error.reset();
    }

    /// The pause a successful answer asked for (a task monitor's 202 + Retry-After). poll_schedule takes pauses
    /// from errors only; an error value carries this one.
    void note_pause(std::optional<std::chrono::seconds> retry_after) {
        if (!retry_after) return;
        error pause;
        pause.retry_after = retry_after;
        schedule.note(pause);
    }

    wait_observation observed(std::string target, std::string state) {
        const bool changed = state != last_state;
        last_state = state;
        return {std::move(target), std::move(state), changed};
    }

    void describe_polls(std::string& d) const {
        d += std::to_string(polls);
        d += polls == 1 ? " poll" : " polls";
    }
};
}  // namespace detail

/// Polls a task monitor (`get_task`) until the task ends, on the shared `poll_schedule`: first poll at once, the
/// policy's interval, a `Retry-After` of the monitor (seconds or an HTTP date) stretching the next sleep, and one
/// that reaches past the deadline ending the wait at once with the last known state.
/// - Completed (or a final answer that is not a Task: the operation's own result): the task is the result.
/// - Exception, Killed, Cancelled: errc::operation_failed; `vendor_code` the first message's MessageId (else the
///   state), `vendor_message` the task's messages, `detail` the state and TaskStatus.
/// - Transient errors are tolerated up to `policy.max_consecutive_poll_errors` in a row; others end the wait.
/// - Deadline: errc::deadline_exceeded naming the task's last known state; cancelled: errc::cancelled, same detail.
class task_waiter {
public:
    using poll_operation = get_task;
    using value_type = task;
    using step = wait_step<get_task>;
    static constexpr std::string_view name = task_wait_name;

    task_waiter(std::string monitor, const polling_policy& policy, clock_type::time_point start)
        : monitor_(std::move(monitor)), core_(policy, start) {}

    step next(clock_type::time_point now) {
        auto s = core_.next<get_task>(now, &unfinished_of, this);
        if (s.kind == step::poll) s.request.uri = monitor_;
        return s;
    }

    wait_observation on_poll(const get_task&, const result<task>& r, clock_type::time_point now = {}) {
        if (core_.schedule.cut_by_deadline(r, now)) ++core_.polls;
        else on_poll(r);
        std::string state = last_ && !core_.last_error ? state_text(*last_)
                            : core_.last_error        ? "poll error: " + core_.last_error->code.message()
                                                      : std::string("unknown");
        return core_.observed(monitor_, std::move(state));
    }

    void on_poll(const result<task>& r) {
        ++core_.polls;
        if (!r) return core_.failed(r.error());
        core_.succeeded();
        last_ = r.value();
        if (!last_->finished) return core_.note_pause(last_->retry_after);
        if (last_->state == task_state::completed) core_.outcome.emplace(*last_);
        else core_.outcome.emplace(failure(task_failed(*last_)));
    }

    void cancel() {
        if (!core_.outcome) core_.end<get_task>(unfinished(errc::cancelled));
    }
    result<task> outcome() const {
        if (core_.outcome) return *core_.outcome;
        return failure(errc::invalid_request, "the wait has not finished");
    }
    clock_type::time_point deadline() const noexcept { return core_.schedule.deadline(); }
    int polls() const noexcept { return core_.polls; }
    const std::optional<task>& last_task() const noexcept { return last_; }

private:
    static std::string state_text(const task& t) {
        std::string s(to_string(t.state));
        if (t.percent_complete) {
            s += ' ';
            s += std::to_string(*t.percent_complete);
            s += '%';
        }
        return s;
    }

    static error task_failed(const task& t) {
        std::string d = "the task ";
        d += detail::quoted(t.monitor_uri);
        d += " ended ";
        d += to_string(t.state);
        if (t.task_status) {
            d += " (TaskStatus ";
            d += printable(*t.task_status, 32);
            d += ')';
        }
        error e(errc::operation_failed, std::move(d));
        e.http_status = t.http_status;
        e.operation = task_wait_name;
        for (const auto& m : t.messages) {
            if (e.vendor_code.empty()) e.vendor_code = m.message_id;
            append_sentence(e.vendor_message, m.text);
        }
        if (e.vendor_code.empty()) e.vendor_code = std::string(to_string(t.state));
        e.vendor_message.resize(serverops::detail::utf8_prefix_length(e.vendor_message, max_vendor_message_length));
        return e;
    }

    static error unfinished_of(const void* self, errc why) { return static_cast<const task_waiter*>(self)->unfinished(why); }

    error unfinished(errc why) const {
        std::string d = "the task ";
        d += detail::quoted(monitor_);
        d += why == errc::cancelled ? " had not ended when the wait was cancelled after "
                                    : " had not ended when the wait ended after ";
        core_.describe_polls(d);
        if (core_.last_error) {
            d += "; the last poll failed: ";
            d += core_.last_error->code.message();
        }
        if (last_) {
            d += "; last known state ";
            d += state_text(*last_);
        } else {
            d += "; no state was read";
        }
        d += core_.schedule.retry_after_note();
        error e(why, std::move(d));
        e.operation = task_wait_name;
        return e;
    }

    std::string monitor_;
    detail::wait_core<task> core_;
    std::optional<task> last_;
};

/// Polls a system (`get_system`) until its PowerState is `target`, on the shared `poll_schedule`. With
/// `must_leave_first` (a restart that must be seen to happen), the target counts only after a poll showed another
/// state. A PowerState outside the schema is shown as sent and waited past; transient errors are tolerated up to
/// `policy.max_consecutive_poll_errors` in a row, others (404, 401...) end the wait. Deadline:
/// errc::deadline_exceeded naming the last known power state; cancelled: errc::cancelled, same detail.
class power_state_waiter {
public:
    using poll_operation = get_system;
    using value_type = computer_system;
    using step = wait_step<get_system>;
    static constexpr std::string_view name = power_wait_name;

    power_state_waiter(get_system system, power_state target, const polling_policy& policy,
                       clock_type::time_point start, bool must_leave_first = false)
        : system_(std::move(system)), target_(target), must_leave_(must_leave_first), core_(policy, start) {}

    step next(clock_type::time_point now) {
        auto s = core_.next<get_system>(now, &unfinished_of, this);
        if (s.kind == step::poll) s.request = system_;
        return s;
    }

    wait_observation on_poll(const get_system&, const result<computer_system>& r, clock_type::time_point now = {}) {
        if (core_.schedule.cut_by_deadline(r, now)) ++core_.polls;
        else on_poll(r);
        std::string state = last_ && !core_.last_error ? power_text(*last_)
                            : core_.last_error        ? "poll error: " + core_.last_error->code.message()
                                                      : std::string("unknown");
        return core_.observed(system_label(), std::move(state));
    }

    void on_poll(const result<computer_system>& r) {
        ++core_.polls;
        if (!r) return core_.failed(r.error());
        core_.succeeded();
        last_ = r.value();
        if (last_->power != target_) {
            left_ = true;
            return;
        }
        if (!must_leave_ || left_) core_.outcome.emplace(*last_);
    }

    void cancel() {
        if (!core_.outcome) core_.end<get_system>(unfinished(errc::cancelled));
    }
    result<computer_system> outcome() const {
        if (core_.outcome) return *core_.outcome;
        return failure(errc::invalid_request, "the wait has not finished");
    }
    clock_type::time_point deadline() const noexcept { return core_.schedule.deadline(); }
    int polls() const noexcept { return core_.polls; }
    const std::optional<computer_system>& last_system() const noexcept { return last_; }

private:
    static std::string power_text(const computer_system& s) {
        if (s.power != power_state::unknown) return std::string(to_string(s.power));
        return s.power_state_text.empty() ? std::string("absent") : s.power_state_text;
    }

    std::string system_label() const { return system_.id.empty() ? system_.uri : system_.id; }

    static error unfinished_of(const void* self, errc why) {
        return static_cast<const power_state_waiter*>(self)->unfinished(why);
    }

    error unfinished(errc why) const {
        std::string d = "system ";
        d += detail::quoted(system_label());
        d += must_leave_ && !left_ ? " was not seen to leave " : " had not reached ";
        d += to_string(target_);
        d += why == errc::cancelled ? " when the wait was cancelled after " : " when the wait ended after ";
        core_.describe_polls(d);
        if (core_.last_error) {
            d += "; the last poll failed: ";
            d += core_.last_error->code.message();
        }
        if (last_) {
            d += "; last known power state ";
            d += printable(power_text(*last_), 64);
        } else {
            d += "; no power state was read";
        }
        d += core_.schedule.retry_after_note();
        error e(why, std::move(d));
        e.operation = power_wait_name;
        return e;
    }

    get_system system_;
    power_state target_;
    bool must_leave_;
    bool left_ = false;
    detail::wait_core<computer_system> core_;
    std::optional<computer_system> last_;
};

/// What `reset_and_wait` saw: the reset's answer, the task when there was a monitor, the system when its power
/// state was waited for.
struct reset_outcome {
    reset_result reset;
    std::optional<task> finished_task;
    std::optional<computer_system> system;
};

/// The wait a reset's answer calls for: the task monitor when there is one; then, for a reset type with a final
/// power state (On, ForceOn, Resume: On; ForceOff, GracefulShutdown: Off; Pause: Paused), that power state; a
/// restart without a monitor waits until the system is On again. Nmi, PushPowerButton and Suspend wait for the
/// task only.
struct reset_plan {
    bool task = false;
    std::optional<power_state> power;
    bool restart = false;
};

constexpr reset_plan plan_after(const reset_result& r) noexcept {
    reset_plan p;
    p.task = r.task_monitor.has_value();
    p.power = power_state_after(r.type);
    p.restart = !p.task && !p.power && is_restart(r.type);
    return p;
}

namespace detail {
/// `policy` with the time left of a wait that began at `start`.
inline polling_policy remaining(polling_policy policy, clock_type::time_point start, clock_type::time_point now) {
    const auto used = std::chrono::duration_cast<std::chrono::milliseconds>(now - start);
    policy.timeout = std::max(policy.timeout - used, std::chrono::milliseconds(0));
    return policy;
}
}  // namespace detail

// ---------------------------------------------------------------- sync

/// Polls the task monitor `monitor_uri` through `caller` until the task ends (see task_waiter).
template <class Caller>
    requires sync_caller_of<Caller, get_task>
result<task> wait_for_task(Caller& caller, std::string monitor_uri, const polling_policy& policy, const sync_clock& clock,
                           const wait_observer& observer = {}) {
    task_waiter waiter(std::move(monitor_uri), policy, clock.now());
    return run_wait(caller, waiter, clock, observer);
}
template <class Caller>
    requires sync_caller_of<Caller, get_task>
result<task> wait_for_task(Caller& caller, std::string monitor_uri, const polling_policy& policy = {},
                           const wait_observer& observer = {}) {
    return wait_for_task(caller, std::move(monitor_uri), policy, serverops::detail::clock_of(caller), observer);
}

/// Polls `system` until its PowerState is `target` (see power_state_waiter).
template <class Caller>
    requires sync_caller_of<Caller, get_system>
result<computer_system> wait_for_power_state(Caller& caller, get_system system, power_state target,
                                             const polling_policy& policy, const sync_clock& clock,
                                             const wait_observer& observer = {}) {
    power_state_waiter waiter(std::move(system), target, policy, clock.now());
    return run_wait(caller, waiter, clock, observer);
}
template <class Caller>
    requires sync_caller_of<Caller, get_system>
result<computer_system> wait_for_power_state(Caller& caller, get_system system, power_state target,
                                             const polling_policy& policy = {}, const wait_observer& observer = {}) {
    return wait_for_power_state(caller, std::move(system), target, policy, serverops::detail::clock_of(caller),
                                observer);
}

/// Polls `system` until it is On again after a restart; with `see_it_leave_on`, only after a poll showed it in
/// another state (a fast restart can hide the dip between two polls: leave it false unless the dip is certain).
template <class Caller>
    requires sync_caller_of<Caller, get_system>
result<computer_system> wait_for_restart(Caller& caller, get_system system, const polling_policy& policy = {},
                                         bool see_it_leave_on = false, const wait_observer& observer = {}) {
    const auto clock = serverops::detail::clock_of(caller);
    power_state_waiter waiter(std::move(system), power_state::on, policy, clock.now(), see_it_leave_on);
    return run_wait(caller, waiter, clock, observer);
}

/// The wait an accepted reset calls for (`plan_after(sent)`), within `policy.timeout`: the task monitor when there is
/// one, then the power state the reset type leads to (a restart without a monitor: On again). `sent` is the reset's
/// answer; nothing is sent here but GETs.
template <class Caller>
    requires sync_caller_of<Caller, get_task> && sync_caller_of<Caller, get_system>
result<reset_outcome> wait_after_reset(Caller& caller, const computer_system& system, reset_result sent,
                                       const polling_policy& policy, const sync_clock& clock,
                                       const wait_observer& observer = {}) {
    const auto start = clock.now();
    reset_outcome out;
    out.reset = std::move(sent);
    const auto plan = plan_after(out.reset);
    if (plan.task) {
        BOOST_OUTCOME_TRY(out.finished_task, wait_for_task(caller, *out.reset.task_monitor,
                                                           detail::remaining(policy, start, clock.now()), clock, observer));
    }
    if (plan.power || plan.restart) {
        power_state_waiter waiter(get_system::of(system), plan.power.value_or(power_state::on),
                                  detail::remaining(policy, start, clock.now()), clock.now());
        BOOST_OUTCOME_TRY(out.system, run_wait(caller, waiter, clock, observer));
    }
    return out;
}

/// Sends `ComputerSystem.Reset` of `system` (its advertised target, checked against its allowed values), then the
/// wait its answer calls for (`wait_after_reset`), all within `policy.timeout`. A failed reset is the result and is
/// never sent again; a failed wait is the result too (the reset was accepted: see `error::operation`).
template <class Caller>
    requires sync_caller_of<Caller, reset> && sync_caller_of<Caller, get_task> && sync_caller_of<Caller, get_system>
result<reset_outcome> reset_and_wait(Caller& caller, const computer_system& system, reset_type type,
                                     const polling_policy& policy = {}, const wait_observer& observer = {}) {
    const auto clock = serverops::detail::clock_of(caller);
    const auto start = clock.now();
    BOOST_OUTCOME_TRY(auto sent, caller.call(reset::of(system, type), call_options{}));
    return wait_after_reset(caller, system, std::move(sent), detail::remaining(policy, start, clock.now()), clock,
                            observer);
}

// ---------------------------------------------------------------- async

/// Async `wait_for_task`. Completion signature `void(result<task>)`; any completion token; the handler runs once,
/// never inside this call; terminal cancellation ends the wait at its next step (errc::cancelled naming the last
/// known state). The caller must outlive the operation.
template <class Caller, class CompletionToken>
    requires serverops::detail::async_caller<Caller>
auto async_wait_for_task(Caller& caller, std::string monitor_uri, const polling_policy& policy, CompletionToken&& token) {
    return async_run_wait(caller, task_waiter(std::move(monitor_uri), policy, serverops::detail::clock_of(caller).now()),
                          wait_observer{}, std::forward<CompletionToken>(token));
}

/// Async `wait_for_power_state`. Completion signature `void(result<computer_system>)`.
template <class Caller, class CompletionToken>
    requires serverops::detail::async_caller<Caller>
auto async_wait_for_power_state(Caller& caller, get_system system, power_state target, const polling_policy& policy,
                                CompletionToken&& token) {
    return async_run_wait(caller,
                          power_state_waiter(std::move(system), target, policy, serverops::detail::clock_of(caller).now()),
                          wait_observer{}, std::forward<CompletionToken>(token));
}

/// Async `wait_for_restart`. Completion signature `void(result<computer_system>)`.
template <class Caller, class CompletionToken>
    requires serverops::detail::async_caller<Caller>
auto async_wait_for_restart(Caller& caller, get_system system, const polling_policy& policy, bool see_it_leave_on,
                            CompletionToken&& token) {
    return async_run_wait(caller,
                          power_state_waiter(std::move(system), power_state::on, policy,
                                             serverops::detail::clock_of(caller).now(), see_it_leave_on),
                          wait_observer{}, std::forward<CompletionToken>(token));
}

namespace detail {
// POST reset -> [the engine's task wait] -> [the engine's power-state wait] -> the outcome.
template <class Caller>
struct reset_and_wait_op {
    struct reset_tag {};
    struct task_tag {};
    struct power_tag {};

    Caller* caller;
    computer_system system;
    reset_type type;
    polling_policy policy;
    wait_observer observer;
    clock_type::time_point start{};
    reset_outcome out{};

    template <class Self>
    void operator()(Self& self) {
        start = serverops::detail::clock_of(*caller).now();
        const auto request = reset::of(system, type);
        caller->async_call(request, boost::asio::prepend(std::move(self), reset_tag{}));
    }

    template <class Self>
    void operator()(Self& self, reset_tag, result<reset_result> r) {
        if (!r) return self.complete(failure(std::move(r).error()));
        out.reset = std::move(r).value();
        if (plan_after(out.reset).task) {
            auto* c = caller;
            const auto obs = observer;
            task_waiter w(*out.reset.task_monitor, left(), now());
            return async_run_wait(*c, std::move(w), obs, boost::asio::prepend(std::move(self), task_tag{}));
        }
        power(self);
    }

    template <class Self>
    void operator()(Self& self, task_tag, result<task> r) {
        if (!r) return self.complete(failure(std::move(r).error()));
        out.finished_task = std::move(r).value();
        power(self);
    }

    template <class Self>
    void power(Self& self) {
        const auto plan = plan_after(out.reset);
        if (!plan.power && !plan.restart) return self.complete(std::move(out));
        auto* c = caller;
        const auto obs = observer;
        power_state_waiter w(get_system::of(system), plan.power.value_or(power_state::on), left(), now());
        async_run_wait(*c, std::move(w), obs, boost::asio::prepend(std::move(self), power_tag{}));
    }

    template <class Self>
    void operator()(Self& self, power_tag, result<computer_system> r) {
        if (!r) return self.complete(failure(std::move(r).error()));
        out.system = std::move(r).value();
        self.complete(std::move(out));
    }

    clock_type::time_point now() const { return serverops::detail::clock_of(*caller).now(); }
    polling_policy left() const { return remaining(policy, start, now()); }
};
}  // namespace detail

/// Async `reset_and_wait`. Completion signature `void(result<reset_outcome>)`; cancellation during a wait ends it
/// with errc::cancelled (the reset had been sent); a cancelled POST may have reached the service
/// (`error::may_have_executed`).
template <class Caller, class CompletionToken>
    requires serverops::detail::async_caller<Caller>
auto async_reset_and_wait(Caller& caller, const computer_system& system, reset_type type, const polling_policy& policy,
                          CompletionToken&& token) {
    return boost::asio::async_compose<CompletionToken, completion_signature<reset_outcome>>(
        detail::reset_and_wait_op<Caller>{&caller, system, type, policy, {}}, token, caller.transport().get_executor());
}

}  // namespace serverops::redfish

#endif
