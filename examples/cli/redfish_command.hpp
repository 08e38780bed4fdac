// serverops CLI: `serverops redfish [--auth auto|session|basic] systems | system ID | power ACTION ID... [--wait]`
// through redfish::session over the sync Beast transport. `power` brings each system to the state ACTION leads to:
// every system is read first (and its ActionInfo when it lists its allowed values there), the reset is posted only
// to those not already there, once, to the target the resource advertises; with --wait every accepted reset is then
// waited for (task monitor, power state), all within one --timeout. Sending stops at a stop signal; what was sent is
// printed first.
#ifndef SERVEROPS_CLI_REDFISH_COMMAND_HPP
#define SERVEROPS_CLI_REDFISH_COMMAND_HPP

#include "args.hpp"
#include "common.hpp"
#include "connection.hpp"
#include "output.hpp"
#include "progress.hpp"
#include "signals.hpp"
#include "wait_engine.hpp"
#include "wait_options.hpp"

#include <serverops/beast/sync_transport.hpp>
#include <serverops/redfish.hpp>
#include <serverops/redfish/desired_state.hpp>
#include <serverops/redfish/session.hpp>
#include <serverops/redfish/wait.hpp>

#include <boost/json/array.hpp>

#include <array>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace serverops_cli::redfish_cli {

namespace redfish = serverops::redfish;
using session_type = redfish::session<serverops::beast_sync_transport>;

/// The ACTION words and the ResetType each one posts.
struct action_word {
    std::string_view word;
    redfish::reset_type type;
};
inline constexpr std::array<action_word, 7> actions{{
    {"on", redfish::reset_type::on},
    {"force-off", redfish::reset_type::force_off},
    {"graceful-shutdown", redfish::reset_type::graceful_shutdown},
    {"graceful-restart", redfish::reset_type::graceful_restart},
    {"force-restart", redfish::reset_type::force_restart},
    {"power-cycle", redfish::reset_type::power_cycle},
    {"nmi", redfish::reset_type::nmi},
}};

inline std::optional<redfish::reset_type> find_action(std::string_view word) {
    for (auto& a : actions)
        if (a.word == word) return a.type;
    return std::nullopt;
}

inline json::object to_json(const redfish::computer_system& s) {
    json::object o;
    o["id"] = s.id;
    if (s.name) o["name"] = *s.name;
    o["power_state"] = s.power_state_text;
    if (!s.uri.empty()) o["uri"] = s.uri;
    if (!s.reset_target.empty()) o["reset_target"] = s.reset_target;
    if (s.allowed_reset_types) {
        json::array a;
        for (auto& t : *s.allowed_reset_types) a.emplace_back(t);
        o["allowed_reset_types"] = std::move(a);
    }
    if (s.reset_action_info) o["reset_action_info"] = *s.reset_action_info;
    return o;
}

inline std::string power_text(const redfish::computer_system& s) {
    return s.power_state_text.empty() ? std::string("unknown") : clip(s.power_state_text, 40);
}

/// One system of a `power` command, as far as it got.
struct system_result {
    std::string id;
    std::optional<redfish::power_report> report;   ///< unchanged or accepted
    std::optional<redfish::reset_outcome> waited;  ///< with --wait, once confirmed
    std::optional<redfish::computer_system> after; ///< the system read after the wait
    std::optional<serverops::error> error;         ///< why it failed (the reset, or its wait)
    bool not_sent = false;                         ///< a stop signal came before its turn

    bool accepted() const {
        return report && report->outcome != serverops::target_outcome::unchanged;
    }
};

inline json::object to_json(const system_result& r, redfish::reset_type type, bool wait) {
    json::object o;
    o["system"] = r.id;
    o["reset_type"] = redfish::to_string(type);
    o["accepted"] = r.accepted();
    if (r.report) {
        auto outcome = r.report->outcome;
        if (r.accepted() && wait && r.waited && !r.error) outcome = serverops::target_outcome::changed;
        o["outcome"] = serverops::to_string(outcome);
        if (r.report->before) o["from"] = r.report->before->power_state_text;
        if (r.report->reset && r.report->reset->reset.task_monitor) o["task"] = *r.report->reset->reset.task_monitor;
    }
    if (r.after) o["power_state"] = r.after->power_state_text;
    else if (r.report && !r.accepted() && r.report->before) o["power_state"] = r.report->before->power_state_text;
    if (r.waited && r.waited->finished_task) o["task_state"] = redfish::to_string(r.waited->finished_task->state);
    if (r.not_sent) o["error"] = "not sent: stopped by a signal before this system's turn";
    if (r.error) {
        o["error"] = r.error->message();
        if (r.error->may_have_executed) o["mayHaveExecuted"] = true;
    }
    return o;
}

inline std::string line(const system_result& r, redfish::reset_type type, bool wait) {
    const std::string id = clip(r.id, 80);
    const std::string reset(redfish::to_string(type));
    if (r.not_sent) return id + ": not sent (stopped by a signal)";
    std::string out = id + ": ";
    if (r.report && !r.accepted())
        return out + "unchanged (already " + (r.report->before ? power_text(*r.report->before) : "there") + ")";
    if (r.accepted()) {
        out += reset + " accepted";
        if (r.report->before) out += " (was " + power_text(*r.report->before) + ")";
        if (r.after) out += ", now " + power_text(*r.after) + " - confirmed";
        else if (wait && r.waited) out += " - confirmed";
        else if (wait) out += ", not confirmed";
    } else {
        out += reset + " failed";
    }
    if (r.error) out += ": " + r.error->message();
    return out;
}

/// `power ACTION ID...`: sends, then (with --wait) waits, then prints every system's line or the document.
inline int run_power(session_type& s, redfish::reset_type type, const std::vector<std::string>& ids,
                     const wait_options& w, bool as_json, bool force) {
    stop_signal::install();
    std::vector<system_result> results;
    results.reserve(ids.size());
    bool any_answer = false;  // the API answered for some system: fatal errors then count as that system's failure
    int stopped_by = 0;
    const auto observer = stoppable_observer([] {});

    // Send: every system read, then reset unless already there (or --force).
    for (const auto& id : ids) {
        system_result r;
        r.id = id;
        if (const int sig = stop_signal::received()) {
            stopped_by = sig;
            r.not_sent = true;
            results.push_back(std::move(r));
            continue;
        }
        redfish::get_system target;
        target.id = id;
        serverops::result<redfish::power_report> sent = [&]() -> serverops::result<redfish::power_report> {
            if (!force) return redfish::ensure_power(s, target, type, observer);
            BOOST_OUTCOME_TRY(auto read, s.call(target));
            BOOST_OUTCOME_TRY(auto system, redfish::with_allowed_values(s, std::move(read)));
            redfish::reset_outcome out;
            BOOST_OUTCOME_TRY(out.reset, s.call(redfish::reset::of(system, type)));
            return redfish::after_reset(system, std::move(out), false);
        }();
        if (sent) {
            any_answer = true;
            r.report = std::move(sent).value();
        } else if (sent.error().is(serverops::errc::cancelled) && stop_signal::received()) {
            stopped_by = stop_signal::received();
            r.not_sent = true;  // stopped after the read: nothing was sent
        } else {
            // A reset type the system does not allow is that system's failure (its resource was read), not the
            // API's.
            const bool refused = sent.error().is(serverops::errc::invalid_request);
            if (!any_answer && !refused && is_fatal(sent.error()) && !sent.error().may_have_executed) {
                // Nothing was sent anywhere and the API cannot be used: one error, exit 3.
                return fail(sent.error());
            }
            any_answer = true;
            r.error = std::move(sent).error();
        }
        results.push_back(std::move(r));
    }

    // Wait: every accepted reset, within one --timeout from here.
    std::size_t to_wait = 0;
    for (auto& r : results) to_wait += r.accepted() ? 1 : 0;
    if (w.wait && to_wait > 0 && !stopped_by) {
        progress_display progress(std::string(redfish::to_string(type)), "systems", to_wait);
        const auto clock = interruptible_clock(progress);
        const auto start = clock.now();
        std::size_t done = 0;
        std::map<std::string, std::size_t> states;
        for (auto& r : results) {
            if (!r.accepted()) continue;
            if (const int sig = stop_signal::received()) {
                stopped_by = sig;
                break;
            }
            auto show = [&](const serverops::wait_event& e) {
                std::map<std::string, std::size_t> now = states;
                ++now[e.observed.state.empty() ? std::string("polling") : e.observed.state];
                progress.update(done, now);
            };
            auto waited = redfish::wait_after_reset(s, *r.report->before, r.report->reset->reset,
                                                    redfish::detail::remaining(w.policy, start, clock.now()), clock,
                                                    stoppable_observer(show));
            if (!waited) {
                if (const int sig = stop_signal::received()) {
                    stopped_by = sig;
                    break;
                }
                r.error = std::move(waited).error();
                ++states["failed"];
                continue;
            }
            r.waited = std::move(waited).value();
            if (r.waited->system) r.after = r.waited->system;
            else if (auto read = s.call(redfish::get_system::of(*r.report->before))) r.after = std::move(read).value();
            ++done;
            ++states["done"];
            progress.update(done, states);
        }
        progress.finish();
    }

    json::object doc;
    doc["operation"] = "reset";
    doc["reset_type"] = redfish::to_string(type);
    json::array rows;
    bool all_ok = true;
    for (auto& r : results) {
        if (r.error || r.not_sent || (w.wait && r.accepted() && !r.waited)) all_ok = false;
        if (as_json) rows.push_back(to_json(r, type, w.wait));
        else print_line(line(r, type, w.wait));
    }
    if (stopped_by) doc["interrupted"] = stop_signal::name(stopped_by);
    if (as_json) {
        doc["results"] = std::move(rows);
        print_json(doc);
    }
    for (auto& r : results)
        if (r.error && r.error->may_have_executed) {
            report(may_have_executed_note);
            break;
        }
    if (stopped_by) {
        report("interrupted by " + std::string(stop_signal::name(stopped_by)) +
               ": the systems listed as accepted were reset; check them with 'serverops redfish system ID'");
        return stop_signal::exit_code(stopped_by);
    }
    return all_ok ? exit_ok : exit_partial;
}

/// `serverops redfish ...`: cl.words[0] == "redfish".
inline int run(const command_line& cl) {
    const std::string system_help = "serverops redfish --help";
    if (cl.words.size() < 2) return usage_error("redfish: missing command (systems, system or power)", system_help);
    const std::string& command = cl.words[1];
    if (command != "systems" && command != "system" && command != "power")
        return usage_error("redfish: unknown command '" + clip(command, 80) + "'", system_help);
    const std::string help = "serverops redfish " + command + " --help";

    const auto unexpected =
        command == "power"
            ? cl.unexpected_option({"--json", "--base-url", "--auth", "--ca-file", "--insecure-skip-tls-verify",
                                    "--request-timeout", "--wait", "--timeout", "--poll-interval", "--force"})
            : cl.unexpected_option(
                  {"--json", "--base-url", "--auth", "--ca-file", "--insecure-skip-tls-verify", "--request-timeout"});
    if (unexpected)
        return usage_error("redfish " + command + ": option " + *unexpected + " does not apply here", help);

    std::optional<redfish::reset_type> type;
    std::vector<std::string> ids;
    if (command == "systems") {
        if (cl.words.size() > 2)
            return usage_error("redfish systems: unexpected argument '" + clip(cl.words[2], 80) + "'", help);
    } else if (command == "system") {
        if (cl.words.size() != 3) return usage_error("redfish system: give exactly one system id", help);
        ids.push_back(cl.words[2]);
    } else {
        if (cl.words.size() < 3) return usage_error("redfish power: missing ACTION", help);
        type = find_action(cl.words[2]);
        if (!type) return usage_error("redfish power: unknown action '" + clip(cl.words[2], 80) + "'", help);
        if (cl.words.size() < 4) return usage_error("redfish power: give at least one system id", help);
        std::set<std::string_view> seen;
        for (std::size_t i = 3; i < cl.words.size(); ++i) {
            // Each id is resent as one path segment (encoded by the library); twice would reset a system twice.
            if (cl.words[i].empty()) return usage_error("redfish power: an empty system id", help);
            if (!seen.insert(cl.words[i]).second)
                return usage_error("redfish power: system '" + clip(cl.words[i], 80) + "' is given twice", help);
            ids.push_back(cl.words[i]);
        }
    }
    if (command == "system" && ids.front().empty()) return usage_error("redfish system: an empty system id", help);

    redfish::session_options opts;
    if (auto a = cl.value("--auth")) {
        if (*a == "auto") opts.auth = redfish::auth_mode::automatic;
        else if (*a == "session") opts.auth = redfish::auth_mode::session;
        else if (*a == "basic") opts.auth = redfish::auth_mode::basic;
        else return usage_error("redfish: --auth is auto, session or basic", help);
    }
    wait_options w;
    if (command == "power")
        if (auto e = read_wait_options(cl, w); !e.empty()) return usage_error("redfish power: " + e, help);

    auto conn = make_connection(cl, "REDFISH_BASE_URL", {});
    if (!conn.error.empty()) return usage_error("redfish: " + conn.error, system_help);
    auto ctx = redfish::context::from_base_url(conn.base_url);
    if (!ctx) return usage_error("redfish: invalid base URL: " + ctx.error().detail, system_help);
    auto user = env("REDFISH_USERNAME");
    auto password = env("REDFISH_PASSWORD");
    if (!user || !password) return usage_error("redfish: set REDFISH_USERNAME and REDFISH_PASSWORD", system_help);
    opts.call_timeout = conn.session_options().call_timeout;
    session_type s(serverops::beast_sync_transport(conn.endpoint, conn.transport),
                   redfish::credentials{*user, *password}, std::move(ctx).value(), std::move(opts));
    const bool as_json = cl.has("--json");

    if (command == "systems") {
        auto r = s.call(redfish::list_systems{});
        if (!r) return fail(r.error());
        json::array members;
        for (auto& m : r.value().members) {
            json::object o;
            o["id"] = m.id;
            o["uri"] = m.uri;
            members.push_back(std::move(o));
            if (!as_json) print_line(clip(m.id.empty() ? m.uri : m.id, 120));
        }
        if (as_json) {
            json::object doc;
            doc["systems"] = std::move(members);
            print_json(doc);
        }
        return exit_ok;
    }
    if (command == "system") {
        redfish::get_system g;
        g.id = ids.front();
        auto r = s.call(g);
        if (!r) return fail(r.error());
        if (as_json) {
            print_json(to_json(r.value()));
        } else {
            const auto& sys = r.value();
            std::string text = clip(sys.id, 80) + ": " + power_text(sys);
            if (sys.name) text += " (" + clip(*sys.name, 80) + ")";
            print_line(text);
            if (sys.allowed_reset_types) {
                std::string allowed_text = "  reset types:";
                for (auto& t : *sys.allowed_reset_types) allowed_text += " " + clip(t, 40);
                print_line(allowed_text);
            }
        }
        return exit_ok;
    }
    return run_power(s, *type, ids, w, as_json, cl.has("--force"));
}

}  // namespace serverops_cli::redfish_cli

#endif
