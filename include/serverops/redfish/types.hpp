// Typed values of the DMTF Redfish API (DSP0266 / DSP8010) that serverops reads and sends: power state, reset
// types, the computer system with its Reset action, the Systems collection, the service root, tasks and messages.
#ifndef SERVEROPS_REDFISH_TYPES_HPP
#define SERVEROPS_REDFISH_TYPES_HPP

#include <serverops/detail/enum_table.hpp>
#include <serverops/error.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace serverops::redfish {

/// `ComputerSystem.PowerState` (Resource.PowerState). A value outside the schema is `unknown`, its text kept: the
/// power state is informational until a wait or a desired-state call compares it.
enum class power_state { on, off, powering_on, powering_off, paused, unknown };

inline constexpr serverops::enum_table<power_state, 5> power_state_names{
    {{std::pair{power_state::on, std::string_view("On")}, std::pair{power_state::off, std::string_view("Off")},
      std::pair{power_state::powering_on, std::string_view("PoweringOn")},
      std::pair{power_state::powering_off, std::string_view("PoweringOff")},
      std::pair{power_state::paused, std::string_view("Paused")}}}};

inline std::string_view to_string(power_state p) noexcept {
    return p == power_state::unknown ? std::string_view("unknown") : power_state_names.to_string(p);
}
inline std::ostream& operator<<(std::ostream& os, power_state p) { return os << to_string(p); }

/// `Resource.ResetType`: the twelve values of the schema and `FullPowerCycle` (added in Resource v1_18).
enum class reset_type {
    on,
    force_off,
    graceful_shutdown,
    graceful_restart,
    force_restart,
    nmi,
    force_on,
    push_power_button,
    power_cycle,
    suspend,
    pause,
    resume,
    full_power_cycle,
};

inline constexpr serverops::enum_table<reset_type, 13> reset_type_names{{{
    std::pair{reset_type::on, std::string_view("On")},
    std::pair{reset_type::force_off, std::string_view("ForceOff")},
    std::pair{reset_type::graceful_shutdown, std::string_view("GracefulShutdown")},
    std::pair{reset_type::graceful_restart, std::string_view("GracefulRestart")},
    std::pair{reset_type::force_restart, std::string_view("ForceRestart")},
    std::pair{reset_type::nmi, std::string_view("Nmi")},
    std::pair{reset_type::force_on, std::string_view("ForceOn")},
    std::pair{reset_type::push_power_button, std::string_view("PushPowerButton")},
    std::pair{reset_type::power_cycle, std::string_view("PowerCycle")},
    std::pair{reset_type::suspend, std::string_view("Suspend")},
    std::pair{reset_type::pause, std::string_view("Pause")},
    std::pair{reset_type::resume, std::string_view("Resume")},
    std::pair{reset_type::full_power_cycle, std::string_view("FullPowerCycle")},
}}};

inline std::string_view to_string(reset_type t) noexcept { return reset_type_names.to_string(t); }
inline std::ostream& operator<<(std::ostream& os, reset_type t) { return os << to_string(t); }
/// "ForceOff" -> reset_type::force_off (exact DMTF spelling); anything else is errc::unknown_enum_value.
inline result<reset_type> parse_reset_type(std::string_view text) { return reset_type_names.parse(text, "ResetType"); }

/// The power state a reset type leads to when it completes: On for On/ForceOn/Resume, Off for
/// ForceOff/GracefulShutdown, Paused for Pause; nullopt for the restarts (On again, after a dip that may be too short
/// to see: `is_restart`) and for those whose outcome depends on the state (PushPowerButton toggles, Nmi and Suspend
/// leave PowerState to the host).
constexpr std::optional<power_state> power_state_after(reset_type t) noexcept {
    switch (t) {
    case reset_type::on:
    case reset_type::force_on:
    case reset_type::resume: return power_state::on;
    case reset_type::force_off:
    case reset_type::graceful_shutdown: return power_state::off;
    case reset_type::pause: return power_state::paused;
    default: return std::nullopt;
    }
}

/// GracefulRestart, ForceRestart, PowerCycle, FullPowerCycle: the system ends On again.
constexpr bool is_restart(reset_type t) noexcept {
    return t == reset_type::graceful_restart || t == reset_type::force_restart || t == reset_type::power_cycle ||
           t == reset_type::full_power_cycle;
}

/// One entry of `@Message.ExtendedInfo` or of a Task's `Messages` (Message.v1_x.Message). Server text: escape it
/// (`printable`) before printing.
struct message {
    std::string message_id;  ///< e.g. "Base.1.8.Success", "IDRAC.2.7.SYS415"; kept whole
    std::string text;        ///< `Message`
    std::string resolution;  ///< `Resolution`
    std::string severity;    ///< `Severity` or `MessageSeverity` ("OK", "Warning", "Critical")
};

/// `GET /redfish/v1/` (ServiceRoot). Links are origin-relative URIs as the service wrote them.
struct service_root {
    std::string redfish_version;             ///< "1.15.0"; empty when absent
    std::string uuid;                        ///< empty when absent
    std::optional<std::string> name;
    std::string systems_uri;                 ///< `Systems.@odata.id`; empty when the service has none
    std::string session_service_uri;         ///< `SessionService.@odata.id`; empty when the service has none
    std::string sessions_uri;                ///< `Links.Sessions.@odata.id`; empty when absent
    bool has_session_service() const noexcept { return !session_service_uri.empty() || !sessions_uri.empty(); }
};

/// One member of a resource collection: its URI and its last path segment (the resource's `Id` on every service
/// seen, though the schema does not promise it).
struct member {
    std::string uri;
    std::string id;
};

/// `GET /redfish/v1/Systems` (ComputerSystemCollection).
struct systems_collection {
    std::vector<member> members;
    std::optional<std::int64_t> count;  ///< `Members@odata.count`
};

/// `GET /redfish/v1/Systems/{id}` (ComputerSystem), the members serverops uses.
struct computer_system {
    std::string uri;                  ///< `@odata.id`; empty when absent (then the URI the resource was read from)
    std::string id;                   ///< `Id`
    std::optional<std::string> name;  ///< `Name`
    power_state power = power_state::unknown;
    std::string power_state_text;     ///< `PowerState` as sent (empty when absent or null)
    /// `Actions["#ComputerSystem.Reset"].target`; empty when the system advertises no Reset action. POST here, never
    /// to a URI built by hand (iLO's ends in '/', OEM services place it elsewhere).
    std::string reset_target;
    /// `ResetType@Redfish.AllowableValues` as sent (the annotation, iDRAC, iLO, the DMTF mockups), or those of the
    /// ActionInfo resource once read (`with_action_info`). nullopt: the service does not say, and every value is
    /// offered (as sushy does).
    std::optional<std::vector<std::string>> allowed_reset_types;
    /// `@Redfish.ActionInfo` of the Reset action (OpenBMC/bmcweb, Supermicro): a resource that lists the allowed
    /// values (`get_action_info`).
    std::optional<std::string> reset_action_info;

    /// Whether `t` may be posted: the service lists it, or lists nothing.
    bool allows(reset_type t) const {
        if (!allowed_reset_types) return true;
        for (const auto& v : *allowed_reset_types)
            if (v == to_string(t)) return true;
        return false;
    }
};

/// `TaskState` (Task.v1_x.TaskState).
enum class task_state {
    new_,
    starting,
    running,
    suspended,
    interrupted,
    pending,
    stopping,
    completed,
    killed,
    exception,
    service,
    cancelling,
    cancelled,
};

inline constexpr serverops::enum_table<task_state, 13> task_state_names{{{
    std::pair{task_state::new_, std::string_view("New")},
    std::pair{task_state::starting, std::string_view("Starting")},
    std::pair{task_state::running, std::string_view("Running")},
    std::pair{task_state::suspended, std::string_view("Suspended")},
    std::pair{task_state::interrupted, std::string_view("Interrupted")},
    std::pair{task_state::pending, std::string_view("Pending")},
    std::pair{task_state::stopping, std::string_view("Stopping")},
    std::pair{task_state::completed, std::string_view("Completed")},
    std::pair{task_state::killed, std::string_view("Killed")},
    std::pair{task_state::exception, std::string_view("Exception")},
    std::pair{task_state::service, std::string_view("Service")},
    std::pair{task_state::cancelling, std::string_view("Cancelling")},
    std::pair{task_state::cancelled, std::string_view("Cancelled")},
}}};

inline std::string_view to_string(task_state s) noexcept { return task_state_names.to_string(s); }
inline std::ostream& operator<<(std::ostream& os, task_state s) { return os << to_string(s); }
/// An undocumented TaskState drives the wait, so it is errc::unknown_enum_value (text in vendor_message).
inline result<task_state> parse_task_state(std::string_view text) { return task_state_names.parse(text, "TaskState"); }

/// Completed, Killed, Exception, Cancelled: the task will not change any more.
constexpr bool is_terminal(task_state s) noexcept {
    return s == task_state::completed || s == task_state::killed || s == task_state::exception ||
           s == task_state::cancelled;
}

/// What a task monitor answered. While the task runs the monitor answers 202 (a Task body, or none); when it is done
/// it answers the operation's own result: a Task resource (its TaskState), or any other 2xx (the operation
/// succeeded: `completed`).
struct task {
    std::string monitor_uri;           ///< the URI polled
    std::string uri;                   ///< the Task's `@odata.id`; empty when the body was not a Task
    std::string id;                    ///< `Id`
    task_state state = task_state::running;
    bool finished = false;             ///< the state is terminal: the monitor will not answer differently
    unsigned http_status = 0;          ///< 202 while running; the final answer's status otherwise
    std::optional<std::string> task_status;  ///< `TaskStatus` ("OK", "Warning", "Critical")
    std::optional<int> percent_complete;     ///< `PercentComplete` (0-100)
    std::vector<message> messages;           ///< `Messages`, or the final answer's `@Message.ExtendedInfo`
    std::optional<std::chrono::seconds> retry_after;  ///< the monitor's `Retry-After` (seconds or HTTP date)
};

/// What `ComputerSystem.Reset` answered: 204 (done or accepted, no body), 200 (with `@Message.ExtendedInfo`), or
/// 202 (a task monitor to poll).
struct reset_result {
    bool accepted = true;
    unsigned status = 0;                       ///< 200, 202 or 204
    reset_type type = reset_type::on;          ///< what was posted
    std::optional<std::string> task_monitor;   ///< 202: `Location`, else the body's `@odata.id`; nullopt otherwise
    std::vector<message> messages;             ///< `@Message.ExtendedInfo` of the answer
};

/// What a session login (`POST SessionService/Sessions`) gave: the token (secret) and the session's URI, or, in
/// `auto` mode, the decision to use HTTP Basic because the service has no session login.
struct session_login {
    std::string token;         ///< `X-Auth-Token`; secret
    std::string session_uri;   ///< `Location`, else the body's `@odata.id`; empty when the service sent neither
    bool use_basic = false;    ///< auto mode: the login answered 404/405, or 401 with `WWW-Authenticate: Basic`
};

}  // namespace serverops::redfish

#endif
