// compare_bench: every "serverops ÷ another client" ratio of benchmarks/run, each measured side by side in one
// process run, against one loopback emulator and the same request bytes. Both sides run in alternating timed blocks
// (ABBA order), so the load of a shared machine falls on both alike; a repetition's ratio is the other side's time
// over serverops' time for the same number of calls, and the printed ratio is the median over the repetitions.
//
//     compare_bench [--quick] [--only NAME[,NAME...]] [--cpprest-peer PATH] [--wrk PATH]
//
// Comparisons (NAME): sync_get (sync_vs_raw_beast), sync_post (sync_post_vs_raw_beast), libcurl (sync_vs_libcurl),
// cpprest (sync_vs_cpprestsdk), async_raw (async16_vs_raw_beast), wrk (async16_vs_wrk), waits (waits_1000).
// Prints "name: value" lines; a comparison that cannot run prints "name: not measured: <why>".
#include <serverops/beast/async_transport.hpp>
#include <serverops/beast/detail/messages.hpp>
#include <serverops/beast/sync_transport.hpp>
#include <serverops/clc.hpp>
#include <serverops/clc/session.hpp>
#include <serverops/testing/emulator.hpp>

#include "peers/peer_protocol.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json/parse.hpp>

#ifdef SERVEROPS_BENCH_HAVE_CURL
#include <curl/curl.h>
#endif

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

extern char** environ;

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace clc = serverops::clc;
using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;

double seconds_since(clock_type::time_point t0) {
    return std::chrono::duration<double>(clock_type::now() - t0).count();
}

void print(const std::string& name, double value, int decimals = 2) {
    std::printf("%s: %.*f\n", name.c_str(), decimals, value);
    std::fflush(stdout);
}
void not_measured(const std::string& name, const std::string& why) {
    std::printf("%s: not measured: %s\n", name.c_str(), why.c_str());
    std::fflush(stdout);
}

struct settings {
    int repetitions = 5;
    double seconds_per_side = 1.0;  // per repetition
    std::string cpprest_peer;
    std::string wrk;
    std::set<std::string> only;
    std::string profile_side;  // --profile-async serverops|raw: that side alone, for a profiler
    double profile_seconds = 5;
    bool wants(const std::string& name) const { return only.empty() || only.count(name) != 0; }
};

// ---------------------------------------------------------------------------------------------------------------
// The emulator and the two requests every comparison sends.

struct wire_request {
    http::request<http::string_body> message;  // exactly what serverops writes, parsed back
    peer_protocol::request_spec spec;           // the same, for clients in other processes or libraries
};

struct fixture {
    serverops::testing::emulator emu{[] {
        serverops::testing::emulator_options o;
        o.clc.queue_delay = 0ms;  // jobs finish at once: the emulator keeps no pending work between calls
        o.clc.execution_time = 0ms;
        return o;
    }()};
    serverops::endpoint endpoint;
    std::string token;
    std::string status_id;
    std::optional<clc::context> context;  // after login: account alias and token

    bool start() {
        if (!emu.start()) return false;
        endpoint = serverops::parse_endpoint(emu.clc_base_url()).value();
        auto s = sync_session();
        return new_job(s);
    }
    clc::session<serverops::beast_sync_transport> sync_session() const {
        return {serverops::beast_sync_transport(endpoint), {emu.settings().clc.username, emu.settings().clc.password},
                clc::context::from_base_url(emu.clc_base_url()).value()};
    }
    /// A fresh finished job to poll: the emulator forgets the oldest finished jobs, and POST comparisons make many.
    bool new_job() {
        auto s = sync_session();
        return new_job(s);
    }
    bool new_job(clc::session<serverops::beast_sync_transport>& s) {
        auto started = s.call(clc::start_maintenance{{"WA1ALIASWB01"}});
        if (!started || started.value().status_ids().size() != 1) return false;
        status_id = started.value().status_ids()[0];
        token = s.current_context().bearer_token;
        context = s.current_context();
        return !token.empty();
    }

    static std::optional<wire_request> wire_failure(const char* step, const std::string& why) {
        std::fprintf(stderr, "compare_bench: request bytes: %s: %s\n", step, why.c_str());
        return std::nullopt;
    }
    /// The bytes serverops' transport writes for `op`, and the same request as method, URL, headers and body.
    template <class Op>
    std::optional<wire_request> wire(const Op& op) const {
        if (!context) return wire_failure("encode", "no session context");
        auto req = serverops::encode(op, *context);
        if (!req) return wire_failure("encode", req.error().message());
        auto x = serverops::beast_detail::prepare_exchange(req.value(), endpoint, {});
        if (!x) return wire_failure("prepare_exchange", x.error().message());
        http::request_parser<http::string_body> parser;
        parser.eager(true);
        beast::error_code ec;
        std::string_view bytes = x.value().wire;
        while (!bytes.empty() && !parser.is_done()) {
            const auto used = parser.put(asio::buffer(bytes.data(), bytes.size()), ec);
            if (ec) return wire_failure("parse", ec.message());
            bytes.remove_prefix(used);
        }
        if (!parser.is_done()) return wire_failure("parse", "incomplete");
        wire_request w;
        w.message = parser.release();
        w.spec.method = std::string(w.message.method_string());
        w.spec.url = "http://127.0.0.1:";
        w.spec.url += std::to_string(emu.port());
        w.spec.url += std::string(w.message.target());
        w.spec.target = std::string(w.message.target());
        for (const auto& field : w.message)
            if (field.name() != http::field::host && field.name() != http::field::content_length)
                w.spec.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
        w.spec.body = w.message.body();
        return w;
    }
};

// ---------------------------------------------------------------------------------------------------------------
// Callers: `bool call()` makes one call on a kept-alive connection and checks the answer.

template <class Op>
struct serverops_sync_caller {
    serverops_sync_caller(const fixture& f, Op o) : session(f.sync_session()), op(std::move(o)) {}
    bool call() { return session.call(op).has_value(); }
    clc::session<serverops::beast_sync_transport> session;
    const Op op;
};

/// Hand-written blocking Beast: the same request message, a string body response, and a JSON parse of it.
struct raw_beast_caller {
    raw_beast_caller(const fixture& f, const wire_request& w) : stream(io), request(w.message) {
        beast::error_code ec;
        stream.socket().connect({asio::ip::make_address("127.0.0.1"), f.emu.port()}, ec);
        stream.socket().set_option(asio::ip::tcp::no_delay(true), ec);
    }
    bool call() {
        beast::error_code ec;
        http::write(stream, request, ec);
        http::response<http::string_body> res;
        if (!ec) http::read(stream, buffer, res, ec);
        if (ec || res.result_int() != 200) return false;
        auto doc = boost::json::parse(res.body(), ec);
        return !ec && !doc.is_null();
    }
    asio::io_context io;
    beast::tcp_stream stream;
    http::request<http::string_body> request;
    beast::flat_buffer buffer;
};

#ifdef SERVEROPS_BENCH_HAVE_CURL
/// libcurl's easy interface: one handle (its connection cache keeps the connection alive), the same headers, a
/// JSON parse of the answer.
struct curl_caller {
    explicit curl_caller(const wire_request& w) : handle(curl_easy_init()) {
        for (const auto& [name, value] : w.spec.headers) {
            std::string line = name;
            line += ": ";
            line += value;
            headers = curl_slist_append(headers, line.c_str());
        }
        headers = curl_slist_append(headers, "Expect:");  // no 100-continue round trip for POST bodies
        body = w.spec.body;
        curl_easy_setopt(handle, CURLOPT_URL, w.spec.url.c_str());
        curl_easy_setopt(handle, CURLOPT_HTTPHEADER, headers);
        curl_easy_setopt(handle, CURLOPT_TCP_NODELAY, 1L);
        curl_easy_setopt(handle, CURLOPT_WRITEFUNCTION, &curl_caller::append);
        curl_easy_setopt(handle, CURLOPT_WRITEDATA, &received);
        if (w.spec.method == "POST") {
            curl_easy_setopt(handle, CURLOPT_POSTFIELDS, body.c_str());
            curl_easy_setopt(handle, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
        }
    }
    curl_caller(const curl_caller&) = delete;
    curl_caller& operator=(const curl_caller&) = delete;
    ~curl_caller() {
        curl_easy_cleanup(handle);
        curl_slist_free_all(headers);
    }
    static std::size_t append(char* data, std::size_t size, std::size_t n, void* out) {
        static_cast<std::string*>(out)->append(data, size * n);
        return size * n;
    }
    bool call() {
        received.clear();
        if (curl_easy_perform(handle) != CURLE_OK) return false;
        long status = 0;
        curl_easy_getinfo(handle, CURLINFO_RESPONSE_CODE, &status);
        boost::system::error_code ec;
        auto doc = boost::json::parse(received, ec);
        return status == 200 && !ec && !doc.is_null();
    }
    CURL* handle;
    curl_slist* headers = nullptr;
    std::string body;
    std::string received;
};
#endif

/// A client in another process, speaking peers/peer_protocol.hpp on its stdin/stdout.
class peer_process {
public:
    peer_process() = default;
    peer_process(const peer_process&) = delete;
    peer_process& operator=(const peer_process&) = delete;
    ~peer_process() {
        if (to_child_ >= 0) ::close(to_child_);  // end of input: the peer exits
        if (from_child_ >= 0) ::close(from_child_);
        if (pid_ > 0) ::waitpid(pid_, nullptr, 0);
    }

    bool spawn(const std::string& path) {
        int in[2], out[2];
        if (::pipe2(in, O_CLOEXEC) != 0) return false;
        if (::pipe2(out, O_CLOEXEC) != 0) return false;
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_adddup2(&actions, in[0], 0);
        posix_spawn_file_actions_adddup2(&actions, out[1], 1);
        std::string arg0 = path;
        char* argv[] = {arg0.data(), nullptr};
        const int rc = posix_spawn(&pid_, path.c_str(), &actions, nullptr, argv, environ);
        posix_spawn_file_actions_destroy(&actions);
        ::close(in[0]);
        ::close(out[1]);
        to_child_ = in[1];
        from_child_ = out[0];
        if (rc != 0) pid_ = -1;
        return rc == 0;
    }
    bool send(const std::string& line) {
        std::string data = line;
        data += '\n';
        std::size_t done = 0;
        while (done < data.size()) {
            const auto n = ::write(to_child_, data.data() + done, data.size() - done);
            if (n <= 0) return false;
            done += static_cast<std::size_t>(n);
        }
        return true;
    }
    std::optional<std::string> read_line() {
        for (;;) {
            if (auto nl = pending_.find('\n'); nl != std::string::npos) {
                std::string line = pending_.substr(0, nl);
                pending_.erase(0, nl + 1);
                return line;
            }
            char chunk[256];
            const auto n = ::read(from_child_, chunk, sizeof chunk);
            if (n <= 0) return std::nullopt;
            pending_.append(chunk, static_cast<std::size_t>(n));
        }
    }
    bool configure(const peer_protocol::request_spec& spec) {
        bool ok = send("method " + spec.method) && send("url " + spec.url);
        for (const auto& [name, value] : spec.headers) {
            std::string line = "header ";
            line += name;
            line += ": ";
            line += value;
            ok = ok && send(line);
        }
        if (!spec.body.empty()) ok = ok && send("body " + spec.body);
        ok = ok && send("start");
        auto reply = read_line();
        return ok && reply && *reply == "ready";
    }
    /// Seconds the peer took for n calls, as it measured them.
    std::optional<double> run(int n) {
        if (!send("run " + std::to_string(n))) return std::nullopt;
        auto reply = read_line();
        if (!reply || reply->rfind("done ", 0) != 0) return std::nullopt;
        return std::stod(reply->substr(5)) / 1e9;
    }

private:
    pid_t pid_ = -1;
    int to_child_ = -1;
    int from_child_ = -1;
    std::string pending_;
};

// ---------------------------------------------------------------------------------------------------------------
// Alternating measurement.

/// Runs n calls and returns the seconds they took, or nothing when a call failed.
using block_runner = std::function<std::optional<double>(int n)>;

template <class Caller>
block_runner timed_calls(Caller& caller) {
    return [&caller](int n) -> std::optional<double> {
        const auto t0 = clock_type::now();
        for (int i = 0; i < n; ++i)
            if (!caller.call()) return std::nullopt;
        return seconds_since(t0);
    };
}

double median(std::vector<double> v) {
    if (v.empty()) return NAN;
    std::sort(v.begin(), v.end());
    const auto n = v.size();
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}
double cv_percent(const std::vector<double>& v) {
    if (v.size() < 2) return 0;
    double mean = 0;
    for (double x : v) mean += x;
    mean /= static_cast<double>(v.size());
    double var = 0;
    for (double x : v) var += (x - mean) * (x - mean);
    var /= static_cast<double>(v.size() - 1);
    return 100.0 * std::sqrt(var) / mean;
}

struct side_by_side {
    std::vector<double> ratios;      // per repetition: serverops rate / other rate
    std::vector<double> ours_rates;  // calls per second
    std::vector<double> other_rates;
};

/// ABBA blocks of `block` calls until each side has run `s.seconds_per_side`, `s.repetitions` times.
std::optional<side_by_side> alternate(const settings& s, const block_runner& ours, const block_runner& other,
                                      int block) {
    side_by_side out;
    for (int rep = 0; rep < s.repetitions; ++rep) {
        double t_ours = 0, t_other = 0;
        long calls = 0;
        bool ours_first = rep % 2 == 0;
        while (t_ours < s.seconds_per_side || t_other < s.seconds_per_side) {
            std::optional<double> a, b;
            if (ours_first) {
                a = ours(block);
                b = a ? other(block) : std::nullopt;
            } else {
                b = other(block);
                a = b ? ours(block) : std::nullopt;
            }
            if (!a || !b) return std::nullopt;
            t_ours += *a;
            t_other += *b;
            calls += block;
            ours_first = !ours_first;
        }
        out.ratios.push_back(t_other / t_ours);
        out.ours_rates.push_back(static_cast<double>(calls) / t_ours);
        out.other_rates.push_back(static_cast<double>(calls) / t_other);
    }
    return out;
}

void report(const std::string& ratio_name, const std::string& ours_name, const std::string& other_name,
            const side_by_side& r) {
    print(ratio_name, median(r.ratios));
    print(ratio_name + "_cv_percent", cv_percent(r.ratios), 1);
    print(ours_name, median(r.ours_rates), 0);
    print(other_name, median(r.other_rates), 0);
}

// ---------------------------------------------------------------------------------------------------------------
// Sync comparisons.

constexpr int sync_block = 100;

void sync_vs_raw(const settings& s, fixture& f, bool post) {
    const std::string name = post ? "sync_post_vs_raw_beast" : "sync_vs_raw_beast";
    if (!f.new_job()) return not_measured(name, "emulator setup failed");
    const clc::get_status get{f.status_id};
    const clc::start_maintenance start{{"WA1ALIASWB01"}};
    auto w = post ? f.wire(start) : f.wire(get);
    if (!w) return not_measured(name, "could not encode the request");
    raw_beast_caller raw(f, *w);
    std::optional<side_by_side> r;
    if (post) {
        serverops_sync_caller ours(f, start);
        if (!ours.call() || !raw.call()) return not_measured(name, "warm-up call failed");
        r = alternate(s, timed_calls(ours), timed_calls(raw), sync_block);
    } else {
        serverops_sync_caller ours(f, get);
        if (!ours.call() || !raw.call()) return not_measured(name, "warm-up call failed");
        r = alternate(s, timed_calls(ours), timed_calls(raw), sync_block);
    }
    if (!r) return not_measured(name, "a call failed");
    const std::string verb = post ? "post" : "get";
    report(name, "sync_" + verb + "_calls_per_second", "raw_beast_" + verb + "_calls_per_second", *r);
}

void sync_vs_libcurl([[maybe_unused]] const settings& s, [[maybe_unused]] fixture& f) {
#ifdef SERVEROPS_BENCH_HAVE_CURL
    if (!f.new_job()) return not_measured("sync_vs_libcurl", "emulator setup failed");
    const clc::get_status get{f.status_id};
    auto w = f.wire(get);
    if (!w) return not_measured("sync_vs_libcurl", "could not encode the request");
    serverops_sync_caller ours(f, get);
    curl_caller other(*w);
    if (!ours.call() || !other.call()) return not_measured("sync_vs_libcurl", "warm-up call failed");
    auto r = alternate(s, timed_calls(ours), timed_calls(other), sync_block);
    if (!r) return not_measured("sync_vs_libcurl", "a call failed");
    report("sync_vs_libcurl", "sync_get_calls_per_second_vs_libcurl", "libcurl_calls_per_second", *r);
#else
    not_measured("sync_vs_libcurl",
                 "libcurl dev package missing when benchmarks were configured (apt-get install libcurl4-openssl-dev)");
#endif
}

void sync_vs_cpprest(const settings& s, fixture& f) {
    const std::string name = "sync_vs_cpprestsdk";
    if (s.cpprest_peer.empty() || ::access(s.cpprest_peer.c_str(), X_OK) != 0)
        return not_measured(name, "cpprest_peer not built (benchmarks/peers/setup-cpprest.sh could not prepare the "
                                  "C++ REST SDK)");
    if (!f.new_job()) return not_measured(name, "emulator setup failed");
    const clc::get_status get{f.status_id};
    auto w = f.wire(get);
    if (!w) return not_measured(name, "could not encode the request");
    peer_process peer;
    if (!peer.spawn(s.cpprest_peer) || !peer.configure(w->spec))
        return not_measured(name, "cpprest_peer did not start or its warm-up call failed");
    serverops_sync_caller ours(f, get);
    if (!ours.call()) return not_measured(name, "warm-up call failed");
    auto r = alternate(s, timed_calls(ours), [&](int n) { return peer.run(n); }, sync_block);
    if (!r) return not_measured(name, "a call failed");
    report(name, "sync_get_calls_per_second_vs_cpprestsdk", "cpprestsdk_calls_per_second", *r);
}

// ---------------------------------------------------------------------------------------------------------------
// Async comparisons: 16 connections, each carrying one call at a time, on one io_context thread.

constexpr int lanes = 16;
constexpr int calls_per_lane = 32;

/// serverops: one async CLC session over a 16-connection pool, 16 concurrent callers of `calls_per_lane` calls.
struct serverops_async_side {
    using session_type = clc::session<serverops::beast_async_transport&>;
    serverops_async_side(asio::io_context& io, const fixture& f)
        : io(io),
          transport(io.get_executor(), f.endpoint, [] {
              serverops::transport_options o;
              o.max_connections = lanes;
              return o;
          }()),
          session(transport, {f.emu.settings().clc.username, f.emu.settings().clc.password},
                  clc::context::from_base_url(f.emu.clc_base_url()).value()),
          op{f.status_id} {}

    struct lane {
        serverops_async_side* side;
        int left;
        void operator()(serverops::result<clc::get_status_response> r) {
            if (!r) ++side->failures;
            if (--left > 0) side->session.async_call(side->op, std::move(*this));
        }
    };
    /// Seconds for lanes × per_lane calls.
    std::optional<double> run(int per_lane) {
        const auto t0 = clock_type::now();
        for (int i = 0; i < lanes; ++i) session.async_call(op, lane{this, per_lane});
        io.restart();
        io.run();
        if (failures) return std::nullopt;
        return seconds_since(t0);
    }

    asio::io_context& io;
    serverops::beast_async_transport transport;
    session_type session;
    const clc::get_status op;
    int failures = 0;
};

/// Hand-written Beast async client: 16 connections, each writes the same request, reads the answer, parses it.
struct raw_async_side {
    struct lane {
        explicit lane(asio::io_context& io, const raw_async_side& side) : stream(io), side(&side) {}
        void next() {
            if (left-- == 0) return;
            res = {};
            http::async_write(stream, side->request, [this](beast::error_code ec, std::size_t) {
                if (ec) return fail();
                http::async_read(stream, buffer, res, [this](beast::error_code ec, std::size_t) {
                    if (ec || res.result_int() != 200) return fail();
                    auto doc = boost::json::parse(res.body(), ec);
                    if (ec || doc.is_null()) return fail();
                    next();
                });
            });
        }
        void fail() { failed = true; }
        beast::tcp_stream stream;
        const raw_async_side* side;
        beast::flat_buffer buffer;
        http::response<http::string_body> res;
        int left = 0;
        bool failed = false;
    };

    raw_async_side(asio::io_context& io, const fixture& f, const wire_request& w) : io(io), request(w.message) {
        for (int i = 0; i < lanes; ++i) {
            auto& l = *lanes_.emplace_back(std::make_unique<lane>(io, *this));
            beast::error_code ec;
            l.stream.socket().connect({asio::ip::make_address("127.0.0.1"), f.emu.port()}, ec);
            l.stream.socket().set_option(asio::ip::tcp::no_delay(true), ec);
            if (ec) l.failed = true;
        }
    }
    std::optional<double> run(int per_lane) {
        const auto t0 = clock_type::now();
        for (auto& l : lanes_) {
            l->left = per_lane;
            l->next();
        }
        io.restart();
        io.run();
        for (auto& l : lanes_)
            if (l->failed) return std::nullopt;
        return seconds_since(t0);
    }

    asio::io_context& io;
    http::request<http::string_body> request;
    std::vector<std::unique_ptr<lane>> lanes_;
};

/// One side alone for `seconds` (for perf record / strace -c): "serverops" or "raw".
int profile_async(fixture& f, const std::string& side, double seconds) {
    if (!f.new_job()) return 1;
    auto w = f.wire(clc::get_status{f.status_id});
    if (!w) return 1;
    asio::io_context io;
    std::optional<serverops_async_side> ours;
    std::optional<raw_async_side> raw;
    if (side == "raw") raw.emplace(io, f, *w);
    else ours.emplace(io, f);
    double t = 0;
    long calls = 0;
    while (t < seconds) {
        auto b = raw ? raw->run(calls_per_lane) : ours->run(calls_per_lane);
        if (!b) return 1;
        t += *b;
        calls += lanes * calls_per_lane;
    }
    print(side + "_async16_calls_per_second", static_cast<double>(calls) / t, 0);
    return 0;
}

void async_vs_raw(const settings& s, fixture& f) {
    const std::string name = "async16_vs_raw_beast";
    if (!f.new_job()) return not_measured(name, "emulator setup failed");
    auto w = f.wire(clc::get_status{f.status_id});
    if (!w) return not_measured(name, "could not encode the request");
    asio::io_context io;
    serverops_async_side ours(io, f);
    raw_async_side raw(io, f, *w);
    if (!ours.run(2) || !raw.run(2)) return not_measured(name, "warm-up calls failed");
    // Blocks count calls per lane; alternate() counts them per block, which is the same for both sides.
    auto r = alternate(s, [&](int n) { return ours.run(n); }, [&](int n) { return raw.run(n); }, calls_per_lane);
    if (!r) return not_measured(name, "a call failed");
    for (auto* v : {&r->ours_rates, &r->other_rates})
        for (auto& x : *v) x *= lanes;
    report(name, "async16_calls_per_second", "raw_beast_async16_calls_per_second", *r);
}

long wrk_connect_errors = 0;  // over all wrk runs, printed with async16_vs_wrk

/// wrk -t1 -c16 for `seconds` against the same URL and headers: requests per second, or nothing.
std::optional<double> run_wrk(const std::string& wrk, const peer_protocol::request_spec& spec, int seconds) {
    std::string cmd = wrk;
    cmd += " -t1 -c16 -d";
    cmd += std::to_string(seconds);
    cmd += "s";
    for (const auto& [name, value] : spec.headers) {
        cmd += " -H '";
        cmd += name;
        cmd += ": ";
        cmd += value;
        cmd += "'";
    }
    cmd += " ";
    cmd += spec.url;
    cmd += " 2>&1";
    FILE* p = ::popen(cmd.c_str(), "r");
    if (!p) return std::nullopt;
    std::string out;
    char buf[512];
    while (std::fgets(buf, sizeof buf, p)) out += buf;
    const int status = ::pclose(p);
    // Failed connects are tolerated and counted (wrk retries them; Requests/sec counts completed responses only);
    // read, write and timeout errors or any non-2xx answer void the run.
    long connect_errors = 0, read_errors = 0, write_errors = 0, timeouts = 0;
    if (const auto e = out.find("Socket errors:"); e != std::string::npos)
        std::sscanf(out.c_str() + e, "Socket errors: connect %ld, read %ld, write %ld, timeout %ld", &connect_errors,
                    &read_errors, &write_errors, &timeouts);
    if (status != 0 || out.find("Non-2xx") != std::string::npos || read_errors + write_errors + timeouts != 0) {
        std::fprintf(stderr, "compare_bench: wrk (exit status %d) said:\n%s", status, out.c_str());
        return std::nullopt;
    }
    wrk_connect_errors += connect_errors;
    const auto at = out.find("Requests/sec:");
    if (at == std::string::npos) return std::nullopt;
    return std::stod(out.substr(at + 13));
}

void async_vs_wrk(const settings& s, fixture& f) {
    const std::string name = "async16_vs_wrk";
    if (s.wrk.empty() || ::access(s.wrk.c_str(), X_OK) != 0)
        return not_measured(name, "wrk not installed (apt-get install wrk)");
    if (!f.new_job()) return not_measured(name, "emulator setup failed");
    auto w = f.wire(clc::get_status{f.status_id});
    if (!w) return not_measured(name, "could not encode the request");
    asio::io_context io;
    serverops_async_side ours(io, f);
    if (!ours.run(2)) return not_measured(name, "warm-up calls failed");
    // wrk runs whole seconds: each round is one second of wrk and one second of serverops (ABBA).
    const int rounds = std::max(2, s.repetitions * 2);
    std::vector<double> ratios, ours_rates, wrk_rates;
    const auto ours_for_a_second = [&]() -> std::optional<double> {
        double t = 0;
        long calls = 0;
        while (t < 1.0) {
            auto b = ours.run(calls_per_lane);
            if (!b) return std::nullopt;
            t += *b;
            calls += lanes * calls_per_lane;
        }
        return static_cast<double>(calls) / t;
    };
    for (int i = 0; i < rounds; ++i) {
        std::optional<double> a, b;
        if (i % 2 == 0) {
            a = ours_for_a_second();
            b = run_wrk(s.wrk, w->spec, 1);
        } else {
            b = run_wrk(s.wrk, w->spec, 1);
            a = ours_for_a_second();
        }
        if (!a || !b) return not_measured(name, "a call failed, or wrk reported errors");
        ratios.push_back(*a / *b);
        ours_rates.push_back(*a);
        wrk_rates.push_back(*b);
    }
    report(name, "async16_calls_per_second_vs_wrk", "wrk_c16_requests_per_second", {ratios, ours_rates, wrk_rates});
    print("wrk_failed_connects", static_cast<double>(wrk_connect_errors), 0);
}

// ---------------------------------------------------------------------------------------------------------------
// waits_1000: 1,000 concurrent job waits in one process over a bounded pool.

long max_rss_kib() {
    rusage u{};
    ::getrusage(RUSAGE_SELF, &u);
    return u.ru_maxrss;
}

void waits_1000() {
    constexpr int servers = 1000;
    constexpr std::size_t pool = 16;
    serverops::testing::emulator_options o;
    o.clc.servers.clear();
    for (int i = 0; i < servers; ++i) {
        std::string id = "WA1ALIASWT";
        id += std::to_string(100000 + i);
        o.clc.servers.push_back({id});
    }
    o.clc.queue_delay = 200ms;  // a job takes one second: notStarted, then executing, then succeeded
    o.clc.execution_time = 800ms;
    serverops::testing::emulator emu(o);
    if (!emu.start()) return not_measured("waits_1000", "emulator setup failed");
    const long rss_before = max_rss_kib();

    asio::io_context io;
    serverops::transport_options topts;
    topts.max_connections = pool;
    serverops::beast_async_transport transport(io.get_executor(), serverops::parse_endpoint(emu.clc_base_url()).value(),
                                               topts);
    clc::session<serverops::beast_async_transport&> session(transport, {o.clc.username, o.clc.password},
                                                            clc::context::from_base_url(emu.clc_base_url()).value());
    serverops::polling_policy policy;
    policy.interval = 100ms;
    policy.timeout = 60s;
    emu.reset_request_counts();
    int succeeded = 0, finished = 0;
    const auto t0 = clock_type::now();
    for (const auto& server : o.clc.servers)
        session.async_start_and_wait(clc::start_maintenance{{server.id}}, policy,
                                     [&](serverops::result<clc::wait_result> r) {
                                         ++finished;
                                         if (r && r.value().all_succeeded()) ++succeeded;
                                     });
    io.run();
    const double wall = seconds_since(t0);
    if (succeeded != servers) {
        std::string why = std::to_string(servers - succeeded);
        why += " of the waits did not succeed";
        return not_measured("waits_1000", why);
    }
    print("waits_1000_wall_seconds", wall, 2);
    print("waits_1000_requests_sent", static_cast<double>(emu.request_count()), 0);
    print("waits_1000_status_polls", static_cast<double>(emu.request_count("GET", "/status/")), 0);
    print("waits_1000_peak_rss_mib", static_cast<double>(max_rss_kib()) / 1024.0, 1);
    print("waits_1000_rss_growth_mib", static_cast<double>(max_rss_kib() - rss_before) / 1024.0, 1);
    print("waits_1000_connections", static_cast<double>(pool), 0);
}

}  // namespace

int main(int argc, char** argv) {
    ::signal(SIGPIPE, SIG_IGN);
    settings s;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        const bool has_value = i + 1 < argc;
        if (a == "--quick") {
            s.repetitions = 1;
            s.seconds_per_side = 0.3;
        } else if (a == "--only" && has_value) {
            std::stringstream list(argv[++i]);
            for (std::string name; std::getline(list, name, ',');) s.only.insert(name);
        } else if (a == "--cpprest-peer" && has_value) {
            s.cpprest_peer = argv[++i];
        } else if (a == "--wrk" && has_value) {
            s.wrk = argv[++i];
        } else if (a == "--profile-async" && i + 2 < argc) {
            s.profile_side = argv[++i];
            s.profile_seconds = std::atof(argv[++i]);
        } else if (a == "--repetitions" && has_value) {
            s.repetitions = std::max(1, std::atoi(argv[++i]));
        } else {
            std::fprintf(stderr, "usage: compare_bench [--quick] [--repetitions N] [--only NAME,...] "
                                 "[--cpprest-peer PATH] [--wrk PATH] [--profile-async serverops|raw SECONDS]\n");
            return 2;
        }
    }
#ifdef SERVEROPS_BENCH_HAVE_CURL
    curl_global_init(CURL_GLOBAL_DEFAULT);
#endif
    if (!s.profile_side.empty()) {
        fixture f;
        return f.start() ? profile_async(f, s.profile_side, s.profile_seconds) : 1;
    }
    if (s.wants("waits")) waits_1000();  // first: its peak RSS is the process's
    const bool needs_fixture = s.only.empty() || s.only.size() > s.only.count("waits");
    if (needs_fixture) {
        fixture f;
        if (!f.start()) {
            std::fprintf(stderr, "compare_bench: the emulator did not start\n");
            return 1;
        }
        if (s.wants("sync_get")) sync_vs_raw(s, f, false);
        if (s.wants("sync_post")) sync_vs_raw(s, f, true);
        if (s.wants("libcurl")) sync_vs_libcurl(s, f);
        if (s.wants("cpprest")) sync_vs_cpprest(s, f);
        if (s.wants("async_raw")) async_vs_raw(s, f);
        if (s.wants("wrk")) async_vs_wrk(s, f);
    }
#ifdef SERVEROPS_BENCH_HAVE_CURL
    curl_global_cleanup();
#endif
    return 0;
}
