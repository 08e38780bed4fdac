// UCS desired state: read the server's mode (GET /server/status), switch it (POST /server/mode) only when it differs,
// report `unchanged` otherwise; optionally wait until the status confirms the new mode. Sync and async, through a
// ucs::session or any client of ucs::context. The rules shared by every vendor are in serverops/desired_state.hpp.
//
//     auto r = ucs::ensure_mode(session, ucs::server_mode::maintenance);             // unchanged or accepted
//     auto w = ucs::ensure_mode_and_wait(session, ucs::server_mode::production, policy);  // unchanged or changed
//
// "In the desired state": the status's `mode` is the one asked for. A mode outside maintenance/production
// (errc::unknown_enum_value) is unknown: the switch is sent. While UCS switches, its status answers 503
// (errc::busy): the read fails and so does the call, nothing sent (run it again once the switch is over,
// or wait for it with ucs::wait_until_mode).
#ifndef SERVEROPS_UCS_DESIRED_STATE_HPP
#define SERVEROPS_UCS_DESIRED_STATE_HPP

#include <serverops/detail/cancellation.hpp>
#include <serverops/desired_state.hpp>
#include <serverops/ucs/server_mode.hpp>
#include <serverops/ucs/types.hpp>
#include <serverops/ucs/wait.hpp>
#include <serverops/wait.hpp>

#include <boost/asio/cancellation_type.hpp>
#include <boost/asio/compose.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/prepend.hpp>

#include <optional>
#include <string>
#include <utility>

namespace serverops::ucs {

/// Pure: how a read status compares with the mode wanted.
constexpr observation observe(const server_status& s, server_mode want) noexcept {
    return s.mode == want ? observation::desired : observation::other;
}

/// The outcome: unchanged, accepted (switch sent, not waited on) or changed (switch sent and confirmed by the
/// status); a failed read, switch or wait fails the call. `observed` is the mode read before.
struct mode_report : target_report {
    std::optional<server_status> before;               ///< the status read first (none when its mode was unknown)
    std::optional<set_server_mode_response> switched;  ///< the switch's answer, when one was sent
    std::optional<server_status> status;  ///< the status showing the mode: `before` when unchanged, the confirming
                                          ///< one when waited on
};

/// What the read decides, pure: the report when nothing is to be sent, or nullopt when the switch must be sent.
inline result<std::optional<mode_report>> decide_mode(const result<server_status>& read, server_mode want) {
    const auto d = decide(read, [&](const server_status& s) { return observe(s, want); });
    if (d == target_decision::fail || d == target_decision::abort) return failure(read.error());
    if (d == target_decision::send) return std::optional<mode_report>{};
    mode_report r;
    r.target = "mode";
    r.outcome = target_outcome::unchanged;
    r.observed = std::string(to_string(read.value().mode));
    r.before = read.value();
    r.status = read.value();
    return std::optional<mode_report>(std::move(r));
}

/// Pure: the report after the switch was accepted (`confirmed`: the status that showed the new mode, when waited).
inline mode_report after_switch(const result<server_status>& read, set_server_mode_response switched,
                                std::optional<server_status> confirmed) {
    mode_report r;
    r.target = "mode";
    r.outcome = confirmed ? target_outcome::changed : target_outcome::accepted;
    if (read) {
        r.observed = std::string(to_string(read.value().mode));
        r.before = read.value();
    }
    r.switched = std::move(switched);
    r.status = std::move(confirmed);
    return r;
}

namespace detail {
inline error stopped_before_switch() {
    error e(errc::cancelled, "stopped after reading the server's mode; nothing was sent");
    e.operation = set_server_mode::name;
    return e;
}
}  // namespace detail

// ---------------------------------------------------------------- sync

/// Reads the status, then switches to `target` only when the mode differs. `observer.should_stop()` asked after the
/// read ends the call with errc::cancelled, nothing sent.
template <class Caller>
    requires sync_caller_of<Caller, get_server_status> && sync_caller_of<Caller, set_server_mode>
result<mode_report> ensure_mode(Caller& c, server_mode target, const wait_observer& observer = {}) {
    auto read = c.call(get_server_status{}, call_options{});
    BOOST_OUTCOME_TRY(auto decided, decide_mode(read, target));
    if (decided) return std::move(*decided);
    if (observer.should_stop()) return failure(detail::stopped_before_switch());
    BOOST_OUTCOME_TRY(auto switched, c.call(set_server_mode{target}, call_options{}));
    return after_switch(read, std::move(switched), std::nullopt);
}

/// `ensure_mode`, then (when the switch was sent) `wait_until_mode` with `policy` and `observer`: the result is
/// unchanged, or changed with the confirming status; a wait that does not confirm the mode fails the call (as
/// `switch_mode_and_wait` does: errc::deadline_exceeded naming the last known mode, or errc::cancelled).
template <class Caller>
    requires sync_caller_of<Caller, get_server_status> && sync_caller_of<Caller, set_server_mode>
result<mode_report> ensure_mode_and_wait(Caller& c, server_mode target, const polling_policy& policy = {},
                                         const wait_observer& observer = {}) {
    auto read = c.call(get_server_status{}, call_options{});
    BOOST_OUTCOME_TRY(auto decided, decide_mode(read, target));
    if (decided) return std::move(*decided);
    if (observer.should_stop()) return failure(detail::stopped_before_switch());
    BOOST_OUTCOME_TRY(auto switched, c.call(set_server_mode{target}, call_options{}));
    BOOST_OUTCOME_TRY(auto confirmed, wait_until_mode(c, target, policy, observer));
    return after_switch(read, std::move(switched), std::move(confirmed));
}

// ---------------------------------------------------------------- async

namespace detail {

// post -> GET status -> [POST mode -> [the engine's wait for the mode]] -> the report.
template <class Caller>
struct ensure_mode_op {
    struct begin_tag {};
    struct read_tag {};
    struct switched_tag {};
    struct waited_tag {};

    Caller* c;
    server_mode target;
    bool wait;
    polling_policy policy;
    wait_observer observer;
    std::optional<result<server_status>> read{};
    std::optional<set_server_mode_response> switched{};


    template <class Self>
    void operator()(Self& self) {  // post first: the handler never runs inside the initiating call
        auto ex = self.get_executor();
        boost::asio::post(ex, boost::asio::prepend(std::move(self), begin_tag{}));
    }

    template <class Self>
    void operator()(Self& self, begin_tag) {
        auto* caller = c;
        caller->async_call(get_server_status{}, boost::asio::prepend(std::move(self), read_tag{}));
    }

    template <class Self>
    void operator()(Self& self, read_tag, result<server_status> r) {
        read = std::move(r);
        auto decided = decide_mode(*read, target);
        if (!decided) return self.complete(failure(std::move(decided).error()));
        if (decided.value()) return self.complete(std::move(*decided.value()));
        if (serverops::detail::cancellation_requested(self)) return self.complete(failure(stopped_before_switch()));
        auto* caller = c;
        const set_server_mode request{target};
        caller->async_call(request, boost::asio::prepend(std::move(self), switched_tag{}));
    }

    template <class Self>
    void operator()(Self& self, switched_tag, result<set_server_mode_response> r) {
        if (!r) return self.complete(failure(std::move(r).error()));
        switched = std::move(r).value();
        if (!wait) return self.complete(after_switch(*read, std::move(*switched), std::nullopt));
        auto* caller = c;
        const auto obs = observer;
        async_run_wait(*caller, mode_waiter(target, policy, serverops::detail::clock_of(*caller).now()), obs,
                       boost::asio::prepend(std::move(self), waited_tag{}));
    }

    template <class Self>
    void operator()(Self& self, waited_tag, result<server_status> confirmed) {
        if (!confirmed) return self.complete(failure(std::move(confirmed).error()));
        self.complete(after_switch(*read, std::move(*switched), std::move(confirmed).value()));
    }
};

}  // namespace detail

/// Async `ensure_mode`. Completion signature `void(result<mode_report>)`; any completion token; the handler runs
/// exactly once, never inside this call. Terminal cancellation through the handler's slot: before the switch is
/// sent, the call ends with errc::cancelled and nothing is sent. The caller must outlive the operation.
template <class Caller, class CompletionToken>
    requires serverops::detail::async_caller<Caller>
auto async_ensure_mode(Caller& c, server_mode target, CompletionToken&& token) {
    return boost::asio::async_compose<CompletionToken, completion_signature<mode_report>>(
        detail::ensure_mode_op<Caller>{&c, target, false, {}, {}}, token, c.transport().get_executor());
}

/// Async `ensure_mode_and_wait`. Completion signature `void(result<mode_report>)`. Cancelled during the wait:
/// errc::cancelled naming the last known mode (the switch had been sent), as `async_wait_until_mode`.
template <class Caller, class CompletionToken>
    requires serverops::detail::async_caller<Caller>
auto async_ensure_mode_and_wait(Caller& c, server_mode target, const polling_policy& policy,
                                CompletionToken&& token) {
    return boost::asio::async_compose<CompletionToken, completion_signature<mode_report>>(
        detail::ensure_mode_op<Caller>{&c, target, true, policy, {}}, token, c.transport().get_executor());
}

}  // namespace serverops::ucs

#endif
