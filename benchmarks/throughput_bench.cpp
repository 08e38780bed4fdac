// One batch POST (startMaintenance) on 10 / 1,000 / 10,000 servers against the in-process emulator, end to end:
// encode, send, the emulator's work, decode and per-server matching. The side-by-side comparisons with other
// clients (sync, async, libcurl, the C++ REST SDK, wrk) are in compare_bench.cpp.
#include <serverops/beast/sync_transport.hpp>
#include <serverops/clc.hpp>
#include <serverops/clc/session.hpp>
#include <serverops/testing/emulator.hpp>

#include <benchmark/benchmark.h>

#include <memory>
#include <string>
#include <vector>

namespace {

namespace clc = serverops::clc;

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

}  // namespace

BENCHMARK_MAIN();
