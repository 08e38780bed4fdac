// Wire-string <-> enum mapping for enums whose wire names are not C++ identifiers (camelCase vs snake_case).
// Public through serverops/vendor.hpp.
#ifndef SERVEROPS_DETAIL_ENUM_TABLE_HPP
#define SERVEROPS_DETAIL_ENUM_TABLE_HPP

#include <serverops/detail/ascii.hpp>
#include <serverops/detail/utf8.hpp>
#include <serverops/error.hpp>

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace serverops {

/// A constexpr table of (enum value, wire name) pairs: `to_string`, `find` and a `parse` whose failure is
/// `errc::unknown_enum_value`. Build one with `make_enum_table<E>(std::pair{E::a, std::string_view("a")}, ...)`.
template <class E, std::size_t N>
struct enum_table {
    std::array<std::pair<E, std::string_view>, N> entries;
    bool case_insensitive = false;

    constexpr std::string_view to_string(E e) const noexcept {
        for (auto& [v, s] : entries)
            if (v == e) return s;
        return {};
    }

    constexpr std::optional<E> find(std::string_view s) const noexcept {
        for (auto& [v, w] : entries)
            if (case_insensitive ? detail::iequals(w, s) : w == s) return v;
        return std::nullopt;
    }

    /// Unknown strings are a typed error; the offending value is server data and goes to vendor_message, cut to
    /// 128 bytes on a character boundary (JSON output of it must stay valid UTF-8).
    result<E> parse(std::string_view s, std::string_view what) const {
        if (auto e = find(s)) return *e;
        error err(errc::unknown_enum_value, "undocumented " + std::string(what));
        err.vendor_message = std::string(s.substr(0, detail::utf8_prefix_length(s, 128)));
        return failure(std::move(err));
    }

};

template <class E, class... P>
constexpr auto make_enum_table(P... p) {
    return enum_table<E, sizeof...(P)>{{{p...}}};
}

}  // namespace serverops

#endif
