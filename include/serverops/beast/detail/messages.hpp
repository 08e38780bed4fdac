// Conversion between serverops' plain HTTP values and Beast messages, with the checks that keep a request from
// smuggling a second one (CR/LF in the target or a header) or overriding the transport's framing.
#ifndef SERVEROPS_BEAST_DETAIL_MESSAGES_HPP
#define SERVEROPS_BEAST_DETAIL_MESSAGES_HPP

#include <serverops/endpoint.hpp>
#include <serverops/error.hpp>
#include <serverops/http_message.hpp>
#include <serverops/transport_options.hpp>

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include <string>
#include <string_view>

namespace serverops::beast_detail {

namespace http = boost::beast::http;

using beast_request = http::request<http::string_body>;
using beast_response = http::response<http::string_body>;

inline bool is_token_char(char c) noexcept {
    if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) return true;
    return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

inline bool is_valid_header_name(std::string_view name) noexcept {
    if (name.empty()) return false;
    for (char c : name)
        if (!is_token_char(c)) return false;
    return true;
}

/// Visible ASCII, space, tab and obs-text; no CR, LF, NUL or other controls.
inline bool is_valid_header_value(std::string_view value) noexcept {
    for (char c : value) {
        auto u = static_cast<unsigned char>(c);
        if ((u < 0x20 && c != '\t') || u == 0x7f) return false;
    }
    return true;
}

/// Origin-form only: "/" followed by visible ASCII.
inline bool is_valid_target(std::string_view target) noexcept {
    if (target.empty() || target.front() != '/') return false;
    for (char c : target) {
        auto u = static_cast<unsigned char>(c);
        if (u <= 0x20 || u >= 0x7f) return false;
    }
    return true;
}

/// Headers the transport alone decides: framing and connection management.
inline bool is_transport_owned(std::string_view name) noexcept {
    for (std::string_view owned : {"Host", "Content-Length", "Transfer-Encoding", "Connection", "Upgrade", "TE"})
        if (serverops::detail::iequals(name, owned)) return true;
    return false;
}

/// Methods whose requests carry content by definition: RFC 9110 8.6 asks for "Content-Length: 0" when it is empty
/// (servers answer 411 Length Required otherwise).
inline bool method_defines_content(verb m) noexcept { return m == verb::post || m == verb::put || m == verb::patch; }

/// Builds the wire request. Error details name the offending header, never its value (values hold credentials).
inline result<beast_request> to_beast_request(const http_request& req, const endpoint& ep,
                                              const transport_options& opts) {
    if (req.method == verb::unknown) return failure(errc::invalid_request, "request has no HTTP method");
    if (!is_valid_target(req.target))
        return failure(errc::invalid_request, "request target must be origin-form (\"/...\") of visible ASCII");
    if (!is_valid_header_value(req.content_type))
        return failure(errc::invalid_request, "content type contains control characters");
    for (const auto& [name, value] : req.headers) {
        if (!is_valid_header_name(name)) return failure(errc::invalid_request, "request header name is not a token");
        if (!is_valid_header_value(value))
            return failure(errc::invalid_request, "value of request header '" + name + "' contains control characters");
        if (is_transport_owned(name))
            return failure(errc::invalid_request, "request header '" + name + "' is set by the transport");
    }

    beast_request out{req.method, req.target, 11};
    out.set(http::field::host, ep.host_header());
    out.set(http::field::user_agent, opts.user_agent);
    out.set(http::field::accept, "application/json");
    for (const auto& [name, value] : req.headers) {
        // Operation headers replace the defaults above of the same name; other repeated names are all kept.
        if (serverops::detail::iequals(name, "User-Agent") || serverops::detail::iequals(name, "Accept") ||
            serverops::detail::iequals(name, "Content-Type"))
            out.erase(name);
    }
    for (const auto& [name, value] : req.headers) out.insert(name, value);
    if (!req.body.empty()) {
        if (!req.content_type.empty() && out.find(http::field::content_type) == out.end())
            out.set(http::field::content_type, req.content_type);
        out.body() = req.body;
        out.content_length(req.body.size());
    } else {
        out.erase(http::field::content_type);
        if (method_defines_content(req.method)) out.content_length(0);
    }
    return out;
}

/// Keeps every header, repeated ones included, in arrival order.
inline http_response to_http_response(beast_response&& res) {
    http_response out;
    out.status = res.result_int();
    for (const auto& field : res) out.headers.add(field.name_string(), field.value());
    out.body = std::move(res.body());
    return out;
}

}  // namespace serverops::beast_detail

#endif
