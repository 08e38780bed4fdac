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
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/basic_parser.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/field.hpp>
#include <boost/optional/optional.hpp>
#include <boost/system/error_category.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <optional>
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

/// One request as an exchange carries it: the bytes, and what the http_request asks of this exchange alone.
struct exchange {
    std::string wire;                 ///< request_bytes
    bool idempotent = false;
    bool head = false;                ///< the response has no body, whatever its header says
    std::optional<std::chrono::steady_clock::time_point> deadline;  ///< http_request::deadline
    std::size_t body_limit = 0;       ///< the transport's limit, or the request's when larger
    std::size_t header_limit = 0;
};

inline result<exchange> prepare_exchange(const http_request& req, const endpoint& ep, const transport_options& opts) {
    auto wire = request_bytes(req, ep, opts);
    if (!wire) return failure(std::move(wire).error());
    exchange x;
    x.wire = std::move(wire).value();
    x.idempotent = req.idempotent;
    x.head = req.method == verb::head;
    x.deadline = req.deadline;
    x.body_limit = std::max(opts.max_response_body, req.max_response_body);
    x.header_limit = opts.max_response_header;
    return x;
}

/// Parses one response straight into an http_response: every header, repeated ones included, in arrival order, and
/// the body. Limits, framing (Content-Length, chunked, EOF) and keep-alive are Beast's basic_parser's.
class response_reader : public http::basic_parser<false> {
public:
    http_response release() noexcept { return std::move(response_); }
    /// The status code once the status line was parsed, else 0.
    unsigned status() const noexcept { return response_.status; }
    /// A chunk with data was announced: from here on the parser expects a CRLF before every chunk header.
    bool saw_data_chunk() const noexcept { return saw_data_chunk_; }

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
    void on_chunk_header_impl(std::uint64_t size, boost::beast::string_view, error_code&) override {
        saw_data_chunk_ = saw_data_chunk_ || size != 0;
    }
    std::size_t on_chunk_body_impl(std::uint64_t, boost::beast::string_view body, error_code&) override {
        response_.body.append(body.data(), body.size());
        return body.size();
    }
    void on_finish_impl(error_code&) override {}

    http_response response_;
    bool saw_data_chunk_ = false;
};

/// Errors of response_assembler that are not Beast's.
enum class read_error { too_many_interim_responses = 1 };

class read_error_category final : public boost::system::error_category {
public:
    const char* name() const noexcept override { return "serverops.http"; }
    std::string message(int ev) const override {
        return static_cast<read_error>(ev) == read_error::too_many_interim_responses ? "too many interim (1xx) responses"
                                                                                     : "unknown HTTP read error";
    }
};

inline const boost::system::error_category& get_read_error_category() noexcept {
    static const read_error_category cat;
    return cat;
}

inline error_code make_error_code(read_error e) noexcept { return {static_cast<int>(e), get_read_error_category()}; }

/// What one exchange reads: the final response, after any interim (1xx) ones, under the transport's limits. Sans-I/O:
/// the sync and async exchanges feed it the bytes they read (`parse`) and the end of the stream (`finish_at_eof`), so
/// both read alike.
///
/// - Interim responses (100 Continue, 103 Early Hints, ...) are skipped: the next response on the connection is
///   read. At most `max_interim_responses` of them, and their headers count against the header limit, together
///   with the final response's header. A 101 (this client never asks to switch protocols) is returned as final and
///   ends the connection.
/// - Boost 1.81's parser asserts (`n >= 5`, basic_parser.ipp, boostorg/beast#2861) when the last chunk of an empty
///   chunked body arrived as "0\r\n" and is handed over again with one more byte. So the first chunk header of a
///   chunked body is handed to the parser only once 5 bytes are buffered (the shortest chunked body, "0\r\n\r\n",
///   is 5 bytes) or the stream ended; the parser then never sees a final chunk shorter than that.
class response_assembler {
public:
    enum class status { need_more, done, failed };
    static constexpr std::size_t max_interim_responses = 8;
    static constexpr std::size_t shortest_chunked_body = 5;

    /// `no_body`: the answer to a HEAD request (headers only, whatever Content-Length says).
    response_assembler(std::size_t body_limit, std::size_t header_limit, bool no_body)
        : body_limit_(body_limit), header_limit_(header_limit), no_body_(no_body) {
        start_parser(header_limit_);
    }

    /// Parses what `buffer` holds as far as is safe, consuming it. need_more: read more and call again.
    status parse(boost::beast::flat_buffer& buffer, error_code& ec) {
        ec = {};
        for (;;) {
            if (buffer.size() == 0 || withholds(buffer.size())) return status::need_more;
            const std::size_t used = parser_->put(buffer.data(), ec);
            buffer.consume(used);
            parser_bytes_ += used;
            if (ec == http::error::need_more) {
                ec = {};
                return status::need_more;
            }
            if (ec) return status::failed;
            if (!parser_->is_done()) {
                if (used == 0) return status::need_more;  // cannot happen with Beast 1.81; never spin
                continue;  // not eager: one step per put
            }
            if (!is_interim(status_code())) return status::done;
            if (++interim_ > max_interim_responses) {
                ec = make_error_code(read_error::too_many_interim_responses);
                return status::failed;
            }
            interim_header_bytes_ += parser_bytes_;  // an interim response is all header
            if (interim_header_bytes_ >= header_limit_) {
                ec = http::error::header_limit;
                return status::failed;
            }
            start_parser(header_limit_ - interim_header_bytes_);
        }
    }

    /// The peer closed the stream after what `parse` was given.
    status finish_at_eof(error_code& ec) {
        ec = {};
        if (!parser_->got_some()) {
            // Nothing of a final response: before any byte, the usual "closed before responding".
            ec = interim_ == 0 ? error_code(http::error::end_of_stream) : error_code(http::error::partial_message);
            return status::failed;
        }
        parser_->put_eof(ec);
        return ec ? status::failed : status::done;
    }

    /// Any byte of a response, interim or final, was parsed (a retry would no longer be safe).
    bool got_some() const noexcept { return interim_ != 0 || parser_->got_some(); }

    /// After `done`: may the connection carry another exchange? Not after `Connection: close`, a body delimited by
    /// EOF, a protocol switch, or with unexpected bytes after the response (`buffer` holds what is left).
    bool connection_reusable(const boost::beast::flat_buffer& buffer) const noexcept {
        return parser_->keep_alive() && !parser_->need_eof() && status_code() != 101 && buffer.size() == 0;
    }

    http_response release() noexcept { return parser_->release(); }

private:
    static bool is_interim(unsigned code) noexcept { return code >= 100 && code < 200 && code != 101; }
    unsigned status_code() const noexcept { return parser_->status(); }

    void start_parser(std::size_t header_limit) {
        auto& p = parser_.emplace();
        p.eager(false);
        p.body_limit(body_limit_);
        p.header_limit(static_cast<std::uint32_t>(std::min<std::size_t>(header_limit, UINT32_MAX)));
        if (no_body_) p.skip(true);
        parser_bytes_ = 0;
    }

    // See the class comment: the first chunk header waits for shortest_chunked_body bytes.
    bool withholds(std::size_t buffered) const noexcept {
        return parser_->is_header_done() && parser_->chunked() && !parser_->is_done() &&
               !parser_->saw_data_chunk() && buffered < shortest_chunked_body;
    }

    std::size_t body_limit_;
    std::size_t header_limit_;
    bool no_body_;
    std::optional<response_reader> parser_;
    std::size_t interim_ = 0;
    std::size_t interim_header_bytes_ = 0;  // all interim responses so far
    std::size_t parser_bytes_ = 0;          // consumed by the current parser
};

}  // namespace serverops::beast_detail

#endif
