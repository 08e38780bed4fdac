// serverops: the command-line tool. One sub-command per system:
//     serverops clc [--base-url URL] [--alias ALIAS] COMMAND ...
//     serverops alien4cloud [--base-url URL] maintenance status|enable|disable|update [--message M] [--progress P]
//     serverops ucs [--base-url URL] mode get|set maintenance|production [--wait] [--timeout SECONDS]
//     serverops redfish [--base-url URL] [--auth auto|session|basic] systems | system ID | power ACTION ID... [--wait]
//     serverops emulator [--port N] [--tls]
//     serverops plan check|apply|resume|revert|status PLAN [--journal FILE] [--audit FILE] [--json] ...
// Credentials come from the environment only. Exit codes: 0 ok, 1 partial failure, 2 usage, 3 fatal error.
// One translation unit on purpose: each one that includes Beast costs tens of seconds to compile.
#include "cli/a4c_command.hpp"
#include "cli/args.hpp"
#include "cli/clc_command.hpp"
#include "cli/common.hpp"
#include "cli/emulator_command.hpp"
#include "cli/help.hpp"
#include "cli/plan_command.hpp"
#include "cli/redfish_command.hpp"
#include "cli/ucs_command.hpp"

#include <cstdio>
#include <string>
#include <vector>

namespace serverops_cli {

/// The most specific help for the words given: ["clc", "pause"] -> the pause help; unknown words stop the descent.
inline std::string help_for(const std::vector<std::string>& w) {
    auto word = [&](std::size_t i) { return i < w.size() ? std::string_view(w[i]) : std::string_view(); };
    if (word(0) == "clc") {
        if (auto* b = clc_cli::find_batch(word(1))) return help::clc_batch(b->word, b->operation);
        if (word(1) == "status") return std::string(help::clc_status);
        if (word(1) == "server") return std::string(help::clc_server);
        return std::string(help::clc);
    }
    if (word(0) == "alien4cloud" || word(0) == "a4c") {
        if (word(1) == "maintenance") {
            if (word(2) == "status") return std::string(help::a4c_maintenance_status);
            if (word(2) == "enable") return std::string(help::a4c_maintenance_enable);
            if (word(2) == "disable") return std::string(help::a4c_maintenance_disable);
            if (word(2) == "update") return std::string(help::a4c_maintenance_update);
        }
        return std::string(help::a4c);
    }
    if (word(0) == "ucs") {
        if (word(1) == "mode" && word(2) == "get") return std::string(help::ucs_mode_get);
        if (word(1) == "mode" && word(2) == "set") return std::string(help::ucs_mode_set);
        return std::string(help::ucs);
    }
    if (word(0) == "redfish") {
        if (word(1) == "system" || word(1) == "systems") return std::string(help::redfish_system);
        if (word(1) == "power") return std::string(help::redfish_power);
        return std::string(help::redfish);
    }
    if (word(0) == "emulator") return std::string(help::emulator);
    if (word(0) == "plan") return std::string(help::plan);
    return std::string(help::top) + std::string(help::exit_codes);
}

inline int run(int argc, char** argv) {
    auto parsed = parse_command_line(argc, argv);
    // Help wins over everything but a malformed command line.
    const bool help_word = !parsed.line.words.empty() && parsed.line.words[0] == "help";  // `serverops help clc`
    if (parsed.error.empty() && (parsed.line.help || help_word)) {
        std::vector<std::string> topic = parsed.line.words;
        if (!topic.empty() && topic[0] == "help") topic.erase(topic.begin());
        std::fputs(help_for(topic).c_str(), stdout);
        std::fflush(stdout);
        return exit_ok;
    }
    const auto& line = parsed.line;
    std::string help_command = "serverops --help";
    if (!line.words.empty() && (line.words[0] == "clc" || line.words[0] == "alien4cloud" || line.words[0] == "a4c" ||
                                line.words[0] == "ucs" || line.words[0] == "redfish" ||
                                line.words[0] == "emulator" || line.words[0] == "plan"))
        help_command = "serverops " + line.words[0] + " --help";
    if (!parsed.error.empty()) return usage_error(parsed.error, help_command);
    if (line.words.empty()) return usage_error("missing system: clc, alien4cloud, ucs, redfish, emulator or plan");

    const std::string& system = line.words[0];
    if (system == "clc") return clc_cli::run(line);
    if (system == "alien4cloud" || system == "a4c") return a4c_cli::run(line);
    if (system == "ucs") return ucs_cli::run(line);
    if (system == "redfish") return redfish_cli::run(line);
    if (system == "emulator") return emulator_cli::run(line);
    if (system == "plan") return plan_cli::run(line);
    return usage_error("unknown system '" + clip(system, 80) + "' (clc, alien4cloud, ucs, redfish, emulator or plan)");
}

}  // namespace serverops_cli

int main(int argc, char** argv) { return serverops_cli::run(argc, argv); }
