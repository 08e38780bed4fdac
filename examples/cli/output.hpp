// serverops CLI: stdout. One JSON document (Boost.JSON) with --json, human lines otherwise; timestamps in UTC
// ISO 8601.
#ifndef SERVEROPS_CLI_OUTPUT_HPP
#define SERVEROPS_CLI_OUTPUT_HPP

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <chrono>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>

namespace serverops_cli {

namespace json = boost::json;

inline void print_line(std::string_view line) {
    std::string s(line);
    s += '\n';
    std::fputs(s.c_str(), stdout);
}

/// The single JSON document of a --json run.
inline void print_json(const json::value& doc) {
    print_line(json::serialize(doc));
    std::fflush(stdout);
}

/// "2024-05-01T12:00:00Z"
inline std::string iso8601(std::chrono::system_clock::time_point tp) {
    using namespace std::chrono;
    const auto day = floor<days>(tp);
    const year_month_day ymd{day};
    const hh_mm_ss hms{floor<seconds>(tp - day)};
    char buf[40];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02dZ", int(ymd.year()), unsigned(ymd.month()),
                  unsigned(ymd.day()), int(hms.hours().count()), int(hms.minutes().count()),
                  int(hms.seconds().count()));
    return buf;
}

template <class T>
void put_optional(json::object& o, std::string_view key, const std::optional<T>& v) {
    if (v) o[key] = *v;
}

inline void put_optional_time(json::object& o, std::string_view key,
                              const std::optional<std::chrono::system_clock::time_point>& v) {
    if (v) o[key] = iso8601(*v);
}

/// Server text shown on a human line: control characters escaped, so it cannot forge lines.
inline std::string printable(std::string_view s, std::size_t limit = 200) { return serverops::printable(s, limit); }

}  // namespace serverops_cli

#endif
