// Response decoding shared by the UCS operations: lenient error bodies, the 503 of mode switching, timestamps.
#ifndef SERVEROPS_UCS_DETAIL_DECODE_HPP
#define SERVEROPS_UCS_DETAIL_DECODE_HPP

#include <serverops/http_message.hpp>
#include <serverops/ucs/types.hpp>
#include <serverops/vendor.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace serverops::ucs::detail {

namespace json = boost::json;

/// UCS answers 503 while it switches modes and for a call not available in the current mode: both are
/// errc::busy. Everything else maps by class.
constexpr errc errc_from_status(unsigned status) noexcept {
    return status == 503 ? errc::busy : errc_from_http_status(status);
}

/// The error for a non-success status. The body may be empty, JSON of any shape, plain text or an HTML page. The
/// documented error body is cut off in every stored copy ("error = { "http_met..."), so its fields are read by the
/// names such services use (serverops::collect_error_fields).
inline error http_error(const http_response& res) {
    error e = serverops::response_error(res, errc_from_status(res.status));
    if (res.status == 503) {
        e.detail = "UCS is switching modes, or the call is not available in the current mode";
        // errc::busy is vendor-neutral: UCS's own reason goes to vendor_code when the body named none.
        if (e.vendor_code.empty()) e.vendor_code = "mode_switching";
    }
    return e;
}

/// Statuses other than `expected`: 4xx/5xx through `http_error`, odd ones (1xx, 3xx, other 2xx) unexpected.
inline result<void> check_status(const http_response& res, unsigned expected) {
    if (res.status == expected) return success();
    if (res.status >= 400) return failure(http_error(res));
    return failure(unexpected_status_error(res, {expected}));
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
