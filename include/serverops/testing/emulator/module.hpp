// The contract between the emulator's HTTP core and a vendor module (CLC, A4C, UCS).
// The core owns sockets, parsing, faults and counters; a module maps one request to one response, whose headers it
// controls exactly (the core adds only the framing ones).
#ifndef SERVEROPS_TESTING_EMULATOR_MODULE_HPP
#define SERVEROPS_TESTING_EMULATOR_MODULE_HPP

#include <serverops/http_message.hpp>

#include <serverops/detail/ascii.hpp>

#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <boost/url/encoding_opts.hpp>
#include <boost/url/pct_string_view.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace serverops::testing {

/// One parsed request, valid only during `module::handle`.
struct request_view {
    verb method = verb::unknown;
    std::string_view method_name;  ///< as received, for methods Beast does not know
    std::string_view target;       ///< origin-form, as received (still percent-encoded)
    std::string_view path;         ///< `target` without the query
    std::string_view query;        ///< after '?', empty when absent
    const header_list* headers = nullptr;
    std::string_view body;

    std::optional<std::string_view> header(std::string_view name) const {
        return headers ? headers->find(name) : std::nullopt;
    }
};

/// A vendor API. `handle` runs on the emulator's network thread while tests call the module's control functions
/// from theirs, so a module guards its own state. It must answer every request (errors are responses too).
class module {
public:
    virtual ~module() = default;
    /// Short vendor name for diagnostics, e.g. "clc".
    virtual std::string_view name() const noexcept = 0;
    /// Whether this module owns `path` (usually a prefix test such as "/v2/"). The first module that does wins.
    virtual bool handles(std::string_view path) const noexcept = 0;
    virtual http_response handle(const request_view& request) = 0;
};

// ---- reply helpers shared by modules ----

inline constexpr std::string_view json_content_type = "application/json; charset=utf-8";

inline http_response empty_response(unsigned status) {
    http_response r;
    r.status = status;
    return r;
}

inline http_response json_response(unsigned status, const boost::json::value& body) {
    http_response r;
    r.status = status;
    r.headers.set("Content-Type", json_content_type);
    r.body = boost::json::serialize(body);
    return r;
}

/// The ASP.NET-style error body most vendors here use: {"message": "..."}.
inline http_response message_response(unsigned status, std::string_view message) {
    boost::json::object o;
    o["message"] = message;
    return json_response(status, o);
}

// ---- request helpers shared by modules ----

namespace emulator_detail {

/// %XX-decoding by Boost.URL; `plus_as_space` for form fields. Text with a malformed escape is kept as sent (servlet
/// containers and .NET's UrlDecode keep such escapes literally).
inline std::string percent_decode(std::string_view s, bool plus_as_space) {
    auto pct = boost::urls::make_pct_string_view(s);
    if (!pct) {
        std::string out(s);
        if (plus_as_space)
            for (auto& c : out)
                if (c == '+') c = ' ';
        return out;
    }
    boost::urls::encoding_opts opt;
    opt.space_as_plus = plus_as_space;
    return pct->decode(opt);
}

using form_fields = std::vector<std::pair<std::string, std::string>>;

/// An application/x-www-form-urlencoded body or query ("a=1&b=x+y%21"), decoded, in order; a key without '=' has an
/// empty value, empty pairs are skipped.
inline form_fields parse_form(std::string_view s) {
    form_fields out;
    while (!s.empty()) {
        const auto amp = s.find('&');
        const auto pair = s.substr(0, amp);
        if (!pair.empty()) {
            const auto eq = pair.find('=');
            out.emplace_back(percent_decode(pair.substr(0, eq), true),
                             eq == std::string_view::npos ? std::string() : percent_decode(pair.substr(eq + 1), true));
        }
        if (amp == std::string_view::npos) break;
        s.remove_prefix(amp + 1);
    }
    return out;
}

/// The media type of a Content-Type value, lower-cased, without parameters; "" when absent.
inline std::string media_type(std::optional<std::string_view> content_type) {
    if (!content_type) return {};
    auto v = content_type->substr(0, content_type->find(';'));
    while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.remove_suffix(1);
    while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
    std::string out;
    for (char c : v) out += serverops::detail::ascii_lower(c);
    return out;
}

}  // namespace emulator_detail

}  // namespace serverops::testing

#endif
