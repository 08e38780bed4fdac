// The state behind the CLC emulator: account, servers, queued jobs and tokens, behind one mutex because the
// network thread serves requests while tests inspect and steer the state from theirs.
//
// Validity rules (a server outside them is answered isQueued:false with the documented errorMessage):
//   unknown server                      -> never queued
//   archived server                     -> only restore (POST /v2/servers/{alias}/{id}/restore)
//   pause, reboot, shutDown             -> powerState started (they need a running OS)
//   powerOff, reset                     -> powerState started or paused
//   powerOn                             -> powerState paused or stopped
//   start/stop/setMaintenance, archive,
//   createSnapshot                      -> any active server, whatever its power state
// Already in the desired state (not queued, errorMessage "The server already in desired state."): powerOn of a
// started server, powerOff and shutDown of a stopped one, pause of a paused one. Source: clc-python-sdk issue #41
// (2017: ShutDown, PowerOff, PowerOn and Pause of a server already in that state are not queued, while Reset is
// refused with a message) and its queue.py, which ignores exactly this message. The 2017 answer carried no
// errorMessage at all (PR #43); the wording is the SDK's, the rule for other operations (maintenance) unconfirmed:
// they are queued.
// The checks read the state at queueing time; jobs still pending are not anticipated.
// Job effects apply when the job completes: notStarted, then executing, then succeeded. A job's total time is
// queue_delay + execution_time, varied by up to job_jitter either way (seeded), its two phases in proportion. A job
// that includes a server marked with fail_jobs_for ends failed and changes no server at all; one that includes a
// server marked with hang_jobs_for stays executing until the mark is cleared.
#ifndef SERVEROPS_TESTING_EMULATOR_CLC_MODEL_HPP
#define SERVEROPS_TESTING_EMULATOR_CLC_MODEL_HPP

#include <serverops/clc/types.hpp>
#include <serverops/detail/ascii.hpp>
#include <serverops/testing/emulator/clc_tokens.hpp>
#include <serverops/testing/emulator/clock.hpp>
#include <serverops/testing/emulator/timing.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace serverops::testing {

/// A server present when the emulator starts (or added later with `add_server`).
struct clc_server_seed {
    std::string id;  ///< any case; stored lower-case, named upper-case, as the real API does
    clc::power_state power_state = clc::power_state::started;
    bool in_maintenance_mode = false;
    clc::server_status status = clc::server_status::active;
};

struct clc_options {
    std::string username = "user";
    std::string password = "password";  ///< demo credentials of the emulator, not a secret
    std::string account_alias = "ALIAS";
    std::string location_alias = "WA1";
    std::vector<std::string> roles = {"AccountAdmin", "ServerAdmin"};
    std::chrono::seconds token_lifetime = std::chrono::hours(24 * 14);  ///< as the real API: 14 days
    std::chrono::milliseconds queue_delay{50};       ///< a new job reports notStarted this long ...
    std::chrono::milliseconds execution_time{100};   ///< ... then executing this long, then succeeded
    std::chrono::milliseconds job_jitter{0};         ///< each job's total varies by up to this much either way
    std::string group_id = "8f4b3c2a9d6e4f1b8a7c5d3e2f1a0b9c";
    std::vector<clc_server_seed> servers = {{"WA1ALIASWB01"}, {"WA1ALIASWB02"}, {"WA1ALIASWB03"}, {"WA1ALIASWB04"},
                                            {"WA1ALIASWB05"}};
    std::size_t max_finished_jobs = 100000;  ///< older finished jobs are forgotten (their status becomes 404)

    /// Jobs take `d` (notStarted for its first third, then executing), e.g. {30s, 10s}: 20 to 40 s each.
    void set_job_duration(const emulated_duration& d) {
        queue_delay = d.base / 3;
        execution_time = d.base - queue_delay;
        job_jitter = d.jitter;
    }
};

/// The message of a server already in the desired state (clc-python-sdk `queue.py`).
inline constexpr std::string_view clc_desired_state_message = "The server already in desired state.";

/// What a test can observe of one server.
struct clc_server_state {
    std::string id;  ///< lower-case
    clc::server_status status = clc::server_status::active;
    clc::power_state power_state = clc::power_state::started;
    bool in_maintenance_mode = false;
    std::string group_id;
    std::vector<std::string> snapshot_names;
};

/// What a job does to one server when it succeeds.
enum class clc_action {
    pause, power_on, power_off, reboot, reset, shut_down, start_maintenance, stop_maintenance, archive,
    create_snapshot, restore, delete_snapshot, revert_snapshot
};

namespace emulator_detail {
inline std::string to_lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = serverops::detail::ascii_lower(c);
    return out;
}

/// "2015-06-18T11:36:52Z"
inline std::string iso8601(std::chrono::system_clock::time_point tp) {
    using namespace std::chrono;
    const auto day = floor<days>(tp);
    const year_month_day ymd{day};
    const hh_mm_ss hms{floor<seconds>(tp - day)};
    char buf[32];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02dZ", int(ymd.year()), unsigned(ymd.month()),
                  unsigned(ymd.day()), int(hms.hours().count()), int(hms.minutes().count()),
                  int(hms.seconds().count()));
    return buf;
}
}  // namespace emulator_detail

/// A server as the model keeps it.
struct clc_server_record {
    struct snapshot {
        unsigned id = 0;
        std::string name;  ///< "2015-06-18.09:10:48"
    };
    std::string id;  ///< lower-case
    unsigned ordinal = 0;
    clc::server_status status = clc::server_status::active;
    clc::power_state power_state = clc::power_state::started;
    bool in_maintenance_mode = false;
    std::string group_id;
    std::vector<snapshot> snapshots;
    unsigned next_snapshot_id = 1;
    std::string created_date;
    std::string modified_date;
};

/// One entry of a batch answer, in the order the API lists them.
struct clc_batch_entry {
    std::string server;     ///< lower-case
    std::string status_id;  ///< empty when not queued
    bool already_in_desired_state = false;  ///< not queued because there is nothing to do
};

/// Whether an action can be queued for a server now.
enum class clc_admission { queue, already_in_desired_state, invalid_state };

/// Result of a single-server action (restore, snapshot delete/revert).
struct clc_single_outcome {
    enum class kind { queued, no_such_server, no_such_snapshot, invalid_state } what = kind::no_such_server;
    std::string status_id;
};

class clc_model {
public:
    struct step {
        std::string server;  ///< lower-case
        clc_action action = clc_action::power_on;
        std::string argument;  ///< target group (restore) or snapshot id (delete/revert)
    };

    /// `seed`: the emulator's; the jitter of job durations is drawn from it.
    clc_model(clc_options opts, const emulator_clock& clock, std::uint64_t seed = 1)
        : options_(std::move(opts)), clock_(clock), tokens_(clock), random_(seed, random_stream::clc_jobs) {
        alias_lower_ = emulator_detail::to_lower(options_.account_alias);
        location_lower_ = emulator_detail::to_lower(options_.location_alias);
        for (auto& s : options_.servers) add_server_locked(s);
    }

    const clc_options& options() const noexcept { return options_; }
    const std::string& alias_lower() const noexcept { return alias_lower_; }

    // ---- authentication ----
    std::optional<std::string> login(std::string_view username, std::string_view password) {
        if (username != options_.username || password != options_.password) return std::nullopt;
        std::lock_guard lock(mutex_);
        return tokens_.issue({options_.username, options_.account_alias, options_.location_alias, options_.roles},
                             options_.token_lifetime);
    }
    bool token_valid(std::string_view token) const {
        std::lock_guard lock(mutex_);
        return tokens_.valid(token);
    }
    void expire_tokens() {
        std::lock_guard lock(mutex_);
        tokens_.expire_all();
    }

    // ---- servers ----
    /// Adds a server, or resets one: jobs whose time has come apply first, so that none overrides the state set here.
    void add_server(const clc_server_seed& seed) {
        std::lock_guard lock(mutex_);
        settle_locked();
        add_server_locked(seed);
    }
    std::optional<clc_server_record> server(std::string_view id) {
        std::lock_guard lock(mutex_);
        settle_locked();
        auto it = servers_.find(emulator_detail::to_lower(id));
        if (it == servers_.end()) return std::nullopt;
        return it->second;
    }
    std::optional<clc_server_state> server_state(std::string_view id) {
        auto rec = server(id);
        if (!rec) return std::nullopt;
        clc_server_state s{rec->id, rec->status, rec->power_state, rec->in_maintenance_mode, rec->group_id, {}};
        for (auto& snap : rec->snapshots) s.snapshot_names.push_back(snap.name);
        return s;
    }

    /// The servers of a group, or nothing when no server is (or was created) in it and it is not the account's
    /// default group.
    std::optional<std::vector<clc_server_record>> group_members(std::string_view group_id) {
        std::lock_guard lock(mutex_);
        settle_locked();
        const auto id = emulator_detail::to_lower(group_id);
        std::vector<clc_server_record> out;
        for (auto& [_, rec] : servers_)
            if (emulator_detail::to_lower(rec.group_id) == id) out.push_back(rec);
        if (out.empty() && id != emulator_detail::to_lower(options_.group_id)) return std::nullopt;
        return out;
    }

    // ---- jobs ----
    /// Queues one job for every valid server of the batch; `requested` holds one step per id as sent.
    /// Duplicates (case-insensitive) are listed once; the answer is in reverse order of first appearance,
    /// because the real API does not keep the request order either.
    std::vector<clc_batch_entry> queue_batch(const std::vector<step>& requested) {
        std::lock_guard lock(mutex_);
        settle_locked();
        std::vector<clc_batch_entry> entries;
        std::vector<bool> accepted;
        std::vector<step> queued;
        std::set<std::string> seen;
        for (auto& s : requested) {
            if (!seen.insert(s.server).second) {
                // setMaintenance may name a server twice: the last setting wins, as it would applied in order.
                for (auto& q : queued)
                    if (q.server == s.server) q = s;
                continue;
            }
            auto it = servers_.find(s.server);
            const auto admission = it == servers_.end() ? clc_admission::invalid_state : admit(it->second, s.action);
            const bool ok = admission == clc_admission::queue;
            entries.push_back({s.server, {}, admission == clc_admission::already_in_desired_state});
            accepted.push_back(ok);
            if (ok) queued.push_back(s);
        }
        if (!queued.empty()) {
            const auto id = new_job_locked(std::move(queued));
            for (std::size_t i = 0; i < entries.size(); ++i)
                if (accepted[i]) entries[i].status_id = id;
        }
        std::reverse(entries.begin(), entries.end());
        return entries;
    }

    clc_single_outcome queue_single(step s) {
        std::lock_guard lock(mutex_);
        settle_locked();
        using kind = clc_single_outcome::kind;
        auto it = servers_.find(s.server);
        if (it == servers_.end()) return {kind::no_such_server, {}};
        auto& rec = it->second;
        if (s.action == clc_action::delete_snapshot || s.action == clc_action::revert_snapshot) {
            const bool found = std::any_of(rec.snapshots.begin(), rec.snapshots.end(),
                                           [&](const auto& snap) { return std::to_string(snap.id) == s.argument; });
            if (!found) return {kind::no_such_snapshot, {}};
        }
        if (!can_queue(rec, s.action)) return {kind::invalid_state, {}};
        return {kind::queued, new_job_locked({std::move(s)})};
    }

    /// The job's status now, or nothing for an unknown id.
    std::optional<clc::job_status> job_status(std::string_view status_id) {
        std::lock_guard lock(mutex_);
        settle_locked();
        auto it = jobs_.find(emulator_detail::to_lower(status_id));
        if (it == jobs_.end()) return std::nullopt;
        const auto& j = it->second;
        if (j.outcome) return *j.outcome;
        return clock_.now() < j.executing_at ? clc::job_status::not_started : clc::job_status::executing;
    }

    void fail_jobs_for(std::string_view server_id) {
        std::lock_guard lock(mutex_);
        failing_.insert(emulator_detail::to_lower(server_id));
    }
    void hang_jobs_for(std::string_view server_id) {
        std::lock_guard lock(mutex_);
        hanging_.insert(emulator_detail::to_lower(server_id));
    }
    void clear_job_faults() {
        std::lock_guard lock(mutex_);
        failing_.clear();
        hanging_.clear();
    }

    /// The validity and desired-state rules listed at the top of this file.
    static clc_admission admit(const clc_server_record& s, clc_action a) noexcept {
        using ps = clc::power_state;
        constexpr auto queue = clc_admission::queue, desired = clc_admission::already_in_desired_state,
                       invalid = clc_admission::invalid_state;
        if (a == clc_action::restore) return s.status == clc::server_status::archived ? queue : invalid;
        if (s.status != clc::server_status::active) return invalid;
        const auto p = s.power_state;
        switch (a) {
        case clc_action::power_on: return p == ps::started ? desired : queue;
        case clc_action::pause: return p == ps::paused ? desired : p == ps::started ? queue : invalid;
        case clc_action::shut_down: return p == ps::stopped ? desired : p == ps::started ? queue : invalid;
        case clc_action::power_off: return p == ps::stopped ? desired : p == ps::started || p == ps::paused ? queue : invalid;
        case clc_action::reboot: return p == ps::started ? queue : invalid;
        case clc_action::reset: return p == ps::started || p == ps::paused ? queue : invalid;
        default: return queue;
        }
    }
    static bool can_queue(const clc_server_record& s, clc_action a) noexcept { return admit(s, a) == clc_admission::queue; }

private:
    struct job {
        std::vector<step> steps;
        emulator_clock::time_point executing_at;  ///< notStarted until then
        emulator_clock::time_point done_at;       ///< executing until then
        std::optional<clc::job_status> outcome;
    };

    std::string now_text() const {
        return emulator_detail::iso8601(std::chrono::system_clock::now() +
                                        std::chrono::duration_cast<std::chrono::system_clock::duration>(clock_.jumped()));
    }

    void add_server_locked(const clc_server_seed& seed) {
        auto id = emulator_detail::to_lower(seed.id);
        auto& rec = servers_[id];
        const unsigned ordinal = rec.ordinal ? rec.ordinal : next_ordinal_++;
        rec = clc_server_record{};
        rec.id = std::move(id);
        rec.ordinal = ordinal;
        rec.status = seed.status;
        rec.power_state = seed.power_state;
        rec.in_maintenance_mode = seed.in_maintenance_mode;
        rec.group_id = options_.group_id;
        rec.created_date = rec.modified_date = now_text();
    }

    std::string new_job_locked(std::vector<step> steps) {
        std::string id = location_lower_ + "-" + std::to_string(next_job_number_++);
        const auto base = options_.queue_delay + options_.execution_time;
        const auto total = random_.draw({base, options_.job_jitter});
        // The phases keep their proportions when jitter stretches or shrinks the job.
        const auto not_started = base.count() > 0 ? total * options_.queue_delay.count() / base.count() : total;
        const auto now = clock_.now();
        jobs_[id] = job{std::move(steps), now + not_started, now + total, std::nullopt};
        pending_.push_back(id);
        return id;
    }

    /// Completes every job whose time has come, in queueing order.
    void settle_locked() {
        const auto now = clock_.now();
        std::erase_if(pending_, [&](const std::string& id) {
            auto it = jobs_.find(id);
            if (it == jobs_.end()) return true;
            auto& j = it->second;
            if (now < j.done_at) return false;
            const auto involves = [&](const std::set<std::string>& marked) {
                return std::any_of(j.steps.begin(), j.steps.end(), [&](const step& s) { return marked.count(s.server) > 0; });
            };
            if (involves(hanging_)) return false;
            if (involves(failing_)) {
                j.outcome = clc::job_status::failed;
            } else {
                for (auto& s : j.steps) apply_locked(s);
                j.outcome = clc::job_status::succeeded;
            }
            finished_.push_back(id);
            return true;
        });
        while (finished_.size() > options_.max_finished_jobs) {
            jobs_.erase(finished_.front());
            finished_.pop_front();
        }
    }

    void apply_locked(const step& s) {
        auto it = servers_.find(s.server);
        if (it == servers_.end()) return;
        auto& r = it->second;
        using ps = clc::power_state;
        switch (s.action) {
        case clc_action::pause: r.power_state = ps::paused; break;
        case clc_action::power_on:
        case clc_action::reboot:
        case clc_action::reset: r.power_state = ps::started; break;
        case clc_action::power_off:
        case clc_action::shut_down: r.power_state = ps::stopped; break;
        case clc_action::start_maintenance: r.in_maintenance_mode = true; break;
        case clc_action::stop_maintenance: r.in_maintenance_mode = false; break;
        case clc_action::archive:
            r.status = clc::server_status::archived;
            r.power_state = ps::stopped;
            break;
        case clc_action::create_snapshot: {
            auto name = now_text();  // "2015-06-18T09:10:48Z" -> "2015-06-18.09:10:48", the API's snapshot naming
            name[10] = '.';
            name.pop_back();
            r.snapshots.push_back({r.next_snapshot_id++, std::move(name)});
            break;
        }
        case clc_action::restore:
            r.status = clc::server_status::active;  // restored servers come back stopped (recorded traffic)
            r.power_state = ps::stopped;
            if (!s.argument.empty()) r.group_id = s.argument;
            break;
        case clc_action::delete_snapshot:
            std::erase_if(r.snapshots, [&](const auto& snap) { return std::to_string(snap.id) == s.argument; });
            break;
        case clc_action::revert_snapshot: break;
        }
        r.modified_date = now_text();
    }

    const clc_options options_;
    const emulator_clock& clock_;
    std::string alias_lower_;
    std::string location_lower_;
    mutable std::mutex mutex_;
    clc_token_store tokens_;
    std::map<std::string, clc_server_record> servers_;
    unsigned next_ordinal_ = 1;
    std::unordered_map<std::string, job> jobs_;
    std::vector<std::string> pending_;
    std::deque<std::string> finished_;
    std::uint64_t next_job_number_ = 81300;
    std::set<std::string> failing_;
    std::set<std::string> hanging_;
    random_source random_;
};

}  // namespace serverops::testing

#endif
