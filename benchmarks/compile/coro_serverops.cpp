// Compile-time probe (benchmarks/run, compile_vs_raw_beast): one async CLC call through serverops in a C++20
// coroutine.
#include <serverops/beast/async_transport.hpp>
#include <serverops/clc.hpp>
#include <serverops/clc/session.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace asio = boost::asio;

asio::awaitable<int> poll(serverops::clc::session<serverops::beast_async_transport&>& s) {
    auto r = co_await s.async_call(serverops::clc::get_status{"wa1-12345"}, asio::use_awaitable);
    co_return r && r.value().status == serverops::clc::job_status::succeeded ? 0 : 1;
}

int main() {
    asio::io_context io;
    auto ep = serverops::parse_endpoint("http://127.0.0.1:8080/v2");
    if (!ep) return 1;
    serverops::beast_async_transport transport(io.get_executor(), ep.value());
    serverops::clc::session<serverops::beast_async_transport&> s(
        transport, {"user", "password"}, serverops::clc::context::from_base_url("http://127.0.0.1:8080/v2").value());
    int rc = 1;
    asio::co_spawn(io, poll(s), [&](std::exception_ptr, int v) { rc = v; });
    io.run();
    return rc;
}
