// A ready-made conformance check for users' own transports: the contract of transport.hpp, exercised against a
// loopback server (the emulator's HTTP core with one small module) on 127.0.0.1.
//
//     auto report = serverops::testing::check_sync_transport([](const serverops::endpoint& ep) {
//         return my_transport(ep);
//     });
//     EXPECT_TRUE(report.ok()) << report.failures();
//
// Checked, sync and async: every status comes back as a response (the transport never judges one); the request
// arrives as built — method and target verbatim, its own headers, `Host`, and `Content-Length` / `Content-Type`
// with a body; a refused connection is errc::transport_failure and a request cut by its deadline errc::timeout,
// both promptly; a request whose deadline has passed is not sent; a non-idempotent request is never sent twice, and
// a failure after its bytes may have left sets error::may_have_executed (never for an idempotent one).
// Async only: the handler runs exactly once and never inside `async_send` (also for errors found before sending),
// and terminal cancellation through the handler's cancellation slot completes with errc::cancelled.
// The parts that need no network (`check_statuses`, `check_deadline_passed`, `check_async_completion`,
// `check_async_cancellation`) also run on in-process transports such as testing::mock_transport.
//
// Heavy header (the emulator's Beast server): include it only from tests.
#ifndef SERVEROPS_TESTING_TRANSPORT_CONFORMANCE_HPP
#define SERVEROPS_TESTING_TRANSPORT_CONFORMANCE_HPP

#include <serverops/endpoint.hpp>
#include <serverops/error.hpp>
#include <serverops/http_message.hpp>
#include <serverops/testing/emulator/server.hpp>
#include <serverops/transport.hpp>

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace serverops::testing {

/// One check of a conformance run.
struct conformance_check {
    std::string name;
    bool passed = false;
    std::string detail;  ///< what was wrong (empty when passed)
};

/// Every check of a run, in order.
class conformance_report {
public:
    void add(std::string name, bool passed, std::string detail = {}) {
        conformance_check c;
        c.name = std::move(name);
        c.passed = passed;
        if (!passed) c.detail = std::move(detail);
        checks_.push_back(std::move(c));
    }
    const std::vector<conformance_check>& checks() const noexcept { return checks_; }
    /// Whether at least one check ran and every check passed.
    bool ok() const noexcept {
        if (checks_.empty()) return false;
        for (auto& c : checks_)
            if (!c.passed) return false;
        return true;
    }
    /// One line per failed check: "name: detail".
    std::string failures() const {
        std::string out;
        for (auto& c : checks_) {
            if (c.passed) continue;
            out += c.name;
            out += ": ";
            out += c.detail;
            out += '\n';
        }
        return out;
    }

private:
    std::vector<conformance_check> checks_;
};

/// Paths of the conformance server (and of `conformance_answer`).
namespace conformance_paths {
inline constexpr std::string_view echo = "/conformance/echo";      ///< 200, the request as JSON (see below)
inline constexpr std::string_view status = "/conformance/status/";  ///< + N: status N, body "status N" (none for 204)
inline constexpr std::string_view slow = "/conformance/slow";      ///< answered long after any deadline a check sets
inline constexpr std::string_view drop = "/conformance/drop";      ///< read, then closed without an answer
}  // namespace conformance_paths

/// The answer to a request on the status and echo paths; an in-process transport under test
/// (mock_transport::set_handler) plays the server with it. The echo body is
/// {"method","target","headers":{lower-case name: value},"body"}.
inline http_response conformance_answer(std::string_view method, std::string_view target, const header_list& headers,
                                        std::string_view body) {
    http_response r;
    if (target.starts_with(conformance_paths::status)) {
        unsigned status = 0;
        for (char c : target.substr(conformance_paths::status.size())) {
            if (c < '0' || c > '9' || status > 999) break;
            status = status * 10 + static_cast<unsigned>(c - '0');
        }
        r.status = status >= 200 && status <= 599 ? status : 400;
        if (r.status == 204 || r.status == 304) return r;  // statuses that carry no body
        r.body = "status ";
        r.body += std::to_string(r.status);
        r.headers.set("Content-Type", "text/plain");
        return r;
    }
    if (target.starts_with(conformance_paths::echo) || target.starts_with(conformance_paths::slow) ||
        target.starts_with(conformance_paths::drop)) {
        boost::json::object h;
        for (auto& [name, value] : headers) {
            std::string lower(name);
            for (auto& c : lower) c = detail::ascii_lower(c);
            h[lower] = value;
        }
        boost::json::object o;
        o["method"] = method;
        o["target"] = target;
        o["headers"] = std::move(h);
        o["body"] = body;
        r.status = 200;
        r.headers.set("Content-Type", "application/json");
        r.body = boost::json::serialize(o);
        return r;
    }
    r.status = 404;
    return r;
}

namespace conformance_detail {
/// Joins text by appending (GCC 12 -O2 reports false -Wrestrict positives on "literal" + temporary string).
template <class... Parts>
std::string concat(const Parts&... parts) {
    std::string out;
    (out.append(std::string_view(parts)), ...);
    return out;
}

inline std::string method_name(verb m) {
    const auto s = boost::beast::http::to_string(m);
    return std::string(s.data(), s.size());
}
}  // namespace conformance_detail

inline http_response conformance_answer(const http_request& req) {
    return conformance_answer(conformance_detail::method_name(req.method), req.target, req.headers, req.body);
}

/// The loopback server of the network checks: the emulator's HTTP core on 127.0.0.1 (ephemeral port) answering
/// `conformance_answer`, with `slow` delayed and `drop` closed by the emulator's faults, every request counted.
class conformance_server {
public:
    /// How long `slow` answers are held: longer than any deadline a check sets.
    static constexpr std::chrono::seconds slow_delay{20};

    conformance_server() : server_(server_options{}) { server_.routes().add(std::make_shared<answer_module>()); }

    result<void> start() { return server_.start(); }
    void stop() noexcept { server_.stop(); }

    /// Where it listens, as a transport's endpoint (plain HTTP).
    endpoint target() const {
        endpoint ep;
        ep.tls = false;
        ep.host = "127.0.0.1";
        ep.port = std::to_string(server_.port());
        return ep;
    }
    /// Requests received whose method is `method` (empty: any) and whose target contains `path`.
    std::size_t received(std::string_view method, std::string_view path) const {
        return server_.counter().count(method, path);
    }
    /// Arms the fault of `slow` for its next `times` requests.
    void arm_slow(unsigned times) {
        server_.faults().add(fault::delay_response(slow_delay).only_path(std::string(conformance_paths::slow)), times);
    }
    /// Arms the fault of `drop` for its next `times` requests.
    void arm_drop(unsigned times) {
        server_.faults().add(fault::close_before_response().only_path(std::string(conformance_paths::drop)), times);
    }
    http_server& server() noexcept { return server_; }

private:
    struct answer_module final : module {
        std::string_view name() const noexcept override { return "conformance"; }
        bool handles(std::string_view path) const noexcept override { return path.starts_with("/conformance/"); }
        http_response handle(const request_view& r) override {
            static const header_list none;
            return conformance_answer(r.method_name, r.target, r.headers ? *r.headers : none, r.body);
        }
    };
    http_server server_;
};

namespace conformance_detail {

inline http_request make_request(verb method, std::string target, bool idempotent) {
    http_request req;
    req.method = method;
    req.target = std::move(target);
    req.idempotent = idempotent;
    req.operation = "conformance";
    return req;
}

inline std::string describe(const result<http_response>& r) {
    if (r) return concat("HTTP ", std::to_string(r.value().status));
    return r.error().message();
}

/// An endpoint on 127.0.0.1 where nothing listens: a port bound and released again.
inline endpoint refusing_endpoint() {
    boost::asio::io_context io;
    boost::asio::ip::tcp::acceptor a(io, {boost::asio::ip::make_address("127.0.0.1"), 0});
    endpoint ep;
    ep.tls = false;
    ep.host = "127.0.0.1";
    ep.port = std::to_string(a.local_endpoint().port());
    return ep;
}

/// Judges an echoed request against the one sent; empty when it matches.
inline std::string echo_mismatch(const http_request& sent, const endpoint& ep, const result<http_response>& r) {
    if (!r) return concat("failed: ", r.error().message());
    if (r.value().status != 200) return concat("answered ", describe(r));
    boost::system::error_code ec;
    auto v = boost::json::parse(r.value().body, ec);
    const auto* o = ec ? nullptr : v.if_object();
    const auto* h = o && o->contains("headers") ? o->at("headers").if_object() : nullptr;
    if (!h) return concat("the echo answer was not read whole: ", printable(r.value().body));
    auto header = [&](std::string_view name) -> std::optional<std::string> {
        if (auto* x = h->if_contains(name); x && x->is_string()) return std::string(x->get_string());
        return std::nullopt;
    };
    auto text = [&](std::string_view key) {
        auto* x = o->if_contains(key);
        return x && x->is_string() ? std::string(x->get_string()) : std::string();
    };
    if (text("method") != method_name(sent.method)) return concat("method sent as ", text("method"));
    if (text("target") != sent.target) return concat("target not sent verbatim: ", printable(text("target")));
    if (text("body") != sent.body) return "body changed on the way";
    if (header("host") != ep.host_header()) return concat("Host is not ", ep.host_header());
    for (auto& [name, value] : sent.headers) {
        std::string lower(name);
        for (auto& c : lower) c = detail::ascii_lower(c);
        if (header(lower) != value) return concat("header ", name, " not sent as given");
    }
    if (!sent.body.empty()) {
        if (header("content-length") != std::to_string(sent.body.size())) return "no or wrong Content-Length";
        if (header("content-type") != sent.content_type) return "no or wrong Content-Type";
    } else if (header("content-type")) {
        return "Content-Type sent without a body";
    }
    return {};
}

/// Runs `io` until `done()` or `limit` passes; false on the limit.
template <class Done>
bool run_until(boost::asio::io_context& io, Done done, std::chrono::milliseconds limit) {
    const auto end = std::chrono::steady_clock::now() + limit;
    io.restart();
    while (!done()) {
        if (std::chrono::steady_clock::now() >= end) return false;
        io.run_one_for(std::chrono::milliseconds(10));
        if (io.stopped()) io.restart();
    }
    return true;
}

}  // namespace conformance_detail

// ------------------------------------------------------------------------------------------------ generic checks

/// Every status is a response, never an error: `send(req)` returns what `t` produced for a request to
/// `conformance_paths::status` + N. `send` adapts a sync or an async transport.
template <class Send>
void check_statuses(conformance_report& report, Send send) {
    for (unsigned status : {200u, 201u, 204u, 302u, 400u, 401u, 404u, 409u, 429u, 500u, 503u}) {
        auto req = conformance_detail::make_request(verb::get, std::string(conformance_paths::status) + std::to_string(status), true);
        auto r = send(req);
        const bool ok = r && r.value().status == status;
        report.add(conformance_detail::concat("HTTP ", std::to_string(status), " is a response"), ok,
                   conformance_detail::describe(r));
    }
}

/// A request whose deadline has passed is not sent: errc::timeout, may_have_executed false, and `sent()` (requests
/// that reached the server or the double) unchanged.
template <class Send, class Sent>
void check_deadline_passed(conformance_report& report, Send send, Sent sent) {
    auto req = conformance_detail::make_request(verb::post, std::string(conformance_paths::echo), false);
    req.body = "{}";
    req.deadline = std::chrono::steady_clock::now() - std::chrono::milliseconds(1);
    const auto before = sent();
    auto r = send(req);
    report.add("a request past its deadline fails with timeout", !r && r.error().is(errc::timeout),
               conformance_detail::describe(r));
    report.add("a request past its deadline is not sent", sent() == before,
               conformance_detail::concat(std::to_string(sent() - before), " request(s) sent"));
    report.add("a request past its deadline did not execute", !r && !r.error().may_have_executed,
               "may_have_executed is set");
}

/// Async completion rules for `req`: the handler is not run inside `async_send`, and runs exactly once.
template <class Transport>
void check_async_completion(conformance_report& report, std::string_view what, Transport& t, boost::asio::io_context& io,
                            http_request req, std::chrono::milliseconds limit = std::chrono::seconds(10)) {
    int calls = 0;
    t.async_send(std::move(req), [&](result<http_response>) { ++calls; });
    const bool inline_call = calls != 0;
    conformance_detail::run_until(io, [&] { return calls > 0; }, limit);
    io.restart();
    io.poll();  // a second completion would be ready by now
    std::string name(what);
    report.add(name + ": the handler never runs inside async_send", !inline_call, "completed inline");
    report.add(name + ": the handler runs exactly once", calls == 1, conformance_detail::concat(std::to_string(calls), " calls"));
}

/// Terminal cancellation through the handler's slot ends a request held in flight with errc::cancelled, once, and
/// sets may_have_executed for a non-idempotent request once `in_flight()` says it reached the server.
template <class Transport, class InFlight>
void check_async_cancellation(conformance_report& report, Transport& t, boost::asio::io_context& io, http_request held,
                              InFlight in_flight) {
    const bool idempotent = held.idempotent;
    boost::asio::cancellation_signal signal;
    int calls = 0;
    std::optional<result<http_response>> got;
    t.async_send(std::move(held), boost::asio::bind_cancellation_slot(signal.slot(), [&](result<http_response> r) {
                     ++calls;
                     got.emplace(std::move(r));
                 }));
    const bool reached = conformance_detail::run_until(io, [&] { return in_flight() || calls > 0; },
                                                       std::chrono::seconds(10)) &&
                         calls == 0;
    signal.emit(boost::asio::cancellation_type::terminal);
    const bool completed = conformance_detail::run_until(io, [&] { return calls > 0; }, std::chrono::seconds(5));
    io.restart();
    io.poll();
    const std::string kind = idempotent ? "idempotent" : "non-idempotent";
    report.add("cancel " + kind + ": the request was in flight", reached,
               "it completed or never arrived before the cancellation");
    report.add("cancel " + kind + ": completes promptly", completed, "no completion within 5 s of the cancellation");
    report.add("cancel " + kind + ": completes once", calls == 1, conformance_detail::concat(std::to_string(calls), " calls"));
    const bool cancelled = got && !*got && got->error().is(errc::cancelled);
    report.add("cancel " + kind + ": errc::cancelled", cancelled, got ? conformance_detail::describe(*got) : "no result");
    report.add("cancel " + kind + ": may_have_executed " + (idempotent ? "unset" : "set"),
               cancelled && got->error().may_have_executed == !idempotent, "may_have_executed is wrong");
}

// ------------------------------------------------------------------------------------------------ network checks

namespace conformance_detail {

/// The checks shared by sync and async transports; `send_to(ep, req)` sends through a transport to `ep`.
template <class SendTo>
void check_over_network(conformance_report& report, conformance_server& server, SendTo send_to) {
    const auto ep = server.target();
    auto send = [&](const http_request& req) { return send_to(ep, req); };
    check_statuses(report, send);

    // The request arrives as built.
    auto get = make_request(verb::get, std::string(conformance_paths::echo) + "/a%2Fb%20c?x=1&y=%2F", true);
    get.headers.set("X-Conformance", "get");
    const auto get_mismatch = echo_mismatch(get, ep, send(get));
    report.add("GET arrives as built", get_mismatch.empty(), get_mismatch);
    auto post = make_request(verb::post, std::string(conformance_paths::echo), false);
    post.body = R"({"conformance":"body \u00e9"})";
    post.content_type = "application/json";
    post.headers.set("Authorization", "Bearer conformance-token");
    const auto post_result = send(post);
    const auto post_mismatch = echo_mismatch(post, ep, post_result);
    report.add("POST with a body arrives as built", post_mismatch.empty(), post_mismatch);

    check_deadline_passed(report, send, [&] { return server.received("", "/conformance/"); });

    // Error mapping: nothing listening, and a server that does not answer in time.
    const auto refused_at = refusing_endpoint();
    auto refused = send_to(refused_at, make_request(verb::post, std::string(conformance_paths::echo), false));
    report.add("refused connection: transport_failure", !refused && refused.error().is(errc::transport_failure),
               describe(refused));
    report.add("refused connection: did not execute", !refused && !refused.error().may_have_executed,
               "may_have_executed is set although nothing was sent");

    server.arm_slow(2);
    for (bool idempotent : {true, false}) {
        auto slow = make_request(idempotent ? verb::get : verb::post, std::string(conformance_paths::slow), idempotent);
        slow.deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(300);
        const auto start = std::chrono::steady_clock::now();
        auto r = send(slow);
        const auto took = std::chrono::steady_clock::now() - start;
        const std::string kind = idempotent ? "GET" : "POST";
        report.add("no answer by the deadline (" + kind + "): timeout", !r && r.error().is(errc::timeout), describe(r));
        report.add("no answer by the deadline (" + kind + "): ends promptly", took < std::chrono::seconds(5),
                   concat("took ", std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(took).count()), " ms"));
        report.add("no answer by the deadline (" + kind + "): may_have_executed " + (idempotent ? "unset" : "set"),
                   !r && r.error().may_have_executed == !idempotent, "may_have_executed is wrong");
    }

    // A connection closed after the request was read: a non-idempotent request is not sent again (also not on a
    // fresh connection after a reused one failed), and its outcome is unknown.
    server.arm_drop(4);  // a resent request is dropped (and counted) too
    for (bool idempotent : {true, false}) {
        (void)send(make_request(verb::get, std::string(conformance_paths::echo), true));  // a keep-alive connection
        const auto method = idempotent ? verb::get : verb::put;
        const auto before = server.received(method_name(method), conformance_paths::drop);
        auto r = send(make_request(method, std::string(conformance_paths::drop), idempotent));
        const auto times = server.received(method_name(method), conformance_paths::drop) - before;
        const std::string kind = idempotent ? "idempotent" : "non-idempotent";
        if (idempotent) {
            report.add("closed without an answer (" + kind + "): an error, sent at most twice", !r && times >= 1 && times <= 2,
                       concat(describe(r), ", sent ", std::to_string(times), " time(s)"));
        } else {
            report.add("closed without an answer (" + kind + "): an error, sent once", !r && times == 1,
                       concat(describe(r), ", sent ", std::to_string(times), " time(s)"));
        }
        report.add("closed without an answer (" + kind + "): may_have_executed " + (idempotent ? "unset" : "set"),
                   !r && r.error().may_have_executed == !idempotent, "may_have_executed is wrong");
    }
}

}  // namespace conformance_detail

/// Runs every check on sync transports made by `make(const endpoint&)`, against a conformance_server it starts.
template <class MakeTransport>
conformance_report check_sync_transport(MakeTransport make) {
    conformance_report report;
    conformance_server server;
    if (auto started = server.start(); !started) {
        report.add("start the loopback server", false, started.error().message());
        return report;
    }
    auto t = make(server.target());
    static_assert(sync_transport<decltype(t)>, "make(endpoint) must return a serverops::sync_transport");
    conformance_detail::check_over_network(report, server, [&](const endpoint& ep, const http_request& req) {
        if (ep.port == server.target().port) return t.send(req);
        auto other = make(ep);
        return other.send(req);
    });
    return report;
}

/// Runs every check on async transports made by `make(boost::asio::io_context&, const endpoint&)`, against a
/// conformance_server it starts: the shared ones through a blocking adapter, then the completion and cancellation
/// rules.
template <class MakeTransport>
conformance_report check_async_transport(MakeTransport make) {
    conformance_report report;
    conformance_server server;
    if (auto started = server.start(); !started) {
        report.add("start the loopback server", false, started.error().message());
        return report;
    }
    boost::asio::io_context io;
    auto t = make(io, server.target());
    static_assert(async_transport<decltype(t)>, "make(io_context&, endpoint) must return a serverops::async_transport");
    auto send_with = [&io](auto& transport, const http_request& req) {
        std::optional<result<http_response>> got;
        transport.async_send(req, [&](result<http_response> r) { got.emplace(std::move(r)); });
        conformance_detail::run_until(io, [&] { return got.has_value(); }, std::chrono::seconds(30));
        return got ? std::move(*got) : result<http_response>(failure(errc::timeout, "conformance: no completion in 30 s"));
    };
    conformance_detail::check_over_network(report, server, [&](const endpoint& ep, const http_request& req) {
        if (ep.port == server.target().port) return send_with(t, req);
        auto other = make(io, ep);
        return send_with(other, req);
    });

    using conformance_detail::make_request;
    check_async_completion(report, "answered", t, io, make_request(verb::get, std::string(conformance_paths::echo), true));
    auto past = make_request(verb::get, std::string(conformance_paths::echo), true);
    past.deadline = std::chrono::steady_clock::now() - std::chrono::milliseconds(1);
    check_async_completion(report, "deadline passed", t, io, past);
    {
        auto refusing = make(io, conformance_detail::refusing_endpoint());
        check_async_completion(report, "refused", refusing, io, make_request(verb::get, std::string(conformance_paths::echo), true));
    }
    server.arm_slow(2);
    for (bool idempotent : {true, false}) {
        const auto method = idempotent ? verb::get : verb::post;
        const auto name = conformance_detail::method_name(method);
        const auto before = server.received(name, conformance_paths::slow);
        check_async_cancellation(report, t, io, make_request(method, std::string(conformance_paths::slow), idempotent),
                                 [&] { return server.received(name, conformance_paths::slow) > before; });
    }
    return report;
}

}  // namespace serverops::testing

#endif
