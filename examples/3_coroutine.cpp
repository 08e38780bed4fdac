// 3. Coroutines: co_await with asio::use_awaitable. Results stay results: nothing throws.
//    (GCC 12: name each request before co_await-ing it; GCC 12 mis-destroys braced temporaries there.)
#include <serverops/beast/async_transport.hpp>
#include <serverops/clc.hpp>
#include <serverops/clc/session.hpp>
#include <serverops/testing/emulator.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <iostream>

namespace asio = boost::asio;
namespace clc = serverops::clc;

int main() {
    serverops::testing::emulator emulator;
    if (!emulator.start()) return 3;
    const std::string base_url = emulator.clc_base_url();

    asio::io_context io;
    serverops::beast_async_transport transport(io.get_executor(), serverops::parse_endpoint(base_url).value());
    clc::session<serverops::beast_async_transport&> session(transport, {"user", "password"},
                                                            clc::context::from_base_url(base_url).value());
    int exit_code = 1;
    asio::co_spawn(
        io,
        [&]() -> asio::awaitable<void> {
            serverops::polling_policy polling;
            polling.interval = std::chrono::milliseconds(50);
            const clc::set_maintenance batch{{{"WA1ALIASWB01", true}, {"WA1ALIASWB02", false}}};
            auto done = co_await session.async_start_and_wait(batch, polling, asio::use_awaitable);
            if (!done) {
                std::cerr << done.error() << '\n';
                exit_code = 3;
                co_return;
            }
            for (auto& s : done.value().servers) std::cout << s.server_id << ": " << to_string(s.state) << '\n';
            const clc::get_server query{"WA1ALIASWB01"};
            auto server = co_await session.async_call(query, asio::use_awaitable);
            exit_code = server && server.value().in_maintenance_mode ? 0 : 1;
        },
        asio::detached);
    io.run();
    return exit_code;
}
