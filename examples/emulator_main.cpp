// serverops-emulator: the embedded emulator of CLC, A4C and UCS in the foreground until SIGINT/SIGTERM; the same
// program as `serverops emulator` (examples/cli/emulator_command.hpp, covered by the CLI tests).
//     serverops-emulator [--port N] [--tls]
#include "cli/emulator_command.hpp"
#include "cli/help.hpp"

#include <cstdio>
#include <string>

int main(int argc, char** argv) {
    auto parsed = serverops_cli::parse_command_line(argc, argv);
    if (parsed.error.empty() && parsed.line.help) {
        std::fputs(std::string(serverops_cli::help::emulator).c_str(), stdout);
        return serverops_cli::exit_ok;
    }
    if (!parsed.error.empty()) return serverops_cli::usage_error(parsed.error, "serverops-emulator --help");
    parsed.line.words.insert(parsed.line.words.begin(), "emulator");
    return serverops_cli::emulator_cli::run(parsed.line);
}
