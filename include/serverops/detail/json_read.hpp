// Tolerant, non-throwing JSON reading for response decoders; public through serverops/vendor.hpp.
// Boost.JSON 1.81's described-class conversion demands an exact key set, which real responses never have (extra
// fields, optional fields), so decoders read fields by name with these helpers; every mismatch is a typed error
// naming the JSON path.
#ifndef SERVEROPS_DETAIL_JSON_READ_HPP
#define SERVEROPS_DETAIL_JSON_READ_HPP

#include <serverops/error.hpp>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace serverops {

namespace detail {
namespace json = boost::json;  // the spelling the built-in vendors' decoders use
}  // namespace detail

/// "string", "number", ... as error details name a JSON value's kind.
inline const char* json_kind_name(boost::json::kind k) noexcept {
    switch (k) {
    case boost::json::kind::null: return "null";
    case boost::json::kind::bool_: return "boolean";
    case boost::json::kind::int64:
    case boost::json::kind::uint64:
    case boost::json::kind::double_: return "number";
    case boost::json::kind::string: return "string";
    case boost::json::kind::array: return "array";
    case boost::json::kind::object: return "object";
    }
    return "value";
}

/// "expected <expected> at '<path>', got <kind of got>" as errc::unexpected_response (`got` null: nothing).
inline error shape_error(std::string_view path, std::string_view expected, const boost::json::value* got) {
    std::string d = "expected ";
    d += expected;
    d += " at '";
    d += path;
    d += "', got ";
    d += got ? json_kind_name(got->kind()) : "nothing";
    return error(errc::unexpected_response, std::move(d));
}

/// Parses a whole body; an empty or truncated body is `malformed_response`. `storage` lets a decoder parse into a
/// short-lived monotonic arena when the value dies with the decoder.
inline result<boost::json::value> parse_json(std::string_view body, boost::json::storage_ptr storage = {}) {
    boost::system::error_code ec;
    boost::json::value v = boost::json::parse(body, ec, std::move(storage));
    if (ec) return failure(errc::malformed_response, "response body is not valid JSON (" + ec.message() + ")");
    return v;
}

inline result<const boost::json::object*> as_object(const boost::json::value& v, std::string_view path) {
    if (auto* o = v.if_object()) return o;
    return failure(shape_error(path, "object", &v));
}

inline result<const boost::json::array*> as_array(const boost::json::value& v, std::string_view path) {
    if (auto* a = v.if_array()) return a;
    return failure(shape_error(path, "array", &v));
}

inline result<std::string> as_string(const boost::json::value& v, std::string_view path) {
    if (auto* s = v.if_string()) return std::string(s->data(), s->size());
    return failure(shape_error(path, "string", &v));
}

/// Member or nullptr when absent; JSON null counts as absent for optional fields.
inline const boost::json::value* find_field(const boost::json::object& o, std::string_view key) {
    auto* v = o.if_contains(key);
    return (v && !v->is_null()) ? v : nullptr;
}

inline result<std::string> string_field(const boost::json::object& o, std::string_view key, std::string_view path) {
    auto* v = find_field(o, key);
    if (!v) return failure(shape_error(path, "string", nullptr));
    return as_string(*v, path);
}

/// Optional string read in place (no copy); valid while the parsed value lives.
inline result<std::optional<std::string_view>> optional_string_view_field(const boost::json::object& o, std::string_view key,
                                                                            std::string_view path) {
    auto* v = find_field(o, key);
    if (!v) return std::optional<std::string_view>();
    if (auto* s = v->if_string()) return std::optional<std::string_view>(std::string_view(s->data(), s->size()));
    return failure(shape_error(path, "string", v));
}

inline result<std::optional<std::string>> optional_string_field(const boost::json::object& o, std::string_view key,
                                                                  std::string_view path) {
    auto* v = find_field(o, key);
    if (!v) return std::optional<std::string>();
    BOOST_OUTCOME_TRY(auto s, as_string(*v, path));
    return std::optional<std::string>(std::move(s));
}

inline result<bool> bool_field(const boost::json::object& o, std::string_view key, std::string_view path) {
    auto* v = find_field(o, key);
    if (v && v->is_bool()) return v->get_bool();
    return failure(shape_error(path, "boolean", v));
}

inline result<std::optional<bool>> optional_bool_field(const boost::json::object& o, std::string_view key,
                                                         std::string_view path) {
    auto* v = find_field(o, key);
    if (!v) return std::optional<bool>();
    if (v->is_bool()) return std::optional<bool>(v->get_bool());
    return failure(shape_error(path, "boolean", v));
}

/// Integral value; accepts an integral double (some servers emit 1.0).
inline result<std::int64_t> int_field(const boost::json::object& o, std::string_view key, std::string_view path) {
    auto* v = find_field(o, key);
    if (v) {
        if (v->is_int64()) return v->get_int64();
        if (v->is_uint64() && v->get_uint64() <= static_cast<std::uint64_t>(INT64_MAX))
            return static_cast<std::int64_t>(v->get_uint64());
        if (v->is_double()) {
            double d = v->get_double();
            if (d >= -9.0e15 && d <= 9.0e15 && static_cast<double>(static_cast<std::int64_t>(d)) == d)
                return static_cast<std::int64_t>(d);
        }
    }
    return failure(shape_error(path, "integer", v));
}

inline result<std::optional<std::int64_t>> optional_int_field(const boost::json::object& o, std::string_view key,
                                                                std::string_view path) {
    if (!find_field(o, key)) return std::optional<std::int64_t>();
    BOOST_OUTCOME_TRY(auto n, int_field(o, key, path));
    return std::optional<std::int64_t>(n);
}

inline result<double> number_field(const boost::json::object& o, std::string_view key, std::string_view path) {
    auto* v = find_field(o, key);
    if (v && v->is_number()) return v->to_number<double>();
    return failure(shape_error(path, "number", v));
}

}  // namespace serverops

#endif
