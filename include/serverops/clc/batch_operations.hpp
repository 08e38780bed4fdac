// POST /v2/operations/{alias}/servers/{operation}: power, maintenance, archive and snapshot batches.
// Each queues one job (shared by the whole batch) and answers with one entry per server.
#ifndef SERVEROPS_CLC_BATCH_OPERATIONS_HPP
#define SERVEROPS_CLC_BATCH_OPERATIONS_HPP

#include <serverops/clc/detail/decode.hpp>
#include <serverops/clc/detail/request.hpp>

#include <boost/describe/class.hpp>

#include <algorithm>
#include <cstddef>

namespace serverops::clc {

namespace detail {
/// A string usable as a template argument: `server_batch<"clc.pause">`.
template <std::size_t N>
struct fixed_name {
    char text[N]{};
    constexpr fixed_name(const char (&s)[N]) { std::copy_n(s, N, text); }
    constexpr std::string_view view() const { return {text, N - 1}; }
};

struct maintenance_entry {
    std::string id;
    bool inMaintenanceMode;
};
BOOST_DESCRIBE_STRUCT(maintenance_entry, (), (id, inMaintenanceMode))

struct set_maintenance_body {
    std::vector<maintenance_entry> servers;
};
BOOST_DESCRIBE_STRUCT(set_maintenance_body, (), (servers))

struct create_snapshot_body {
    int snapshotExpirationDays;
    std::vector<std::string> serverIds;
};
BOOST_DESCRIBE_STRUCT(create_snapshot_body, (), (snapshotExpirationDays, serverIds))

inline std::string batch_target(const context& ctx, std::string_view api_operation) {
    return make_target(ctx, {"operations", ctx.account_alias, "servers", api_operation});
}

/// Bound of one server's entry in a batch answer. The recorded answers hold ~200 bytes per server (its id,
/// isQueued, a status link or an error message); 4 KiB leaves room for long ids and messages and for fields the API
/// may add.
inline constexpr std::size_t batch_entry_bound = 4096;
/// The array itself, and an error body that replaces it.
inline constexpr std::size_t batch_answer_slack = 64 * 1024;

/// The response body limit of a batch of `servers` (http_request::max_response_body): a legitimate answer always
/// fits, so that an accepted batch never ends in errc::body_too_large without its job ids. Saturates instead of
/// overflowing.
constexpr std::size_t batch_response_limit(std::size_t servers) noexcept {
    constexpr std::size_t max = static_cast<std::size_t>(-1);
    if (servers > (max - batch_answer_slack) / batch_entry_bound) return max;
    return servers * batch_entry_bound + batch_answer_slack;
}
}  // namespace detail

/// A batch whose body is the bare array of server ids.
template <detail::fixed_name Name>
struct server_batch {
    using response_type = batch_response;
    using context_type = context;
    static constexpr std::string_view name = Name.view();
    static constexpr std::string_view api_operation = Name.view().substr(4);  // after "clc."
    static constexpr verb method = verb::post;
    static constexpr bool idempotent = false;  // a second reboot is not harmless: never resent automatically

    std::vector<std::string> server_ids;

    std::string target(const context& ctx) const { return detail::batch_target(ctx, api_operation); }
    std::string body() const { return detail::wire_id_array(server_ids); }
    result<void> validate(const context& ctx) const {
        BOOST_OUTCOME_TRY(detail::require_alias(ctx));
        return detail::require_server_ids(server_ids);
    }
    result<batch_response> decode(const http_response& res) const { return detail::decode_batch(res, server_ids); }
    std::size_t max_response_body() const noexcept { return detail::batch_response_limit(server_ids.size()); }
};

using pause = server_batch<"clc.pause">;
using power_on = server_batch<"clc.powerOn">;
using power_off = server_batch<"clc.powerOff">;
using reboot = server_batch<"clc.reboot">;
using reset = server_batch<"clc.reset">;
using shut_down = server_batch<"clc.shutDown">;
using start_maintenance = server_batch<"clc.startMaintenance">;
using stop_maintenance = server_batch<"clc.stopMaintenance">;
using archive = server_batch<"clc.archive">;

/// Maintenance on for some servers and off for others, in one batch. Sends real JSON booleans.
struct set_maintenance {
    using response_type = batch_response;
    using context_type = context;
    static constexpr std::string_view name = "clc.setMaintenance";
    static constexpr verb method = verb::post;
    static constexpr bool idempotent = false;

    struct entry {
        std::string server_id;
        bool in_maintenance_mode = true;
    };
    std::vector<entry> servers;

    std::string target(const context& ctx) const { return detail::batch_target(ctx, name.substr(4)); }
    std::string body() const {
        detail::set_maintenance_body b;
        b.servers.reserve(servers.size());
        for (auto& s : servers) b.servers.push_back({serverops::detail::to_upper(s.server_id), s.in_maintenance_mode});
        return detail::to_json(b);
    }
    result<void> validate(const context& ctx) const {
        BOOST_OUTCOME_TRY(detail::require_alias(ctx));
        return detail::require_server_ids(ids());
    }
    result<batch_response> decode(const http_response& res) const { return detail::decode_batch(res, ids()); }
    std::size_t max_response_body() const noexcept { return detail::batch_response_limit(servers.size()); }

    std::vector<std::string> ids() const {
        std::vector<std::string> out;
        out.reserve(servers.size());
        for (auto& s : servers) out.push_back(s.server_id);
        return out;
    }
};

/// Snapshot the servers; the API keeps a snapshot 1 to 10 days. Out-of-range values are rejected before sending
/// (the Java SDK silently clamps them to 10).
struct create_snapshot {
    using response_type = batch_response;
    using context_type = context;
    static constexpr std::string_view name = "clc.createSnapshot";
    static constexpr verb method = verb::post;
    static constexpr bool idempotent = false;
    static constexpr int min_expiration_days = 1;
    static constexpr int max_expiration_days = 10;

    std::vector<std::string> server_ids;
    int expiration_days = 7;

    std::string target(const context& ctx) const { return detail::batch_target(ctx, name.substr(4)); }
    std::string body() const {
        return detail::to_json(detail::create_snapshot_body{expiration_days, detail::wire_ids(server_ids)});
    }
    result<void> validate(const context& ctx) const {
        BOOST_OUTCOME_TRY(detail::require_alias(ctx));
        if (expiration_days < min_expiration_days || expiration_days > max_expiration_days)
            return failure(errc::invalid_request, "snapshot expiration must be 1 to 10 days, got " +
                                                      std::to_string(expiration_days));
        return detail::require_server_ids(server_ids);
    }
    result<batch_response> decode(const http_response& res) const { return detail::decode_batch(res, server_ids); }
    std::size_t max_response_body() const noexcept { return detail::batch_response_limit(server_ids.size()); }
};

}  // namespace serverops::clc

#endif
