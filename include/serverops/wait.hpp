// The one waiting engine's drivers: `run_wait` (sync) and `async_run_wait` (any completion token) run any waiter
// (serverops/waiter.hpp: CLC job waits, UCS mode waits, and any a user writes), sending each poll through a caller
// (a session or a client) with the time left as the request's deadline, and reporting every poll to an observer.
#ifndef SERVEROPS_WAIT_HPP
#define SERVEROPS_WAIT_HPP

#include <serverops/detail/cancellation.hpp>
#include <serverops/client.hpp>
#include <serverops/waiter.hpp>

#include <boost/asio/cancellation_type.hpp>
#include <boost/asio/compose.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/prepend.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <memory>
#include <optional>
#include <type_traits>
#include <utility>

namespace serverops {

namespace detail {

/// The real-clock deadline for a poll: the waiter's time left (in the caller's clock, which tests may fake) from now.
inline std::chrono::steady_clock::time_point real_deadline(clock_type::time_point waiter_deadline,
                                                           clock_type::time_point waiter_now) {
    const auto left = waiter_deadline > waiter_now ? waiter_deadline - waiter_now : clock_type::duration::zero();
    return std::chrono::steady_clock::now() + left;
}

/// The caller's time source: a session's `options().clock`, else the real clock.
template <class C>
sync_clock clock_of(C& c) {
    if constexpr (requires { { c.options().clock } -> std::convertible_to<const sync_clock&>; }) return c.options().clock;
    else return sync_clock{};
}

}  // namespace detail

/// Something that runs operations with per-call options: a session, a vendor session, a client.
template <class C, class Op>
concept sync_caller_of = requires(C& c, const Op& op, const call_options& o) {
    { c.call(op, o) } -> std::same_as<result<typename Op::response_type>>;
};

/// Runs `w` to the end with blocking calls through `caller`; time and sleeps come from `clock`.
template <waiter W, class Caller>
    requires sync_caller_of<Caller, typename W::poll_operation>
result<typename W::value_type> run_wait(Caller& caller, W& w, const sync_clock& clock,
                                        const wait_observer& observer = {}) {
    const auto start = clock.now();
    int polls = 0;
    for (;;) {
        if (observer.should_stop()) {
            w.cancel();
            return w.outcome();
        }
        auto step = w.next(clock.now());
        switch (step.kind) {
        case wait_step<typename W::poll_operation>::done:
            return w.outcome();
        case wait_step<typename W::poll_operation>::sleep:
            clock.sleep(step.delay);
            continue;
        case wait_step<typename W::poll_operation>::poll: {
            auto r = caller.call(step.request, call_options{detail::real_deadline(w.deadline(), clock.now())});
            const auto now = clock.now();
            const auto seen = w.on_poll(step.request, r, now);
            observer.notify(wait_event{W::name, seen, now - start, ++polls});
            continue;
        }
        }
    }
}

/// As above, with the caller's own clock (a session's `options().clock`, else the real one).
template <waiter W, class Caller>
    requires sync_caller_of<Caller, typename W::poll_operation>
result<typename W::value_type> run_wait(Caller& caller, W& w, const wait_observer& observer = {}) {
    return run_wait(caller, w, detail::clock_of(caller), observer);
}

namespace detail {

/// Something with `async_call(op, call_options, token)` and a transport with an executor.
template <class C>
concept async_caller = requires(C& c) { c.transport().get_executor(); };

// loop { poll | sleep } until the waiter is done; cancellation ends the wait with what the waiter knows.
template <class Caller, class W>
struct run_wait_op {
    using timer_type = boost::asio::steady_timer;
    using poll_result = result<typename W::poll_operation::response_type>;
    struct begin_tag {};
    struct poll_tag {};
    struct sleep_tag {};

    Caller* caller;
    W w;
    sync_clock clock;
    wait_observer observer;
    clock_type::time_point start{};
    int polls = 0;
    std::optional<typename W::poll_operation> polling{};
    std::unique_ptr<timer_type> timer{};

    template <class Self>
    void finish_cancelled(Self& self) {
        w.cancel();
        self.complete(w.outcome());
    }

    template <class Self>
    void operator()(Self& self) {  // post first: the handler never runs inside the initiating call
        auto ex = self.get_executor();
        boost::asio::post(ex, boost::asio::prepend(std::move(self), begin_tag{}));
    }

    template <class Self>
    void operator()(Self& self, begin_tag) {
        start = clock.now();
        next(self);
    }

    template <class Self>
    void next(Self& self) {
        if (detail::cancellation_requested(self)) return finish_cancelled(self);
        auto step = w.next(clock.now());
        switch (step.kind) {
        case wait_step<typename W::poll_operation>::poll: {
            polling = std::move(step.request);
            const auto request = *polling;  // copied first: moving `self` below moves `polling` too
            const call_options opts{real_deadline(w.deadline(), clock.now())};
            caller->async_call(request, opts, boost::asio::prepend(std::move(self), poll_tag{}));
            return;
        }
        case wait_step<typename W::poll_operation>::sleep: {
            timer = std::make_unique<timer_type>(caller->transport().get_executor(),
                                                 std::chrono::duration_cast<timer_type::duration>(step.delay));
            auto& t = *timer;
            t.async_wait(boost::asio::prepend(std::move(self), sleep_tag{}));
            return;
        }
        case wait_step<typename W::poll_operation>::done:
            self.complete(w.outcome());
            return;
        }
    }

    template <class Self>
    void operator()(Self& self, poll_tag, poll_result r) {
        if ((!r && r.error().is(errc::cancelled)) || detail::cancellation_requested(self))
            return finish_cancelled(self);
        const auto now = clock.now();
        const auto seen = w.on_poll(*polling, r, now);
        observer.notify(wait_event{W::name, seen, now - start, ++polls});
        next(self);
    }

    template <class Self>
    void operator()(Self& self, sleep_tag, boost::system::error_code ec) {
        if (ec) return finish_cancelled(self);
        next(self);
    }
};

}  // namespace detail

/// Async `run_wait`. Completion signature `void(result<W::value_type>)`; any completion token; the handler runs
/// exactly once, never inside this call, on the caller's transport executor unless the token binds another.
/// Terminal cancellation through the handler's slot stops the wait at its next step (an in-flight poll is cancelled
/// too); the waiter then reports what it knows (`W::cancel()`): e.g. CLC job outcomes still running, or
/// errc::cancelled naming the last known mode. Sleeps use real timers; `clock` only reads the time.
template <waiter W, class Caller, class CompletionToken>
    requires detail::async_caller<Caller>
auto async_run_wait(Caller& caller, W w, const wait_observer& observer, CompletionToken&& token) {
    return boost::asio::async_compose<CompletionToken, completion_signature<typename W::value_type>>(
        detail::run_wait_op<Caller, W>{&caller, std::move(w), detail::clock_of(caller), observer}, token,
        caller.transport().get_executor());
}

}  // namespace serverops

#endif
