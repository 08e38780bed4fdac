// An optional log sink: a level and a callback, no global state, no logging dependency.
// Headers are printed by allow-list; everything else (Authorization, Cookie, Set-Cookie, ...) shows as REDACTED, and no
// secret appears anywhere in a line, even where a server echoes one (see secrets.hpp).
#ifndef SERVEROPS_LOGGING_HPP
#define SERVEROPS_LOGGING_HPP

#include <serverops/detail/ascii.hpp>
#include <serverops/error.hpp>
#include <serverops/http_message.hpp>
#include <serverops/secrets.hpp>

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

/// " Name=value" per header; a header not on the allow-list shows as REDACTED.
inline std::string format_headers(const header_list& headers) {
    std::string out;
    for (auto& [name, value] : headers) {
        out.push_back(' ');
        out.append(name);
        out.push_back('=');
        out.append(is_loggable_header(name) ? std::string_view(value) : std::string_view("REDACTED"));
    }
    return out;
}

namespace detail {
// A logged line holds no secret: neither those the caller knows of nor the credentials its own headers carry (a
// Location that echoes the Set-Cookie or Authorization value beside it).
inline std::string finish_log_line(std::string line, const header_list& headers, const secret_set& known) {
    secret_set secrets = known;
    secrets.add_from_headers(headers);
    scrub_secrets(line, secrets);
    return line;
}
}  // namespace detail

/// "POST /v2/operations/ALIAS/servers/pause [clc.pause] headers: Authorization=REDACTED" (bodies are never logged:
/// a login body holds a password). No secret of `secrets`, nor any credential of the request's headers, appears.
inline std::string describe(const http_request& req, const secret_set& secrets = {}) {
    std::string out(boost::beast::http::to_string(req.method));
    out.push_back(' ');
    out.append(req.target);
    if (!req.operation.empty()) {
        out.append(" [");
        out.append(req.operation);
        out.push_back(']');
    }
    if (!req.headers.empty()) {
        out.append(" headers:");
        out.append(format_headers(req.headers));
    }
    if (!req.body.empty()) {
        out.append(" body: ");
        out.append(std::to_string(req.body.size()));
        out.append(" bytes");
    }
    return detail::finish_log_line(std::move(out), req.headers, secrets);
}

/// "HTTP 302 headers: Location=/rest/auth/status Set-Cookie=REDACTED body: 0 bytes", without any secret of
/// `secrets` or credential of the response's headers (a Location may echo the cookie it sets).
inline std::string describe(const http_response& res, const secret_set& secrets = {}) {
    std::string out("HTTP ");
    out.append(std::to_string(res.status));
    if (!res.headers.empty()) {
        out.append(" headers:");
        out.append(format_headers(res.headers));
    }
    out.append(" body: ");
    out.append(std::to_string(res.body.size()));
    out.append(" bytes");
    return detail::finish_log_line(std::move(out), res.headers, secrets);
}

}  // namespace serverops

#endif
