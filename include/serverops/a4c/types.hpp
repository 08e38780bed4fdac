// Typed values of the Alien4Cloud 3.0 maintenance-mode and authentication API.
#ifndef SERVEROPS_A4C_TYPES_HPP
#define SERVEROPS_A4C_TYPES_HPP

#include <serverops/error.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace serverops::a4c {

/// `RestErrorCode` values (alien4cloud-common, rest/model/RestErrorCode.java) that the maintenance and
/// authentication calls produce or that a caller of them may meet. The code is independent of the HTTP status.
namespace error_codes {
inline constexpr int maintenance = 0;                ///< MAINTENANCE: the maintenance filter refused the call (HTTP 503)
inline constexpr int authentication_required = 100;  ///< AUTHENTICATION_REQUIRED_ERROR (HTTP 401 or 403)
inline constexpr int authentication_failed = 101;    ///< AUTHENTICATION_FAILED_ERROR (HTTP 401, bad credentials)
inline constexpr int unauthorized = 102;             ///< UNAUTHORIZED_ERROR: no sufficient rights (HTTP 403)
inline constexpr int uncategorized = 500;            ///< UNCATEGORIZED_ERROR (HTTP 500)
inline constexpr int illegal_parameter = 501;        ///< ILLEGAL_PARAMETER
inline constexpr int already_exists = 502;           ///< ALREADY_EXIST_ERROR: maintenance already enabled (HTTP 409)
inline constexpr int not_found = 504;                ///< NOT_FOUND_ERROR: maintenance not enabled (HTTP 404)
inline constexpr int illegal_state_operation = 505;  ///< ILLEGAL_STATE_OPERATION
inline constexpr int unsupported_operation = 509;    ///< UNSUPPORTED_OPERATION_ERROR
}  // namespace error_codes

/// The library's class of an A4C failure: the envelope's `error.code` first, then the HTTP status.
///
/// | error.code | HTTP | errc |
/// |---|---|---|
/// | 0 | 503 | busy, vendor_code "0" (0 on any other status: by HTTP status) |
/// | 100 | any | unauthorized |
/// | 101 | any | authentication_failed |
/// | 102 | any | forbidden |
/// | 502 | any | conflict |
/// | 504 | any | not_found |
/// | other / none | 4xx, 5xx, 3xx | errc_from_http_status |
/// | other / none | 2xx | unexpected_response (a success status whose envelope carries an error) |
constexpr errc errc_from_rest_error(unsigned http_status, std::optional<std::int64_t> code) noexcept {
    if (code) {
        switch (*code) {
        case error_codes::maintenance:
            if (http_status == 503) return errc::busy;
            break;
        case error_codes::authentication_required: return errc::unauthorized;
        case error_codes::authentication_failed: return errc::authentication_failed;
        case error_codes::unauthorized: return errc::forbidden;
        case error_codes::already_exists: return errc::conflict;
        case error_codes::not_found: return errc::not_found;
        default: break;
        }
    }
    if (http_status >= 200 && http_status < 300) return errc::unexpected_response;
    return errc_from_http_status(http_status);
}

/// One entry of `MaintenanceModeState.log`.
struct log_entry {
    std::chrono::system_clock::time_point date;  ///< wire: `date`, epoch milliseconds
    std::string user;
    std::string message;
};

/// `GET /rest/v1/maintenance`. `data: null` (or no `data`) means maintenance is off: `enabled == false` and
/// every other member is empty.
struct maintenance_state {
    bool enabled = false;
    std::string id;                       ///< always "mms_id" on 3.0
    std::string user;                     ///< the last user that changed the state (informative)
    bool user_triggered = false;          ///< wire: `userTriggered`; only a user-triggered maintenance can be
                                          ///< updated or disabled through REST
    std::optional<int> progress_percent;  ///< wire: `progressPercent` (the update request says `progressPercentage`)
    std::vector<log_entry> log;           ///< oldest first; the first entry marks the start

    /// When maintenance started: the date of the first log entry (the state has no start date of its own).
    std::optional<std::chrono::system_clock::time_point> started() const {
        if (log.empty()) return std::nullopt;
        return log.front().date;
    }
};

/// The outcome of `POST /login`: the new session. Store `session_cookie` in `context::session_cookie`.
struct login_response {
    std::string session_cookie;  ///< secret: the JSESSIONID value; never print it
    std::string location;        ///< where the server redirected (normally .../rest/auth/status)
    unsigned http_status = 0;    ///< 302 normally; 200 when something between followed the redirect
};

/// `POST /rest/jwtauth`. Store `token` in `context::jwt`.
struct jwt_token {
    std::string token;  ///< secret: never print it
    std::optional<std::chrono::system_clock::time_point> expire_at;  ///< wire: `expireAt`, epoch ms (absent on
                                                                     ///< builds that answer the bare token string)
};

/// `GET /rest/v1/auth/status` (alien4cloud `UserStatus`).
struct auth_status {
    bool is_logged = false;  ///< wire: `isLogged` (a boxed Boolean: null reads as false)
    std::string username;
    std::string github_username;
    std::vector<std::string> roles;   ///< e.g. "ADMIN", "APPLICATIONS_MANAGER"
    std::vector<std::string> groups;
    std::string auth_system;          ///< "alien", "github" or "saml"

    bool has_role(std::string_view role) const { return std::find(roles.begin(), roles.end(), role) != roles.end(); }
};

}  // namespace serverops::a4c

#endif
