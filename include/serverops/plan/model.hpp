// The maintenance plan in C++: named systems, ordered steps, their targets and batches. A program builds one in code
// or reads it from the JSON file format (serverops/plan/reader.hpp); the engine (serverops/plan/engine.hpp) runs it.
//
// The state words every layer of plans shares (journal, audit, reports) are the ones an operator reads:
//   maintenance   "on" / "off"                          (CLC inMaintenanceMode, Alien4Cloud maintenance)
//   mode          "maintenance" / "production"          (UCS)
//   power         CLC powerState "started" / "stopped" / "paused"; Redfish PowerState "On" / "Off" / "Paused"
// A step asks for a value: the state itself for maintenance and mode, an operation for power ("power-off",
// "reboot", "ForceRestart"...). Operations that end in a state (power-on, ForceOff, ...) have a desired state and are
// skipped for targets already in it; the others (reboot, reset, PowerCycle, ...) are actions: always sent, never
// reverted ("not reversible").
#ifndef SERVEROPS_PLAN_MODEL_HPP
#define SERVEROPS_PLAN_MODEL_HPP

#include <serverops/endpoint.hpp>

#include <array>
#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace serverops::plan {

/// The APIs a plan reaches.
enum class system_kind { clc, alien4cloud, ucs, redfish };

/// What a step changes; also the aspect of a target's state that a read returns.
enum class action_kind { maintenance, mode, power };

inline constexpr std::array<std::pair<system_kind, std::string_view>, 4> system_kind_names{{
    {system_kind::clc, "clc"},
    {system_kind::alien4cloud, "alien4cloud"},
    {system_kind::ucs, "ucs"},
    {system_kind::redfish, "redfish"},
}};
inline constexpr std::array<std::pair<action_kind, std::string_view>, 3> action_kind_names{{
    {action_kind::maintenance, "maintenance"},
    {action_kind::mode, "mode"},
    {action_kind::power, "power"},
}};

inline std::string_view to_string(system_kind k) noexcept {
    for (auto& [v, n] : system_kind_names)
        if (v == k) return n;
    return "?";
}
inline std::string_view to_string(action_kind k) noexcept {
    for (auto& [v, n] : action_kind_names)
        if (v == k) return n;
    return "?";
}
inline std::optional<system_kind> parse_system_kind(std::string_view s) noexcept {
    for (auto& [v, n] : system_kind_names)
        if (n == s) return v;
    return std::nullopt;
}
inline std::optional<action_kind> parse_action_kind(std::string_view s) noexcept {
    for (auto& [v, n] : action_kind_names)
        if (n == s) return v;
    return std::nullopt;
}

/// Whether a system kind offers an action (the table): CLC maintenance and power, Alien4Cloud maintenance,
/// UCS mode, Redfish power.
constexpr bool supports(system_kind s, action_kind a) noexcept {
    switch (s) {
    case system_kind::clc: return a == action_kind::maintenance || a == action_kind::power;
    case system_kind::alien4cloud: return a == action_kind::maintenance;
    case system_kind::ucs: return a == action_kind::mode;
    case system_kind::redfish: return a == action_kind::power;
    }
    return false;
}

/// Whether steps of this kind name their targets (CLC servers, Redfish systems); Alien4Cloud and UCS steps act on
/// the system as a whole.
constexpr bool has_targets(system_kind s) noexcept { return s == system_kind::clc || s == system_kind::redfish; }

/// The JSON member naming a step's targets for a system kind: "servers" (CLC), "systems" (Redfish), "" (none).
constexpr std::string_view targets_member(system_kind s) noexcept {
    return s == system_kind::clc ? "servers" : s == system_kind::redfish ? "systems" : "";
}

/// One operation of a power step: its word, and the state it ends in ("" for an action such as a reboot).
struct power_operation {
    std::string_view name;
    std::string_view ends_in;
};

inline constexpr std::array<power_operation, 6> clc_power_operations{{
    {"power-on", "started"},
    {"power-off", "stopped"},
    {"shut-down", "stopped"},
    {"pause", "paused"},
    {"reboot", ""},
    {"reset", ""},
}};

/// Redfish ComputerSystem.Reset ResetType values.
inline constexpr std::array<power_operation, 11> redfish_power_operations{{
    {"On", "On"},
    {"ForceOn", "On"},
    {"ForceOff", "Off"},
    {"GracefulShutdown", "Off"},
    {"Pause", "Paused"},
    {"Resume", "On"},
    {"GracefulRestart", ""},
    {"ForceRestart", ""},
    {"PowerCycle", ""},
    {"PushPowerButton", ""},
    {"Nmi", ""},
}};

/// The values a step of (system, action) may ask for: "on"/"off", the UCS modes, the power operations.
inline std::vector<std::string_view> allowed_values(system_kind s, action_kind a) {
    std::vector<std::string_view> out;
    switch (a) {
    case action_kind::maintenance: out = {"on", "off"}; break;
    case action_kind::mode: out = {"maintenance", "production"}; break;
    case action_kind::power:
        if (s == system_kind::clc)
            for (auto& o : clc_power_operations) out.push_back(o.name);
        if (s == system_kind::redfish)
            for (auto& o : redfish_power_operations) out.push_back(o.name);
        break;
    }
    return out;
}

/// The state a value leaves a target in ("" when the value is an action that leaves no state to compare, such as
/// a reboot). For maintenance and mode, the value is the state.
inline std::string_view desired_state(system_kind s, action_kind a, std::string_view value) noexcept {
    if (a != action_kind::power) return value;
    if (s == system_kind::clc)
        for (auto& o : clc_power_operations)
            if (o.name == value) return o.ends_in;
    if (s == system_kind::redfish)
        for (auto& o : redfish_power_operations)
            if (o.name == value) return o.ends_in;
    return {};
}

/// An action without a desired state cannot be undone and is always sent (reboot, reset, PowerCycle...).
inline bool is_reversible(system_kind s, action_kind a, std::string_view value) noexcept {
    return !desired_state(s, a, value).empty();
}

/// The value that brings a target back to `state` (revert), or "" when no request does. Power: the gentlest
/// operation that ends in it (shut-down rather than power-off, GracefulShutdown rather than ForceOff).
inline std::string_view value_restoring(system_kind s, action_kind a, std::string_view state) noexcept {
    switch (a) {
    case action_kind::maintenance: return state == "on" || state == "off" ? state : std::string_view{};
    case action_kind::mode: return state == "maintenance" || state == "production" ? state : std::string_view{};
    case action_kind::power: break;
    }
    if (s == system_kind::clc) {
        if (state == "started") return "power-on";
        if (state == "stopped") return "shut-down";
        if (state == "paused") return "pause";
    }
    if (s == system_kind::redfish) {
        if (state == "On") return "On";
        if (state == "Off") return "GracefulShutdown";
    }
    return {};
}

/// Where and how a system is reached. Credentials never belong here: they come from the environment.
struct system_config {
    system_kind kind = system_kind::clc;
    std::optional<std::string> base_url;  ///< absent: the system's usual environment variable (CLC_BASE_URL, ...)
    std::optional<std::string> alias;     ///< CLC account alias; absent: the environment's
};

/// One step: one action on one system, over its targets in batches.
struct step {
    std::string id;
    std::string system;        ///< a key of maintenance_plan::systems
    action_kind action = action_kind::maintenance;
    std::string value;         ///< "on"/"off", a UCS mode, or a power operation (see allowed_values)
    std::optional<std::string> message;  ///< Alien4Cloud maintenance on: sent as a separate update after enabling
    std::vector<std::string> targets;    ///< CLC server ids (upper case) or Redfish system ids; empty otherwise
    std::optional<std::size_t> max_unavailable;  ///< targets changed per batch; absent: all at once
    bool within_maintenance = false;     ///< CLC power: each batch enters maintenance first and leaves it after
    std::size_t max_failures = 0;        ///< targets that may fail before the step and the plan stop
};

/// A maintenance window.
struct maintenance_plan {
    std::string name;
    std::string reason;
    std::map<std::string, system_config> systems;  ///< by the name steps use ("clc", "alien4cloud", or any)
    std::vector<step> steps;

    const system_config* system_of(const step& s) const {
        auto it = systems.find(s.system);
        return it == systems.end() ? nullptr : &it->second;
    }
};

/// The target of a step on a system acted on as a whole (Alien4Cloud, UCS): the host of its base URL, or the
/// system's name when the plan leaves the URL to the environment (bind it before running to name the host).
inline std::string whole_system_target(const std::string& system_name, const system_config& sys) {
    if (sys.base_url)
        if (auto ep = parse_endpoint(*sys.base_url)) return ep.value().host;
    return system_name;
}

/// The targets a step acts on, in order: its listed targets, or the one whole-system target.
inline std::vector<std::string> step_targets(const maintenance_plan& p, const step& s) {
    if (!s.targets.empty()) return s.targets;
    if (auto* sys = p.system_of(s)) return {whole_system_target(s.system, *sys)};
    return {s.system};
}

}  // namespace serverops::plan

#endif
