// Request-target paths: the one path-segment encoder every vendor uses for ids, and the check of a path prefix that
// goes verbatim in front of them. Public through serverops/vendor.hpp.
#ifndef SERVEROPS_DETAIL_PATH_HPP
#define SERVEROPS_DETAIL_PATH_HPP

#include <serverops/error.hpp>

#include <initializer_list>
#include <string>
#include <string_view>

namespace serverops {

namespace detail {
/// RFC 3986 unreserved: ALPHA / DIGIT / "-" / "." / "_" / "~".
constexpr bool is_unreserved(char c) noexcept {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
           c == '_' || c == '~';
}

constexpr int hex_value(char c) noexcept {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}
}  // namespace detail

/// Appends `segment` as exactly one path segment: every byte but the RFC 3986 unreserved ones is %XX-encoded, and
/// a segment that is "." or ".." is sent as "%2E" / "%2E%2E", because servers and proxies resolve literal dot
/// segments (".../servers/ALIAS/.." would address the parent resource).
inline void append_path_segment(std::string& out, std::string_view segment) {
    static constexpr char hex[] = "0123456789ABCDEF";
    const bool dot_segment = segment == "." || segment == "..";
    for (char c : segment) {
        if (detail::is_unreserved(c) && !dot_segment) {
            out += c;
        } else {
            const auto u = static_cast<unsigned char>(c);
            out += '%';
            out += hex[u >> 4];
            out += hex[u & 15];
        }
    }
}

/// `segment` encoded as one path segment (see append_path_segment).
inline std::string encode_path_segment(std::string_view segment) {
    std::string out;
    append_path_segment(out, segment);
    return out;
}

/// `prefix` followed by each of `segments` as exactly one path segment: "/v2" + {"servers", "ACME", "a/b"} is
/// "/v2/servers/ACME/a%2Fb". The prefix goes verbatim: check it once with `check_path_prefix`.
inline std::string make_target(std::string_view prefix, std::initializer_list<std::string_view> segments) {
    std::string t(prefix);
    for (auto s : segments) {
        t += '/';
        append_path_segment(t, s);
    }
    return t;
}

/// A path prefix put verbatim in front of a request target: empty, or "/"-separated segments of RFC 3986 pchars
/// and well-formed %XX escapes, where no segment decodes to "." or ".." (the server would resolve it) and nothing
/// decodes to a control character (CR/LF or NUL in a request line, once some layer decodes it).
inline bool is_safe_path_prefix(std::string_view p) noexcept {
    if (p.empty()) return true;
    if (p.front() != '/') return false;
    std::size_t segment_length = 0;  // decoded
    std::size_t segment_dots = 0;
    auto segment_is_dots = [&] { return segment_length != 0 && segment_dots == segment_length && segment_length <= 2; };
    for (std::size_t i = 1; i <= p.size(); ++i) {
        if (i == p.size() || p[i] == '/') {
            if (segment_is_dots()) return false;
            segment_length = segment_dots = 0;
            continue;
        }
        char c = p[i];
        if (c == '%') {
            if (p.size() - i < 3) return false;
            const int hi = detail::hex_value(p[i + 1]), lo = detail::hex_value(p[i + 2]);
            if (hi < 0 || lo < 0) return false;
            const auto decoded = static_cast<unsigned char>(hi * 16 + lo);
            if (decoded < 0x20 || decoded == 0x7f) return false;
            c = static_cast<char>(decoded);
            i += 2;
        } else if (!detail::is_unreserved(c) && std::string_view("!$&'()*+,;=:@").find(c) == std::string_view::npos) {
            return false;
        }
        ++segment_length;
        if (c == '.') ++segment_dots;
    }
    return true;
}

namespace detail {
using serverops::is_safe_path_prefix;  // its former home, still used by endpoint.hpp

/// The detail of an error for a prefix `is_safe_path_prefix` refused: `what` and the rule.
inline std::string unsafe_path_prefix_detail(std::string_view what) {
    std::string d(what);
    d += " must be empty or '/'-separated path segments, percent-encoded, with no '.' or '..' segment and no control "
         "character";
    return d;
}
}  // namespace detail

/// `errc::invalid_request` naming `what` ("path prefix") unless `prefix` is_safe_path_prefix. Check every prefix a
/// context puts in front of its targets before each call: a context built by hand skips from_base_url's check.
inline result<void> check_path_prefix(std::string_view prefix, std::string_view what = "path prefix") {
    if (is_safe_path_prefix(prefix)) return success();
    return failure(errc::invalid_request, detail::unsafe_path_prefix_detail(what));
}

}  // namespace serverops

#endif
