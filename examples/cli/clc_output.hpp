// serverops CLI, CLC: results as JSON and as human lines. Batch results follow the shape:
//   {"operation":"startMaintenance","results":[{"server":"WA1ALIASWB01","queued":true,"job":"wa1-12345",
//     "status":"succeeded"},{"server":"WA1ALIASWB02","queued":false,"error":"..."}]}
#ifndef SERVEROPS_CLI_CLC_OUTPUT_HPP
#define SERVEROPS_CLI_CLC_OUTPUT_HPP

#include "output.hpp"

#include <serverops/clc/job_waiter.hpp>
#include <serverops/clc/types.hpp>

#include <boost/json/array.hpp>

#include <string>
#include <string_view>

namespace serverops_cli::clc_out {

namespace clc = serverops::clc;

// ---- batch, not waited on ----

inline json::object to_json(const clc::server_job& s) {
    json::object o;
    o["server"] = s.server_id;
    o["queued"] = s.job.has_value();
    if (s.job) o["job"] = s.job.value().status_id;
    else o["error"] = s.job.error().message();
    return o;
}

inline std::string line(const clc::server_job& s) {
    std::string out = clip(s.server_id) + ": ";
    if (s.job) return out + "queued (job " + clip(s.job.value().status_id) + ")";
    return out + "not queued - " + s.job.error().message();
}

// ---- batch, waited on ----

inline std::string error_text(const clc::server_outcome& s) {
    if (s.problem) return s.problem->message();
    return std::string(clc::to_string(s.state));
}

inline json::object to_json(const clc::server_outcome& s) {
    json::object o;
    o["server"] = s.server_id;
    o["queued"] = s.state != clc::server_state::not_queued;
    if (!s.status_id.empty()) o["job"] = s.status_id;
    if (s.last_status) o["status"] = clc::to_string(*s.last_status);
    if (s.state != clc::server_state::succeeded) o["error"] = error_text(s);
    return o;
}

inline std::string line(const clc::server_outcome& s) {
    std::string out = clip(s.server_id) + ": " + std::string(clc::to_string(s.state));
    if (!s.status_id.empty()) {
        out += " (job " + clip(s.status_id);
        if (s.last_status && s.state != clc::server_state::succeeded)
            out += ", status " + std::string(clc::to_string(*s.last_status));
        out += ')';
    }
    if (s.state != clc::server_state::succeeded) out += " - " + error_text(s);
    return out;
}

template <class Item>
json::object batch_document(std::string_view operation, const std::vector<Item>& items) {
    json::array results;
    for (auto& i : items) results.emplace_back(to_json(i));
    json::object doc;
    doc["operation"] = operation;
    doc["results"] = std::move(results);
    return doc;
}

// ---- status of jobs ----

/// One job's answer: its status, or why it could not be read / did not succeed.
struct job_report {
    std::string job;
    std::optional<clc::job_status> status;
    std::optional<serverops::error> problem;
};

inline json::object to_json(const job_report& j) {
    json::object o;
    o["job"] = j.job;
    if (j.status) o["status"] = clc::to_string(*j.status);
    if (j.problem) o["error"] = j.problem->message();
    return o;
}

inline std::string line(const job_report& j) {
    std::string out = clip(j.job) + ": ";
    out += j.status ? std::string(clc::to_string(*j.status)) : std::string("status not read");
    if (j.problem) out += " - " + j.problem->message();
    return out;
}

// ---- one server ----

inline json::object to_json(const clc::server_info& s) {
    json::object o;
    o["id"] = s.id;
    o["name"] = s.name;
    o["description"] = s.description;
    o["groupId"] = s.group_id;
    o["locationId"] = s.location_id;
    o["osType"] = s.os_type;
    o["status"] = s.status_text;
    o["powerState"] = s.power_state_text;
    o["inMaintenanceMode"] = s.in_maintenance_mode;
    o["cpu"] = s.cpu;
    o["memoryMB"] = s.memory_mb;
    o["storageGB"] = s.storage_gb;
    o["hostName"] = s.host_name;
    json::array snapshots;
    for (auto& n : s.snapshot_names) snapshots.emplace_back(std::string_view(n));
    o["snapshots"] = std::move(snapshots);
    json::array links;
    for (auto& l : s.links) {
        json::object lo;
        lo["rel"] = l.rel;
        lo["href"] = l.href;
        if (!l.id.empty()) lo["id"] = l.id;
        links.emplace_back(std::move(lo));
    }
    o["links"] = std::move(links);
    return o;
}

inline std::string line(const clc::server_info& s) {
    std::string out = clip(s.name.empty() ? s.id : s.name) + ": " + clip(s.status_text, 40) + ", power " +
                      clip(s.power_state_text, 40) + ", maintenance " + (s.in_maintenance_mode ? "on" : "off");
    out += " (" + std::to_string(s.cpu) + " CPU, " + std::to_string(s.memory_mb) + " MB, " +
           std::to_string(s.storage_gb) + " GB";
    if (!s.location_id.empty()) out += ", " + clip(s.location_id, 40);
    out += ')';
    return out;
}

}  // namespace serverops_cli::clc_out

#endif
