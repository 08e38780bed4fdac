// UTF-8 validation shared by every printer: text from servers and users may be any bytes, but terminals and JSON
// output must only ever see whole, valid characters.
#ifndef SERVEROPS_DETAIL_UTF8_HPP
#define SERVEROPS_DETAIL_UTF8_HPP

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace serverops::detail {

/// Length of the valid UTF-8 sequence starting at `s[i]` (1-4), or 0 when the bytes there are not one (stray
/// continuation byte, overlong form, surrogate, above U+10FFFF, or cut short). Writes the code point to `cp`.
inline std::size_t utf8_sequence(std::string_view s, std::size_t i, std::uint32_t& cp) noexcept {
    const auto b0 = static_cast<unsigned char>(s[i]);
    if (b0 < 0x80) {
        cp = b0;
        return 1;
    }
    std::size_t len;
    std::uint32_t min;
    if ((b0 & 0xE0) == 0xC0) { len = 2; min = 0x80; cp = b0 & 0x1Fu; }
    else if ((b0 & 0xF0) == 0xE0) { len = 3; min = 0x800; cp = b0 & 0x0Fu; }
    else if ((b0 & 0xF8) == 0xF0) { len = 4; min = 0x10000; cp = b0 & 0x07u; }
    else return 0;
    if (s.size() - i < len) return 0;
    for (std::size_t k = 1; k < len; ++k) {
        const auto b = static_cast<unsigned char>(s[i + k]);
        if ((b & 0xC0) != 0x80) return 0;
        cp = (cp << 6) | (b & 0x3Fu);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
    return len;
}

inline bool is_valid_utf8(std::string_view s) noexcept {
    std::uint32_t cp;
    for (std::size_t i = 0; i < s.size();) {
        const auto n = utf8_sequence(s, i, cp);
        if (n == 0) return false;
        i += n;
    }
    return true;
}

/// `s` with every byte that is not part of a valid sequence replaced by U+FFFD: safe for JSON output.
inline std::string to_valid_utf8(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    std::uint32_t cp;
    for (std::size_t i = 0; i < s.size();) {
        const auto n = utf8_sequence(s, i, cp);
        if (n == 0) {
            out += "\xEF\xBF\xBD";
            ++i;
        } else {
            out.append(s.data() + i, n);
            i += n;
        }
    }
    return out;
}

/// The longest prefix of `s` of at most `max_bytes` bytes that does not end inside a multi-byte character (a cut
/// never splits a character; invalid bytes count as one character each).
inline std::size_t utf8_prefix_length(std::string_view s, std::size_t max_bytes) noexcept {
    if (s.size() <= max_bytes) return s.size();
    std::size_t i = 0;
    std::uint32_t cp;
    while (i < max_bytes) {
        const auto n = utf8_sequence(s, i, cp);
        const auto step = n == 0 ? 1 : n;
        if (i + step > max_bytes) break;
        i += step;
    }
    return i;
}

}  // namespace serverops::detail

#endif
