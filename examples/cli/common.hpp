// serverops CLI: exit codes, how a library error maps to one, and the one-line error report on stderr.
#ifndef SERVEROPS_CLI_COMMON_HPP
#define SERVEROPS_CLI_COMMON_HPP

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
    case errc::not_queued:
    case errc::missing_from_response:
    case errc::job_failed:
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

/// "serverops: <text>" on stderr, one line. Library errors never carry secrets (see serverops::error).
inline void report(std::string_view text) {
    std::string line = "serverops: ";
    line += text;
    line += '\n';
    std::fputs(line.c_str(), stderr);
    std::fflush(stderr);
}

inline void report(const serverops::error& e) { report(e.message()); }

/// Prints the error and returns its exit code.
inline int fail(const serverops::error& e) {
    report(e);
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
