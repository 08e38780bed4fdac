// The transport conformance check (testing/transport_conformance.hpp) on the library's own transports: both Beast
// transports in full, the mock for the parts that need no network.
#include <serverops/beast/async_transport.hpp>
#include <serverops/beast/sync_transport.hpp>
#include <serverops/testing/mock_transport.hpp>
#include <serverops/testing/transport_conformance.hpp>

#include <gtest/gtest.h>

namespace {

using namespace serverops;
namespace st = serverops::testing;

void expect_conformant(const st::conformance_report& report, std::size_t at_least) {
    EXPECT_TRUE(report.ok()) << report.failures();
    EXPECT_GE(report.checks().size(), at_least) << "every check ran";
}

TEST(TransportConformance, BeastSyncTransport) {
    expect_conformant(st::check_sync_transport([](const endpoint& ep) { return beast_sync_transport(ep); }), 28);
}

TEST(TransportConformance, BeastAsyncTransport) {
    expect_conformant(st::check_async_transport(
        [](boost::asio::io_context& io, const endpoint& ep) { return beast_async_transport(io.get_executor(), ep); }),
        44);
}

// The mock plays the conformance server with conformance_answer; only the rules that hold without a network apply.
TEST(TransportConformance, MockTransportWithoutNetwork) {
    boost::asio::io_context io;
    st::mock_transport mock(io.get_executor());
    mock.set_handler([](const http_request& req) -> result<http_response> { return st::conformance_answer(req); });
    st::conformance_report report;
    st::check_statuses(report, [&](const http_request& req) { return mock.send(req); });
    st::check_deadline_passed(report, [&](const http_request& req) { return mock.send(req); },
                              [&] { return mock.request_count(); });
    auto get = [](std::string target) {
        http_request req;
        req.target = std::move(target);
        req.idempotent = true;
        return req;
    };
    st::check_async_completion(report, "answered", mock, io, get("/conformance/echo"));
    auto past = get("/conformance/echo");
    past.deadline = std::chrono::steady_clock::now() - std::chrono::milliseconds(1);
    st::check_async_completion(report, "deadline passed", mock, io, past);
    mock.push_failure(errc::transport_failure, st::mock_transport::failure_point::before_sending);
    st::check_async_completion(report, "failed", mock, io, get("/conformance/echo"));

    mock.set_completion(st::mock_transport::completion::manual);  // held until cancelled
    for (bool idempotent : {true, false}) {
        auto held = get("/conformance/slow");
        held.method = idempotent ? verb::get : verb::post;
        held.idempotent = idempotent;
        st::check_async_cancellation(report, mock, io, held, [&] { return mock.pending_count() > 0; });
    }
    expect_conformant(report, 30);
}

// The check itself must be able to fail: a transport that judges statuses and resends a POST is caught.
struct judging_transport {
    beast_sync_transport inner;
    result<http_response> send(const http_request& req) {
        auto r = inner.send(req);
        if (!r && !req.idempotent) r = inner.send(req);  // resends a non-idempotent request: a contract breach
        if (r && r.value().status >= 500) return failure(errc::server_error, "judged the status");
        return r;
    }
};

TEST(TransportConformance, CatchesABrokenTransport) {
    auto report = st::check_sync_transport([](const endpoint& ep) { return judging_transport{beast_sync_transport(ep)}; });
    EXPECT_FALSE(report.ok());
    const auto failures = report.failures();
    EXPECT_NE(failures.find("HTTP 500 is a response"), std::string::npos) << failures;
    EXPECT_NE(failures.find("closed without an answer (non-idempotent): an error, sent once"), std::string::npos)
        << failures;
}

}  // namespace
