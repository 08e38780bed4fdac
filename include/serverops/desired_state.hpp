// Desired-state calls, the vendor-neutral part: read the current state first, send a state change only to the
// targets not already in the desired state, report the others `unchanged`. Operators' tools treat "already in the
// desired state" as success (Ansible's clc_server compares powerState first; the CLC Python SDK ignores "The server
// already in desired state."); a second `power-off` must not fail, nor send a second POST.
//
// The decision is pure: from what a read returned (a state, or a failure) to "unchanged", "send" or "fail". The
// vendors' drivers (clc/desired_state.hpp, a4c/desired_state.hpp, ucs/desired_state.hpp) do the reads and the
// sends, sync and async. The rules, shared by every vendor:
// - a target is `unchanged` only when its read succeeded and showed the documented value of the desired state;
// - a value outside the documented set, or a read that does not know the target (404), leaves the state unknown:
//   the target is sent, and the state-changing call answers for it (as it would without the read);
// - a read whose answer about the target cannot be used (malformed or unexpected body, another 4xx about the
//   request) fails that target with the read's error; nothing is sent for it;
// - a read that fails for a reason not about the target (credentials, rights, transport, timeout, 5xx, 429,
//   cancellation) fails the whole call before anything is sent: every read comes before the one state change, so
//   such a failure never loses sent work, and the call can simply be run again.
// A target found in the desired state is never sent, and no request is sent twice: a non-idempotent POST is never
// resent by this layer (the session's rules about resending apply unchanged).
#ifndef SERVEROPS_DESIRED_STATE_HPP
#define SERVEROPS_DESIRED_STATE_HPP

#include <serverops/error.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace serverops {

/// How one target of a desired-state call ended.
enum class target_outcome {
    unchanged,  ///< already in the desired state: nothing was sent for it
    accepted,   ///< a change was sent and accepted; its completion was not awaited (e.g. a CLC job queued)
    changed,    ///< a change was sent and is done (a job succeeded, the new state was confirmed or answered)
    failed,     ///< not in the desired state: the read or the change failed, or the wait did not confirm it
};

inline std::string_view to_string(target_outcome o) noexcept {
    switch (o) {
    case target_outcome::unchanged: return "unchanged";
    case target_outcome::accepted: return "accepted";
    case target_outcome::changed: return "changed";
    case target_outcome::failed: return "failed";
    }
    return "?";
}

/// Everything but `failed`: the target is in the desired state, or its change was accepted.
constexpr bool succeeded(target_outcome o) noexcept { return o != target_outcome::failed; }

/// What a successful read showed, compared with the desired state.
enum class observation {
    desired,  ///< the documented value of the desired state
    other,    ///< a documented value of another state
    unknown,  ///< a value outside the documented set
};

/// The decision, pure: a request is sent unless the target is known to be in the desired state already.
constexpr bool needs_request(observation o) noexcept { return o != observation::desired; }

/// How a failed read of a target's state counts (see the rules at the top of this file).
enum class read_failure {
    state_unknown,  ///< not_found, unknown_enum_value: the state is unknown, the target is sent
    target_failed,  ///< the answer about this target cannot be used: it fails with the read's error, not sent
    call_failed,    ///< not about the target: the whole call fails with it, before anything is sent
};

inline read_failure classify_read_failure(const error& e) noexcept {
    switch (e.kind()) {
    case errc::not_found:
    case errc::unknown_enum_value:
        return read_failure::state_unknown;
    case errc::bad_request:
    case errc::conflict:
    case errc::client_error:
    case errc::unexpected_status:
    case errc::malformed_response:
    case errc::unexpected_response:
    case errc::body_too_large:
        return read_failure::target_failed;
    default:
        return read_failure::call_failed;
    }
}

/// What the pure decision says about one target, from its read.
enum class target_decision {
    skip,   ///< in the desired state: `unchanged`, nothing sent
    send,   ///< in another or an unknown state: the change is sent
    fail,   ///< the read's answer about the target cannot be used: `failed` with that error, nothing sent
    abort,  ///< the read failed for a reason not about the target: the whole call fails, nothing sent
};

inline std::string_view to_string(target_decision d) noexcept {
    switch (d) {
    case target_decision::skip: return "skip";
    case target_decision::send: return "send";
    case target_decision::fail: return "fail";
    case target_decision::abort: return "abort";
    }
    return "?";
}

/// The decision for one target: `observe(state)` compares a read state with the desired one (vendor-specific).
template <class State, class Observe>
target_decision decide(const result<State>& read, Observe&& observe) {
    if (read) return needs_request(observe(read.value())) ? target_decision::send : target_decision::skip;
    switch (classify_read_failure(read.error())) {
    case read_failure::state_unknown: return target_decision::send;
    case read_failure::target_failed: return target_decision::fail;
    case read_failure::call_failed: return target_decision::abort;
    }
    return target_decision::abort;
}

/// The outcome of one target, as every vendor reports it.
struct target_report {
    std::string target;                   ///< what it is: a server id as the caller wrote it, "maintenance", "mode"
    target_outcome outcome = target_outcome::failed;
    std::string observed;                 ///< the state read before anything was sent (server text: escape it
                                          ///< before printing); empty when it could not be read
    std::optional<error> problem;         ///< why it failed (`failed` only)
};

}  // namespace serverops

#endif
