// UCS decoders (set mode, server status, error bodies, timestamps) fed any response: no crash, no undefined
// behaviour, every error prints as valid UTF-8 without control characters, and a mode switch only succeeds with the
// mode asked for.
#include "fuzz_common.hpp"

#include <serverops/operation.hpp>
#include <serverops/ucs.hpp>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace serverops;
    serverops_fuzz::begin(data, size);
    FuzzedDataProvider in(data, size);
    http_response res = serverops_fuzz::fuzzed_response_head(in);
    res.body = in.ConsumeRemainingBytesAsString();

    for (auto mode : {ucs::server_mode::maintenance, ucs::server_mode::production}) {
        auto r = decode(ucs::set_server_mode{mode}, res);
        serverops_fuzz::check_result(r);
        if (r) SERVEROPS_FUZZ_CHECK(r.value().mode == mode, "ucs-set-mode-other-mode", "");
    }
    serverops_fuzz::check_result(decode(ucs::get_server_status{}, res));
    return 0;
}
