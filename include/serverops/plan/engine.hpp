// The plan engine: a sans-I/O state machine (as the waiters of waiter.hpp and Boost.MySQL's algorithms) that runs a
// plan in one of four modes — check, apply, resume, revert — and tells its driver what to do next: read states,
// describe a request, append a journal record, send a change, wait for it, write an audit line, or stop with the
// report. The driver does it and feeds the outcome back (on_read, on_described, ...). run.hpp holds the sync driver;
// tests step the engine by hand.
//
// ---------------------------------------------------------------------------------------------------------------
// Why a non-idempotent request is sent at most once per plan run, whatever crashes in between
// ---------------------------------------------------------------------------------------------------------------
// 1. The engine emits `send` for a change only after the driver acknowledged the append of that change's `intent`
//    record, and a journal's `append` returns only once the record is durable (the file journal fsyncs). So any
//    request that may have left the process has a durable intent.
// 2. Every intent is keyed by (run, step, batch, phase, attempt), and the engine's walk through a run is a pure
//    function of the plan, the mode and what the journal says: the prior states (journaled before any change, and
//    taken from the journal — never re-read — when the run continues), each exchange's outcome and confirmation.
//    Resuming replays the same walk over the journal, so it reaches the same keys in the same order; the plan's
//    digest in `run_start` makes resume and revert refuse a plan that changed.
// 3. Replaying an exchange whose intent is journaled never emits `send` again: with a confirmation it takes it;
//    with an outcome it waits on the recorded handle (CLC job ids are journaled as soon as the batch answers); with
//    neither (the crash fell between intent and outcome), or with a send failure that may have executed, it only
//    reads the state (wait without a handle) and calls the targets it cannot decide `uncertain`.
// 4. A new attempt (attempt + 1, a new key, a new intent) is made only when the caller sets `resend_uncertain`;
//    without it nothing but a new run (`apply` after a completed revert) ever sends that change again.
// A crash before the intent's append returned leaves no intent (a torn last line is ignored): the request was not
// sent, and the replay sends it. Hence: at most once per run, and never silently lost.
// ---------------------------------------------------------------------------------------------------------------
#ifndef SERVEROPS_PLAN_ENGINE_HPP
#define SERVEROPS_PLAN_ENGINE_HPP

#include <serverops/desired_state.hpp>
#include <serverops/detail/concat.hpp>
#include <serverops/error.hpp>
#include <serverops/plan/journal.hpp>
#include <serverops/plan/model.hpp>
#include <serverops/plan/reader.hpp>
#include <serverops/plan/system.hpp>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

namespace serverops::plan {

enum class run_mode { check, apply, resume, revert };

inline std::string_view to_string(run_mode m) noexcept {
    switch (m) {
    case run_mode::check: return "check";
    case run_mode::apply: return "apply";
    case run_mode::resume: return "resume";
    case run_mode::revert: return "revert";
    }
    return "?";
}

struct engine_options {
    std::string operator_name;              ///< who runs it (audit, run_start)
    std::chrono::seconds step_timeout{900}; ///< each wait's bound
    bool resend_uncertain = false;          ///< resume: send again what could not be decided (explicit only)
};

/// One target of a step in the report.
struct target_summary {
    std::string target;
    std::string aspect;  ///< maintenance | mode | power
    std::string from;    ///< the state before ("" unknown)
    std::string to;      ///< the state asked for, or the action (reboot) when it leaves none
    std::string result;  ///< changed | unchanged | failed | uncertain | would change | not reversible | not run
    std::string job;
    std::string error;
};

struct step_summary {
    std::string id;
    std::string system;
    std::string action;  ///< "maintenance on", "power reboot", "restore power", ...
    std::vector<target_summary> targets;
    std::vector<request_text> requests;
    std::string result;  ///< done | failed | uncertain | not run
};

/// What a run did (or, for check, would do).
struct plan_report {
    std::string plan;
    std::string mode;
    std::string result = "done";  ///< done | failed | uncertain | stopped | refused | error
    bool changed_anything = false; ///< a state-changing request was sent in this invocation
    std::vector<step_summary> steps;
    std::optional<error> problem;  ///< refused, error, or what stopped the run
    std::optional<std::string> journal_note;  ///< e.g. the torn last line the journal ignored
    std::string hint;              ///< what to do next ("run revert to undo ...")
};

/// The process exit code the issue specifies: 0 done; 1 a step failed, a wait timed out or a target is uncertain;
/// 2 refused (invalid plan or journal state); 3 an error before any change (authentication, transport, ...).
inline int exit_code(const plan_report& r) noexcept {
    if (r.result == "done") return 0;
    if (r.result == "refused") return 2;
    if (r.result == "error" && !r.changed_anything) return 3;
    return 1;
}

/// What the engine asks its driver to do.
struct engine_action {
    enum kind_t { read_state, describe, journal, send, wait, audit, done };
    kind_t kind = done;
    read_request read;     ///< read_state
    change what;           ///< describe, send
    record entry;          ///< journal
    wait_request confirm;  ///< wait
    audit_line line;       ///< audit
};

inline std::string_view to_string(engine_action::kind_t k) noexcept {
    switch (k) {
    case engine_action::read_state: return "read_state";
    case engine_action::describe: return "describe";
    case engine_action::journal: return "journal";
    case engine_action::send: return "send";
    case engine_action::wait: return "wait";
    case engine_action::audit: return "audit";
    case engine_action::done: return "done";
    }
    return "?";
}

/// Pure: what a step does with one target, from its read state and the state asked for ("" for an action: always
/// sent). The vendor-neutral rule of desired_state.hpp: unchanged only when the read showed the desired state; an
/// unknown state is sent; an unusable answer fails the target; a failure not about the target aborts.
inline target_decision decide_target(const result<std::string>& read, std::string_view desired) {
    if (desired.empty()) {  // an action: nothing to compare, but a failed read still counts as it always does
        if (read) return target_decision::send;
        return serverops::decide(read, [](const std::string&) { return observation::other; });
    }
    return serverops::decide(read, [&](const std::string& s) {
        return s == desired ? observation::desired : observation::other;
    });
}

class engine {
public:
    engine(maintenance_plan p, run_mode mode, std::vector<record> history, engine_options options = {})
        : plan_(std::move(p)), mode_(mode), history_(std::move(history)), options_(std::move(options)) {
        report_.plan = plan_.name;
        report_.mode = std::string(to_string(mode_));
    }

    /// The next thing to do. Call again only after feeding the outcome of the last action (a repeated call returns
    /// the same action).
    engine_action next() {
        if (awaiting_) return current_;
        for (;;) {
            if (!out_.empty()) {
                current_ = std::move(out_.front());
                out_.pop_front();
                awaiting_ = true;
                return current_;
            }
            if (stage_ == stage::done) {
                current_ = engine_action{};
                current_.kind = engine_action::done;
                return current_;
            }
            if (auto a = advance()) {
                current_ = std::move(*a);
                awaiting_ = true;
                return current_;
            }
        }
    }

    void on_read(result<state_reads> r) {
        awaiting_ = false;
        load_reads(std::move(r));
    }
    void on_described(std::vector<request_text> requests) {
        awaiting_ = false;
        described(std::move(requests));
    }
    void on_journaled(result<void> r) {
        awaiting_ = false;
        if (!r) fail_storage(std::move(r).error(), true);
    }
    void on_audited(result<void> r) {
        awaiting_ = false;
        if (!r) fail_storage(std::move(r).error(), false);
    }
    void on_sent(result<send_result> r) {
        awaiting_ = false;
        sent(std::move(r));
    }
    void on_waited(std::vector<confirmation> c) {
        awaiting_ = false;
        waited(std::move(c));
    }

    /// Ends the run at the next point where no change is in flight (before the next intent), as `stopped`.
    void stop() noexcept { stop_requested_ = true; }

    bool finished() const noexcept { return stage_ == stage::done && out_.empty() && !awaiting_; }
    const plan_report& report() const noexcept { return report_; }
    run_mode mode() const noexcept { return mode_; }
    std::uint64_t run() const noexcept { return run_; }

private:
    enum class stage { begin, reads, units, finish, done };
    enum class decision { send, unchanged, failed, not_reversible };

    struct unit_target {
        std::string target;
        std::string prior;        // the state the unit starts from; "" unknown
        std::string read_text;    // the read, when `prior` is projected from an earlier step
        std::string found;        // revert: the state read before restoring (`prior` is the one restored)
        std::string prior_maintenance;
        std::string value;        // what is sent for it
        std::string desired;      // the state `value` ends in; "" for an action
        decision d = decision::send;
        std::string result = "not run";
        std::string operation_result;  // the operation's own result, before the phases that follow it
        std::string job;
        std::string error;
        bool entered = false;     // within maintenance: put in maintenance by this run
        bool failed_phase = false;
    };

    struct unit {
        std::size_t step = 0;
        bool revert = false;
        action_kind aspect = action_kind::maintenance;
        bool with_maintenance = false;
        bool loaded = false;
        bool maintenance_loaded = false;
        std::vector<unit_target> targets;
        std::vector<std::vector<std::size_t>> batches;
        std::size_t summary = 0;  // index in report_.steps
    };

    struct exchange {
        bool active = false;
        std::string phase;
        action_kind aspect = action_kind::maintenance;
        std::string value;
        std::string desired;
        std::vector<std::size_t> targets;  // unit target indexes
        unsigned attempt = 1;
        bool described = false;
        bool intent_written = false;
        bool sent = false;         // past the send (or replayed past it)
        std::optional<send_result> handle;
        std::vector<std::size_t> to_wait;
        std::map<std::size_t, confirmation> results;
    };

    // ------------------------------------------------------------------------------------------ journal history

    const record* find(record_type t, std::string_view step, std::string_view aspect_or_phase, std::size_t batch = 0,
                       unsigned attempt = 1) const {
        for (auto& r : history_) {
            if (r.run != run_ || r.type != t || r.step != step) continue;
            if ((t == record_type::prior || t == record_type::step_done) && r.aspect != aspect_or_phase) continue;
            if ((t == record_type::intent || t == record_type::outcome || t == record_type::confirmed) &&
                (r.phase != aspect_or_phase || r.batch != batch || r.attempt != attempt))
                continue;
            return &r;
        }
        return nullptr;
    }
    bool replaying() const noexcept { return mode_ != run_mode::check; }

    // ---------------------------------------------------------------------------------------------- the stages

    std::optional<engine_action> advance() {
        switch (stage_) {
        case stage::begin: begin(); return std::nullopt;
        case stage::reads: return next_read();
        case stage::units: return next_unit_action();
        case stage::finish: finish(); return std::nullopt;
        case stage::done: return std::nullopt;
        }
        return std::nullopt;
    }

    void refuse(std::string why) {
        report_.result = "refused";
        report_.problem = error(errc::invalid_request, std::move(why));
        stage_ = stage::done;
    }

    // The runs of the journal: their number, mode and whether they ended.
    struct run_info {
        std::uint64_t run = 0;
        std::string mode;
        std::string digest;
        bool ended = false;
    };
    std::vector<run_info> runs() const {
        std::vector<run_info> out;
        for (auto& r : history_) {
            if (r.type == record_type::run_start) out.push_back({r.run, r.mode, r.digest, false});
            if (r.type == record_type::run_end)
                for (auto& i : out)
                    if (i.run == r.run) i.ended = true;
        }
        return out;
    }

    void begin() {
        const auto all = runs();
        const run_info* last = all.empty() ? nullptr : &all.back();
        const auto d = digest(plan_);
        run_mode effective = mode_;
        switch (mode_) {
        case run_mode::check: build_apply_units(); stage_ = stage::reads; return;
        case run_mode::apply:
            if (last && !last->ended)
                return refuse(detail::concat("the journal holds run ", std::to_string(last->run),
                                             ", unfinished: use resume or revert"));
            run_ = last ? last->run + 1 : 1;
            start_record("apply", d);
            break;
        case run_mode::resume:
            if (!last || last->ended) return refuse("the journal holds no unfinished run: nothing to resume");
            if (last->digest != d) return refuse("the plan changed since the journal's run was started");
            run_ = last->run;
            effective = last->mode == "revert" ? run_mode::revert : run_mode::apply;
            resume_record(last->mode);
            break;
        case run_mode::revert:
            if (!last || (last->mode == "revert" && last->ended)) {
                report_.hint = "nothing to revert: the journal holds no change since the last revert";
                stage_ = stage::done;
                return;
            }
            if (last->digest != d) return refuse("the plan changed since the journal's run was started");
            if (last->mode == "revert") {  // an unfinished revert: continue it
                run_ = last->run;
                resume_record("revert");
            } else {
                run_ = last->run + 1;
                start_record("revert", d);
            }
            break;
        }
        for (auto& r : history_) intent_in_run_ = intent_in_run_ || (r.run == run_ && r.type == record_type::intent);
        reverting_ = effective == run_mode::revert;
        if (reverting_) build_revert_units();
        else build_apply_units();
        stage_ = stage::reads;
    }

    void start_record(std::string_view mode, const std::string& d) {
        record r;
        r.type = record_type::run_start;
        r.run = run_;
        r.mode = std::string(mode);
        r.plan = plan_.name;
        r.digest = d;
        r.reason = plan_.reason;
        r.operator_name = options_.operator_name;
        push_journal(std::move(r));
    }
    void resume_record(std::string_view mode) {
        record r;
        r.type = record_type::resume;
        r.run = run_;
        r.mode = std::string(mode);
        r.operator_name = options_.operator_name;
        push_journal(std::move(r));
    }

    void push_journal(record r) {
        engine_action a;
        a.kind = engine_action::journal;
        a.entry = std::move(r);
        out_.push_back(std::move(a));
    }
    void push_audit(audit_line l) {
        engine_action a;
        a.kind = engine_action::audit;
        a.line = std::move(l);
        out_.push_back(std::move(a));
    }

    void fail_storage(error e, bool journal_failed) {
        out_.clear();
        ex_ = exchange{};
        report_.result = report_.changed_anything ? "failed" : "error";
        report_.problem = std::move(e);
        report_.hint = journal_failed ? "the journal could not be written: nothing more was sent"
                                      : "the audit log could not be written: nothing more was sent";
        // A broken journal cannot take run_end; a broken audit log leaves the journal usable.
        stage_ = journal_failed ? stage::done : stage::finish;
    }

    // ------------------------------------------------------------------------------------------------ units

    const step& step_of(const unit& u) const { return plan_.steps[u.step]; }
    system_kind kind_of(const step& s) const {
        auto* sys = plan_.system_of(s);
        return sys ? sys->kind : system_kind::clc;
    }

    std::size_t add_summary(const unit& u, std::string action) {
        step_summary s;
        s.id = step_of(u).id;
        s.system = step_of(u).system;
        s.action = std::move(action);
        s.result = "not run";
        report_.steps.push_back(std::move(s));
        return report_.steps.size() - 1;
    }

    void build_apply_units() {
        for (std::size_t i = 0; i < plan_.steps.size(); ++i) {
            const auto& s = plan_.steps[i];
            unit u;
            u.step = i;
            u.aspect = s.action;
            u.with_maintenance = s.within_maintenance;
            const auto kind = kind_of(s);
            for (auto& t : step_targets(plan_, s)) {
                unit_target ut;
                ut.target = t;
                ut.value = s.value;
                ut.desired = std::string(desired_state(kind, s.action, s.value));
                u.targets.push_back(std::move(ut));
            }
            u.summary = add_summary(u, detail::concat(to_string(s.action), " ", s.value));
            units_.push_back(std::move(u));
        }
    }

    // The runs a revert undoes: every run after the last completed revert, before the run being written.
    std::set<std::uint64_t> revert_scope() const {
        std::set<std::uint64_t> scope;
        for (auto& i : runs()) {
            if (i.run >= run_) break;
            if (i.mode == "revert") {
                if (i.ended) scope.clear();
                continue;
            }
            scope.insert(i.run);
        }
        return scope;
    }

    void build_revert_units() {
        const auto scope = revert_scope();
        // (step, aspect, target) -> the state before the window (the first prior of the scope), and whether this
        // plan sent anything that may have changed it.
        std::map<std::tuple<std::string, std::string, std::string>, std::string> prior;
        std::set<std::tuple<std::string, std::string, std::string>> touched;
        for (auto& r : history_) {
            if (!scope.count(r.run)) continue;
            if (r.type == record_type::prior)
                for (auto& t : r.targets) prior.emplace(std::tuple{r.step, r.aspect, t.target}, t.state);
            if (r.type == record_type::intent && r.value != "message")
                for (auto& t : r.targets) touched.insert({r.step, r.aspect, t.target});
        }
        for (std::size_t k = plan_.steps.size(); k-- > 0;) {
            const auto& s = plan_.steps[k];
            const auto kind = kind_of(s);
            std::vector<action_kind> aspects{s.action};
            if (s.within_maintenance) aspects.push_back(action_kind::maintenance);
            for (auto aspect : aspects) {
                unit u;
                u.step = k;
                u.revert = true;
                u.aspect = aspect;
                const auto aspect_name = std::string(to_string(aspect));
                for (auto& t : step_targets(plan_, s)) {
                    if (!touched.count({s.id, aspect_name, t})) continue;
                    unit_target ut;
                    ut.target = t;
                    auto p = prior.find({s.id, aspect_name, t});
                    ut.prior = p == prior.end() ? std::string() : p->second;
                    ut.desired = ut.prior;
                    ut.value = std::string(value_restoring(kind, aspect, ut.prior));
                    const bool action_step = aspect == s.action && !is_reversible(kind, s.action, s.value);
                    if (action_step || ut.value.empty()) {
                        ut.d = decision::not_reversible;
                        ut.result = "not reversible";
                        if (!action_step) ut.error = "the state before the plan is not known";
                    }
                    u.targets.push_back(std::move(ut));
                }
                if (u.targets.empty()) continue;
                u.summary = add_summary(u, detail::concat("restore ", aspect_name));
                units_.push_back(std::move(u));
            }
        }
    }

    // --------------------------------------------------------------------------------------------- reads

    std::vector<std::size_t> to_read(const unit& u) const {
        std::vector<std::size_t> out;
        for (std::size_t i = 0; i < u.targets.size(); ++i)
            if (u.targets[i].d != decision::not_reversible) out.push_back(i);
        return out;
    }

    std::optional<engine_action> next_read() {
        while (ru_ < units_.size()) {
            auto& u = units_[ru_];
            const bool maintenance_pass = u.loaded;
            if (u.loaded && (!u.with_maintenance || u.maintenance_loaded)) {
                ++ru_;
                continue;
            }
            const auto aspect = maintenance_pass ? action_kind::maintenance : u.aspect;
            const auto idx = to_read(u);
            if (idx.empty()) {
                mark_loaded(u, maintenance_pass);
                continue;
            }
            if (replaying())
                if (auto* r = find(record_type::prior, step_of(u).id, to_string(aspect))) {
                    load_prior_record(u, *r, maintenance_pass);
                    continue;
                }
            engine_action a;
            a.kind = engine_action::read_state;
            a.read.step = step_of(u).id;
            a.read.system = step_of(u).system;
            a.read.kind = kind_of(step_of(u));
            a.read.aspect = aspect;
            for (auto i : idx) a.read.targets.push_back(u.targets[i].target);
            return a;
        }
        stage_ = stage::units;
        return std::nullopt;
    }

    static void mark_loaded(unit& u, bool maintenance_pass) {
        if (maintenance_pass) u.maintenance_loaded = true;
        else u.loaded = true;
    }

    static std::string_view decision_word(decision d) noexcept {
        switch (d) {
        case decision::send: return "change";
        case decision::unchanged: return "unchanged";
        case decision::failed: return "failed";
        case decision::not_reversible: return "not reversible";
        }
        return "?";
    }

    void load_prior_record(unit& u, const record& r, bool maintenance_pass) {
        for (auto& e : r.targets)
            for (auto& t : u.targets) {
                if (t.target != e.target) continue;
                if (maintenance_pass) {
                    t.prior_maintenance = e.state;
                    continue;
                }
                if (!u.revert) t.prior = e.state;
                else t.found = e.state;
                t.read_text = e.read;
                if (e.result == "unchanged") t.d = decision::unchanged;
                else if (e.result == "failed") t.d = decision::failed;
                else if (e.result == "not reversible") t.d = decision::not_reversible;
                else t.d = decision::send;
                t.error = e.error;
            }
        if (!maintenance_pass) note_projection(u);
        mark_loaded(u, maintenance_pass);
    }

    // Two steps of a plan may change the same state (maintenance on early, off at the end): a later step starts from
    // what the earlier one asked for, not from what was read before anything changed.
    void note_projection(const unit& u) {
        if (u.revert) return;
        const auto& s = step_of(u);
        for (auto& t : u.targets)
            if (t.d == decision::send && !t.desired.empty())
                projected_[std::tuple{s.system, std::string(to_string(u.aspect)), t.target}] = t.desired;
    }

    void load_reads(result<state_reads> r) {
        auto& u = units_[ru_];
        const bool maintenance_pass = u.loaded;
        const auto aspect = maintenance_pass ? action_kind::maintenance : u.aspect;
        if (!r) {
            report_.result = "error";
            report_.problem = std::move(r).error();
            report_.hint = report_.changed_anything ? "" : "nothing was changed";
            stage_ = mode_ == run_mode::check ? stage::done : stage::finish;
            return;
        }
        auto reads = std::move(r).value();
        const auto idx = to_read(u);
        record rec;
        rec.type = record_type::prior;
        rec.run = run_;
        rec.step = step_of(u).id;
        rec.system = step_of(u).system;
        rec.aspect = std::string(to_string(aspect));
        for (std::size_t k = 0; k < idx.size(); ++k) {
            auto& t = u.targets[idx[k]];
            result<std::string> read = k < reads.size() ? std::move(reads[k])
                                                        : result<std::string>(failure(error(
                                                              errc::target_not_in_response, "the read did not answer")));
            if (read && !is_valid_utf8_word(read.value())) read = printable(read.value());
            target_entry e;
            e.target = t.target;
            if (maintenance_pass) {
                t.prior_maintenance = read ? read.value() : std::string();
                e.state = t.prior_maintenance;
                rec.targets.push_back(std::move(e));
                continue;
            }
            auto dec = decide_target(read, t.desired);
            if (dec == target_decision::abort) {
                report_.result = "error";
                report_.problem = read.error();
                stage_ = mode_ == run_mode::check ? stage::done : stage::finish;
                return;
            }
            const std::string current = read ? read.value() : std::string();
            if (u.revert) {
                e.state = current;  // the state found now; the one restored is the apply run's prior
                t.found = current;
            } else {
                auto p = projected_.find(std::tuple{step_of(u).system, rec.aspect, t.target});
                if (p != projected_.end() && read) {
                    t.prior = p->second;
                    if (p->second != current) t.read_text = current;
                    dec = t.desired.empty() ? target_decision::send
                          : t.prior == t.desired ? target_decision::skip
                                                 : target_decision::send;
                } else {
                    t.prior = current;
                }
                e.state = t.prior;
                e.read = t.read_text;
            }
            t.d = dec == target_decision::skip ? decision::unchanged
                  : dec == target_decision::fail ? decision::failed
                                                 : decision::send;
            if (!read) t.error = read.error().message();
            e.result = std::string(decision_word(t.d));
            e.error = t.error;
            rec.targets.push_back(std::move(e));
        }
        if (!maintenance_pass) note_projection(u);
        mark_loaded(u, maintenance_pass);
        if (mode_ != run_mode::check) push_journal(std::move(rec));
    }

    static bool is_valid_utf8_word(std::string_view s) { return printable(s, s.size()) == s; }

    // --------------------------------------------------------------------------------------------- units

    std::size_t failures(const unit& u) const {
        std::size_t n = 0;
        for (auto& t : u.targets) n += t.result == "failed" || t.result == "uncertain";
        return n;
    }

    void start_unit(unit& u) {
        const auto& s = step_of(u);
        auto& sum = report_.steps[u.summary];
        for (auto& t : u.targets) {
            if (t.d == decision::unchanged) t.result = "unchanged";
            if (t.d == decision::failed) t.result = "failed";
            if (t.d == decision::not_reversible) t.result = "not reversible";
        }
        std::vector<std::size_t> changing;
        for (std::size_t i = 0; i < u.targets.size(); ++i)
            if (u.targets[i].d == decision::send) changing.push_back(i);
        const std::size_t size = s.max_unavailable ? *s.max_unavailable : std::max<std::size_t>(changing.size(), 1);
        for (std::size_t i = 0; i < changing.size(); i += size)
            u.batches.emplace_back(changing.begin() + static_cast<std::ptrdiff_t>(i),
                                   changing.begin() + static_cast<std::ptrdiff_t>(std::min(i + size, changing.size())));
        sum.result = "done";
        bb_ = 0;
        phases_.clear();
    }

    std::vector<std::string> batch_phases(const unit& u, const std::vector<std::size_t>& batch) const {
        if (u.revert) {  // one restore per value asked, in order of first appearance
            std::vector<std::string> out;
            for (auto i : batch) {
                auto p = detail::concat("restore ", u.targets[i].value);
                if (std::find(out.begin(), out.end(), p) == out.end()) out.push_back(std::move(p));
            }
            return out;
        }
        std::vector<std::string> out;
        if (u.with_maintenance) out.push_back("enter");
        out.push_back("operation");
        const auto& s = step_of(u);
        if (s.message && !s.message->empty()) out.push_back("message");
        if (u.with_maintenance) out.push_back("exit");
        return out;
    }

    std::optional<engine_action> next_unit_action() {
        if (uu_ == units_.size()) {
            stage_ = stage::finish;
            return std::nullopt;
        }
        auto& u = units_[uu_];
        const auto& s = step_of(u);
        if (!unit_started_) {
            if (stop_requested_ && !ex_.active) return stop_run("stopped", "stopped on request");
            start_unit(u);
            unit_started_ = true;
            if (failures(u) > s.max_failures) return stop_unit(u);
        }
        if (ex_.active) return step_exchange(u);
        if (bb_ == u.batches.size()) return end_unit(u);
        if (phases_.empty()) {
            if (stop_requested_) return stop_run("stopped", "stopped on request");
            phases_ = batch_phases(u, u.batches[bb_]);
            ph_ = 0;
        }
        if (ph_ == phases_.size()) {  // the batch is over
            phases_.clear();
            ++bb_;
            if (failures(u) > s.max_failures) return stop_unit(u);
            return std::nullopt;
        }
        if (!begin_exchange(u, phases_[ph_], 1, {})) {
            ++ph_;
            return std::nullopt;
        }
        return step_exchange(u);
    }

    std::optional<engine_action> end_unit(unit& u) {
        auto& sum = report_.steps[u.summary];
        finalize_summary(u);
        if (sum.result == "done" && failures(u) > 0) sum.result = "done with failures";
        if (mode_ != run_mode::check && !find(record_type::step_done, step_of(u).id, to_string(u.aspect))) {
            record r;
            r.type = record_type::step_done;
            r.run = run_;
            r.step = step_of(u).id;
            r.aspect = std::string(to_string(u.aspect));
            r.result = sum.result;
            push_journal(std::move(r));
        }
        ++uu_;
        unit_started_ = false;
        return std::nullopt;
    }

    std::optional<engine_action> stop_unit(unit& u) {
        bool uncertain = false;
        for (auto& t : u.targets) uncertain = uncertain || t.result == "uncertain";
        std::string result = uncertain ? "uncertain" : "failed";
        report_.steps[u.summary].result = result;
        finalize_summary(u);
        if (mode_ != run_mode::check && !find(record_type::step_done, step_of(u).id, to_string(u.aspect))) {
            record r;
            r.type = record_type::step_done;
            r.run = run_;
            r.step = step_of(u).id;
            r.aspect = std::string(to_string(u.aspect));
            r.result = result;
            push_journal(std::move(r));
        }
        ++uu_;
        return stop_run(result, detail::concat("step '", printable(step_of(u).id), "': ", std::to_string(failures(u)),
                                               " target(s) failed or uncertain, more than max_failures (",
                                               std::to_string(step_of(u).max_failures), ")"));
    }

    std::optional<engine_action> stop_run(std::string result, std::string why) {
        report_.result = std::move(result);
        report_.problem = error(errc::operation_failed, std::move(why));
        for (std::size_t k = uu_; k < units_.size(); ++k) finalize_summary(units_[k]);
        uu_ = units_.size();
        stage_ = stage::finish;
        return std::nullopt;
    }

    void finalize_summary(const unit& u) {
        auto& sum = report_.steps[u.summary];
        sum.targets.clear();
        for (auto& t : u.targets) {
            target_summary ts;
            ts.target = t.target;
            ts.aspect = std::string(to_string(u.aspect));
            ts.from = u.revert ? t.found : t.prior;  // a revert goes from what it found to the recorded prior
            ts.to = t.desired.empty() ? t.value : t.desired;
            ts.result = t.result;
            ts.job = t.job;
            ts.error = t.error;
            sum.targets.push_back(std::move(ts));
        }
    }

    void finish() {
        for (auto& u : units_)
            if (report_.steps[u.summary].targets.empty()) finalize_summary(u);
        if (report_.result == "done")
            for (auto& u : units_)
                for (auto& t : u.targets)
                    if (t.result == "uncertain") report_.result = "uncertain";
        if (mode_ != run_mode::check && run_ != 0 && report_.result != "refused") {
            record r;
            r.type = record_type::run_end;
            r.run = run_;
            r.result = report_.result;
            if (report_.problem) r.error = report_.problem->message();
            // An unfinished run (failed, stopped, uncertain) stays open so that resume or revert can continue it;
            // one that changed nothing (a read failed) ends, so that apply can simply run again.
            if (report_.result == "done" || !intent_in_run_) push_journal(std::move(r));
        }
        if (report_.result != "done" && report_.hint.empty() && report_.changed_anything && !reverting_)
            report_.hint = "the journal is kept: run `plan revert` to undo what this plan changed, or `plan resume`";
        stage_ = stage::done;
    }

    // --------------------------------------------------------------------------------------------- exchanges

    // Sets up the exchange of `phase` for the current batch; false when no target needs it.
    bool begin_exchange(unit& u, const std::string& phase, unsigned attempt, std::vector<std::size_t> only) {
        const auto& s = step_of(u);
        ex_ = exchange{};
        ex_.phase = phase;
        ex_.attempt = attempt;
        const auto& batch = u.batches[bb_];
        auto alive = [&](std::size_t i) { return !u.targets[i].failed_phase; };
        if (!only.empty()) {
            ex_.targets = std::move(only);
            ex_.aspect = attempt_aspect_;
            ex_.value = attempt_value_;
        } else if (phase == "enter" || phase == "exit") {
            ex_.aspect = action_kind::maintenance;
            ex_.value = phase == "enter" ? "on" : "off";
            for (auto i : batch) {
                auto& t = u.targets[i];
                if (phase == "enter" && alive(i) && t.prior_maintenance != "on") ex_.targets.push_back(i);
                if (phase == "exit" && t.entered && (t.result == "changed" || t.result == "unchanged" ||
                                                     t.result == "would change" || t.result == "not reversible"))
                    ex_.targets.push_back(i);
            }
        } else if (phase == "message") {
            ex_.aspect = action_kind::maintenance;
            ex_.value = "message";
            for (auto i : batch)
                if (u.targets[i].result == "changed" || u.targets[i].result == "would change") ex_.targets.push_back(i);
        } else {  // operation, restore VALUE
            ex_.aspect = u.aspect;
            ex_.value = u.revert ? phase.substr(std::string_view("restore ").size()) : s.value;
            for (auto i : batch)
                if (alive(i) && u.targets[i].value == ex_.value) ex_.targets.push_back(i);
        }
        if (ex_.targets.empty()) return false;
        ex_.desired = ex_.value == "message" ? std::string()
                                             : std::string(desired_state(kind_of(s), ex_.aspect, ex_.value));
        ex_.active = true;
        return true;
    }

    change change_of(const unit& u) const {
        const auto& s = step_of(u);
        change c;
        c.step = s.id;
        c.system = s.system;
        c.kind = kind_of(s);
        c.action = ex_.aspect;
        c.value = ex_.value;
        if (ex_.value == "message" && s.message) c.message = *s.message;
        for (auto i : ex_.targets) c.targets.push_back(u.targets[i].target);
        return c;
    }

    std::optional<engine_action> step_exchange(unit& u) {
        if (!ex_.described) {
            if (replaying())
                if (auto* intent = find(record_type::intent, step_of(u).id, ex_.phase, bb_, ex_.attempt))
                    return replay_exchange(u, *intent);
            engine_action a;
            a.kind = engine_action::describe;
            a.what = change_of(u);
            return a;
        }
        if (!ex_.sent) {  // the intent is durable (on_journaled succeeded): send
            engine_action a;
            a.kind = engine_action::send;
            a.what = change_of(u);
            report_.changed_anything = true;
            return a;
        }
        if (!ex_.to_wait.empty()) {
            engine_action a;
            a.kind = engine_action::wait;
            a.confirm.what = change_of(u);
            a.confirm.what.targets.clear();
            for (auto i : ex_.to_wait) a.confirm.what.targets.push_back(u.targets[i].target);
            a.confirm.handle = ex_.handle;
            a.confirm.desired = ex_.desired;
            a.confirm.timeout = options_.step_timeout;
            return a;
        }
        return end_exchange(u, true);
    }

    std::optional<engine_action> replay_exchange(unit& u, const record& intent) {
        ex_.described = ex_.intent_written = ex_.sent = true;
        add_requests(u, intent.requests);
        if (auto* c = find(record_type::confirmed, step_of(u).id, ex_.phase, bb_, ex_.attempt)) {
            for (auto& e : c->targets)
                for (auto i : ex_.targets)
                    if (u.targets[i].target == e.target) {
                        confirmation k;
                        k.target = e.target;
                        k.status = e.result == "changed"     ? confirmation::changed
                                   : e.result == "unchanged" ? confirmation::unchanged
                                   : e.result == "failed"    ? confirmation::failed
                                                             : confirmation::uncertain;
                        k.state = e.state;
                        if (!e.error.empty()) k.problem = error(errc::operation_failed, e.error);
                        ex_.results[i] = std::move(k);
                        if (!e.job.empty()) u.targets[i].job = e.job;
                    }
            return end_exchange(u, false);
        }
        auto* o = find(record_type::outcome, step_of(u).id, ex_.phase, bb_, ex_.attempt);
        if (o && (o->sent || !o->may_have_executed)) {
            absorb_outcome(u, *o);
        } else {
            ex_.to_wait = ex_.targets;  // the answer is unknown: decide by state, never by sending again
        }
        return step_exchange(u);
    }

    void add_requests(const unit& u, const std::vector<request_text>& q) {
        auto& r = report_.steps[u.summary].requests;
        r.insert(r.end(), q.begin(), q.end());
    }

    void described(std::vector<request_text> requests) {
        auto& u = units_[uu_];
        add_requests(u, requests);
        ex_.described = true;
        if (mode_ == run_mode::check) {  // nothing is sent: the targets would change
            for (auto i : ex_.targets) {
                auto& t = u.targets[i];
                if (ex_.phase == "enter") t.entered = true;
                if (ex_.phase == "operation" || ex_.phase.rfind("restore", 0) == 0)
                    t.result = ex_.desired.empty() ? "not reversible" : "would change";
            }
            ex_ = exchange{};
            ++ph_;
            return;
        }
        record r;
        r.type = record_type::intent;
        r.run = run_;
        r.step = step_of(u).id;
        r.system = step_of(u).system;
        r.aspect = std::string(to_string(ex_.aspect));
        r.batch = bb_;
        r.phase = ex_.phase;
        r.attempt = ex_.attempt;
        r.value = ex_.value;
        if (ex_.value == "message" && step_of(u).message) r.message = *step_of(u).message;
        r.requests = std::move(requests);
        for (auto i : ex_.targets) {
            target_entry e;
            e.target = u.targets[i].target;
            r.targets.push_back(std::move(e));
        }
        push_journal(std::move(r));
        ex_.intent_written = true;
        intent_in_run_ = true;
    }

    audit_line audit_for(const unit& u, std::size_t i, std::string_view result, std::string_view job) const {
        audit_line l;
        l.operator_name = options_.operator_name;
        l.reason = plan_.reason;
        l.plan = plan_.name;
        l.step = step_of(u).id;
        l.system = step_of(u).system;
        l.target = u.targets[i].target;
        l.action = detail::concat(to_string(ex_.aspect), " ", ex_.value);
        l.mode = reverting_ ? "revert" : "apply";
        l.result = std::string(result);
        l.job = std::string(job);
        return l;
    }

    // Takes a journaled or fresh outcome: targets refused are failed, already in the state unchanged, the others
    // wait on the handle.
    void absorb_outcome(unit& u, const record& o) {
        if (!o.sent) {
            for (auto i : ex_.targets) {
                confirmation k;
                k.target = u.targets[i].target;
                k.status = confirmation::failed;
                k.problem = error(errc::operation_failed, o.error);
                ex_.results[i] = std::move(k);
            }
            return;
        }
        send_result h;
        h.job = o.job;
        for (auto i : ex_.targets) {
            const auto& name = u.targets[i].target;
            auto e = std::find_if(o.targets.begin(), o.targets.end(), [&](const target_entry& x) { return x.target == name; });
            sent_target st;
            st.target = name;
            st.status = sent_target::accepted;
            if (e != o.targets.end()) {
                st.job = e->job;
                if (e->result == "failed") st.status = sent_target::failed;
                if (e->result == "unchanged") st.status = sent_target::unchanged;
                if (!e->error.empty()) st.problem = error(errc::not_accepted, e->error);
            }
            if (!st.job.empty()) u.targets[i].job = st.job;
            else if (!h.job.empty()) u.targets[i].job = h.job;
            if (st.status == sent_target::accepted) {
                ex_.to_wait.push_back(i);
            } else {
                confirmation k;
                k.target = name;
                k.status = st.status == sent_target::failed ? confirmation::failed : confirmation::unchanged;
                k.problem = st.problem;
                ex_.results[i] = std::move(k);
            }
            h.targets.push_back(std::move(st));
        }
        ex_.handle = std::move(h);
    }

    void sent(result<send_result> r) {
        auto& u = units_[uu_];
        ex_.sent = true;
        record o;
        o.type = record_type::outcome;
        o.run = run_;
        o.step = step_of(u).id;
        o.batch = bb_;
        o.phase = ex_.phase;
        o.attempt = ex_.attempt;
        if (r) {
            o.sent = true;
            o.job = r.value().job;
            for (auto& st : r.value().targets) {
                target_entry e;
                e.target = st.target;
                e.result = st.status == sent_target::accepted    ? "accepted"
                           : st.status == sent_target::unchanged ? "unchanged"
                                                                 : "failed";
                e.job = st.job;
                if (st.problem) e.error = st.problem->message();
                o.targets.push_back(std::move(e));
            }
        } else {
            o.sent = false;
            o.may_have_executed = r.error().may_have_executed;
            o.error = r.error().message();
        }
        push_journal(o);  // job ids are durable before the wait starts
        if (o.sent || !o.may_have_executed) absorb_outcome(u, o);
        else ex_.to_wait = ex_.targets;
        for (auto i : ex_.targets) {
            auto it = ex_.results.find(i);
            const bool refused = it != ex_.results.end() && it->second.status == confirmation::failed;
            push_audit(audit_for(u, i, refused ? "failed" : "sent", u.targets[i].job));
        }
    }

    void waited(std::vector<confirmation> c) {
        auto& u = units_[uu_];
        for (auto i : ex_.to_wait) {
            auto it = std::find_if(c.begin(), c.end(), [&](const confirmation& k) { return k.target == u.targets[i].target; });
            confirmation k;
            if (it != c.end()) k = std::move(*it);
            else {
                k.target = u.targets[i].target;
                k.status = confirmation::uncertain;
                k.problem = error(errc::target_not_in_response, "the wait did not report this target");
            }
            ex_.results[i] = std::move(k);
        }
        ex_.to_wait.clear();
    }

    // Records the exchange's confirmation (fresh), applies it to the targets, and moves on; uncertain targets get a
    // new attempt only when one is journaled already or resend_uncertain asks for it.
    std::optional<engine_action> end_exchange(unit& u, bool fresh) {
        if (fresh) {
            record r;
            r.type = record_type::confirmed;
            r.run = run_;
            r.step = step_of(u).id;
            r.batch = bb_;
            r.phase = ex_.phase;
            r.attempt = ex_.attempt;
            for (auto i : ex_.targets) {
                const auto& k = ex_.results[i];
                push_audit(audit_for(u, i, to_string(k.status), u.targets[i].job));
                target_entry e;
                e.target = u.targets[i].target;
                e.result = std::string(to_string(k.status));
                e.state = k.state;
                e.job = u.targets[i].job;
                if (k.problem) e.error = k.problem->message();
                r.targets.push_back(std::move(e));
            }
            push_journal(std::move(r));
        }
        std::vector<std::size_t> uncertain;
        for (auto i : ex_.targets) {
            auto& t = u.targets[i];
            const auto& k = ex_.results[i];
            const auto word = std::string(to_string(k.status));
            if (k.problem) t.error = k.problem->message();
            if (k.status == confirmation::uncertain) uncertain.push_back(i);
            if (ex_.phase == "enter") {
                if (k.status == confirmation::changed) t.entered = true;
                if (k.status == confirmation::failed || k.status == confirmation::uncertain) {
                    t.failed_phase = true;
                    t.result = word;
                }
            } else if (ex_.phase == "exit" || ex_.phase == "message") {
                // These follow the operation: its result stands unless they fail (a retried attempt restores it).
                t.result = k.status == confirmation::failed || k.status == confirmation::uncertain ? word
                                                                                                    : t.operation_result;
            } else {
                t.result = word;
                t.operation_result = word;
            }
        }
        const auto phase = ex_.phase;
        const auto next_attempt = ex_.attempt + 1;
        attempt_aspect_ = ex_.aspect;
        attempt_value_ = ex_.value;
        ex_ = exchange{};
        if (!uncertain.empty() &&
            (find(record_type::intent, step_of(u).id, phase, bb_, next_attempt) || options_.resend_uncertain)) {
            for (auto i : uncertain) u.targets[i].failed_phase = false;
            begin_exchange(u, phase, next_attempt, uncertain);
            return std::nullopt;
        }
        ++ph_;
        return std::nullopt;
    }

    maintenance_plan plan_;
    run_mode mode_;
    std::vector<record> history_;
    engine_options options_;
    plan_report report_;

    stage stage_ = stage::begin;
    std::uint64_t run_ = 0;
    bool reverting_ = false;
    bool intent_in_run_ = false;
    bool stop_requested_ = false;
    std::vector<unit> units_;
    std::map<std::tuple<std::string, std::string, std::string>, std::string> projected_;
    std::size_t ru_ = 0;  // unit being read
    std::size_t uu_ = 0;  // unit being run
    bool unit_started_ = false;
    std::size_t bb_ = 0;  // batch
    std::vector<std::string> phases_;
    std::size_t ph_ = 0;
    exchange ex_;
    action_kind attempt_aspect_ = action_kind::maintenance;
    std::string attempt_value_;

    std::deque<engine_action> out_;
    engine_action current_;
    bool awaiting_ = false;
};

}  // namespace serverops::plan

#endif
