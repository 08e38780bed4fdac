// Typed values of the CenturyLink Cloud v2 API.
#ifndef SERVEROPS_CLC_TYPES_HPP
#define SERVEROPS_CLC_TYPES_HPP

#include <serverops/detail/enum_table.hpp>
#include <serverops/error.hpp>

#include <algorithm>
#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace serverops::clc {

/// Queue job status (GET /v2/operations/{alias}/status/{id}). Every documented value.
enum class job_status { not_started, executing, succeeded, failed, resumed, unknown };

inline constexpr auto job_status_names = make_enum_table<job_status>(
    std::pair{job_status::not_started, std::string_view("notStarted")},
    std::pair{job_status::executing, std::string_view("executing")},
    std::pair{job_status::succeeded, std::string_view("succeeded")},
    std::pair{job_status::failed, std::string_view("failed")},
    std::pair{job_status::resumed, std::string_view("resumed")},
    std::pair{job_status::unknown, std::string_view("unknown")});

inline std::string_view to_string(job_status s) noexcept { return job_status_names.to_string(s); }
inline std::ostream& operator<<(std::ostream& os, job_status s) { return os << to_string(s); }

/// `succeeded`, `failed` and `unknown` end a job; `unknown` counts as a failure (as the Java SDK and knife do).
constexpr bool is_terminal(job_status s) noexcept {
    return s == job_status::succeeded || s == job_status::failed || s == job_status::unknown;
}

/// A queued job: the status id to poll and the link the API gave for it.
struct queued_job {
    std::string status_id;
    std::string href;
    friend bool operator==(const queued_job&, const queued_job&) = default;
};

/// The outcome of a batch operation for one requested server, in request order.
/// `job` holds the queued job, or why not: `not_queued` (the server's errorMessage is in vendor_message),
/// `missing_from_response`, or `unexpected_response` (queued without a status link).
struct server_job {
    std::string server_id;  ///< as the caller wrote it
    result<queued_job> job;
};

/// One entry per requested server, in request order (duplicates included).
struct batch_response {
    std::vector<server_job> servers;
    unsigned http_status = 0;  ///< 200 normally; 400 when the API reported queueing errors with the array body

    /// Distinct status ids of the queued servers (a batch normally shares one), in first-seen order.
    std::vector<std::string> status_ids() const {
        std::vector<std::string> ids;
        for (auto& s : servers)
            if (s.job && std::find(ids.begin(), ids.end(), s.job.value().status_id) == ids.end())
                ids.push_back(s.job.value().status_id);
        return ids;
    }
    bool all_queued() const {
        return std::all_of(servers.begin(), servers.end(), [](const server_job& s) { return s.job.has_value(); });
    }
};

struct login_response {
    std::string user_name;
    std::string account_alias;
    std::string location_alias;
    std::vector<std::string> roles;
    std::string bearer_token;  ///< secret: never print it
};

struct get_status_response {
    job_status status = job_status::not_started;
};

/// `details.powerState`. Values outside the documented set keep their text in `server_info::power_state_text`.
enum class power_state { started, stopped, paused, other };
/// Server `status`. Undocumented values are kept as text in `server_info::status_text`.
enum class server_status { active, archived, under_construction, queued_for_delete, deleted, other };

inline constexpr auto power_state_names = make_enum_table<power_state>(
    std::pair{power_state::started, std::string_view("started")},
    std::pair{power_state::stopped, std::string_view("stopped")},
    std::pair{power_state::paused, std::string_view("paused")});

inline constexpr auto server_status_names = make_enum_table<server_status>(
    std::pair{server_status::active, std::string_view("active")},
    std::pair{server_status::archived, std::string_view("archived")},
    std::pair{server_status::under_construction, std::string_view("underConstruction")},
    std::pair{server_status::queued_for_delete, std::string_view("queuedForDelete")},
    std::pair{server_status::deleted, std::string_view("deleted")});

inline std::string_view to_string(power_state s) noexcept {
    auto t = power_state_names.to_string(s);
    return t.empty() ? std::string_view("other") : t;
}
inline std::string_view to_string(server_status s) noexcept {
    auto t = server_status_names.to_string(s);
    return t.empty() ? std::string_view("other") : t;
}

struct link {
    std::string rel;
    std::string href;
    std::string id;
};

/// GET /v2/servers/{alias}/{id}: the fields an operator needs for power and maintenance decisions.
struct server_info {
    std::string id;
    std::string name;
    std::string description;
    std::string group_id;
    std::string location_id;
    std::string os_type;
    server_status status = server_status::other;
    std::string status_text;
    power_state power = power_state::other;
    std::string power_state_text;
    bool in_maintenance_mode = false;
    std::int64_t cpu = 0;
    std::int64_t memory_mb = 0;
    std::int64_t storage_gb = 0;
    std::string host_name;
    std::vector<std::string> snapshot_names;
    std::vector<link> links;
};

}  // namespace serverops::clc

#endif
