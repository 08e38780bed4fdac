// serverops/vendor.hpp: the public toolkit for writing a vendor API (a fourth REST API next to CLC, A4C and UCS).
// The built-in vendors are written with exactly these pieces; `examples/7_custom_vendor.cpp` defines a small API in
// user code with them, and docs/design.md ("Writing a vendor") walks through it.
//
// A vendor is three kinds of plain types, no base classes:
// - a context (`serverops::context`): what every request shares — path prefix, credentials. It adds credentials
//   in `void authorize(http_request&) const` and declares them in `secret_set secrets() const`, so that no error
//   or log line ever shows them (the client scrubs every error it returns, in any spelling a server may echo).
// - operations (`serverops::operation`, operation.hpp): one struct per call with `target()`, optional `body()` and
//   `validate()`, and `decode()`, which turns every answer — 4xx/5xx included — into a typed `result`.
// - optionally an authenticator for `serverops::session` (session.hpp): `has_credentials`, `forget`,
//   `is_rejection`, and for a login `login_request()` / `apply_login()`; the login operation declares its
//   password in `secrets()`.
//
// What this header offers for them:
// - requests: `encode_path_segment` / `append_path_segment` / `make_target` for every value that goes into a path
//   (only RFC 3986 unreserved bytes stay literal; "." and ".." segments are encoded), `check_path_prefix` for a
//   prefix that goes verbatim in front, and `is_header_token` / `has_control_characters` for values that go into
//   headers; `same_origin_target` for a URI the server handed out (a Location, a link, an action target) that a
//   later request follows: it stays on the configured origin, under its prefix;
// - answers: `is_success_status`, `response_error` (a failed answer to an `error`: status, Retry-After, the vendor's
//   code and message from a JSON body read by the vendor's reader or the common one, plain text kept, HTML dropped,
//   every piece bounded), `unexpected_status_error` and `with_http_status`;
// - JSON: `parse_json`, `as_object`, `find_field`, `string_field`, `optional_int_field`, ... — tolerant readers
//   (extra fields ignored, JSON null is absent) whose every mismatch is `errc::unexpected_response` naming the
//   JSON path ("expected string at '$.links[].href', got number"); `enum_table` for wire names of enums;
// - secrets: `secret_set` (`add`, `add_token`, `add_basic`, `add_from_headers`) and `scrub_secrets`.
// Errors: use the vendor-neutral `errc` and put the vendor's own code and words in `vendor_code` and
// `vendor_message` (docs/errors.md has the table of what the built-in vendors produce).
#ifndef SERVEROPS_VENDOR_HPP
#define SERVEROPS_VENDOR_HPP

#include <serverops/detail/enum_table.hpp>
#include <serverops/detail/json_read.hpp>
#include <serverops/detail/path.hpp>
#include <serverops/detail/ascii.hpp>
#include <serverops/detail/utf8.hpp>
#include <serverops/endpoint.hpp>
#include <serverops/error.hpp>
#include <serverops/http_message.hpp>
#include <serverops/operation.hpp>
#include <serverops/secrets.hpp>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <boost/url/parse.hpp>

#include <chrono>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

namespace serverops {

// ------------------------------------------------------------------------------------------------ request values

/// Whether `value` is one header token: visible ASCII only (0x21-0x7E), as a bearer token or cookie must be. A
/// value with CR/LF would forge headers on a transport that does not check, a space would split the token.
constexpr bool is_header_token(std::string_view value) noexcept {
    for (char c : value) {
        const auto u = static_cast<unsigned char>(c);
        if (u <= 0x20 || u >= 0x7f) return false;
    }
    return true;
}

/// Whether `text` holds a C0 control character or DEL (free text such as a password may hold spaces and UTF-8).
constexpr bool has_control_characters(std::string_view text) noexcept {
    for (char c : text) {
        const auto u = static_cast<unsigned char>(c);
        if (u < 0x20 || u == 0x7f) return true;
    }
    return false;
}

// ------------------------------------------------------------------------------------------------ links

namespace detail {
/// A query string of RFC 3986 characters only (pchar / "/" / "?", well-formed %XX escapes), none decoding to a
/// control character.
inline bool is_safe_query(std::string_view q) noexcept {
    for (std::size_t i = 0; i < q.size(); ++i) {
        const char c = q[i];
        if (c == '%') {
            if (q.size() - i < 3) return false;
            const int hi = hex_value(q[i + 1]), lo = hex_value(q[i + 2]);
            if (hi < 0 || lo < 0) return false;
            const int decoded = hi * 16 + lo;
            if (decoded < 0x20 || decoded == 0x7f) return false;
            i += 2;
        } else if (!is_unreserved(c) && std::string_view("!$&'()*+,;=:@/?").find(c) == std::string_view::npos) {
            return false;
        }
    }
    return true;
}

inline error unsafe_link(std::string_view what, std::string_view uri, std::string_view why) {
    std::string d(what);
    d += ' ';
    d += quoting("", uri, 120, " ");
    d += why;
    return error(errc::invalid_request, std::move(d));
}
}  // namespace detail

/// A URI a server handed out (a `Location` header, a link, an action target) as the origin-form request target
/// that follows it, when it stays on the service the user configured: an absolute path, or an absolute http(s) URL
/// whose scheme, host and port are `origin`'s (`origin` null: only paths are accepted). A path not already under
/// `path_prefix` is put under it (a service behind a path-prefixing proxy names its resources without the prefix).
/// Everything else is `errc::invalid_request` naming `what`, so that credentials never travel where the user did
/// not point them, and a hostile link cannot reshape the request line: another scheme, host or port; a
/// network-path ("//host/..."); a relative reference; user-info or a fragment; a dot segment (also %2E-encoded);
/// control characters (also %-encoded), spaces, backslashes or other bytes outside RFC 3986.
inline result<std::string> same_origin_target(std::string_view uri, const endpoint* origin, std::string_view path_prefix,
                                              std::string_view what = "link") {
    if (uri.size() > 4096) return failure(detail::unsafe_link(what, uri, "is longer than 4096 bytes"));
    std::string_view path, query;
    bool has_query = false;
    if (!uri.empty() && uri.front() == '/') {
        if (uri.size() > 1 && uri[1] == '/') return failure(detail::unsafe_link(what, uri, "names another host"));
        if (uri.find('#') != std::string_view::npos) return failure(detail::unsafe_link(what, uri, "holds a fragment"));
        const auto q = uri.find('?');
        path = uri.substr(0, q);
        if (q != std::string_view::npos) {
            query = uri.substr(q + 1);
            has_query = true;
        }
    } else {
        auto u = boost::urls::parse_absolute_uri(uri);
        if (!u) return failure(detail::unsafe_link(what, uri, "is neither an absolute path nor an absolute URL"));
        if (!origin) return failure(detail::unsafe_link(what, uri, "is an absolute URL and no origin is configured"));
        const bool https = u->scheme_id() == boost::urls::scheme::https;
        if ((!https && u->scheme_id() != boost::urls::scheme::http) || https != origin->tls)
            return failure(detail::unsafe_link(what, uri, "changes the scheme"));
        if (u->has_userinfo()) return failure(detail::unsafe_link(what, uri, "carries user-info"));
        std::string host = u->host_type() == boost::urls::host_type::ipv6 ? std::string(u->encoded_host_address())
                                                                         : std::string(u->host());
        if (host.size() > 2 && host.front() == '[') host = host.substr(1, host.size() - 2);
        std::string port = u->has_port() ? detail::canonical_port(u->port()).value_or("") : (https ? "443" : "80");
        if (!detail::iequals(host, origin->host) || port != origin->port)
            return failure(detail::unsafe_link(what, uri, "names another host or port than the configured service"));
        path = u->encoded_path();  // an absolute-URI has no fragment: parse_absolute_uri refused one already
        if (u->has_query()) {
            query = u->encoded_query();
            has_query = true;
        }
        if (path.empty() || path.front() != '/' || (path.size() > 1 && path[1] == '/'))
            return failure(detail::unsafe_link(what, uri, "has no absolute path"));
    }
    if (!is_safe_path_prefix(path) || !detail::is_safe_query(query))
        return failure(detail::unsafe_link(
            what, uri, "holds a dot segment, a control character or a byte outside RFC 3986"));
    std::string target;
    const bool under_prefix = path_prefix.empty() || path == path_prefix ||
                              (path.starts_with(path_prefix) && path[path_prefix.size()] == '/');
    if (!under_prefix) target = path_prefix;
    target += path;
    if (has_query) {
        target += '?';
        target += query;
    }
    return target;
}

// ------------------------------------------------------------------------------------------------ answers

/// 2xx.
constexpr bool is_success_status(unsigned status) noexcept { return status >= 200 && status < 300; }

/// Longest vendor text `response_error` keeps, in bytes (cut on a character boundary).
inline constexpr std::size_t max_vendor_message_length = 1024;
inline constexpr std::size_t max_vendor_code_length = 128;
/// Longest plain-text body kept as a vendor message.
inline constexpr std::size_t max_plain_text_body = 512;

/// Appends `part` to `out`, joined with " | " (several messages of one error body).
inline void append_sentence(std::string& out, std::string_view part) {
    if (part.empty()) return;
    if (!out.empty()) out += " | ";
    out += part;
}

/// The vendor message of a body that is not JSON: plain text is kept from its first non-blank byte, cut to `limit`
/// bytes; an HTML page or what looks like broken JSON is noise for a reader of the error, so it gives "".
inline std::string plain_text_of_body(std::string_view body, std::size_t limit = max_plain_text_body) {
    const auto first = body.find_first_not_of(" \t\r\n");
    if (first == std::string_view::npos || body[first] == '<' || body[first] == '{' || body[first] == '[') return {};
    body.remove_prefix(first);
    return std::string(body.substr(0, detail::utf8_prefix_length(body, limit)));
}

/// The error fields most REST services use, from one error object: an `error` object (read the same way, nested up
/// to 3 deep) or string; `message`, `description`, `error_description`, `errorMessage`, `exception` joined with
/// " | "; and the first of `code`, `error_code`, `errorCode`, `http_code` (string or integer) as the code.
inline void collect_error_fields(const boost::json::object& o, std::string& code, std::string& message, int depth = 0) {
    if (auto* e = find_field(o, "error")) {
        if (auto* eo = e->if_object(); eo && depth < 3) collect_error_fields(*eo, code, message, depth + 1);
        else if (e->is_string()) append_sentence(message, e->get_string());
    }
    for (auto key : {"message", "description", "error_description", "errorMessage", "exception"})
        if (auto* m = find_field(o, key); m && m->is_string()) append_sentence(message, m->get_string());
    if (code.empty()) {
        for (auto key : {"code", "error_code", "errorCode", "http_code"}) {
            auto* c = find_field(o, key);
            if (!c) continue;
            if (c->is_string()) code = std::string(std::string_view(c->get_string()).substr(0, 32));
            else if (c->is_int64()) code = std::to_string(c->get_int64());
            else if (c->is_uint64()) code = std::to_string(c->get_uint64());
            if (!code.empty()) break;
        }
    }
}

/// The default JSON error-body reader of `response_error`: `collect_error_fields` on an object, the text of a string.
struct common_error_body {
    void operator()(const boost::json::value& body, error& e) const {
        if (auto* o = body.if_object()) collect_error_fields(*o, e.vendor_code, e.vendor_message);
        else if (auto* s = body.if_string()) e.vendor_message.assign(s->data(), s->size());
    }
};

/// The error of an answer the operation judged a failure, from a body parsed already (`parsed_body` null: the body
/// was empty or not JSON). `kind`, `http_status` and `retry_after` come from the answer; a JSON body goes through
/// `read_json(const boost::json::value&, error&)`, which fills `vendor_code` / `vendor_message` and may refine
/// `code` (by the vendor's own error code, say); other bodies through `plain_text_of_body`. Both vendor texts are
/// then cut to their maximum on a character boundary.
template <class ReadJson = common_error_body>
    requires std::is_invocable_v<ReadJson&, const boost::json::value&, error&>
error response_error(const http_response& res, errc kind, const boost::json::value* parsed_body, ReadJson&& read_json = {}) {
    error e(kind);
    e.http_status = res.status;
    e.retry_after = retry_after(res);
    if (parsed_body) read_json(*parsed_body, e);
    else e.vendor_message = plain_text_of_body(res.body);
    e.vendor_message.resize(detail::utf8_prefix_length(e.vendor_message, max_vendor_message_length));
    e.vendor_code.resize(detail::utf8_prefix_length(e.vendor_code, max_vendor_code_length));
    return e;
}

/// `response_error` that parses the body itself.
template <class ReadJson = common_error_body>
    requires std::is_invocable_v<ReadJson&, const boost::json::value&, error&>
error response_error(const http_response& res, errc kind, ReadJson&& read_json = {}) {
    if (res.body.empty()) return response_error(res, kind, nullptr, std::forward<ReadJson>(read_json));
    boost::system::error_code ec;
    const auto body = boost::json::parse(res.body, ec);
    return response_error(res, kind, ec ? nullptr : &body, std::forward<ReadJson>(read_json));
}

/// `response_error` with the kind from the status class (`errc_from_http_status`) and the common body reader.
inline error response_error(const http_response& res) { return response_error(res, errc_from_http_status(res.status)); }

/// `errc::unexpected_status` for an answer whose status is none of `expected` ("expected HTTP 200 or 201").
inline error unexpected_status_error(const http_response& res, std::initializer_list<unsigned> expected) {
    std::string d = "expected HTTP ";
    bool first = true;
    for (auto status : expected) {
        if (!first) d += " or ";
        d += std::to_string(status);
        first = false;
    }
    error e(errc::unexpected_status, std::move(d));
    e.http_status = res.status;
    return e;
}

/// Stamps the answer's status on a decoder's error that has none (a shape or syntax error found in a 2xx body), so
/// every error of a decoder says which answer it came from.
template <class T>
result<T> with_http_status(result<T> r, const http_response& res) {
    if (!r && r.error().http_status == 0) r.error().http_status = res.status;
    return r;
}

namespace detail {
/// An IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT", RFC 9110 5.6.7) as seconds since the epoch; nullopt for
/// anything else (the obsolete RFC 850 and asctime forms included).
inline std::optional<std::int64_t> parse_imf_fixdate(std::string_view s) {
    if (s.size() != 29 || s[3] != ',' || s[4] != ' ' || s[7] != ' ' || s[11] != ' ' || s[16] != ' ' || s[19] != ':' ||
        s[22] != ':' || s.substr(25) != " GMT")
        return std::nullopt;
    auto number = [&](std::size_t at, std::size_t n) -> int {
        int v = 0;
        for (std::size_t k = at; k < at + n; ++k) {
            if (s[k] < '0' || s[k] > '9') return -1;
            v = v * 10 + (s[k] - '0');
        }
        return v;
    };
    static constexpr std::string_view months = "JanFebMarAprMayJunJulAugSepOctNovDec";
    const auto m = months.find(s.substr(8, 3));
    const int d = number(5, 2), y = number(12, 4), h = number(17, 2), mi = number(20, 2), sec = number(23, 2);
    if (m == std::string_view::npos || m % 3 != 0 || d < 0 || y < 0 || h < 0 || mi < 0 || sec < 0) return std::nullopt;
    const std::chrono::year_month_day ymd{std::chrono::year{y}, std::chrono::month{static_cast<unsigned>(m / 3 + 1)},
                                          std::chrono::day{static_cast<unsigned>(d)}};
    if (!ymd.ok() || h > 23 || mi > 59 || sec > 60) return std::nullopt;
    return static_cast<std::int64_t>(std::chrono::sys_days(ymd).time_since_epoch().count()) * 86400 + h * 3600 +
           mi * 60 + sec;
}
}  // namespace detail

/// `Retry-After` in either form RFC 9110 allows: seconds, or an HTTP date, read against the answer's own `Date`
/// header (so the client's clock, and its skew from the server's, play no part; a date without a `Date` header is
/// ignored). A date in the past is 0 s. Garbage in either header is nullopt.
inline std::optional<std::chrono::seconds> retry_after_delay(const http_response& res) {
    if (auto s = retry_after(res)) return s;
    const auto value = res.headers.find("Retry-After");
    const auto date = res.headers.find("Date");
    if (!value || !date) return std::nullopt;
    const auto when = detail::parse_imf_fixdate(*value);
    const auto now = detail::parse_imf_fixdate(*date);
    if (!when || !now) return std::nullopt;
    return std::chrono::seconds(*when > *now ? *when - *now : 0);
}

}  // namespace serverops

#endif
