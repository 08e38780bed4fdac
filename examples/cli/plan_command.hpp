// serverops CLI: `serverops plan check|apply|resume|revert|status PLAN` — a maintenance window across the systems
// of a plan file (docs/plans.md), over the library's plan engine and its session adapters (serverops/plan/*).
// Parse (options, plan file, environment) -> call (sessions bound, run_plan) -> print (report as lines or JSON).
// Exit codes: 0 done; 1 a step failed, a wait timed out or a target is uncertain (journal kept); 2 usage error,
// invalid plan or journal state (nothing sent); 3 authentication, transport, TLS or server error before any change;
// 128 + signal when SIGINT/SIGTERM stopped it (at a safe point: the journal is consistent, resume continues).
#ifndef SERVEROPS_CLI_PLAN_COMMAND_HPP
#define SERVEROPS_CLI_PLAN_COMMAND_HPP

#include "args.hpp"
#include "common.hpp"
#include "connection.hpp"
#include "output.hpp"
#include "signals.hpp"
#include "wait_engine.hpp"

#include <serverops/a4c/session.hpp>
#include <serverops/beast/sync_transport.hpp>
#include <serverops/clc/session.hpp>
#include <serverops/plan.hpp>
#include <serverops/plan/adapters.hpp>
#include <serverops/plan/redfish_adapter.hpp>
#include <serverops/redfish/session.hpp>
#include <serverops/ucs/session.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace serverops_cli::plan_cli {

namespace plan = serverops::plan;
using transport = serverops::beast_sync_transport;
using clc_session = serverops::clc::session<transport>;
using a4c_session = serverops::a4c::session<transport>;
using ucs_session = serverops::ucs::session<transport>;
using redfish_session = serverops::redfish::session<transport>;

inline constexpr std::string_view help_command = "serverops plan --help";
inline constexpr std::string_view default_audit_path = "serverops-audit.jsonl";

// ---------------------------------------------------------------- parse

struct plan_args {
    std::string action;  ///< check | apply | resume | revert | status
    std::string plan_path;
    std::string journal_path;
    std::string audit_path;
    std::string operator_name;
    std::chrono::seconds timeout{900};
    serverops::polling_policy poll{};
    bool resend_uncertain = false;
    bool as_json = false;
};

inline bool is_action(std::string_view w) {
    return w == "check" || w == "apply" || w == "resume" || w == "revert" || w == "status";
}

/// The command line -> plan_args, or a usage error text.
inline std::string parse_args(const command_line& cl, plan_args& a) {
    if (cl.words.size() < 2) return "plan: missing command (check, apply, resume, revert or status)";
    a.action = cl.words[1];
    if (!is_action(a.action)) return "plan: unknown command '" + clip(a.action, 80) + "'";
    if (cl.words.size() != 3) return "plan " + a.action + ": give exactly one plan file";
    a.plan_path = cl.words[2];
    const bool changes = a.action == "apply" || a.action == "resume" || a.action == "revert";
    std::optional<std::string> unexpected;
    if (a.action == "status") unexpected = cl.unexpected_option({"--json", "--journal"});
    else if (a.action == "check")
        unexpected = cl.unexpected_option({"--json", "--ca-file", "--insecure-skip-tls-verify", "--request-timeout"});
    else
        unexpected = cl.unexpected_option({"--json", "--journal", "--audit", "--operator", "--timeout",
                                           "--poll-interval", "--resend-uncertain", "--ca-file",
                                           "--insecure-skip-tls-verify", "--request-timeout"});
    if (unexpected) return "plan " + a.action + ": option " + *unexpected + " does not apply here";
    if (cl.has("--resend-uncertain") && a.action != "resume")
        return "plan " + a.action + ": --resend-uncertain applies to resume only";
    a.as_json = cl.has("--json");
    a.resend_uncertain = cl.has("--resend-uncertain");
    a.journal_path = cl.value("--journal").value_or(plan::default_journal_path(a.plan_path));
    a.audit_path = cl.value("--audit").value_or(std::string(default_audit_path));
    a.operator_name = cl.value("--operator").value_or(env("USER").value_or("unknown"));
    if (changes && a.operator_name.empty()) return "plan " + a.action + ": --operator needs a name";
    if (auto t = cl.value("--timeout")) {
        auto v = parse_seconds(*t);
        if (!v) return "plan " + a.action + ": --timeout needs a positive number of seconds, at most a week";
        a.timeout = std::chrono::ceil<std::chrono::seconds>(*v);
    }
    if (auto p = cl.value("--poll-interval")) {
        auto v = parse_seconds(*p);
        if (!v) return "plan " + a.action + ": --poll-interval needs a positive number of seconds (e.g. 5 or 0.5)";
        a.poll.interval = *v;
        a.poll.max_interval = std::max(a.poll.max_interval, *v);
    }
    return {};
}

/// The plan file's text: a regular file of at most 1 MiB (O_NONBLOCK: a FIFO must not hang the command).
inline std::optional<std::string> read_plan_file(const std::string& path, std::string& why) {
    const std::string named = "plan file '" + clip(path, 120) + "'";
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) {
        why = named + ": " + std::strerror(errno);
        return std::nullopt;
    }
    constexpr std::size_t max_size = 1u << 20;
    struct stat st {};
    std::string text;
    if (::fstat(fd, &st) != 0) why = named + ": " + std::strerror(errno);
    else if (!S_ISREG(st.st_mode)) why = named + " is not a regular file";
    else {
        char buf[16384];
        for (;;) {
            const auto n = ::read(fd, buf, sizeof buf);
            if (n > 0 && text.size() + static_cast<std::size_t>(n) <= max_size) {
                text.append(buf, static_cast<std::size_t>(n));
                continue;
            }
            if (n < 0 && errno == EINTR) continue;
            if (n < 0) why = named + ": " + std::strerror(errno);
            else if (n > 0) why = named + " is larger than 1 MiB";
            break;
        }
    }
    ::close(fd);
    if (!why.empty()) return std::nullopt;
    return text;
}

// ---------------------------------------------------------------- call

/// A real clock whose sleeps end at once on SIGINT/SIGTERM, so that a wait notices the signal at its next step.
inline serverops::sync_clock stoppable_clock() {
    using clock = serverops::clock_type;
    return serverops::sync_clock{[] { return clock::now(); },
                                 [](clock::duration d) { (void)stop_signal::sleep_for(d); }};
}

/// The sessions of every system the plan uses, bound for the engine. Credentials from the environment only.
class plan_sessions {
public:
    plan::bound_systems systems;

    /// Connects (lazily: the first request logs in) every system the steps use; fills in the base URL of a system
    /// left to the environment, so that Alien4Cloud and UCS targets are named by their host. A usage error text.
    std::string bind(const command_line& cl, plan::maintenance_plan& p, const serverops::polling_policy& poll) {
        for (auto& [name, sys] : p.systems) {
            bool used = false;
            for (auto& s : p.steps) used = used || s.system == name;
            if (!used) continue;
            command_line with_url = cl;  // the plan's base URL wins over the environment's
            with_url.options.erase("--base-url");
            if (sys.base_url) with_url.options["--base-url"] = *sys.base_url;
            const std::string where = "plan: system '" + clip(name, 40) + "': ";
            switch (sys.kind) {
            case plan::system_kind::clc: {
                auto user = env("CLC_USERNAME");
                auto password = env("CLC_PASSWORD");
                if (!user || !password) return where + "CLC_USERNAME and CLC_PASSWORD must be set in the environment";
                auto conn = make_connection(with_url, "CLC_BASE_URL", serverops::clc::default_base_url);
                if (!conn.error.empty()) return where + conn.error;
                auto ctx = serverops::clc::context::from_base_url(conn.base_url);
                if (!ctx) return where + "invalid base URL: " + ctx.error().detail;
                auto opts = conn.session_options<serverops::clc::session_options>();
                opts.clock = stoppable_clock();
                if (sys.alias) opts.account_alias = *sys.alias;
                else if (auto a = env("CLC_ALIAS")) opts.account_alias = *a;
                clc_.push_back(std::make_unique<clc_session>(transport(conn.endpoint, conn.transport),
                                                             serverops::clc::credentials{*user, *password},
                                                             std::move(ctx).value(), std::move(opts)));
                systems.bind(name, plan::make_clc_binding(*clc_.back(), poll));
                break;
            }
            case plan::system_kind::alien4cloud: {
                auto user = env("A4C_USERNAME");
                auto password = env("A4C_PASSWORD");
                if (!user || !password) return where + "A4C_USERNAME and A4C_PASSWORD must be set in the environment";
                auto conn = make_connection(with_url, "A4C_BASE_URL", {});
                if (!conn.error.empty()) return where + conn.error;
                auto ctx = serverops::a4c::context::from_base_url(conn.base_url);
                if (!ctx) return where + "invalid base URL: " + ctx.error().detail;
                auto opts = conn.session_options();
                opts.clock = stoppable_clock();
                a4c_.push_back(std::make_unique<a4c_session>(
                    transport(conn.endpoint, conn.transport),
                    serverops::a4c::form_authenticator{{*user, *password}}, std::move(ctx).value(), std::move(opts)));
                systems.bind(name, plan::make_a4c_binding(*a4c_.back()));
                if (!sys.base_url) sys.base_url = conn.base_url;
                break;
            }
            case plan::system_kind::ucs: {
                auto conn = make_connection(with_url, "UCS_BASE_URL", {});
                if (!conn.error.empty()) return where + conn.error;
                auto ctx = serverops::ucs::context::from_base_url(conn.base_url, env("UCS_USERNAME").value_or(""),
                                                                  env("UCS_PASSWORD").value_or(""));
                if (!ctx) return where + "invalid base URL: " + ctx.error().detail;
                auto opts = conn.session_options();
                opts.clock = stoppable_clock();
                ucs_.push_back(std::make_unique<ucs_session>(transport(conn.endpoint, conn.transport),
                                                             serverops::ucs::basic_authenticator{},
                                                             std::move(ctx).value(), std::move(opts)));
                systems.bind(name, plan::make_ucs_binding(*ucs_.back(), poll));
                if (!sys.base_url) sys.base_url = conn.base_url;
                break;
            }
            case plan::system_kind::redfish: {
                auto user = env("REDFISH_USERNAME");
                auto password = env("REDFISH_PASSWORD");
                if (!user || !password)
                    return where + "REDFISH_USERNAME and REDFISH_PASSWORD must be set in the environment";
                auto conn = make_connection(with_url, "REDFISH_BASE_URL", {});
                if (!conn.error.empty()) return where + conn.error;
                auto ctx = serverops::redfish::context::from_base_url(conn.base_url);
                if (!ctx) return where + "invalid base URL: " + ctx.error().detail;
                auto opts = conn.session_options<serverops::redfish::session_options>();
                opts.clock = stoppable_clock();
                opts.auth = serverops::redfish::auth_mode::automatic;
                redfish_.push_back(std::make_unique<redfish_session>(transport(conn.endpoint, conn.transport),
                                                                     serverops::redfish::credentials{*user, *password},
                                                                     std::move(ctx).value(), std::move(opts)));
                systems.bind(name, plan::make_redfish_binding(*redfish_.back(), poll));
                break;
            }
            }
        }
        return {};
    }

private:
    std::vector<std::unique_ptr<clc_session>> clc_;
    std::vector<std::unique_ptr<a4c_session>> a4c_;
    std::vector<std::unique_ptr<ucs_session>> ucs_;
    std::vector<std::unique_ptr<redfish_session>> redfish_;
};

// ---------------------------------------------------------------- print

inline json::object to_json(const plan::plan_report& r) {
    json::object doc;
    doc["plan"] = r.plan;
    doc["mode"] = r.mode;
    doc["result"] = r.result;
    json::array steps;
    for (auto& s : r.steps) {
        json::object so;
        so["id"] = s.id;
        so["system"] = s.system;
        so["action"] = s.action;
        so["result"] = s.result;
        json::array targets;
        for (auto& t : s.targets) {
            json::object to;
            to["target"] = t.target;
            to["from"] = t.from;
            to["to"] = t.to;
            to["result"] = t.result;
            if (!t.job.empty()) to["job"] = t.job;
            if (!t.error.empty()) to["error"] = t.error;
            targets.push_back(std::move(to));
        }
        so["targets"] = std::move(targets);
        json::array requests;
        for (auto& q : s.requests) requests.push_back(json::object{{"method", q.method}, {"path", q.path}, {"body", q.body}});
        so["requests"] = std::move(requests);
        steps.push_back(std::move(so));
    }
    doc["steps"] = std::move(steps);
    if (r.problem) doc["error"] = r.problem->message();
    if (!r.hint.empty()) doc["hint"] = r.hint;
    if (r.journal_note) doc["journal_note"] = *r.journal_note;
    return doc;
}

/// One line per target: "would change FROM -> TO", "unchanged (already TO)", "not reversible", "changed ...".
inline std::string target_line(const plan::target_summary& t) {
    const std::string from = t.from.empty() ? "unknown" : clip(t.from, 40);
    std::string out = "  " + clip(t.target, 80) + ": ";
    if (t.result == "unchanged") out += "unchanged (already " + clip(t.to, 40) + ")";
    else if (t.result == "not reversible") out += "not reversible (" + clip(t.to, 40) + ")";
    else if (t.result == "would change" || t.result == "changed") out += t.result + " " + from + " -> " + clip(t.to, 40);
    else out += t.result + " (" + from + " -> " + clip(t.to, 40) + ")";
    if (!t.job.empty()) out += ", job " + clip(t.job, 80);
    if (!t.error.empty()) out += ": " + clip(t.error, 300);
    return out;
}

inline void print_report(const plan::plan_report& r, bool as_json) {
    if (as_json) {
        print_json(to_json(r));
    } else {
        print_line("plan " + clip(r.plan, 80) + ": " + r.mode + " " + r.result);
        for (auto& s : r.steps) {
            print_line("step " + clip(s.id, 80) + " (" + clip(s.system, 40) + ", " + s.action + "): " + s.result);
            for (auto& t : s.targets) print_line(target_line(t));
            for (auto& q : s.requests)
                print_line("  " + q.method + " " + clip(q.path, 300) + (q.body.empty() ? "" : " ") + clip(q.body, 600));
        }
    }
    if (r.journal_note) report("journal: " + *r.journal_note);
    if (r.problem && r.result != "done") report(*r.problem);
    if (!r.hint.empty()) report(r.hint);
}

// ---------------------------------------------------------------- status

/// What the journal says: the runs, the last one's state, each target's last confirmation.
inline int run_status(const plan_args& a, const plan::maintenance_plan& p) {
    plan::file_journal j(a.journal_path);
    auto contents = j.read_all();
    if (!contents) return fail(contents.error());
    const auto& records = contents.value().records;
    json::object doc;
    doc["plan"] = p.name;
    doc["journal"] = a.journal_path;
    std::uint64_t run = 0;
    std::string mode, result = "none", op;
    std::map<std::pair<std::string, std::string>, std::pair<std::string, std::string>> last;  // (step,target)->(result,state)
    for (auto& r : records) {
        if (r.type == plan::record_type::run_start) {
            run = r.run;
            mode = r.mode;
            op = r.operator_name;
            result = "open";
        } else if (r.type == plan::record_type::resume) {
            mode = r.mode;
            result = "open";
        } else if (r.type == plan::record_type::run_end && r.run == run) {
            result = r.result;
        } else if (r.type == plan::record_type::confirmed) {
            for (auto& t : r.targets) last[{r.step, t.target}] = {t.result, t.state};
        }
    }
    doc["runs"] = run;
    doc["mode"] = mode;
    doc["result"] = result;
    json::array targets;
    for (auto& [k, v] : last)
        targets.push_back(json::object{{"step", k.first}, {"target", k.second}, {"result", v.first}, {"state", v.second}});
    doc["targets"] = std::move(targets);
    if (contents.value().torn) doc["journal_note"] = *contents.value().torn;
    if (a.as_json) {
        print_json(doc);
    } else if (run == 0) {
        print_line("plan " + clip(p.name, 80) + ": no run in " + clip(a.journal_path, 200));
    } else {
        print_line("plan " + clip(p.name, 80) + ": run " + std::to_string(run) + " (" + mode + ", by " + clip(op, 80) +
                   ") " + (result == "open" ? std::string("unfinished: resume or revert") : result));
        for (auto& [k, v] : last)
            print_line("  " + clip(k.first, 80) + " " + clip(k.second, 80) + ": " + v.first +
                       (v.second.empty() ? std::string() : " (" + clip(v.second, 40) + ")"));
    }
    if (contents.value().torn) report("journal: " + *contents.value().torn);
    return exit_ok;
}

// ---------------------------------------------------------------- entry

/// `serverops plan ...`: cl.words[0] == "plan".
inline int run(const command_line& cl) {
    plan_args a;
    if (auto e = parse_args(cl, a); !e.empty()) return usage_error(e, help_command);
    std::string why;
    auto text = read_plan_file(a.plan_path, why);
    if (!text) return usage_error("plan: " + why, help_command);
    auto parsed = plan::read_plan(*text);
    if (!parsed) {  // the detail starts with the JSON path of the problem
        report("plan: invalid plan: " + parsed.error().detail);
        return exit_usage;
    }
    auto p = std::move(parsed).value();
    if (a.action == "status") return run_status(a, p);

    plan_sessions sessions;
    if (auto e = sessions.bind(cl, p, a.poll); !e.empty()) return usage_error(e, help_command);

    plan::run_options o;
    o.engine.operator_name = a.operator_name;
    o.engine.step_timeout = a.timeout;
    o.engine.resend_uncertain = a.resend_uncertain;
    o.observer = stoppable_observer([] {});
    stop_signal::install();  // from here on, a signal stops the plan at its next safe point
    // Progress on stderr: one line per state-changing request and per wait (stdout keeps the report alone).
    o.on_action = [](const plan::engine_action& act) {
        const auto targets = [](const std::vector<std::string>& v) {
            std::string out;
            for (auto& t : v) out.append(out.empty() ? "" : ", ").append(clip(t, 80));
            return out;
        };
        std::string line = "plan: step ";
        if (act.kind == plan::engine_action::send) {
            line.append(clip(act.what.step, 80)).append(": sending ").append(clip(act.what.value, 40));
            line.append(" to ").append(targets(act.what.targets));
        } else if (act.kind == plan::engine_action::wait) {
            line.append(clip(act.confirm.what.step, 80)).append(": waiting for ").append(targets(act.confirm.what.targets));
            if (!act.confirm.desired.empty()) line.append(" to be ").append(clip(act.confirm.desired, 40));
        } else {
            return;
        }
        write_line(stderr, line);
    };

    plan::plan_report r;
    const auto mode = a.action == "check"    ? plan::run_mode::check
                      : a.action == "apply"  ? plan::run_mode::apply
                      : a.action == "resume" ? plan::run_mode::resume
                                             : plan::run_mode::revert;
    if (mode == plan::run_mode::check) {
        plan::memory_journal j;  // check writes nothing
        plan::memory_audit_log audit;
        r = plan::run_plan(p, mode, sessions.systems, j, audit, o);
    } else {
        plan::file_journal j(a.journal_path);
        plan::file_audit_log audit(a.audit_path);
        r = plan::run_plan(p, mode, sessions.systems, j, audit, o);
    }
    print_report(r, a.as_json);
    if (const int sig = stop_signal::received()) {
        report("interrupted by " + std::string(stop_signal::name(sig)) + ": the journal is consistent; continue with "
               "'serverops plan resume' or undo with 'serverops plan revert'");
        return stop_signal::exit_code(sig);
    }
    return plan::exit_code(r);
}

}  // namespace serverops_cli::plan_cli

#endif
