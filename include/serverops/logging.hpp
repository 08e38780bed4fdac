// An optional log sink: a level and a callback, no global state, no logging dependency.
// Headers are printed by allow-list; everything else (Authorization, Cookie, Set-Cookie, ...) shows as REDACTED.
#ifndef SERVEROPS_LOGGING_HPP
#define SERVEROPS_LOGGING_HPP

#include <serverops/detail/ascii.hpp>
#include <serverops/error.hpp>
#include <serverops/http_message.hpp>

#include <array>
#include <functional>
#include <string>
#include <string_view>

namespace serverops {

enum class log_level { debug, info, warning, error, off };

struct logger {
    log_level min_level = log_level::off;
    std::function<void(log_level, std::string_view)> sink;

    bool enabled(log_level l) const noexcept { return sink && l >= min_level && l != log_level::off; }
    void log(log_level l, std::string_view line) const {
        if (enabled(l)) sink(l, line);
    }
};

/// Headers whose values may be logged. Anything else is written as REDACTED.
inline constexpr std::array<std::string_view, 9> loggable_headers = {
    "Accept", "Content-Type", "Content-Length", "User-Agent", "Host", "Retry-After", "Location", "Date", "Connection"};

inline bool is_loggable_header(std::string_view name) noexcept {
    for (auto h : loggable_headers)
        if (detail::iequals(h, name)) return true;
    return false;
}

inline std::string format_headers(const header_list& headers) {
    std::string out;
    for (auto& [name, value] : headers) {
        out += ' ';
        out += name;
        out += '=';
        out += is_loggable_header(name) ? value : std::string("REDACTED");
    }
    return out;
}

/// "POST /v2/operations/ALIAS/servers/pause [clc.pause] headers: Authorization=REDACTED" (bodies are never logged:
/// a login body holds a password).
inline std::string describe(const http_request& req) {
    std::string out(boost::beast::http::to_string(req.method));
    out += ' ';
    out += req.target;
    if (!req.operation.empty()) {
        out += " [";
        out += req.operation;
        out += ']';
    }
    if (!req.headers.empty()) out += " headers:" + format_headers(req.headers);
    if (!req.body.empty()) out += " body: " + std::to_string(req.body.size()) + " bytes";
    return out;
}

inline std::string describe(const http_response& res) {
    std::string out = "HTTP " + std::to_string(res.status);
    if (!res.headers.empty()) out += " headers:" + format_headers(res.headers);
    out += " body: " + std::to_string(res.body.size()) + " bytes";
    return out;
}

}  // namespace serverops

#endif
