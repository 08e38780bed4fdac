// Response decoding shared by the Redfish operations: the Redfish error body, `@Message.ExtendedInfo`, links
// (`{"@odata.id": ...}`), status checks.
#ifndef SERVEROPS_REDFISH_DETAIL_DECODE_HPP
#define SERVEROPS_REDFISH_DETAIL_DECODE_HPP

#include <serverops/http_message.hpp>
#include <serverops/redfish/types.hpp>
#include <serverops/vendor.hpp>

#include <algorithm>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace serverops::redfish::detail {

namespace json = boost::json;

/// Messages read from one list at most: a hostile body cannot make the decoder copy without bound.
inline constexpr std::size_t max_messages = 32;
/// Longest URI kept from a body or header (they are validated again before being followed).
inline constexpr std::size_t max_uri_length = 4096;

inline std::string bounded(std::string_view s, std::size_t limit) {
    return std::string(s.substr(0, serverops::detail::utf8_prefix_length(s, limit)));
}

/// `@Message.ExtendedInfo` / `Messages`: an array of Message objects. Entries of another shape, and members of the
/// wrong type, are skipped: messages are informational.
inline std::vector<message> read_messages(const json::value* v) {
    std::vector<message> out;
    const auto* arr = v ? v->if_array() : nullptr;
    if (!arr) return out;
    for (const auto& item : *arr) {
        if (out.size() == max_messages) break;
        const auto* o = item.if_object();
        if (!o) continue;
        message m;
        auto text = [&](std::string_view key, std::string& into) {
            if (auto* f = find_field(*o, key); f && f->is_string()) into = bounded(f->get_string(), 1024);
        };
        text("MessageId", m.message_id);
        text("Message", m.text);
        text("Resolution", m.resolution);
        text("Severity", m.severity);
        if (m.severity.empty()) text("MessageSeverity", m.severity);
        out.push_back(std::move(m));
    }
    return out;
}

/// The Redfish error body (DSP0266 "Error responses"):
/// `{"error":{"code":"Base.1.8.GeneralError","message":"...","@Message.ExtendedInfo":[{"MessageId","Message",
/// "Resolution","Severity"}]}}`. `vendor_code` is the first MessageId of the extended info, kept whole (that names
/// the failure: "Base.1.8.ActionParameterNotSupported", "IDRAC.2.7.SYS415"), else `error.code`; `vendor_message`
/// joins `error.message` and each Message (with its Resolution). A bare `@Message.ExtendedInfo` at the top level
/// (some services), other keys' text (`collect_error_fields`), wrong types and missing pieces are tolerated.
struct error_body_reader {
    void operator()(const json::value& body, error& e) const {
        const auto* top = body.if_object();
        if (!top) {
            if (auto* s = body.if_string()) e.vendor_message = bounded(*s, max_vendor_message_length);
            return;
        }
        const json::object* err = nullptr;
        if (auto* ev = find_field(*top, "error")) err = ev->if_object();
        if (!err) {  // not the Redfish shape: the common names, plus a top-level extended info
            collect_error_fields(*top, e.vendor_code, e.vendor_message);
            append_extended_info(read_messages(find_field(*top, "@Message.ExtendedInfo")), e);
            return;
        }
        std::string code;
        if (auto* c = find_field(*err, "code"); c && c->is_string()) code = bounded(c->get_string(), max_vendor_code_length);
        if (auto* m = find_field(*err, "message"); m && m->is_string())
            append_sentence(e.vendor_message, bounded(m->get_string(), max_vendor_message_length));
        auto info = read_messages(find_field(*err, "@Message.ExtendedInfo"));
        if (info.empty()) info = read_messages(find_field(*top, "@Message.ExtendedInfo"));
        append_extended_info(info, e);
        if (e.vendor_code.empty()) e.vendor_code = std::move(code);
    }

    static void append_extended_info(const std::vector<message>& info, error& e) {
        for (const auto& m : info) {
            if (e.vendor_code.empty() && !m.message_id.empty()) e.vendor_code = m.message_id;
            if (e.vendor_message.size() >= max_vendor_message_length) continue;
            std::string part = m.text;
            if (!m.resolution.empty()) {
                part += part.empty() ? "Resolution: " : " (Resolution: ";
                part += m.resolution;
                if (!m.text.empty()) part += ')';
            }
            append_sentence(e.vendor_message, part);
        }
    }
};

/// The error of a failed answer: kind from the status class, Retry-After in either form, the Redfish body.
inline error http_error(const http_response& res) {
    error e = serverops::response_error(res, errc_from_http_status(res.status), error_body_reader{});
    if (auto r = retry_after_delay(res)) e.retry_after = r;
    return e;
}

inline bool contains(std::initializer_list<unsigned> set, unsigned v) {
    return std::find(set.begin(), set.end(), v) != set.end();
}

/// Statuses other than `expected`: 4xx/5xx through `http_error`, odd ones (1xx, 3xx, other 2xx) unexpected.
inline result<void> check_status(const http_response& res, std::initializer_list<unsigned> expected) {
    if (contains(expected, res.status)) return success();
    if (res.status >= 400) return failure(http_error(res));
    return failure(unexpected_status_error(res, expected));
}

/// The body of a resource: a JSON object.
inline result<json::value> parse_resource(const http_response& res) {
    BOOST_OUTCOME_TRY(auto v, parse_json(res.body));
    if (!v.is_object()) return failure(shape_error("$", "object", &v));
    return v;
}

/// A link `{"@odata.id": "<uri>"}` at `key`: "" when absent; a link of the wrong shape is an error naming `path`.
inline result<std::string> link_field(const json::object& o, std::string_view key, std::string_view path) {
    auto* v = find_field(o, key);
    if (!v) return std::string();
    BOOST_OUTCOME_TRY(auto lo, as_object(*v, path));
    std::string p(path);
    p += "['@odata.id']";
    BOOST_OUTCOME_TRY(auto uri, optional_string_field(*lo, "@odata.id", p));
    return bounded(uri.value_or(""), max_uri_length);
}

/// The last non-empty path segment of a URI ("/redfish/v1/Systems/1/" -> "1"), percent-escapes kept.
inline std::string last_segment(std::string_view uri) {
    if (const auto q = uri.find_first_of("?#"); q != std::string_view::npos) uri = uri.substr(0, q);
    while (!uri.empty() && uri.back() == '/') uri.remove_suffix(1);
    const auto slash = uri.rfind('/');
    return std::string(slash == std::string_view::npos ? uri : uri.substr(slash + 1));
}

/// `Location`, bounded; empty when absent.
inline std::string location_of(const http_response& res) {
    auto loc = res.headers.find("Location");
    if (!loc) return {};
    auto v = *loc;
    while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
    while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.remove_suffix(1);
    return std::string(v.substr(0, max_uri_length));
}

/// A 2xx body that may be empty or hold anything: parsed when it is a JSON object, nullopt otherwise. For answers
/// whose status already says the request was accepted (a garbage body must not turn "accepted" into an error).
inline std::optional<json::value> lenient_object(std::string_view body) {
    if (body.empty()) return std::nullopt;
    boost::system::error_code ec;
    auto v = json::parse(body, ec);
    if (ec || !v.is_object()) return std::nullopt;
    return v;
}

/// The body's `@odata.id` when it is a string; "" otherwise.
inline std::string odata_id_of(const json::object& o) {
    if (auto* id = find_field(o, "@odata.id"); id && id->is_string()) return bounded(id->get_string(), max_uri_length);
    return {};
}

}  // namespace serverops::redfish::detail

#endif
