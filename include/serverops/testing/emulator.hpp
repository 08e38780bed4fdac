// A stateful emulator of the vendor APIs serverops drives, served over loopback HTTP(S) for tests, examples and
// benchmarks. CenturyLink Cloud v2 is built in; other vendors plug in as `module`s.
//
//     serverops::testing::emulator emu;                 // 127.0.0.1, ephemeral port, CLC with demo servers
//     if (!emu.start()) ...;
//     auto base = emu.clc_base_url();                   // "http://127.0.0.1:PORT/v2"
//     emu.inject(fault::server_error().only_path("/status/"), 2);
//     emu.clc().fail_jobs_for("WA1ALIASWB02");
//
// Realistic runs: `options.clc.set_job_duration({30s, 10s})` (jobs of 20 to 40 s), a fault profile
// (`options.faults = parse_fault_profile("status-500=0.05,latency=50ms..300ms").value()`) and `options.seed` to replay
// a run; `serverops emulator` takes the same settings as --job-duration, --switch-window, --faults and --seed.
//
// Heavy header (Beast, Asio SSL, JSON): include it only from tests, examples and benchmarks.
#ifndef SERVEROPS_TESTING_EMULATOR_HPP
#define SERVEROPS_TESTING_EMULATOR_HPP

#include <serverops/testing/emulator/clc_module.hpp>
#include <serverops/testing/emulator/clock.hpp>
#include <serverops/testing/emulator/fault_profile.hpp>
#include <serverops/testing/emulator/faults.hpp>
#include <serverops/testing/emulator/module.hpp>
#include <serverops/testing/emulator/server.hpp>
#include <serverops/testing/emulator/timing.hpp>
#include <serverops/testing/emulator/tls.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace serverops::testing {

struct emulator_options {
    std::string address = "127.0.0.1";             ///< or "::1"
    unsigned short port = 0;                       ///< 0: ephemeral, see `emulator::port()`
    std::optional<tls_config> tls;                 ///< set: serve HTTPS only (see make_self_signed_tls)
    clc_options clc;                               ///< account, servers and job timing of the CLC module
    bool manual_clock = false;                     ///< time moves only through `advance` (deterministic tests)
    std::size_t body_limit = 16u * 1024u * 1024u;  ///< bigger request bodies are answered 413
    std::chrono::seconds idle_timeout{30};         ///< idle keep-alive connections are closed after this
    /// Seed of every random choice (fault probabilities, latency ranges, job jitter); empty: a fresh one (`seed()`
    /// tells which, so that a run can be replayed).
    std::optional<std::uint64_t> seed;
    fault_profile faults;                          ///< armed for the whole run at construction
};

class emulator {
public:
    using options = emulator_options;

    explicit emulator(options opts = {})
        : options_(std::move(opts)),
          seed_(options_.seed ? *options_.seed : fresh_seed()),
          clock_(options_.manual_clock),
          clc_(std::make_shared<clc_module>(options_.clc, clock_, seed_)),
          server_(server_options{options_.address, options_.port, options_.tls, options_.body_limit,
                                 options_.idle_timeout}) {
        server_.routes().add(clc_);
        server_.faults().seed(seed_);
        options_.faults.arm(server_.faults());
    }
    emulator(const emulator&) = delete;
    emulator& operator=(const emulator&) = delete;
    ~emulator() { stop(); }

    /// Adds a vendor module (A4C, UCS, ...); modules are asked in the order added, CLC first. Before `start` only.
    result<void> add_module(std::shared_ptr<module> m) {
        if (!m) return failure(errc::invalid_request, "no module given");
        if (server_.started())
            return failure(errc::invalid_request, "modules must be added before start()");
        server_.routes().add(std::move(m));
        return success();
    }

    /// Binds and serves on a background thread. Fails (never aborts) when the address cannot be bound or the
    /// TLS material is unusable. One start per emulator.
    result<void> start() { return server_.start(); }
    /// Closes all connections and joins the thread; idempotent; also done by the destructor.
    void stop() noexcept { server_.stop(); }
    bool running() const noexcept { return server_.running(); }

    unsigned short port() const noexcept { return server_.port(); }
    /// "http://127.0.0.1:PORT" (https with TLS, brackets for IPv6) followed by `vendor_prefix`.
    std::string base_url(std::string_view vendor_prefix = "") const {
        const bool v6 = options_.address.find(':') != std::string::npos;
        std::string url = options_.tls ? "https://" : "http://";
        url += v6 ? "[" + options_.address + "]" : options_.address;
        url += ":" + std::to_string(port());
        url += vendor_prefix;
        return url;
    }
    /// The CLC API root, e.g. "http://127.0.0.1:PORT/v2".
    std::string clc_base_url() const { return base_url("/v2"); }

    // ---- vendors ----
    clc_module& clc() noexcept { return *clc_; }

    // ---- time ----
    emulator_clock& clock() noexcept { return clock_; }
    /// Moves the emulator clock forward: jobs progress and tokens expire as if `d` had passed.
    void advance(emulator_clock::duration d) noexcept { clock_.advance(d); }

    // ---- faults (thread-safe) ----
    /// Arms `f` for the next `times` matching requests.
    void inject(fault f, unsigned times = 1) { server_.faults().add(std::move(f), times); }
    /// Arms every rule of a profile (see fault_profile.hpp).
    void inject(const fault_profile& profile) { profile.arm(server_.faults()); }
    void clear_faults() { server_.faults().clear(); }
    std::size_t pending_faults() const { return server_.faults().pending(); }

    // ---- request log (thread-safe) ----
    /// Requests received whose method is `method` ("POST"; empty = any) and whose target contains `path_substring`.
    std::size_t request_count(std::string_view method = {}, std::string_view path_substring = {}) const {
        return server_.counter().count(method, path_substring);
    }
    void reset_request_counts() { server_.counter().reset(); }

    const options& settings() const noexcept { return options_; }
    /// The seed of this run's random choices (the one given, or the fresh one drawn).
    std::uint64_t seed() const noexcept { return seed_; }

private:
    options options_;
    std::uint64_t seed_;
    emulator_clock clock_;
    std::shared_ptr<clc_module> clc_;
    http_server server_;  // last: stopped and destroyed first
};

}  // namespace serverops::testing

#endif
