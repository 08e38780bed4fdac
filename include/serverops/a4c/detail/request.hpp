// Request building shared by the Alien4Cloud operations: context checks and form bodies (the targets are fixed
// paths under the checked prefixes).
#ifndef SERVEROPS_A4C_DETAIL_REQUEST_HPP
#define SERVEROPS_A4C_DETAIL_REQUEST_HPP

#include <serverops/a4c/context.hpp>
#include <serverops/a4c/detail/decode.hpp>
#include <serverops/error.hpp>
#include <serverops/vendor.hpp>

#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

namespace serverops::a4c::detail {

inline constexpr std::string_view form_content_type = "application/x-www-form-urlencoded";

/// A bearer token is a single header token: visible ASCII only.
inline bool is_token68ish(std::string_view v) { return serverops::is_header_token(v); }

/// Both prefixes go verbatim into the request line: the shared prefix rule (serverops::check_path_prefix).
inline result<void> check_prefixes(const context& ctx) {
    BOOST_OUTCOME_TRY(serverops::check_path_prefix(ctx.root_prefix, "root prefix"));
    return serverops::check_path_prefix(ctx.path_prefix, "REST prefix");
}

/// Checked before every authenticated call. The messages never quote the secrets.
inline result<void> check_context(const context& ctx) {
    BOOST_OUTCOME_TRY(check_prefixes(ctx));
    if (!is_cookie_value(ctx.session_cookie))
        return failure(errc::invalid_request, "session cookie holds characters not allowed in a cookie value");
    if (!is_token68ish(ctx.jwt)) return failure(errc::invalid_request, "JWT holds spaces or control characters");
    return success();
}

/// application/x-www-form-urlencoded: every byte but the RFC 3986 unreserved ones is %XX-encoded.
inline std::string form_body(std::initializer_list<std::pair<std::string_view, std::string_view>> fields) {
    std::string out;
    for (auto& [k, v] : fields) {
        if (!out.empty()) out += '&';
        out += boost::urls::encode(k, boost::urls::unreserved_chars);
        out += '=';
        out += boost::urls::encode(v, boost::urls::unreserved_chars);
    }
    return out;
}

}  // namespace serverops::a4c::detail

#endif
