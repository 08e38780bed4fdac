// The three ways the flow tests drive one test body: a sync call, an async call with a callback, an async call
// awaited in a coroutine; and the loop that runs one async operation to completion on a private io_context.
#ifndef SERVEROPS_TESTS_COMMON_RUN_MODES_HPP
#define SERVEROPS_TESTS_COMMON_RUN_MODES_HPP

#include <serverops/error.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <utility>

namespace serverops_test {

enum class mode { sync, callback, coroutine };

inline std::string name_of(mode m) {
    switch (m) {
    case mode::sync: return "Sync";
    case mode::callback: return "Callback";
    case mode::coroutine: return "Coroutine";
    }
    return "?";
}

/// Starts an async operation through `start(token)` with a callback or in a coroutine (`m`), then runs `io` until
/// it completes, at most `limit` (a hang fails the test instead of blocking it: errc::timeout). Counts completions,
/// so a test can check that the handler ran exactly once.
template <class R, class Start>
serverops::result<R> run_to_completion(boost::asio::io_context& io, mode m, Start start, int& completions,
                                       std::chrono::milliseconds limit = std::chrono::seconds(20)) {
    namespace asio = boost::asio;
    std::optional<serverops::result<R>> out;
    if (m == mode::callback) {
        start([&](serverops::result<R> r) {
            ++completions;
            out.emplace(std::move(r));
        });
    } else {
        asio::co_spawn(
            io,
            [&]() -> asio::awaitable<void> {
                auto r = co_await start(asio::use_awaitable);
                ++completions;
                out.emplace(std::move(r));
            },
            asio::detached);
    }
    io.restart();
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (!out) {
        const auto now = std::chrono::steady_clock::now();
        if (now >= deadline || io.run_one_for(deadline - now) == 0) break;
    }
    if (!out) return serverops::failure(serverops::errc::timeout, "the async operation did not complete");
    return std::move(*out);
}

}  // namespace serverops_test

#endif
