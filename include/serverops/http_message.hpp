// Plain HTTP request/response values exchanged between operations (sans-I/O) and transports (bytes only).
#ifndef SERVEROPS_HTTP_MESSAGE_HPP
#define SERVEROPS_HTTP_MESSAGE_HPP

#include <serverops/detail/ascii.hpp>

#include <boost/beast/http/verb.hpp>

#include <algorithm>
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace serverops {

using verb = boost::beast::http::verb;


/// Ordered, case-insensitive header list (few headers; a vector beats a map here).
class header_list {
public:
    using value_type = std::pair<std::string, std::string>;

    /// Replaces every header of that name.
    void set(std::string_view name, std::string_view value) {
        erase(name);
        items_.emplace_back(std::string(name), std::string(value));
    }
    /// Appends (for repeated headers such as Set-Cookie).
    void add(std::string_view name, std::string_view value) { items_.emplace_back(std::string(name), std::string(value)); }
    void erase(std::string_view name) {
        std::erase_if(items_, [&](const value_type& h) { return detail::iequals(h.first, name); });
    }
    std::optional<std::string_view> find(std::string_view name) const {
        for (const auto& h : items_)
            if (detail::iequals(h.first, name)) return std::string_view(h.second);
        return std::nullopt;
    }
    void reserve(std::size_t n) { items_.reserve(n); }
    auto begin() const { return items_.begin(); }
    auto end() const { return items_.end(); }
    std::size_t size() const { return items_.size(); }
    bool empty() const { return items_.empty(); }

private:
    std::vector<value_type> items_;
};

/// What an operation asks a transport to send. `target` is origin-form (path + query), already encoded.
struct http_request {
    verb method = verb::get;
    std::string target;
    std::string body;             ///< empty means no body (no Content-Type is sent)
    std::string content_type = "application/json";
    header_list headers;          ///< operation/vendor headers (Authorization, Cookie, ...); transports add the rest
    bool idempotent = false;      ///< may a transport resend it after a stale keep-alive connection failed?
    std::string_view operation;   ///< static operation name, for diagnostics
    /// When set, nothing of this exchange (connect, TLS handshake, write, read) runs past it: each transport timeout
    /// is capped by the time left, and a request whose deadline has passed is not sent (errc::timeout). Waits set it
    /// from their own deadline, so a wait's time limit bounds every request made for it.
    std::optional<std::chrono::steady_clock::time_point> deadline;
    /// When non-zero, the response body limit of this exchange if larger than the transport's own limit (a batch
    /// of N servers sizes it to N entries, so a legitimate answer always fits).
    std::size_t max_response_body = 0;
};

/// What a transport hands back: any status, including 4xx/5xx (those are the operation's to judge).
struct http_response {
    unsigned status = 0;
    header_list headers;
    std::string body;
};

/// Reads `Retry-After` given in seconds (the HTTP-date form is ignored: servers here send seconds).
inline std::optional<std::chrono::seconds> retry_after(const http_response& r) {
    auto v = r.headers.find("Retry-After");
    if (!v || v->empty() || v->size() > 9) return std::nullopt;
    long long n = 0;
    for (char c : *v) {
        if (c < '0' || c > '9') return std::nullopt;
        n = n * 10 + (c - '0');
    }
    return std::chrono::seconds(n);
}

}  // namespace serverops

#endif
