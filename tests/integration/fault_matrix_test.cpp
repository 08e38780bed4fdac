// The fault matrix: every fault the emulator can inject, against a state-changing POST and an idempotent GET of
// every system (CLC, Alien4Cloud, Genesys UCS), sync, async with a callback and as a coroutine, through the real
// sessions over the Beast transports. Every cell proves: the call completes exactly once (async: never inline, and
// nothing is left running on the io_context once the session and transport are gone), with the expected typed
// errc and "may have executed" answer, within a bounded time, and a non-idempotent request reaches the server at
// most once (the emulator's request counters). The matrix is printed as a table.
//
// Faults hit a connection the session already used (a warm-up GET logs in first), except where no exchange can
// succeed: the refused connection and the two TLS failures. A server-side fault is armed as a burst longer than
// the retry policy, so retries of idempotent calls meet it again and the last error is the fault's.
#include <serverops/a4c.hpp>
#include <serverops/a4c/session.hpp>
#include <serverops/beast/async_transport.hpp>
#include <serverops/beast/sync_transport.hpp>
#include <serverops/clc.hpp>
#include <serverops/clc/session.hpp>
#include <serverops/testing/full_emulator.hpp>
#include <serverops/ucs.hpp>
#include <serverops/ucs/session.hpp>

#include "../common/run_modes.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace {

using namespace serverops;
using namespace std::chrono_literals;
namespace asio = boost::asio;
namespace emu = serverops::testing;
using serverops_test::mode;
using serverops_test::name_of;
using steady = std::chrono::steady_clock;

constexpr int max_attempts = 3;
constexpr auto request_timeout = 250ms;
constexpr auto cell_time_limit = 3s;           ///< no cell may take longer (no hang)
constexpr std::size_t body_limit = 64 * 1024;  ///< the transports' max_response_body in the matrix
const std::string ucs_user = "kent";
const std::string ucs_password = "matrix-ucs-secret";

// ---------------------------------------------------------------- the faults

enum class fault_id {
    refused_connection,
    close_before_response,
    close_mid_response,
    truncated_body,
    slow_response,
    malformed_json,
    wrong_json_types,
    oversized_body,
    burst_500,
    burst_503,
    rate_limited_429,
    expired_credentials,
    tls_wrong_host,
    tls_unknown_ca,
};

constexpr fault_id all_faults[] = {
    fault_id::refused_connection, fault_id::close_before_response, fault_id::close_mid_response,
    fault_id::truncated_body,     fault_id::slow_response,         fault_id::malformed_json,
    fault_id::wrong_json_types,   fault_id::oversized_body,        fault_id::burst_500,
    fault_id::burst_503,          fault_id::rate_limited_429,      fault_id::expired_credentials,
    fault_id::tls_wrong_host,     fault_id::tls_unknown_ca,
};

std::string_view name_of(fault_id f) {
    switch (f) {
    case fault_id::refused_connection: return "refused connection";
    case fault_id::close_before_response: return "close before response";
    case fault_id::close_mid_response: return "close mid response";
    case fault_id::truncated_body: return "truncated body";
    case fault_id::slow_response: return "slow response > timeout";
    case fault_id::malformed_json: return "malformed JSON (2xx)";
    case fault_id::wrong_json_types: return "wrong JSON types (2xx)";
    case fault_id::oversized_body: return "oversized body";
    case fault_id::burst_500: return "500 burst";
    case fault_id::burst_503: return "503 burst";
    case fault_id::rate_limited_429: return "429 Retry-After: 1";
    case fault_id::expired_credentials: return "expired credentials";
    case fault_id::tls_wrong_host: return "TLS wrong host";
    case fault_id::tls_unknown_ca: return "TLS unknown CA";
    }
    return "?";
}

bool uses_tls(fault_id f) { return f == fault_id::tls_wrong_host || f == fault_id::tls_unknown_ca; }
/// No exchange can succeed, so there is no warm-up and nothing reaches the server.
bool nothing_reaches_the_server(fault_id f) { return f == fault_id::refused_connection || uses_tls(f); }

/// Faults after which the server has read the request, and may have acted on it, before the client saw the failure.
bool request_reached_the_server(fault_id f) {
    switch (f) {
    case fault_id::close_before_response:  // the emulator reads the whole request, then closes
    case fault_id::close_mid_response:
    case fault_id::truncated_body:
    case fault_id::slow_response:     // the module acted at once; only the reply is late
    case fault_id::malformed_json:    // a 200 the client cannot read says nothing about the effect
    case fault_id::wrong_json_types:  // likewise a 2xx of the wrong shape
    case fault_id::oversized_body:    // the 200's body is refused unread
    case fault_id::burst_500:         // a 500 may come after the server acted
        return true;
    default:  // nothing sent, or a refusal before acting (503, 429, 401)
        return false;
    }
}

/// Transient failures: the session retries an idempotent request on them.
bool transient(fault_id f) {
    switch (f) {
    case fault_id::refused_connection:
    case fault_id::close_before_response:
    case fault_id::close_mid_response:
    case fault_id::truncated_body:
    case fault_id::slow_response:
    case fault_id::burst_500:
    case fault_id::burst_503:
        return true;
    default:  // 429 too: transient, but its Retry-After (1 s) is beyond the matrix's retry budget (800 ms)
        return false;
    }
}

// ---------------------------------------------------------------- the systems

enum class request_kind { post, get };

/// One system's sessions, operations, paths and faults. `Transport` is a reference type.
struct clc_system {
    static constexpr std::string_view name = "CLC";
    template <class Transport>
    using session_type = clc::session<Transport>;
    static constexpr std::string_view login_path = "/authentication/login";
    static constexpr std::string_view post_path = "/servers/startMaintenance";
    static constexpr std::string_view get_path = "/v2/servers/";
    static constexpr unsigned post_success_status = 200;
    static constexpr std::string_view post_wrong_types = R"([{"server":42,"isQueued":"yes","links":{}}])";
    static constexpr std::string_view get_wrong_types = R"({"id":42,"name":["x"],"status":7})";

    static void configure(emu::full_emulator::options&) {}
    static std::string base_url(const emu::full_emulator& e) { return e.clc_base_url(); }
    static clc::start_maintenance post() { return clc::start_maintenance{{"WA1ALIASWB01"}}; }
    static clc::get_server get() { return clc::get_server{"WA1ALIASWB01"}; }
    template <class Transport>
    static std::unique_ptr<session_type<Transport>> make(Transport t, const std::string& url, session_options o) {
        clc::session_options so;
        static_cast<session_options&>(so) = std::move(o);
        return std::make_unique<session_type<Transport>>(std::forward<Transport>(t), clc::credentials{"user", "password"},
                                                         clc::context::from_base_url(url).value(), std::move(so));
    }
    /// The token is revoked server-side: the next call gets a 401.
    static void expire_credentials(emu::full_emulator& e) { e.clc().expire_tokens(); }
    static constexpr bool logs_in_again = true;
};

struct a4c_system {
    static constexpr std::string_view name = "A4C";
    template <class Transport>
    using session_type = a4c::session<Transport>;
    static constexpr std::string_view login_path = "/login";
    static constexpr std::string_view post_path = "/rest/v1/maintenance";
    static constexpr std::string_view get_path = "/rest/v1/maintenance";
    static constexpr unsigned post_success_status = 201;
    static constexpr std::string_view post_wrong_types = R"([1,2,3])";
    static constexpr std::string_view get_wrong_types =
        R"({"data":{"id":7,"userTriggered":"yes","progressPercent":"ten"},"error":null})";

    static void configure(emu::full_emulator::options&) {}
    static std::string base_url(const emu::full_emulator& e) { return e.a4c_base_url(); }
    static a4c::enable_maintenance post() { return {}; }
    static a4c::get_maintenance_state get() { return {}; }
    template <class Transport>
    static std::unique_ptr<session_type<Transport>> make(Transport t, const std::string& url, session_options o) {
        return std::make_unique<session_type<Transport>>(std::forward<Transport>(t),
                                                         a4c::form_authenticator{{"admin", "admin"}},
                                                         a4c::context::from_base_url(url).value(), std::move(o));
    }
    /// The JSESSIONID is dropped server-side: the next call gets a 403 with code 100.
    static void expire_credentials(emu::full_emulator& e) { e.a4c().expire_sessions(); }
    static constexpr bool logs_in_again = true;
};

struct ucs_system {
    static constexpr std::string_view name = "UCS";
    template <class Transport>
    using session_type = ucs::session<Transport>;
    static constexpr std::string_view login_path = {};  // HTTP Basic: no login
    static constexpr std::string_view post_path = "/server/mode";
    static constexpr std::string_view get_path = "/server/status";
    static constexpr unsigned post_success_status = 200;
    static constexpr std::string_view post_wrong_types = R"({"server changed":42})";
    static constexpr std::string_view get_wrong_types = R"({"mode":42,"version":[]})";

    static void configure(emu::full_emulator::options& o) {
        o.ucs.prefix = std::string(ucs::genesys_base_path);
        o.ucs.basic_auth = std::pair{ucs_user, ucs_password};
        o.ucs.switch_delay = 20ms;
    }
    static std::string base_url(const emu::full_emulator& e) { return e.ucs_base_url(); }
    static ucs::set_server_mode post() { return ucs::set_server_mode{ucs::server_mode::maintenance}; }
    static ucs::get_server_status get() { return {}; }
    template <class Transport>
    static std::unique_ptr<session_type<Transport>> make(Transport t, const std::string& url, session_options o) {
        return std::make_unique<session_type<Transport>>(
            std::forward<Transport>(t), ucs::basic_authenticator{},
            ucs::context::from_base_url(url, ucs_user, ucs_password).value(), std::move(o));
    }
    /// The password changed on the server: HTTP Basic credentials are static, so the 401 is final.
    static void expire_credentials(emu::full_emulator& e) { e.ucs().require_basic_auth(ucs_user, "rotated-password"); }
    static constexpr bool logs_in_again = false;
};

// ---------------------------------------------------------------- one cell

struct expectation {
    std::optional<errc> error;  ///< nullopt: success
    bool may_have_executed = false;
    std::size_t min_sends = 0, max_sends = 0;  ///< requests of the cell's method and path the emulator received
    std::optional<std::size_t> logins;         ///< logins the emulator received after the warm-up
};

template <class Sys>
expectation expect(fault_id f, bool idempotent) {
    expectation x;
    switch (f) {
    case fault_id::refused_connection: x.error = errc::transport_failure; break;
    case fault_id::close_before_response:
    case fault_id::close_mid_response:
    case fault_id::truncated_body: x.error = errc::connection_closed; break;
    case fault_id::slow_response: x.error = errc::timeout; break;
    case fault_id::malformed_json: x.error = errc::malformed_response; break;
    case fault_id::wrong_json_types: x.error = errc::unexpected_response; break;
    case fault_id::oversized_body: x.error = errc::body_too_large; break;
    case fault_id::burst_500: x.error = errc::server_error; break;
    case fault_id::burst_503:
        // UCS answers 503 while it switches modes, and decodes every 503 so.
        x.error = std::is_same_v<Sys, ucs_system> ? errc::busy : errc::unavailable;
        break;
    case fault_id::rate_limited_429: x.error = errc::too_many_requests; break;
    case fault_id::expired_credentials:
        if (!Sys::logs_in_again) x.error = errc::unauthorized;
        break;
    case fault_id::tls_wrong_host:
    case fault_id::tls_unknown_ca: x.error = errc::tls_failure; break;
    }
    x.may_have_executed = !idempotent && request_reached_the_server(f);

    if (nothing_reaches_the_server(f)) {
        x.min_sends = x.max_sends = 0;
    } else if (f == fault_id::expired_credentials) {
        // Refused before it ran, so sent once more after one new login; static credentials are not retried.
        x.min_sends = x.max_sends = Sys::logs_in_again ? 2 : 1;
    } else if (!idempotent || !transient(f)) {
        x.min_sends = x.max_sends = 1;  // a non-idempotent request is never resent
    } else {
        // Every attempt reaches the server; the transport may resend once on a fresh connection when a reused one
        // closed before any response byte (beast/detail/roundtrip.hpp rule 2).
        x.min_sends = max_attempts;
        x.max_sends = 2 * max_attempts;
    }
    if (!Sys::login_path.empty()) {
        // The warm-up's login stays valid; only revoked credentials cause one new login.
        x.logins = f == fault_id::expired_credentials ? 1 : 0;
    }
    return x;
}

struct observed {
    std::optional<errc> error;  ///< nullopt: success
    bool may_have_executed = false;
    std::string operation;      ///< the failing operation's name
    std::optional<std::chrono::seconds> retry_after;
    std::size_t sends = 0;
    std::optional<std::size_t> logins;
    std::chrono::milliseconds elapsed{0};
    int completions = 0;            ///< async: handler invocations
    bool completed_inline = false;  ///< async callback: the handler ran inside the initiating call
    bool drained = true;            ///< async: the io_context ran out of work once session and transport were gone
    std::string message;
};

struct row {
    std::string_view system;
    fault_id fault;
    request_kind request;
    mode m;
    observed got;
};

/// The errc's name as the code spells it, for the table.
std::string describe(const std::optional<errc>& e) {
    if (!e) return "ok";
    switch (*e) {
    case errc::transport_failure: return "transport_failure";
    case errc::timeout: return "timeout";
    case errc::tls_failure: return "tls_failure";
    case errc::connection_closed: return "connection_closed";
    case errc::body_too_large: return "body_too_large";
    case errc::unauthorized: return "unauthorized";
    case errc::too_many_requests: return "too_many_requests";
    case errc::server_error: return "server_error";
    case errc::unavailable: return "unavailable";
    case errc::unexpected_status: return "unexpected_status";
    case errc::malformed_response: return "malformed_response";
    case errc::unexpected_response: return "unexpected_response";
    case errc::busy: return "busy";
    default: return make_error_code(*e).message();  // not expected in the matrix
    }
}

/// The server's TLS identity, made once (key generation is the slow part).
const emu::tls_config& server_tls() {
    static const emu::tls_config tls = emu::make_self_signed_tls("localhost").value();
    return tls;
}

/// A loopback port nothing listens on: bound by the kernel, then released.
unsigned short closed_port() {
    asio::io_context io;
    asio::ip::tcp::acceptor a(io, asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    const auto port = a.local_endpoint().port();
    a.close();
    return port;
}

template <class Sys>
emu::fault fault_for(fault_id f, request_kind rk) {
    const bool post = rk == request_kind::post;
    emu::fault x;
    switch (f) {
    case fault_id::close_before_response: x = emu::fault::close_before_response(); break;
    case fault_id::close_mid_response: x = emu::fault::close_mid_response(); break;
    case fault_id::truncated_body: x = emu::fault::truncated_body(); break;
    case fault_id::slow_response: x = emu::fault::delay_response(request_timeout * 4); break;
    case fault_id::malformed_json:
        // The emulator's malformed_json answers 200; an operation expecting another 2xx gets a cut-off body on that
        // status instead, so its JSON parser, not its status check, meets the fault.
        if (post && Sys::post_success_status != 200)
            x = emu::fault::status(Sys::post_success_status, R"({"data":null,"error":nu)");
        else
            x = emu::fault::malformed_json();
        break;
    case fault_id::wrong_json_types:
        x = emu::fault::status(post ? Sys::post_success_status : 200,
                               std::string(post ? Sys::post_wrong_types : Sys::get_wrong_types));
        break;
    case fault_id::oversized_body:
        x = emu::fault::status(post ? Sys::post_success_status : 200,
                               "[\"" + std::string(4 * body_limit, 'x') + "\"]");
        break;
    case fault_id::burst_500: x = emu::fault::server_error(); break;
    case fault_id::burst_503: x = emu::fault::unavailable(); break;
    case fault_id::rate_limited_429: x = emu::fault::too_many_requests(1s); break;
    default: break;
    }
    return x.only_path(std::string(post ? Sys::post_path : Sys::get_path)).only_method(post ? verb::post : verb::get);
}

/// Runs one async operation with a callback or in a coroutine; counts handler invocations and notices an inline
/// completion. Bounded: a hang leaves `out` empty.
template <class R, class Start>
std::optional<result<R>> run_async(asio::io_context& io, mode m, Start start, observed& o) {
    std::optional<result<R>> out;
    bool initiating = true;  // outlives the block below: the handler runs later, in the loop
    if (m == mode::callback) {
        start([&](result<R> r) {
            ++o.completions;
            if (initiating) o.completed_inline = true;
            out.emplace(std::move(r));
        });
        initiating = false;
    } else {
        asio::co_spawn(
            io,
            [&]() -> asio::awaitable<void> {
                auto r = co_await start(asio::use_awaitable);
                ++o.completions;
                out.emplace(std::move(r));
            },
            asio::detached);
    }
    io.restart();
    const auto deadline = steady::now() + 2 * cell_time_limit;
    while (!out && steady::now() < deadline) io.run_one_for(deadline - steady::now());
    io.poll();  // a second completion, were there one, would be ready now
    return out;
}

template <class R>
void record(observed& o, const result<R>& r) {
    if (r) return;
    o.error = r.error().kind();
    o.may_have_executed = r.error().may_have_executed;
    o.operation = std::string(r.error().operation);
    o.retry_after = r.error().retry_after;
    o.message = r.error().message();
}

template <class Sys>
observed run_cell(fault_id f, request_kind rk, mode m) {
    observed o;
    emu::full_emulator::options eo;
    Sys::configure(eo);
    if (uses_tls(f)) eo.tls = server_tls();
    // The certificate names localhost, 127.0.0.1 and ::1: served on 127.0.0.2 it names the wrong host.
    if (f == fault_id::tls_wrong_host) eo.address = "127.0.0.2";
    emu::full_emulator e(eo);
    if (auto started = e.start(); !started) {
        ADD_FAILURE() << "emulator: " << started.error();
        return o;
    }

    std::string url = Sys::base_url(e);
    if (f == fault_id::refused_connection) {
        const std::string port = ":" + std::to_string(e.port());
        url.replace(url.find(port), port.size(), ":" + std::to_string(closed_port()));
    }
    transport_options t;
    t.connect_timeout = 1s;
    t.tls_handshake_timeout = 1s;
    t.request_timeout = request_timeout;
    t.max_response_body = body_limit;
    if (f != fault_id::tls_unknown_ca) t.tls.ca_pem = server_tls().certificate_chain_pem;  // else: system store only
    session_options so;
    so.retry.max_attempts = max_attempts;
    so.retry.initial_backoff = 1ms;
    so.retry.max_backoff = 5ms;
    so.retry.max_elapsed = 800ms;

    const auto ep = parse_endpoint(url).value();
    const std::string_view path = rk == request_kind::post ? Sys::post_path : Sys::get_path;
    const std::string_view method = rk == request_kind::post ? "POST" : "GET";
    const auto arm = [&] {
        if (!nothing_reaches_the_server(f)) {
            e.reset_request_counts();
            if (f == fault_id::expired_credentials) Sys::expire_credentials(e);
            else e.inject(fault_for<Sys>(f, rk), 4 * max_attempts);  // a burst outlasting every retry
        }
    };
    const auto count = [&] {
        o.sends = e.request_count(method, path);
        if (!Sys::login_path.empty()) o.logins = e.request_count("POST", Sys::login_path);
    };

    if (m == mode::sync) {
        beast_sync_transport transport(ep, t);
        auto s = Sys::template make<beast_sync_transport&>(transport, url, so);
        if (!nothing_reaches_the_server(f)) {
            auto warm = s->call(Sys::get());
            EXPECT_TRUE(warm) << "warm-up: " << warm.error();
        }
        arm();
        const auto began = steady::now();
        if (rk == request_kind::post) record(o, s->call(Sys::post()));
        else record(o, s->call(Sys::get()));
        o.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(steady::now() - began);
        o.completions = 1;
        count();
        return o;
    }

    asio::io_context io;
    {
        beast_async_transport transport(io.get_executor(), ep, t);
        auto s = Sys::template make<beast_async_transport&>(transport, url, so);
        auto call = [&](auto op) {
            using R = typename decltype(op)::response_type;
            return run_async<R>(io, m, [&s, op](auto token) { return s->async_call(op, std::move(token)); }, o);
        };
        if (!nothing_reaches_the_server(f)) {
            observed warm_o;
            auto warm = run_async<typename decltype(Sys::get())::response_type>(
                io, m, [&s](auto token) { return s->async_call(Sys::get(), std::move(token)); }, warm_o);
            EXPECT_TRUE(warm && *warm) << "warm-up failed";
        }
        arm();
        const auto began = steady::now();
        if (rk == request_kind::post) {
            auto r = call(Sys::post());
            if (r) record(o, *r);
        } else {
            auto r = call(Sys::get());
            if (r) record(o, *r);
        }
        o.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(steady::now() - began);
        count();
    }  // session and transport gone: their pending work (closing connections) must finish by itself
    io.restart();
    io.run_for(2s);
    o.drained = io.stopped();
    return o;
}

template <class Sys>
void check(const row& r, bool idempotent) {
    SCOPED_TRACE(std::string(Sys::name) + " / " + std::string(name_of(r.fault)) + " / " +
                 (r.request == request_kind::post ? "POST" : "GET") + " / " + name_of(r.m));
    const auto x = expect<Sys>(r.fault, idempotent);
    const auto& g = r.got;
    EXPECT_EQ(describe(g.error), describe(x.error)) << g.message;
    if (g.error) {
        EXPECT_EQ(g.may_have_executed, x.may_have_executed) << g.message;
    }
    EXPECT_GE(g.sends, x.min_sends) << g.message;
    EXPECT_LE(g.sends, x.max_sends) << g.message;
    if (x.logins) {
        EXPECT_EQ(g.logins.value_or(0), *x.logins) << "logins after the warm-up";
    }
    if (r.fault == fault_id::rate_limited_429) {
        EXPECT_EQ(g.retry_after, std::optional<std::chrono::seconds>(1s)) << "the server's Retry-After is reported";
    }
    EXPECT_EQ(g.completions, 1) << "exactly one completion";
    EXPECT_FALSE(g.completed_inline) << "an async completion ran inside the initiating call";
    EXPECT_TRUE(g.drained) << "work left on the io_context after the session and transport were destroyed";
    EXPECT_LT(g.elapsed, cell_time_limit);
}

template <class Sys>
std::vector<row> run_matrix() {
    using post_op = decltype(Sys::post());
    using get_op = decltype(Sys::get());
    std::vector<row> rows;
    for (auto f : all_faults)
        for (auto rk : {request_kind::post, request_kind::get})
            for (auto m : {mode::sync, mode::callback, mode::coroutine}) {
                rows.push_back(row{Sys::name, f, rk, m, run_cell<Sys>(f, rk, m)});
                check<Sys>(rows.back(), rk == request_kind::post ? post_op::idempotent : get_op::idempotent);
            }
    return rows;
}

void print(const std::vector<row>& rows) {
    std::printf("\n%-6s %-26s %-5s %-10s | %-20s %-5s %-6s %-6s %6s\n", "system", "fault", "req", "mode",
                "outcome", "mhe", "sends", "logins", "ms");
    std::printf("%s\n", std::string(102, '-').c_str());
    for (auto& r : rows) {
        const auto& g = r.got;
        std::printf("%-6.*s %-26.*s %-5s %-10s | %-20s %-5s %-6zu %-6s %6lld\n", static_cast<int>(r.system.size()),
                    r.system.data(), static_cast<int>(name_of(r.fault).size()), name_of(r.fault).data(),
                    r.request == request_kind::post ? "POST" : "GET", name_of(r.m).c_str(), describe(g.error).c_str(),
                    g.error ? (g.may_have_executed ? "yes" : "no") : "-", g.sends,
                    g.logins ? std::to_string(*g.logins).c_str() : "-", static_cast<long long>(g.elapsed.count()));
    }
    std::fflush(stdout);
}

enum class system_id { clc, a4c, ucs };

class FaultMatrix : public ::testing::TestWithParam<system_id> {};

TEST_P(FaultMatrix, EveryFaultSyncCallbackCoroutine) {
    std::vector<row> rows;
    switch (GetParam()) {
    case system_id::clc: rows = run_matrix<clc_system>(); break;
    case system_id::a4c: rows = run_matrix<a4c_system>(); break;
    case system_id::ucs: rows = run_matrix<ucs_system>(); break;
    }
    EXPECT_EQ(rows.size(), std::size(all_faults) * 2 * 3);
    print(rows);
}

INSTANTIATE_TEST_SUITE_P(AllSystems, FaultMatrix, ::testing::Values(system_id::clc, system_id::a4c, system_id::ucs),
                         [](const ::testing::TestParamInfo<system_id>& p) {
                             switch (p.param) {
                             case system_id::clc: return std::string("Clc");
                             case system_id::a4c: return std::string("A4c");
                             case system_id::ucs: return std::string("Ucs");
                             }
                             return std::string("?");
                         });

}  // namespace
