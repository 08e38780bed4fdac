// POST ComputerSystem.Reset: `{"ResetType": ...}` to the action target the system resource advertises (read, never
// built by hand), checked against the allowed values before anything is sent.
#ifndef SERVEROPS_REDFISH_RESET_HPP
#define SERVEROPS_REDFISH_RESET_HPP

#include <serverops/redfish/context.hpp>
#include <serverops/redfish/detail/decode.hpp>
#include <serverops/redfish/detail/request.hpp>
#include <serverops/redfish/types.hpp>

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include <optional>
#include <string>
#include <vector>

namespace serverops::redfish {

/// `ComputerSystem.Reset`. Answers: 204 (no body), 200 (`@Message.ExtendedInfo`), 202 (a task monitor in
/// `Location`, else the body's `@odata.id`; none at all is still accepted: wait on the power state then). A reset
/// type the system does not allow is refused before sending (errc::invalid_request listing the allowed ones), as is
/// a target that leaves the configured service (`same_origin_target`).
///
/// Not idempotent, and bound to the credentials it carried: never resent, not after a transport failure, a 5xx or
/// a 401 either (a session drops the rejected token; the next call logs in). Read the power state before sending it
/// again (`error::may_have_executed`).
struct reset {
    using response_type = reset_result;
    using context_type = context;
    static constexpr std::string_view name = "redfish.reset";
    static constexpr verb method = verb::post;
    static constexpr bool idempotent = false;
    static constexpr bool resend_after_relogin = false;

    std::string target_uri;  ///< `Actions["#ComputerSystem.Reset"].target` of the system
    reset_type type = reset_type::on;
    std::optional<std::vector<std::string>> allowed;  ///< the system's allowed values; nullopt: all
    std::string system;  ///< the system's id, for messages

    /// The reset of `s` as the resource describes it: its target and allowed values.
    static reset of(const computer_system& s, reset_type t) {
        reset r;
        r.target_uri = s.reset_target;
        r.type = t;
        r.allowed = s.allowed_reset_types;
        r.system = s.id;
        return r;
    }

    std::string target(const context& ctx) const {
        return detail::followed_target(ctx, target_uri, "Reset action target");
    }
    std::string body() const {
        boost::json::object o;
        o["ResetType"] = to_string(type);
        return boost::json::serialize(o);
    }
    result<void> validate(const context& ctx) const {
        if (to_string(type).empty()) return failure(errc::invalid_request, "the reset type is not a DMTF ResetType");
        if (target_uri.empty()) {
            std::string d = "system ";
            d += quoted_system();
            d += " advertises no ComputerSystem.Reset action target";
            return failure(errc::invalid_request, std::move(d));
        }
        if (allowed && !is_allowed()) return failure(errc::invalid_request, not_allowed_detail());
        return detail::check_link(ctx, target_uri, "Reset action target");
    }
    result<reset_result> decode(const http_response& res) const { return with_http_status(decode_answer(res), res); }

private:
    bool is_allowed() const {
        for (const auto& v : *allowed)
            if (v == to_string(type)) return true;
        return false;
    }

    std::string quoted_system() const {
        std::string q = "'";
        q += printable(system, 128);
        q += '\'';
        return q;
    }

    std::string not_allowed_detail() const {
        std::string d = "ResetType ";
        d += to_string(type);
        d += " is not allowed for system ";
        d += quoted_system();
        d += "; allowed: ";
        if (allowed->empty()) d += "none";
        for (std::size_t i = 0; i < allowed->size() && i < 16; ++i) {
            if (i) d += ", ";
            d += printable((*allowed)[i], 40);
        }
        return d;
    }

    result<reset_result> decode_answer(const http_response& res) const {
        using namespace detail;
        BOOST_OUTCOME_TRY(check_status(res, {200, 202, 204}));
        reset_result r;
        r.status = res.status;
        r.type = type;
        // The status says the reset was accepted: a body that cannot be read only loses its messages.
        const auto body = lenient_object(res.body);
        const json::object* o = body ? &body->get_object() : nullptr;
        if (o) {
            r.messages = read_messages(find_field(*o, "@Message.ExtendedInfo"));
            if (auto* e = find_field(*o, "error"); e && e->is_object() && r.messages.empty())
                r.messages = read_messages(find_field(e->get_object(), "@Message.ExtendedInfo"));
        }
        if (res.status == 202) {
            auto monitor = location_of(res);
            if (monitor.empty() && o) monitor = odata_id_of(*o);
            if (!monitor.empty()) r.task_monitor = std::move(monitor);
        }
        return r;
    }
};

}  // namespace serverops::redfish

#endif
