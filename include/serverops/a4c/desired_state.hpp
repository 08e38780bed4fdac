// Alien4Cloud desired state: read the maintenance state (GET), send enable (POST) or disable (DELETE) only when it
// differs, report `unchanged` otherwise. Sync and async, through an a4c::session or any client of a4c::context.
// The rules shared by every vendor are in serverops/desired_state.hpp.
//
//     auto r = a4c::ensure_maintenance(session, true);   // r.value().outcome: unchanged or changed
//
// "In the desired state": enabled wants GET's `data` to be a state object (maintenance on, whoever started it);
// disabled wants `data: null`. A change the API refuses because the state already holds — enable answered 409 with
// code 502 ("already enabled"), disable answered 404 with code 504 ("not enabled"): someone changed it between the
// read and the request — is `unchanged` as well. Both changes are non-idempotent and sent at most once.
#ifndef SERVEROPS_A4C_DESIRED_STATE_HPP
#define SERVEROPS_A4C_DESIRED_STATE_HPP

#include <serverops/detail/cancellation.hpp>
#include <serverops/a4c/maintenance.hpp>
#include <serverops/a4c/types.hpp>
#include <serverops/desired_state.hpp>
#include <serverops/wait.hpp>

#include <boost/asio/cancellation_type.hpp>
#include <boost/asio/compose.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/prepend.hpp>

#include <optional>
#include <string>
#include <utility>

namespace serverops::a4c {

/// Pure: how a read maintenance state compares with the one wanted.
constexpr observation observe(const maintenance_state& s, bool want_enabled) noexcept {
    return s.enabled == want_enabled ? observation::desired : observation::other;
}

/// Pure: whether the change's failure is the API saying the state already holds (see the top of this file).
inline bool is_already_in_state(const error& e, bool want_enabled) noexcept {
    if (want_enabled) return e.is(errc::conflict) && e.vendor_code == std::to_string(error_codes::already_exists);
    return e.is(errc::not_found) && e.vendor_code == std::to_string(error_codes::not_found);
}

/// The outcome: `outcome` is unchanged or changed (a failed change fails the call); `observed` is "on" or "off" as
/// read before; `before` is that state (none when the read did not know it: 404, then the change was sent).
struct maintenance_report : target_report {
    std::optional<maintenance_state> before;
};

/// What the read decides, pure: the report when nothing is to be sent, or nullopt when the change must be sent. A
/// failed read fails the call (one target: a read that cannot be used leaves nothing to decide).
inline result<std::optional<maintenance_report>> decide_maintenance(const result<maintenance_state>& read,
                                                                    bool want_enabled) {
    const auto d = decide(read, [&](const maintenance_state& s) { return observe(s, want_enabled); });
    if (d == target_decision::fail || d == target_decision::abort) return failure(read.error());
    if (d == target_decision::send) return std::optional<maintenance_report>{};
    maintenance_report r;
    r.target = "maintenance";
    r.outcome = target_outcome::unchanged;
    r.before = read.value();
    r.observed = read.value().enabled ? "on" : "off";
    return std::optional<maintenance_report>(std::move(r));
}

/// Pure: the report after the change was sent and answered `sent`.
inline result<maintenance_report> after_change(const result<maintenance_state>& read, bool want_enabled,
                                               const result<void>& sent) {
    maintenance_report r;
    r.target = "maintenance";
    if (read) {
        r.before = read.value();
        r.observed = read.value().enabled ? "on" : "off";
    }
    if (sent) r.outcome = target_outcome::changed;
    else if (is_already_in_state(sent.error(), want_enabled)) r.outcome = target_outcome::unchanged;
    else return failure(sent.error());
    return r;
}

namespace detail {
inline error stopped_before_change(bool want_enabled) {
    error e(errc::cancelled, "stopped after reading the maintenance state; nothing was sent");
    e.operation = want_enabled ? enable_maintenance::name : disable_maintenance::name;
    return e;
}
}  // namespace detail

/// Reads the maintenance state, then enables or disables maintenance only when it differs. Fails when the read
/// fails or the change fails (other than "already in that state"); `observer.should_stop()` asked after the read
/// ends the call with errc::cancelled, nothing sent.
template <class Caller>
    requires sync_caller_of<Caller, get_maintenance_state> && sync_caller_of<Caller, enable_maintenance> &&
             sync_caller_of<Caller, disable_maintenance>
result<maintenance_report> ensure_maintenance(Caller& c, bool enabled, const wait_observer& observer = {}) {
    auto read = c.call(get_maintenance_state{}, call_options{});
    BOOST_OUTCOME_TRY(auto decided, decide_maintenance(read, enabled));
    if (decided) return std::move(*decided);
    if (observer.should_stop()) return failure(detail::stopped_before_change(enabled));
    const auto sent = enabled ? c.call(enable_maintenance{}, call_options{}) : c.call(disable_maintenance{}, call_options{});
    return after_change(read, enabled, sent);
}

namespace detail {

// post -> GET -> [POST | DELETE] -> the report.
template <class Caller>
struct ensure_maintenance_op {
    struct begin_tag {};
    struct read_tag {};
    struct sent_tag {};

    Caller* c;
    bool enabled;
    std::optional<result<maintenance_state>> read{};


    template <class Self>
    void operator()(Self& self) {  // post first: the handler never runs inside the initiating call
        auto ex = self.get_executor();
        boost::asio::post(ex, boost::asio::prepend(std::move(self), begin_tag{}));
    }

    template <class Self>
    void operator()(Self& self, begin_tag) {
        auto* caller = c;
        caller->async_call(get_maintenance_state{}, boost::asio::prepend(std::move(self), read_tag{}));
    }

    template <class Self>
    void operator()(Self& self, read_tag, result<maintenance_state> r) {
        read = std::move(r);
        auto decided = decide_maintenance(*read, enabled);
        if (!decided) return self.complete(failure(std::move(decided).error()));
        if (decided.value()) return self.complete(std::move(*decided.value()));
        if (serverops::detail::cancellation_requested(self))
            return self.complete(failure(stopped_before_change(enabled)));
        auto* caller = c;
        if (enabled) caller->async_call(enable_maintenance{}, boost::asio::prepend(std::move(self), sent_tag{}));
        else caller->async_call(disable_maintenance{}, boost::asio::prepend(std::move(self), sent_tag{}));
    }

    template <class Self>
    void operator()(Self& self, sent_tag, result<void> sent) {
        self.complete(after_change(*read, enabled, sent));
    }
};

}  // namespace detail

/// Async `ensure_maintenance`. Completion signature `void(result<maintenance_report>)`; any completion token; the
/// handler runs exactly once, never inside this call. Terminal cancellation through the handler's slot: before the
/// change is sent, the call ends with errc::cancelled and nothing is sent; after, as `async_call` (see
/// error::may_have_executed). The caller must outlive the operation.
template <class Caller, class CompletionToken>
    requires serverops::detail::async_caller<Caller>
auto async_ensure_maintenance(Caller& c, bool enabled, CompletionToken&& token) {
    return boost::asio::async_compose<CompletionToken, completion_signature<maintenance_report>>(
        detail::ensure_maintenance_op<Caller>{&c, enabled}, token, c.transport().get_executor());
}

}  // namespace serverops::a4c

#endif
