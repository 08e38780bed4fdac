// serverops CLI: exit codes, how a library error maps to one, and the one-line error report on stderr.
#ifndef SERVEROPS_CLI_COMMON_HPP
#define SERVEROPS_CLI_COMMON_HPP

#include <serverops/detail/utf8.hpp>
#include <serverops/error.hpp>

#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

namespace serverops_cli {

/// The tool's exit codes (documented in `serverops --help`).
enum exit_code : int {
    exit_ok = 0,       ///< everything succeeded
    exit_partial = 1,  ///< some servers or the operation failed (the API answered and said no)
    exit_usage = 2,    ///< bad arguments or configuration; nothing was sent
    exit_fatal = 3,    ///< authentication, transport or server error before any result
};

/// Whether an error means "could not talk to the API properly" (exit 3) rather than "the API answered and refused
/// or failed this operation" (exit 1): transport and TLS failures, rejected credentials or rights, 5xx answers and
/// answers the library could not make sense of.
inline bool is_fatal(const serverops::error& e) noexcept {
    using serverops::errc;
    switch (e.kind()) {
    case errc::bad_request:
    case errc::not_found:
    case errc::conflict:
    case errc::client_error:
    case errc::not_accepted:
    case errc::target_not_in_response:
    case errc::operation_failed:
    case errc::deadline_exceeded:
        return false;
    default:
        return true;
    }
}

inline int exit_code_for(const serverops::error& e) noexcept { return is_fatal(e) ? exit_fatal : exit_partial; }

/// The value of an environment variable; nullopt when unset or empty.
inline std::optional<std::string> env(const char* name) {
    const char* v = std::getenv(name);
    if (!v || !*v) return std::nullopt;
    return std::string(v);
}

/// The one way text reaches a human: every line the tool writes (results, errors, progress) is escaped here as a
/// whole. Parts of it did not come from the program (ids, aliases, option values and unknown words from the user;
/// ids, messages and raw bodies from the server) and may hold control characters, C1 controls or invalid UTF-8 that
/// would forge lines or drive the terminal; the program's own text has nothing to escape, so escaping the whole line
/// leaves no path around it. Fields are cut for length where they are built (`clip`), never escaped there.
inline std::string escaped_line(std::string_view text) { return serverops::printable(text, std::string_view::npos); }

/// A field cut to `limit` bytes for a human line, on a character boundary ("..." marks the cut). Not escaped here:
/// the whole line is, when printed.
inline std::string clip(std::string_view s, std::size_t limit = 200) {
    const auto keep = serverops::detail::utf8_prefix_length(s, limit);
    if (keep == s.size()) return std::string(s);
    std::string out(s.substr(0, keep));
    out += "...";
    return out;
}

/// Writes one escaped line and flushes.
inline void write_line(std::FILE* stream, std::string_view text) {
    std::string line = escaped_line(text);
    line += '\n';
    std::fputs(line.c_str(), stream);
    std::fflush(stream);
}

/// "serverops: <text>" on stderr, one line. Library errors never carry secrets (see serverops::error).
inline void report(std::string_view text) {
    std::string line = "serverops: ";
    line += text;
    write_line(stderr, line);
}

inline void report(const serverops::error& e) { report(e.message()); }

/// What an operator must know about a state change whose outcome is unknown (see error::may_have_executed).
inline constexpr std::string_view may_have_executed_note =
    "the request may have been executed: check the servers' state before retrying";

/// Prints the error (and, for a request that may have executed, a second line saying so); returns its exit code.
inline int fail(const serverops::error& e) {
    report(e);
    if (e.may_have_executed) report(may_have_executed_note);
    return exit_code_for(e);
}

/// A usage error: one line naming the help to read, exit 2.
inline int usage_error(std::string_view text, std::string_view help_command = "serverops --help") {
    std::string line(text);
    line += " (see '";
    line += help_command;
    line += "')";
    report(line);
    return exit_usage;
}

}  // namespace serverops_cli

#endif
