// serverops CLI: stdout. One JSON document (Boost.JSON) with --json, human lines otherwise; timestamps in UTC
// ISO 8601. Both sinks are the only ones: human lines are escaped as a whole (common.hpp, write_line), JSON documents
// are made valid, terminal-safe UTF-8 as a whole (json_text).
#ifndef SERVEROPS_CLI_OUTPUT_HPP
#define SERVEROPS_CLI_OUTPUT_HPP

#include "common.hpp"

#include <serverops/detail/utf8.hpp>
#include <serverops/error.hpp>

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

/// One human line on stdout, escaped (see write_line).
inline void print_line(std::string_view line) { write_line(stdout, line); }

/// A JSON document as text that is valid UTF-8 and safe on a terminal. Boost.JSON escapes C0 controls, '"' and '\\'
/// but copies every other byte as it is: invalid UTF-8 (an argument, a server's raw body, a message cut inside a
/// character) would make the document invalid, and DEL or C1 controls (U+0080-U+009F, which some terminals obey)
/// would reach the terminal raw. Fixed here once, on the serialized text, for every string of every document:
/// outside strings the text is ASCII, and a byte >= 0x80 is never part of an ASCII character, so the repairs can only
/// touch string contents. Invalid bytes become U+FFFD; DEL and C1 controls become \u escapes.
inline std::string json_text(const json::value& doc) {
    const std::string valid = serverops::detail::to_valid_utf8(json::serialize(doc));
    static constexpr char hex[] = "0123456789abcdef";
    std::string out;
    out.reserve(valid.size());
    for (std::size_t i = 0; i < valid.size(); ++i) {
        const auto c = static_cast<unsigned char>(valid[i]);
        unsigned control = 0x100;  // none
        if (c == 0x7f) control = c;
        else if (c == 0xc2 && i + 1 < valid.size() && static_cast<unsigned char>(valid[i + 1]) <= 0x9f)
            control = static_cast<unsigned char>(valid[++i]);  // valid UTF-8: the next byte is 0x80..0xbf
        if (control == 0x100) {
            out += valid[i];
            continue;
        }
        out += "\\u00";
        out += hex[control >> 4];
        out += hex[control & 15];
    }
    return out;
}

/// The single JSON document of a --json run.
inline void print_json(const json::value& doc) {
    std::string text = json_text(doc);
    text += '\n';
    std::fputs(text.c_str(), stdout);
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

/// A failed call, reported on stderr (see fail). With --json, a request that may have executed also gets a document
/// on stdout, so that a script learns it without parsing stderr: `known` (what the command knows, e.g. the operation
/// and the servers) plus "error" and "mayHaveExecuted":true. Other failures print no document.
inline int fail_call(const serverops::error& e, bool as_json, json::object known = {}) {
    if (as_json && e.may_have_executed) {
        known["error"] = e.message();
        known["mayHaveExecuted"] = true;
        print_json(known);
    }
    return fail(e);
}

}  // namespace serverops_cli

#endif
