// Round trip of request building: any field values (ids, alias, credentials, prefixes from a fuzzed base URL) for
// every operation -> encode(op, ctx). When encoding succeeds: the request target is origin-form visible ASCII, every
// path parameter is percent-encoded (after the context's prefix only RFC 3986 unreserved bytes, '/' and %XX) with
// no "." or ".." segment, and no CR or LF is in the target or any header value. Then the wire bytes the transports
// write (beast_detail::request_bytes) must parse back, with Beast's request parser, as exactly one request with
// the same method, target, headers and body: no field value can smuggle a second request or header.
#include "fuzz_common.hpp"

#include <serverops/a4c.hpp>
#include <serverops/beast/detail/messages.hpp>
#include <serverops/clc.hpp>
#include <serverops/operation.hpp>
#include <serverops/ucs.hpp>

#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace {

using namespace serverops;
namespace http = boost::beast::http;

bool is_unreserved(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
           c == '_' || c == '~';
}
bool is_hex(char c) { return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F') || (c >= 'a' && c <= 'f'); }

/// The part of the target built from path parameters (after the context's prefix).
void check_parameters(std::string_view params, std::string_view target) {
    for (std::size_t i = 0; i < params.size(); ++i) {
        const char c = params[i];
        if (c == '%') {
            const bool ok = i + 2 < params.size() && is_hex(params[i + 1]) && is_hex(params[i + 2]);
            SERVEROPS_FUZZ_CHECK(ok, "target-bad-percent-escape", target);
            i += 2;
        } else {
            SERVEROPS_FUZZ_CHECK(is_unreserved(c) || c == '/', "target-parameter-not-encoded", target);
        }
    }
    for (std::size_t start = 0; start <= params.size();) {
        auto end = params.find('/', start);
        if (end == std::string_view::npos) end = params.size();
        const auto segment = params.substr(start, end - start);
        SERVEROPS_FUZZ_CHECK(segment != "." && segment != "..", "target-dot-segment", target);
        start = end + 1;
    }
}

std::string_view trim_ows(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

bool has_cr_or_lf(std::string_view s) { return s.find_first_of("\r\n") != std::string_view::npos; }

void check_wire(const http_request& req) {
    const endpoint ep{false, "127.0.0.1", "8080", ""};
    const transport_options opts;
    auto bytes = beast_detail::request_bytes(req, ep, opts);
    if (!bytes) {
        serverops_fuzz::check_error(bytes.error());
        return;
    }
    http::request_parser<http::string_body> parser;
    parser.eager(true);
    boost::system::error_code ec;
    const auto used = parser.put(boost::asio::buffer(bytes.value()), ec);
    SERVEROPS_FUZZ_CHECK(!ec && parser.is_done(), "wire-request-does-not-parse", bytes.value());
    if (ec || !parser.is_done()) return;
    SERVEROPS_FUZZ_CHECK(used == bytes.value().size(), "wire-bytes-after-the-request", bytes.value());
    const auto& m = parser.get();
    SERVEROPS_FUZZ_CHECK(m.method() == req.method && m.target() == req.target, "wire-request-line-changed",
                         bytes.value());
    SERVEROPS_FUZZ_CHECK(m.body() == req.body, "wire-body-changed", bytes.value());
    std::size_t fields = 0;
    for (const auto& f : m) {
        (void)f;
        ++fields;
    }
    std::size_t expected = 3;  // Host, User-Agent, Accept (unless the operation set them: none does here)
    for (const auto& [name, value] : req.headers) {
        ++expected;
        auto it = m.find(name);
        // A receiver drops leading and trailing whitespace of a field value (RFC 9110 5.5): compare without it.
        SERVEROPS_FUZZ_CHECK(it != m.end() && it->value() == trim_ows(value), "wire-header-changed", bytes.value());
    }
    if (!req.body.empty()) expected += 2;
    else if (beast_detail::method_defines_content(req.method)) expected += 1;
    SERVEROPS_FUZZ_CHECK(fields == expected, "wire-extra-header", bytes.value());
}

/// encode(op, ctx); `prefix` is the context's path prefix, which the caller configured.
template <class Op>
void check(const Op& op, const typename Op::context_type& ctx, std::string_view prefix) {
    auto req = encode(op, ctx);
    if (!req) {
        serverops_fuzz::check_error(req.error());
        return;
    }
    const auto& r = req.value();
    SERVEROPS_FUZZ_CHECK(!has_cr_or_lf(r.target), "target-cr-lf", r.target);
    SERVEROPS_FUZZ_CHECK(beast_detail::is_valid_target(r.target), "target-not-origin-form", r.target);
    SERVEROPS_FUZZ_CHECK(std::string_view(r.target).starts_with(prefix), "target-lost-prefix", r.target);
    if (std::string_view(r.target).starts_with(prefix)) check_parameters(std::string_view(r.target).substr(prefix.size()), r.target);
    for (const auto& [name, value] : r.headers)
        SERVEROPS_FUZZ_CHECK(!has_cr_or_lf(name) && !has_cr_or_lf(value), "header-cr-lf", name);
    check_wire(r);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    serverops_fuzz::begin(data, size);
    FuzzedDataProvider in(data, size);
    auto text = [&](std::size_t max = 48) { return in.ConsumeRandomLengthString(max); };

    // The prefix: a fixed one, or the path of a fuzzed base URL (what from_base_url gives a context).
    std::string prefix = "/v2";
    if (in.ConsumeBool()) {
        if (auto ep = parse_endpoint(text(96))) prefix = ep.value().path_prefix;
    }

    clc::context clc_ctx;
    clc_ctx.path_prefix = prefix;
    clc_ctx.account_alias = text(16);
    clc_ctx.bearer_token = text();
    std::vector<std::string> ids(in.ConsumeIntegralInRange<std::uint8_t>(1, 3));
    for (auto& id : ids) id = text();
    const std::string other = text();  // snapshot, status or target group id

    const std::string_view clc_prefix = clc_ctx.path_prefix;
    check(clc::get_status{other}, clc_ctx, clc_prefix);
    check(clc::get_server{ids.front()}, clc_ctx, clc_prefix);
    check(clc::restore_server{ids.front(), other}, clc_ctx, clc_prefix);
    check(clc::delete_snapshot{ids.front(), other}, clc_ctx, clc_prefix);
    check(clc::revert_snapshot{ids.front(), other}, clc_ctx, clc_prefix);
    check(clc::pause{ids}, clc_ctx, clc_prefix);
    check(clc::reboot{ids}, clc_ctx, clc_prefix);
    clc::set_maintenance set;
    for (auto& id : ids) set.servers.push_back({id, id.size() % 2 == 0});
    check(set, clc_ctx, clc_prefix);
    check(clc::create_snapshot{ids, 1 + static_cast<int>(other.size() % 10)}, clc_ctx, clc_prefix);
    check(clc::login{ids.front(), other}, clc_ctx, clc_prefix);

    a4c::context a4c_ctx;
    a4c_ctx.root_prefix = prefix;
    a4c_ctx.session_cookie = text();
    a4c_ctx.jwt = text();
    const std::string a4c_rest = a4c_ctx.root_prefix + a4c_ctx.path_prefix;
    check(a4c::get_maintenance_state{}, a4c_ctx, a4c_rest);
    check(a4c::update_maintenance{other, static_cast<int>(other.size())}, a4c_ctx, a4c_rest);
    check(a4c::login{ids.front(), other}, a4c_ctx, a4c_ctx.root_prefix);
    check(a4c::jwt_login{ids.front(), other}, a4c_ctx, a4c_ctx.root_prefix);

    ucs::context ucs_ctx;
    ucs_ctx.path_prefix = prefix;
    ucs_ctx.username = text();
    ucs_ctx.password = text();
    check(ucs::set_server_mode{ucs::server_mode::maintenance}, ucs_ctx, ucs_ctx.path_prefix);
    check(ucs::get_server_status{}, ucs_ctx, ucs_ctx.path_prefix);
    return 0;
}
