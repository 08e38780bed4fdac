// How the plan drivers reach the systems: the system adapter concept. The engine (engine.hpp) never performs I/O;
// its driver (run.hpp) hands each read, description, send and wait to an adapter. One adapter object serves the
// whole plan: every request names its system (the plan's name and kind), and a real adapter dispatches on it.
//
// Mapping a real adapter onto the existing desired-state functions (a binding to live sessions, not in this file):
//   read_states  clc: clc::get_server per target (observed_text gives "on"/"off" or the powerState);
//                alien4cloud: a4c::get_maintenance_state ("on"/"off"); ucs: ucs::get_server_status (mode name);
//                redfish: GET the ComputerSystem's PowerState. A failed read is the target's `result` error, classified
//                by serverops::classify_read_failure exactly as ensure_state does; an error of the whole call
//                (credentials, transport) is the outer error.
//   describe     encode(op, ctx) of the operation send() would call (server_batch / set_server_mode / a4c
//                enable, update, disable): method, target path and body; never the headers.
//   send         clc: the server_batch for the value (clc::start_maintenance, power_off, reboot, ...) -> per server
//                accepted (job id) / failed; is_already_in_desired_state -> unchanged. alien4cloud: enable /
//                disable_maintenance (a4c::is_already_in_state -> unchanged), update_maintenance for "message".
//                ucs: set_server_mode. A failure of the call is the outer error, `may_have_executed` kept.
//   wait         with a handle: clc::job_waiter over the job (session.wait), ucs::mode_waiter; without one (the
//                send's answer was lost): read the state until it is the desired one or the timeout passes, and
//                answer `uncertain` when it cannot tell (always for an action such as a reboot). Both run through
//                run_wait with the given observer.
#ifndef SERVEROPS_PLAN_SYSTEM_HPP
#define SERVEROPS_PLAN_SYSTEM_HPP

#include <serverops/error.hpp>
#include <serverops/plan/journal.hpp>
#include <serverops/plan/model.hpp>
#include <serverops/waiter.hpp>

#include <chrono>
#include <concepts>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace serverops::plan {

/// Read the state of some targets of one system, for one aspect.
struct read_request {
    std::string step;
    std::string system;
    system_kind kind = system_kind::clc;
    action_kind aspect = action_kind::maintenance;
    std::vector<std::string> targets;
};

/// Per target, in the order asked: its state word, or why it could not be read. The outer result fails when the
/// read failed for a reason not about any target (see serverops/desired_state.hpp).
using state_reads = std::vector<result<std::string>>;

/// One state-changing request for a batch of targets of one system.
struct change {
    std::string step;
    std::string system;
    system_kind kind = system_kind::clc;
    action_kind action = action_kind::maintenance;
    std::string value;    ///< "on", "off", a mode, a power operation, or "message" (the Alien4Cloud update)
    std::string message;  ///< the Alien4Cloud message, for "message"
    std::vector<std::string> targets;
};

/// How the send went for one target.
struct sent_target {
    enum status_t { accepted, unchanged, failed };
    std::string target;
    status_t status = failed;
    std::string job;                 ///< its job or task when it has its own; else the batch's
    std::optional<error> problem;    ///< failed
};

/// The answer of a send: the job it queued (shared by the batch, may be empty) and each target's fate.
struct send_result {
    std::string job;
    std::vector<sent_target> targets;
};

/// Wait until the change is confirmed for `what.targets`.
struct wait_request {
    change what;
    std::optional<send_result> handle;  ///< absent: the send's answer is unknown (lost, or a crash): decide by state
    std::string desired;                ///< the state the change ends in; "" for an action (reboot, ...)
    std::chrono::seconds timeout{900};
};

/// How a change ended for one target.
struct confirmation {
    enum status_t { changed, unchanged, failed, uncertain };
    std::string target;
    status_t status = uncertain;
    std::string state;             ///< the state read last, when known
    std::optional<error> problem;  ///< failed, uncertain
};

inline std::string_view to_string(confirmation::status_t s) noexcept {
    switch (s) {
    case confirmation::changed: return "changed";
    case confirmation::unchanged: return "unchanged";
    case confirmation::failed: return "failed";
    case confirmation::uncertain: return "uncertain";
    }
    return "?";
}

/// The sync system adapter: what run_plan needs of the systems. `describe` is pure (no I/O, no credentials).
template <class A>
concept system_adapter = requires(A& a, const read_request& r, const change& c, const wait_request& w,
                                  const wait_observer& o) {
    { a.read_states(r) } -> std::same_as<result<state_reads>>;
    { a.describe(c) } -> std::same_as<std::vector<request_text>>;
    { a.send(c) } -> std::same_as<result<send_result>>;
    { a.wait(w, o) } -> std::same_as<std::vector<confirmation>>;
};

}  // namespace serverops::plan

#endif
