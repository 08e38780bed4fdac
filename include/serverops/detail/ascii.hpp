// ASCII-only case helpers: HTTP header names and CLC server ids are ASCII; locale must not matter.
#ifndef SERVEROPS_DETAIL_ASCII_HPP
#define SERVEROPS_DETAIL_ASCII_HPP

#include <string>
#include <string_view>

namespace serverops::detail {

constexpr char ascii_lower(char c) noexcept { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }
constexpr char ascii_upper(char c) noexcept { return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c; }

constexpr bool iequals(std::string_view a, std::string_view b) noexcept {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
    return true;
}

inline std::string to_upper(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = ascii_upper(c);
    return out;
}

}  // namespace serverops::detail

#endif
