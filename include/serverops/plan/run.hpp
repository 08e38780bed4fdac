// The sync driver of the plan engine: runs a plan in one of its modes against a system adapter (system.hpp), a
// journal and an audit log, stamping every journal record and audit line with the wall-clock time (UTC, RFC 3339).
//
//     plan::file_journal journal(plan::default_journal_path(path));
//     plan::file_audit_log audit("serverops-audit.jsonl");
//     auto report = plan::run_plan(p, plan::run_mode::apply, systems, journal, audit, options);
//     return plan::exit_code(report);
#ifndef SERVEROPS_PLAN_RUN_HPP
#define SERVEROPS_PLAN_RUN_HPP

#include <serverops/plan/engine.hpp>
#include <serverops/plan/journal.hpp>
#include <serverops/plan/system.hpp>
#include <serverops/waiter.hpp>

#include <chrono>
#include <functional>
#include <utility>
#include <vector>

namespace serverops::plan {

struct run_options {
    engine_options engine;
    /// The time stamped on journal records and audit lines.
    std::function<std::chrono::system_clock::time_point()> wall_clock = [] { return std::chrono::system_clock::now(); };
    /// Given to every wait (progress of each poll); `stop_requested` also ends the plan at its next safe point.
    wait_observer observer;
    /// Plan progress: told of every action before the driver performs it (step, batch, targets, state changes).
    std::function<void(const engine_action&)> on_action;
};

/// Drives `e` to its end: performs each action it asks for and feeds the outcome back.
template <system_adapter Systems>
void drive(engine& e, Systems& systems, journal& j, audit_log& audit, const run_options& o = {}) {
    for (;;) {
        if (o.observer.should_stop()) e.stop();
        auto a = e.next();
        if (o.on_action) o.on_action(a);
        switch (a.kind) {
        case engine_action::read_state: e.on_read(systems.read_states(a.read)); break;
        case engine_action::describe: e.on_described(systems.describe(a.what)); break;
        case engine_action::journal:
            a.entry.time = rfc3339_utc(o.wall_clock());
            e.on_journaled(j.append(a.entry));
            break;
        case engine_action::send: e.on_sent(systems.send(a.what)); break;
        case engine_action::wait: e.on_waited(systems.wait(a.confirm, o.observer)); break;
        case engine_action::audit:
            a.line.time = rfc3339_utc(o.wall_clock());
            e.on_audited(audit.write(a.line));
            break;
        case engine_action::done: return;
        }
    }
}

/// Runs `p` in `mode`: reads the journal (check does not), runs the engine to its end, and returns its report
/// (with a note when the journal's last line was torn). A journal that cannot be read is an `error` report, nothing
/// sent.
template <system_adapter Systems>
plan_report run_plan(const maintenance_plan& p, run_mode mode, Systems& systems, journal& j, audit_log& audit,
                     const run_options& o = {}) {
    std::vector<record> history;
    std::optional<std::string> note;
    if (mode != run_mode::check) {
        auto contents = j.read_all();
        if (!contents) {
            plan_report r;
            r.plan = p.name;
            r.mode = std::string(to_string(mode));
            r.result = "error";
            r.problem = std::move(contents).error();
            r.hint = "the journal cannot be read: nothing was sent";
            return r;
        }
        history = std::move(contents.value().records);
        note = std::move(contents.value().torn);
    }
    engine e(p, mode, std::move(history), o.engine);
    drive(e, systems, j, audit, o);
    auto r = e.report();
    r.journal_note = std::move(note);
    return r;
}

}  // namespace serverops::plan

#endif
