// 2. Async with callbacks: the same flow on an io_context, with a pooled async transport. Each handler runs once,
//    never inside the call that started it.
#include <serverops/beast/async_transport.hpp>
#include <serverops/clc.hpp>
#include <serverops/clc/session.hpp>
#include <serverops/testing/emulator.hpp>

#include "example_target.hpp"

#include <boost/asio/io_context.hpp>

#include <iostream>

namespace clc = serverops::clc;

int main(int argc, char** argv) {  // [BASE_URL [SERVER]]: see example_target.hpp
    serverops::testing::emulator emulator;
    auto where = examples::target_of(argc, argv, "CLC");
    if (where.emulated) {
        if (!emulator.start()) return 3;
        where.use(emulator.clc_base_url(), "user", "password");
    }
    const std::string server_id = where.args_or({"WA1ALIASWB03"}).front();
    auto endpoint = serverops::parse_endpoint(where.base_url);
    auto context = clc::context::from_base_url(where.base_url);
    if (!endpoint || !context) return 2;

    boost::asio::io_context io;
    serverops::beast_async_transport transport(io.get_executor(), endpoint.value());
    clc::session<serverops::beast_async_transport&> session(transport, {where.username, where.password},
                                                            context.value());
    serverops::polling_policy polling;
    polling.interval = std::chrono::milliseconds(50);

    int exit_code = 1;
    session.async_start_and_wait(
        clc::shut_down{{server_id}}, polling, [&](serverops::result<clc::wait_result> done) {
            if (!done) {
                std::cerr << done.error() << '\n';
                exit_code = 3;
                return;
            }
            std::cout << "shutDown: " << to_string(done.value().servers[0].state) << '\n';
            session.async_call(clc::get_server{server_id}, [&](serverops::result<clc::server_info> server) {
                if (!server) return;
                std::cout << "power state: " << to_string(server.value().power) << '\n';
                exit_code = server.value().power == clc::power_state::stopped ? 0 : 1;
            });
        });
    io.run();
    return exit_code;
}
