// {root}{prefix}/maintenance: read, enable, update and disable Alien4Cloud's maintenance mode.
// Reading needs any authenticated user; the three changes need the ADMIN role (else 403, code 102).
// While maintenance is on, the server answers every other /rest call with 503, code 0 (errc::busy).
#ifndef SERVEROPS_A4C_MAINTENANCE_HPP
#define SERVEROPS_A4C_MAINTENANCE_HPP

#include <serverops/a4c/detail/decode.hpp>
#include <serverops/a4c/detail/request.hpp>

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include <optional>
#include <string>

namespace serverops::a4c {

namespace detail {
inline result<log_entry> decode_log_entry(const json::value& v) {
    BOOST_OUTCOME_TRY(auto o, as_object(v, "$.data.log[]"));
    log_entry e;
    BOOST_OUTCOME_TRY(auto ms, int_field(*o, "date", "$.data.log[].date"));
    BOOST_OUTCOME_TRY(e.date, from_epoch_ms(ms, "$.data.log[].date"));
    BOOST_OUTCOME_TRY(auto user, optional_string_field(*o, "user", "$.data.log[].user"));
    BOOST_OUTCOME_TRY(auto message, optional_string_field(*o, "message", "$.data.log[].message"));
    e.user = user.value_or("");
    e.message = message.value_or("");
    return e;
}

/// `MaintenanceModeState` as Jackson writes it: id, userTriggered (Lombok getter `isUserTriggered()` of the field
/// `isUserTriggered`), user, log, progressPercent.
inline result<maintenance_state> decode_maintenance_state(const json::value& data) {
    maintenance_state s;
    if (data.is_null()) return s;
    BOOST_OUTCOME_TRY(auto o, as_object(data, "$.data"));
    s.enabled = true;
    BOOST_OUTCOME_TRY(auto id, optional_string_field(*o, "id", "$.data.id"));
    BOOST_OUTCOME_TRY(auto user, optional_string_field(*o, "user", "$.data.user"));
    s.id = id.value_or("");
    s.user = user.value_or("");
    BOOST_OUTCOME_TRY(auto triggered, optional_bool_field(*o, "userTriggered", "$.data.userTriggered"));
    if (!triggered) {  // the Java field's own name, should a serializer use fields instead of getters
        BOOST_OUTCOME_TRY(triggered, optional_bool_field(*o, "isUserTriggered", "$.data.isUserTriggered"));
    }
    s.user_triggered = triggered.value_or(false);
    BOOST_OUTCOME_TRY(s.progress_percent, optional_int32_field(*o, "progressPercent", "$.data.progressPercent"));
    if (auto* log = find_field(*o, "log")) {
        BOOST_OUTCOME_TRY(auto arr, as_array(*log, "$.data.log"));
        s.log.reserve(arr->size());
        for (auto& item : *arr) {
            BOOST_OUTCOME_TRY(auto e, decode_log_entry(item));
            s.log.push_back(std::move(e));
        }
    }
    return s;
}
}  // namespace detail

/// GET: the current state; `enabled == false` when maintenance is off. Any logged-in user may read it, and the
/// maintenance filter lets it through while maintenance is on.
struct get_maintenance_state {
    using response_type = maintenance_state;
    using context_type = context;
    static constexpr std::string_view name = "a4c.getMaintenance";
    static constexpr verb method = verb::get;
    static constexpr bool idempotent = true;

    std::string target(const context& ctx) const { return ctx.rest_target("/maintenance"); }
    result<void> validate(const context& ctx) const { return detail::check_context(ctx); }
    result<maintenance_state> decode(const http_response& res) const {
        auto data = detail::decode_envelope(res, {200}, true);
        if (!data) return failure(std::move(data).error());
        return with_http_status(detail::decode_maintenance_state(data.value()), res);
    }
};

/// POST, no body: turn maintenance on (201). Already on: 409, code 502 -> errc::conflict. Not idempotent: a second
/// delivery fails with that conflict, which would hide that the first one worked.
struct enable_maintenance {
    using response_type = void;
    using context_type = context;
    static constexpr std::string_view name = "a4c.enableMaintenance";
    static constexpr verb method = verb::post;
    static constexpr bool idempotent = false;

    std::string target(const context& ctx) const { return ctx.rest_target("/maintenance"); }
    result<void> validate(const context& ctx) const { return detail::check_context(ctx); }
    result<void> decode(const http_response& res) const { return detail::decode_no_data(res, {201}); }
};

/// PUT `MaintenanceUpdateDTO` `{"message":..,"progressPercentage":..}` (absent fields left out): appends `message`
/// to the log and sets the state's `progressPercent` (201). Maintenance off: 404, code 504 -> errc::not_found.
/// Both fields are optional on the server; with neither, the body is `{}` and the call changes nothing but still
/// checks that maintenance is on and the caller is ADMIN. The server does not bound the progress; this client
/// rejects values outside 0..100 before sending. Not idempotent: each delivery appends another log entry.
struct update_maintenance {
    using response_type = void;
    using context_type = context;
    static constexpr std::string_view name = "a4c.updateMaintenance";
    static constexpr verb method = verb::put;
    static constexpr bool idempotent = false;
    static constexpr int min_progress = 0;
    static constexpr int max_progress = 100;

    std::optional<std::string> message;
    std::optional<int> progress_percentage;

    std::string target(const context& ctx) const { return ctx.rest_target("/maintenance"); }
    std::string body() const {
        boost::json::object o;
        if (message) o["message"] = *message;
        if (progress_percentage) o["progressPercentage"] = *progress_percentage;
        return boost::json::serialize(o);
    }
    result<void> validate(const context& ctx) const {
        BOOST_OUTCOME_TRY(detail::check_context(ctx));
        if (progress_percentage && (*progress_percentage < min_progress || *progress_percentage > max_progress))
            return failure(errc::invalid_request,
                           "progress percentage must be 0 to 100, got " + std::to_string(*progress_percentage));
        return success();
    }
    result<void> decode(const http_response& res) const { return detail::decode_no_data(res, {201}); }
};

/// DELETE: turn a user-triggered maintenance off (200; the generated doc also lists 204, accepted too).
/// Off already: 404, code 504 -> errc::not_found. Not idempotent: a second delivery fails with that error.
/// A maintenance started by an internal process (migration) cannot be disabled: the server fails with a 500 that
/// may not use the envelope (errc::server_error).
struct disable_maintenance {
    using response_type = void;
    using context_type = context;
    static constexpr std::string_view name = "a4c.disableMaintenance";
    static constexpr verb method = verb::delete_;
    static constexpr bool idempotent = false;

    std::string target(const context& ctx) const { return ctx.rest_target("/maintenance"); }
    result<void> validate(const context& ctx) const { return detail::check_context(ctx); }
    result<void> decode(const http_response& res) const { return detail::decode_no_data(res, {200, 204}); }
};

}  // namespace serverops::a4c

#endif
