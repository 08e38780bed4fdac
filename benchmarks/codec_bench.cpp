// Batch request encoding + response decoding for 10 / 1,000 / 10,000 / 100,000 servers, against the practical limit: Boost.JSON
// serializing the same request value and parsing the same response bytes, with no matching or typed results.
#include <serverops/clc.hpp>

#include <benchmark/benchmark.h>
#include <boost/json.hpp>

#include <string>
#include <vector>

namespace {

namespace json = boost::json;
using namespace serverops;

std::vector<std::string> make_ids(std::size_t n) {
    std::vector<std::string> ids;
    ids.reserve(n);
    for (std::size_t i = 0; i < n; ++i) ids.push_back("WA1ALIASWB" + std::to_string(100000 + i));
    return ids;
}

// What the API answers: ids lower-cased, order reversed, one shared status id.
std::string make_response_body(const std::vector<std::string>& ids) {
    json::array arr;
    arr.reserve(ids.size());
    for (auto it = ids.rbegin(); it != ids.rend(); ++it) {
        std::string lower = *it;
        for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        arr.push_back(json::object{{"server", lower},
                                   {"isQueued", true},
                                   {"links", json::array{json::object{{"rel", "status"},
                                                                      {"href", "/v2/operations/alias/status/wa1-12345"},
                                                                      {"id", "wa1-12345"}}}}});
    }
    return json::serialize(arr);
}

const clc::context ctx{"/v2", "ALIAS", "token"};

void serverops_encode_decode(benchmark::State& state) {
    const auto ids = make_ids(static_cast<std::size_t>(state.range(0)));
    http_response res;
    res.status = 200;
    res.body = make_response_body(ids);
    const clc::start_maintenance op{ids};
    for (auto _ : state) {
        auto req = encode(op, ctx);
        auto out = op.decode(res);
        benchmark::DoNotOptimize(req);
        benchmark::DoNotOptimize(out);
        if (!req || !out || out.value().servers.size() != ids.size()) state.SkipWithError("codec failed");
    }
    state.SetItemsProcessed(state.iterations() * state.range(0));
    state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(res.body.size()));
}

void boost_json_parse_serialize(benchmark::State& state) {
    const auto ids = make_ids(static_cast<std::size_t>(state.range(0)));
    const auto body = make_response_body(ids);
    const json::value request_value = json::value_from(ids);
    for (auto _ : state) {
        auto request_bytes = json::serialize(request_value);
        boost::system::error_code ec;
        auto parsed = json::parse(body, ec);
        benchmark::DoNotOptimize(request_bytes);
        benchmark::DoNotOptimize(parsed);
    }
    state.SetItemsProcessed(state.iterations() * state.range(0));
    state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(body.size()));
}

BENCHMARK(serverops_encode_decode)->Arg(10)->Arg(1000)->Arg(10000)->Arg(100000);
BENCHMARK(boost_json_parse_serialize)->Arg(10)->Arg(1000)->Arg(10000)->Arg(100000);

}  // namespace

BENCHMARK_MAIN();
