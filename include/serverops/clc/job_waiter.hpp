// Waiting on queued CLC jobs, sans-I/O: the waiter says "poll this id" or "sleep this long"; a sync loop or an
// async operation does the I/O. Each distinct status id is polled once per round (a batch shares one id).
#ifndef SERVEROPS_CLC_JOB_WAITER_HPP
#define SERVEROPS_CLC_JOB_WAITER_HPP

#include <serverops/clc/types.hpp>
#include <serverops/policies.hpp>

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
    int polls = 0;  ///< status GETs sent

    bool all_succeeded() const {
        return std::all_of(servers.begin(), servers.end(),
                           [](const server_outcome& s) { return s.state == server_state::succeeded; });
    }
    std::size_t count(server_state st) const {
        return static_cast<std::size_t>(
            std::count_if(servers.begin(), servers.end(), [&](const server_outcome& s) { return s.state == st; }));
    }
};

class job_waiter {
public:
    struct step {
        enum kind_t { poll, sleep, done } kind;
        std::string status_id;          ///< for poll
        clock_type::duration delay{};   ///< for sleep
    };

    job_waiter(std::vector<std::string> status_ids, polling_policy policy, clock_type::time_point start)
        : policy_(policy), deadline_(start + policy.timeout), interval_(policy.interval) {
        for (auto& id : status_ids)
            if (!jobs_.count(id)) {
                order_.push_back(id);
                jobs_[id].status_id = id;
            }
        start_round();
    }

    /// What to do next. Polls every unfinished job once per round, then sleeps (never past the deadline).
    step next(clock_type::time_point now) {
        if (unfinished() == 0) return {step::done, {}, {}};
        if (now >= deadline_) {
            deadline_reached_ = true;
            return {step::done, {}, {}};
        }
        while (cursor_ < round_.size()) {
            auto& id = round_[cursor_++];
            if (!finished(jobs_[id])) return {step::poll, id, {}};
        }
        auto delay = std::min<clock_type::duration>(interval_, deadline_ - now);
        interval_ = std::min<clock_type::duration>(
            std::chrono::duration_cast<clock_type::duration>(interval_ * policy_.growth), policy_.max_interval);
        start_round();
        return {step::sleep, {}, delay};
    }

    /// Records a poll's answer.
    void on_poll(const std::string& id, const result<get_status_response>& r) {
        ++polls_;
        auto it = jobs_.find(id);
        if (it == jobs_.end()) return;
        auto& job = it->second;
        auto& errors = consecutive_errors_[id];
        if (r) {
            errors = 0;
            job.problem.reset();
            job.last_status = r.value().status;
            if (r.value().status == job_status::succeeded) {
                job.state = server_state::succeeded;
            } else if (r.value().status == job_status::failed || r.value().status == job_status::unknown) {
                job.state = server_state::failed;
                error e(errc::job_failed, "job " + id + " ended " + std::string(to_string(r.value().status)));
                e.operation = "clc.wait";
                job.problem = std::move(e);
            }
            return;
        }
        job.problem = r.error();
        if (is_transient(r.error()) && ++errors < policy_.max_consecutive_poll_errors) return;  // ride it out
        job.state = server_state::poll_error;
    }

    bool deadline_reached() const noexcept { return deadline_reached_; }
    int polls() const noexcept { return polls_; }

    /// Final state per job; unfinished jobs are still_running with their real last status.
    job_outcome outcome(const std::string& id) const {
        auto it = jobs_.find(id);
        if (it == jobs_.end()) return {id, server_state::poll_error, std::nullopt, error(errc::invalid_request, "unknown job")};
        job_outcome o = it->second;
        if (o.state == server_state::still_running) {
            error e(errc::deadline_exceeded, "job " + id + " had not finished when the wait ended");
            e.operation = "clc.wait";
            o.problem = std::move(e);
        }
        return o;
    }
    std::vector<job_outcome> outcomes() const {
        std::vector<job_outcome> out;
        for (auto& id : order_) out.push_back(outcome(id));
        return out;
    }

    /// Maps job outcomes back onto the servers of a batch, in request order.
    wait_result result_for(const batch_response& batch) const {
        wait_result w;
        w.deadline_reached = deadline_reached_;
        w.polls = polls_;
        for (auto& s : batch.servers) {
            server_outcome so;
            so.server_id = s.server_id;
            if (!s.job) {
                so.state = server_state::not_queued;
                so.problem = s.job.error();
            } else {
                auto o = outcome(s.job.value().status_id);
                so.status_id = o.status_id;
                so.state = o.state;
                so.last_status = o.last_status;
                so.problem = std::move(o.problem);
            }
            w.servers.push_back(std::move(so));
        }
        return w;
    }

private:
    static bool finished(const job_outcome& j) { return j.state != server_state::still_running; }
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

    polling_policy policy_;
    clock_type::time_point deadline_;
    clock_type::duration interval_;
    std::vector<std::string> order_;
    std::map<std::string, job_outcome> jobs_;
    std::map<std::string, int> consecutive_errors_;
    std::vector<std::string> round_;
    std::size_t cursor_ = 0;
    int polls_ = 0;
    bool deadline_reached_ = false;
};

}  // namespace serverops::clc

#endif
