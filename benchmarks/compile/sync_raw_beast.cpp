// Compile-time probe (benchmarks/run, compile_vs_raw_beast): the same call written with Beast's blocking API and a
// Boost.JSON parse of the answer.
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json/parse.hpp>

namespace beast = boost::beast;
namespace http = beast::http;

int main() {
    boost::asio::io_context io;
    boost::asio::ip::tcp::resolver resolver(io);
    beast::tcp_stream stream(io);
    beast::error_code ec;
    stream.connect(resolver.resolve("127.0.0.1", "8080", ec), ec);
    if (ec) return 1;
    http::request<http::empty_body> req{http::verb::get, "/v2/operations/ALIAS/status/wa1-12345", 11};
    req.set(http::field::host, "127.0.0.1:8080");
    req.set(http::field::accept, "application/json");
    req.set(http::field::authorization, "Bearer token");
    http::write(stream, req, ec);
    beast::flat_buffer buffer;
    http::response<http::string_body> res;
    if (!ec) http::read(stream, buffer, res, ec);
    if (ec || res.result_int() != 200) return 1;
    auto doc = boost::json::parse(res.body(), ec);
    return !ec && doc.is_object() && doc.as_object().contains("status") ? 0 : 1;
}
