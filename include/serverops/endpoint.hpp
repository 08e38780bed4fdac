// A vendor base URL split into what the transport needs (scheme, host, port) and what operations need (path prefix).
#ifndef SERVEROPS_ENDPOINT_HPP
#define SERVEROPS_ENDPOINT_HPP

#include <serverops/error.hpp>

#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>

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
        std::string h = host.find(':') != std::string::npos ? "[" + host + "]" : host;
        if (port != (tls ? "443" : "80")) h += ":" + port;
        return h;
    }
};

/// Parses "http(s)://host[:port][/prefix]". Query, fragment and user-info are rejected: credentials never travel
/// in URLs here.
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
    ep.host = u->host_type() == boost::urls::host_type::ipv6 ? std::string(u->encoded_host_address())
                                                              : std::string(u->host());
    if (ep.host.size() > 2 && ep.host.front() == '[') ep.host = ep.host.substr(1, ep.host.size() - 2);
    ep.port = u->has_port() ? std::string(u->port()) : (ep.tls ? "443" : "80");
    ep.path_prefix = std::string(u->encoded_path());
    while (!ep.path_prefix.empty() && ep.path_prefix.back() == '/') ep.path_prefix.pop_back();
    return ep;
}

}  // namespace serverops

#endif
