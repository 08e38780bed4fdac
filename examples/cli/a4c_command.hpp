// serverops CLI: `serverops alien4cloud maintenance status|enable|disable|update` through a4c::session (form
// login) over the sync Beast transport.
#ifndef SERVEROPS_CLI_A4C_COMMAND_HPP
#define SERVEROPS_CLI_A4C_COMMAND_HPP

#include "args.hpp"
#include "common.hpp"
#include "connection.hpp"
#include "output.hpp"

#include <serverops/a4c.hpp>
#include <serverops/a4c/desired_state.hpp>
#include <serverops/a4c/session.hpp>
#include <serverops/beast/sync_transport.hpp>

#include <boost/json/array.hpp>

#include <string>
#include <string_view>

namespace serverops_cli::a4c_cli {

namespace a4c = serverops::a4c;
using session_type = a4c::session<serverops::beast_sync_transport>;

inline bool is_action(std::string_view w) { return w == "status" || w == "enable" || w == "disable" || w == "update"; }

inline json::object to_json(const a4c::maintenance_state& s) {
    json::object o;
    o["enabled"] = s.enabled;
    if (!s.enabled) return o;
    o["id"] = s.id;
    o["user"] = s.user;
    o["userTriggered"] = s.user_triggered;
    put_optional(o, "progressPercent", s.progress_percent);
    put_optional_time(o, "started", s.started());
    json::array log;
    for (auto& e : s.log) {
        json::object entry;
        entry["date"] = iso8601(e.date);
        entry["user"] = e.user;
        entry["message"] = e.message;
        log.emplace_back(std::move(entry));
    }
    o["log"] = std::move(log);
    return o;
}

inline void print_human(const a4c::maintenance_state& s) {
    if (!s.enabled) {
        print_line("maintenance: off");
        return;
    }
    std::string line = "maintenance: on";
    if (s.progress_percent) line += ", " + std::to_string(*s.progress_percent) + "%";
    std::string about;
    if (!s.user.empty()) about += "by " + clip(s.user, 80);
    if (auto since = s.started()) about += std::string(about.empty() ? "" : ", ") + "since " + iso8601(*since);
    if (!s.user_triggered) about += std::string(about.empty() ? "" : ", ") + "started by the server";
    if (!about.empty()) line += " (" + about + ")";
    print_line(line);
    for (auto& e : s.log)
        print_line("  " + iso8601(e.date) + " " + clip(e.user, 80) + ": " + clip(e.message));
}

/// A change that answers nothing: prints what was done.
inline int report_change(const serverops::result<void>& r, std::string_view operation, std::string_view done_text,
                         bool as_json) {
    json::object o;
    o["operation"] = operation;
    if (!r) return fail_call(r.error(), as_json, std::move(o));
    if (as_json) {
        o["succeeded"] = true;
        print_json(o);
    } else {
        print_line(done_text);
    }
    return exit_ok;
}

/// enable/disable in desired-state mode (a4c::ensure_maintenance): read the state, change it only when it differs.
/// JSON adds "outcome" ("unchanged" or "changed") to the --force document.
inline int report_desired(const serverops::result<a4c::maintenance_report>& r, bool enable, bool as_json) {
    json::object o;
    o["operation"] = enable ? "enableMaintenance" : "disableMaintenance";
    if (!r) return fail_call(r.error(), as_json, std::move(o));
    const bool unchanged = r.value().outcome == serverops::target_outcome::unchanged;
    if (as_json) {
        o["succeeded"] = true;
        o["outcome"] = serverops::to_string(r.value().outcome);
        print_json(o);
    } else if (unchanged) {
        print_line(enable ? "maintenance: unchanged (already on)" : "maintenance: unchanged (already off)");
    } else {
        print_line(enable ? "maintenance enabled" : "maintenance disabled");
    }
    return exit_ok;
}

/// `serverops alien4cloud ...`: cl.words[0] is "alien4cloud" or "a4c".
inline int run(const command_line& cl) {
    const std::string system_help = "serverops alien4cloud --help";
    if (cl.words.size() < 2) return usage_error("alien4cloud: missing command 'maintenance'", system_help);
    if (cl.words[1] != "maintenance")
        return usage_error("alien4cloud: unknown command '" + clip(cl.words[1], 80) + "'", system_help);
    if (cl.words.size() < 3)
        return usage_error("alien4cloud maintenance: missing action (status, enable, disable or update)", system_help);
    const std::string& action = cl.words[2];
    if (!is_action(action))
        return usage_error("alien4cloud maintenance: unknown action '" + clip(action, 80) + "'", system_help);
    const std::string help = "serverops alien4cloud maintenance " + action + " --help";
    if (cl.words.size() > 3)
        return usage_error("alien4cloud maintenance " + action + ": unexpected argument '" +
                               clip(cl.words[3], 80) + "'",
                           help);

    std::optional<std::string> unexpected;
    if (action == "update")
        unexpected = cl.unexpected_option({"--json", "--base-url", "--ca-file", "--insecure-skip-tls-verify",
                                           "--request-timeout", "--message", "--progress"});
    else if (action == "enable" || action == "disable")
        unexpected = cl.unexpected_option(
            {"--json", "--base-url", "--ca-file", "--insecure-skip-tls-verify", "--request-timeout", "--force"});
    else
        unexpected = cl.unexpected_option(
            {"--json", "--base-url", "--ca-file", "--insecure-skip-tls-verify", "--request-timeout"});
    if (unexpected)
        return usage_error("alien4cloud maintenance " + action + ": option " + *unexpected + " does not apply here",
                           help);

    a4c::update_maintenance update;
    if (action == "update") {
        update.message = cl.value("--message");
        if (auto p = cl.value("--progress")) {
            auto v = parse_integer(*p, a4c::update_maintenance::min_progress, a4c::update_maintenance::max_progress);
            if (!v)
                return usage_error("alien4cloud maintenance update: --progress needs an integer from 0 to 100", help);
            update.progress_percentage = static_cast<int>(*v);
        }
        if (!update.message && !update.progress_percentage)
            return usage_error("alien4cloud maintenance update: give --message M and/or --progress P", help);
    }

    auto user = env("A4C_USERNAME");
    auto password = env("A4C_PASSWORD");
    if (!user || !password)
        return usage_error("alien4cloud: A4C_USERNAME and A4C_PASSWORD must be set in the environment (credentials "
                           "are never taken from arguments)",
                           system_help);
    auto conn = make_connection(cl, "A4C_BASE_URL", {});
    if (!conn.error.empty()) return usage_error("alien4cloud: " + conn.error, system_help);
    auto ctx = a4c::context::from_base_url(conn.base_url);
    if (!ctx) return usage_error("alien4cloud: invalid base URL: " + ctx.error().detail, system_help);

    session_type s(serverops::beast_sync_transport(conn.endpoint, conn.transport),
                   a4c::form_authenticator{{*user, *password}}, std::move(ctx).value(), conn.session_options());
    const bool as_json = cl.has("--json");

    if (action == "status") {
        auto r = s.call(a4c::get_maintenance_state{});
        if (!r) return fail(r.error());
        if (as_json) print_json(to_json(r.value()));
        else print_human(r.value());
        return exit_ok;
    }
    if ((action == "enable" || action == "disable") && !cl.has("--force"))
        return report_desired(a4c::ensure_maintenance(s, action == "enable"), action == "enable", as_json);
    if (action == "enable")
        return report_change(s.call(a4c::enable_maintenance{}), "enableMaintenance", "maintenance enabled", as_json);
    if (action == "disable")
        return report_change(s.call(a4c::disable_maintenance{}), "disableMaintenance", "maintenance disabled", as_json);
    std::string done = "maintenance updated";
    if (update.progress_percentage) done += ": progress " + std::to_string(*update.progress_percentage) + "%";
    if (update.message) done += update.progress_percentage ? ", message logged" : ": message logged";
    return report_change(s.call(update), "updateMaintenance", done, as_json);
}

}  // namespace serverops_cli::a4c_cli

#endif
