// A vendor base URL split into what the transport needs (scheme, host, port) and what operations need (path prefix).
#ifndef SERVEROPS_ENDPOINT_HPP
#define SERVEROPS_ENDPOINT_HPP

#include <serverops/detail/path.hpp>
#include <serverops/error.hpp>

#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace serverops {

struct endpoint {
    bool tls = true;
    std::string host;         ///< name or address, without brackets for IPv6
    std::string port;         ///< numeric service, defaulted from the scheme
    std::string path_prefix;  ///< no trailing slash, e.g. "/v2"; empty for the root

    /// `Host` header value.
    std::string host_header() const {
        const bool ipv6 = host.find(':') != std::string::npos;
        std::string h;
        if (ipv6) h += '[';
        h += host;
        if (ipv6) h += ']';
        if (port != (tls ? "443" : "80")) {
            h += ':';
            h += port;
        }
        return h;
    }
};

namespace detail {
/// A host name after percent-decoding: a DNS name or IPv4 address, RFC 3986 unreserved characters only (no '%',
/// space, control character, ':' or non-ASCII byte that would end up raw in the Host header or the SNI).
inline bool is_plain_host_name(std::string_view h) noexcept {
    if (h.empty()) return false;
    for (char c : h)
        if (!is_unreserved(c)) return false;
    return true;
}

/// An IPv6 literal as Boost.URL validated it, minus any zone id (which would need '%' and is link-local anyway).
inline bool is_plain_ipv6(std::string_view h) noexcept {
    if (h.empty()) return false;
    for (char c : h)
        if (hex_value(c) < 0 && c != ':' && c != '.') return false;
    return true;
}

/// "<before>'<text escaped and cut>'<after>": error details quote what the user gave, never raw.
inline std::string quoting(std::string_view before, std::string_view text, std::size_t limit, std::string_view after) {
    std::string d(before);
    d += '\'';
    append_escaped(d, text, limit, false);
    d += '\'';
    d += after;
    return d;
}

/// Decimal 1-65535, canonical form (leading zeros dropped); nullopt for anything else, however long.
inline std::optional<std::string> canonical_port(std::string_view p) {
    if (p.empty()) return std::nullopt;
    unsigned long value = 0;
    for (char c : p) {
        if (c < '0' || c > '9') return std::nullopt;
        value = value * 10 + static_cast<unsigned long>(c - '0');
        if (value > 65535) return std::nullopt;
    }
    if (value == 0) return std::nullopt;
    return std::to_string(value);
}
}  // namespace detail

/// Parses "http(s)://host[:port][/prefix]". Query, fragment and user-info are rejected: credentials never travel
/// in URLs here. So are ports outside 1-65535 (never wrapped), hosts that are empty or hold anything but a DNS
/// name, an IPv4 or an IPv6 address after percent-decoding, and prefixes with dot segments or control characters
/// (see `detail::is_safe_path_prefix`). Every rejection is `errc::invalid_request`; its detail quotes the offending
/// part escaped, never the whole URL.
inline result<endpoint> parse_endpoint(std::string_view url) {
    auto u = boost::urls::parse_uri(url);
    if (!u) return failure(errc::invalid_request, "base URL is not a valid absolute URI");
    endpoint ep;
    if (u->scheme_id() == boost::urls::scheme::https) ep.tls = true;
    else if (u->scheme_id() == boost::urls::scheme::http) ep.tls = false;
    else return failure(errc::invalid_request, "base URL scheme must be http or https");
    if (u->has_userinfo() || u->has_query() || u->has_fragment())
        return failure(errc::invalid_request, "base URL must not carry user-info, a query or a fragment");
    if (u->encoded_host().empty()) return failure(errc::invalid_request, "base URL has no host");
    switch (u->host_type()) {
    case boost::urls::host_type::ipv4: ep.host = std::string(u->encoded_host()); break;
    case boost::urls::host_type::ipv6:
        ep.host = std::string(u->encoded_host_address());
        if (ep.host.size() > 2 && ep.host.front() == '[') ep.host = ep.host.substr(1, ep.host.size() - 2);
        if (!detail::is_plain_ipv6(ep.host))
            return failure(errc::invalid_request,
                           detail::quoting("base URL host ", ep.host, 80, " is not a plain IPv6 address"));
        break;
    case boost::urls::host_type::name:
        ep.host = std::string(u->host());  // percent-decoded
        if (!detail::is_plain_host_name(ep.host))
            return failure(errc::invalid_request,
                           detail::quoting("base URL host ", ep.host, 80,
                                           " holds characters a host name cannot (after percent-decoding)"));
        break;
    default: return failure(errc::invalid_request, "base URL host must be a name, an IPv4 or an IPv6 address");
    }
    if (u->has_port()) {
        auto port = detail::canonical_port(u->port());
        if (!port)
            return failure(errc::invalid_request,
                           detail::quoting("base URL port ", u->port(), 40, " is not a number from 1 to 65535"));
        ep.port = std::move(*port);
    } else {
        ep.port = ep.tls ? "443" : "80";
    }
    ep.path_prefix = std::string(u->encoded_path());
    while (!ep.path_prefix.empty() && ep.path_prefix.back() == '/') ep.path_prefix.pop_back();
    if (!detail::is_safe_path_prefix(ep.path_prefix))
        return failure(errc::invalid_request,
                       detail::unsafe_path_prefix_detail(detail::quoting("base URL path ", ep.path_prefix, 120, "")));
    return ep;
}

}  // namespace serverops

#endif
