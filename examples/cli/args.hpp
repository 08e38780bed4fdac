// serverops CLI: splits the command line into words (sub-commands and their operands) and options, and parses
// option values strictly. Options may appear anywhere after `serverops`; `--name=value` and `--name value` both
// work; `--` ends the options. Which options a command accepts is checked by the command (`allow_only`).
#ifndef SERVEROPS_CLI_ARGS_HPP
#define SERVEROPS_CLI_ARGS_HPP

#include "common.hpp"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace serverops_cli {

struct option_spec {
    std::string_view name;
    bool takes_value;
};

/// Every option of every command. Credentials are deliberately absent: they come from the environment only.
inline constexpr option_spec known_options[] = {
    {"--help", false},    {"--json", false},          {"--base-url", true},
    {"--alias", true},    {"--ca-file", true},        {"--insecure-skip-tls-verify", false},
    {"--wait", false},    {"--timeout", true},        {"--poll-interval", true},
    {"--message", true},  {"--progress", true},       {"--port", true},
    {"--tls", false},     {"--request-timeout", true}, {"--force", false},
    {"--journal", true},  {"--audit", true},          {"--operator", true},
    {"--resend-uncertain", false},
    {"--job-duration", true}, {"--switch-window", true}, {"--faults", true}, {"--seed", true},
    {"--auth", true},     {"--power-transition", true},
};

inline const option_spec* find_option(std::string_view name) {
    if (name == "-h") name = "--help";
    for (auto& o : known_options)
        if (o.name == name) return &o;
    return nullptr;
}

struct command_line {
    std::vector<std::string> words;              ///< everything that is not an option, in order
    std::map<std::string, std::string> options;  ///< "--name" -> value ("" for flags)
    bool help = false;                           ///< --help or -h anywhere

    bool has(std::string_view name) const { return options.count(std::string(name)) != 0; }
    std::optional<std::string> value(std::string_view name) const {
        auto it = options.find(std::string(name));
        if (it == options.end()) return std::nullopt;
        return it->second;
    }
    /// The first option given that is not in `allowed` (--help is always allowed), if any.
    std::optional<std::string> unexpected_option(std::initializer_list<std::string_view> allowed) const {
        for (auto& [name, value] : options)
            if (std::find(allowed.begin(), allowed.end(), name) == allowed.end()) return name;
        return std::nullopt;
    }
};

struct parse_result {
    command_line line;
    std::string error;  ///< non-empty: a usage error
};

/// Splits argv[1..]. Errors: unknown options, a missing value, an option given twice.
inline parse_result parse_command_line(int argc, char** argv) {
    parse_result out;
    bool options_ended = false;
    for (int i = 1; i < argc; ++i) {
        std::string_view arg = argv[i];
        if (options_ended || arg.size() < 2 || arg.front() != '-') {
            out.line.words.emplace_back(arg);
            continue;
        }
        if (arg == "--") {
            options_ended = true;
            continue;
        }
        std::string_view name = arg;
        std::optional<std::string_view> inline_value;
        if (auto eq = arg.find('='); arg.starts_with("--") && eq != std::string_view::npos) {
            name = arg.substr(0, eq);
            inline_value = arg.substr(eq + 1);
        }
        const option_spec* spec = find_option(name);
        if (!spec) {
            out.error = "unknown option '" + clip(name, 80) + "'";
            return out;
        }
        if (spec->name == "--help") {
            out.line.help = true;
            continue;
        }
        std::string value;
        if (spec->takes_value) {
            if (inline_value) {
                value = std::string(*inline_value);
            } else if (i + 1 < argc) {
                value = argv[++i];
            } else {
                out.error = "option " + std::string(spec->name) + " needs a value";
                return out;
            }
        } else if (inline_value) {
            out.error = "option " + std::string(spec->name) + " takes no value";
            return out;
        }
        if (!out.line.options.emplace(std::string(spec->name), std::move(value)).second) {
            out.error = "option " + std::string(spec->name) + " given twice";
            return out;
        }
    }
    return out;
}

/// "30", "0.5", "2.25": a positive decimal number of seconds (at most 3 decimals, at most a week). Digits and one
/// point only: no sign, exponent, spaces, "nan" or "inf", and nothing after the number.
inline std::optional<std::chrono::milliseconds> parse_seconds(std::string_view text) {
    if (text.empty() || text.size() > 16) return std::nullopt;
    std::int64_t whole = 0, millis = 0;
    std::size_t i = 0;
    for (; i < text.size() && text[i] != '.'; ++i) {
        if (text[i] < '0' || text[i] > '9') return std::nullopt;
        whole = whole * 10 + (text[i] - '0');
        if (whole > 7 * 24 * 3600) return std::nullopt;
    }
    if (i == 0) return std::nullopt;  // ".5": write 0.5
    if (i < text.size()) {
        auto fraction = text.substr(i + 1);
        if (fraction.empty() || fraction.size() > 3) return std::nullopt;
        std::int64_t scale = 100;
        for (char c : fraction) {
            if (c < '0' || c > '9') return std::nullopt;
            millis += (c - '0') * scale;
            scale /= 10;
        }
    }
    auto total = std::chrono::milliseconds(whole * 1000 + millis);
    if (total.count() <= 0 || total > std::chrono::hours(24 * 7)) return std::nullopt;
    return total;
}

/// A decimal integer in [lo, hi], digits only.
inline std::optional<long> parse_integer(std::string_view text, long lo, long hi) {
    if (text.empty() || text.size() > 9) return std::nullopt;
    long v = 0;
    for (char c : text) {
        if (c < '0' || c > '9') return std::nullopt;
        v = v * 10 + (c - '0');
    }
    if (v < lo || v > hi) return std::nullopt;
    return v;
}

}  // namespace serverops_cli

#endif
