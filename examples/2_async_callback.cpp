// 2. Async with callbacks: the same flow on an io_context, with a pooled async transport. Each handler runs once,
//    never inside the call that started it.
#include <serverops/beast/async_transport.hpp>
#include <serverops/clc.hpp>
#include <serverops/clc/session.hpp>
#include <serverops/testing/emulator.hpp>

#include <boost/asio/io_context.hpp>

#include <iostream>

namespace clc = serverops::clc;

int main() {
    serverops::testing::emulator emulator;
    if (!emulator.start()) return 3;
    const std::string base_url = emulator.clc_base_url();

    boost::asio::io_context io;
    serverops::beast_async_transport transport(io.get_executor(), serverops::parse_endpoint(base_url).value());
    clc::session<serverops::beast_async_transport&> session(transport, {"user", "password"},
                                                            clc::context::from_base_url(base_url).value());
    serverops::polling_policy polling;
    polling.interval = std::chrono::milliseconds(50);

    int exit_code = 1;
    session.async_start_and_wait(
        clc::shut_down{{"WA1ALIASWB03"}}, polling, [&](serverops::result<clc::wait_result> done) {
            if (!done) {
                std::cerr << done.error() << '\n';
                exit_code = 3;
                return;
            }
            std::cout << "shutDown: " << to_string(done.value().servers[0].state) << '\n';
            session.async_call(clc::get_server{"WA1ALIASWB03"}, [&](serverops::result<clc::server_info> server) {
                if (!server) return;
                std::cout << "power state: " << to_string(server.value().power) << '\n';
                exit_code = server.value().power == clc::power_state::stopped ? 0 : 1;
            });
        });
    io.run();
    return exit_code;
}
