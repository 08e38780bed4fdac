// Joins text pieces into one string by appending. Used instead of `std::string(a) + "b" + ...` in library code:
// GCC 12 at -O2/-O3 reports false -Warray-bounds / -Wrestrict / -Wstringop-overflow inside libstdc++ for operator+
// on temporaries, which breaks users' -Werror builds.
#ifndef SERVEROPS_DETAIL_CONCAT_HPP
#define SERVEROPS_DETAIL_CONCAT_HPP

#include <string>
#include <string_view>

namespace serverops::detail {

template <class... Pieces>
std::string concat(const Pieces&... pieces) {
    std::string out;
    (out.append(std::string_view(pieces)), ...);
    return out;
}

}  // namespace serverops::detail

#endif
