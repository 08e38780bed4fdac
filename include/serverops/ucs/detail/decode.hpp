// Response decoding shared by the UCS operations: lenient error bodies, the 503 of mode switching, timestamps.
#ifndef SERVEROPS_UCS_DETAIL_DECODE_HPP
#define SERVEROPS_UCS_DETAIL_DECODE_HPP

#include <serverops/detail/ascii.hpp>
#include <serverops/detail/json_read.hpp>
#include <serverops/http_message.hpp>
#include <serverops/ucs/types.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace serverops::ucs::detail {

using namespace serverops::detail;

inline constexpr std::size_t max_vendor_message = 1024;
inline constexpr std::size_t max_text_body = 512;

inline bool is_success(unsigned status) { return status >= 200 && status < 300; }

/// UCS answers 503 while it switches modes and for a call not available in the current mode: both are
/// errc::busy. Everything else maps by class.
constexpr errc errc_from_status(unsigned status) noexcept {
    return status == 503 ? errc::busy : errc_from_http_status(status);
}

inline void append_sentence(std::string& out, std::string_view s) {
    if (s.empty()) return;
    if (!out.empty()) out += " | ";
    out += s;
}

/// The documented error body is cut off in every stored copy ("error = { "http_met..."), so fields are collected
/// by the names such services use: an `error` object or string, `message`, `description`, `exception` (the GMS
/// side's `{"message","exception"}`), and `code`/`error_code`/`errorCode`/`http_code` for the code.
inline void collect_error_object(const json::object& o, std::string& code, std::string& message, int depth) {
    if (auto* e = find(o, "error")) {
        if (auto* eo = e->if_object(); eo && depth < 3) collect_error_object(*eo, code, message, depth + 1);
        else if (e->is_string()) append_sentence(message, e->get_string());
    }
    for (auto key : {"message", "description", "error_description", "errorMessage", "exception"})
        if (auto* m = find(o, key); m && m->is_string()) append_sentence(message, m->get_string());
    if (code.empty()) {
        for (auto key : {"code", "error_code", "errorCode", "http_code"}) {
            auto* c = find(o, key);
            if (!c) continue;
            if (c->is_string()) code = std::string(std::string_view(c->get_string()).substr(0, 32));
            else if (c->is_int64()) code = std::to_string(c->get_int64());
            else if (c->is_uint64()) code = std::to_string(c->get_uint64());
            if (!code.empty()) break;
        }
    }
}

/// The error for a non-success status. The body may be empty, JSON of any shape, plain text or an HTML page.
inline error http_error(const http_response& res) {
    error e(errc_from_status(res.status));
    e.http_status = res.status;
    e.retry_after = retry_after(res);
    if (res.status == 503) e.detail = "UCS is switching modes, or the call is not available in the current mode";
    if (res.body.empty()) return e;
    boost::system::error_code ec;
    auto v = json::parse(res.body, ec);
    std::string message;
    if (!ec) {
        if (auto* o = v.if_object()) collect_error_object(*o, e.vendor_code, message, 0);
        else if (auto* s = v.if_string()) message = std::string(s->data(), s->size());
    } else {
        std::string_view body = res.body;
        auto first = body.find_first_not_of(" \t\r\n");
        // plain text is kept; an HTML page or broken JSON is noise
        if (first != std::string_view::npos && body[first] != '<' && body[first] != '{' && body[first] != '[')
            message = std::string(body.substr(first, max_text_body));
    }
    if (message.size() > max_vendor_message) message.resize(max_vendor_message);
    e.vendor_message = std::move(message);
    // errc::busy is vendor-neutral: UCS's own reason goes to vendor_code when the body named none.
    if (res.status == 503 && e.vendor_code.empty()) e.vendor_code = "mode_switching";
    return e;
}

/// Statuses other than `expected`: 4xx/5xx through `http_error`, odd ones (1xx, 3xx, other 2xx) unexpected.
inline result<void> check_status(const http_response& res, unsigned expected) {
    if (res.status == expected) return success();
    if (res.status >= 400) return failure(http_error(res));
    error e(errc::unexpected_status, "expected HTTP " + std::to_string(expected));
    e.http_status = res.status;
    return failure(std::move(e));
}

/// Every error of a decoder carries the response's status, also shape and syntax errors found in a 200 body.
template <class T>
result<T> with_status(result<T> r, const http_response& res) {
    if (!r && r.error().http_status == 0) r.error().http_status = res.status;
    return r;
}

/// "yyyy-MM-ddTHH:mm:ss.SSSZ" as the API documents it (example "2010-02-24T15:56:46.369Z"). Also accepted: no or
/// any number of fraction digits (1-9 used), no seconds, ' ' for 'T', a numeric offset ("+01:00", "+0100",
/// "-05"), and no zone at all (read as UTC). Anything else, or a date the clock cannot hold, is nullopt.
inline std::optional<std::chrono::system_clock::time_point> parse_timestamp(std::string_view s) {
    using namespace std::chrono;
    std::size_t i = 0;
    auto digits = [&](std::size_t n, int& out) {
        if (i + n > s.size()) return false;
        out = 0;
        for (std::size_t k = 0; k < n; ++k) {
            char c = s[i + k];
            if (c < '0' || c > '9') return false;
            out = out * 10 + (c - '0');
        }
        i += n;
        return true;
    };
    auto expect = [&](char c) {
        if (i < s.size() && s[i] == c) {
            ++i;
            return true;
        }
        return false;
    };
    int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0;
    if (!digits(4, y) || !expect('-') || !digits(2, mo) || !expect('-') || !digits(2, d)) return std::nullopt;
    if (!(expect('T') || expect('t') || expect(' '))) return std::nullopt;
    if (!digits(2, h) || !expect(':') || !digits(2, mi)) return std::nullopt;
    std::int64_t nanos = 0;
    if (expect(':')) {
        if (!digits(2, sec)) return std::nullopt;
        if (expect('.') || expect(',')) {
            std::size_t n = 0;
            while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
                if (n < 9) nanos = nanos * 10 + (s[i] - '0');
                ++n;
                ++i;
            }
            if (n == 0) return std::nullopt;
            for (std::size_t k = n; k < 9; ++k) nanos *= 10;
        }
    }
    int offset_minutes = 0;
    if (i < s.size()) {
        if (s[i] == 'Z' || s[i] == 'z') {
            ++i;
        } else if (s[i] == '+' || s[i] == '-') {
            const int sign = s[i] == '-' ? -1 : 1;
            ++i;
            int oh = 0, om = 0;
            if (!digits(2, oh)) return std::nullopt;
            if (i < s.size()) {
                expect(':');
                if (!digits(2, om)) return std::nullopt;
            }
            if (oh > 23 || om > 59) return std::nullopt;
            offset_minutes = sign * (oh * 60 + om);
        } else {
            return std::nullopt;
        }
    }
    if (i != s.size()) return std::nullopt;
    const year_month_day ymd{year{y}, month{static_cast<unsigned>(mo)}, day{static_cast<unsigned>(d)}};
    if (!ymd.ok() || h > 23 || mi > 59 || sec > 60) return std::nullopt;
    // Seconds since the epoch fit easily in 64 bits for 4-digit years; the clock's own range is narrower.
    const std::int64_t secs = static_cast<std::int64_t>(sys_days(ymd).time_since_epoch().count()) * 86400 +
                              h * 3600 + mi * 60 + sec - static_cast<std::int64_t>(offset_minutes) * 60;
    constexpr auto limit = duration_cast<seconds>(system_clock::duration::max()).count() - 1;
    if (secs > limit || secs < -limit) return std::nullopt;
    return system_clock::time_point(duration_cast<system_clock::duration>(seconds(secs)) +
                                    duration_cast<system_clock::duration>(nanoseconds(nanos)));
}

inline result<std::optional<std::chrono::system_clock::time_point>> optional_time_field(const json::object& o,
                                                                                         std::string_view key,
                                                                                         std::string_view path) {
    using tp = std::chrono::system_clock::time_point;
    BOOST_OUTCOME_TRY(auto text, optional_string_field(o, key, path));
    if (!text) return std::optional<tp>();
    auto t = parse_timestamp(*text);
    if (!t) {
        std::string d = "expected a date \"yyyy-MM-ddTHH:mm:ss.SSSZ\" at '";
        d += path;
        d += '\'';
        error e(errc::unexpected_response, std::move(d));
        e.vendor_message = text->substr(0, 64);
        return failure(std::move(e));
    }
    return std::optional<tp>(*t);
}

}  // namespace serverops::ucs::detail

#endif
