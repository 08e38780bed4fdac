// serverops CLI, CLC: results as JSON and as human lines. Batch results follow the shape:
//   {"operation":"startMaintenance","results":[{"server":"WA1ALIASWB01","queued":true,"job":"wa1-12345",
//     "status":"succeeded"},{"server":"WA1ALIASWB02","queued":false,"error":"..."}]}
#ifndef SERVEROPS_CLI_CLC_OUTPUT_HPP
#define SERVEROPS_CLI_CLC_OUTPUT_HPP

#include "output.hpp"

#include <serverops/clc/desired_state.hpp>
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

// ---- desired state: every server, unchanged ones included ----
// {"server":"WA1ALIASWB01","outcome":"unchanged","powerState":"stopped"}
// {"server":"WA1ALIASWB02","outcome":"accepted","powerState":"started","queued":true,"job":"wa1-12345"}
// {"server":"WA1ALIASWB02","outcome":"changed",...,"status":"succeeded"}         (waited on)
// {"server":"WA1ALIASXX99","outcome":"failed","queued":false,"error":"..."}     (sent, not queued)
// {"server":"WA1ALIASWB03","outcome":"failed","error":"..."}                    (its read failed: never sent)

/// The state a desired-state report read, as the GET names it.
inline void put_observed(json::object& o, const clc::desired_server& d, clc::server_target::field_t field) {
    if (d.observed.empty()) return;
    if (field == clc::server_target::maintenance) o["inMaintenanceMode"] = d.observed == "on";
    else o["powerState"] = d.observed;
}

/// The same server as the waited-batch output shows it.
inline clc::server_outcome as_server_outcome(const clc::desired_server& d) {
    clc::server_outcome so;
    so.server_id = d.target;
    so.status_id = d.status_id;
    so.state = d.state.value_or(clc::server_state::not_queued);
    so.last_status = d.last_status;
    so.problem = d.problem;
    return so;
}

inline json::object to_json(const clc::desired_server& d, clc::server_target::field_t field, bool waited) {
    json::object o;
    o["server"] = d.target;
    o["outcome"] = serverops::to_string(d.outcome);
    put_observed(o, d, field);
    if (d.sent) {
        o["queued"] = !d.status_id.empty();
        if (!d.status_id.empty()) o["job"] = d.status_id;
        if (waited && d.last_status) o["status"] = clc::to_string(*d.last_status);
    }
    if (d.outcome == serverops::target_outcome::failed)
        o["error"] = d.problem ? d.problem->message() : std::string(serverops::to_string(d.outcome));
    return o;
}

inline std::string line(const clc::desired_server& d, clc::server_target::field_t field, bool waited) {
    if (d.sent && waited && d.outcome != serverops::target_outcome::unchanged) return line(as_server_outcome(d));
    std::string out = clip(d.target);
    out += ": ";
    if (d.outcome == serverops::target_outcome::unchanged) {
        out += "unchanged (";
        if (d.sent) out += "the API says it is already in the desired state";
        else if (field == clc::server_target::maintenance) out += "maintenance already ";
        else out += "already ";
        if (!d.sent) out += clip(d.observed, 40);
        out += ')';
        return out;
    }
    if (!d.status_id.empty()) {
        out += "queued (job ";
        out += clip(d.status_id);
        out += ')';
        return out;
    }
    out += d.sent ? "not queued - " : "not sent - ";
    out += d.problem ? d.problem->message() : std::string("failed");
    return out;
}

inline json::object desired_document(std::string_view operation, const clc::ensure_result& r,
                                     clc::server_target::field_t field) {
    json::array results;
    for (auto& d : r.servers) results.emplace_back(to_json(d, field, r.waited));
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
