// serverops CLI: --wait, --timeout SECONDS and --poll-interval SECONDS, mapped onto serverops::polling_policy.
#ifndef SERVEROPS_CLI_WAIT_OPTIONS_HPP
#define SERVEROPS_CLI_WAIT_OPTIONS_HPP

#include "args.hpp"

#include <serverops/policies.hpp>

#include <algorithm>
#include <chrono>
#include <string>

namespace serverops_cli {

struct wait_options {
    bool wait = false;
    serverops::polling_policy policy{};  ///< library defaults: poll every 2 s, give up after 15 min
};

/// Reads the wait options; returns a usage error text, empty when fine.
inline std::string read_wait_options(const command_line& cl, wait_options& out) {
    out.wait = cl.has("--wait");
    if (!out.wait && (cl.has("--timeout") || cl.has("--poll-interval")))
        return "--timeout and --poll-interval apply only with --wait";
    if (auto t = cl.value("--timeout")) {
        auto v = parse_seconds(*t);
        if (!v) return "--timeout needs a positive number of seconds (e.g. 600 or 2.5), at most a week";
        out.policy.timeout = *v;
    }
    if (auto p = cl.value("--poll-interval")) {
        auto v = parse_seconds(*p);
        if (!v) return "--poll-interval needs a positive number of seconds (e.g. 5 or 0.5)";
        out.policy.interval = *v;
        out.policy.max_interval = std::max(out.policy.max_interval, *v);
    }
    return {};
}

}  // namespace serverops_cli

#endif
