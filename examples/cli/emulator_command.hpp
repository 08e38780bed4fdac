// serverops CLI: `serverops emulator [--port N] [--tls] [--job-duration S[:J]] [--switch-window S]
// [--power-transition S] [--faults PROFILE] [--seed N]` — the embedded emulator of CLC, A4C, UCS and Redfish
// (testing::full_emulator) in the foreground on 127.0.0.1
// until SIGINT/SIGTERM. With --tls a fresh self-signed certificate is made and its PEM written to a file (removed on
// exit) for the clients' --ca-file. The timing and fault options are parsed by the emulator's own parsers
// (testing/emulator/option_text.hpp, fault_profile.hpp): a C++ test and the command line read the same text.
#ifndef SERVEROPS_CLI_EMULATOR_COMMAND_HPP
#define SERVEROPS_CLI_EMULATOR_COMMAND_HPP

#include "args.hpp"
#include "common.hpp"
#include "output.hpp"

#include <serverops/testing/full_emulator.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>

#include <stdlib.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>

namespace serverops_cli::emulator_cli {

namespace testing = serverops::testing;

/// Writes `pem` to a new file in $TMPDIR (or /tmp); returns its path, empty on failure.
inline std::string write_ca_file(const std::string& pem) {
    std::string dir = env("TMPDIR").value_or("/tmp");
    std::string path = dir + "/serverops-emulator-ca-XXXXXX.pem";
    int fd = ::mkstemps(path.data(), 4);
    if (fd < 0) return {};
    std::size_t written = 0;
    while (written < pem.size()) {
        auto n = ::write(fd, pem.data() + written, pem.size() - written);
        if (n <= 0) break;
        written += static_cast<std::size_t>(n);
    }
    ::close(fd);
    if (written != pem.size()) {
        ::unlink(path.c_str());
        return {};
    }
    return path;
}

/// "s" seconds with up to 3 decimals, as given on the command line.
inline std::string seconds_text(std::chrono::milliseconds d) {
    std::string out = std::to_string(d.count() / 1000);
    if (auto ms = d.count() % 1000) {
        char buf[8];
        std::snprintf(buf, sizeof buf, ".%03d", static_cast<int>(ms));
        std::string frac(buf);
        while (frac.back() == '0') frac.pop_back();
        out += frac;
    }
    out += "s";
    return out;
}

/// "Run:  jobs 30s (+/- 10s), UCS switch window 60s, faults status-500=0.05, seed 42": what to pass to replay it.
inline std::string settings_line(testing::full_emulator& emu, const std::optional<std::string>& faults) {
    const auto& c = emu.clc().options();
    std::string line = "Run:  jobs ";
    line += seconds_text(c.queue_delay + c.execution_time);
    if (c.job_jitter.count() > 0) line.append(" (+/- ").append(seconds_text(c.job_jitter)).append(")");
    line.append(", UCS switch window ").append(seconds_text(emu.ucs().switch_delay()));
    line.append(", Redfish power transition ").append(seconds_text(emu.redfish().options().transition));
    line.append(", faults ").append(faults ? *faults : std::string("none"));  // checked: printable ASCII
    line.append(", seed ").append(std::to_string(emu.seed()));
    return line;
}

inline int run(const command_line& cl) {
    const std::string help = "serverops emulator --help";
    if (cl.words.size() > 1)
        return usage_error("emulator: unexpected argument '" + clip(cl.words[1], 80) + "'", help);
    if (auto unexpected =
            cl.unexpected_option({"--port", "--tls", "--job-duration", "--switch-window", "--power-transition",
                                  "--faults", "--seed"}))
        return usage_error("emulator: option " + *unexpected + " does not apply here", help);
    testing::full_emulator::options opts;  // 127.0.0.1, CLC + A4C + UCS + Redfish with their demo users
    if (auto p = cl.value("--port")) {
        auto v = parse_integer(*p, 0, 65535);
        if (!v) return usage_error("emulator: --port needs a number from 0 to 65535", help);
        opts.port = static_cast<unsigned short>(*v);
    }
    auto bad = [&](std::string_view option, const testing::option_error& e) {
        std::string text = "emulator: ";
        text.append(option).append(": ").append(e.message());
        return usage_error(text, help);
    };
    if (auto v = cl.value("--job-duration")) {
        auto d = testing::parse_emulated_duration(*v);
        if (!d) return bad("--job-duration", d.error());
        opts.clc.set_job_duration(d.value());
    }
    if (auto v = cl.value("--switch-window")) {
        auto d = testing::parse_seconds_text(*v);
        if (!d) return bad("--switch-window", d.error());
        opts.ucs.switch_delay = d.value();
    }
    if (auto v = cl.value("--power-transition")) {
        auto d = testing::parse_seconds_text(*v);
        if (!d) return bad("--power-transition", d.error());
        opts.redfish.transition = d.value();
    }
    if (auto v = cl.value("--faults")) {
        auto profile = testing::parse_fault_profile(*v);
        if (!profile) return bad("--faults", profile.error());
        opts.faults = std::move(profile).value();
    }
    if (auto v = cl.value("--seed")) {
        auto seed = testing::parse_seed(*v);
        if (!seed) return bad("--seed", seed.error());
        opts.seed = seed.value();
    }
    std::string ca_path;
    if (cl.has("--tls")) {
        auto tls = testing::make_self_signed_tls("localhost");
        if (!tls) return fail(tls.error());
        ca_path = write_ca_file(tls.value().certificate_chain_pem);
        if (ca_path.empty()) {
            report("emulator: cannot write the CA certificate file");
            return exit_fatal;
        }
        opts.tls = std::move(tls).value();
    }

    // Signals first, so that a SIGTERM arriving right after the URLs are printed is handled.
    boost::asio::io_context signals_ctx;
    boost::asio::signal_set signals(signals_ctx, SIGINT, SIGTERM);

    testing::full_emulator emu(opts);
    if (auto started = emu.start(); !started) {
        if (!ca_path.empty()) ::unlink(ca_path.c_str());
        report("emulator: cannot start: " + started.error().message());
        return exit_fatal;
    }
    const auto& clc = emu.clc().options();
    print_line("serverops emulator listening on " + emu.base_url());
    print_line("CLC:  export CLC_BASE_URL=" + emu.clc_base_url() + " CLC_USERNAME=" + clc.username +
               " CLC_PASSWORD=" + clc.password + "   (account alias " + clc.account_alias + ")");
    std::string servers = "      servers:";
    for (auto& s : clc.servers) servers += " " + s.id;
    print_line(servers);
    print_line("A4C:  export A4C_BASE_URL=" + emu.a4c_base_url() +
               " A4C_USERNAME=admin A4C_PASSWORD=admin   (user frodo/frodo has no ADMIN role)");
    print_line("UCS:  export UCS_BASE_URL=" + emu.ucs_base_url() + "   (no authentication; mode " +
               std::string(testing::to_string(emu.ucs().mode())) + ")");
    const auto& rf = emu.redfish().options();
    print_line("RF:   export REDFISH_BASE_URL=" + emu.redfish_base_url() + " REDFISH_USERNAME=" + rf.user +
               " REDFISH_PASSWORD=" + rf.password);
    std::string systems = "      systems:";
    for (auto& s : rf.systems) systems += " " + s.id;
    print_line(systems);
    if (!ca_path.empty()) print_line("CA:   --ca-file " + ca_path);
    print_line(settings_line(emu, cl.value("--faults")));
    print_line("Press Ctrl+C to stop.");
    std::fflush(stdout);

    signals.async_wait([&](const boost::system::error_code&, int) { emu.stop(); });
    signals_ctx.run();
    if (!ca_path.empty()) ::unlink(ca_path.c_str());
    print_line("stopped");
    std::fflush(stdout);
    return exit_ok;
}

}  // namespace serverops_cli::emulator_cli

#endif
