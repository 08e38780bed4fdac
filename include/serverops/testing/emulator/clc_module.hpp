// The CenturyLink Cloud v2 API over HTTP: routes, request validation and the response shapes of recorded traffic.
//
// Routes (all but login need `Authorization: Bearer <token>`, else 401):
//   POST   /v2/authentication/login
//   POST   /v2/operations/{alias}/servers/{pause|powerOn|powerOff|reboot|reset|shutDown|startMaintenance|
//                                          stopMaintenance|archive|setMaintenance|createSnapshot}
//   GET    /v2/operations/{alias}/status/{statusId}
//   GET    /v2/servers/{alias}/{serverId}
//   GET    /v2/groups/{alias}/{groupId}[?serverDetail=detailed]    minimal: the links of a server point here
//   GET    /v2/accounts/{alias}                                     minimal: likewise
//   POST   /v2/servers/{alias}/{serverId}/restore
//   DELETE /v2/servers/{alias}/{serverId}/snapshots/{snapshotId}
//   POST   /v2/servers/{alias}/{serverId}/snapshots/{snapshotId}/restore
// Emulator choices where the real API is undocumented: an alias other than the account's is 403 with a message;
// fixed path words and operation names are matched case-sensitively (so a client's typo shows), aliases and ids
// case-insensitively; an unknown route is 404 with an ASP.NET-style message, an unknown server, status id, group or
// snapshot is 404 with an empty body (as recorded for servers: recorded/clc/026; unconfirmed for the others); a wrong
// method is 405.
//
// Request bodies are read as ASP.NET Web API model binding reads them (the API's error bodies are Web API's): by
// Content-Type, case-insensitively and without parameters, application/json and text/json as JSON, and
// application/x-www-form-urlencoded as a form (percent-decoding, '+' as space; a list field from repeated keys, also
// spelled `key[]`; for other fields the first value) — the Python SDK logs in (`get_session`) and creates snapshots
// with form bodies (clc-python-sdk src/clc/APIv2/__init__.py, api.py, server.py). Forms are read where the body is
// an object (login, createSnapshot, restore); the bare-array batches and setMaintenance read JSON only. A body of
// any other type, or without a Content-Type (application/octet-stream to Web API), is Web API's 415 with its
// UnsupportedMediaTypeException fields (shape: ASP.NET Web API 2; unconfirmed for CLC, no recorded example).
#ifndef SERVEROPS_TESTING_EMULATOR_CLC_MODULE_HPP
#define SERVEROPS_TESTING_EMULATOR_CLC_MODULE_HPP

#include <serverops/detail/concat.hpp>
#include <serverops/testing/emulator/clc_model.hpp>
#include <serverops/testing/emulator/module.hpp>

#include <boost/json/parse.hpp>

#include <algorithm>
#include <array>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace serverops::testing {

/// Exact texts the real API sends (or, for the 401 body, its ASP.NET default).
namespace clc_messages {
inline constexpr std::string_view bad_credentials =
    "We didn't recognize the username or password you entered. Please try again.";
inline constexpr std::string_view unauthorized = "Authorization has been denied for this request.";
inline constexpr std::string_view not_queued =
    "The operation cannot be queued because the server cannot be found or it is not in a valid state.";
inline constexpr std::string_view invalid_request = "The request is invalid.";
inline constexpr std::string_view server_error = "An error has occurred.";
inline constexpr std::string_view desired_state = clc_desired_state_message;
}  // namespace clc_messages

namespace emulator_detail {
namespace json = boost::json;

/// Path segments after the leading '/', percent-decoded; a segment with a malformed escape stays literal.
inline std::vector<std::string> split_path(std::string_view path) {
    std::vector<std::string> out;
    if (!path.empty() && path.front() == '/') path.remove_prefix(1);
    while (true) {
        const auto slash = path.find('/');
        out.push_back(percent_decode(path.substr(0, slash), false));
        if (slash == std::string_view::npos) break;
        path.remove_prefix(slash + 1);
    }
    return out;
}

/// Field -> messages, rendered as the ASP.NET {"message","modelState"} body.
class model_state {
public:
    void add(std::string field, std::string message) { errors_[std::move(field)].push_back(std::move(message)); }
    bool empty() const noexcept { return errors_.empty(); }
    http_response response() const {
        json::object state;
        for (auto& [field, messages] : errors_) {
            json::array arr;
            for (auto& m : messages) arr.emplace_back(m);
            state[field] = std::move(arr);
        }
        json::object body;
        body["message"] = clc_messages::invalid_request;
        body["modelState"] = std::move(state);
        return json_response(400, body);
    }

private:
    std::map<std::string, std::vector<std::string>> errors_;
};

inline json::object status_link(std::string_view alias_lower, std::string_view status_id) {
    json::object link;
    link["rel"] = "status";
    link["href"] = "/v2/operations/" + std::string(alias_lower) + "/status/" + std::string(status_id);
    link["id"] = status_id;
    return link;
}

inline json::object make_link(std::string_view rel, std::string href, std::string_view id = {},
                              std::initializer_list<std::string_view> verbs = {}) {
    json::object link;
    link["rel"] = rel;
    link["href"] = std::move(href);
    if (!id.empty()) link["id"] = id;
    if (verbs.size() != 0) {
        json::array v;
        for (auto verb_name : verbs) v.emplace_back(verb_name);
        link["verbs"] = std::move(v);
    }
    return link;
}

/// A stable 32-hex pseudo-UUID for links that carry one in real traffic.
inline std::string fake_uuid(std::string_view seed) {
    std::uint64_t a = 1469598103934665603ull, b = 1099511628211ull;
    for (char c : seed) {
        a = (a ^ static_cast<unsigned char>(c)) * 1099511628211ull;
        b = (b + static_cast<unsigned char>(c)) * 6364136223846793005ull + 1442695040888963407ull;
    }
    char buf[33];
    std::snprintf(buf, sizeof buf, "%016llx%016llx", static_cast<unsigned long long>(a), static_cast<unsigned long long>(b));
    return buf;
}

/// GET /v2/servers/{alias}/{id}, shaped like the recorded responses (e.g. recorded/clc/014 and 018).
inline json::object render_server(const clc_server_record& s, const clc_options& o, std::string_view alias) {
    const bool archived = s.status == clc::server_status::archived;
    const std::string a(alias);
    const std::string self = "/v2/servers/" + a + "/" + s.id;

    json::object details;
    json::array ips;
    json::object ip;
    ip["internal"] = "10.50.48." + std::to_string(10 + s.ordinal % 240);
    ips.emplace_back(std::move(ip));
    details["ipAddresses"] = std::move(ips);
    details["alertPolicies"] = json::array();
    details["cpu"] = archived ? 0 : 1;
    details["diskCount"] = 3;
    details["hostName"] = archived ? std::string() : s.id;
    details["inMaintenanceMode"] = s.in_maintenance_mode;
    details["memoryMB"] = archived ? 0 : 1024;
    details["powerState"] = clc::to_string(s.power_state);
    details["storageGB"] = 17;
    json::array disks;
    for (auto [disk, size] : {std::pair{"0:0", 1}, std::pair{"0:1", 2}, std::pair{"0:2", 14}}) {
        json::object d;
        d["id"] = disk;
        d["sizeGB"] = size;
        d["partitionPaths"] = json::array();
        disks.emplace_back(std::move(d));
    }
    details["disks"] = std::move(disks);
    json::array partitions;
    for (auto [path, size] : {std::pair{"(swap)", 0.0}, std::pair{"/", 13.655}, std::pair{"/boot", 0.482}}) {
        json::object p;
        p["sizeGB"] = size;
        p["path"] = path;
        partitions.emplace_back(std::move(p));
    }
    details["partitions"] = std::move(partitions);
    json::array snapshots;
    for (auto& snap : s.snapshots) {
        const std::string href = self + "/snapshots/" + std::to_string(snap.id);
        json::array links;
        links.emplace_back(make_link("self", href));
        links.emplace_back(make_link("delete", href));
        links.emplace_back(make_link("restore", href + "/restore"));
        json::object entry;
        entry["name"] = snap.name;
        entry["links"] = std::move(links);
        snapshots.emplace_back(std::move(entry));
    }
    details["snapshots"] = std::move(snapshots);
    details["customFields"] = json::array();

    json::object change;
    change["createdBy"] = o.username;
    change["createdDate"] = s.created_date;
    change["modifiedBy"] = o.username;
    change["modifiedDate"] = s.modified_date;

    json::array links;
    if (archived) {
        links.emplace_back(make_link("self", self, s.id, {"GET", "PATCH"}));
    } else {
        links.emplace_back(make_link("self", self, s.id, {"GET", "PATCH", "DELETE"}));
    }
    links.emplace_back(make_link("group", "/v2/groups/" + a + "/" + s.group_id, s.group_id));
    links.emplace_back(make_link("account", "/v2/accounts/" + a, a));
    links.emplace_back(make_link("billing", "/v2/billing/" + a + "/serverPricing/" + s.id));
    if (archived) {
        links.emplace_back(make_link("restore", self + "/restore"));
        links.emplace_back(make_link("delete", self));
    } else {
        const std::string uuid_path = "/v2/servers/" + a + "/" + fake_uuid(s.id);
        links.emplace_back(make_link("statistics", self + "/statistics"));
        links.emplace_back(make_link("upcomingScheduledActivities", uuid_path + "/upcomingScheduledActivities"));
        links.emplace_back(make_link("scheduledActivities", uuid_path + "/scheduledActivities", {}, {"GET", "POST"}));
        links.emplace_back(make_link("publicIPAddresses", self + "/publicIPAddresses", {}, {"POST"}));
        links.emplace_back(make_link("alertPolicyMappings", self + "/alertPolicies", {}, {"POST"}));
        links.emplace_back(make_link("antiAffinityPolicyMapping", self + "/antiAffinityPolicy", {}, {"PUT", "DELETE"}));
        links.emplace_back(make_link("cpuAutoscalePolicyMapping", self + "/cpuAutoscalePolicy", {}, {"PUT", "DELETE"}));
        links.emplace_back(make_link("capabilities", self + "/capabilities"));
        links.emplace_back(make_link("credentials", self + "/credentials"));
    }

    json::object body;
    body["id"] = s.id;
    body["name"] = serverops::detail::to_upper(s.id);
    body["description"] = "";
    body["groupId"] = s.group_id;
    body["isTemplate"] = false;
    body["locationId"] = serverops::detail::to_upper(o.location_alias);
    body["osType"] = "CentOS 6 64-bit";
    body["os"] = "centOS6_64Bit";
    body["status"] = clc::to_string(s.status);
    body["details"] = std::move(details);
    body["type"] = "standard";
    body["storageType"] = "standard";
    body["changeInfo"] = std::move(change);
    body["links"] = std::move(links);
    return body;
}

/// The operations whose body is a bare array of ids.
inline std::optional<clc_action> simple_batch_action(std::string_view op) noexcept {
    static constexpr std::pair<std::string_view, clc_action> table[] = {
        {"pause", clc_action::pause},
        {"powerOn", clc_action::power_on},
        {"powerOff", clc_action::power_off},
        {"reboot", clc_action::reboot},
        {"reset", clc_action::reset},
        {"shutDown", clc_action::shut_down},
        {"startMaintenance", clc_action::start_maintenance},
        {"stopMaintenance", clc_action::stop_maintenance},
        {"archive", clc_action::archive},
    };
    for (auto& [name, action] : table)
        if (name == op) return action;
    return std::nullopt;
}

inline std::optional<json::value> parse_body(std::string_view body) {
    boost::system::error_code ec;
    json::value v = json::parse(body, ec);
    if (ec) return std::nullopt;
    return v;
}

/// A request body read into a model, or the API's refusal of its media type.
struct bound_body {
    std::optional<json::value> value;     ///< empty: no body, or one that does not parse (the model stays null)
    std::optional<http_response> refusal;  ///< set: answer this (415)
};

/// Web API's 415: UnsupportedMediaTypeException, with the exception fields the API includes in its errors (the
/// recorded 500s carry them: recorded/clc/086). Wording: ASP.NET Web API 2; unconfirmed for CLC.
inline http_response unsupported_media_type(std::string_view media, std::string_view model_type) {
    const std::string shown(media.substr(0, 100));
    json::object o;
    using serverops::detail::concat;
    o["message"] = concat("The request entity's media type '", shown, "' is not supported for this resource.");
    o["exceptionMessage"] = concat("No MediaTypeFormatter is available to read an object of type '", model_type,
                                   "' from content with media type '", shown, "'.");
    o["exceptionType"] = "System.Net.Http.UnsupportedMediaTypeException";
    o["stackTrace"] =
        "   at System.Net.Http.HttpContentExtensions.ReadAsAsync[T](HttpContent content, Type type, IEnumerable`1 "
        "formatters, IFormatterLogger formatterLogger, CancellationToken cancellationToken)\r\n   at "
        "System.Web.Http.ModelBinding.FormatterParameterBinding.ReadContentAsync(HttpRequestMessage request, Type type, "
        "IEnumerable`1 formatters, IFormatterLogger formatterLogger, CancellationToken cancellationToken)";
    return json_response(415, o);
}

/// Reads the body as the Content-Type says (see the top of this file). `from_form`: whether the model can come from
/// a form (not a bare array: its form body binds to nothing); `form_lists`: the fields bound to lists.
inline bound_body bind_body(const request_view& req, std::string_view model_type, bool from_form,
                            std::span<const std::string_view> form_lists = {}) {
    bound_body out;
    if (req.body.empty()) return out;
    const auto media = media_type(req.header("Content-Type"));
    if (media == "application/json" || media == "text/json") {
        out.value = parse_body(req.body);
        return out;
    }
    if (media == "application/x-www-form-urlencoded") {
        if (!from_form) return out;
        json::object o;
        for (auto& [raw_key, value] : parse_form(req.body)) {
            std::string_view key = raw_key;
            if (key.ends_with("[]")) key.remove_suffix(2);  // jQuery's spelling of a list
            const bool list = std::find(form_lists.begin(), form_lists.end(), key) != form_lists.end();
            if (list) {
                auto& slot = o[key];
                if (!slot.is_array()) slot = json::array();
                slot.as_array().emplace_back(value);
            } else if (!o.contains(key)) {
                o[key] = value;
            }
        }
        out.value = std::move(o);
        return out;
    }
    out.refusal = unsupported_media_type(media.empty() ? std::string_view("application/octet-stream") : media, model_type);
    return out;
}

/// GET /v2/groups/{alias}/{id}: the recorded group's shape (recorded/clc/056), servers as `server` links (and
/// rendered in `servers` with ?serverDetail=detailed, as the Node SDK asks).
inline json::object render_group(std::string_view group_id, const std::vector<clc_server_record>& members,
                                 const clc_options& o, std::string_view alias, bool detailed) {
    using serverops::detail::concat;
    const std::string self = concat("/v2/groups/", alias, "/", group_id);
    json::array links;
    links.emplace_back(make_link("createGroup", concat("/v2/groups/", alias), {}, {"POST"}));
    links.emplace_back(make_link("createServer", concat("/v2/servers/", alias), {}, {"POST"}));
    links.emplace_back(make_link("self", self, {}, {"GET", "PATCH", "DELETE"}));
    links.emplace_back(make_link("defaults", concat(self, "/defaults"), {}, {"GET", "POST"}));
    links.emplace_back(make_link("billing", concat(self, "/billing")));
    links.emplace_back(make_link("archiveGroupAction", concat(self, "/archive")));
    links.emplace_back(make_link("statistics", concat(self, "/statistics")));
    json::array servers;
    for (auto& m : members) {
        links.emplace_back(make_link("server", concat("/v2/servers/", alias, "/", m.id), serverops::detail::to_upper(m.id)));
        if (detailed) servers.emplace_back(render_server(m, o, alias));
    }
    json::object change;
    change["createdBy"] = o.username;
    change["createdDate"] = "2015-06-30T15:53:34Z";
    change["modifiedBy"] = o.username;
    change["modifiedDate"] = "2015-06-30T15:53:35Z";
    json::object body;
    body["id"] = group_id;
    body["name"] = group_id == o.group_id ? std::string("Default Group") : concat("Group ", group_id.substr(0, 8));
    body["description"] = "";
    body["locationId"] = serverops::detail::to_upper(o.location_alias);
    body["type"] = "default";
    body["status"] = "active";
    body["serversCount"] = members.size();
    body["servers"] = std::move(servers);
    body["groups"] = json::array();
    body["links"] = std::move(links);
    body["changeInfo"] = std::move(change);
    body["customFields"] = json::array();
    return body;
}

/// GET /v2/accounts/{alias}: the fields the Python SDK reads (account.py: accountAlias, parentAlias,
/// primaryDataCenter); the others unconfirmed.
inline json::object render_account(const clc_options& o) {
    json::object body;
    body["accountAlias"] = o.account_alias;
    body["parentAlias"] = nullptr;
    body["businessName"] = serverops::detail::concat(o.account_alias, " (emulated)");
    body["status"] = "active";
    body["primaryDataCenter"] = to_lower(o.location_alias);
    body["isManaged"] = false;
    json::array links;
    links.emplace_back(make_link("self", serverops::detail::concat("/v2/accounts/", o.account_alias), {}, {"GET"}));
    body["links"] = std::move(links);
    return body;
}

/// Appends one step per string of `ids` (reporting non-strings under `field`).
inline void read_ids(const json::value* ids, std::string_view field, clc_action action, std::vector<clc_model::step>& out,
                     model_state& errors) {
    const std::string f(field);
    auto* arr = ids ? ids->if_array() : nullptr;
    if (!arr) return errors.add(f, "A JSON array of server ids is required.");
    if (arr->empty()) return errors.add(f, "At least one server id is required.");
    for (std::size_t i = 0; i < arr->size(); ++i) {
        auto* id = (*arr)[i].if_string();
        if (!id) {
            errors.add(f + "[" + std::to_string(i) + "]", "A server id must be a string.");
            continue;
        }
        out.push_back({to_lower(*id), action, {}});
    }
}
}  // namespace emulator_detail

class clc_module final : public module {
public:
    /// `seed`: the emulator's (job jitter is drawn from it).
    clc_module(clc_options opts, const emulator_clock& clock, std::uint64_t seed = 1) : model_(std::move(opts), clock, seed) {}

    std::string_view name() const noexcept override { return "clc"; }
    bool handles(std::string_view path) const noexcept override { return path == "/v2" || path.starts_with("/v2/"); }

    http_response handle(const request_view& req) override {
        auto segs = emulator_detail::split_path(req.path);
        segs.erase(segs.begin());  // "v2"
        if (segs.size() == 2 && segs[0] == "authentication" && segs[1] == "login")
            return req.method == verb::post ? login(req) : method_not_allowed(req, "POST");
        if (!authorized(req)) {
            auto r = message_response(401, clc_messages::unauthorized);
            r.headers.set("WWW-Authenticate", "Bearer");
            return r;
        }
        const auto n = segs.size();
        if (n == 4 && segs[0] == "operations" && segs[2] == "servers") {
            if (req.method != verb::post) return method_not_allowed(req, "POST");
            if (!known_batch(segs[3])) return no_resource(req);
            if (auto denied = check_alias(segs[1])) return *denied;
            return batch(segs[3], req);
        }
        if (n == 4 && segs[0] == "operations" && segs[2] == "status") {
            if (req.method != verb::get) return method_not_allowed(req, "GET");
            if (auto denied = check_alias(segs[1])) return *denied;
            auto st = model_.job_status(segs[3]);
            if (!st) return empty_response(404);
            boost::json::object body;
            body["status"] = clc::to_string(*st);
            return json_response(200, body);
        }
        if (n == 3 && segs[0] == "groups") {
            if (req.method != verb::get) return method_not_allowed(req, "GET");
            if (auto denied = check_alias(segs[1])) return *denied;
            auto members = model_.group_members(segs[2]);
            if (!members) return empty_response(404);
            const bool detailed = req.query.find("serverDetail=detailed") != std::string_view::npos;
            return json_response(200, emulator_detail::render_group(emulator_detail::to_lower(segs[2]), *members,
                                                                    model_.options(), model_.alias_lower(), detailed));
        }
        if (n == 2 && segs[0] == "accounts") {
            if (req.method != verb::get) return method_not_allowed(req, "GET");
            if (auto denied = check_alias(segs[1])) return *denied;
            return json_response(200, emulator_detail::render_account(model_.options()));
        }
        if (n >= 3 && segs[0] == "servers") {
            const auto& id = segs[2];
            if (n == 3) {
                if (req.method != verb::get) return method_not_allowed(req, "GET");
                if (auto denied = check_alias(segs[1])) return *denied;
                auto rec = model_.server(id);
                if (!rec) return empty_response(404);
                return json_response(200, emulator_detail::render_server(*rec, model_.options(), model_.alias_lower()));
            }
            if (n == 4 && segs[3] == "restore") {
                if (req.method != verb::post) return method_not_allowed(req, "POST");
                if (auto denied = check_alias(segs[1])) return *denied;
                return restore(id, req);
            }
            if (n == 5 && segs[3] == "snapshots") {
                if (req.method != verb::delete_) return method_not_allowed(req, "DELETE");
                if (auto denied = check_alias(segs[1])) return *denied;
                return single(id, clc_action::delete_snapshot, segs[4], 200);
            }
            if (n == 6 && segs[3] == "snapshots" && segs[5] == "restore") {
                if (req.method != verb::post) return method_not_allowed(req, "POST");
                if (auto denied = check_alias(segs[1])) return *denied;
                return single(id, clc_action::revert_snapshot, segs[4], 200);
            }
        }
        return no_resource(req);
    }

    // ---- control, for tests (thread-safe) ----
    clc_model& model() noexcept { return model_; }
    const clc_options& options() const noexcept { return model_.options(); }

    /// Adds a server, or resets an existing one to this state.
    void add_server(std::string_view id, clc::power_state power = clc::power_state::started,
                    bool in_maintenance_mode = false, clc::server_status status = clc::server_status::active) {
        model_.add_server({std::string(id), power, in_maintenance_mode, status});
    }
    std::optional<clc_server_state> server_state(std::string_view id) { return model_.server_state(id); }
    std::optional<clc::job_status> job_status(std::string_view status_id) { return model_.job_status(status_id); }
    /// Jobs including this server end `failed` and change nothing (until clear_job_faults).
    void fail_jobs_for(std::string_view server_id) { model_.fail_jobs_for(server_id); }
    /// Jobs including this server stay `executing` (until clear_job_faults).
    void hang_jobs_for(std::string_view server_id) { model_.hang_jobs_for(server_id); }
    void clear_job_faults() { model_.clear_job_faults(); }
    /// Revokes every issued token: the next authenticated call gets 401.
    void expire_tokens() { model_.expire_tokens(); }

private:
    bool authorized(const request_view& req) const {
        auto h = req.header("Authorization");
        if (!h) return false;
        std::string_view v = *h;
        if (v.size() < 7 || !serverops::detail::iequals(v.substr(0, 7), "Bearer ")) return false;
        v.remove_prefix(7);
        while (!v.empty() && v.front() == ' ') v.remove_prefix(1);
        while (!v.empty() && v.back() == ' ') v.remove_suffix(1);
        return !v.empty() && model_.token_valid(v);
    }

    std::optional<http_response> check_alias(std::string_view alias) const {
        if (serverops::detail::iequals(alias, model_.options().account_alias)) return std::nullopt;
        return message_response(403, "The account alias '" + std::string(alias.substr(0, 64)) +
                                         "' is not accessible with this token.");
    }

    static bool known_batch(std::string_view op) {
        return emulator_detail::simple_batch_action(op) || op == "setMaintenance" || op == "createSnapshot";
    }

    static http_response no_resource(const request_view& req) {
        return message_response(404, "No HTTP resource was found that matches the request URI '" +
                                         std::string(req.path.substr(0, 256)) + "'.");
    }

    static http_response method_not_allowed(const request_view& req, std::string_view allowed) {
        auto r = message_response(405, "The requested resource does not support http method '" +
                                            std::string(req.method_name.substr(0, 32)) + "'.");
        r.headers.set("Allow", allowed);
        return r;
    }

    http_response login(const request_view& req) {
        auto bound = emulator_detail::bind_body(req, "LoginRequest", true);
        if (bound.refusal) return *bound.refusal;
        auto& v = bound.value;
        auto* o = v ? v->if_object() : nullptr;
        auto* user = o ? o->if_contains("username") : nullptr;
        auto* pass = o ? o->if_contains("password") : nullptr;
        std::optional<std::string> token;
        if (user && pass && user->is_string() && pass->is_string())
            token = model_.login(user->get_string(), pass->get_string());
        if (!token) return message_response(400, clc_messages::bad_credentials);
        const auto& opt = model_.options();
        boost::json::object body;
        body["userName"] = opt.username;
        body["accountAlias"] = opt.account_alias;
        body["locationAlias"] = opt.location_alias;
        boost::json::array roles;
        for (auto& r : opt.roles) roles.emplace_back(r);
        body["roles"] = std::move(roles);
        body["bearerToken"] = *token;
        return json_response(200, body);
    }

    http_response batch(std::string_view op, const request_view& req) {
        using namespace emulator_detail;
        std::vector<clc_model::step> steps;
        model_state errors;
        static constexpr std::array<std::string_view, 1> snapshot_lists{"serverIds"};
        const bool snapshot = op == "createSnapshot";
        auto bound = bind_body(req, snapshot ? "CreateSnapshotRequest" : op == "setMaintenance" ? "SetMaintenanceRequest" : "List`1",
                               snapshot, snapshot_lists);
        if (bound.refusal) return *bound.refusal;
        auto& body = bound.value;
        if (auto action = simple_batch_action(op)) {
            read_ids(body ? &*body : nullptr, "serverIds", *action, steps, errors);
        } else if (op == "setMaintenance") {
            read_maintenance(body ? body->if_object() : nullptr, steps, errors);
        } else {  // createSnapshot
            auto* o = body ? body->if_object() : nullptr;
            if (!o) {
                errors.add("request", "A JSON object with snapshotExpirationDays and serverIds is required.");
            } else {
                if (!valid_expiration(o->if_contains("snapshotExpirationDays")))
                    errors.add("snapshotExpirationDays", "The snapshot expiration must be a number of days from 1 to 10.");
                read_ids(o->if_contains("serverIds"), "serverIds", clc_action::create_snapshot, steps, errors);
            }
        }
        if (!errors.empty()) return errors.response();

        boost::json::array out;
        for (auto& e : model_.queue_batch(steps)) {
            boost::json::object entry;
            entry["server"] = e.server;
            if (!e.status_id.empty()) {
                entry["isQueued"] = true;
                boost::json::array links;
                links.emplace_back(status_link(model_.alias_lower(), e.status_id));
                entry["links"] = std::move(links);
            } else {
                entry["isQueued"] = false;
                entry["errorMessage"] = e.already_in_desired_state ? clc_messages::desired_state : clc_messages::not_queued;
            }
            out.emplace_back(std::move(entry));
        }
        return json_response(200, out);
    }

    /// {"servers":[{"id":..., "inMaintenanceMode": true|false}]}; the doc's example sends "true"/"false" strings,
    /// so those are accepted too.
    static void read_maintenance(const boost::json::object* o, std::vector<clc_model::step>& steps,
                                 emulator_detail::model_state& errors) {
        auto* servers = o ? o->if_contains("servers") : nullptr;
        auto* arr = servers ? servers->if_array() : nullptr;
        if (!arr) return errors.add("servers", "A JSON array of {id, inMaintenanceMode} is required.");
        if (arr->empty()) return errors.add("servers", "At least one server is required.");
        for (std::size_t i = 0; i < arr->size(); ++i) {
            const std::string at = "servers[" + std::to_string(i) + "]";
            auto* entry = (*arr)[i].if_object();
            auto* id = entry ? entry->if_contains("id") : nullptr;
            auto* flag = entry ? entry->if_contains("inMaintenanceMode") : nullptr;
            if (!id || !id->is_string()) errors.add(at + ".id", "A server id string is required.");
            std::optional<bool> on;
            if (flag && flag->is_bool()) on = flag->get_bool();
            else if (flag && flag->is_string() && (flag->get_string() == "true" || flag->get_string() == "false"))
                on = flag->get_string() == "true";
            if (!on) errors.add(at + ".inMaintenanceMode", "A boolean is required.");
            if (id && id->is_string() && on)
                steps.push_back({emulator_detail::to_lower(id->get_string()),
                                 *on ? clc_action::start_maintenance : clc_action::stop_maintenance, {}});
        }
    }

    /// 1..10 as a JSON integer or, as in the doc's example, a numeric string.
    static bool valid_expiration(const boost::json::value* v) {
        if (!v) return false;
        std::int64_t days = 0;
        if (v->is_int64()) days = v->get_int64();
        else if (v->is_uint64()) days = v->get_uint64() > 10 ? 11 : static_cast<std::int64_t>(v->get_uint64());
        else if (v->is_string() && v->get_string().size() <= 2 && !v->get_string().empty()) {
            for (char c : v->get_string()) {
                if (c < '0' || c > '9') return false;
                days = days * 10 + (c - '0');
            }
        } else {
            return false;
        }
        return days >= 1 && days <= 10;
    }

    http_response restore(std::string_view id, const request_view& req) {
        auto bound = emulator_detail::bind_body(req, "RestoreServerRequest", true);
        if (bound.refusal) return *bound.refusal;
        auto& body = bound.value;
        auto* o = body ? body->if_object() : nullptr;
        auto* group = o ? o->if_contains("targetGroupId") : nullptr;
        if (!group || !group->is_string() || group->get_string().empty()) {
            emulator_detail::model_state errors;
            errors.add("targetGroupId", "The target group id is required.");
            return errors.response();
        }
        return single(id, clc_action::restore, std::string(group->get_string()), 202);
    }

    /// Per-server actions answer one status link (not an array), each with its own job.
    http_response single(std::string_view id, clc_action action, std::string argument, unsigned success_status) {
        using kind = clc_single_outcome::kind;
        auto outcome = model_.queue_single({emulator_detail::to_lower(id), action, std::move(argument)});
        switch (outcome.what) {
        case kind::queued:
            return json_response(success_status, emulator_detail::status_link(model_.alias_lower(), outcome.status_id));
        case kind::no_such_server:
        case kind::no_such_snapshot: return empty_response(404);
        case kind::invalid_state: break;
        }
        return message_response(400, action == clc_action::restore
                                          ? "The server cannot be restored because it is not archived."
                                          : "The operation cannot be performed because the server is not in a valid state.");
    }

    clc_model model_;
};

}  // namespace serverops::testing

#endif
