// Genesys Context Services on UCS 8.5 for the emulator: server mode and status, the switching window, optional
// HTTP Basic authentication. Behaviour follows ../shared/reference/alien4cloud-and-ucs.md (B.1-B.6).
//
// Routes ({prefix} is `ucs_options::prefix`: "" by default, or e.g. "/genesys/1/cs"):
//   POST {prefix}/server/mode    {"mode":"maintenance"|"production"} (case-insensitive)
//                                -> 200 {"server changed":"<mode>"}, Location: {prefix}/server/status
//   GET  {prefix}/server/status  -> 200 {"max_memory",...,"mode","version"} (every field of the documentation's
//                                   table and example; dates "yyyy-MM-ddTHH:mm:ss.SSSZ", UTC)
// With a prefix the module owns every path under it (unknown ones: 404); without one, only /server/...
//
// A mode change starts a switching window of `switch_delay` (emulator clock) during which every request the
// module owns is answered 503 — the POST itself answers 200 first, then the window starts; after it the new mode is
// reported. Asking for the mode the server is already in changes nothing and opens no window. When Basic
// authentication is required, missing or wrong credentials get 401 with `WWW-Authenticate: Basic` (checked before
// the switching window: authentication comes first). A body that is not JSON, has no string `mode`, or names another
// mode is 400.
//
// Emulator choices (the documented error body is cut off in every known copy): errors are
// {"http_method":"<METHOD>","http_code":<status>,"message":"<text>"}; the counters count every request the module
// answers (request_today), its 4xx (client_errors_today) and its 5xx (server_errors_today); memory values are fixed.
#ifndef SERVEROPS_TESTING_EMULATOR_UCS_MODULE_HPP
#define SERVEROPS_TESTING_EMULATOR_UCS_MODULE_HPP

#include <serverops/detail/ascii.hpp>
#include <serverops/detail/base64.hpp>
#include <serverops/testing/emulator/clock.hpp>
#include <serverops/testing/emulator/module.hpp>

#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace serverops::testing {

/// The two UCS modes, as the emulator keeps them (the client's own enum lives in serverops/ucs/types.hpp; the
/// emulator does not depend on the client).
enum class ucs_mode { maintenance, production };

inline std::string_view to_string(ucs_mode m) noexcept {
    return m == ucs_mode::maintenance ? "maintenance" : "production";
}

struct ucs_options {
    std::string prefix;                                    ///< "" or the `cview/base_url`, e.g. "/genesys/1/cs"
    ucs_mode initial_mode = ucs_mode::production;
    std::chrono::milliseconds switch_delay{200};           ///< length of the 503 window after a mode change
    std::string version = "8.5.000.14";
    std::optional<std::pair<std::string, std::string>> basic_auth;  ///< user, password; nullopt: no authentication
};

namespace ucs_detail {
/// "yyyy-MM-ddTHH:mm:ss.SSSZ" in UTC.
inline std::string format_timestamp(std::chrono::system_clock::time_point t) {
    using namespace std::chrono;
    const auto ms = duration_cast<milliseconds>(t.time_since_epoch());
    const auto day = floor<days>(ms);
    const year_month_day ymd{sys_days(day)};
    auto rest = ms - day;
    const auto h = duration_cast<hours>(rest);
    rest -= h;
    const auto mi = duration_cast<minutes>(rest);
    rest -= mi;
    const auto s = duration_cast<seconds>(rest);
    rest -= s;
    char buf[40];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ", static_cast<int>(ymd.year()),
                  static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()), static_cast<int>(h.count()),
                  static_cast<int>(mi.count()), static_cast<int>(s.count()), static_cast<int>(rest.count()));
    return buf;
}
}  // namespace ucs_detail

/// The UCS module. Thread-safe: requests arrive on the emulator's thread, control calls on the test's.
class ucs_module final : public module {
public:
    /// `clock`: the emulator's (the switching window runs on it); it must outlive the module's use.
    explicit ucs_module(const emulator_clock& clock, ucs_options opts = {})
        : opts_(std::move(opts)), clock_(&clock) {
        init();
    }
    /// A module with its own real-time clock (standalone use).
    explicit ucs_module(ucs_options opts = {})
        : opts_(std::move(opts)), own_clock_(std::make_unique<emulator_clock>()), clock_(own_clock_.get()) {
        init();
    }

    std::string_view name() const noexcept override { return "ucs"; }

    bool handles(std::string_view path) const noexcept override {
        if (opts_.prefix.empty()) return path == "/server" || path.starts_with("/server/");
        if (!path.starts_with(opts_.prefix)) return false;
        path.remove_prefix(opts_.prefix.size());
        return path.empty() || path.front() == '/';
    }

    http_response handle(const request_view& req) override {
        std::lock_guard lock(mutex_);
        const auto now = clock_->now();
        settle(now);
        auto r = answer(req, now);
        ++requests_;
        if (r.status >= 400 && r.status < 500) ++client_errors_;
        if (r.status >= 500) ++server_errors_;
        last_request_ = wall();
        return r;
    }

    // ---- control, for tests (thread-safe) ----

    /// The mode the server reports now (the old one while a switch is in progress).
    ucs_mode mode() const {
        std::lock_guard lock(mutex_);
        return switch_over(clock_->now()) ? *switching_to_ : mode_;
    }
    /// Whether a mode switch is in progress (requests get 503).
    bool switching() const {
        std::lock_guard lock(mutex_);
        return switching_to_.has_value() && !switch_over(clock_->now());
    }
    /// Sets the mode at once (no window), cancelling any switch in progress.
    void set_mode(ucs_mode m) {
        std::lock_guard lock(mutex_);
        mode_ = m;
        switching_to_.reset();
    }
    /// Length of the 503 window of the next mode changes.
    std::chrono::milliseconds switch_delay() const {
        std::lock_guard lock(mutex_);
        return opts_.switch_delay;
    }
    void set_switch_delay(std::chrono::milliseconds d) {
        std::lock_guard lock(mutex_);
        opts_.switch_delay = d;
    }
    /// Requires HTTP Basic with these credentials from now on.
    void require_basic_auth(std::string user, std::string password) {
        std::lock_guard lock(mutex_);
        opts_.basic_auth = std::pair{std::move(user), std::move(password)};
    }
    /// Accepts any request again (credentials are ignored, as when UCS's authentication section is off).
    void disable_basic_auth() {
        std::lock_guard lock(mutex_);
        opts_.basic_auth.reset();
    }
    /// Mode changes accepted so far (POSTs that started a switch).
    std::size_t switches() const {
        std::lock_guard lock(mutex_);
        return switches_;
    }

    const std::string& prefix() const noexcept { return opts_.prefix; }

private:
    using time_point = emulator_clock::time_point;

    void init() {
        while (!opts_.prefix.empty() && opts_.prefix.back() == '/') opts_.prefix.pop_back();
        mode_ = opts_.initial_mode;
        started_ = wall();
        last_request_ = started_;
    }

    /// Wall-clock time as the emulator shows it: real time plus every `advance` jump.
    std::chrono::system_clock::time_point wall() const {
        return std::chrono::system_clock::now() +
               std::chrono::duration_cast<std::chrono::system_clock::duration>(clock_->jumped());
    }

    bool switch_over(time_point now) const { return switching_to_ && now >= switch_done_; }

    void settle(time_point now) {
        if (switch_over(now)) {
            mode_ = *switching_to_;
            switching_to_.reset();
        }
    }

    static http_response error_response(const request_view& req, unsigned status, std::string_view message) {
        boost::json::object o;
        o["http_method"] = req.method_name;
        o["http_code"] = status;
        o["message"] = message;
        return json_response(status, o);
    }

    bool authorized(const request_view& req) const {
        if (!opts_.basic_auth) return true;
        auto h = req.header("Authorization");
        if (!h || h->size() < 6 || !serverops::detail::iequals(h->substr(0, 6), "Basic ")) return false;
        auto v = h->substr(6);
        while (!v.empty() && v.front() == ' ') v.remove_prefix(1);
        auto decoded = serverops::detail::base64_decode(v);
        if (!decoded) return false;
        const auto colon = decoded->find(':');
        if (colon == std::string::npos) return false;
        return decoded->substr(0, colon) == opts_.basic_auth->first && decoded->substr(colon + 1) == opts_.basic_auth->second;
    }

    http_response answer(const request_view& req, time_point now) {
        if (!authorized(req)) {
            auto r = error_response(req, 401, "Unauthorized: valid credentials are required");
            r.headers.set("WWW-Authenticate", "Basic realm=\"Context Services\"");
            return r;
        }
        if (switching_to_) {
            auto r = error_response(req, 503,
                                    "Service Unavailable: the server is switching to " + std::string(to_string(*switching_to_)) +
                                        " mode");
            return r;
        }
        std::string_view route = req.path;
        route.remove_prefix(opts_.prefix.size());
        if (route == "/server/mode") {
            if (req.method != verb::post) return method_not_allowed(req, "POST");
            return set_mode(req, now);
        }
        if (route == "/server/status") {
            if (req.method != verb::get) return method_not_allowed(req, "GET");
            return status();
        }
        return error_response(req, 404, "Not Found: no resource at " + std::string(route));
    }

    static http_response method_not_allowed(const request_view& req, std::string_view allowed) {
        auto r = error_response(req, 405, "Method Not Allowed: use " + std::string(allowed));
        r.headers.set("Allow", allowed);
        return r;
    }

    http_response set_mode(const request_view& req, time_point now) {
        boost::system::error_code ec;
        auto v = boost::json::parse(req.body, ec);
        if (ec || !v.is_object()) return error_response(req, 400, "Bad Request: the body is not a JSON object");
        auto* m = v.as_object().if_contains("mode");
        if (!m || !m->is_string()) return error_response(req, 400, "Bad Request: the mandatory parameter 'mode' is missing");
        const std::string_view text = m->get_string();
        std::optional<ucs_mode> target;
        if (serverops::detail::iequals(text, "maintenance")) target = ucs_mode::maintenance;
        if (serverops::detail::iequals(text, "production")) target = ucs_mode::production;
        if (!target)
            return error_response(req, 400, "Bad Request: 'mode' must be 'maintenance' or 'production'");
        if (*target != mode_) {
            ++switches_;
            if (opts_.switch_delay > std::chrono::milliseconds::zero()) {
                switching_to_ = *target;
                switch_done_ = now + opts_.switch_delay;
            } else {
                mode_ = *target;
            }
        }
        boost::json::object o;
        o["server changed"] = to_string(*target);
        auto r = json_response(200, o);
        r.headers.set("Location", opts_.prefix + "/server/status");
        return r;
    }

    http_response status() const {
        boost::json::object o;  // the documentation example's key order
        o["max_memory"] = 518464;
        o["server_errors_today"] = server_errors_;
        o["client_errors_today"] = client_errors_;
        o["request_today"] = requests_;
        o["system_time"] = ucs_detail::format_timestamp(wall());
        o["used_memory"] = 7947;
        o["allocated_memory"] = 63936;
        o["started"] = ucs_detail::format_timestamp(started_);
        o["free_memory"] = 55989;
        o["last_request"] = ucs_detail::format_timestamp(last_request_);
        o["mode"] = to_string(mode_);
        o["version"] = opts_.version;
        return json_response(200, o);
    }

    ucs_options opts_;
    std::unique_ptr<emulator_clock> own_clock_;
    const emulator_clock* clock_;
    mutable std::mutex mutex_;
    ucs_mode mode_ = ucs_mode::production;
    std::optional<ucs_mode> switching_to_;
    time_point switch_done_{};
    std::chrono::system_clock::time_point started_{};
    std::chrono::system_clock::time_point last_request_{};
    std::uint64_t requests_ = 0;
    std::uint64_t client_errors_ = 0;
    std::uint64_t server_errors_ = 0;
    std::size_t switches_ = 0;
};

}  // namespace serverops::testing

#endif
