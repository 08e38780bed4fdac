// The plan's binding for Redfish power steps (sync), over a redfish::session: a step's targets are ComputerSystem ids,
// its value a ResetType. Built on the module's own reads, reset, desired-state rule and waits, so that a plan decides,
// sends and polls exactly as `redfish::ensure_power_and_wait` does.
//
//     systems.bind("redfish", plan::make_redfish_binding(redfish_session, poll));
//
//   read      GET the ComputerSystem: its PowerState as sent ("On", "Off", "PoweringOn", ...); the allowed ResetType
//             values of its ActionInfo resource when it keeps them there (bmcweb), so that `check` and the reset
//             refuse a value the system does not take before anything is sent.
//   describe  the POST of the Reset action target the system advertised when it was read (never built by hand;
//             before any read, the DMTF default target is shown), body {"ResetType": ...}; never the headers.
//   send      per system: read it again (the freshest target and state), then `redfish::decide_power`: a system
//             already in the state the ResetType leads to (On/ForceOn/Resume: On, ForceOff/GracefulShutdown: Off,
//             Pause: Paused) is `unchanged` and receives nothing; otherwise one POST, never resent (not idempotent):
//             its task monitor, when the answer is 202, is the target's job. A reset whose answer was lost
//             (`may_have_executed`) is `failed` with that error: it is not sent again, and revert reads it first.
//   wait      with the journaled answer, within the step's timeout for the whole batch: the task monitor until the
//             task ends, then the PowerState the ResetType leads to; a restart (GracefulRestart, ForceRestart,
//             PowerCycle) without a monitor until the system is On again; Nmi and PushPowerButton are confirmed by
//             their answer (and task). Without the answer (a crash between the intent and its outcome): one read
//             decides — the desired PowerState is `changed`; a transition under way (PoweringOn/PoweringOff) is
//             waited for; anything else, and every restart, is `uncertain` (resume never resends by itself).
//   revert    the engine restores the prior PowerState: On, or GracefulShutdown for Off (plan/model.hpp).
#ifndef SERVEROPS_PLAN_REDFISH_ADAPTER_HPP
#define SERVEROPS_PLAN_REDFISH_ADAPTER_HPP

#include <serverops/plan/adapters.hpp>
#include <serverops/redfish/desired_state.hpp>
#include <serverops/redfish/reset.hpp>
#include <serverops/redfish/systems.hpp>
#include <serverops/redfish/wait.hpp>

#include <algorithm>
#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace serverops::plan {

/// Redfish ComputerSystems: the power operations (ResetType values) of a step's systems.
template <class Session>
class redfish_binding final : public system_binding {
public:
    redfish_binding(Session& s, polling_policy poll) : s_(s), poll_(poll) {}

    result<state_reads> read_states(const read_request& r) override {
        state_reads out;
        for (auto& id : r.targets) {
            auto read = read_system(id);
            if (detail::ends_the_reads(read)) return failure(std::move(read).error());
            if (read) out.push_back(read.value().power_state_text);
            else out.push_back(failure(std::move(read).error()));
        }
        return out;
    }

    std::vector<request_text> describe(const change& c) const override {
        auto type = redfish::parse_reset_type(c.value);
        if (!type) return {};
        std::vector<request_text> out;
        for (auto& id : c.targets) {
            auto known = seen_.find(id);
            const auto op = redfish::reset::of(known != seen_.end() ? known->second : default_system(id), type.value());
            out.push_back(detail::request_of(op, s_.current_context()));
        }
        return out;
    }

    result<send_result> send(const change& c) override {
        BOOST_OUTCOME_TRY(auto type, redfish::parse_reset_type(c.value));
        send_result r;
        for (auto& id : c.targets) {
            sent_target t;
            t.target = id;
            auto read = read_system(id);
            // Nothing sent yet: a failure not about this system is the whole call's (nothing executed).
            if (r.targets.empty() && detail::ends_the_reads(read)) return failure(std::move(read).error());
            auto decided = redfish::decide_power(read, type);
            if (!decided) {
                t.problem = std::move(decided).error();
            } else if (decided.value()) {
                t.status = sent_target::unchanged;
            } else if (auto posted = s_.call(redfish::reset::of(read.value(), type))) {
                t.status = sent_target::accepted;
                t.job = posted.value().task_monitor.value_or("");
            } else {
                t.problem = std::move(posted).error();  // never resent, whatever the failure
            }
            r.targets.push_back(std::move(t));
        }
        return r;
    }

    std::vector<confirmation> wait(const wait_request& w, const wait_observer& o) override {
        const auto clock = serverops::detail::clock_of(s_);
        const auto deadline = clock.now() + w.timeout;
        const auto type = redfish::parse_reset_type(w.what.value);
        std::vector<confirmation> out;
        for (auto& target : w.what.targets) {
            confirmation k;
            k.target = target;
            auto policy = poll_;
            policy.timeout = std::max(std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock.now()),
                                      std::chrono::milliseconds(0));
            if (!type) {
                k.status = confirmation::failed;
                k.problem = type.error();
            } else if (!w.handle) {
                judge_by_state(k, w.desired, policy, clock, o);
            } else if (const auto* st = detail::sent_for(*w.handle, target); !st) {
                k.problem = error(errc::target_not_in_response, "the send did not report this system");
            } else if (st->status == sent_target::unchanged) {
                k.status = confirmation::unchanged;
                k.state = w.desired;
            } else if (st->status == sent_target::failed) {
                k.status = confirmation::failed;
                k.problem = st->problem;
            } else {
                confirm_reset(k, *st, type.value(), w.desired, policy, clock, o);
            }
            out.push_back(std::move(k));
        }
        return out;
    }

private:
    /// The system, with the allowed ResetType values of its ActionInfo resource when it keeps them there (best
    /// effort: without them the service itself refuses a value it does not take). Remembered for `describe`.
    result<redfish::computer_system> read_system(const std::string& id) {
        auto read = s_.call(redfish::get_system{id, {}});
        if (!read) return read;
        auto sys = std::move(read).value();
        if (sys.reset_action_info && !sys.allowed_reset_types)
            if (auto info = s_.call(redfish::get_action_info{*sys.reset_action_info}))
                sys = redfish::with_action_info(std::move(sys), info.value());
        seen_[id] = sys;
        return sys;
    }

    /// What `describe` shows before the system was read: the DMTF default target (the send reads the real one).
    static redfish::computer_system default_system(const std::string& id) {
        redfish::computer_system s;
        s.id = id;
        s.reset_target = redfish::get_system{id, {}}.effective_uri();
        s.reset_target += "/Actions/ComputerSystem.Reset";
        return s;
    }

    static void fail_wait(confirmation& k, error e) {
        // Stopped (a signal) while waiting: the reset ran, its end is not known; otherwise the wait's own end.
        k.status = e.is(errc::cancelled) ? confirmation::uncertain : confirmation::failed;
        k.problem = std::move(e);
    }

    void confirm_reset(confirmation& k, const sent_target& st, redfish::reset_type type, const std::string& desired,
                       const polling_policy& policy, const sync_clock& clock, const wait_observer& o) {
        const auto start = clock.now();
        if (!st.job.empty()) {
            auto done = redfish::wait_for_task(s_, st.job, policy, clock, o);
            if (!done) return fail_wait(k, std::move(done).error());
        }
        const auto target_state = redfish::power_state_after(type);
        if (!target_state && !redfish::is_restart(type)) {  // Nmi, PushPowerButton: the answer (and task) is all
            k.status = confirmation::changed;
            return;
        }
        const auto want = target_state.value_or(redfish::power_state::on);
        redfish::power_state_waiter waiter(redfish::get_system{k.target, {}}, want,
                                           redfish::detail::remaining(policy, start, clock.now()), clock.now());
        auto reached = run_wait(s_, waiter, clock, o);
        if (!reached) return fail_wait(k, std::move(reached).error());
        k.status = confirmation::changed;
        k.state = desired.empty() ? reached.value().power_state_text : desired;
    }

    /// The send's answer is unknown: the state decides when it can, the reset is never sent again.
    void judge_by_state(confirmation& k, const std::string& desired, const polling_policy& policy,
                        const sync_clock& clock, const wait_observer& o) {
        auto read = s_.call(redfish::get_system{k.target, {}});
        if (!read) {
            k.problem = std::move(read).error();
            return;
        }
        k.state = read.value().power_state_text;
        if (desired.empty()) {
            k.problem = detail::cannot_tell("a restart leaves no state to read");
            return;
        }
        if (k.state == desired) {
            k.status = confirmation::changed;
            return;
        }
        const auto p = read.value().power;
        if (p != redfish::power_state::powering_on && p != redfish::power_state::powering_off) {
            k.problem = detail::cannot_tell("the system is not in the power state asked for");
            return;
        }
        const auto want = redfish::power_state_names.find(desired);
        if (!want) {
            k.problem = detail::cannot_tell("the power state asked for is not a PowerState");
            return;
        }
        redfish::power_state_waiter waiter(redfish::get_system{k.target, {}}, *want, policy, clock.now());
        auto reached = run_wait(s_, waiter, clock, o);
        if (reached) {
            k.status = confirmation::changed;
            k.state = desired;
        } else {
            k.problem = std::move(reached).error();  // uncertain: it may still get there
        }
    }

    Session& s_;
    polling_policy poll_;
    std::map<std::string, redfish::computer_system> seen_;
};

template <class Session>
std::unique_ptr<system_binding> make_redfish_binding(Session& s, const polling_policy& poll = {}) {
    return std::make_unique<redfish_binding<Session>>(s, poll);
}

}  // namespace serverops::plan

#endif
