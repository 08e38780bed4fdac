// CLC decoders (batch, status, server, login, single-link actions and every error body) fed any response: no crash,
// no undefined behaviour, every error prints as valid UTF-8 without control characters, and a batch answers one
// entry per requested server.
#include "fuzz_common.hpp"

#include <serverops/operation.hpp>
#include <serverops/clc.hpp>

#include <string>
#include <vector>

namespace {

using namespace serverops;
using serverops_fuzz::check_result;

constexpr std::string_view password = "Pa55-w0rd-fuzz";

void check_batch(const result<clc::batch_response>& r, const std::vector<std::string>& requested) {
    check_result(r);
    if (!r) return;
    SERVEROPS_FUZZ_CHECK(r.value().servers.size() == requested.size(), "clc-batch-one-entry-per-server", "");
    for (std::size_t i = 0; i < r.value().servers.size() && i < requested.size(); ++i) {
        const auto& s = r.value().servers[i];
        SERVEROPS_FUZZ_CHECK(s.server_id == requested[i], "clc-batch-request-order", s.server_id);
        check_result(s.job);
        if (s.job) SERVEROPS_FUZZ_CHECK(!s.job.value().status_id.empty(), "clc-batch-empty-status-id", "");
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    serverops_fuzz::begin(data, size);
    FuzzedDataProvider in(data, size);
    http_response res = serverops_fuzz::fuzzed_response_head(in);
    std::vector<std::string> ids(in.ConsumeIntegralInRange<std::uint8_t>(0, 4));
    for (auto& id : ids) id = in.ConsumeRandomLengthString(64);
    res.body = in.ConsumeRemainingBytesAsString();

    check_batch(decode(clc::pause{ids}, res), ids);
    check_batch(decode(clc::start_maintenance{ids}, res), ids);
    clc::set_maintenance set;
    for (auto& id : ids) set.servers.push_back({id, true});
    check_batch(decode(set, res), ids);
    check_batch(decode(clc::create_snapshot{ids, 3}, res), ids);

    const std::string id = ids.empty() ? std::string("CA1ALTDPWROPS01") : ids.front();
    check_result(decode(clc::get_status{id}, res));
    check_result(decode(clc::get_server{id}, res));
    check_result(decode(clc::restore_server{id, "group"}, res));
    check_result(decode(clc::delete_snapshot{id, "snap"}, res));
    check_result(decode(clc::revert_snapshot{id, "snap"}, res));

    auto login = decode(clc::login{"user", std::string(password)}, res);
    check_result(login);
    if (!login) {
        SERVEROPS_FUZZ_CHECK(login.error().message().find(password) == std::string::npos, "clc-login-password-in-error",
                             "");
    } else {
        SERVEROPS_FUZZ_CHECK(!login.value().bearer_token.empty(), "clc-login-empty-token", "");
    }
    return 0;
}
