// Fault profiles: a line of text that arms faults (faults.hpp) for a whole run, as `serverops emulator --faults` does.
//
//   PROFILE   := ITEM (',' ITEM)*                          at most 32 items, 4096 bytes, printable ASCII, no spaces
//   ITEM      := NAME '=' VALUE (':' PARAM)*
//   NAME      := status-NNN | NNN                          answer status NNN (400-599) instead of the API
//              | login-401                                 401 on logins (targets containing "/login")
//              | close-before-response | close-mid-response | truncated-body | malformed-json
//              | latency                                   hold every answer back
//   VALUE     := once | Nx                                 the next 1 or N (1-1000000) matching requests
//              | PROBABILITY                               each matching request with this chance (0 < p <= 1,
//                                                          at most 6 decimals: 0.05)
//              | DURATION ['..' DURATION]                  latency only: fixed, or uniform in the range
//   DURATION  := digits ['.' digits] ('ms' | 's')          at most 300 s
//   PARAM     := retry-after=SECONDS                       status faults: a Retry-After header (0-86400)
//              | path=TEXT                                 only targets containing TEXT (at most 256 bytes)
//              | method=GET|POST|PUT|PATCH|DELETE|HEAD     only this method
//
// e.g. "status-500=0.05,login-401=once,429=0.02:retry-after=2,latency=50ms..300ms,close-mid-response=0.01",
// or "500=once:path=/status/" (the first job poll fails). The same fault (name, path and method) twice is an error.
// Probabilities and latency ranges draw from the emulator's seeded generator: the same seed replays the same faults
// for the same requests.
#ifndef SERVEROPS_TESTING_EMULATOR_FAULT_PROFILE_HPP
#define SERVEROPS_TESTING_EMULATOR_FAULT_PROFILE_HPP

#include <serverops/detail/ascii.hpp>
#include <serverops/testing/emulator/faults.hpp>
#include <serverops/testing/emulator/option_text.hpp>

#include <chrono>
#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

namespace serverops::testing {

/// One armed fault of a profile: for the next `times` matching requests, or (times == 0) for each with `probability`.
struct fault_profile_rule {
    fault what;
    unsigned times = 0;
    double probability = 1.0;
};

struct fault_profile {
    std::vector<fault_profile_rule> rules;

    bool empty() const noexcept { return rules.empty(); }

    /// Arms every rule on `queue`, in order.
    void arm(fault_queue& queue) const {
        for (auto& r : rules) {
            if (r.times > 0) queue.add(r.what, r.times);
            else queue.add_random(r.what, r.probability);
        }
    }
};

namespace fault_profile_detail {

inline constexpr std::size_t max_text = 4096;
inline constexpr std::size_t max_items = 32;
inline constexpr std::size_t max_path = 256;
inline constexpr std::chrono::milliseconds max_latency = std::chrono::seconds(300);

inline std::vector<std::string_view> split(std::string_view text, char sep) {
    std::vector<std::string_view> out;
    while (true) {
        const auto at = text.find(sep);
        out.push_back(text.substr(0, at));
        if (at == std::string_view::npos) return out;
        text.remove_prefix(at + 1);
    }
}

/// "50ms", "2s", "0.25s".
inline option_result<std::chrono::milliseconds> duration(std::string_view text, std::string_view item) {
    const bool ms = text.ends_with("ms");
    const bool s = !ms && text.ends_with("s");
    if (!ms && !s) return option_failure(option_errc::syntax, item, "a latency needs a unit: 50ms or 0.5s");
    text.remove_suffix(ms ? 2 : 1);
    option_errc why{};
    const auto max = static_cast<std::uint64_t>(max_latency.count());
    auto v = option_detail::fixed_point(text, ms ? 0 : 3, max, why);
    if (!v)
        return option_failure(why, item, why == option_errc::syntax ? "a latency is digits and a unit, e.g. 50ms..300ms"
                                                                    : "a latency is at most 300s (whole milliseconds)");
    return std::chrono::milliseconds(static_cast<std::chrono::milliseconds::rep>(*v));
}

/// "once", "3x" or a probability, into `rule`.
inline option_result<void> rate(std::string_view text, std::string_view item, fault_profile_rule& rule) {
    if (text.empty()) return option_failure(option_errc::empty, item, "a value is required: once, Nx or a probability");
    if (text == "once") {
        rule.times = 1;
        return boost::outcome_v2::success();
    }
    option_errc why{};
    if (text.ends_with("x")) {
        auto n = option_detail::fixed_point(text.substr(0, text.size() - 1), 0, 1000000, why);
        if (!n || *n == 0)
            return option_failure(n || why == option_errc::out_of_range ? option_errc::out_of_range : why, item,
                                  "a count is 1x to 1000000x");
        rule.times = static_cast<unsigned>(*n);
        return boost::outcome_v2::success();
    }
    auto p = option_detail::fixed_point(text, 6, 1000000, why);
    if (!p || *p == 0)
        return option_failure(p || why == option_errc::out_of_range ? option_errc::out_of_range : why, item,
                              "a probability is above 0 and at most 1, with at most 6 decimals (e.g. 0.05), or once, Nx");
    rule.probability = static_cast<double>(*p) / 1e6;
    return boost::outcome_v2::success();
}

inline std::optional<verb> method(std::string_view m) {
    for (auto [name, v] : {std::pair{"GET", verb::get}, std::pair{"POST", verb::post}, std::pair{"PUT", verb::put},
                           std::pair{"PATCH", verb::patch}, std::pair{"DELETE", verb::delete_}, std::pair{"HEAD", verb::head}})
        if (serverops::detail::iequals(m, name)) return v;
    return std::nullopt;
}

/// The status of "status-NNN" or "NNN", 0 when the name is not one.
inline unsigned status_of(std::string_view name) {
    if (name.starts_with("status-")) name.remove_prefix(7);
    if (name.size() != 3) return 0;
    unsigned v = 0;
    for (char c : name) {
        if (!option_detail::is_digit(c)) return 0;
        v = v * 10 + static_cast<unsigned>(c - '0');
    }
    return v;
}

}  // namespace fault_profile_detail

/// Parses a fault profile (grammar above). Every failure names the item at fault.
inline option_result<fault_profile> parse_fault_profile(std::string_view text) {
    namespace d = fault_profile_detail;
    if (text.empty()) return option_failure(option_errc::empty, text, "a fault profile has at least one item");
    if (text.size() > d::max_text) return option_failure(option_errc::too_long, text.substr(0, 64), "a fault profile is at most 4096 bytes");
    const auto items = d::split(text, ',');
    if (items.size() > d::max_items) return option_failure(option_errc::too_long, text.substr(0, 64), "a fault profile has at most 32 items");

    fault_profile profile;
    std::set<std::tuple<std::string, std::string, int>> seen;  // name, path, method
    for (auto item : items) {
        if (item.empty()) return option_failure(option_errc::empty, item, "empty item (two commas, or one at an end)");
        for (char c : item) {
            const auto u = static_cast<unsigned char>(c);
            if (u < 0x20 || u >= 0x7f) return option_failure(option_errc::control_character, item, "only printable ASCII is allowed");
            if (c == ' ') return option_failure(option_errc::syntax, item, "spaces are not allowed");
        }
        const auto parts = d::split(item, ':');
        const auto head = parts.front();
        const auto eq = head.find('=');
        if (eq == std::string_view::npos) return option_failure(option_errc::syntax, item, "NAME=VALUE expected");
        const auto name = head.substr(0, eq);
        const auto value = head.substr(eq + 1);
        if (name.empty()) return option_failure(option_errc::empty, item, "a fault name is required");

        fault_profile_rule rule;
        std::string canonical;
        const unsigned status = d::status_of(name);
        if (name == "latency") {
            canonical = "latency";
            if (value.empty()) return option_failure(option_errc::empty, item, "a latency is required, e.g. 50ms..300ms");
            const auto dots = value.find("..");
            auto lo = d::duration(value.substr(0, dots), item);
            if (!lo) return lo.error();
            auto hi = dots == std::string_view::npos ? lo : d::duration(value.substr(dots + 2), item);
            if (!hi) return hi.error();
            if (hi.value() < lo.value()) return option_failure(option_errc::out_of_range, item, "the range goes from low to high");
            rule.what = fault::delay_response(lo.value(), hi.value());
        } else {
            if (status != 0) {
                if (status < 400 || status > 599) return option_failure(option_errc::out_of_range, item, "a fault status is 400 to 599");
                canonical = "status-";
                canonical += std::to_string(status);
                // The bodies of the factories (429 and 503 have their own); retry-after below adds the header.
                rule.what = status == 503   ? fault::unavailable()
                            : status == 429 ? fault::too_many_requests(std::chrono::seconds(0))
                                            : fault::status(status);
                rule.what.response.headers = {};
                rule.what.response.headers.set("Content-Type", json_content_type);
            } else if (name == "login-401") {
                canonical = "login-401";
                rule.what = fault::status(401).only_path("/login");
            } else if (name == "close-before-response") {
                rule.what = fault::close_before_response();
            } else if (name == "close-mid-response") {
                rule.what = fault::close_mid_response();
            } else if (name == "truncated-body") {
                rule.what = fault::truncated_body();
            } else if (name == "malformed-json") {
                rule.what = fault::malformed_json();
            } else {
                return option_failure(option_errc::unknown_name, item,
                                      "unknown fault (status-NNN, NNN, login-401, close-before-response, "
                                      "close-mid-response, truncated-body, malformed-json, latency)");
            }
            if (canonical.empty()) canonical = std::string(name);
            BOOST_OUTCOME_TRYV(d::rate(value, item, rule));
        }

        std::set<std::string_view> params;
        std::optional<std::chrono::seconds> retry_after;
        for (std::size_t i = 1; i < parts.size(); ++i) {
            const auto param = parts[i];
            const auto peq = param.find('=');
            const auto key = param.substr(0, peq);
            const auto pvalue = peq == std::string_view::npos ? std::string_view() : param.substr(peq + 1);
            if (peq == std::string_view::npos || pvalue.empty())
                return option_failure(option_errc::empty, item, "a parameter is KEY=VALUE");
            if (!params.insert(key).second) return option_failure(option_errc::duplicate, item, "a parameter is given twice");
            if (key == "retry-after") {
                if (rule.what.kind != fault_kind::respond || name == "login-401")
                    return option_failure(option_errc::unknown_parameter, item, "retry-after goes with a status fault only");
                option_errc why{};
                auto s = option_detail::fixed_point(pvalue, 0, 86400, why);
                if (!s) return option_failure(why, item, "retry-after is whole seconds, 0 to 86400");
                retry_after = std::chrono::seconds(static_cast<std::chrono::seconds::rep>(*s));
            } else if (key == "path") {
                if (pvalue.size() > d::max_path) return option_failure(option_errc::too_long, item, "a path is at most 256 bytes");
                rule.what.path_substring = std::string(pvalue);
            } else if (key == "method") {
                auto m = d::method(pvalue);
                if (!m) return option_failure(option_errc::syntax, item, "method is GET, POST, PUT, PATCH, DELETE or HEAD");
                rule.what.method = *m;
            } else {
                return option_failure(option_errc::unknown_parameter, item, "parameters are retry-after, path and method");
            }
        }
        if (retry_after) rule.what.response.headers.set("Retry-After", std::to_string(retry_after->count()));
        if (!seen.emplace(canonical, rule.what.path_substring, rule.what.method ? static_cast<int>(*rule.what.method) : -1).second)
            return option_failure(option_errc::duplicate, item, "this fault is already in the profile (same path and method)");
        profile.rules.push_back(std::move(rule));
    }
    return profile;
}

}  // namespace serverops::testing

#endif
