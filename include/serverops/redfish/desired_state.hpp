// Redfish desired state: read the system (GET), send ComputerSystem.Reset only when its PowerState is not already
// the one the reset type leads to, report `unchanged` otherwise; optionally wait for the reset's outcome. Sync and
// async, through a redfish::session or any client of redfish::context. The shared rules are in
// serverops/desired_state.hpp.
//
//     auto r = redfish::ensure_power(session, redfish::get_system{"1"}, redfish::reset_type::on);  // unchanged if On
//
// "In the desired state": PowerState is `power_state_after(type)` (On for On/ForceOn/Resume, Off for
// ForceOff/GracefulShutdown, Paused for Pause). Reset types without a final state (restarts, Nmi, PushPowerButton,
// Suspend) are always sent. A PowerState outside the schema is unknown: the reset is sent. The reset needs the
// target the system resource advertises, so a read that fails (404 included) fails the call, nothing sent. A system
// that lists its allowed values in an `@Redfish.ActionInfo` resource (OpenBMC) has it read before the reset, so that
// a type it does not allow is refused here, before sending (a 404 for it: the service does not say, it decides).
#ifndef SERVEROPS_REDFISH_DESIRED_STATE_HPP
#define SERVEROPS_REDFISH_DESIRED_STATE_HPP

#include <serverops/desired_state.hpp>
#include <serverops/detail/cancellation.hpp>
#include <serverops/redfish/reset.hpp>
#include <serverops/redfish/systems.hpp>
#include <serverops/redfish/wait.hpp>

#include <boost/asio/compose.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/prepend.hpp>

#include <optional>
#include <string>
#include <utility>

namespace serverops::redfish {

/// Pure: how a read system compares with what `type` leads to.
constexpr observation observe(const computer_system& s, reset_type type) noexcept {
    const auto want = power_state_after(type);
    if (!want) return observation::other;
    if (s.power == power_state::unknown) return observation::unknown;
    return s.power == *want ? observation::desired : observation::other;
}

/// The outcome: unchanged, accepted (reset sent, not waited on) or changed (reset sent and its wait done).
struct power_report : target_report {
    std::optional<computer_system> before;  ///< the system read first
    std::optional<reset_outcome> reset;     ///< the reset's answer and what its wait saw, when one was sent
};

/// Pure: the report when nothing is to be sent, nullopt when the reset must be sent, or the read's error.
inline result<std::optional<power_report>> decide_power(const result<computer_system>& read, reset_type type) {
    if (!read) return failure(read.error());  // without the resource there is no Reset target to post to
    if (decide(read, [&](const computer_system& s) { return observe(s, type); }) == target_decision::send)
        return std::optional<power_report>{};
    power_report r;
    r.target = read.value().id;
    r.outcome = target_outcome::unchanged;
    r.observed = read.value().power_state_text;
    r.before = read.value();
    return std::optional<power_report>(std::move(r));
}

/// Pure: the report once the reset was sent (`waited`: its wait finished).
inline power_report after_reset(const computer_system& before, reset_outcome sent, bool waited) {
    power_report r;
    r.target = before.id;
    r.outcome = waited ? target_outcome::changed : target_outcome::accepted;
    r.observed = before.power_state_text;
    r.before = before;
    r.reset = std::move(sent);
    return r;
}

namespace detail {
inline bool needs_action_info(const computer_system& s) noexcept {
    return s.reset_action_info.has_value() && !s.allowed_reset_types.has_value();
}
/// The system with the allowed values its ActionInfo read gave; a 404 leaves them unknown (the service decides).
inline result<computer_system> with_read_action_info(computer_system s, result<action_info> info) {
    if (info) return with_action_info(std::move(s), info.value());
    if (info.error().is(errc::not_found)) return s;
    return failure(std::move(info).error());
}
inline get_action_info action_info_of(const computer_system& s) {
    get_action_info g;
    g.uri = *s.reset_action_info;
    return g;
}

inline error stopped_before_reset() {
    error e(errc::cancelled, "stopped after reading the system; nothing was sent");
    e.operation = reset::name;
    return e;
}
}  // namespace detail

// ---------------------------------------------------------------- sync

/// `s` with its allowed reset types: read from its ActionInfo resource when that is where it lists them.
template <class Caller>
    requires sync_caller_of<Caller, get_action_info>
result<computer_system> with_allowed_values(Caller& c, computer_system s) {
    if (!detail::needs_action_info(s)) return s;
    auto info = c.call(detail::action_info_of(s), call_options{});
    return detail::with_read_action_info(std::move(s), std::move(info));
}

/// Reads `system`, then posts `type` only when the system is not already in the state it leads to.
/// `observer.should_stop()` asked after the read ends the call with errc::cancelled, nothing sent.
template <class Caller>
    requires sync_caller_of<Caller, get_system> && sync_caller_of<Caller, reset> && sync_caller_of<Caller, get_action_info>
result<power_report> ensure_power(Caller& c, const get_system& system, reset_type type, const wait_observer& observer = {}) {
    auto read = c.call(system, call_options{});
    BOOST_OUTCOME_TRY(auto decided, decide_power(read, type));
    if (decided) return std::move(*decided);
    BOOST_OUTCOME_TRY(auto target, with_allowed_values(c, read.value()));
    if (observer.should_stop()) return failure(detail::stopped_before_reset());
    reset_outcome sent;
    BOOST_OUTCOME_TRY(sent.reset, c.call(reset::of(target, type), call_options{}));
    return after_reset(target, std::move(sent), false);
}

/// `ensure_power`, then (when the reset was sent) the wait its answer calls for (`reset_and_wait`'s plan) within
/// `policy.timeout`: unchanged, or changed; a wait that fails fails the call.
template <class Caller>
    requires sync_caller_of<Caller, get_system> && sync_caller_of<Caller, reset> && sync_caller_of<Caller, get_task> &&
             sync_caller_of<Caller, get_action_info>
result<power_report> ensure_power_and_wait(Caller& c, const get_system& system, reset_type type,
                                           const polling_policy& policy = {}, const wait_observer& observer = {}) {
    auto read = c.call(system, call_options{});
    BOOST_OUTCOME_TRY(auto decided, decide_power(read, type));
    if (decided) return std::move(*decided);
    BOOST_OUTCOME_TRY(auto target, with_allowed_values(c, read.value()));
    if (observer.should_stop()) return failure(detail::stopped_before_reset());
    BOOST_OUTCOME_TRY(auto done, reset_and_wait(c, target, type, policy, observer));
    return after_reset(target, std::move(done), true);
}

// ---------------------------------------------------------------- async

namespace detail {
// post -> GET system -> [GET ActionInfo] -> [POST reset (and its waits: async_reset_and_wait)] -> the report.
template <class Caller>
struct ensure_power_op {
    struct begin_tag {};
    struct read_tag {};
    struct info_tag {};
    struct sent_tag {};
    struct done_tag {};

    Caller* c;
    get_system system;
    reset_type type;
    bool wait;
    polling_policy policy;
    std::optional<computer_system> before{};

    template <class Self>
    void operator()(Self& self) {  // post first: the handler never runs inside the initiating call
        auto ex = self.get_executor();
        boost::asio::post(ex, boost::asio::prepend(std::move(self), begin_tag{}));
    }

    template <class Self>
    void operator()(Self& self, begin_tag) {
        auto* caller = c;
        const auto request = system;
        caller->async_call(request, boost::asio::prepend(std::move(self), read_tag{}));
    }

    template <class Self>
    void operator()(Self& self, read_tag, result<computer_system> read) {
        auto decided = decide_power(read, type);
        if (!decided) return self.complete(failure(std::move(decided).error()));
        if (decided.value()) return self.complete(std::move(*decided.value()));
        before = read.value();
        if (needs_action_info(*before)) {
            auto* caller = c;
            const auto request = action_info_of(*before);
            return caller->async_call(request, boost::asio::prepend(std::move(self), info_tag{}));
        }
        send(self);
    }

    template <class Self>
    void operator()(Self& self, info_tag, result<action_info> info) {
        auto target = with_read_action_info(*before, std::move(info));
        if (!target) return self.complete(failure(std::move(target).error()));
        before = std::move(target).value();
        send(self);
    }

    template <class Self>
    void send(Self& self) {
        if (serverops::detail::cancellation_requested(self)) return self.complete(failure(stopped_before_reset()));
        auto* caller = c;
        if (wait) {
            const auto sys = *before;
            const auto p = policy;
            return async_reset_and_wait(*caller, sys, type, p, boost::asio::prepend(std::move(self), done_tag{}));
        }
        const auto request = reset::of(*before, type);
        caller->async_call(request, boost::asio::prepend(std::move(self), sent_tag{}));
    }

    template <class Self>
    void operator()(Self& self, sent_tag, result<reset_result> r) {
        if (!r) return self.complete(failure(std::move(r).error()));
        reset_outcome sent;
        sent.reset = std::move(r).value();
        self.complete(after_reset(*before, std::move(sent), false));
    }

    template <class Self>
    void operator()(Self& self, done_tag, result<reset_outcome> r) {
        if (!r) return self.complete(failure(std::move(r).error()));
        self.complete(after_reset(*before, std::move(r).value(), true));
    }
};
}  // namespace detail

/// Async `ensure_power`. Completion signature `void(result<power_report>)`; any completion token; the handler runs
/// once, never inside this call. Terminal cancellation before the reset is sent ends the call with errc::cancelled,
/// nothing sent.
template <class Caller, class CompletionToken>
    requires serverops::detail::async_caller<Caller>
auto async_ensure_power(Caller& c, get_system system, reset_type type, CompletionToken&& token) {
    return boost::asio::async_compose<CompletionToken, completion_signature<power_report>>(
        detail::ensure_power_op<Caller>{&c, std::move(system), type, false, {}}, token, c.transport().get_executor());
}

/// Async `ensure_power_and_wait`. Completion signature `void(result<power_report>)`.
template <class Caller, class CompletionToken>
    requires serverops::detail::async_caller<Caller>
auto async_ensure_power_and_wait(Caller& c, get_system system, reset_type type, const polling_policy& policy,
                                 CompletionToken&& token) {
    return boost::asio::async_compose<CompletionToken, completion_signature<power_report>>(
        detail::ensure_power_op<Caller>{&c, std::move(system), type, true, policy}, token, c.transport().get_executor());
}

}  // namespace serverops::redfish

#endif
