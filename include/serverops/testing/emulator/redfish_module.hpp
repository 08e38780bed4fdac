// DMTF Redfish for the emulator: the service root, the Systems collection, computer systems whose power state changes
// over time, ComputerSystem.Reset (204, 200 with @Message.ExtendedInfo, or 202 with a task monitor), a
// SessionService with expiring X-Auth-Token sessions and a session limit, and HTTP Basic. Names follow the DMTF
// schema (DSP8010: ServiceRoot, ComputerSystemCollection, ComputerSystem, ActionInfo, Session, Task) and the Base
// message registry; behaviour follows DSP0266 (sessions, task monitors) and ../shared/reference/redfish.md.
//
// Routes (authentication required except where noted):
//   GET  /redfish                       {"v1":"/redfish/v1/"}                              (no authentication)
//   GET  /redfish/v1                    ServiceRoot; links SessionService only when sessions are offered (no auth)
//   POST /redfish/v1/SessionService/Sessions  {"UserName","Password"} -> 201 (or `login_status`), X-Auth-Token,
//                                       Location (unless `login_location` is off), the Session (no authentication)
//   GET  /redfish/v1/SessionService, .../Sessions, .../Sessions/{n};  DELETE .../Sessions/{n} -> 204
//   GET  /redfish/v1/Systems            the collection;   GET /redfish/v1/Systems/{id}  the ComputerSystem
//   GET  /redfish/v1/Systems/{id}/ResetActionInfo   ActionInfo (systems whose allowable values live there)
//   POST <reset target>                 {"ResetType": ...} -> 204, 200 + @Message.ExtendedInfo, or 202 + Location
//   GET  /redfish/v1/TaskService/Tasks/{n}/Monitor  202 + the Task while running, then 200 + the Task
//   GET  /redfish/v1/TaskService/Tasks/{n}          the Task
// Every error has the Redfish error body {"error":{"code","message","@Message.ExtendedInfo":[...]}}.
//
// Power: On -> PoweringOff -> Off (GracefulShutdown, PushPowerButton), Off -> PoweringOn -> On (On, ForceOn,
// PushPowerButton), ForceOff at once, restarts (GracefulRestart, ForceRestart, PowerCycle, FullPowerCycle) go
// PoweringOff then PoweringOn then On, each phase lasting half of `transition`; Pause/Suspend -> Paused, Resume ->
// On; Nmi changes nothing. A reset that would not change the state is accepted and changes nothing (as OpenBMC;
// iDRAC answers 409 for some of them: unconfirmed which). A restart of a system that is Off powers it on
// (unconfirmed across vendors). A reset answered 202 completes its task when the power transition ends.
#ifndef SERVEROPS_TESTING_EMULATOR_REDFISH_MODULE_HPP
#define SERVEROPS_TESTING_EMULATOR_REDFISH_MODULE_HPP

#include <serverops/detail/ascii.hpp>
#include <serverops/detail/base64.hpp>
#include <serverops/testing/emulator/clock.hpp>
#include <serverops/testing/emulator/module.hpp>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace serverops::testing {

/// PowerState as the emulator keeps it (the client's own enum lives in serverops/redfish; no dependency).
enum class redfish_power { on, off, powering_on, powering_off, paused };

inline std::string_view to_string(redfish_power p) noexcept {
    switch (p) {
    case redfish_power::on: return "On";
    case redfish_power::off: return "Off";
    case redfish_power::powering_on: return "PoweringOn";
    case redfish_power::powering_off: return "PoweringOff";
    case redfish_power::paused: return "Paused";
    }
    return "Off";
}

/// Where a system publishes the ResetType values it accepts.
enum class redfish_allowable_style {
    annotation,   ///< "ResetType@Redfish.AllowableValues" beside the target (iDRAC, iLO, the DMTF mockups)
    action_info,  ///< "@Redfish.ActionInfo" naming an ActionInfo resource (OpenBMC/bmcweb)
    none          ///< neither: every ResetType is accepted
};

/// How the service answers an accepted reset.
enum class redfish_reset_answer {
    no_content,    ///< 204 (OpenBMC, most)
    with_message,  ///< 200 with @Message.ExtendedInfo "Base.1.13.Success" (iDRAC)
    task           ///< 202 with a task monitor in Location
};

struct redfish_system_options {
    std::string id = "1";
    std::string name = "Emulated Server";
    redfish_power initial = redfish_power::on;
    redfish_allowable_style style = redfish_allowable_style::annotation;
    /// Accepted ResetType values; empty: the DMTF list (FullPowerCycle excluded, as most services).
    std::vector<std::string> allowable;
    /// The reset target's path; empty: /redfish/v1/Systems/{id}/Actions/ComputerSystem.Reset (iLO adds a '/').
    std::string reset_target;
    redfish_reset_answer answer = redfish_reset_answer::no_content;
    /// Reset types whose task ends in TaskState Exception (the power state does not change); 202 answers only.
    std::set<std::string> failing_reset_types;
};

struct redfish_options {
    std::vector<redfish_system_options> systems = default_systems();
    std::string user = "admin";
    std::string password = "redfish-demo";
    bool sessions = true;                    ///< a SessionService is offered (and linked from the service root)
    bool basic = true;                       ///< HTTP Basic is accepted on every authenticated route
    unsigned login_status = 201;             ///< 201, 200 (Session in the body) or 204 (no body)
    bool login_location = true;              ///< off: no Location header (clients fall back to the body's @odata.id)
    std::size_t max_sessions = 8;
    unsigned session_limit_status = 503;     ///< Lenovo XCC3 answers 503, XCC 403
    std::chrono::milliseconds session_timeout{std::chrono::minutes(30)};  ///< of inactivity, emulator clock
    std::chrono::milliseconds transition{100};  ///< length of PoweringOn / PoweringOff (restarts: both halves)
    std::optional<unsigned> task_retry_after;   ///< seconds in Retry-After on a running task's monitor

    static std::vector<redfish_system_options> default_systems() {
        std::vector<redfish_system_options> v(2);
        v[0].id = "1";
        v[1].id = "2";
        v[1].name = "Emulated Server (OpenBMC style)";
        v[1].style = redfish_allowable_style::action_info;
        v[1].answer = redfish_reset_answer::task;
        return v;
    }
};

namespace redfish_detail {
inline const std::vector<std::string>& all_reset_types() {
    static const std::vector<std::string> v{"On",         "ForceOff",  "GracefulShutdown", "GracefulRestart",
                                            "ForceRestart", "Nmi",     "ForceOn",          "PushPowerButton",
                                            "PowerCycle", "Suspend",   "Pause",            "Resume"};
    return v;
}
inline constexpr std::string_view registry = "Base.1.13.";

inline std::string message_id(std::string_view key) {
    std::string id(registry);
    id.append(key);
    return id;
}

inline boost::json::object message(std::string_view key, std::string_view text, std::string_view severity,
                                   std::string_view resolution) {
    boost::json::object m;
    m["@odata.type"] = "#Message.v1_1_1.Message";
    m["MessageId"] = message_id(key);
    m["Message"] = text;
    m["MessageArgs"] = boost::json::array{};
    m["MessageSeverity"] = severity;
    m["Severity"] = severity;
    m["Resolution"] = resolution;
    return m;
}

inline std::string cat(std::string_view a, std::string_view b, std::string_view c = {}) {
    std::string s(a);
    s.append(b);
    s.append(c);
    return s;
}
}  // namespace redfish_detail

/// The Redfish module. Thread-safe: requests arrive on the emulator's thread, control calls on the test's.
class redfish_module final : public module {
public:
    using time_point = emulator_clock::time_point;

    /// `clock`: the emulator's (power transitions, tasks and session expiry run on it); it must outlive the module.
    explicit redfish_module(const emulator_clock& clock, redfish_options opts = {})
        : opts_(std::move(opts)), clock_(&clock) {
        init();
    }
    /// A module with its own real-time clock (standalone use).
    explicit redfish_module(redfish_options opts = {})
        : opts_(std::move(opts)), own_clock_(std::make_unique<emulator_clock>()), clock_(own_clock_.get()) {
        init();
    }

    std::string_view name() const noexcept override { return "redfish"; }

    bool handles(std::string_view path) const noexcept override {
        return path == "/redfish" || path.starts_with("/redfish/");
    }

    http_response handle(const request_view& req) override {
        std::lock_guard lock(mutex_);
        const auto now = clock_->now();
        settle(now);
        auto r = answer(req, now);
        r.headers.set("OData-Version", "4.0");
        return r;
    }

    // ---- control, for tests (thread-safe) ----

    /// The PowerState a GET would report now; nullopt for an unknown system.
    std::optional<redfish_power> power_state(std::string_view id) const {
        std::lock_guard lock(mutex_);
        const_cast<redfish_module*>(this)->settle(clock_->now());
        auto* s = find(id);
        return s ? std::optional(s->state) : std::nullopt;
    }
    /// Sets a system's state at once, cancelling any transition.
    void set_power_state(std::string_view id, redfish_power p) {
        std::lock_guard lock(mutex_);
        if (auto* s = find(id)) {
            s->state = s->final_state = p;  // settle() recomputes `state` from `final_state`
            s->phases.clear();
        }
    }
    /// Reset POSTs this system received (accepted or refused): a client must never send one twice.
    std::size_t reset_requests(std::string_view id) const {
        std::lock_guard lock(mutex_);
        auto* s = find(id);
        return s ? s->reset_requests : 0;
    }
    /// The ResetType values accepted for this system, in order.
    std::vector<std::string> accepted_resets(std::string_view id) const {
        std::lock_guard lock(mutex_);
        auto* s = find(id);
        return s ? s->accepted : std::vector<std::string>{};
    }
    std::size_t logins() const {
        std::lock_guard lock(mutex_);
        return logins_;
    }
    std::size_t logouts() const {
        std::lock_guard lock(mutex_);
        return logouts_;
    }
    std::size_t active_sessions() const {
        std::lock_guard lock(mutex_);
        const_cast<redfish_module*>(this)->expire(clock_->now());
        return sessions_.size();
    }
    /// Ends every session now, as a BMC reboot or a timeout would: the next call with a token gets 401.
    void expire_sessions() {
        std::lock_guard lock(mutex_);
        sessions_.clear();
    }
    void set_transition(std::chrono::milliseconds d) {
        std::lock_guard lock(mutex_);
        opts_.transition = d;
    }
    const redfish_options& options() const noexcept { return opts_; }

private:
    struct phase {
        redfish_power state;  ///< the state during this phase
        time_point until;     ///< when it ends
    };
    struct system {
        redfish_system_options opts;
        redfish_power state = redfish_power::on;
        std::vector<phase> phases;  ///< pending, in order; the state after the last is `final_state`
        redfish_power final_state = redfish_power::on;
        std::vector<std::string> allowed;
        std::size_t reset_requests = 0;
        std::vector<std::string> accepted;
    };
    struct session {
        std::string id, user, token;
        time_point last_used;
    };
    struct task {
        std::string id, system_id, reset_type;
        time_point done;
        bool fails = false;
    };

    void init() {
        for (auto& o : opts_.systems) {
            system s;
            s.opts = o;
            s.state = s.final_state = o.initial;
            s.allowed = o.allowable.empty() ? redfish_detail::all_reset_types() : o.allowable;
            if (s.opts.reset_target.empty())
                s.opts.reset_target = redfish_detail::cat("/redfish/v1/Systems/", o.id, "/Actions/ComputerSystem.Reset");
            systems_.push_back(std::move(s));
        }
        std::random_device rd;
        random_.seed(rd());
    }

    system* find(std::string_view id) {
        for (auto& s : systems_)
            if (s.opts.id == id) return &s;
        return nullptr;
    }
    const system* find(std::string_view id) const { return const_cast<redfish_module*>(this)->find(id); }

    void settle(time_point now) {
        for (auto& s : systems_) {
            while (!s.phases.empty() && now >= s.phases.front().until) s.phases.erase(s.phases.begin());
            s.state = s.phases.empty() ? s.final_state : s.phases.front().state;
        }
    }
    void expire(time_point now) {
        std::erase_if(sessions_, [&](const session& x) { return now - x.last_used >= opts_.session_timeout; });
    }

    // ---- answers ----

    static http_response error(unsigned status, std::string_view key, std::string_view text,
                               std::string_view resolution = "None.") {
        boost::json::object inner;
        inner["code"] = redfish_detail::message_id("GeneralError");  // as bmcweb: the specific id is in ExtendedInfo
        inner["message"] = "A general error has occurred. See Resolution for information on how to resolve the error.";
        boost::json::array info;
        info.push_back(redfish_detail::message(key, text, status >= 500 ? "Critical" : "Warning", resolution));
        inner["@Message.ExtendedInfo"] = std::move(info);
        boost::json::object o;
        o["error"] = std::move(inner);
        return json_response(status, o);
    }
    static http_response missing(std::string_view path) {
        return error(404, "ResourceMissingAtURI",
                     redfish_detail::cat("The resource at the URI '", path, "' was not found."),
                     "Place a valid resource at the URI or correct the URI and resubmit the request.");
    }
    static http_response not_allowed(std::string_view allow) {
        auto r = error(405, "OperationNotAllowed", "The HTTP method is not allowed on this resource.");
        r.headers.set("Allow", allow);
        return r;
    }
    static boost::json::object link(std::string_view path) {
        boost::json::object o;
        o["@odata.id"] = path;
        return o;
    }

    http_response unauthorized() const {
        auto r = error(401, "NoValidSession",
                       "There is no valid session established with the implementation.",
                       "Establish a session before attempting any operations.");
        if (opts_.basic) r.headers.set("WWW-Authenticate", "Basic realm=\"Redfish\"");
        return r;
    }

    bool basic_ok(const request_view& req) const {
        auto h = req.header("Authorization");
        if (!opts_.basic || !h || h->size() < 6 || !serverops::detail::iequals(h->substr(0, 6), "Basic ")) return false;
        auto v = h->substr(6);
        while (!v.empty() && v.front() == ' ') v.remove_prefix(1);
        auto decoded = serverops::detail::base64_decode(v);
        if (!decoded) return false;
        const auto colon = decoded->find(':');
        return colon != std::string::npos && decoded->substr(0, colon) == opts_.user &&
               decoded->substr(colon + 1) == opts_.password;
    }
    session* token_session(const request_view& req, time_point now) {
        auto h = req.header("X-Auth-Token");
        if (!h) return nullptr;
        for (auto& s : sessions_)
            if (s.token == *h) {
                s.last_used = now;
                return &s;
            }
        return nullptr;
    }

    static std::string_view trim_slash(std::string_view p) {
        while (p.size() > 1 && p.back() == '/') p.remove_suffix(1);
        return p;
    }

    http_response answer(const request_view& req, time_point now) {
        expire(now);
        const std::string_view path = trim_slash(req.path);
        if (path == "/redfish") {
            if (req.method != verb::get) return not_allowed("GET");
            boost::json::object o;
            o["v1"] = "/redfish/v1/";
            return json_response(200, o);
        }
        if (path == "/redfish/v1") {
            if (req.method != verb::get) return not_allowed("GET");
            return service_root();
        }
        constexpr std::string_view sessions_path = "/redfish/v1/SessionService/Sessions";
        if (path == sessions_path && req.method == verb::post) return login(req, now);

        if (!token_session(req, now) && !basic_ok(req)) return unauthorized();

        if (path == "/redfish/v1/SessionService") {
            if (!opts_.sessions) return missing(path);
            if (req.method != verb::get) return not_allowed("GET");
            boost::json::object o;
            o["@odata.id"] = path;
            o["@odata.type"] = "#SessionService.v1_1_8.SessionService";
            o["Id"] = "SessionService";
            o["Name"] = "Session Service";
            o["ServiceEnabled"] = true;
            o["SessionTimeout"] = std::chrono::duration_cast<std::chrono::seconds>(opts_.session_timeout).count();
            o["Sessions"] = link(sessions_path);
            return json_response(200, o);
        }
        if (path == sessions_path) {
            if (!opts_.sessions) return missing(path);
            if (req.method != verb::get) return not_allowed("GET, POST");
            boost::json::array members;
            for (auto& s : sessions_) members.push_back(link(redfish_detail::cat(sessions_path, "/", s.id)));
            return collection(path, "#SessionCollection.SessionCollection", "Session Collection", std::move(members));
        }
        if (path.starts_with(sessions_path) && path[sessions_path.size()] == '/')
            return session_resource(req, path, path.substr(sessions_path.size() + 1));

        if (path == "/redfish/v1/Systems") {
            if (req.method != verb::get) return not_allowed("GET");
            boost::json::array members;
            for (auto& s : systems_) members.push_back(link(redfish_detail::cat("/redfish/v1/Systems/", s.opts.id)));
            return collection(path, "#ComputerSystemCollection.ComputerSystemCollection",
                              "Computer System Collection", std::move(members));
        }
        for (auto& s : systems_) {
            if (trim_slash(s.opts.reset_target) == path) {
                if (req.method != verb::post) return not_allowed("POST");
                return reset(req, s, now);
            }
        }
        constexpr std::string_view systems_prefix = "/redfish/v1/Systems/";
        if (path.starts_with(systems_prefix)) {
            std::string_view rest = path.substr(systems_prefix.size());
            const auto slash = rest.find('/');
            auto* s = find(rest.substr(0, slash));
            if (!s) return missing(path);
            if (slash == std::string_view::npos) {
                if (req.method != verb::get) return not_allowed("GET");
                return system_resource(*s);
            }
            if (rest.substr(slash) == "/ResetActionInfo" && s->opts.style == redfish_allowable_style::action_info) {
                if (req.method != verb::get) return not_allowed("GET");
                return action_info(*s, path);
            }
            return missing(path);
        }
        constexpr std::string_view tasks_prefix = "/redfish/v1/TaskService/Tasks/";
        if (path.starts_with(tasks_prefix)) {
            std::string_view rest = path.substr(tasks_prefix.size());
            const bool monitor = rest.ends_with("/Monitor");
            if (monitor) rest.remove_suffix(std::string_view("/Monitor").size());
            auto it = tasks_.find(std::string(rest));
            if (it == tasks_.end()) return missing(path);
            if (req.method != verb::get) return not_allowed("GET");
            return task_resource(it->second, now, monitor);
        }
        return missing(path);
    }

    http_response service_root() const {
        boost::json::object o;
        o["@odata.id"] = "/redfish/v1/";
        o["@odata.type"] = "#ServiceRoot.v1_15_0.ServiceRoot";
        o["Id"] = "RootService";
        o["Name"] = "Root Service";
        o["RedfishVersion"] = "1.15.0";
        o["UUID"] = "92384634-2938-2342-8820-489239905423";
        o["Systems"] = link("/redfish/v1/Systems");
        o["TaskService"] = link("/redfish/v1/TaskService");
        if (opts_.sessions) {
            o["SessionService"] = link("/redfish/v1/SessionService");
            boost::json::object links;
            links["Sessions"] = link("/redfish/v1/SessionService/Sessions");
            o["Links"] = std::move(links);
        }
        return json_response(200, o);
    }

    static http_response collection(std::string_view path, std::string_view type, std::string_view name,
                                    boost::json::array members) {
        boost::json::object o;
        o["@odata.id"] = path;
        o["@odata.type"] = type;
        o["Name"] = name;
        o["Members@odata.count"] = members.size();
        o["Members"] = std::move(members);
        return json_response(200, o);
    }

    http_response login(const request_view& req, time_point now) {
        if (!opts_.sessions) return missing(req.path);
        boost::system::error_code ec;
        auto v = boost::json::parse(req.body, ec);
        if (ec || !v.is_object())
            return error(400, "MalformedJSON", "The request body submitted was malformed JSON and could not be parsed "
                                               "by the receiving service.");
        auto* user = v.as_object().if_contains("UserName");
        auto* password = v.as_object().if_contains("Password");
        if (!user || !user->is_string() || !password || !password->is_string())
            return error(400, "PropertyMissing", "The property UserName or Password is a required property and must "
                                                 "be included in the request.");
        ++logins_;
        if (user->get_string() != opts_.user || password->get_string() != opts_.password)
            return error(401, "ResourceAtUriUnauthorized",
                         "While accessing the resource at /redfish/v1/SessionService/Sessions, the service received "
                         "an authorization error unauthorized.");  // the credentials are never echoed
        if (sessions_.size() >= opts_.max_sessions)
            return error(opts_.session_limit_status, "SessionLimitExceeded",
                         "The session establishment failed due to the number of simultaneous sessions exceeding the "
                         "limit of the implementation.",
                         "Reduce the number of other sessions before trying to establish the session or increase the "
                         "limit of simultaneous sessions (if supported).");
        session s;
        s.id = std::to_string(++session_counter_);
        s.user = opts_.user;
        s.token = new_token();
        s.last_used = now;
        sessions_.push_back(s);
        const std::string uri = redfish_detail::cat("/redfish/v1/SessionService/Sessions/", s.id);
        http_response r = opts_.login_status == 204 ? empty_response(204) : json_response(opts_.login_status, session_body(s));
        r.headers.set("X-Auth-Token", s.token);
        if (opts_.login_location) r.headers.set("Location", uri);
        return r;
    }

    static boost::json::object session_body(const session& s) {
        boost::json::object o;
        o["@odata.id"] = redfish_detail::cat("/redfish/v1/SessionService/Sessions/", s.id);
        o["@odata.type"] = "#Session.v1_3_0.Session";
        o["Id"] = s.id;
        o["Name"] = "User Session";
        o["UserName"] = s.user;
        return o;
    }

    http_response session_resource(const request_view& req, std::string_view path, std::string_view id) {
        auto it = std::find_if(sessions_.begin(), sessions_.end(), [&](const session& s) { return s.id == id; });
        if (it == sessions_.end()) return missing(path);
        if (req.method == verb::get) return json_response(200, session_body(*it));
        if (req.method == verb::delete_) {
            sessions_.erase(it);
            ++logouts_;
            return empty_response(204);
        }
        return not_allowed("GET, DELETE");
    }

    std::string new_token() {
        static constexpr char hex[] = "0123456789abcdef";
        std::string t(32, '0');
        for (auto& c : t) c = hex[random_() & 0xf];
        return t;
    }

    http_response system_resource(const system& s) const {
        boost::json::object o;
        o["@odata.id"] = redfish_detail::cat("/redfish/v1/Systems/", s.opts.id);
        o["@odata.type"] = "#ComputerSystem.v1_20_0.ComputerSystem";
        o["Id"] = s.opts.id;
        o["Name"] = s.opts.name;
        o["SystemType"] = "Physical";
        o["PowerState"] = to_string(s.state);
        boost::json::object status;
        status["State"] = "Enabled";
        status["Health"] = "OK";
        o["Status"] = std::move(status);
        boost::json::object reset;
        reset["target"] = s.opts.reset_target;
        if (s.opts.style == redfish_allowable_style::annotation) {
            boost::json::array allowed;
            for (auto& a : s.allowed) allowed.push_back(boost::json::string_view(a));
            reset["ResetType@Redfish.AllowableValues"] = std::move(allowed);
        } else if (s.opts.style == redfish_allowable_style::action_info) {
            reset["@Redfish.ActionInfo"] = redfish_detail::cat("/redfish/v1/Systems/", s.opts.id, "/ResetActionInfo");
        }
        boost::json::object actions;
        actions["#ComputerSystem.Reset"] = std::move(reset);
        o["Actions"] = std::move(actions);
        return json_response(200, o);
    }

    static http_response action_info(const system& s, std::string_view path) {
        boost::json::object p;
        p["Name"] = "ResetType";
        p["Required"] = true;
        p["DataType"] = "String";
        boost::json::array allowed;
        for (auto& a : s.allowed) allowed.push_back(boost::json::string_view(a));
        p["AllowableValues"] = std::move(allowed);
        boost::json::object o;
        o["@odata.id"] = path;
        o["@odata.type"] = "#ActionInfo.v1_1_2.ActionInfo";
        o["Id"] = "ResetActionInfo";
        o["Name"] = "Reset Action Info";
        o["Parameters"] = boost::json::array{std::move(p)};
        return json_response(200, o);
    }

    /// The phases a reset starts from `from`, and the state after them.
    std::pair<std::vector<redfish_power>, redfish_power> plan(std::string_view type, redfish_power from) const {
        using P = redfish_power;
        const bool up = from == P::on || from == P::powering_on || from == P::paused;
        if (type == "On" || type == "ForceOn") return up ? std::pair{std::vector<P>{}, from} : std::pair{std::vector{P::powering_on}, P::on};
        if (type == "ForceOff") return {{}, P::off};
        if (type == "GracefulShutdown") return up ? std::pair{std::vector{P::powering_off}, P::off} : std::pair{std::vector<P>{}, from};
        if (type == "PushPowerButton")
            return up ? std::pair{std::vector{P::powering_off}, P::off} : std::pair{std::vector{P::powering_on}, P::on};
        if (type == "GracefulRestart" || type == "ForceRestart" || type == "PowerCycle" || type == "FullPowerCycle")
            return up ? std::pair{std::vector{P::powering_off, P::powering_on}, P::on}
                      : std::pair{std::vector{P::powering_on}, P::on};
        if (type == "Pause" || type == "Suspend") return {{}, from == P::on ? P::paused : from};
        if (type == "Resume") return {{}, from == P::paused ? P::on : from};
        return {{}, from};  // Nmi
    }

    http_response reset(const request_view& req, system& s, time_point now) {
        ++s.reset_requests;
        boost::system::error_code ec;
        auto v = boost::json::parse(req.body, ec);
        if (ec || !v.is_object())
            return error(400, "MalformedJSON", "The request body submitted was malformed JSON and could not be parsed "
                                               "by the receiving service.");
        auto* type = v.as_object().if_contains("ResetType");
        if (!type)
            return error(400, "ActionParameterMissing",
                         "The action ComputerSystem.Reset requires the parameter ResetType to be present in the "
                         "request body.");
        if (!type->is_string())
            return error(400, "ActionParameterValueTypeError",
                         "The value for the parameter ResetType in the action ComputerSystem.Reset is of a different "
                         "type than the parameter can accept.");
        const std::string t(type->get_string());
        if (std::find(s.allowed.begin(), s.allowed.end(), t) == s.allowed.end())
            return error(400, "ActionParameterValueNotInList",
                         "The value for the parameter ResetType in the action ComputerSystem.Reset is not in the list "
                         "of acceptable values.",
                         "Choose a value from the enumeration list that the implementation can support and resubmit "
                         "the request if the operation failed.");
        s.accepted.push_back(t);
        const bool fails = s.opts.answer == redfish_reset_answer::task && s.opts.failing_reset_types.count(t) > 0;
        time_point end = now;
        if (!fails) {
            auto [phases, final_state] = plan(t, s.state);
            s.phases.clear();
            const auto step = phases.size() > 1 ? opts_.transition / 2 : opts_.transition;
            for (auto p : phases) {
                end += step;
                s.phases.push_back({p, end});
            }
            s.final_state = final_state;
            s.state = s.phases.empty() ? final_state : s.phases.front().state;
        }
        switch (s.opts.answer) {
        case redfish_reset_answer::no_content: return empty_response(204);
        case redfish_reset_answer::with_message: {
            boost::json::object o;
            boost::json::array info;
            info.push_back(redfish_detail::message("Success", "The request completed successfully.", "OK", "None"));
            o["@Message.ExtendedInfo"] = std::move(info);
            return json_response(200, o);
        }
        case redfish_reset_answer::task: break;
        }
        task k;
        k.id = std::to_string(++task_counter_);
        k.system_id = s.opts.id;
        k.reset_type = t;
        k.done = fails ? now + opts_.transition : end;
        k.fails = fails;
        const std::string monitor = redfish_detail::cat("/redfish/v1/TaskService/Tasks/", k.id, "/Monitor");
        auto r = json_response(202, task_body(k, now));
        r.headers.set("Location", monitor);
        if (opts_.task_retry_after) r.headers.set("Retry-After", std::to_string(*opts_.task_retry_after));
        tasks_.emplace(k.id, std::move(k));
        return r;
    }

    static boost::json::object task_body(const task& k, time_point now) {
        const bool done = now >= k.done;
        boost::json::object o;
        o["@odata.id"] = redfish_detail::cat("/redfish/v1/TaskService/Tasks/", k.id);
        o["@odata.type"] = "#Task.v1_7_0.Task";
        o["Id"] = k.id;
        o["Name"] = redfish_detail::cat("Task ", k.id);
        o["TaskState"] = !done ? "Running" : k.fails ? "Exception" : "Completed";
        o["TaskStatus"] = !done ? "OK" : k.fails ? "Critical" : "OK";
        o["PercentComplete"] = done ? 100 : 50;
        o["TaskMonitor"] = redfish_detail::cat("/redfish/v1/TaskService/Tasks/", k.id, "/Monitor");
        boost::json::object payload;
        payload["TargetUri"] = redfish_detail::cat("/redfish/v1/Systems/", k.system_id, "/Actions/ComputerSystem.Reset");
        payload["HttpOperation"] = "POST";
        o["Payload"] = std::move(payload);
        boost::json::array messages;
        if (done)
            messages.push_back(k.fails ? redfish_detail::message("GeneralError",
                                                                 "A general error has occurred. The reset failed.",
                                                                 "Critical", "None")
                                       : redfish_detail::message("Success", "The request completed successfully.",
                                                                 "OK", "None"));
        o["Messages"] = std::move(messages);
        return o;
    }

    http_response task_resource(const task& k, time_point now, bool monitor) const {
        auto r = json_response(monitor && now < k.done ? 202 : 200, task_body(k, now));
        if (monitor && now < k.done && opts_.task_retry_after)
            r.headers.set("Retry-After", std::to_string(*opts_.task_retry_after));
        return r;
    }

    redfish_options opts_;
    std::unique_ptr<emulator_clock> own_clock_;
    const emulator_clock* clock_;
    mutable std::mutex mutex_;
    std::vector<system> systems_;
    std::vector<session> sessions_;
    std::map<std::string, task, std::less<>> tasks_;
    std::minstd_rand random_;
    std::size_t session_counter_ = 0;
    std::size_t task_counter_ = 0;
    std::size_t logins_ = 0;
    std::size_t logouts_ = 0;
};

}  // namespace serverops::testing

#endif
