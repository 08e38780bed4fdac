// Hostile input for tests of the output and encoding promises (issue 11): generators of hostile text and ids,
// and the promises themselves, defined independently of the library code they check.
#ifndef SERVEROPS_TESTS_COMMON_HOSTILE_INPUT_HPP
#define SERVEROPS_TESTS_COMMON_HOSTILE_INPUT_HPP

#include <serverops/detail/utf8.hpp>
#include <serverops/error.hpp>

#include <gtest/gtest.h>

#include <cctype>
#include <cstdint>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace serverops::testing::hostile {

// The promise, defined here independently of the library: valid UTF-8 and no code point that moves the cursor,
// ends a line or reorders the display (C0, DEL, C1, U+2028/2029, bidi embeddings/overrides/isolates).
inline ::testing::AssertionResult is_safe_for_a_terminal(std::string_view out) {
    for (std::size_t i = 0; i < out.size();) {
        std::uint32_t cp = 0;
        const auto n = serverops::detail::utf8_sequence(out, i, cp);
        if (n == 0)
            return ::testing::AssertionFailure() << "invalid UTF-8 at byte " << i << " of "
                                                 << ::testing::PrintToString(std::string(out));
        if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || cp == 0x2028 || cp == 0x2029 || (cp >= 0x202a && cp <= 0x202e) ||
            (cp >= 0x2066 && cp <= 0x2069))
            return ::testing::AssertionFailure() << "control U+" << std::hex << cp << " at byte " << std::dec << i
                                                 << " of " << ::testing::PrintToString(std::string(out));
        i += n;
    }
    return ::testing::AssertionSuccess();
}

// Random strings biased towards what breaks printers: controls, C1 in both forms, stray continuation bytes, cut
// multi-byte sequences, quotes and backslashes, mixed with valid characters.
inline std::string hostile_text(std::mt19937& rng, std::size_t max_len) {
    static const std::vector<std::string> pieces = {
        "a", "Z", " ", "\"", "\\", "\x1b[2J", "\r\n", std::string(1, '\0'), "\x7f", "\x9b", "\xff", "\xc2\x85",
        "\xc2\x9b", "\xc3\xa9", "\xe6\x97\xa5", "\xe6\x97", "\xf0\x9d\x84\x9e", "\xf0\x9d\x84", "\x80", "\xc0\xaf",
        "\xed\xa0\x80", "\xf4\x90\x80\x80", "\xe2\x80\xa8", "\xe2\x80\xae", "\xe2\x81\xa6", "%0d%0a"};
    std::string s;
    std::uniform_int_distribution<std::size_t> len(0, max_len), pick(0, pieces.size()), byte(0, 255);
    for (std::size_t n = len(rng); s.size() < n;) {
        const auto k = pick(rng);
        if (k == pieces.size()) s += static_cast<char>(byte(rng));  // any byte at all
        else s += pieces[k];
    }
    return s;
}

inline std::string percent_decode(std::string_view s) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '%' && i + 2 < s.size()) {
            out += static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16));
            i += 2;
        } else {
            out += s[i];
        }
    }
    return out;
}

// What every vendor's targets promise for a parameter: one segment, of unreserved characters and %XX only, that
// is not a dot segment and decodes to the parameter.
inline ::testing::AssertionResult is_one_encoded_segment(std::string_view seg, std::string_view original) {
    for (std::size_t i = 0; i < seg.size(); ++i) {
        const char c = seg[i];
        if (c == '%') {
            if (i + 2 >= seg.size() || !std::isxdigit(static_cast<unsigned char>(seg[i + 1])) ||
                !std::isxdigit(static_cast<unsigned char>(seg[i + 2])))
                return ::testing::AssertionFailure() << "bad escape in " << seg;
            i += 2;
        } else if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_' || c == '~')) {
            return ::testing::AssertionFailure() << "byte " << int(static_cast<unsigned char>(c)) << " literal in "
                                                 << serverops::printable(seg);
        }
    }
    if (seg == "." || seg == "..") return ::testing::AssertionFailure() << "dot segment " << seg;
    if (percent_decode(seg) != original)
        return ::testing::AssertionFailure() << serverops::printable(seg) << " does not decode to "
                                             << serverops::printable(original);
    return ::testing::AssertionSuccess();
}

inline const std::vector<std::string>& hostile_ids() {
    static const std::vector<std::string> ids = {
        ".", "..", "...", "./", "/..", "a/b", "/", "%", "%2E", "%2e%2e", "?", "#", "a?b=1#c", "\r", "\n", "\r\n",
        " ", "a b", std::string(1, '\0'), std::string("a\0b", 3), "\x1b[2J", "\x7f", "\x9b", "\xff\xfe", "\xe6\x97",
        "caf\xc3\xa9", "\xe6\x97\xa5\xe6\x9c\xac", "\xf0\x9d\x84\x9e", "+", "&", ";", "=", ":", "@", "\\", "\"", "'",
        "~", "-_.~", "A..B", "..%00"};
    return ids;
}

}  // namespace serverops::testing::hostile

#endif
