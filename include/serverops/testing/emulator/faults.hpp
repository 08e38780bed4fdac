// Fault injection: misbehaviours a real API or network shows, each consumed by the next matching request.
#ifndef SERVEROPS_TESTING_EMULATOR_FAULTS_HPP
#define SERVEROPS_TESTING_EMULATOR_FAULTS_HPP

#include <serverops/testing/emulator/module.hpp>

#include <chrono>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace serverops::testing {

enum class fault_kind {
    respond,                ///< answer `fault::response` instead of the module (the request has no effect)
    close_before_response,  ///< read the request, then close the connection without answering (no effect)
    close_mid_response,     ///< module answers (effect happens); send headers and half the body, then close
    truncated_body,         ///< module answers; declare a Content-Length larger than the body sent, then close
    malformed_json,         ///< answer 200 with a cut-off JSON body instead of the module (no effect)
    delay,                  ///< module answers at once (effect happens); the reply leaves after `fault::delay`
};

struct fault {
    fault_kind kind = fault_kind::respond;
    http_response response;                  ///< for `respond`
    std::chrono::milliseconds delay{0};      ///< for `delay`; real time (a timer), not the emulator clock
    std::string path_substring;              ///< only requests whose target contains this; empty = any
    std::optional<verb> method;              ///< only this method; empty = any

    /// Any status and body; an empty body for a status >= 400 becomes {"message":"An error has occurred."}.
    static fault status(unsigned code, std::string body = {}, header_list headers = {}) {
        fault f;
        f.response.status = code;
        f.response.headers = std::move(headers);
        if (body.empty() && code >= 400) body = R"({"message":"An error has occurred."})";
        if (!body.empty() && !f.response.headers.find("Content-Type"))
            f.response.headers.set("Content-Type", json_content_type);
        f.response.body = std::move(body);
        return f;
    }
    /// 500 with the body CLC sends on transient failures.
    static fault server_error() { return status(500); }
    /// 503, optionally with Retry-After (seconds).
    static fault unavailable(std::optional<std::chrono::seconds> retry_after = std::nullopt) {
        header_list h;
        if (retry_after) h.set("Retry-After", std::to_string(retry_after->count()));
        return status(503, R"({"message":"The service is unavailable."})", std::move(h));
    }
    /// 429 with Retry-After (seconds).
    static fault too_many_requests(std::chrono::seconds retry_after) {
        header_list h;
        h.set("Retry-After", std::to_string(retry_after.count()));
        return status(429, R"({"message":"Too many requests."})", std::move(h));
    }
    static fault close_before_response() { return of(fault_kind::close_before_response); }
    static fault close_mid_response() { return of(fault_kind::close_mid_response); }
    static fault truncated_body() { return of(fault_kind::truncated_body); }
    static fault malformed_json() { return of(fault_kind::malformed_json); }
    static fault delay_response(std::chrono::milliseconds d) {
        fault f = of(fault_kind::delay);
        f.delay = d;
        return f;
    }

    /// Narrows the fault to targets containing `substring` (e.g. "/status/").
    fault only_path(std::string substring) const {
        fault f = *this;
        f.path_substring = std::move(substring);
        return f;
    }
    /// Narrows the fault to one method.
    fault only_method(verb m) const {
        fault f = *this;
        f.method = m;
        return f;
    }

    bool matches(verb m, std::string_view target) const noexcept {
        if (method && *method != m) return false;
        return path_substring.empty() || target.find(path_substring) != std::string_view::npos;
    }

private:
    static fault of(fault_kind k) {
        fault f;
        f.kind = k;
        return f;
    }
};

/// Thread-safe FIFO of armed faults; the oldest matching one fires first.
class fault_queue {
public:
    void add(fault f, unsigned times) {
        if (times == 0) return;
        std::lock_guard lock(mutex_);
        armed_.push_back({std::move(f), times});
    }

    void clear() {
        std::lock_guard lock(mutex_);
        armed_.clear();
    }

    /// Remaining firings over all armed faults.
    std::size_t pending() const {
        std::lock_guard lock(mutex_);
        std::size_t n = 0;
        for (auto& a : armed_) n += a.remaining;
        return n;
    }

    /// Consumes one firing of the oldest fault matching the request.
    std::optional<fault> take(verb m, std::string_view target) {
        std::lock_guard lock(mutex_);
        for (auto it = armed_.begin(); it != armed_.end(); ++it) {
            if (!it->what.matches(m, target)) continue;
            fault f = it->what;
            if (--it->remaining == 0) armed_.erase(it);
            return f;
        }
        return std::nullopt;
    }

private:
    struct armed {
        fault what;
        unsigned remaining;
    };
    mutable std::mutex mutex_;
    std::deque<armed> armed_;
};

/// Counts requests by method and target, so tests can prove e.g. that a POST was sent exactly once.
class request_counter {
public:
    void record(std::string_view method, std::string_view target) {
        std::string key;
        key.reserve(method.size() + 1 + target.size());
        key.append(method).append(1, ' ').append(target);
        std::lock_guard lock(mutex_);
        ++seen_[std::move(key)];
    }

    /// Requests whose method equals `method` (empty = any) and whose target contains `path_substring`.
    std::size_t count(std::string_view method, std::string_view path_substring) const {
        std::lock_guard lock(mutex_);
        std::size_t n = 0;
        for (auto& [key, times] : seen_) {
            std::string_view k(key);
            const auto space = k.find(' ');
            if (!method.empty() && k.substr(0, space) != method) continue;
            if (k.substr(space + 1).find(path_substring) != std::string_view::npos) n += times;
        }
        return n;
    }

    void reset() {
        std::lock_guard lock(mutex_);
        seen_.clear();
    }

private:
    mutable std::mutex mutex_;
    std::unordered_map<std::string, std::size_t> seen_;  // "METHOD target" -> times
};

}  // namespace serverops::testing

#endif
