// Calls per second of a small CLC operation (GET queue status) against the in-process emulator over loopback:
// - the serverops sync session (encode, Beast sync transport, decode, session bookkeeping) on one keep-alive connection;
// - a hand-written raw Beast loop sending the same request bytes on one keep-alive connection (no JSON decoding);
// - both of them in one loop, alternating timed blocks (the ratio benchmarks/run reports);
// - the serverops async session with 16 concurrent callers sharing a pool of 16 connections.
#include <serverops/beast/async_transport.hpp>
#include <serverops/beast/sync_transport.hpp>
#include <serverops/clc.hpp>
#include <serverops/clc/session.hpp>
#include <serverops/testing/emulator.hpp>

#include <benchmark/benchmark.h>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <chrono>
#include <memory>

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace clc = serverops::clc;
using namespace std::chrono_literals;

// One emulator for the whole run, with a finished job to poll.
struct fixture {
    serverops::testing::emulator emu;
    std::string status_id;
    std::string token;

    fixture() {
        if (!emu.start()) return;
        auto ep = serverops::parse_endpoint(emu.clc_base_url()).value();
        clc::session<serverops::beast_sync_transport> s(serverops::beast_sync_transport(ep),
                                                        {emu.settings().clc.username, emu.settings().clc.password},
                                                        clc::context::from_base_url(emu.clc_base_url()).value());
        serverops::polling_policy p;
        p.interval = 20ms;
        auto started = s.start_and_wait(clc::start_maintenance{{"WA1ALIASWB01"}}, p);
        if (started && started.value().all_succeeded()) status_id = started.value().servers[0].status_id;
        token = s.current_context().bearer_token;
    }
    static fixture& get() {
        static fixture f;
        return f;
    }
};

// The serverops side: a CLC session on the sync transport (encode, transport, decode, session bookkeeping) polling
// one finished job.
struct serverops_caller {
    explicit serverops_caller(fixture& f)
        : session(serverops::beast_sync_transport(serverops::parse_endpoint(f.emu.clc_base_url()).value()),
                  {f.emu.settings().clc.username, f.emu.settings().clc.password},
                  clc::context::from_base_url(f.emu.clc_base_url()).value()),
          op{f.status_id} {}
    bool call() {
        auto r = session.call(op);
        return r && r.value().status == clc::job_status::succeeded;
    }
    clc::session<serverops::beast_sync_transport> session;
    const clc::get_status op;
};

// The hand-written side: Beast's blocking API on one keep-alive connection, the same request bytes, no decoding.
struct raw_beast_caller {
    explicit raw_beast_caller(fixture& f) : stream(io) {
        asio::ip::tcp::resolver resolver(io);
        beast::error_code ec;
        stream.connect(resolver.resolve("127.0.0.1", std::to_string(f.emu.port()), ec), ec);
        request.target("/v2/operations/ALIAS/status/" + f.status_id);
        request.set(http::field::host, "127.0.0.1:" + std::to_string(f.emu.port()));
        request.set(http::field::user_agent, "serverops/0.1");
        request.set(http::field::accept, "application/json");
        request.set(http::field::authorization, "Bearer " + f.token);
    }
    bool call() {
        beast::error_code ec;
        http::write(stream, request, ec);
        http::response<http::string_body> res;
        if (!ec) http::read(stream, buffer, res, ec);
        benchmark::DoNotOptimize(res);
        return !ec && res.result_int() == 200;
    }
    asio::io_context io;
    beast::tcp_stream stream;
    http::request<http::empty_body> request{http::verb::get, "/", 11};
    beast::flat_buffer buffer;
};

template <class Caller>
void calls_per_second(benchmark::State& state) {
    auto& f = fixture::get();
    if (f.status_id.empty()) return state.SkipWithError("emulator setup failed");
    Caller caller(f);
    if (!caller.call()) return state.SkipWithError("warm-up call failed");
    for (auto _ : state)
        if (!caller.call()) return state.SkipWithError("call failed");
    state.SetItemsProcessed(state.iterations());
}

void serverops_sync_session(benchmark::State& state) { calls_per_second<serverops_caller>(state); }
void raw_beast_loop(benchmark::State& state) { calls_per_second<raw_beast_caller>(state); }

// Both callers in one loop, alternating blocks of calls (ABBA order), each block timed: the two see the same
// machine conditions to within milliseconds, so their ratio does not drift with the load of a shared host the way
// the ratio of two separately timed benchmarks does.
void sync_vs_raw_alternating(benchmark::State& state) {
    auto& f = fixture::get();
    if (f.status_id.empty()) return state.SkipWithError("emulator setup failed");
    serverops_caller ours(f);
    raw_beast_caller raw(f);
    if (!ours.call() || !raw.call()) return state.SkipWithError("warm-up call failed");
    using clock = std::chrono::steady_clock;
    constexpr int block = 50;
    clock::duration in_ours{}, in_raw{};
    const auto timed_block = [](auto& caller, clock::duration& total) {
        const auto start = clock::now();
        for (int i = 0; i < block; ++i)
            if (!caller.call()) return false;
        total += clock::now() - start;
        return true;
    };
    bool ours_first = true;
    for (auto _ : state) {
        const bool ok = ours_first ? timed_block(ours, in_ours) && timed_block(raw, in_raw)
                                   : timed_block(raw, in_raw) && timed_block(ours, in_ours);
        if (!ok) return state.SkipWithError("call failed");
        ours_first = !ours_first;
    }
    const double calls = static_cast<double>(state.iterations()) * block;
    const auto seconds = [](clock::duration d) { return std::chrono::duration<double>(d).count(); };
    state.counters["serverops_calls_per_second"] = calls / seconds(in_ours);
    state.counters["raw_calls_per_second"] = calls / seconds(in_raw);
    state.counters["serverops_vs_raw"] = seconds(in_raw) / seconds(in_ours);
}

void serverops_async_16_connections(benchmark::State& state) {
    auto& f = fixture::get();
    if (f.status_id.empty()) return state.SkipWithError("emulator setup failed");
    constexpr int lanes = 16;
    constexpr int calls_per_lane = 32;
    asio::io_context io;
    serverops::transport_options opts;
    opts.max_connections = lanes;
    serverops::beast_async_transport transport(io.get_executor(), serverops::parse_endpoint(f.emu.clc_base_url()).value(),
                                               opts);
    clc::session<serverops::beast_async_transport&> s(transport,
                                                      {f.emu.settings().clc.username, f.emu.settings().clc.password},
                                                      clc::context::from_base_url(f.emu.clc_base_url()).value());
    const clc::get_status op{f.status_id};
    int failures = 0;
    // One lane: calls_per_lane sequential calls; `lanes` of them run concurrently.
    struct lane {
        clc::session<serverops::beast_async_transport&>* s;
        const clc::get_status* op;
        int* failures;
        int left;
        void operator()(serverops::result<clc::get_status_response> r) {
            if (!r) ++*failures;
            if (--left > 0) s->async_call(*op, std::move(*this));
        }
        void start() { s->async_call(*op, std::move(*this)); }
    };
    for (auto _ : state) {
        for (int i = 0; i < lanes; ++i) lane{&s, &op, &failures, calls_per_lane}.start();
        io.restart();
        io.run();
        if (failures) return state.SkipWithError("async calls failed");
    }
    state.SetItemsProcessed(state.iterations() * lanes * calls_per_lane);
}

// One batch POST (startMaintenance) on N servers, end to end: encode, send, the emulator's work, decode and match.
// The API documents no batch-size limit, so serverops sends any batch whole; this shows what that costs.
void serverops_batch_start(benchmark::State& state) {
    static std::unique_ptr<serverops::testing::emulator> big = [] {
        serverops::testing::emulator_options o;
        o.clc.servers.clear();
        for (int i = 0; i < 10000; ++i) o.clc.servers.push_back({"WA1ALIASBT" + std::to_string(100000 + i)});
        auto e = std::make_unique<serverops::testing::emulator>(o);
        if (!e->start()) e.reset();
        return e;
    }();
    if (!big) return state.SkipWithError("emulator setup failed");
    std::vector<std::string> ids;
    for (int i = 0; i < state.range(0); ++i) ids.push_back("WA1ALIASBT" + std::to_string(100000 + i));
    auto ep = serverops::parse_endpoint(big->clc_base_url()).value();
    clc::session<serverops::beast_sync_transport> s(serverops::beast_sync_transport(ep),
                                                    {big->settings().clc.username, big->settings().clc.password},
                                                    clc::context::from_base_url(big->clc_base_url()).value());
    const clc::start_maintenance op{ids};
    for (auto _ : state) {
        auto r = s.call(op);
        if (!r || r.value().servers.size() != ids.size()) return state.SkipWithError("batch failed");
    }
    state.SetItemsProcessed(state.iterations() * state.range(0));
}

BENCHMARK(serverops_batch_start)->Arg(10)->Arg(1000)->Arg(10000)->MinTime(1.0)->UseRealTime();
BENCHMARK(serverops_sync_session)->MinTime(1.0)->UseRealTime();
BENCHMARK(raw_beast_loop)->MinTime(1.0)->UseRealTime();
BENCHMARK(sync_vs_raw_alternating)->MinTime(2.0)->UseRealTime();
BENCHMARK(serverops_async_16_connections)->MinTime(1.0)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
