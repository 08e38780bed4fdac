// Per-server actions that answer with one status link (not an array): restore, snapshot delete and revert.
#ifndef SERVEROPS_CLC_SERVER_ACTIONS_HPP
#define SERVEROPS_CLC_SERVER_ACTIONS_HPP

#include <serverops/clc/detail/decode.hpp>
#include <serverops/clc/detail/request.hpp>

#include <boost/describe/class.hpp>

namespace serverops::clc {

namespace detail {
struct restore_body {
    std::string targetGroupId;
};
BOOST_DESCRIBE_STRUCT(restore_body, (), (targetGroupId))

inline result<void> require_server(const context& ctx, const std::string& server_id) {
    BOOST_OUTCOME_TRY(require_alias(ctx));
    if (server_id.empty()) return failure(errc::invalid_request, "no server id given");
    return success();
}
}  // namespace detail

/// POST /v2/servers/{alias}/{id}/restore: bring an archived server back into a group. Answers 202.
struct restore_server {
    using response_type = queued_job;
    using context_type = context;
    static constexpr bool idempotent = false;
    static constexpr std::string_view name = "clc.restore";
    static constexpr verb method = verb::post;

    std::string server_id;
    std::string target_group_id;

    std::string target(const context& ctx) const {
        return detail::make_target(ctx, {"servers", ctx.account_alias, serverops::detail::to_upper(server_id), "restore"});
    }
    std::string body() const { return detail::to_json(detail::restore_body{target_group_id}); }
    result<void> validate(const context& ctx) const {
        BOOST_OUTCOME_TRY(detail::require_server(ctx, server_id));
        if (target_group_id.empty()) return failure(errc::invalid_request, "no target group id given");
        return success();
    }
    result<queued_job> decode(const http_response& res) const { return detail::decode_single_link(res); }
};

/// DELETE /v2/servers/{alias}/{id}/snapshots/{snapshotId}
struct delete_snapshot {
    using response_type = queued_job;
    using context_type = context;
    static constexpr bool idempotent = false;
    static constexpr std::string_view name = "clc.deleteSnapshot";
    static constexpr verb method = verb::delete_;

    std::string server_id;
    std::string snapshot_id;

    std::string target(const context& ctx) const {
        return detail::make_target(
            ctx, {"servers", ctx.account_alias, serverops::detail::to_upper(server_id), "snapshots", snapshot_id});
    }
    result<void> validate(const context& ctx) const {
        BOOST_OUTCOME_TRY(detail::require_server(ctx, server_id));
        if (snapshot_id.empty()) return failure(errc::invalid_request, "no snapshot id given");
        return success();
    }
    result<queued_job> decode(const http_response& res) const { return detail::decode_single_link(res); }
};

/// POST /v2/servers/{alias}/{id}/snapshots/{snapshotId}/restore (body `{}`, as the SDKs send)
struct revert_snapshot {
    using response_type = queued_job;
    using context_type = context;
    static constexpr bool idempotent = false;
    static constexpr std::string_view name = "clc.revertSnapshot";
    static constexpr verb method = verb::post;

    std::string server_id;
    std::string snapshot_id;

    std::string target(const context& ctx) const {
        return detail::make_target(ctx, {"servers", ctx.account_alias, serverops::detail::to_upper(server_id),
                                         "snapshots", snapshot_id, "restore"});
    }
    std::string body() const { return "{}"; }
    result<void> validate(const context& ctx) const {
        BOOST_OUTCOME_TRY(detail::require_server(ctx, server_id));
        if (snapshot_id.empty()) return failure(errc::invalid_request, "no snapshot id given");
        return success();
    }
    result<queued_job> decode(const http_response& res) const { return detail::decode_single_link(res); }
};

}  // namespace serverops::clc

#endif
