// serverops CLI: `serverops clc ...` — CenturyLink Cloud v2 batches, job status and one server, through
// clc::session over the sync Beast transport. Waits run on the library's waiting engine (serverops::run_wait); the
// progress display is its observer.
#ifndef SERVEROPS_CLI_CLC_COMMAND_HPP
#define SERVEROPS_CLI_CLC_COMMAND_HPP

#include "args.hpp"
#include "clc_output.hpp"
#include "common.hpp"
#include "connection.hpp"
#include "progress.hpp"
#include "signals.hpp"
#include "wait_engine.hpp"
#include "wait_options.hpp"

#include <serverops/beast/sync_transport.hpp>
#include <serverops/clc.hpp>
#include <serverops/clc/desired_state.hpp>
#include <serverops/clc/session.hpp>

#include <algorithm>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace serverops_cli::clc_cli {

namespace clc = serverops::clc;
using session_type = clc::session<serverops::beast_sync_transport>;

/// The batch commands: command word -> the API's operation name (as printed in JSON), and whether the command
/// brings servers to a state (desired-state mode by default, --force to send regardless) or is an action.
struct batch_command {
    std::string_view word;
    std::string_view operation;
    bool desired_state;
};
inline constexpr batch_command batch_commands[] = {
    {"start-maintenance", "startMaintenance", true}, {"stop-maintenance", "stopMaintenance", true},
    {"set-maintenance", "setMaintenance", true},     {"shut-down", "shutDown", true},
    {"power-on", "powerOn", true},                   {"power-off", "powerOff", true},
    {"pause", "pause", true},                        {"reboot", "reboot", false},
    {"reset", "reset", false},
};

inline const batch_command* find_batch(std::string_view word) {
    for (auto& b : batch_commands)
        if (b.word == word) return &b;
    return nullptr;
}

inline bool is_command(std::string_view word) { return find_batch(word) || word == "status" || word == "server"; }

// ---------------------------------------------------------------- waiting

/// Runs `waiter` on the library's waiting engine, reporting to `progress` after every poll; `count` fills (done,
/// states). Returns the stop signal that ended the wait early (see signals.hpp), or 0.
template <class Count>
int drive(session_type& s, clc::job_waiter& waiter, progress_display& progress, Count count) {
    auto show = [&] {
        std::map<std::string, std::size_t> states;
        std::size_t done = count(states);
        progress.update(done, states);
    };
    show();
    (void)serverops::run_wait(s, waiter, interruptible_clock(progress), stoppable_observer(show));
    progress.finish();
    return stop_signal::received();
}

/// Why a job still running is reported without a final state: the user stopped the wait, not the API.
inline serverops::error interrupted_error(int sig) {
    serverops::error e(serverops::errc::cancelled, "the wait was interrupted by " + std::string(stop_signal::name(sig)) +
                                                       "; the job keeps running on the server");
    e.operation = "clc.wait";
    return e;
}

/// The note on stderr after an interrupted wait (`unit`: "servers" or "jobs"); returns the exit code (128 + signal).
inline int interrupted(int sig, std::size_t still_running, std::string_view unit) {
    report("interrupted by " + std::string(stop_signal::name(sig)) + " with " + std::to_string(still_running) + " " +
           std::string(unit) + " still running; the jobs go on (follow them with 'serverops clc status JOB-ID --wait')");
    return stop_signal::exit_code(sig);
}

/// The ids a batch was sent for, in order (for the document of a batch that may have executed).
template <class Op>
json::array requested_ids(const Op& op) {
    json::array ids;
    if constexpr (requires { op.server_ids; }) {
        for (auto& id : op.server_ids) ids.emplace_back(std::string_view(id));
    } else {
        for (auto& id : op.ids()) ids.emplace_back(std::string_view(id));
    }
    return ids;
}

/// The state word of one job while waiting: "succeeded", "executing", "notStarted", "poll error", "pending".
inline std::string job_state_word(const clc::job_waiter& waiter, const std::string& id, bool& done) {
    auto o = waiter.outcome(id);
    done = o.state != clc::server_state::still_running;
    if (o.state == clc::server_state::still_running || o.state == clc::server_state::failed)
        return o.last_status ? std::string(clc::to_string(*o.last_status)) : std::string("pending");
    return std::string(clc::to_string(o.state));
}

/// Waits for the jobs of `batch` on the library's engine with a progress display; `sig` is the stop signal that
/// ended the wait early, or 0 (servers still running then carry interrupted_error).
inline clc::wait_result wait_for_batch(session_type& s, std::string_view operation, const clc::batch_response& batch,
                                       const wait_options& w, int& sig) {
    clc::job_waiter waiter(batch.status_ids(), w.policy, serverops::clock_type::now());
    {
        progress_display progress(std::string(operation), "servers", batch.servers.size());
        sig = drive(s, waiter, progress, [&](std::map<std::string, std::size_t>& states) {
            std::size_t done = 0;
            for (auto& srv : batch.servers) {
                bool finished = true;
                std::string word = srv.job ? job_state_word(waiter, srv.job.value().status_id, finished)
                                           : std::string("not queued");
                done += finished ? 1 : 0;
                ++states[word];
            }
            return done;
        });
    }
    auto result = waiter.result_for(batch);
    if (sig)
        for (auto& srv : result.servers)
            if (srv.state == clc::server_state::still_running) srv.problem = interrupted_error(sig);
    return result;
}

// ---------------------------------------------------------------- commands

template <class Op>
int run_batch(session_type& s, std::string_view operation, const Op& op, const wait_options& w, bool as_json) {
    // From the POST on, a signal must not lose the job ids: it is acted upon once they are known.
    stop_signal::install();
    auto started = s.call(op);
    if (!started) {
        json::object known;
        known["operation"] = operation;
        known["servers"] = requested_ids(op);
        return fail_call(started.error(), as_json, std::move(known));
    }
    const clc::batch_response& batch = started.value();

    if (!w.wait) {
        if (as_json) {
            auto doc = clc_out::batch_document(operation, batch.servers);
            if (const int sig = stop_signal::received()) doc["interrupted"] = stop_signal::name(sig);
            print_json(doc);
        } else {
            for (auto& srv : batch.servers) print_line(clc_out::line(srv));
        }
        if (const int sig = stop_signal::received()) {
            report("interrupted by " + std::string(stop_signal::name(sig)) + " (the batch had been sent)");
            return stop_signal::exit_code(sig);
        }
        const auto not_queued = static_cast<std::size_t>(
            std::count_if(batch.servers.begin(), batch.servers.end(), [](auto& x) { return !x.job; }));
        if (not_queued == 0) return exit_ok;
        report(std::string(operation) + ": " + std::to_string(not_queued) + " of " +
               std::to_string(batch.servers.size()) + " servers were not queued");
        return exit_partial;
    }

    int sig = 0;
    auto result = wait_for_batch(s, operation, batch, w, sig);
    if (as_json) {
        auto doc = clc_out::batch_document(operation, result.servers);
        if (sig) doc["interrupted"] = stop_signal::name(sig);
        print_json(doc);
    } else {
        for (auto& srv : result.servers) print_line(clc_out::line(srv));
    }
    if (sig) return interrupted(sig, result.count(clc::server_state::still_running), "servers");
    if (result.all_succeeded()) return exit_ok;
    const auto failed = result.servers.size() - result.count(clc::server_state::succeeded);
    report(std::string(operation) + ": " + std::to_string(failed) + " of " + std::to_string(result.servers.size()) +
           " servers did not succeed" + (result.deadline_reached ? " (the wait timed out)" : ""));
    return exit_partial;
}

/// A state command in desired-state mode: the library reads every server and sends the batch only for those not
/// already in the state asked for (clc::ensure_state); with --wait, the engine then waits for its job. Unchanged
/// servers are reported as such; exit 0 when every server is, or was brought, in that state.
template <class Op>
int run_desired(session_type& s, std::string_view operation, const Op& op, const wait_options& w, bool as_json) {
    // A stop signal during the reads ends the command before the batch is sent; from the batch on, it is acted
    // upon once the job ids are known (as with --force).
    stop_signal::install();
    auto ensured = clc::ensure_state(s, op, stoppable_observer([] {}));
    if (!ensured) {
        if (const int sig = stop_signal::received(); sig && ensured.error().is(serverops::errc::cancelled)) {
            report("interrupted by " + std::string(stop_signal::name(sig)) + " before the batch was sent");
            return stop_signal::exit_code(sig);
        }
        json::object known;
        known["operation"] = operation;
        known["servers"] = requested_ids(op);
        return fail_call(ensured.error(), as_json, std::move(known));
    }
    clc::ensure_result result = std::move(ensured).value();
    int sig = stop_signal::received();
    if (w.wait && result.batch && !sig) {
        // Waited first, on its own line: an argument list may move `result` before reading `*result.batch`.
        const auto waited = wait_for_batch(s, operation, *result.batch, w, sig);
        result = clc::with_wait(std::move(result), waited);
    }
    const auto field = clc::desired_entries(op).front().target.field;

    if (as_json) {
        auto doc = clc_out::desired_document(operation, result, field);
        if (sig) doc["interrupted"] = stop_signal::name(sig);
        print_json(doc);
    } else {
        for (auto& srv : result.servers) print_line(clc_out::line(srv, field, result.waited));
    }
    if (sig) {
        if (!result.waited) {
            report("interrupted by " + std::string(stop_signal::name(sig)) + " (the batch had been sent)");
            return stop_signal::exit_code(sig);
        }
        const auto running = static_cast<std::size_t>(std::count_if(
            result.servers.begin(), result.servers.end(),
            [](const clc::desired_server& d) { return d.state == clc::server_state::still_running; }));
        return interrupted(sig, running, "servers");
    }
    if (result.all_succeeded()) return exit_ok;
    const auto failed = result.count(serverops::target_outcome::failed);
    report(std::string(operation) + ": " + std::to_string(failed) + " of " + std::to_string(result.servers.size()) +
           (result.waited ? " servers did not succeed" : " servers were not queued") +
           (result.deadline_reached ? " (the wait timed out)" : ""));
    return exit_partial;
}

inline int run_status(session_type& s, const std::vector<std::string>& ids, const wait_options& w, bool as_json) {
    if (w.wait) stop_signal::install();
    // Log in first, so that bad credentials or an unreachable API end the command before any result (exit 3).
    if (auto in = s.login(); !in) return fail(in.error());

    std::vector<clc_out::job_report> reports;
    bool all_good = true;
    int sig = 0;  // the stop signal that ended the wait, if any
    std::size_t still_running = 0;
    if (!w.wait) {
        for (auto& id : ids) {
            auto r = s.call(clc::get_status{id});
            clc_out::job_report rep{id, std::nullopt, std::nullopt};
            if (r) {
                rep.status = r.value().status;
                if (r.value().status == clc::job_status::failed || r.value().status == clc::job_status::unknown) {
                    serverops::error e(serverops::errc::operation_failed,
                                       "job " + id + " ended " + std::string(clc::to_string(r.value().status)));
                    e.operation = "clc.getStatus";
                    rep.problem = std::move(e);
                }
            } else {
                rep.problem = r.error();
            }
            all_good = all_good && !rep.problem;
            reports.push_back(std::move(rep));
        }
    } else {
        clc::job_waiter waiter(ids, w.policy, serverops::clock_type::now());
        {
            progress_display progress("getStatus", "jobs", ids.size());
            sig = drive(s, waiter, progress, [&](std::map<std::string, std::size_t>& states) {
                std::size_t done = 0;
                for (auto& id : ids) {
                    bool finished = true;
                    ++states[job_state_word(waiter, id, finished)];
                    done += finished ? 1 : 0;
                }
                return done;
            });
        }
        for (auto& id : ids) {  // in the order given, duplicates included
            auto o = waiter.outcome(id);
            clc_out::job_report rep{id, o.last_status, std::nullopt};
            if (o.state != clc::server_state::succeeded) {
                rep.problem = o.problem ? *o.problem : serverops::error(serverops::errc::operation_failed);
                if (sig && o.state == clc::server_state::still_running) {
                    rep.problem = interrupted_error(sig);
                    ++still_running;
                }
                all_good = false;
            }
            reports.push_back(std::move(rep));
        }
    }
    if (as_json) {
        auto doc = clc_out::batch_document("getStatus", reports);
        if (sig) doc["interrupted"] = stop_signal::name(sig);
        print_json(doc);
    } else {
        for (auto& r : reports) print_line(clc_out::line(r));
    }
    if (sig) return interrupted(sig, still_running, "jobs");
    if (all_good) return exit_ok;
    const auto bad = static_cast<std::size_t>(
        std::count_if(reports.begin(), reports.end(), [](auto& r) { return r.problem.has_value(); }));
    report("getStatus: " + std::to_string(bad) + " of " + std::to_string(reports.size()) +
           (w.wait ? " jobs did not succeed" : " jobs failed or could not be read"));
    return exit_partial;
}

inline int run_server(session_type& s, const std::string& id, bool as_json) {
    auto r = s.call(clc::get_server{id});
    if (!r) return fail(r.error());
    if (as_json) {
        print_json(clc_out::to_json(r.value()));
    } else {
        print_line(clc_out::line(r.value()));
    }
    return exit_ok;
}

/// "ID=on" / "ID=off", strictly.
inline std::optional<clc::set_maintenance::entry> parse_setting(std::string_view arg) {
    auto eq = arg.rfind('=');
    if (eq == std::string_view::npos || eq == 0) return std::nullopt;
    auto value = arg.substr(eq + 1);
    if (value != "on" && value != "off") return std::nullopt;
    return clc::set_maintenance::entry{std::string(arg.substr(0, eq)), value == "on"};
}

// ---------------------------------------------------------------- entry

/// `serverops clc COMMAND ...`: cl.words[0] == "clc".
inline int run(const command_line& cl) {
    if (cl.words.size() < 2) return usage_error("clc: missing command", "serverops clc --help");
    const std::string& command = cl.words[1];
    const std::vector<std::string> operands(cl.words.begin() + 2, cl.words.end());
    const std::string help = "serverops clc " + command + " --help";
    const batch_command* batch = find_batch(command);
    if (!batch && command != "status" && command != "server")
        return usage_error("clc: unknown command '" + clip(command, 80) + "'", "serverops clc --help");

    // Options this command accepts.
    std::optional<std::string> unexpected;
    if (command == "server")
        unexpected = cl.unexpected_option(
            {"--json", "--base-url", "--alias", "--ca-file", "--insecure-skip-tls-verify", "--request-timeout"});
    else if (batch && batch->desired_state)
        unexpected = cl.unexpected_option({"--json", "--base-url", "--alias", "--ca-file", "--insecure-skip-tls-verify",
                                           "--request-timeout", "--wait", "--timeout", "--poll-interval", "--force"});
    else
        unexpected = cl.unexpected_option({"--json", "--base-url", "--alias", "--ca-file", "--insecure-skip-tls-verify",
                                           "--request-timeout", "--wait", "--timeout", "--poll-interval"});
    if (unexpected) return usage_error("clc " + command + ": option " + *unexpected + " does not apply here", help);

    wait_options w;
    if (auto e = read_wait_options(cl, w); !e.empty()) return usage_error("clc " + command + ": " + e, help);

    // Operands.
    if (operands.empty())
        return usage_error("clc " + command + ": " +
                               (command == "status" ? "give one or more job ids"
                                : command == "server" ? "give a server id"
                                : command == "set-maintenance" ? "give one or more ID=on|off"
                                                               : "give one or more server ids"),
                           help);
    if (command == "server" && operands.size() != 1)
        return usage_error("clc server: give exactly one server id", help);
    for (auto& o : operands)
        if (o.empty()) return usage_error("clc " + command + ": an empty id was given", help);
    std::vector<clc::set_maintenance::entry> settings;
    if (command == "set-maintenance") {
        for (auto& o : operands) {
            auto s = parse_setting(o);
            if (!s) return usage_error("clc set-maintenance: '" + clip(o, 80) + "' is not ID=on or ID=off", help);
            settings.push_back(std::move(*s));
        }
    }

    // Configuration from the environment.
    auto user = env("CLC_USERNAME");
    auto password = env("CLC_PASSWORD");
    if (!user || !password)
        return usage_error("clc: CLC_USERNAME and CLC_PASSWORD must be set in the environment (credentials are "
                           "never taken from arguments)",
                           "serverops clc --help");
    auto conn = make_connection(cl, "CLC_BASE_URL", clc::default_base_url);
    if (!conn.error.empty()) return usage_error("clc: " + conn.error, "serverops clc --help");
    auto ctx = clc::context::from_base_url(conn.base_url);
    if (!ctx) return usage_error("clc: invalid base URL: " + ctx.error().detail, "serverops clc --help");
    auto opts = conn.session_options<clc::session_options>();
    if (auto alias = cl.value("--alias")) opts.account_alias = *alias;
    else if (auto a = env("CLC_ALIAS")) opts.account_alias = *a;

    session_type s(serverops::beast_sync_transport(conn.endpoint, conn.transport), {*user, *password},
                   std::move(ctx).value(), std::move(opts));
    const bool as_json = cl.has("--json");

    if (command == "server") return run_server(s, operands.front(), as_json);
    if (command == "status") return run_status(s, operands, w, as_json);
    const auto op_name = batch->operation;
    // State commands read first and send only what differs, unless --force (then, as actions do, send as given).
    const bool force = cl.has("--force");
    auto state_command = [&](const auto& op) {
        return force ? run_batch(s, op_name, op, w, as_json) : run_desired(s, op_name, op, w, as_json);
    };
    if (command == "set-maintenance") return state_command(clc::set_maintenance{settings});
    if (command == "start-maintenance") return state_command(clc::start_maintenance{operands});
    if (command == "stop-maintenance") return state_command(clc::stop_maintenance{operands});
    if (command == "shut-down") return state_command(clc::shut_down{operands});
    if (command == "power-on") return state_command(clc::power_on{operands});
    if (command == "power-off") return state_command(clc::power_off{operands});
    if (command == "pause") return state_command(clc::pause{operands});
    if (command == "reboot") return run_batch(s, op_name, clc::reboot{operands}, w, as_json);
    return run_batch(s, op_name, clc::reset{operands}, w, as_json);
}

}  // namespace serverops_cli::clc_cli

#endif
