// Alien4Cloud 3.0 for the emulator: users with roles, the Spring Security form login (JSESSIONID) and the JWT
// endpoint, the maintenance-mode controller under its three prefixes, and the maintenance filter on /rest/*.
// Behaviour follows ../shared/reference/alien4cloud-and-ucs.md (A.1-A.7) and the A4C 3.0 sources it cites.
//
// Routes (`root` is `a4c_options::root`, "" by default; {p} is /rest, /rest/v1 or /rest/latest):
//   POST       {root}/login                      form username/password -> 302 + Set-Cookie JSESSIONID
//   any        {root}/logout                     -> 302 to {root}/, the cookie cleared
//   POST       {root}/rest/jwtauth               params user/password -> {"data":{"token","expireAt"}}
//   GET        {root}{p}/auth/status             anyone; {"data":{"isLogged",...}}
//   GET        {root}{p}/auth/authenticationfailed   401, code 101 (the login failure page)
//   GET|POST|PUT|DELETE {root}{p}/maintenance    the maintenance-mode controller
//   GET        {root}{p}/users/{username}        any authenticated user; data null when unknown
//   POST       {root}{p}/users                   ADMIN; CreateUserRequest JSON
//   POST       {root}{p}/applications/search     any authenticated user; always an empty result
//
// Order of checks, as the server's filter chain and Spring MVC apply them: the maintenance filter (503, code 0,
// for any /rest/* URL not containing {p}/maintenance, /modules, /auth, /admin/health or /configuration), the JWT
// filter (a bad or expired bearer -> 401 with Spring Boot's error JSON), the handler lookup (unknown path -> 404
// Spring Boot JSON; known path, wrong method -> 500 code 500, the catch-all ControllerAdvice), the request body
// (unreadable or wrong Content-Type -> 500 code 500), then @PreAuthorize (anonymous -> 403 code 100), the ADMIN
// check (403 code 102) and the service (409 code 502, 404 code 504). Every REST body is the RestResponse envelope
// {"data":...,"error":{"code","message"}|null} except Spring Boot's own error JSON where noted.
//
// Emulator choices (undocumented or derived): absolute Location headers built from the request's Host; a failed
// login issues a JSESSIONID that authenticates nothing; JWTs are opaque random tokens in JWT form; a bad JWT login
// is the server's catch-all 500 with code 500 (BadCredentialsException/UsernameNotFoundException raised in the
// controller), as the 3.0 sources do it; sessions expire after `session_timeout` of idleness on the emulator clock.
#ifndef SERVEROPS_TESTING_EMULATOR_A4C_MODULE_HPP
#define SERVEROPS_TESTING_EMULATOR_A4C_MODULE_HPP

#include <serverops/detail/ascii.hpp>
#include <serverops/testing/emulator/clock.hpp>
#include <serverops/testing/emulator/module.hpp>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <initializer_list>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace serverops::testing {

/// Exact texts the 3.0 server sends.
namespace a4c_messages {
inline constexpr std::string_view maintenance_enabled = "Maintenance mode is enabled.";
inline constexpr std::string_view not_enabled = "Maintenance mode is not enabled.";
inline constexpr std::string_view already_exists = "The posted object already exist.";
inline constexpr std::string_view no_rights = "Current user has no sufficient rights.";
inline constexpr std::string_view authentication_required = "Authentication required for this request : ";
inline constexpr std::string_view authentication_failed = "Authentication failed, check username and password.";
inline constexpr std::string_view maintenance_started = "Maintenance operation started on alien4cloud.";
}  // namespace a4c_messages

struct a4c_options {
    /// The server's own root (servlet context path), "" or e.g. "/alien"; every route lives under it.
    std::string root;
    /// Idle time after which a JSESSIONID stops authenticating (emulator clock). Spring Boot's default: 30 min.
    std::chrono::seconds session_timeout{std::chrono::minutes(30)};
    /// Lifetime of a token from /rest/jwtauth (`jwt.token.ttlInHours`, default 12 h).
    std::chrono::seconds jwt_ttl{std::chrono::hours(12)};
    /// admin/admin (ADMIN) and frodo/frodo (no role), as the acceptance feature expects.
    bool default_users = true;
    /// Location headers as "scheme://Host/path" (servlet containers before Servlet 4) or just the path.
    bool absolute_redirects = true;
    /// Scheme of absolute Location headers ("https" when the emulator serves TLS).
    std::string scheme = "http";
};

/// A copy of the maintenance state, for tests.
struct a4c_maintenance_snapshot {
    bool enabled = false;
    bool user_triggered = false;
    std::string user;
    int progress_percent = 0;
    std::vector<std::string> messages;  ///< the log, oldest first
};

namespace a4c_detail {
namespace json = boost::json;

using emulator_detail::media_type;
using emulator_detail::percent_decode;

inline bool starts_with_ci(std::string_view s, std::string_view prefix) {
    return s.size() >= prefix.size() && serverops::detail::iequals(s.substr(0, prefix.size()), prefix);
}

/// The value of cookie `name` in a Cookie header, if present.
inline std::optional<std::string> cookie_value(std::optional<std::string_view> header, std::string_view name) {
    if (!header) return std::nullopt;
    std::string_view h = *header;
    while (!h.empty()) {
        const auto semi = h.find(';');
        auto pair = h.substr(0, semi);
        while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
        const auto eq = pair.find('=');
        if (eq != std::string_view::npos && pair.substr(0, eq) == name) {
            auto v = pair.substr(eq + 1);
            while (!v.empty() && v.back() == ' ') v.remove_suffix(1);
            if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
            return std::string(v);
        }
        if (semi == std::string_view::npos) break;
        h.remove_prefix(semi + 1);
    }
    return std::nullopt;
}

inline const char* reason_phrase(unsigned status) noexcept {
    switch (status) {
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 415: return "Unsupported Media Type";
    case 500: return "Internal Server Error";
    case 503: return "Service Unavailable";
    default: return "Error";
    }
}
}  // namespace a4c_detail

/// The Alien4Cloud module. Thread-safe: requests arrive on the emulator's thread, control calls on the test's.
class a4c_module final : public module {
public:
    /// `clock`: the emulator's (sessions and JWTs expire on it); it must outlive the module's use.
    explicit a4c_module(const emulator_clock& clock, a4c_options opts = {})
        : opts_(std::move(opts)), clock_(&clock), rng_(std::random_device{}()) {
        while (!opts_.root.empty() && opts_.root.back() == '/') opts_.root.pop_back();
        if (opts_.default_users) {
            users_["admin"] = {"admin", {"ADMIN"}, "admin@alien4cloud.test"};
            users_["frodo"] = {"frodo", {}, "frodo@alien4cloud.test"};
        }
    }
    /// A module with its own real-time clock (standalone use).
    explicit a4c_module(a4c_options opts = {})
        : opts_(std::move(opts)), own_clock_(std::make_unique<emulator_clock>()), clock_(own_clock_.get()),
          rng_(std::random_device{}()) {
        while (!opts_.root.empty() && opts_.root.back() == '/') opts_.root.pop_back();
        if (opts_.default_users) {
            users_["admin"] = {"admin", {"ADMIN"}, "admin@alien4cloud.test"};
            users_["frodo"] = {"frodo", {}, "frodo@alien4cloud.test"};
        }
    }

    std::string_view name() const noexcept override { return "a4c"; }

    bool handles(std::string_view path) const noexcept override {
        if (!path.starts_with(opts_.root)) return false;
        path.remove_prefix(opts_.root.size());
        return path == "/login" || path == "/logout" || path == "/rest" || path.starts_with("/rest/");
    }

    http_response handle(const request_view& req) override {
        std::lock_guard lock(mutex_);
        std::string_view path = req.path;
        path.remove_prefix(opts_.root.size());
        if (path == "/login") return login(req);
        if (path == "/logout") return logout(req);
        return rest(req, path);
    }

    // ---- control, for tests (thread-safe) ----

    /// Adds a user, or replaces one (password and role). `is_admin`: the ADMIN role, else none.
    void add_user(std::string name, std::string password, bool is_admin) {
        std::lock_guard lock(mutex_);
        auto email = name + "@alien4cloud.test";
        users_[std::move(name)] = {std::move(password), is_admin ? std::vector<std::string>{"ADMIN"} : std::vector<std::string>{},
                                   std::move(email)};
    }
    /// Removes a user (its open sessions stay valid, as on the real server). False when unknown.
    bool remove_user(std::string_view name) {
        std::lock_guard lock(mutex_);
        auto it = users_.find(std::string(name));
        if (it == users_.end()) return false;
        users_.erase(it);
        return true;
    }
    bool has_user(std::string_view name) const {
        std::lock_guard lock(mutex_);
        return users_.count(std::string(name)) != 0;
    }
    /// Ends every session and makes every JWT expired: the next authenticated call is refused (403 code 100 for a
    /// cookie, 401 "error.jwt.expired" for a bearer token).
    void expire_sessions() {
        std::lock_guard lock(mutex_);
        sessions_.clear();
        const auto now = clock_->now();
        for (auto& [token, t] : tokens_) t.expires = std::min(t.expires, now - std::chrono::seconds(1));
    }
    void set_session_timeout(std::chrono::seconds t) {
        std::lock_guard lock(mutex_);
        opts_.session_timeout = t;
    }
    /// Live JSESSIONIDs (expired ones are dropped when seen).
    std::size_t session_count() const {
        std::lock_guard lock(mutex_);
        return sessions_.size();
    }
    /// Successful logins so far (form and JWT).
    std::size_t login_count() const {
        std::lock_guard lock(mutex_);
        return logins_;
    }

    bool maintenance_enabled() const {
        std::lock_guard lock(mutex_);
        return maintenance_.has_value();
    }
    a4c_maintenance_snapshot maintenance() const {
        std::lock_guard lock(mutex_);
        a4c_maintenance_snapshot s;
        if (!maintenance_) return s;
        s.enabled = true;
        s.user_triggered = maintenance_->user_triggered;
        s.user = maintenance_->user;
        s.progress_percent = maintenance_->progress;
        for (auto& e : maintenance_->log) s.messages.push_back(e.message);
        return s;
    }
    /// Turns maintenance on as an internal process (a migration) would: not user-triggered, so REST cannot update
    /// or disable it (the server's catch-all 500, code 500).
    void enable_system_maintenance(std::string message = "Data migration in progress.") {
        std::lock_guard lock(mutex_);
        maintenance_state m;
        m.user_triggered = false;
        m.user = "system";
        m.progress = 1;
        m.log.push_back({epoch_ms(), "system", std::move(message)});
        maintenance_ = std::move(m);
    }
    /// Turns maintenance off whoever started it.
    void reset_maintenance() {
        std::lock_guard lock(mutex_);
        maintenance_.reset();
    }

    const a4c_options& options() const noexcept { return opts_; }

private:
    using json_value = boost::json::value;
    using json_object = boost::json::object;
    using json_array = boost::json::array;
    using time_point = emulator_clock::time_point;

    struct user_record {
        std::string password;
        std::vector<std::string> roles;
        std::string email;
    };
    struct session_record {
        std::string user;
        time_point last_access;
    };
    struct token_record {
        std::string user;
        time_point expires;
    };
    struct log_record {
        std::int64_t date;
        std::string user;
        std::string message;
    };
    struct maintenance_state {
        bool user_triggered = true;
        std::string user;
        int progress = 1;
        std::vector<log_record> log;
    };
    /// Who is calling: a user, or anonymous (empty), or a response already decided (a refused bearer token).
    struct caller {
        std::optional<std::string> user;
        std::optional<http_response> refused;
    };

    // ------------------------------------------------------------------ responses

    static http_response envelope(unsigned status, json_value data, std::optional<int> code = {},
                                  std::string_view message = {}) {
        json_object o;
        o["data"] = std::move(data);
        if (code) {
            json_object e;
            e["code"] = *code;
            e["message"] = message;
            o["error"] = std::move(e);
        } else {
            o["error"] = nullptr;
        }
        auto r = json_response(status, o);
        r.headers.set("Content-Type", "application/json;charset=UTF-8");
        return r;
    }

    /// Spring Boot's BasicErrorController body (404 of an unknown path, sendError of the JWT filter).
    http_response boot_error(unsigned status, std::string_view message, std::string_view path) const {
        json_object o;
        o["timestamp"] = epoch_ms();
        o["status"] = status;
        o["error"] = a4c_detail::reason_phrase(status);
        o["message"] = message;
        o["path"] = path;
        auto r = json_response(status, o);
        r.headers.set("Content-Type", "application/json;charset=UTF-8");
        return r;
    }

    /// RestTechnicalExceptionHandler.catchAllErrorHandler: 500, code 500, `data` the stack trace.
    static http_response catch_all(std::string_view exception_class, std::string_view message) {
        std::string trace(exception_class);
        trace += ": ";
        trace += message;
        trace += "\n\tat org.springframework.web.servlet.DispatcherServlet.doDispatch(DispatcherServlet.java:963)\n";
        return envelope(500, json_value(trace), 500, message);
    }

    static http_response method_not_supported(const request_view& req) {
        return catch_all("org.springframework.web.HttpRequestMethodNotSupportedException",
                         "Request method '" + std::string(req.method_name) + "' not supported");
    }

    /// The maintenance filter's answer, written with a plain ObjectMapper and no Content-Type.
    static http_response maintenance_refusal() {
        http_response r;
        r.status = 503;
        r.body = std::string(R"({"data":null,"error":{"code":0,"message":")") + std::string(a4c_messages::maintenance_enabled) + "\"}}";
        return r;
    }

    /// Alien4CloudAccessDeniedHandler: code 100 for an anonymous caller, 102 for a logged-in one; status 403.
    static http_response access_denied(const std::optional<std::string>& user) {
        if (!user) return envelope(403, nullptr, 100, a4c_messages::authentication_required);
        return envelope(403, nullptr, 102, a4c_messages::no_rights);
    }

    std::string location(const request_view& req, std::string_view path) const {
        std::string out;
        auto host = req.header("Host");
        if (opts_.absolute_redirects && host && !host->empty()) {
            out = opts_.scheme + "://";
            out += *host;
        }
        out += path;
        return out;
    }

    std::string cookie_path() const { return opts_.root.empty() ? std::string("/") : opts_.root; }

    // ------------------------------------------------------------------ time and ids

    std::int64_t epoch_ms() const {
        using namespace std::chrono;
        const auto wall = system_clock::now().time_since_epoch() + duration_cast<system_clock::duration>(clock_->jumped());
        return duration_cast<milliseconds>(wall).count();
    }

    std::string random_hex(std::size_t n) {
        static constexpr char digits[] = "0123456789ABCDEF";
        std::string out;
        out.reserve(n);
        for (std::size_t i = 0; i < n; ++i) out += digits[rng_() & 15u];
        return out;
    }

    // ------------------------------------------------------------------ authentication

    std::map<std::string, std::string> parameters(const request_view& req) const {
        std::map<std::string, std::string> out;
        // servlet getParameter: the first value of a name wins, query before body.
        for (auto& [key, value] : emulator_detail::parse_form(req.query)) out.emplace(std::move(key), std::move(value));
        if (a4c_detail::media_type(req.header("Content-Type")) == "application/x-www-form-urlencoded")
            for (auto& [key, value] : emulator_detail::parse_form(req.body)) out.emplace(std::move(key), std::move(value));
        return out;
    }

    std::optional<std::string> session_user(const request_view& req) {
        auto id = a4c_detail::cookie_value(req.header("Cookie"), "JSESSIONID");
        if (!id) return std::nullopt;
        auto it = sessions_.find(*id);
        if (it == sessions_.end()) return std::nullopt;
        const auto now = clock_->now();
        if (now - it->second.last_access > opts_.session_timeout) {
            sessions_.erase(it);
            return std::nullopt;
        }
        it->second.last_access = now;
        return it->second.user;
    }

    caller identify(const request_view& req, std::string_view path) {
        caller c;
        if (auto auth = req.header("Authorization"); auth && auth->starts_with("Bearer")) {
            const std::string token(auth->size() > 7 ? auth->substr(7) : std::string_view());
            auto it = tokens_.find(token);
            if (it == tokens_.end()) {
                c.refused = boot_error(401, "error.jwt.invalid", path);
            } else if (clock_->now() >= it->second.expires) {
                c.refused = boot_error(401, "error.jwt.expired", path);
            } else {
                c.user = it->second.user;
            }
            return c;
        }
        c.user = session_user(req);
        return c;
    }

    const user_record* check_password(const std::string& name, const std::string& password) const {
        auto it = users_.find(name);
        if (it == users_.end() || it->second.password != password) return nullptr;
        return &it->second;
    }

    bool is_admin(const std::string& name) const {
        auto it = users_.find(name);
        if (it == users_.end()) return false;
        for (auto& r : it->second.roles)
            if (r == "ADMIN") return true;
        return false;
    }

    http_response login(const request_view& req) {
        if (req.method != verb::post) return boot_error(404, "No message available", req.path);
        auto params = parameters(req);
        // Session fixation protection: an existing session is replaced by a new one.
        if (auto old = a4c_detail::cookie_value(req.header("Cookie"), "JSESSIONID")) sessions_.erase(*old);
        const std::string id = random_hex(32);
        http_response r;
        r.status = 302;
        r.headers.add("Set-Cookie", "JSESSIONID=" + id + "; Path=" + cookie_path() + "; HttpOnly");
        if (!check_password(params["username"], params["password"])) {
            // Spring keeps the failure in a new (anonymous) session and redirects to the failure page.
            r.headers.set("Location", location(req, opts_.root + "/rest/auth/authenticationfailed"));
            return r;
        }
        sessions_[id] = {params["username"], clock_->now()};
        ++logins_;
        r.headers.set("Location", location(req, opts_.root + "/rest/auth/status"));
        return r;
    }

    http_response logout(const request_view& req) {
        if (auto id = a4c_detail::cookie_value(req.header("Cookie"), "JSESSIONID")) sessions_.erase(*id);
        http_response r;
        r.status = 302;
        r.headers.add("Set-Cookie", "JSESSIONID=; Path=" + cookie_path() + "; Expires=Thu, 01-Jan-1970 00:00:00 GMT; Max-Age=0");
        r.headers.set("Location", location(req, opts_.root + "/"));
        return r;
    }

    http_response jwt_login(const request_view& req) {
        if (req.method != verb::post) return method_not_supported(req);
        auto params = parameters(req);
        for (const char* p : {"user", "password"})
            if (!params.count(p))
                return catch_all("org.springframework.web.bind.MissingServletRequestParameterException",
                                 std::string("Required String parameter '") + p + "' is not present");
        const auto& name = params["user"];
        if (!users_.count(name))
            return catch_all("org.springframework.security.core.userdetails.UsernameNotFoundException",
                             "Cannot find user <" + name + ">");
        if (!check_password(name, params["password"]))
            return catch_all("org.springframework.security.authentication.BadCredentialsException",
                             "Incorrect password for user <" + name + ">");
        // A JWT-shaped opaque token: header.payload.signature, base64url-ish characters only.
        std::string token = "eyJhbGciOiJIUzUxMiJ9." + random_hex(48) + "." + random_hex(43);
        const auto ttl = opts_.jwt_ttl;
        tokens_[token] = {name, clock_->now() + ttl};
        ++logins_;
        json_object data;
        data["token"] = token;
        data["expireAt"] = epoch_ms() + std::chrono::duration_cast<std::chrono::milliseconds>(ttl).count();
        return envelope(200, std::move(data));
    }

    // ------------------------------------------------------------------ REST

    /// The maintenance filter's allow list: a plain substring test on the URL.
    static bool filter_allows(std::string_view url) {
        for (std::string_view prefix : {"/rest", "/rest/v1", "/rest/latest"})
            for (std::string_view allowed : {"/maintenance", "/modules", "/auth", "/admin/health", "/configuration"}) {
                std::string needle(prefix);
                needle += allowed;
                if (url.find(needle) != std::string_view::npos) return true;
            }
        return false;
    }

    http_response rest(const request_view& req, std::string_view path) {
        if (maintenance_ && !filter_allows(req.target)) return maintenance_refusal();
        if (path == "/rest/jwtauth") return jwt_login(req);
        auto who = identify(req, req.path);
        if (who.refused) return std::move(*who.refused);

        std::string_view route;
        bool routed = false;
        for (std::string_view prefix : {"/rest/v1", "/rest/latest", "/rest"}) {
            if (path.starts_with(prefix) && (path.size() == prefix.size() || path[prefix.size()] == '/')) {
                route = path.substr(prefix.size());
                routed = true;
                break;
            }
        }
        if (!routed) return boot_error(404, "No message available", req.path);
        if (route.size() > 1 && route.back() == '/' && !route.starts_with("/users")) route.remove_suffix(1);

        if (route == "/auth/status") return req.method == verb::get ? auth_status(who.user) : method_not_supported(req);
        if (route == "/auth/authenticationfailed") {
            if (req.method != verb::get) return method_not_supported(req);
            return envelope(401, nullptr, 101, a4c_messages::authentication_failed);
        }
        if (route == "/maintenance") return maintenance(req, who.user);
        if (route == "/users" || route == "/users/") {
            return req.method == verb::post ? create_user(req, who.user) : method_not_supported(req);
        }
        if (route.starts_with("/users/")) {
            auto name = route.substr(7);
            if (name.find('/') == std::string_view::npos) {
                if (req.method != verb::get) return method_not_supported(req);
                if (!who.user) return access_denied(who.user);
                return get_user(a4c_detail::percent_decode(name, false));
            }
        }
        if (route == "/applications/search") {
            if (req.method != verb::post) return method_not_supported(req);
            auto body = read_json_body(req);
            if (!body.first) return std::move(body.second);
            if (!who.user) return access_denied(who.user);
            return search_applications(*body.first);
        }
        return boot_error(404, "No message available", req.path);
    }

    /// @RequestBody of a `consumes = application/json` method: the media type, then the document. On failure the
    /// second member is the answer (the catch-all 500).
    std::pair<std::optional<json_value>, http_response> read_json_body(const request_view& req) const {
        auto type = a4c_detail::media_type(req.header("Content-Type"));
        if (type.empty()) type = "application/octet-stream";
        if (type != "application/json")
            return {std::nullopt, catch_all("org.springframework.web.HttpMediaTypeNotSupportedException",
                                            "Content type '" + type + "' not supported")};
        if (req.body.empty())
            return {std::nullopt, catch_all("org.springframework.http.converter.HttpMessageNotReadableException",
                                            "Required request body is missing")};
        boost::system::error_code ec;
        auto v = boost::json::parse(req.body, ec);
        if (ec)
            return {std::nullopt, catch_all("org.springframework.http.converter.HttpMessageNotReadableException",
                                            "Could not read document: Unexpected character")};
        if (!v.is_object())
            return {std::nullopt, catch_all("org.springframework.http.converter.HttpMessageNotReadableException",
                                            "Could not read document: Can not deserialize instance out of a non-object token")};
        return {std::move(v), http_response{}};
    }

    static json_array roles_json(const std::vector<std::string>& roles) {
        json_array a;
        for (auto& r : roles) a.emplace_back(r);
        return a;
    }

    http_response auth_status(const std::optional<std::string>& user) const {
        json_object d;
        d["isLogged"] = user.has_value();
        if (user) {
            d["username"] = *user;
            d["githubUsername"] = nullptr;  // the user's first name, never set here
            auto it = users_.find(*user);
            d["roles"] = it != users_.end() ? roles_json(it->second.roles) : json_array();
            d["groups"] = nullptr;
        } else {
            d["username"] = "anonymousUser";
            d["githubUsername"] = nullptr;
            d["roles"] = json_array{"ROLE_ANONYMOUS"};
            d["groups"] = nullptr;
        }
        d["authSystem"] = "alien";
        return envelope(200, std::move(d));
    }

    http_response get_user(const std::string& name) const {
        auto it = users_.find(name);
        if (it == users_.end()) return envelope(200, nullptr);
        json_object u;
        u["username"] = it->first;
        u["firstName"] = nullptr;
        u["lastName"] = nullptr;
        u["email"] = it->second.email;
        u["internalDirectory"] = true;
        u["roles"] = roles_json(it->second.roles);
        u["groups"] = nullptr;
        u["groupRoles"] = nullptr;
        u["enabled"] = true;
        u["accountNonExpired"] = true;
        u["accountNonLocked"] = true;
        u["credentialsNonExpired"] = true;
        return envelope(200, std::move(u));  // the password is never returned
    }

    http_response create_user(const request_view& req, const std::optional<std::string>& user) {
        auto body = read_json_body(req);
        if (!body.first) return std::move(body.second);
        const auto& o = body.first->as_object();
        auto text = [&](std::string_view key) -> std::string {
            auto* v = o.if_contains(key);
            return v && v->is_string() ? std::string(v->get_string()) : std::string();
        };
        const std::string name = text("username"), password = text("password");
        json_array invalid;
        for (auto [field, value] : {std::pair{"username", &name}, std::pair{"password", &password}})
            if (value->empty()) invalid.emplace_back(json_object{{"field", field}, {"code", "NotBlank"}});
        if (!invalid.empty())
            return envelope(400, std::move(invalid), 501, "Method argument is invalid: username and password are required");
        if (!user || !is_admin(*user)) return access_denied(user);
        if (users_.count(name)) return envelope(409, nullptr, 502, a4c_messages::already_exists);
        user_record rec{password, {}, text("email")};
        if (auto* roles = o.if_contains("roles"); roles && roles->is_array())
            for (auto& r : roles->get_array())
                if (r.is_string()) rec.roles.emplace_back(r.get_string());
        users_[name] = std::move(rec);
        return envelope(200, nullptr);
    }

    static http_response search_applications(const json_value& request) {
        std::int64_t from = 0;
        if (auto* f = request.as_object().if_contains("from"); f && f->is_int64()) from = f->get_int64();
        json_object d;
        d["types"] = json_array();
        d["data"] = json_array();
        d["facets"] = json_object();
        d["queryDuration"] = 0;
        d["totalResults"] = 0;
        d["from"] = from;
        d["to"] = from;
        return envelope(200, std::move(d));
    }

    json_value maintenance_json() const {
        if (!maintenance_) return nullptr;
        json_object s;
        s["id"] = "mms_id";
        s["userTriggered"] = maintenance_->user_triggered;
        s["user"] = maintenance_->user;
        json_array log;
        for (auto& e : maintenance_->log) log.emplace_back(json_object{{"date", e.date}, {"user", e.user}, {"message", e.message}});
        s["log"] = std::move(log);
        s["progressPercent"] = maintenance_->progress;
        return s;
    }

    static http_response not_user_triggered() {
        return catch_all("org.springframework.web.util.NestedServletException",
                         "Handler dispatch failed; nested exception is java.lang.IllegalAccessError: Maintenance mode "
                         "has not been triggered by a user and cannot be changed through REST.");
    }

    http_response maintenance(const request_view& req, const std::optional<std::string>& user) {
        switch (req.method) {
        case verb::get:
            if (!user) return access_denied(user);
            return envelope(200, maintenance_json());
        case verb::post:
            if (!user || !is_admin(*user)) return access_denied(user);
            if (maintenance_) return envelope(409, nullptr, 502, a4c_messages::already_exists);
            maintenance_ = maintenance_state{true, *user, 1, {{epoch_ms(), *user, std::string(a4c_messages::maintenance_started)}}};
            return envelope(201, nullptr);
        case verb::put: {
            auto body = read_json_body(req);
            if (!body.first) return std::move(body.second);
            const auto& o = body.first->as_object();
            std::optional<std::string> message;
            std::optional<int> progress;
            if (auto* m = o.if_contains("message"); m && !m->is_null()) {
                if (!m->is_string()) return unreadable("message");
                message = std::string(m->get_string());
            }
            if (auto* p = o.if_contains("progressPercentage"); p && !p->is_null()) {
                auto n = as_int(*p);
                if (!n) return unreadable("progressPercentage");
                progress = *n;
            }
            if (!user || !is_admin(*user)) return access_denied(user);
            if (!maintenance_) return envelope(404, nullptr, 504, a4c_messages::not_enabled);
            if (!maintenance_->user_triggered) return not_user_triggered();
            if (message) maintenance_->log.push_back({epoch_ms(), *user, std::move(*message)});
            if (progress) maintenance_->progress = *progress;
            maintenance_->user = *user;
            return envelope(201, nullptr);
        }
        case verb::delete_:
            if (!user || !is_admin(*user)) return access_denied(user);
            if (!maintenance_) return envelope(404, nullptr, 504, a4c_messages::not_enabled);
            if (!maintenance_->user_triggered) return not_user_triggered();
            maintenance_.reset();
            return envelope(200, nullptr);
        default:
            return method_not_supported(req);
        }
    }

    static http_response unreadable(std::string_view field) {
        return catch_all("org.springframework.http.converter.HttpMessageNotReadableException",
                         "Could not read document: Can not deserialize value of field '" + std::string(field) + "'");
    }

    /// Jackson's coercions to Integer: integers, floats (truncated) and numeric strings.
    static std::optional<int> as_int(const json_value& v) {
        std::int64_t n = 0;
        if (v.is_int64()) {
            n = v.get_int64();
        } else if (v.is_uint64()) {
            if (v.get_uint64() > 0x7fffffffu) return std::nullopt;
            n = static_cast<std::int64_t>(v.get_uint64());
        } else if (v.is_double()) {
            const double d = v.get_double();
            if (!(d > -2147483649.0 && d < 2147483648.0)) return std::nullopt;
            n = static_cast<std::int64_t>(d);
        } else if (v.is_string()) {
            std::string_view s = v.get_string();
            bool negative = !s.empty() && s.front() == '-';
            if (negative) s.remove_prefix(1);
            if (s.empty() || s.size() > 10) return std::nullopt;
            for (char c : s) {
                if (c < '0' || c > '9') return std::nullopt;
                n = n * 10 + (c - '0');
            }
            if (negative) n = -n;
        } else {
            return std::nullopt;
        }
        if (n < -2147483648LL || n > 2147483647LL) return std::nullopt;
        return static_cast<int>(n);
    }

    a4c_options opts_;
    std::unique_ptr<emulator_clock> own_clock_;
    const emulator_clock* clock_;
    mutable std::mutex mutex_;
    std::mt19937_64 rng_;
    std::map<std::string, user_record> users_;
    std::map<std::string, session_record> sessions_;  // JSESSIONID -> session
    std::map<std::string, token_record> tokens_;      // JWT -> owner
    std::optional<maintenance_state> maintenance_;
    std::size_t logins_ = 0;
};

}  // namespace serverops::testing

#endif
