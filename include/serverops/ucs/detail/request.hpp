// Request building shared by the UCS operations: context checks.
#ifndef SERVEROPS_UCS_DETAIL_REQUEST_HPP
#define SERVEROPS_UCS_DETAIL_REQUEST_HPP

#include <serverops/error.hpp>
#include <serverops/ucs/context.hpp>
#include <serverops/vendor.hpp>

#include <string_view>

namespace serverops::ucs::detail {

/// Checked before every call. The messages never quote the credentials.
inline result<void> check_context(const context& ctx) {
    // The prefix goes verbatim into the request line (the targets are fixed paths under it).
    BOOST_OUTCOME_TRY(serverops::check_path_prefix(ctx.path_prefix));
    // RFC 7617: the user-id cannot hold ':' and neither part may hold control characters.
    if (ctx.username.find(':') != std::string::npos)
        return failure(errc::invalid_request, "a Basic-authentication username cannot contain ':'");
    if (has_control_characters(ctx.username) || has_control_characters(ctx.password))
        return failure(errc::invalid_request, "credentials hold control characters");
    if (ctx.username.empty() && !ctx.password.empty())
        return failure(errc::invalid_request, "a password is configured without a username: no credentials would be sent");
    return success();
}

}  // namespace serverops::ucs::detail

#endif
