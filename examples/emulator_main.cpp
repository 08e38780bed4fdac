// serverops-emulator: serves the vendor API emulator in the foreground until SIGINT/SIGTERM.
//     serverops-emulator [--port N] [--address A]
#include <serverops/testing/emulator.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>

#include <charconv>
#include <cstdio>
#include <string_view>

int main(int argc, char** argv) {
    serverops::testing::emulator::options opts;  // 127.0.0.1, any free port
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        const bool has_value = i + 1 < argc;
        if (arg == "--port" && has_value) {
            const std::string_view v = argv[++i];
            auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), opts.port);
            if (ec != std::errc() || end != v.data() + v.size()) {
                std::fprintf(stderr, "bad port: %s\n", argv[i]);
                return 2;
            }
        } else if (arg == "--address" && has_value) {
            opts.address = argv[++i];
        } else {
            std::fprintf(stderr, "usage: %s [--port N] [--address A]   (defaults: 127.0.0.1, any free port)\n",
                         argv[0]);
            return arg == "--help" || arg == "-h" ? 0 : 2;
        }
    }

    serverops::testing::emulator emu(opts);
    if (auto started = emu.start(); !started) {
        std::fprintf(stderr, "cannot start: %s\n", started.error().message().c_str());
        return 1;
    }
    const auto& clc = emu.clc().options();
    std::printf("serverops emulator listening on %s\n", emu.base_url().c_str());
    std::printf("  CLC v2 base URL: %s  user: %s  password: %s  alias: %s\n", emu.clc_base_url().c_str(),
                clc.username.c_str(), clc.password.c_str(), clc.account_alias.c_str());
    std::printf("  servers:");
    for (auto& s : clc.servers) std::printf(" %s", s.id.c_str());
    std::printf("\nPress Ctrl+C to stop.\n");
    std::fflush(stdout);

    // The emulator serves on its own thread; this one only waits for a signal.
    boost::asio::io_context signals_ctx;
    boost::asio::signal_set signals(signals_ctx, SIGINT, SIGTERM);
    signals.async_wait([&](const boost::system::error_code&, int) { emu.stop(); });
    signals_ctx.run();
    std::printf("stopped\n");
    return 0;
}
