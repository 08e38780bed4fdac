// Request building shared by the Redfish operations: context checks, and the one rule for following a URI the
// service handed out (links, action targets, task monitors, session URIs).
#ifndef SERVEROPS_REDFISH_DETAIL_REQUEST_HPP
#define SERVEROPS_REDFISH_DETAIL_REQUEST_HPP

#include <serverops/error.hpp>
#include <serverops/redfish/context.hpp>
#include <serverops/vendor.hpp>

#include <string>
#include <string_view>

namespace serverops::redfish::detail {

/// Checked before every call. The messages never quote the credentials.
inline result<void> check_context(const context& ctx) {
    BOOST_OUTCOME_TRY(serverops::check_path_prefix(ctx.path_prefix));
    if (!serverops::is_header_token(ctx.token))
        return failure(errc::invalid_request, "the session token holds spaces or control characters");
    if (ctx.username.find(':') != std::string::npos)
        return failure(errc::invalid_request, "a Basic-authentication username cannot contain ':'");
    if (has_control_characters(ctx.username) || has_control_characters(ctx.password))
        return failure(errc::invalid_request, "credentials hold control characters");
    return success();
}

/// A URI from the service as a request target on the configured service (serverops::same_origin_target): never
/// another host, port or scheme, never a forged request line.
inline result<std::string> link_target(const context& ctx, std::string_view uri, std::string_view what) {
    if (uri.empty()) {
        std::string d(what);
        d += " is empty";
        return failure(errc::invalid_request, std::move(d));
    }
    return serverops::same_origin_target(uri, ctx.origin ? &*ctx.origin : nullptr, ctx.path_prefix, what);
}

/// The target of an operation that follows `uri`, for `target()`: `encode` ran `validate` (check_link) first, so
/// a refused link never reaches here; "" otherwise.
inline std::string followed_target(const context& ctx, std::string_view uri, std::string_view what) {
    auto t = link_target(ctx, uri, what);
    return t ? std::move(t).value() : std::string();
}

/// Context check, then the link.
inline result<void> check_link(const context& ctx, std::string_view uri, std::string_view what) {
    BOOST_OUTCOME_TRY(check_context(ctx));
    BOOST_OUTCOME_TRY(link_target(ctx, uri, what));
    return success();
}

}  // namespace serverops::redfish::detail

#endif
