// Soak: concurrent async operations on all three systems (CLC, Alien4Cloud, Genesys UCS) against one emulator while
// transient faults are injected continuously (500s, 503s with a short Retry-After, connections closed before the
// response on GETs), for a bounded time. Proves, and prints:
// - every started operation completes exactly once (none lost, none duplicated);
// - every non-idempotent request reached the server at most once: per method and path, the emulator's count equals
//   the operations started minus those that failed before sending (their login failed);
// - resident memory at the end is within 10 % of resident memory after a warm-up (/proc/self/statm).
//
// Threads: two run the client io_context; each session runs its calls on its own strand (sessions are not
// thread-safe), while the sessions of one system share one async transport (thread-safe: its pool lives on a
// strand); the emulator serves on its own thread; a third thread arms faults. So a ThreadSanitizer build of this test
// checks the sharing rules docs/thread-safety.md states.
//
// Length: SERVEROPS_SOAK_SECONDS (default 20, as in the normal suite; CI may set 60). A long campaign:
//     SERVEROPS_SOAK_SECONDS=1800 ./serverops_integration_tests --gtest_filter='Soak*'
// (ctest's per-test timeout is 120 s: run the binary directly for anything longer than ~90 s).
#include <serverops/a4c.hpp>
#include <serverops/a4c/session.hpp>
#include <serverops/beast/async_transport.hpp>
#include <serverops/clc.hpp>
#include <serverops/clc/session.hpp>
#include <serverops/testing/full_emulator.hpp>
#include <serverops/ucs.hpp>
#include <serverops/ucs/session.hpp>

#include <boost/asio/bind_executor.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <gtest/gtest.h>

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

namespace {

using namespace serverops;
using namespace std::chrono_literals;
namespace asio = boost::asio;
namespace emu = serverops::testing;
using steady = std::chrono::steady_clock;

std::chrono::seconds soak_duration() {
    if (const char* s = std::getenv("SERVEROPS_SOAK_SECONDS")) {
        char* end = nullptr;
        const long v = std::strtol(s, &end, 10);
        if (end != s && *end == '\0' && v > 0) return std::chrono::seconds(v);
    }
    return 20s;
}

/// Resident set size in bytes (statm's second field is in pages).
std::size_t rss_bytes() {
    std::ifstream statm("/proc/self/statm");
    std::size_t pages_total = 0, pages_resident = 0;
    statm >> pages_total >> pages_resident;
    return pages_resident * static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
}

/// What every operation's completion adds up to; shared by all threads.
struct tally {
    std::atomic<std::uint64_t> started{0};
    std::atomic<std::uint64_t> completed{0};
    std::atomic<std::uint64_t> duplicated{0};

    std::mutex mutex;
    std::map<std::string, std::uint64_t> outcomes;       // "CLC clc.getServer ok" -> n
    std::map<std::string, std::uint64_t> posts_started;  // "POST /servers/startMaintenance" -> n (non-idempotent)
    std::map<std::string, std::uint64_t> posts_unsent;   // failed before sending (the login failed)
    std::map<std::string, std::uint64_t> unexpected;     // errors a transient fault cannot explain

    void note(const std::string& key, std::map<std::string, std::uint64_t>& m) {
        std::lock_guard lock(mutex);
        ++m[key];
    }
};

/// Errors the soak's faults and the vendors' own state machines explain.
bool explained(errc e) {
    switch (e) {
    case errc::server_error:        // a 500 on a POST (never resent) or on the last retry
    case errc::unavailable:         // a 503 likewise
    case errc::connection_closed:   // a GET closed before the response on every attempt
    case errc::busy:      // UCS: 503 while switching modes
    case errc::conflict:            // A4C: enable while enabled
    case errc::not_found:           // A4C: disable while disabled
        return true;
    default:
        return false;
    }
}

/// One step a worker can take: a GET, or a state-changing request identified by method and path for the
/// at-most-once check (empty `counted_as`: idempotent, not checked).
template <class Session>
struct step {
    std::string counted_as;
    std::function<void(Session&, std::function<void(std::string_view op, const error*)>)> start;
};

/// A session with its own strand running `chains` operations at a time until told to stop.
template <class Session>
class worker : public std::enable_shared_from_this<worker<Session>> {
public:
    worker(std::string system, asio::io_context& io, std::unique_ptr<Session> s, std::vector<step<Session>> steps,
           tally& t, std::atomic<bool>& stop, std::uint32_t seed)
        : system_(std::move(system)), strand_(asio::make_strand(io)), session_(std::move(s)),
          steps_(std::move(steps)), tally_(t), stop_(stop), rng_(seed) {}

    void start(int chains) {
        for (int i = 0; i < chains; ++i) asio::post(strand_, [self = this->shared_from_this()] { self->next(); });
    }

    /// Destroys the session on its strand (it must not die while one of its handlers runs elsewhere).
    void finish(std::function<void()> done) {
        asio::post(strand_, [self = this->shared_from_this(), done = std::move(done)] {
            self->session_.reset();
            done();
        });
    }

private:
    void next() {  // on the strand
        if (stop_.load()) return;
        auto& s = steps_[std::uniform_int_distribution<std::size_t>(0, steps_.size() - 1)(rng_)];
        tally_.started.fetch_add(1);
        if (!s.counted_as.empty()) tally_.note(s.counted_as, tally_.posts_started);
        auto once = std::make_shared<std::atomic<bool>>(false);
        s.start(*session_, [self = this->shared_from_this(), once, counted_as = s.counted_as](std::string_view op,
                                                                                              const error* e) {
            if (once->exchange(true)) {
                self->tally_.duplicated.fetch_add(1);
                return;
            }
            self->tally_.completed.fetch_add(1);
            std::string key = self->system_ + " " + std::string(op) + " " +
                              (e ? make_error_code(e->kind()).message() : std::string("ok"));
            self->tally_.note(key, self->tally_.outcomes);
            if (e && !explained(e->kind())) self->tally_.note(key + ": " + e->message(), self->tally_.unexpected);
            // A login that failed first: the request itself was never sent.
            if (e && !counted_as.empty() && e->operation.find("ogin") != std::string_view::npos)
                self->tally_.note(counted_as, self->tally_.posts_unsent);
            self->next();
        });
    }

public:
    /// Wraps a completion so it runs on this worker's strand.
    template <class R>
    auto on_strand(std::function<void(std::string_view, const error*)> done, std::string_view op) {
        return asio::bind_executor(strand_, [done = std::move(done), op](result<R> r) {
            done(op, r ? nullptr : &r.error());
        });
    }

private:
    std::string system_;
    asio::strand<asio::io_context::executor_type> strand_;
    std::unique_ptr<Session> session_;
    std::vector<step<Session>> steps_;
    tally& tally_;
    std::atomic<bool>& stop_;
    std::minstd_rand rng_;
};

template <class Session, class Op>
step<Session> make_step(std::string counted_as, Op op, std::shared_ptr<worker<Session>>* owner) {
    return step<Session>{std::move(counted_as), [op, owner](Session& s, auto done) {
                             s.async_call(op, (*owner)->template on_strand<typename Op::response_type>(
                                                  std::move(done), Op::name));
                         }};
}

session_options soak_session_options() {
    session_options o;
    o.retry.max_attempts = 4;
    o.retry.initial_backoff = 5ms;
    o.retry.max_backoff = 50ms;
    return o;
}

TEST(Soak, ConcurrentAsyncCallsUnderTransientFaults) {
    const auto duration = soak_duration();
    const auto warm_up = std::min<steady::duration>(duration / 4, 5s);
    constexpr int sessions_per_system = 3;
    constexpr int chains_per_session = 2;

    emu::full_emulator::options eo;
    eo.clc.queue_delay = 5ms;
    eo.clc.execution_time = 5ms;
    eo.clc.max_finished_jobs = 64;  // the emulator forgets old jobs: its own memory stays flat
    eo.ucs.switch_delay = 20ms;
    eo.idle_timeout = std::chrono::seconds(3600);  // no server-side close of an idle connection races a POST
    emu::full_emulator e(eo);
    ASSERT_TRUE(e.start());

    asio::io_context io;
    auto guard = asio::make_work_guard(io);
    transport_options t;
    t.request_timeout = 10s;  // generous: a timeout is not one of the soak's faults
    t.max_connections = 4;
    const auto endpoint_of = [](const std::string& url) { return parse_endpoint(url).value(); };
    beast_async_transport clc_transport(io.get_executor(), endpoint_of(e.clc_base_url()), t);
    beast_async_transport a4c_transport(io.get_executor(), endpoint_of(e.a4c_base_url()), t);
    beast_async_transport ucs_transport(io.get_executor(), endpoint_of(e.ucs_base_url()), t);

    tally tally;
    std::atomic<bool> stop{false};
    using clc_session = clc::session<beast_async_transport&>;
    using a4c_session = a4c::session<beast_async_transport&>;
    using ucs_session = ucs::session<beast_async_transport&>;
    std::vector<std::shared_ptr<worker<clc_session>>> clc_workers(sessions_per_system);
    std::vector<std::shared_ptr<worker<a4c_session>>> a4c_workers(sessions_per_system);
    std::vector<std::shared_ptr<worker<ucs_session>>> ucs_workers(sessions_per_system);

    std::uint32_t seed = 1;
    for (int i = 0; i < sessions_per_system; ++i) {
        const std::string server = "WA1ALIASWB0" + std::to_string(i + 1);
        clc::session_options co;
        static_cast<session_options&>(co) = soak_session_options();
        clc_workers[i] = std::make_shared<worker<clc_session>>(
            "CLC", io,
            std::make_unique<clc_session>(clc_transport, clc::credentials{"user", "password"},
                                          clc::context::from_base_url(e.clc_base_url()).value(), co),
            std::vector<step<clc_session>>{
                make_step<clc_session>("", clc::get_server{server}, &clc_workers[i]),
                make_step<clc_session>("POST /servers/startMaintenance", clc::start_maintenance{{server}}, &clc_workers[i]),
                make_step<clc_session>("POST /servers/stopMaintenance", clc::stop_maintenance{{server}}, &clc_workers[i]),
            },
            tally, stop, seed++);
        a4c_workers[i] = std::make_shared<worker<a4c_session>>(
            "A4C", io,
            std::make_unique<a4c_session>(a4c_transport, a4c::form_authenticator{{"admin", "admin"}},
                                          a4c::context::from_base_url(e.a4c_base_url()).value(), soak_session_options()),
            std::vector<step<a4c_session>>{
                make_step<a4c_session>("", a4c::get_maintenance_state{}, &a4c_workers[i]),
                make_step<a4c_session>("POST /rest/v1/maintenance", a4c::enable_maintenance{}, &a4c_workers[i]),
                make_step<a4c_session>("DELETE /rest/v1/maintenance", a4c::disable_maintenance{}, &a4c_workers[i]),
            },
            tally, stop, seed++);
        ucs_workers[i] = std::make_shared<worker<ucs_session>>(
            "UCS", io,
            std::make_unique<ucs_session>(ucs_transport, ucs::basic_authenticator{},
                                          ucs::context::from_base_url(e.ucs_base_url()).value(), soak_session_options()),
            std::vector<step<ucs_session>>{
                make_step<ucs_session>("", ucs::get_server_status{}, &ucs_workers[i]),
                make_step<ucs_session>("", ucs::set_server_mode{ucs::server_mode::maintenance}, &ucs_workers[i]),
                make_step<ucs_session>("", ucs::set_server_mode{ucs::server_mode::production}, &ucs_workers[i]),
            },
            tally, stop, seed++);
    }

    // Faults, continuously: a few armed at any time, each consumed by the next matching request.
    std::atomic<bool> stop_faults{false};
    std::atomic<std::uint64_t> faults_armed{0};
    std::thread injector([&] {
        std::minstd_rand rng(42);
        while (!stop_faults.load()) {
            if (e.pending_faults() < 3) {
                const unsigned burst = 1 + rng() % 2;
                switch (rng() % 8) {
                case 0:
                case 1:
                case 2: e.inject(emu::fault::server_error(), burst); break;
                case 3:
                case 4: e.inject(emu::fault::unavailable(0s), burst); break;
                case 5: e.inject(emu::fault::unavailable(1s), 1); break;
                default: e.inject(emu::fault::close_before_response().only_method(verb::get), burst); break;
                }
                faults_armed.fetch_add(1);
            }
            std::this_thread::sleep_for(2ms);  // a pacing loop on its own thread, not a wait for a result
        }
    });

    std::vector<std::thread> runners;
    for (int i = 0; i < 2; ++i) runners.emplace_back([&io] { io.run(); });

    const auto began = steady::now();
    for (auto& w : clc_workers) w->start(chains_per_session);
    for (auto& w : a4c_workers) w->start(chains_per_session);
    for (auto& w : ucs_workers) w->start(chains_per_session);

    std::this_thread::sleep_until(began + warm_up);
    const std::size_t rss_warm = rss_bytes();
    const auto ops_at_warm = tally.completed.load();
    std::this_thread::sleep_until(began + duration);

    // Stop starting operations; every one in flight must still complete.
    stop.store(true);
    const auto drain_deadline = steady::now() + 30s;
    while (tally.completed.load() + tally.duplicated.load() < tally.started.load() && steady::now() < drain_deadline)
        std::this_thread::sleep_for(10ms);
    const auto elapsed = steady::now() - began;
    stop_faults.store(true);
    injector.join();
    const std::size_t rss_end = rss_bytes();

    // Sessions die on their strands, then transports close, then the io threads finish.
    std::atomic<int> finished{0};
    for (auto& w : clc_workers) w->finish([&] { finished.fetch_add(1); });
    for (auto& w : a4c_workers) w->finish([&] { finished.fetch_add(1); });
    for (auto& w : ucs_workers) w->finish([&] { finished.fetch_add(1); });
    while (finished.load() < 3 * sessions_per_system && steady::now() < drain_deadline)
        std::this_thread::sleep_for(10ms);
    clc_transport.close();
    a4c_transport.close();
    ucs_transport.close();
    guard.reset();
    for (auto& r : runners) r.join();

    // ---- figures
    const double seconds = std::chrono::duration<double>(elapsed).count();
    std::printf("\nsoak: %.1f s (warm-up %.1f s), %d sessions x %d chains per system, 2 client threads\n", seconds,
                std::chrono::duration<double>(warm_up).count(), sessions_per_system, chains_per_session);
    std::printf("operations: started %llu, completed %llu, duplicated %llu, lost %lld (%.0f ops/s; %llu after warm-up)\n",
                static_cast<unsigned long long>(tally.started.load()),
                static_cast<unsigned long long>(tally.completed.load()),
                static_cast<unsigned long long>(tally.duplicated.load()),
                static_cast<long long>(tally.started.load()) - static_cast<long long>(tally.completed.load()),
                static_cast<double>(tally.completed.load()) / seconds,
                static_cast<unsigned long long>(tally.completed.load() - ops_at_warm));
    std::printf("faults armed %llu, still pending %zu\n", static_cast<unsigned long long>(faults_armed.load()),
                e.pending_faults());
    std::printf("RSS after warm-up %.1f MiB, at the end %.1f MiB (%+.1f %%)\n", rss_warm / 1048576.0, rss_end / 1048576.0,
                100.0 * (static_cast<double>(rss_end) - static_cast<double>(rss_warm)) / static_cast<double>(rss_warm));
    std::printf("outcomes:\n");
    for (auto& [k, n] : tally.outcomes) std::printf("  %-76s %8llu\n", k.c_str(), static_cast<unsigned long long>(n));
    std::printf("non-idempotent requests: started / not sent (login failed) / received by the emulator\n");
    for (auto& [k, n] : tally.posts_started) {
        const auto space = k.find(' ');
        const auto received = e.request_count(k.substr(0, space), k.substr(space + 1));
        std::printf("  %-40s %8llu %8llu %8zu\n", k.c_str(), static_cast<unsigned long long>(n),
                    static_cast<unsigned long long>(tally.posts_unsent[k]), received);
    }
    std::fflush(stdout);

    // ---- checks
    EXPECT_EQ(tally.duplicated.load(), 0u) << "a completion ran twice";
    EXPECT_EQ(tally.completed.load(), tally.started.load()) << "operations lost (never completed)";
    for (auto& [k, n] : tally.posts_started) {
        const auto space = k.find(' ');
        const auto received = e.request_count(k.substr(0, space), k.substr(space + 1));
        EXPECT_LE(received, n) << k << ": a non-idempotent request was sent more than once";
        EXPECT_EQ(received, n - tally.posts_unsent[k]) << k << ": sent requests and received ones differ";
    }
    for (auto& [k, n] : tally.unexpected) ADD_FAILURE() << n << " x " << k;
    for (std::string system : {"CLC ", "A4C ", "UCS "}) {
        std::uint64_t ok = 0;
        for (auto& [k, n] : tally.outcomes)
            if (k.starts_with(system) && k.ends_with(" ok")) ok += n;
        EXPECT_GT(ok, 10u) << system << "made too little progress to prove anything";
    }
    EXPECT_GT(faults_armed.load(), e.pending_faults() + 10) << "the faults must actually have fired";
    EXPECT_LE(static_cast<double>(rss_end), 1.10 * static_cast<double>(rss_warm)) << "resident memory grew";
}

}  // namespace
