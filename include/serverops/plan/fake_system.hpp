// A system adapter without any server, for tests of plans (the engine, drivers, a program's own plan code): every
// system's states in a map, sends recorded in order, jobs that complete when waited for (or when the test says the
// server's time passed), and failures on demand. Deterministic; no clock, no sleep.
#ifndef SERVEROPS_PLAN_FAKE_SYSTEM_HPP
#define SERVEROPS_PLAN_FAKE_SYSTEM_HPP

#include <serverops/detail/concat.hpp>
#include <serverops/plan/model.hpp>
#include <serverops/plan/system.hpp>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include <map>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

namespace serverops::plan {

class fake_systems {
public:
    using key = std::tuple<std::string, action_kind, std::string>;  // system, aspect, target

    std::map<key, std::string> states;
    std::set<std::string> unreadable;       ///< targets whose read fails (about the target: errc::unexpected_response)
    std::set<std::string> refused;          ///< targets a send refuses (not accepted)
    std::set<std::pair<std::string, std::string>> failing_jobs;  ///< {value, target}: that job fails (the state stays)
    std::optional<error> read_error;        ///< every read fails with it (a failure not about the targets)

    struct sent_change {
        change what;
        std::string job;
    };
    std::vector<sent_change> sends;         ///< every change delivered, in order
    std::vector<std::string> events;        ///< "send JOB step value T1,T2", "done JOB", in order

    void set(const std::string& system, action_kind a, const std::string& target, std::string state) {
        states[key{system, a, target}] = std::move(state);
    }
    std::string get(const std::string& system, action_kind a, const std::string& target) const {
        auto it = states.find(key{system, a, target});
        return it == states.end() ? std::string() : it->second;
    }

    /// How many times a change with this value was delivered to this target.
    std::size_t deliveries(const std::string& step, const std::string& value, const std::string& target) const {
        std::size_t n = 0;
        for (auto& s : sends)
            if (s.what.step == step && s.what.value == value)
                for (auto& t : s.what.targets) n += t == target;
        return n;
    }

    result<state_reads> read_states(const read_request& r) {
        if (read_error) return failure(*read_error);
        state_reads out;
        for (auto& t : r.targets) {
            if (unreadable.count(t)) out.push_back(failure(error(errc::unexpected_response, "unreadable")));
            else if (auto s = get(r.system, r.aspect, t); !s.empty()) out.push_back(s);
            else out.push_back(failure(error(errc::not_found, "unknown target")));
        }
        return out;
    }

    std::vector<request_text> describe(const change& c) const {
        boost::json::array ids;
        for (auto& t : c.targets) ids.emplace_back(t);
        request_text q;
        q.method = c.value == "message" ? "PUT" : "POST";
        q.path = serverops::detail::concat("/", c.system, "/", to_string(c.action), "/", c.value);
        q.body = c.value == "message" ? boost::json::serialize(boost::json::object{{"message", c.message}})
                                      : boost::json::serialize(ids);
        return {q};
    }

    result<send_result> send(const change& c) {
        const auto id = serverops::detail::concat("job-", std::to_string(++next_job_));
        send_result r;
        r.job = id;
        job j;
        j.what = c;
        std::string names;
        for (auto& t : c.targets) {
            sent_target st;
            st.target = t;
            if (refused.count(t)) {
                st.problem = error(errc::not_accepted, "refused");
            } else {
                st.status = sent_target::accepted;
                st.job = id;
                j.pending.insert(t);
            }
            if (!names.empty()) names += ',';
            names += t;
            r.targets.push_back(std::move(st));
        }
        sends.push_back({c, id});
        events.push_back(serverops::detail::concat("send ", id, " ", c.step, " ", c.value, " ", names));
        jobs_[id] = std::move(j);
        return r;
    }

    /// The server's time passes: every queued job runs.
    void run_jobs() {
        for (auto& [id, j] : jobs_) {
            const auto pending = j.pending;  // complete() erases from it
            complete(id, j, pending);
        }
    }

    std::vector<confirmation> wait(const wait_request& w, const wait_observer& = {}) {
        std::vector<confirmation> out;
        if (w.handle) {
            auto it = jobs_.find(w.handle->job);
            for (auto& t : w.what.targets) {
                confirmation c;
                c.target = t;
                if (it == jobs_.end()) {
                    c.problem = error(errc::not_found, "no such job");
                } else {
                    complete(it->first, it->second, {t});
                    const bool failed = it->second.failed.count(t) != 0;
                    c.status = failed ? confirmation::failed : confirmation::changed;
                    if (failed) c.problem = error(errc::operation_failed, "job failed");
                }
                c.state = get(w.what.system, w.what.action, t);
                out.push_back(std::move(c));
            }
            return out;
        }
        // No handle: let queued work for these targets finish, then judge by the state alone.
        for (auto& [id, j] : jobs_) {
            std::set<std::string> mine;
            for (auto& t : w.what.targets)
                if (j.what.step == w.what.step && j.pending.count(t)) mine.insert(t);
            complete(id, j, mine);
        }
        for (auto& t : w.what.targets) {
            confirmation c;
            c.target = t;
            c.state = get(w.what.system, w.what.action, t);
            c.status = !w.desired.empty() && c.state == w.desired ? confirmation::changed : confirmation::uncertain;
            if (c.status == confirmation::uncertain)
                c.problem = error(errc::deadline_exceeded, "cannot tell whether the request ran");
            out.push_back(std::move(c));
        }
        return out;
    }

private:
    struct job {
        change what;
        std::set<std::string> pending;
        std::set<std::string> failed;
    };

    void complete(const std::string& id, job& j, const std::set<std::string>& targets) {
        for (auto& t : targets) {
            if (!j.pending.erase(t)) continue;
            events.push_back(serverops::detail::concat("done ", id, " ", t));
            if (failing_jobs.count({j.what.value, t})) {
                j.failed.insert(t);
                continue;
            }
            const auto s = desired_state(j.what.kind, j.what.action, j.what.value);
            if (j.what.value != "message" && !s.empty()) set(j.what.system, j.what.action, t, std::string(s));
        }
    }

    std::map<std::string, job> jobs_;
    int next_job_ = 0;
};

}  // namespace serverops::plan

#endif
