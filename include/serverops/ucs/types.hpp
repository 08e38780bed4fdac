// Typed values of the Genesys Context Services (UCS 8.5) server-mode API.
#ifndef SERVEROPS_UCS_TYPES_HPP
#define SERVEROPS_UCS_TYPES_HPP

#include <serverops/detail/enum_table.hpp>
#include <serverops/error.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>

namespace serverops::ucs {

/// The two UCS modes. Maintenance allows only schema operations; production only profile/service data.
enum class server_mode { maintenance, production };

/// Wire names; matched case-insensitively on input (the API documents `mode` as case-insensitive), written
/// lower-case.
inline constexpr serverops::enum_table<server_mode, 2> server_mode_names{
    {{std::pair{server_mode::maintenance, std::string_view("maintenance")},
      std::pair{server_mode::production, std::string_view("production")}}},
    true};

inline std::string_view to_string(server_mode m) noexcept { return server_mode_names.to_string(m); }
inline std::ostream& operator<<(std::ostream& os, server_mode m) {
    auto s = to_string(m);
    return s.empty() ? (os << "server_mode(" << static_cast<int>(m) << ')') : (os << s);
}

/// "Maintenance", "PRODUCTION"... -> the enum; anything else is errc::unknown_enum_value (text in vendor_message).
inline result<server_mode> parse_server_mode(std::string_view text) { return server_mode_names.parse(text, "server mode"); }

/// `POST /server/mode` answers `{"server changed":"<mode>"}` and `Location: /server/status`.
struct set_server_mode_response {
    server_mode mode = server_mode::production;  ///< the mode the server reports it changed to
    std::string location;                        ///< the Location header (normally "/server/status"); may be empty
};

/// `GET /server/status` (CV.WS.STAT). Memory values are in KB. Only `mode` is required: the status page is
/// documented for 8.0/8.1 (its 8.5 copy was not found) and the last four counters appear only in its example, so
/// every other member is optional. The counters are not persistent: they restart at 0 with UCS.
struct server_status {
    server_mode mode = server_mode::production;
    std::string version;  ///< e.g. "8.0.100.11"; empty when absent
    std::optional<std::chrono::system_clock::time_point> system_time;   ///< the server's clock
    std::optional<std::chrono::system_clock::time_point> started;       ///< when UCS started
    std::optional<std::chrono::system_clock::time_point> last_request;  ///< the last request UCS served
    std::optional<std::int64_t> max_memory;        ///< KB
    std::optional<std::int64_t> allocated_memory;  ///< KB
    std::optional<std::int64_t> free_memory;       ///< KB
    std::optional<std::int64_t> used_memory;       ///< KB (example only)
    std::optional<std::int64_t> request_today;        ///< example only
    std::optional<std::int64_t> client_errors_today;  ///< example only
    std::optional<std::int64_t> server_errors_today;  ///< example only
};

}  // namespace serverops::ucs

#endif
