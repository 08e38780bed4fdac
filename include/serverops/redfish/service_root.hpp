// GET {prefix}/redfish/v1/: the service root. Served without authentication (DSP0266), so `auto` authentication
// reads it before any credential is sent to choose between a session and HTTP Basic.
#ifndef SERVEROPS_REDFISH_SERVICE_ROOT_HPP
#define SERVEROPS_REDFISH_SERVICE_ROOT_HPP

#include <serverops/redfish/context.hpp>
#include <serverops/redfish/detail/decode.hpp>
#include <serverops/redfish/detail/request.hpp>
#include <serverops/redfish/types.hpp>

#include <string>

namespace serverops::redfish {

/// The service root: version, UUID and the links serverops follows (Systems, SessionService, Links.Sessions).
/// Sends no credentials.
struct get_service_root {
    using response_type = service_root;
    using context_type = context;
    static constexpr std::string_view name = "redfish.getServiceRoot";
    static constexpr verb method = verb::get;
    static constexpr bool idempotent = true;
    static constexpr bool authenticated = false;

    std::string target(const context& ctx) const {
        std::string t = ctx.service_target(service_root_path);
        t += '/';
        return t;
    }
    result<void> validate(const context& ctx) const { return detail::check_context(ctx); }
    result<service_root> decode(const http_response& res) const { return with_http_status(decode_root(res), res); }

private:
    static result<service_root> decode_root(const http_response& res) {
        using namespace detail;
        BOOST_OUTCOME_TRY(check_status(res, {200}));
        BOOST_OUTCOME_TRY(auto v, parse_resource(res));
        const auto& o = v.get_object();
        service_root r;
        BOOST_OUTCOME_TRY(auto version, optional_string_field(o, "RedfishVersion", "$.RedfishVersion"));
        BOOST_OUTCOME_TRY(auto uuid, optional_string_field(o, "UUID", "$.UUID"));
        BOOST_OUTCOME_TRY(r.name, optional_string_field(o, "Name", "$.Name"));
        r.redfish_version = bounded(version.value_or(""), 64);
        r.uuid = bounded(uuid.value_or(""), 64);
        BOOST_OUTCOME_TRY(r.systems_uri, link_field(o, "Systems", "$.Systems"));
        BOOST_OUTCOME_TRY(r.session_service_uri, link_field(o, "SessionService", "$.SessionService"));
        if (auto* links = find_field(o, "Links")) {
            BOOST_OUTCOME_TRY(auto lo, as_object(*links, "$.Links"));
            BOOST_OUTCOME_TRY(r.sessions_uri, link_field(*lo, "Sessions", "$.Links.Sessions"));
        }
        return r;
    }
};

}  // namespace serverops::redfish

#endif
