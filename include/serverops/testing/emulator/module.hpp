// The contract between the emulator's HTTP core and a vendor module (CLC today; A4C and UCS later).
// The core owns sockets, parsing, faults and counters; a module only maps one request to one response.
#ifndef SERVEROPS_TESTING_EMULATOR_MODULE_HPP
#define SERVEROPS_TESTING_EMULATOR_MODULE_HPP

#include <serverops/http_message.hpp>

#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <optional>
#include <string>
#include <string_view>

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

}  // namespace serverops::testing

#endif
