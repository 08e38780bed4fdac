// Fault injection: misbehaviours a real API or network shows. A fault is armed for the next N matching requests
// (`fault_queue::add`) or for each matching request with a probability (`add_random`, seeded); the command line's
// fault profiles (fault_profile.hpp) are parsed into these same objects.
#ifndef SERVEROPS_TESTING_EMULATOR_FAULTS_HPP
#define SERVEROPS_TESTING_EMULATOR_FAULTS_HPP

#include <serverops/testing/emulator/module.hpp>
#include <serverops/testing/emulator/timing.hpp>

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

/// A request meets at most one fault that changes its answer (the oldest armed one that matches and fires) and at most
/// one `delay` (likewise); a delay that fires with another fault holds that fault's answer (or close) back.

struct fault {
    fault_kind kind = fault_kind::respond;
    http_response response;                  ///< for `respond`
    std::chrono::milliseconds delay{0};      ///< for `delay`; real time (a timer), not the emulator clock
    std::chrono::milliseconds delay_max{0};  ///< for `delay`: when above `delay`, each firing draws from [delay, delay_max]
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
    /// A delay drawn uniformly from [lo, hi] at each firing (the queue's seeded generator).
    static fault delay_response(std::chrono::milliseconds lo, std::chrono::milliseconds hi) {
        fault f = delay_response(lo);
        f.delay_max = hi;
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

/// Thread-safe list of armed faults, oldest first. Random draws (probabilities, delay ranges) come from a seeded
/// generator: the same seed and the same requests give the same faults.
class fault_queue {
public:
    /// Arms `f` for the next `times` matching requests (0: nothing).
    void add(fault f, unsigned times) {
        if (times == 0) return;
        std::lock_guard lock(mutex_);
        armed_.push_back({std::move(f), times, 1.0});
    }

    /// Arms `f` for every matching request, each firing with `probability` (clamped to [0, 1]), until `clear`.
    void add_random(fault f, double probability) {
        if (!(probability > 0.0)) return;  // NaN and <= 0: never fires
        std::lock_guard lock(mutex_);
        armed_.push_back({std::move(f), unlimited, probability < 1.0 ? probability : 1.0});
    }

    /// Restarts the generator of the random faults from `seed` (the emulator passes its own seed).
    void seed(std::uint64_t seed) { random_.reseed(seed, random_stream::faults); }

    void clear() {
        std::lock_guard lock(mutex_);
        armed_.clear();
    }

    /// Remaining firings over the faults armed for a number of requests (random ones are not counted).
    std::size_t pending() const {
        std::lock_guard lock(mutex_);
        std::size_t n = 0;
        for (auto& a : armed_)
            if (a.remaining != unlimited) n += a.remaining;
        return n;
    }

    /// The fault this request meets, if any: the oldest matching answer-changing fault that fires, with the delay of
    /// the oldest matching delay that fires (`kind == delay` alone when only a delay fired). Consumes their firings.
    std::optional<fault> take(verb m, std::string_view target) {
        std::lock_guard lock(mutex_);
        std::optional<fault> answer;
        std::optional<std::chrono::milliseconds> delay;
        for (auto it = armed_.begin(); it != armed_.end() && !(answer && delay);) {
            const bool is_delay = it->what.kind == fault_kind::delay;
            if ((is_delay ? delay.has_value() : answer.has_value()) || !it->what.matches(m, target) ||
                !random_.chance(it->probability)) {
                ++it;
                continue;
            }
            if (is_delay) delay = random_.between(it->what.delay, it->what.delay_max);
            else answer = it->what;
            if (it->remaining != unlimited && --it->remaining == 0) it = armed_.erase(it);
            else ++it;
        }
        if (!answer && !delay) return std::nullopt;
        fault out = answer ? std::move(*answer) : fault::delay_response(*delay);
        out.delay = delay.value_or(std::chrono::milliseconds::zero());
        out.delay_max = {};
        return out;
    }

private:
    static constexpr unsigned unlimited = static_cast<unsigned>(-1);
    struct armed {
        fault what;
        unsigned remaining;  ///< `unlimited` for random faults
        double probability;
    };
    mutable std::mutex mutex_;
    std::deque<armed> armed_;
    random_source random_{1, random_stream::faults};
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
