// GET the Systems collection, one ComputerSystem (power state and its Reset action), and the ActionInfo resource
// some services (OpenBMC's bmcweb, Supermicro) use to list the allowed ResetType values.
#ifndef SERVEROPS_REDFISH_SYSTEMS_HPP
#define SERVEROPS_REDFISH_SYSTEMS_HPP

#include <serverops/redfish/context.hpp>
#include <serverops/redfish/detail/decode.hpp>
#include <serverops/redfish/detail/request.hpp>
#include <serverops/redfish/types.hpp>

#include <optional>
#include <string>
#include <vector>

namespace serverops::redfish {

namespace detail {
/// An array of strings at `key` (nullopt when absent); every entry must be a string.
inline result<std::optional<std::vector<std::string>>> optional_strings(const json::object& o, std::string_view key,
                                                                        std::string_view path) {
    using out = std::optional<std::vector<std::string>>;
    auto* v = find_field(o, key);
    if (!v) return out();
    BOOST_OUTCOME_TRY(auto arr, as_array(*v, path));
    std::vector<std::string> values;
    std::string item_path(path);
    item_path += "[]";
    for (const auto& item : *arr) {
        if (values.size() == 64) break;  // the schema has 13 values; more is noise
        BOOST_OUTCOME_TRY(auto s, as_string(item, item_path));
        values.push_back(bounded(s, 64));
    }
    return out(std::move(values));
}

inline result<computer_system> decode_system(const http_response& res, std::string_view read_from) {
    BOOST_OUTCOME_TRY(check_status(res, {200}));
    BOOST_OUTCOME_TRY(auto v, parse_resource(res));
    const auto& o = v.get_object();
    computer_system s;
    BOOST_OUTCOME_TRY(auto uri, optional_string_field(o, "@odata.id", "$['@odata.id']"));
    s.uri = bounded(uri.value_or(std::string(read_from)), max_uri_length);
    BOOST_OUTCOME_TRY(auto id, optional_string_field(o, "Id", "$.Id"));
    s.id = id ? bounded(*id, 256) : last_segment(s.uri);
    BOOST_OUTCOME_TRY(s.name, optional_string_field(o, "Name", "$.Name"));
    if (s.name) *s.name = bounded(*s.name, 256);
    BOOST_OUTCOME_TRY(auto power, optional_string_field(o, "PowerState", "$.PowerState"));
    if (power) {
        s.power_state_text = bounded(*power, 64);
        s.power = power_state_names.find(*power).value_or(power_state::unknown);
    }
    auto* actions = find_field(o, "Actions");
    if (!actions) return s;
    BOOST_OUTCOME_TRY(auto ao, as_object(*actions, "$.Actions"));
    auto* reset = find_field(*ao, "#ComputerSystem.Reset");
    if (!reset) return s;
    static constexpr std::string_view path = "$.Actions['#ComputerSystem.Reset']";
    BOOST_OUTCOME_TRY(auto ro, as_object(*reset, path));
    BOOST_OUTCOME_TRY(auto target, optional_string_field(*ro, "target", "$.Actions['#ComputerSystem.Reset'].target"));
    s.reset_target = bounded(target.value_or(""), max_uri_length);
    BOOST_OUTCOME_TRY(s.allowed_reset_types,
                      optional_strings(*ro, "ResetType@Redfish.AllowableValues",
                                       "$.Actions['#ComputerSystem.Reset']['ResetType@Redfish.AllowableValues']"));
    BOOST_OUTCOME_TRY(s.reset_action_info, optional_string_field(*ro, "@Redfish.ActionInfo",
                                                                 "$.Actions['#ComputerSystem.Reset']['@Redfish.ActionInfo']"));
    if (s.reset_action_info) *s.reset_action_info = bounded(*s.reset_action_info, max_uri_length);
    return s;
}
}  // namespace detail

/// `GET` the Systems collection (`uri`: the service root's `Systems` link; default /redfish/v1/Systems). Members
/// whose entry is not `{"@odata.id": string}` are an error naming `$.Members[]`. Only the first page is read
/// (BMCs list a handful of systems; `Members@odata.nextLink` is not followed).
struct list_systems {
    using response_type = systems_collection;
    using context_type = context;
    static constexpr std::string_view name = "redfish.listSystems";
    static constexpr verb method = verb::get;
    static constexpr bool idempotent = true;

    std::string uri;  ///< empty: /redfish/v1/Systems

    std::string target(const context& ctx) const { return detail::followed_target(ctx, effective_uri(), "Systems link"); }
    result<void> validate(const context& ctx) const { return detail::check_link(ctx, effective_uri(), "Systems link"); }
    result<systems_collection> decode(const http_response& res) const { return with_http_status(decode_members(res), res); }

private:
    std::string effective_uri() const { return uri.empty() ? std::string(service_root_path) + "/Systems" : uri; }

    static result<systems_collection> decode_members(const http_response& res) {
        using namespace detail;
        BOOST_OUTCOME_TRY(check_status(res, {200}));
        BOOST_OUTCOME_TRY(auto v, parse_resource(res));
        const auto& o = v.get_object();
        systems_collection c;
        BOOST_OUTCOME_TRY(c.count, optional_int_field(o, "Members@odata.count", "$['Members@odata.count']"));
        auto* members = find_field(o, "Members");
        if (!members) return failure(shape_error("$.Members", "array", nullptr));
        BOOST_OUTCOME_TRY(auto arr, as_array(*members, "$.Members"));
        for (const auto& m : *arr) {
            if (c.members.size() == 4096) break;
            BOOST_OUTCOME_TRY(auto mo, as_object(m, "$.Members[]"));
            BOOST_OUTCOME_TRY(auto uri, string_field(*mo, "@odata.id", "$.Members[]['@odata.id']"));
            member entry;
            entry.uri = bounded(uri, max_uri_length);
            entry.id = last_segment(entry.uri);
            c.members.push_back(std::move(entry));
        }
        return c;
    }
};

/// `GET` one ComputerSystem: by `id` (/redfish/v1/Systems/{id}, the id as one path segment) or by `uri` (a member
/// of the collection, which wins when both are set). `PowerState` outside the schema is power_state::unknown with
/// its text kept; members of the wrong JSON type are an error naming their path.
struct get_system {
    using response_type = computer_system;
    using context_type = context;
    static constexpr std::string_view name = "redfish.getSystem";
    static constexpr verb method = verb::get;
    static constexpr bool idempotent = true;

    std::string id;
    std::string uri;

    /// The system a resource read earlier names (its `@odata.id`, else its id).
    static get_system of(const computer_system& s) {
        get_system g;
        g.id = s.id;
        g.uri = s.uri;
        return g;
    }

    std::string target(const context& ctx) const {
        if (uri.empty()) return ctx.service_target(effective_uri());  // the id is one encoded segment already
        return detail::followed_target(ctx, uri, "system URI");
    }
    result<void> validate(const context& ctx) const {
        if (uri.empty() && id.empty()) return failure(errc::invalid_request, "neither a system id nor a system URI is set");
        if (uri.empty()) return detail::check_context(ctx);
        return detail::check_link(ctx, uri, "system URI");
    }
    result<computer_system> decode(const http_response& res) const {
        return with_http_status(detail::decode_system(res, effective_uri()), res);
    }

    /// The URI read: `uri`, else /redfish/v1/Systems/{id}.
    std::string effective_uri() const {
        if (!uri.empty()) return uri;
        return make_target(service_root_path, {"Systems", id});
    }
};

/// What an ActionInfo resource says about the Reset action.
struct action_info {
    /// `Parameters[Name == "ResetType"].AllowableValues`; nullopt when the resource does not list them.
    std::optional<std::vector<std::string>> reset_types;
};

/// `GET` the Reset action's `@Redfish.ActionInfo` resource (`computer_system::reset_action_info`).
struct get_action_info {
    using response_type = action_info;
    using context_type = context;
    static constexpr std::string_view name = "redfish.getActionInfo";
    static constexpr verb method = verb::get;
    static constexpr bool idempotent = true;

    std::string uri;

    std::string target(const context& ctx) const { return detail::followed_target(ctx, uri, "ActionInfo URI"); }
    result<void> validate(const context& ctx) const { return detail::check_link(ctx, uri, "ActionInfo URI"); }
    result<action_info> decode(const http_response& res) const { return with_http_status(decode_info(res), res); }

private:
    static result<action_info> decode_info(const http_response& res) {
        using namespace detail;
        BOOST_OUTCOME_TRY(check_status(res, {200}));
        BOOST_OUTCOME_TRY(auto v, parse_resource(res));
        action_info info;
        auto* params = find_field(v.get_object(), "Parameters");
        if (!params) return info;
        BOOST_OUTCOME_TRY(auto arr, as_array(*params, "$.Parameters"));
        for (const auto& p : *arr) {
            BOOST_OUTCOME_TRY(auto po, as_object(p, "$.Parameters[]"));
            BOOST_OUTCOME_TRY(auto pname, optional_string_field(*po, "Name", "$.Parameters[].Name"));
            if (pname != "ResetType") continue;
            BOOST_OUTCOME_TRY(info.reset_types, optional_strings(*po, "AllowableValues", "$.Parameters[].AllowableValues"));
            break;
        }
        return info;
    }
};

/// The system with the allowed values of its ActionInfo (when it lists them; the annotation's stay otherwise).
inline computer_system with_action_info(computer_system s, const action_info& info) {
    if (info.reset_types) s.allowed_reset_types = info.reset_types;
    return s;
}

}  // namespace serverops::redfish

#endif
