// GET /v2/servers/{alias}/{serverId}
#ifndef SERVEROPS_CLC_SERVERS_HPP
#define SERVEROPS_CLC_SERVERS_HPP

#include <serverops/clc/detail/decode.hpp>
#include <serverops/clc/detail/request.hpp>

namespace serverops::clc {

/// A server's status, power state and maintenance flag (and the usual descriptive fields).
/// `status` and `details.powerState` are open-ended in practice; undocumented values are kept as text.
struct get_server {
    using response_type = server_info;
    using context_type = context;
    static constexpr std::string_view name = "clc.getServer";
    static constexpr verb method = verb::get;
    static constexpr bool idempotent = true;

    std::string server_id;

    std::string target(const context& ctx) const {
        return detail::make_target(ctx, {"servers", ctx.account_alias, serverops::detail::to_upper(server_id)});
    }
    result<void> validate(const context& ctx) const {
        BOOST_OUTCOME_TRY(detail::require_alias(ctx));
        if (server_id.empty()) return failure(errc::invalid_request, "no server id given");
        return success();
    }

    result<server_info> decode(const http_response& res) const {
        using namespace detail;
        if (!is_success_status(res.status)) return failure(http_error(res));
        BOOST_OUTCOME_TRY(auto v, parse_json(res.body));
        BOOST_OUTCOME_TRY(auto o, as_object(v, "$"));
        server_info s;
        BOOST_OUTCOME_TRY(s.id, string_field(*o, "id", "$.id"));
        BOOST_OUTCOME_TRY(s.status_text, string_field(*o, "status", "$.status"));
        s.status = server_status_names.find(s.status_text).value_or(server_status::other);
        BOOST_OUTCOME_TRY(auto name, optional_string_field(*o, "name", "$.name"));
        BOOST_OUTCOME_TRY(auto desc, optional_string_field(*o, "description", "$.description"));
        BOOST_OUTCOME_TRY(auto group, optional_string_field(*o, "groupId", "$.groupId"));
        BOOST_OUTCOME_TRY(auto loc, optional_string_field(*o, "locationId", "$.locationId"));
        BOOST_OUTCOME_TRY(auto os, optional_string_field(*o, "osType", "$.osType"));
        s.name = name.value_or("");
        s.description = desc.value_or("");
        s.group_id = group.value_or("");
        s.location_id = loc.value_or("");
        s.os_type = os.value_or("");

        auto* details_value = find_field(*o, "details");
        if (!details_value) return failure(shape_error("$.details", "object", nullptr));
        BOOST_OUTCOME_TRY(auto d, as_object(*details_value, "$.details"));
        BOOST_OUTCOME_TRY(s.power_state_text, string_field(*d, "powerState", "$.details.powerState"));
        s.power = power_state_names.find(s.power_state_text).value_or(power_state::other);
        BOOST_OUTCOME_TRY(s.in_maintenance_mode, bool_field(*d, "inMaintenanceMode", "$.details.inMaintenanceMode"));
        BOOST_OUTCOME_TRY(auto cpu, optional_int_field(*d, "cpu", "$.details.cpu"));
        BOOST_OUTCOME_TRY(auto mem, optional_int_field(*d, "memoryMB", "$.details.memoryMB"));
        BOOST_OUTCOME_TRY(auto disk, optional_int_field(*d, "storageGB", "$.details.storageGB"));
        BOOST_OUTCOME_TRY(auto host, optional_string_field(*d, "hostName", "$.details.hostName"));
        s.cpu = cpu.value_or(0);
        s.memory_mb = mem.value_or(0);
        s.storage_gb = disk.value_or(0);
        s.host_name = host.value_or("");
        if (auto* snaps = find_field(*d, "snapshots")) {
            BOOST_OUTCOME_TRY(auto arr, as_array(*snaps, "$.details.snapshots"));
            for (auto& snap : *arr) {
                BOOST_OUTCOME_TRY(auto so, as_object(snap, "$.details.snapshots[]"));
                BOOST_OUTCOME_TRY(auto n, string_field(*so, "name", "$.details.snapshots[].name"));
                s.snapshot_names.push_back(std::move(n));
            }
        }
        if (auto* links = find_field(*o, "links")) {
            BOOST_OUTCOME_TRY(auto arr, as_array(*links, "$.links"));
            for (auto& l : *arr) {
                BOOST_OUTCOME_TRY(auto lo, as_object(l, "$.links[]"));
                link out;
                BOOST_OUTCOME_TRY(out.rel, string_field(*lo, "rel", "$.links[].rel"));
                BOOST_OUTCOME_TRY(out.href, string_field(*lo, "href", "$.links[].href"));
                BOOST_OUTCOME_TRY(auto id, optional_string_field(*lo, "id", "$.links[].id"));
                out.id = id.value_or("");
                s.links.push_back(std::move(out));
            }
        }
        return s;
    }
};

}  // namespace serverops::clc

#endif
