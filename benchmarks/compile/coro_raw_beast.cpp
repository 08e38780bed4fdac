// Compile-time probe (benchmarks/run, compile_vs_raw_beast): the same call written with Beast's async API in a C++20
// coroutine and a Boost.JSON parse of the answer.
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json/parse.hpp>

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

asio::awaitable<int> poll() {
    auto ex = co_await asio::this_coro::executor;
    asio::ip::tcp::resolver resolver(ex);
    beast::tcp_stream stream(ex);
    auto endpoints = co_await resolver.async_resolve("127.0.0.1", "8080", asio::use_awaitable);
    stream.expires_after(std::chrono::seconds(30));
    co_await stream.async_connect(endpoints, asio::use_awaitable);
    http::request<http::empty_body> req{http::verb::get, "/v2/operations/ALIAS/status/wa1-12345", 11};
    req.set(http::field::host, "127.0.0.1:8080");
    req.set(http::field::accept, "application/json");
    req.set(http::field::authorization, "Bearer token");
    co_await http::async_write(stream, req, asio::use_awaitable);
    beast::flat_buffer buffer;
    http::response<http::string_body> res;
    co_await http::async_read(stream, buffer, res, asio::use_awaitable);
    beast::error_code ec;
    auto doc = boost::json::parse(res.body(), ec);
    co_return !ec && res.result_int() == 200 && doc.is_object() ? 0 : 1;
}

int main() {
    asio::io_context io;
    int rc = 1;
    asio::co_spawn(io, poll(), [&](std::exception_ptr, int v) { rc = v; });
    io.run();
    return rc;
}
