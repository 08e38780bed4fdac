// Emulator settings written as text (the `serverops emulator` options, or a test's own configuration): strict
// parsers with typed errors that name the offending item. Numbers are digits with at most one point: no sign,
// exponent, spaces, "nan" or "inf", and every value has an upper bound.
#ifndef SERVEROPS_TESTING_EMULATOR_OPTION_TEXT_HPP
#define SERVEROPS_TESTING_EMULATOR_OPTION_TEXT_HPP

#include <serverops/error.hpp>
#include <serverops/testing/emulator/timing.hpp>

#include <boost/outcome/basic_result.hpp>
#include <boost/outcome/policy/terminate.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace serverops::testing {

enum class option_errc {
    empty,              ///< nothing where a value or an item was expected (also an empty item between commas)
    syntax,             ///< not of the documented form (a sign, an exponent, "nan", a missing unit, ...)
    out_of_range,       ///< a number outside its bounds (too many digits or decimals included)
    unknown_name,       ///< a fault name the grammar does not have
    unknown_parameter,  ///< a parameter the item does not take
    duplicate,          ///< the same fault (same path and method) or the same parameter twice
    control_character,  ///< a control character or a byte outside printable ASCII
    too_long,           ///< the text or an item is longer than its bound
};

inline const char* to_string(option_errc c) noexcept {
    switch (c) {
    case option_errc::empty: return "empty";
    case option_errc::syntax: return "syntax error";
    case option_errc::out_of_range: return "out of range";
    case option_errc::unknown_name: return "unknown name";
    case option_errc::unknown_parameter: return "unknown parameter";
    case option_errc::duplicate: return "duplicate";
    case option_errc::control_character: return "control character";
    case option_errc::too_long: return "too long";
    }
    return "invalid";
}

/// Why an option's text was rejected, naming the item that was (escaped and cut: it came from the user).
struct option_error {
    option_errc code = option_errc::syntax;
    std::string item;    ///< the offending item as written
    std::string reason;  ///< what was expected

    std::string message() const {
        std::string out = "'";
        out += printable(item, 64);
        out += "': ";
        out += reason;
        return out;
    }
};

template <class T>
using option_result = boost::outcome_v2::basic_result<T, option_error, boost::outcome_v2::policy::terminate>;

inline option_error option_failure(option_errc code, std::string_view item, std::string reason) {
    option_error e;
    e.code = code;
    e.item = std::string(item.substr(0, 256));
    e.reason = std::move(reason);
    return e;
}

namespace option_detail {

inline bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

/// "12", "0.5", "2.125": a decimal fixed-point number scaled by 10^decimals, at most `max_scaled`. Nothing else.
inline std::optional<std::uint64_t> fixed_point(std::string_view text, unsigned decimals, std::uint64_t max_scaled,
                                                option_errc& why) {
    why = option_errc::syntax;
    const auto point = text.find('.');
    const auto whole = text.substr(0, point);
    const auto fraction = point == std::string_view::npos ? std::string_view() : text.substr(point + 1);
    if (whole.empty() || (point != std::string_view::npos && fraction.empty())) return std::nullopt;
    for (char c : whole)
        if (!is_digit(c)) return std::nullopt;
    for (char c : fraction)
        if (!is_digit(c)) return std::nullopt;
    why = option_errc::out_of_range;
    if (fraction.size() > decimals) return std::nullopt;
    std::uint64_t value = 0;
    for (char c : whole) {
        value = value * 10 + static_cast<std::uint64_t>(c - '0');
        if (value > max_scaled) return std::nullopt;  // stops long before overflow
    }
    for (unsigned i = 0; i < decimals; ++i) {
        value = value * 10 + (i < fraction.size() ? static_cast<std::uint64_t>(fraction[i] - '0') : 0);
        if (value > max_scaled) return std::nullopt;
    }
    return value;
}

/// No control character and nothing outside ASCII (spaces are left to the syntax checks).
inline bool printable_ascii(std::string_view text) noexcept {
    for (char c : text) {
        const auto u = static_cast<unsigned char>(c);
        if (u < 0x20 || u > 0x7e) return false;
    }
    return true;
}

}  // namespace option_detail

inline constexpr std::chrono::milliseconds max_emulated_duration = std::chrono::hours(24);

/// "SECONDS" (digits, at most 3 decimals, 0 to 86400): e.g. the UCS switching window.
inline option_result<std::chrono::milliseconds> parse_seconds_text(std::string_view text) {
    if (text.empty()) return option_failure(option_errc::empty, text, "a number of seconds is required");
    if (text.size() > 32) return option_failure(option_errc::too_long, text, "a number of seconds is at most 32 characters");
    if (!option_detail::printable_ascii(text))
        return option_failure(option_errc::control_character, text, "only digits and one point are allowed");
    option_errc why{};
    auto ms = option_detail::fixed_point(text, 3, static_cast<std::uint64_t>(max_emulated_duration.count()), why);
    if (!ms)
        return option_failure(why, text,
                              why == option_errc::syntax ? "seconds are digits with at most one point, e.g. 2 or 0.25"
                                                         : "seconds go from 0 to 86400, with at most 3 decimals");
    return std::chrono::milliseconds(static_cast<std::chrono::milliseconds::rep>(*ms));
}

/// "SECONDS[:JITTER]", e.g. "30" or "30:10" (each job takes 20 to 40 s): JITTER at most SECONDS.
inline option_result<emulated_duration> parse_emulated_duration(std::string_view text) {
    const auto colon = text.find(':');
    auto base = parse_seconds_text(text.substr(0, colon));
    if (!base) return base.error();
    emulated_duration d;
    d.base = base.value();
    if (colon == std::string_view::npos) return d;
    auto jitter = parse_seconds_text(text.substr(colon + 1));
    if (!jitter) return jitter.error();
    if (jitter.value() > d.base) return option_failure(option_errc::out_of_range, text, "the jitter must not exceed the duration");
    d.jitter = jitter.value();
    return d;
}

/// A seed: decimal digits, 0 to 2^64 - 1.
inline option_result<std::uint64_t> parse_seed(std::string_view text) {
    if (text.empty()) return option_failure(option_errc::empty, text, "a seed is a decimal number");
    if (!option_detail::printable_ascii(text)) return option_failure(option_errc::control_character, text, "a seed is digits only");
    if (text.size() > 20) return option_failure(option_errc::out_of_range, text, "a seed is at most 18446744073709551615");
    std::uint64_t v = 0;
    for (char c : text) {
        if (!option_detail::is_digit(c)) return option_failure(option_errc::syntax, text, "a seed is digits only");
        const auto d = static_cast<std::uint64_t>(c - '0');
        if (v > (UINT64_MAX - d) / 10) return option_failure(option_errc::out_of_range, text, "a seed is at most 18446744073709551615");
        v = v * 10 + d;
    }
    return v;
}

}  // namespace serverops::testing

#endif
