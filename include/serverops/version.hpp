// The library's version. The single source of truth: the top-level CMakeLists.txt reads these three numbers into
// project(VERSION), so the package version (find_package(serverops 0.1)) and this header cannot disagree.
#ifndef SERVEROPS_VERSION_HPP
#define SERVEROPS_VERSION_HPP

#include <string_view>

#define SERVEROPS_VERSION_MAJOR 0
#define SERVEROPS_VERSION_MINOR 1
#define SERVEROPS_VERSION_PATCH 0

/// MAJOR * 10000 + MINOR * 100 + PATCH: `#if SERVEROPS_VERSION >= 200` means 0.2.0 or later.
#define SERVEROPS_VERSION (SERVEROPS_VERSION_MAJOR * 10000 + SERVEROPS_VERSION_MINOR * 100 + SERVEROPS_VERSION_PATCH)

#define SERVEROPS_DETAIL_STRINGIFY_(x) #x
#define SERVEROPS_DETAIL_STRINGIFY(x)  SERVEROPS_DETAIL_STRINGIFY_(x)
/// "MAJOR.MINOR.PATCH"
#define SERVEROPS_VERSION_STRING                        \
    SERVEROPS_DETAIL_STRINGIFY(SERVEROPS_VERSION_MAJOR) \
    "." SERVEROPS_DETAIL_STRINGIFY(SERVEROPS_VERSION_MINOR) "." SERVEROPS_DETAIL_STRINGIFY(SERVEROPS_VERSION_PATCH)

namespace serverops {

/// SERVEROPS_VERSION of the headers in use.
inline constexpr int version = SERVEROPS_VERSION;
/// SERVEROPS_VERSION_STRING of the headers in use, e.g. "0.1.0".
inline constexpr std::string_view version_string = SERVEROPS_VERSION_STRING;

}  // namespace serverops

#endif
