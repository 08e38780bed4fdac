// Compile-time probe (benchmarks/run, compile_vs_raw_beast): one sync CLC call through serverops.
#include <serverops/beast/sync_transport.hpp>
#include <serverops/clc.hpp>
#include <serverops/clc/session.hpp>

int main() {
    auto ep = serverops::parse_endpoint("http://127.0.0.1:8080/v2");
    if (!ep) return 1;
    serverops::clc::session<serverops::beast_sync_transport> s(
        serverops::beast_sync_transport(ep.value()), {"user", "password"},
        serverops::clc::context::from_base_url("http://127.0.0.1:8080/v2").value());
    auto r = s.call(serverops::clc::get_status{"wa1-12345"});
    return r && r.value().status == serverops::clc::job_status::succeeded ? 0 : 1;
}
