// Waiting on queued CLC jobs: a waiter of the shared engine (serverops/waiter.hpp).
#ifndef SERVEROPS_CLC_JOB_WAITER_HPP
#define SERVEROPS_CLC_JOB_WAITER_HPP

#include <serverops/clc/queue.hpp>
#include <serverops/clc/types.hpp>
#include <serverops/waiter.hpp>

#include <algorithm>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace serverops::clc {

/// Where a server ended up after a wait.
enum class server_state {
    succeeded,      ///< its job reported succeeded
    failed,         ///< its job reported failed or unknown
    not_queued,     ///< the API did not queue it (see `problem` for the server's message)
    still_running,  ///< the deadline passed first; `last_status` is the real last-known state
    poll_error,     ///< its job's status could not be read (see `problem`)
};

inline std::string_view to_string(server_state s) noexcept {
    switch (s) {
    case server_state::succeeded: return "succeeded";
    case server_state::failed: return "failed";
    case server_state::not_queued: return "not queued";
    case server_state::still_running: return "still running";
    case server_state::poll_error: return "poll error";
    }
    return "?";
}

/// The final state of one job (one status id).
struct job_outcome {
    std::string status_id;
    server_state state = server_state::still_running;
    std::optional<job_status> last_status;  ///< last value read from the API, if any
    std::optional<error> problem;           ///< why it did not succeed
};

/// The final state of one requested server, in request order.
struct server_outcome {
    std::string server_id;
    std::string status_id;  ///< empty when the server was never queued
    server_state state = server_state::still_running;
    std::optional<job_status> last_status;
    std::optional<error> problem;
};

struct wait_result {
    std::vector<server_outcome> servers;
    bool deadline_reached = false;
    bool cancelled = false;  ///< the wait was cancelled: unfinished servers are still_running, their jobs queued
    int polls = 0;           ///< status GETs sent

    bool all_succeeded() const {
        return std::all_of(servers.begin(), servers.end(),
                           [](const server_outcome& s) { return s.state == server_state::succeeded; });
    }
    std::size_t count(server_state st) const {
        return static_cast<std::size_t>(
            std::count_if(servers.begin(), servers.end(), [&](const server_outcome& s) { return s.state == st; }));
    }
};

/// Waits for CLC jobs, sans-I/O (a `serverops::waiter`: run it with `run_wait` / `async_run_wait`, or
/// `clc::session::wait`). Each distinct status id is polled once per round (a batch shares one id), then the shared
/// `poll_schedule` decides the sleep. A job ends `succeeded`, `failed` (failed/unknown), or `poll_error` after
/// `max_consecutive_poll_errors` transient failures in a row or one final error; at the deadline the unfinished ones
/// stay `still_running` with their real last status.
/// What a job wait ends with: every job's outcome in first-seen order, and how the wait ended.
struct job_wait_report {
    std::vector<job_outcome> jobs;
    bool deadline_reached = false;
    bool cancelled = false;
    int polls = 0;
};

/// Maps job outcomes back onto the servers of a batch, in request order (servers not queued keep the API's reason).
inline wait_result result_for(const batch_response& batch, const job_wait_report& report) {
    wait_result w;
    w.deadline_reached = report.deadline_reached;
    w.cancelled = report.cancelled;
    w.polls = report.polls;
    std::map<std::string_view, const job_outcome*> by_id;
    for (auto& j : report.jobs) by_id.emplace(j.status_id, &j);
    w.servers.reserve(batch.servers.size());
    for (auto& s : batch.servers) {
        server_outcome so;
        so.server_id = s.server_id;
        if (!s.job) {
            so.state = server_state::not_queued;
            so.problem = s.job.error();
        } else if (auto found = by_id.find(s.job.value().status_id); found != by_id.end()) {
            const job_outcome& o = *found->second;
            so.status_id = o.status_id;
            so.state = o.state;
            so.last_status = o.last_status;
            so.problem = o.problem;
        } else {
            so.status_id = s.job.value().status_id;
            so.state = server_state::poll_error;
            so.problem = error(errc::invalid_request, "job not part of the wait");
        }
        w.servers.push_back(std::move(so));
    }
    return w;
}

class job_waiter {
public:
    using poll_operation = get_status;
    using value_type = job_wait_report;
    using step = wait_step<get_status>;
    static constexpr std::string_view name = "clc.wait";

    job_waiter(std::vector<std::string> status_ids, polling_policy policy, clock_type::time_point start)
        : schedule_(policy, start) {
        for (auto& id : status_ids)
            if (!jobs_.count(id)) {
                order_.push_back(id);
                jobs_[id].status_id = id;
            }
        start_round();
    }

    /// What to do next: poll every unfinished job once per round, then sleep (never past the deadline).
    step next(clock_type::time_point now) {
        if (ended_ || unfinished() == 0) return {};
        if (schedule_.expired(now)) return end_at_deadline();
        while (cursor_ < round_.size()) {
            auto& id = round_[cursor_++];
            if (!finished(jobs_[id])) return {step::poll, get_status{id}, {}};
        }
        const auto sleep = schedule_.next_sleep(now);
        if (!sleep) return end_at_deadline();
        start_round();
        return {step::sleep, {}, *sleep};
    }

    /// Records a poll's answer.
    wait_observation on_poll(const get_status& polled, const result<get_status_response>& r,
                             clock_type::time_point now = {}) {
        if (schedule_.cut_by_deadline(r, now)) {  // the wait's own deadline ended it: the last state stands
            ++polls_;
            return {polled.status_id, "timed out at the deadline", false};
        }
        return on_poll(polled.status_id, r);
    }
    wait_observation on_poll(const std::string& id, const result<get_status_response>& r) {
        ++polls_;
        auto it = jobs_.find(id);
        if (it == jobs_.end()) return {id, "unknown job", false};
        auto& job = it->second;
        const auto before = state_word(job);
        auto& errors = consecutive_errors_[id];
        if (r) {
            errors = 0;
            job.problem.reset();
            job.last_status = r.value().status;
            if (r.value().status == job_status::succeeded) {
                job.state = server_state::succeeded;
            } else if (r.value().status == job_status::failed || r.value().status == job_status::unknown) {
                job.state = server_state::failed;
                error e(errc::operation_failed, "job " + id + " ended " + std::string(to_string(r.value().status)));
                e.operation = name;
                e.vendor_code = to_string(r.value().status);  // the job status CLC reported
                job.problem = std::move(e);
            }
        } else {
            job.problem = r.error();
            schedule_.note(r.error());
            if (!is_transient(r.error()) || ++errors >= schedule_.max_consecutive_poll_errors())
                job.state = server_state::poll_error;
        }
        auto after = state_word(job);
        const bool changed = after != before;
        return {id, std::move(after), changed};
    }

    /// Ends the wait now (the driver was cancelled): unfinished jobs report still_running, cancelled.
    void cancel() {
        ended_ = true;
        cancelled_ = true;
    }

    clock_type::time_point deadline() const noexcept { return schedule_.deadline(); }
    bool deadline_reached() const noexcept { return deadline_reached_; }
    bool cancelled() const noexcept { return cancelled_; }
    int polls() const noexcept { return polls_; }

    /// Final state per job; unfinished jobs are still_running with their real last status.
    job_outcome outcome(const std::string& id) const {
        auto it = jobs_.find(id);
        if (it == jobs_.end()) return {id, server_state::poll_error, std::nullopt, error(errc::invalid_request, "unknown job")};
        job_outcome o = it->second;
        if (o.state == server_state::still_running) {
            error e = cancelled_ ? error(errc::cancelled, "the wait was cancelled before job " + id + " finished")
                                 : error(errc::deadline_exceeded, "job " + id + " had not finished when the wait ended" +
                                                                      schedule_.retry_after_note());
            e.operation = name;
            o.problem = std::move(e);
        }
        return o;
    }
    std::vector<job_outcome> outcomes() const {
        std::vector<job_outcome> out;
        out.reserve(order_.size());
        for (auto& id : order_) out.push_back(outcome(id));
        return out;
    }
    /// The waiter protocol's result (never a failure: per-job problems are in the outcomes).
    result<job_wait_report> outcome() const { return job_wait_report{outcomes(), deadline_reached_, cancelled_, polls_}; }

    /// Maps the outcomes onto the servers of a batch, in request order.
    wait_result result_for(const batch_response& batch) const { return clc::result_for(batch, outcome().value()); }

private:
    static bool finished(const job_outcome& j) { return j.state != server_state::still_running; }
    static std::string state_word(const job_outcome& j) {
        if (j.state == server_state::still_running) {
            if (j.problem) return "poll error: " + j.problem->code.message();
            return j.last_status ? std::string(to_string(*j.last_status)) : std::string("queued");
        }
        if (j.state == server_state::poll_error && j.problem) return "poll error: " + j.problem->code.message();
        return j.last_status ? std::string(to_string(*j.last_status)) : std::string(to_string(j.state));
    }
    step end_at_deadline() {
        ended_ = true;
        deadline_reached_ = true;
        return {};
    }
    std::size_t unfinished() const {
        return static_cast<std::size_t>(
            std::count_if(jobs_.begin(), jobs_.end(), [](auto& kv) { return !finished(kv.second); }));
    }
    void start_round() {
        round_.clear();
        for (auto& id : order_)
            if (!finished(jobs_[id])) round_.push_back(id);
        cursor_ = 0;
    }

    poll_schedule schedule_;
    std::vector<std::string> order_;
    std::map<std::string, job_outcome> jobs_;
    std::map<std::string, int> consecutive_errors_;
    std::vector<std::string> round_;
    std::size_t cursor_ = 0;
    int polls_ = 0;
    bool ended_ = false;
    bool deadline_reached_ = false;
    bool cancelled_ = false;
};

}  // namespace serverops::clc

#endif
