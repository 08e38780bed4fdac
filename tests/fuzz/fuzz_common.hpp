// Shared by the libFuzzer targets: the fuzzed HTTP response layout, and property checks that either abort (the
// default: libFuzzer keeps the input as a crash) or, with SERVEROPS_FUZZ_REPORT_ONLY=1, report each property once and
// carry on, so that a long campaign keeps looking for memory errors behind a failure already recorded.
#ifndef SERVEROPS_TESTS_FUZZ_COMMON_HPP
#define SERVEROPS_TESTS_FUZZ_COMMON_HPP

#include <serverops/detail/utf8.hpp>
#include <serverops/error.hpp>
#include <serverops/http_message.hpp>

#include <fuzzer/FuzzedDataProvider.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <set>
#include <string>
#include <string_view>

namespace serverops_fuzz {

/// The input being run, so that a violation in report-only mode can be saved.
struct current_input {
    const std::uint8_t* data = nullptr;
    std::size_t size = 0;
};
inline current_input& input() {
    static current_input in;
    return in;
}
inline void begin(const std::uint8_t* data, std::size_t size) { input() = {data, size}; }

/// Every byte outside printable ASCII as \xNN: the checks below judge the library's escaping, so they cannot use it.
inline std::string hex_escaped(std::string_view s, std::size_t limit = 400) {
    static constexpr char hex[] = "0123456789abcdef";
    std::string out;
    for (std::size_t i = 0; i < s.size() && i < limit; ++i) {
        const auto u = static_cast<unsigned char>(s[i]);
        if (u >= 0x20 && u < 0x7f && u != '\\') {
            out += static_cast<char>(u);
        } else {
            out += "\\x";
            out += hex[u >> 4];
            out += hex[u & 15];
        }
    }
    if (s.size() > limit) out += "...";
    return out;
}

inline bool report_only() {
    static const bool on = [] {
        const char* v = std::getenv("SERVEROPS_FUZZ_REPORT_ONLY");
        return v && *v && std::string_view(v) != "0";
    }();
    return on;
}

inline void violated(const char* property, std::string_view detail) {
    if (report_only()) {
        static std::set<std::string> seen;
        if (!seen.insert(property).second) return;
    }
    std::fprintf(stderr, "==serverops-fuzz== property violated: %s: %s\n", property, hex_escaped(detail).c_str());
    if (!report_only()) std::abort();
    const std::string file = std::string("violation-") + property;
    if (std::FILE* f = std::fopen(file.c_str(), "wb")) {
        if (input().size) std::fwrite(input().data, 1, input().size, f);
        std::fclose(f);
        std::fprintf(stderr, "==serverops-fuzz== input saved as %s\n", file.c_str());
    }
}

#define SERVEROPS_FUZZ_CHECK(cond, property, detail)                                            \
    do {                                                                                        \
        if (!(cond)) ::serverops_fuzz::violated(property, detail);                              \
    } while (0)

/// C0 controls, DEL and the C1 controls (U+0080..U+009F): what a terminal or log reader may act on.
inline bool has_control_character(std::string_view s) {
    std::uint32_t cp = 0;
    for (std::size_t i = 0; i < s.size();) {
        const auto n = serverops::detail::utf8_sequence(s, i, cp);
        if (n == 0) return false;  // reported as invalid UTF-8 instead
        if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f)) return true;
        i += n;
    }
    return false;
}

/// What every printed error must be: one line of valid UTF-8 without control characters.
inline void check_printable(std::string_view text, const char* what) {
    if (!serverops::detail::is_valid_utf8(text)) violated((std::string(what) + "-invalid-utf8").c_str(), text);
    else if (has_control_character(text)) violated((std::string(what) + "-control-character").c_str(), text);
}

inline void check_error(const serverops::error& e) {
    check_printable(e.message(), "error-message");
    SERVEROPS_FUZZ_CHECK(e.code.category() == serverops::error_category(), "error-category", e.message());
}

template <class T>
void check_result(const serverops::result<T>& r) {
    if (!r) check_error(r.error());
}

/// Header names a decoder may look at; index 4 is one no decoder reads.
inline constexpr std::string_view header_names[] = {"Retry-After", "Location", "Set-Cookie", "Content-Type",
                                                   "X-Fuzz"};
inline constexpr unsigned common_statuses[] = {200, 201, 202, 204, 302, 400, 401, 403, 404, 409, 429, 500, 503};

/// The response of the decoder targets. Layout (FuzzedDataProvider: integers from the end, strings from the front):
///   end:   status u16 (bit 15 set: status = low 15 bits % 1000; else a common status), header count (0-4),
///          then per header a name index;
///   front: per header a value (FuzzedDataProvider's backslash-terminated string), then what the target takes,
///          and the body: every byte left.
/// tests/fuzz/make_seeds.py writes seeds in this layout.
inline serverops::http_response fuzzed_response_head(FuzzedDataProvider& in) {
    serverops::http_response res;
    const auto s = in.ConsumeIntegral<std::uint16_t>();
    res.status = (s & 0x8000u) ? (s & 0x7fffu) % 1000u
                               : common_statuses[s % (sizeof(common_statuses) / sizeof(common_statuses[0]))];
    const auto headers = in.ConsumeIntegralInRange<std::uint8_t>(0, 4);
    for (unsigned i = 0; i < headers; ++i) {
        const auto name = header_names[in.ConsumeIntegral<std::uint8_t>() % std::size(header_names)];
        res.headers.add(name, in.ConsumeRandomLengthString(512));
    }
    return res;
}

}  // namespace serverops_fuzz

#endif
