// serverops' plain HTTP values on the wire: a request written as bytes, with the checks that keep it from smuggling
// a second one (CR/LF in the target or a header) or overriding the transport's framing; a response read by Beast's
// parser straight into an http_response.
#ifndef SERVEROPS_BEAST_DETAIL_MESSAGES_HPP
#define SERVEROPS_BEAST_DETAIL_MESSAGES_HPP

#include <serverops/endpoint.hpp>
#include <serverops/error.hpp>
#include <serverops/http_message.hpp>
#include <serverops/transport_options.hpp>

#include <boost/beast/core/error.hpp>
#include <boost/beast/http/basic_parser.hpp>
#include <boost/beast/http/field.hpp>
#include <boost/optional/optional.hpp>

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>

namespace serverops::beast_detail {

namespace http = boost::beast::http;

using boost::system::error_code;

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

/// The request as it goes on the wire: request line, Host, the defaults (User-Agent, Accept) unless the operation
/// sets them, the operation's headers, then Content-Type and Content-Length when there is a body, and the body.
/// Written directly, in one buffer: one allocation and one write, where a Beast message would allocate per field
/// and be serialized piecewise. Error details name the offending header, never its value (values hold credentials).
inline result<std::string> request_bytes(const http_request& req, const endpoint& ep, const transport_options& opts) {
    if (req.method == verb::unknown) return failure(errc::invalid_request, "request has no HTTP method");
    if (!is_valid_target(req.target))
        return failure(errc::invalid_request, "request target must be origin-form (\"/...\") of visible ASCII");
    if (!is_valid_header_value(req.content_type))
        return failure(errc::invalid_request, "content type contains control characters");
    if (!is_valid_header_value(opts.user_agent))
        return failure(errc::invalid_request, "user agent contains control characters");
    const std::string host = ep.host_header();
    if (!is_valid_header_value(host)) return failure(errc::invalid_request, "host contains control characters");
    // Operation headers replace the defaults of the same name; other repeated names are all kept.
    bool own_user_agent = false, own_accept = false, own_content_type = false;
    std::size_t size = req.target.size() + host.size() + opts.user_agent.size() + req.content_type.size() +
                       req.body.size() + 128;
    for (const auto& [name, value] : req.headers) {
        if (!is_valid_header_name(name)) return failure(errc::invalid_request, "request header name is not a token");
        if (!is_valid_header_value(value))
            return failure(errc::invalid_request, "value of request header '" + name + "' contains control characters");
        if (is_transport_owned(name))
            return failure(errc::invalid_request, "request header '" + name + "' is set by the transport");
        own_user_agent = own_user_agent || serverops::detail::iequals(name, "User-Agent");
        own_accept = own_accept || serverops::detail::iequals(name, "Accept");
        own_content_type = own_content_type || serverops::detail::iequals(name, "Content-Type");
        size += name.size() + value.size() + 4;
    }

    std::string out;
    out.reserve(size);
    const auto line = [&out](std::string_view name, std::string_view value) {
        out.append(name).append(": ").append(value).append("\r\n");
    };
    out.append(http::to_string(req.method)).append(" ").append(req.target).append(" HTTP/1.1\r\n");
    line("Host", host);
    if (!own_user_agent) line("User-Agent", opts.user_agent);
    if (!own_accept) line("Accept", "application/json");
    const bool has_body = !req.body.empty();
    for (const auto& [name, value] : req.headers)
        if (has_body || !serverops::detail::iequals(name, "Content-Type")) line(name, value);  // no body, no type
    if (has_body) {
        if (!req.content_type.empty() && !own_content_type) line("Content-Type", req.content_type);
        line("Content-Length", std::to_string(req.body.size()));
    } else if (method_defines_content(req.method)) {
        line("Content-Length", "0");
    }
    out.append("\r\n").append(req.body);
    return out;
}

/// Parses a response straight into an http_response: every header, repeated ones included, in arrival order, and
/// the body. Limits, framing (Content-Length, chunked, EOF) and keep-alive are Beast's basic_parser's.
class response_reader : public http::basic_parser<false> {
public:
    http_response release() noexcept { return std::move(response_); }

private:
    void on_request_impl(verb, boost::beast::string_view, boost::beast::string_view, int, error_code&) override {}
    void on_response_impl(int code, boost::beast::string_view, int, error_code&) override {
        response_.status = static_cast<unsigned>(code);
    }
    void on_field_impl(http::field, boost::beast::string_view name, boost::beast::string_view value,
                       error_code&) override {
        response_.headers.add(name, value);
    }
    void on_header_impl(error_code&) override {}
    void on_body_init_impl(const boost::optional<std::uint64_t>& content_length, error_code&) override {
        // The parser already refused a length above body_limit.
        if (content_length) response_.body.reserve(static_cast<std::size_t>(*content_length));
    }
    std::size_t on_body_impl(boost::beast::string_view body, error_code&) override {
        response_.body.append(body.data(), body.size());
        return body.size();
    }
    void on_chunk_header_impl(std::uint64_t, boost::beast::string_view, error_code&) override {}
    std::size_t on_chunk_body_impl(std::uint64_t, boost::beast::string_view body, error_code&) override {
        response_.body.append(body.data(), body.size());
        return body.size();
    }
    void on_finish_impl(error_code&) override {}

    http_response response_;
};

/// A reader with the transport's limits: a larger header or body fails the read (Beast's header_limit and
/// body_limit errors), nothing larger is ever buffered.
inline void apply_limits(response_reader& reader, const transport_options& opts) {
    reader.body_limit(opts.max_response_body);
    reader.header_limit(static_cast<std::uint32_t>(std::min<std::size_t>(opts.max_response_header, UINT32_MAX)));
}

}  // namespace serverops::beast_detail

#endif
