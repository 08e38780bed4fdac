// 10. Time limits and cancellation, async. Two ways to stop waiting:
//    - a deadline on one call (`call_options::deadline`): nothing of the exchange (connect, TLS, request, retries
//      and their pauses) runs past it; a server too slow to answer ends in errc::timeout;
//    - per-operation cancellation (Asio's cancellation slots): here a timer emits a terminal cancellation into the
//      slot bound to a wait, which then completes at once with errc::cancelled and the last known state.
//    Both only read, so pointing the example at a real UCS is harmless: `10_timeout_cancellation http://ucs:8080`.
//    (`polling_policy::timeout` bounds a whole wait, `session_options::call_timeout` every call of a session.)
#include <serverops/beast/async_transport.hpp>
#include <serverops/testing/full_emulator.hpp>
#include <serverops/ucs.hpp>
#include <serverops/ucs/session.hpp>
#include <serverops/ucs/wait.hpp>

#include "example_target.hpp"

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <iostream>

namespace asio = boost::asio;
namespace ucs = serverops::ucs;
using namespace std::chrono_literals;
using serverops::errc;

int main(int argc, char** argv) {
    serverops::testing::full_emulator emulator;  // serves CLC, A4C and UCS; this example talks to its UCS
    auto where = examples::target_of(argc, argv, "UCS");
    if (where.emulated) {
        if (!emulator.start()) return 3;
        where.use(emulator.ucs_base_url(), "", "");
        // Make the emulated UCS slow: its next status answer leaves 2 s late.
        emulator.inject(serverops::testing::fault::delay_response(2s).only_path("/server/status"));
    }
    auto endpoint = serverops::parse_endpoint(where.base_url);
    auto context = ucs::context::from_base_url(where.base_url, where.username, where.password);
    if (!endpoint || !context) {
        std::cerr << "bad base URL: " << (endpoint ? context.error() : endpoint.error()) << '\n';
        return 2;
    }

    asio::io_context io;
    serverops::beast_async_transport transport(io.get_executor(), endpoint.value());
    ucs::session<serverops::beast_async_transport&> server(transport, {}, context.value());

    bool deadline_ok = false;
    bool cancel_ok = false;
    asio::cancellation_signal stop_wait;  // must outlive the operation whose slot it feeds
    asio::steady_timer stopper(io);

    // Step 2: wait for the mode UCS is not in (nothing will switch it), and cancel that wait from a timer.
    auto wait_then_cancel = [&](ucs::server_mode current) {
        const auto other =
            current == ucs::server_mode::production ? ucs::server_mode::maintenance : ucs::server_mode::production;
        serverops::polling_policy polling;
        polling.interval = 100ms;
        polling.timeout = 1min;  // the wait's own deadline; the timer below comes first
        std::cout << "-- wait for " << other << " mode, cancelled after 500 ms\n";
        const auto started = std::chrono::steady_clock::now();
        ucs::async_wait_until_mode(
            server, other, polling,
            asio::bind_cancellation_slot(stop_wait.slot(), [&, started](serverops::result<ucs::server_status> r) {
                const auto ms =
                    std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
                stopper.cancel();
                if (r) {  // possible on a real system: someone switched it meanwhile
                    std::cout << "   reached " << r.value().mode << " mode after " << ms.count() << " ms\n";
                    cancel_ok = true;
                    return;
                }
                std::cout << "   after " << ms.count() << " ms: " << r.error().message() << '\n';
                cancel_ok = r.error().is(errc::cancelled);
            }));
        stopper.expires_after(500ms);
        stopper.async_wait([&](boost::system::error_code ec) {
            if (!ec) stop_wait.emit(asio::cancellation_type::terminal);
        });
    };

    // Step 1: one status read that must be answered within 250 ms.
    serverops::call_options quick;
    quick.deadline = std::chrono::steady_clock::now() + 250ms;
    std::cout << "-- read the status within 250 ms\n";
    const ucs::get_server_status read_status;
    server.async_call(read_status, quick, [&](serverops::result<ucs::server_status> r) {
        if (r) {  // a real server may well be that fast
            std::cout << "   answered in time: " << r.value().mode << " mode\n";
            deadline_ok = !where.emulated;
            wait_then_cancel(r.value().mode);
            return;
        }
        std::cout << "   " << r.error().message() << '\n';
        deadline_ok = r.error().is(errc::timeout);
        // A GET is idempotent, so it can simply be read again (the slow answer was a one-off).
        server.async_call(read_status, [&](serverops::result<ucs::server_status> again) {
            if (!again) {
                std::cerr << again.error() << '\n';
                return;
            }
            wait_then_cancel(again.value().mode);
        });
    });
    io.run();

    const bool ok = deadline_ok && cancel_ok;
    std::cout << (ok ? "timeout and cancellation example: as expected\n"
                     : "timeout and cancellation example: failed\n");
    return ok ? 0 : 1;
}
