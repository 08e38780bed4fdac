// Response decoding shared by the Alien4Cloud operations: the RestResponse envelope, error mapping, dates,
// the session cookie of a login.
#ifndef SERVEROPS_A4C_DETAIL_DECODE_HPP
#define SERVEROPS_A4C_DETAIL_DECODE_HPP

#include <serverops/a4c/context.hpp>
#include <serverops/a4c/types.hpp>
#include <serverops/detail/ascii.hpp>
#include <serverops/http_message.hpp>
#include <serverops/vendor.hpp>

#include <algorithm>
#include <chrono>
#include <climits>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

namespace serverops::a4c::detail {

namespace json = boost::json;
using serverops::detail::ascii_lower;
using serverops::detail::iequals;

inline bool contains(std::initializer_list<unsigned> set, unsigned v) {
    return std::find(set.begin(), set.end(), v) != set.end();
}

inline std::string truncated(std::string_view s, std::size_t limit) { return std::string(s.substr(0, limit)); }

/// The error of a failed exchange: the envelope's `error` when there is one, else the status class.
/// `body` is the parsed body, or nullptr when it was empty or not JSON.
/// Shapes: `{"data":..,"error":{"code":int,"message":str}}`; Spring Boot's default error JSON
/// (`{"status":500,"error":"Internal Server Error","message":..}`); empty, HTML or text bodies.
/// The envelope's `data` (a stack trace on 500) is never copied.
inline error make_error(const http_response& res, const json::value* body) {
    // The kind follows the envelope's code when there is one (errc_from_rest_error), else the status.
    auto read_envelope = [&res](const json::value& parsed, error& e) {
        std::optional<std::int64_t> code;
        bool envelope_error = false;
        if (auto* o = parsed.if_object()) {
            if (auto* err = find_field(*o, "error")) {
                if (auto* eo = err->if_object()) {
                    envelope_error = true;
                    if (auto* c = find_field(*eo, "code")) {
                        if (auto n = int_field(*eo, "code", "$.error.code")) {
                            code = n.value();
                            e.vendor_code = std::to_string(n.value());
                        } else if (c->is_string()) {
                            std::string_view s = c->get_string();
                            e.vendor_code = truncated(s, 32);
                            if (!s.empty() && s.size() < 10 &&
                                std::all_of(s.begin(), s.end(), [](char ch) { return ch >= '0' && ch <= '9'; })) {
                                std::int64_t n = 0;
                                for (char ch : s) n = n * 10 + (ch - '0');
                                code = n;
                            }
                        }
                    }
                    if (auto* m = find_field(*eo, "message"); m && m->is_string()) e.vendor_message = m->get_string();
                } else if (err->is_string()) {
                    e.vendor_message = err->get_string();  // Spring Boot: reason phrase
                }
            }
            if (!envelope_error)
                if (auto* m = find_field(*o, "message"); m && m->is_string()) e.vendor_message = m->get_string();
        } else if (auto* s = parsed.if_string()) {
            e.vendor_message = *s;
        }
        e.code = make_error_code(errc_from_rest_error(res.status, code));
    };
    error e = serverops::response_error(res, errc_from_rest_error(res.status, std::nullopt), body, read_envelope);
    if (is_success_status(res.status)) e.detail = "the response has a success status but its envelope carries an error";
    return e;
}

inline std::optional<json::value> try_parse(std::string_view body) {
    if (body.empty()) return std::nullopt;
    boost::system::error_code ec;
    json::value v = json::parse(body, ec);
    if (ec) return std::nullopt;
    return v;
}

/// The check every REST call shares. Succeeds with the envelope's `data` (JSON null when null or missing) when the
/// status is one of `expected` and the envelope carries no error; fails otherwise, with the server's code and
/// message. `body_required`: an empty body is a malformed response (for calls whose `data` matters).
inline result<json::value> decode_envelope(const http_response& res, std::initializer_list<unsigned> expected,
                                           bool body_required) {
    const auto parsed = try_parse(res.body);
    const json::object* o = parsed ? parsed->if_object() : nullptr;
    const json::value* err = o ? find_field(*o, "error") : nullptr;
    const bool has_error = err && (err->is_object() || err->is_string());
    const bool expected_status = contains(expected, res.status);
    if (has_error || !is_success_status(res.status)) return failure(make_error(res, parsed ? &*parsed : nullptr));
    if (!expected_status) return failure(unexpected_status_error(res, expected));
    if (res.body.empty()) {
        if (body_required) {
            error e(errc::malformed_response, "empty response body");
            e.http_status = res.status;
            return failure(std::move(e));
        }
        return json::value(nullptr);
    }
    if (!parsed) {
        auto p = parse_json(res.body);  // for the parser's own words
        error e = p ? error(errc::malformed_response, "response body is not valid JSON") : std::move(p).error();
        e.http_status = res.status;
        return failure(std::move(e));
    }
    if (!o) {
        error e = shape_error("$", "object", &*parsed);
        e.http_status = res.status;
        return failure(std::move(e));
    }
    if (auto* d = o->if_contains("data")) return *d;
    return json::value(nullptr);
}

/// The calls whose `data` is `RestResponse<Void>`: only the status and the envelope's error matter.
inline result<void> decode_no_data(const http_response& res, std::initializer_list<unsigned> expected) {
    auto r = decode_envelope(res, expected, false);
    if (!r) return failure(std::move(r).error());
    return success();
}

/// Epoch milliseconds to a time point; values outside what the clock can hold are a typed error, not UB.
inline result<std::chrono::system_clock::time_point> from_epoch_ms(std::int64_t ms, std::string_view path) {
    using namespace std::chrono;
    constexpr auto limit = duration_cast<milliseconds>(system_clock::duration::max()).count();
    if (ms > limit || ms < -limit) {
        std::string d = "date out of range at '";
        d += path;
        d += '\'';
        return failure(errc::unexpected_response, std::move(d));
    }
    return system_clock::time_point(duration_cast<system_clock::duration>(milliseconds(ms)));
}

inline result<std::optional<int>> optional_int32_field(const json::object& o, std::string_view key, std::string_view path) {
    BOOST_OUTCOME_TRY(auto n, optional_int_field(o, key, path));
    if (!n) return std::optional<int>();
    if (*n < INT_MIN || *n > INT_MAX) {
        std::string d = "integer out of range at '";
        d += path;
        d += '\'';
        return failure(errc::unexpected_response, std::move(d));
    }
    return std::optional<int>(static_cast<int>(*n));
}

inline result<std::vector<std::string>> optional_string_array(const json::object& o, std::string_view key,
                                                              std::string_view path, std::string_view item_path) {
    std::vector<std::string> out;
    auto* v = find_field(o, key);
    if (!v) return out;
    BOOST_OUTCOME_TRY(auto arr, as_array(*v, path));
    out.reserve(arr->size());
    for (auto& item : *arr) {
        BOOST_OUTCOME_TRY(auto s, as_string(item, item_path));
        out.push_back(std::move(s));
    }
    return out;
}

/// Cookie values may only hold RFC 6265 cookie-octets: anything else could forge headers.
inline bool is_cookie_value(std::string_view v) {
    for (char c : v) {
        auto u = static_cast<unsigned char>(c);
        if (u <= 0x20 || u >= 0x7f || c == '"' || c == ',' || c == ';' || c == '\\') return false;
    }
    return true;
}

/// The JSESSIONID of the last `Set-Cookie` that sets it (a cookie cleared by `Max-Age=0` or an empty value is
/// skipped). Empty when there is none.
inline std::string session_cookie_of(const http_response& res) {
    std::string found;
    for (const auto& [name, value] : res.headers) {
        if (!iequals(name, "Set-Cookie")) continue;
        std::string_view v = value;
        auto semi = v.find(';');
        std::string_view pair = v.substr(0, semi);
        std::string_view attrs = semi == std::string_view::npos ? std::string_view() : v.substr(semi);
        auto eq = pair.find('=');
        if (eq == std::string_view::npos) continue;
        auto trim = [](std::string_view s) {
            while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
            while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
            return s;
        };
        if (trim(pair.substr(0, eq)) != session_cookie_name) continue;
        auto cookie = trim(pair.substr(eq + 1));
        if (cookie.size() >= 2 && cookie.front() == '"' && cookie.back() == '"') cookie = cookie.substr(1, cookie.size() - 2);
        std::string lower_attrs;
        for (char c : attrs)
            if (c != ' ') lower_attrs += ascii_lower(c);
        if (cookie.empty() || lower_attrs.find(";max-age=0") != std::string::npos) continue;
        found = std::string(cookie);
    }
    return found;
}

}  // namespace serverops::a4c::detail

#endif
