// 3. Coroutines: co_await with asio::use_awaitable. Results stay results: nothing throws.
//    (GCC 12: name each request before co_await-ing it; GCC 12 mis-destroys braced temporaries there.)
#include <serverops/beast/async_transport.hpp>
#include <serverops/clc.hpp>
#include <serverops/clc/session.hpp>
#include <serverops/testing/emulator.hpp>

#include "example_target.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <iostream>

namespace asio = boost::asio;
namespace clc = serverops::clc;

int main(int argc, char** argv) {  // [BASE_URL [SERVER-ON SERVER-OFF]]: see example_target.hpp
    serverops::testing::emulator emulator;
    auto where = examples::target_of(argc, argv, "CLC");
    if (where.emulated) {
        if (!emulator.start()) return 3;
        where.use(emulator.clc_base_url(), "user", "password");
    }
    const auto servers = where.args_or({"WA1ALIASWB01", "WA1ALIASWB02"});
    auto endpoint = serverops::parse_endpoint(where.base_url);
    auto context = clc::context::from_base_url(where.base_url);
    if (!endpoint || !context || servers.size() != 2) return 2;

    asio::io_context io;
    serverops::beast_async_transport transport(io.get_executor(), endpoint.value());
    clc::session<serverops::beast_async_transport&> session(transport, {where.username, where.password},
                                                            context.value());
    int exit_code = 1;
    asio::co_spawn(
        io,
        [&]() -> asio::awaitable<void> {
            serverops::polling_policy polling;
            polling.interval = std::chrono::milliseconds(50);
            const clc::set_maintenance batch{{{servers[0], true}, {servers[1], false}}};
            auto done = co_await session.async_start_and_wait(batch, polling, asio::use_awaitable);
            if (!done) {
                std::cerr << done.error() << '\n';
                exit_code = 3;
                co_return;
            }
            for (auto& s : done.value().servers) std::cout << s.server_id << ": " << to_string(s.state) << '\n';
            const clc::get_server query{servers[0]};
            auto server = co_await session.async_call(query, asio::use_awaitable);
            exit_code = server && server.value().in_maintenance_mode ? 0 : 1;
        },
        asio::detached);
    io.run();
    return exit_code;
}
