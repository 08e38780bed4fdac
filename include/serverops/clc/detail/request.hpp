// Request building shared by the CLC operations: targets, alias check, JSON bodies.
#ifndef SERVEROPS_CLC_DETAIL_REQUEST_HPP
#define SERVEROPS_CLC_DETAIL_REQUEST_HPP

#include <serverops/clc/context.hpp>
#include <serverops/detail/ascii.hpp>
#include <serverops/error.hpp>
#include <serverops/vendor.hpp>

#include <boost/json/array.hpp>
#include <boost/json/monotonic_resource.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/string.hpp>
#include <boost/json/value_from.hpp>

#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

namespace serverops::clc::detail {

/// prefix + "/" + each segment encoded as exactly one path segment (serverops::append_path_segment: only RFC 3986
/// unreserved characters stay literal, "." and ".." are encoded).
inline std::string make_target(const context& ctx, std::initializer_list<std::string_view> segments) {
    return serverops::make_target(ctx.path_prefix, segments);
}

/// What every CLC call needs from its context: a safe path prefix (a context built by hand skips from_base_url's
/// check) and an account alias.
inline result<void> require_alias(const context& ctx) {
    BOOST_OUTCOME_TRY(serverops::check_path_prefix(ctx.path_prefix));
    // The token goes into a header: CR/LF or any control character there would forge headers on any transport.
    if (!serverops::is_header_token(ctx.bearer_token))
        return failure(errc::invalid_request, "the bearer token contains a space, a control character or a non-ASCII byte");
    if (ctx.account_alias.empty())
        return failure(errc::invalid_request, "no account alias: configure one or log in first");
    return success();
}

inline result<void> require_server_ids(const std::vector<std::string>& ids) {
    if (ids.empty()) return failure(errc::invalid_request, "no server ids given");
    for (auto& id : ids)
        if (id.empty()) return failure(errc::invalid_request, "empty server id");
    return success();
}

/// Server ids go upper-case on the wire (what the Java/Node SDKs and the Go CLI send).
inline std::vector<std::string> wire_ids(const std::vector<std::string>& ids) {
    std::vector<std::string> out;
    out.reserve(ids.size());
    for (auto& id : ids) out.push_back(serverops::detail::to_upper(id));
    return out;
}

/// The bare-array body of a batch: ["ID1","ID2",...], upper-cased. Built in a stack arena: it is on the hot path of
/// large batches and the tree only lives until it is serialized.
inline std::string wire_id_array(const std::vector<std::string>& ids) {
    unsigned char arena_buffer[8 * 1024];
    boost::json::monotonic_resource arena(arena_buffer, sizeof(arena_buffer));
    boost::json::array arr(&arena);
    arr.reserve(ids.size());
    for (auto& id : ids) {
        auto& s = arr.emplace_back(boost::json::string(id, &arena)).get_string();
        for (auto& c : s) c = serverops::detail::ascii_upper(c);
    }
    return boost::json::serialize(arr);
}

template <class T>
std::string to_json(const T& v) {
    return boost::json::serialize(boost::json::value_from(v));
}

}  // namespace serverops::clc::detail

#endif
