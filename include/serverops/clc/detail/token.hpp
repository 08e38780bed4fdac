// Reads the expiry of a CLC bearer token. The token is a JWT in practice (exp - nbf = 14 days in recorded traffic)
// but that is not documented, so this is best effort: nullopt means "use the configured default lifetime".
#ifndef SERVEROPS_CLC_DETAIL_TOKEN_HPP
#define SERVEROPS_CLC_DETAIL_TOKEN_HPP

#include <serverops/detail/base64.hpp>

#include <boost/json/parse.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string_view>

namespace serverops::clc::detail {

inline std::optional<std::chrono::system_clock::time_point> token_expiry(std::string_view token) {
    auto first = token.find('.');
    if (first == std::string_view::npos) return std::nullopt;
    auto second = token.find('.', first + 1);
    if (second == std::string_view::npos) return std::nullopt;
    auto payload = serverops::detail::base64_decode(token.substr(first + 1, second - first - 1));
    if (!payload) return std::nullopt;
    boost::system::error_code ec;
    auto v = boost::json::parse(*payload, ec);
    if (ec || !v.is_object()) return std::nullopt;
    auto* exp = v.as_object().if_contains("exp");
    if (!exp || !exp->is_number()) return std::nullopt;
    const auto seconds = exp->to_number<double>(ec);
    // Only what system_clock can hold (libstdc++: nanoseconds, until 2262-04-11): a later exp would overflow the
    // conversion (signed, undefined). Fractions are dropped; negative, NaN, infinite or later values are unknown.
    using clock = std::chrono::system_clock;
    constexpr auto max_seconds = std::chrono::duration_cast<std::chrono::seconds>(clock::duration::max()).count();
    if (ec || !(seconds >= 0 && seconds <= static_cast<double>(max_seconds))) return std::nullopt;
    return clock::time_point(std::chrono::seconds(static_cast<std::int64_t>(seconds)));
}

}  // namespace serverops::clc::detail

#endif
