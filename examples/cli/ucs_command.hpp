// serverops CLI: `serverops ucs mode get|set MODE [--wait]` through ucs::session (HTTP Basic when UCS_USERNAME is
// set) over the sync Beast transport.
#ifndef SERVEROPS_CLI_UCS_COMMAND_HPP
#define SERVEROPS_CLI_UCS_COMMAND_HPP

#include "args.hpp"
#include "common.hpp"
#include "connection.hpp"
#include "output.hpp"
#include "ucs_wait.hpp"
#include "wait_options.hpp"

#include <serverops/beast/sync_transport.hpp>
#include <serverops/ucs.hpp>
#include <serverops/ucs/desired_state.hpp>
#include <serverops/ucs/session.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace serverops_cli::ucs_cli {

namespace ucs = serverops::ucs;
using session_type = ucs::session<serverops::beast_sync_transport>;

inline json::object to_json(const ucs::server_status& s) {
    json::object o;
    o["mode"] = ucs::to_string(s.mode);
    if (!s.version.empty()) o["version"] = s.version;
    put_optional_time(o, "system_time", s.system_time);
    put_optional_time(o, "started", s.started);
    put_optional_time(o, "last_request", s.last_request);
    put_optional(o, "max_memory", s.max_memory);
    put_optional(o, "allocated_memory", s.allocated_memory);
    put_optional(o, "free_memory", s.free_memory);
    put_optional(o, "used_memory", s.used_memory);
    put_optional(o, "request_today", s.request_today);
    put_optional(o, "client_errors_today", s.client_errors_today);
    put_optional(o, "server_errors_today", s.server_errors_today);
    return o;
}

inline std::string line(const ucs::server_status& s) {
    std::string out = "mode: " + std::string(ucs::to_string(s.mode));
    std::string about;
    if (!s.version.empty()) about += "version " + clip(s.version, 40);
    if (s.started) about += std::string(about.empty() ? "" : ", ") + "started " + iso8601(*s.started);
    if (!about.empty()) out += " (" + about + ")";
    return out;
}

/// `ucs mode set MODE`. By default in desired-state mode (ucs::ensure_mode: read the mode, switch only when it
/// differs; a stop signal during the read ends the command with nothing sent); with `force`, switch regardless.
inline int run_set(session_type& s, ucs::server_mode target, const wait_options& w, bool as_json, bool force) {
    // From the switch on, a signal is acted upon once the answer is known, and ends a wait at its next step.
    stop_signal::install();
    const auto failed = [&](const serverops::error& e) {
        if (const int sig = stop_signal::received(); sig && e.is(serverops::errc::cancelled) && !force) {
            report("interrupted by " + std::string(stop_signal::name(sig)) + " before the switch was sent");
            return stop_signal::exit_code(sig);
        }
        json::object known;
        known["operation"] = ucs::set_server_mode::name;
        known["requested"] = ucs::to_string(target);
        return fail_call(e, as_json, std::move(known));
    };
    std::optional<ucs::set_server_mode_response> changed;
    if (force) {
        auto r = s.call(ucs::set_server_mode{target});
        if (!r) return failed(r.error());
        changed = std::move(r).value();
    } else {
        auto r = ucs::ensure_mode(s, target, stoppable_observer([] {}));
        if (!r) return failed(r.error());
        if (r.value().outcome == serverops::target_outcome::unchanged) {
            json::object doc;
            doc["mode"] = ucs::to_string(target);
            doc["outcome"] = serverops::to_string(r.value().outcome);
            if (r.value().status) doc["status"] = to_json(*r.value().status);
            if (as_json) print_json(doc);
            else print_line("mode: unchanged (already " + std::string(ucs::to_string(target)) + ")");
            return exit_ok;
        }
        changed = std::move(r).value().switched;
    }
    json::object doc;
    doc["mode"] = ucs::to_string(changed->mode);
    doc["location"] = changed->location;
    if (!force) doc["outcome"] = serverops::to_string(serverops::target_outcome::accepted);
    std::string text = "mode: " + std::string(ucs::to_string(changed->mode)) + " (server changed)";
    // The switch was accepted; when its confirmation is cut short, report what is known, then why.
    const auto stopped = [&](int sig) {
        doc["interrupted"] = stop_signal::name(sig);
        if (as_json) print_json(doc);
        else print_line(text + (w.wait ? ", not confirmed" : ""));
        report("interrupted by " + std::string(stop_signal::name(sig)) +
               (w.wait ? " before the server confirmed the mode " + std::string(ucs::to_string(target)) +
                             "; check it with 'serverops ucs mode get'"
                       : std::string(" (the switch had been accepted)")));
        return stop_signal::exit_code(sig);
    };
    if (const int sig = stop_signal::received()) return stopped(sig);
    if (w.wait) {
        auto confirmed = wait_for_mode(s, target, w.policy);
        if (const int sig = stop_signal::received()) return stopped(sig);
        if (!confirmed) {
            if (as_json) print_json(doc);
            else print_line(text + ", not confirmed");
            report(confirmed.error());
            return exit_partial;
        }
        doc["status"] = to_json(confirmed.value());
        if (!force) doc["outcome"] = serverops::to_string(serverops::target_outcome::changed);
        text = line(confirmed.value()) + " - confirmed by the server's status";
    }
    if (as_json) print_json(doc);
    else print_line(text);
    return exit_ok;
}

/// `serverops ucs ...`: cl.words[0] == "ucs".
inline int run(const command_line& cl) {
    const std::string system_help = "serverops ucs --help";
    if (cl.words.size() < 2) return usage_error("ucs: missing command 'mode'", system_help);
    if (cl.words[1] != "mode")
        return usage_error("ucs: unknown command '" + clip(cl.words[1], 80) + "'", system_help);
    if (cl.words.size() < 3) return usage_error("ucs mode: missing action (get or set)", system_help);
    const std::string& action = cl.words[2];
    if (action != "get" && action != "set")
        return usage_error("ucs mode: unknown action '" + clip(action, 80) + "'", system_help);
    const std::string help = "serverops ucs mode " + action + " --help";

    std::optional<ucs::server_mode> target;
    if (action == "get") {
        if (cl.words.size() > 3)
            return usage_error("ucs mode get: unexpected argument '" + clip(cl.words[3], 80) + "'", help);
    } else {
        if (cl.words.size() != 4)
            return usage_error("ucs mode set: give exactly one mode: maintenance or production", help);
        if (cl.words[3] == "maintenance") target = ucs::server_mode::maintenance;
        else if (cl.words[3] == "production") target = ucs::server_mode::production;
        else
            return usage_error(
                "ucs mode set: '" + clip(cl.words[3], 80) + "' is neither maintenance nor production", help);
    }

    std::optional<std::string> unexpected;
    if (action == "set")
        unexpected = cl.unexpected_option({"--json", "--base-url", "--ca-file", "--insecure-skip-tls-verify",
                                           "--request-timeout", "--wait", "--timeout", "--poll-interval", "--force"});
    else
        unexpected = cl.unexpected_option(
            {"--json", "--base-url", "--ca-file", "--insecure-skip-tls-verify", "--request-timeout"});
    if (unexpected) return usage_error("ucs mode " + action + ": option " + *unexpected + " does not apply here", help);
    wait_options w;
    if (auto e = read_wait_options(cl, w); !e.empty()) return usage_error("ucs mode " + action + ": " + e, help);

    auto conn = make_connection(cl, "UCS_BASE_URL", {});
    if (!conn.error.empty()) return usage_error("ucs: " + conn.error, system_help);
    auto ctx = ucs::context::from_base_url(conn.base_url, env("UCS_USERNAME").value_or(""),
                                           env("UCS_PASSWORD").value_or(""));
    if (!ctx) return usage_error("ucs: invalid base URL: " + ctx.error().detail, system_help);
    session_type s(serverops::beast_sync_transport(conn.endpoint, conn.transport), ucs::basic_authenticator{},
                   std::move(ctx).value(), conn.session_options());
    const bool as_json = cl.has("--json");

    if (action == "get") {
        auto r = s.call(ucs::get_server_status{});
        if (!r) return fail(r.error());
        if (as_json) print_json(to_json(r.value()));
        else print_line(line(r.value()));
        return exit_ok;
    }

    return run_set(s, *target, w, as_json, cl.has("--force"));
}

}  // namespace serverops_cli::ucs_cli

#endif
