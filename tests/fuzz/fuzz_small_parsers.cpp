// The small parsers, each fed the same fuzzed text: parse_endpoint, the CLC token's JWT exp, base64, Retry-After,
// the A4C JSESSIONID cookie, UCS timestamps, A4C epoch milliseconds and `printable`. Properties: no crash, no
// undefined behaviour, and what each promises (an endpoint a request line can carry, base64 that round-trips,
// printable text that is one line of valid UTF-8 without control characters).
#include "fuzz_common.hpp"

#include <serverops/a4c/detail/decode.hpp>
#include <serverops/clc/detail/token.hpp>
#include <serverops/detail/base64.hpp>
#include <serverops/endpoint.hpp>
#include <serverops/http_message.hpp>
#include <serverops/ucs/detail/decode.hpp>

#include <chrono>
#include <cstring>
#include <string>
#include <string_view>

namespace {

using namespace serverops;

bool is_digits(std::string_view s) {
    return !s.empty() && s.find_first_not_of("0123456789") == std::string_view::npos;
}

void endpoint_properties(std::string_view text) {
    auto ep = parse_endpoint(text);
    if (!ep) {
        serverops_fuzz::check_error(ep.error());
        return;
    }
    const auto& e = ep.value();
    SERVEROPS_FUZZ_CHECK(!e.host.empty(), "endpoint-empty-host", text);
    SERVEROPS_FUZZ_CHECK(is_digits(e.port) && e.port.size() <= 5 && std::stoul(e.port) <= 65535,
                         "endpoint-port-not-a-port", text);
    const auto host = e.host_header();
    for (char c : host) {
        const auto u = static_cast<unsigned char>(c);
        SERVEROPS_FUZZ_CHECK(u > 0x20 && u < 0x7f, "endpoint-host-header-not-visible-ascii", text);
    }
    const std::string_view p = e.path_prefix;
    SERVEROPS_FUZZ_CHECK(p.empty() || (p.front() == '/' && p.back() != '/'), "endpoint-prefix-shape", text);
    SERVEROPS_FUZZ_CHECK(p.find_first_of("?# \t\r\n") == std::string_view::npos, "endpoint-prefix-chars", text);
}

void base64_properties(std::string_view text) {
    auto round = detail::base64_decode(detail::base64_encode(text));
    SERVEROPS_FUZZ_CHECK(round && *round == text, "base64-encode-decode-roundtrip", text);
    if (auto decoded = detail::base64_decode(text)) {
        auto again = detail::base64_decode(detail::base64_encode(*decoded));
        SERVEROPS_FUZZ_CHECK(again && *again == *decoded, "base64-decode-encode-roundtrip", text);
    }
}

void cookie_properties(std::string_view text) {
    http_response res;
    for (std::size_t start = 0; start <= text.size();) {  // one Set-Cookie per line
        auto end = text.find('\n', start);
        if (end == std::string_view::npos) end = text.size();
        res.headers.add((start & 1) ? "set-cookie" : "Set-Cookie", text.substr(start, end - start));
        start = end + 1;
    }
    const auto cookie = a4c::detail::session_cookie_of(res);
    SERVEROPS_FUZZ_CHECK(cookie.find_first_of(";\n") == std::string::npos, "cookie-value-crosses-attribute", cookie);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    serverops_fuzz::begin(data, size);
    const std::string_view text(reinterpret_cast<const char*>(data), size);

    endpoint_properties(text);
    (void)clc::detail::token_expiry(text);
    base64_properties(text);

    http_response with_retry_after;
    with_retry_after.headers.set("Retry-After", text);
    if (auto s = retry_after(with_retry_after))
        SERVEROPS_FUZZ_CHECK(s->count() >= 0 && s->count() <= 999'999'999, "retry-after-range", text);

    cookie_properties(text);
    (void)ucs::detail::parse_timestamp(text);
    if (size >= 8) {
        std::int64_t ms = 0;
        std::memcpy(&ms, data, sizeof ms);
        (void)a4c::detail::from_epoch_ms(ms, "$.date");
    }

    const std::size_t limit = size ? data[0] : 200;
    const auto shown = printable(text, limit);
    serverops_fuzz::check_printable(shown, "printable");
    SERVEROPS_FUZZ_CHECK(shown.size() <= 4 * limit + 3, "printable-length", shown);
    error e(errc::server_error, "detail");
    e.vendor_code = std::string(text.substr(0, 40));
    e.vendor_message = std::string(text);
    serverops_fuzz::check_error(e);
    return 0;
}
