// Heap allocations per steady-state call, counted by a replaced global operator new (which is why this is its own
// executable). Only the calling thread's allocations count: the in-process emulator serves on its own thread.
//     alloc_bench [calls]     prints allocations_per_call_{sync,async,...}: value
// Each figure is the mean over `calls` calls (default 2,000) after 50 warm-up calls on a kept-alive connection.
// The replaced operator delete frees what the replaced operator new mallocs; GCC 12, inlining both, reports the pair
// as mismatched.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif

#include <serverops/beast/async_transport.hpp>
#include <serverops/beast/sync_transport.hpp>
#include <serverops/clc.hpp>
#include <serverops/clc/session.hpp>
#include <serverops/testing/emulator.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json/parse.hpp>

#include <cstdio>
#include <cstdlib>
#include <new>
#include <string>

namespace {
thread_local unsigned long long allocations = 0;
}

// Every form of operator new goes through these two (the aligned and nothrow forms call them in libstdc++ only for
// some; replace them all so none escapes the count).
void* operator new(std::size_t n) {
    ++allocations;
    if (void* p = std::malloc(n ? n : 1)) return p;
    throw std::bad_alloc();
}
void* operator new[](std::size_t n) { return ::operator new(n); }
void* operator new(std::size_t n, const std::nothrow_t&) noexcept {
    ++allocations;
    return std::malloc(n ? n : 1);
}
void* operator new[](std::size_t n, const std::nothrow_t& t) noexcept { return ::operator new(n, t); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace clc = serverops::clc;
using namespace std::chrono_literals;

template <class F>
double per_call(int calls, F&& one_call) {
    for (int i = 0; i < 50; ++i)
        if (!one_call()) return -1;
    const auto before = allocations;
    for (int i = 0; i < calls; ++i)
        if (!one_call()) return -1;
    return static_cast<double>(allocations - before) / calls;
}

void print(const char* name, double v) {
    if (v < 0) std::printf("%s: not measured: a call failed\n", name);
    else std::printf("%s: %.1f\n", name, v);
}

}  // namespace

int main(int argc, char** argv) {
    const int calls = argc > 1 ? std::max(1, std::atoi(argv[1])) : 2000;
    serverops::testing::emulator_options o;
    o.clc.queue_delay = 0ms;
    o.clc.execution_time = 0ms;
    serverops::testing::emulator emu(o);
    if (!emu.start()) return 1;
    const auto ep = serverops::parse_endpoint(emu.clc_base_url()).value();
    const clc::credentials creds{o.clc.username, o.clc.password};
    const auto ctx = clc::context::from_base_url(emu.clc_base_url()).value();

    clc::session<serverops::beast_sync_transport> sync(serverops::beast_sync_transport(ep), creds, ctx);
    auto started = sync.call(clc::start_maintenance{{"WA1ALIASWB01"}});
    if (!started || started.value().status_ids().empty()) return 1;
    const clc::get_status get{started.value().status_ids()[0]};
    const clc::start_maintenance post{{"WA1ALIASWB01"}};

    print("allocations_per_call_sync_get", per_call(calls, [&] { return sync.call(get).has_value(); }));
    print("allocations_per_call_sync_post", per_call(calls, [&] { return sync.call(post).has_value(); }));

    // Async: one caller, one call at a time, on this thread's io_context (the count is per call, not per lane).
    asio::io_context io;
    serverops::beast_async_transport transport(io.get_executor(), ep);
    clc::session<serverops::beast_async_transport&> async(transport, creds, ctx);
    const auto async_call = [&] {
        bool ok = false;
        async.async_call(get, [&](serverops::result<clc::get_status_response> r) { ok = r.has_value(); });
        io.restart();
        io.run();
        return ok;
    };
    print("allocations_per_call_async_get", per_call(calls, async_call));

    // The reference: a hand-written blocking Beast loop with a string body and a JSON parse (as in compare_bench).
    {
        asio::io_context raw_io;
        beast::tcp_stream stream(raw_io);
        beast::error_code ec;
        stream.socket().connect({asio::ip::make_address("127.0.0.1"), emu.port()}, ec);
        std::string target = "/v2/operations/ALIAS/status/";
        target += get.status_id;
        std::string bearer = "Bearer ";
        bearer += sync.current_context().bearer_token;
        http::request<http::string_body> req{http::verb::get, target, 11};
        req.set(http::field::host, "127.0.0.1");
        req.set(http::field::accept, "application/json");
        req.set(http::field::authorization, bearer);
        beast::flat_buffer buffer;
        print("allocations_per_call_raw_beast_get", per_call(calls, [&] {
                  http::write(stream, req, ec);
                  http::response<http::string_body> res;
                  if (!ec) http::read(stream, buffer, res, ec);
                  if (ec || res.result_int() != 200) return false;
                  auto doc = boost::json::parse(res.body(), ec);
                  return !ec && !doc.is_null();
              }));
    }
    return 0;
}
