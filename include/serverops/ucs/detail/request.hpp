// Request building shared by the UCS operations: context checks.
#ifndef SERVEROPS_UCS_DETAIL_REQUEST_HPP
#define SERVEROPS_UCS_DETAIL_REQUEST_HPP

#include <serverops/error.hpp>
#include <serverops/ucs/context.hpp>

#include <string_view>

namespace serverops::ucs::detail {

inline bool has_control(std::string_view s) {
    for (char c : s) {
        auto u = static_cast<unsigned char>(c);
        if (u < 0x20 || u == 0x7f) return true;
    }
    return false;
}

/// Checked before every call. The messages never quote the credentials.
inline result<void> check_context(const context& ctx) {
    const std::string_view p = ctx.path_prefix;
    if (!p.empty() && p.front() != '/')
        return failure(errc::invalid_request, "path prefix must be empty or start with '/'");
    for (char c : p)
        if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f || c == '?' || c == '#')
            return failure(errc::invalid_request, "path prefix holds a space, a control character, '?' or '#'");
    // RFC 7617: the user-id cannot hold ':' and neither part may hold control characters.
    if (ctx.username.find(':') != std::string::npos)
        return failure(errc::invalid_request, "a Basic-authentication username cannot contain ':'");
    if (has_control(ctx.username) || has_control(ctx.password))
        return failure(errc::invalid_request, "credentials hold control characters");
    if (ctx.username.empty() && !ctx.password.empty())
        return failure(errc::invalid_request, "a password is configured without a username: no credentials would be sent");
    return success();
}

}  // namespace serverops::ucs::detail

#endif
