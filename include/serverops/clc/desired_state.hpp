// CLC desired state: read each server (GET /v2/servers/{alias}/{id}), send the power or maintenance batch only for the
// servers not already in the state it asks for, report the others `unchanged`. Sync and async, with or without
// waiting for the job. The rules shared by every vendor are in serverops/desired_state.hpp.
//
//     auto r = clc::ensure_state(session, clc::power_off{{"WA1ALIASWB01", "WA1ALIASWB02"}});
//     auto w = clc::ensure_state_and_wait(session, clc::start_maintenance{ids}, policy);
//     auto a = co_await clc::async_ensure_state(session, op, use_awaitable);
//
// What "in the desired state" means, per batch (from `details` of GET /v2/servers; `status` is not compared, as
// Ansible's clc_server does not):
//   power-on                      powerState "started"
//   power-off, shut-down          powerState "stopped"  (both end stopped: a stopped server needs neither)
//   pause                         powerState "paused"
//   start-maintenance             inMaintenanceMode true
//   stop-maintenance              inMaintenanceMode false
//   set-maintenance ID=on|off     inMaintenanceMode true|false per entry; a server named twice with different
//                                 settings is always sent (the API applies the last one)
// A powerState outside "started", "stopped", "paused" is unknown: the server is sent. reboot, reset, archive and
// snapshots are actions, not states: they have no desired-state form.
// A server that the batch answer reports not queued with "The server already in desired state." (the API's own
// no-op, which the CLC Python SDK ignores) is `unchanged` too: its state changed between the read and the batch.
#ifndef SERVEROPS_CLC_DESIRED_STATE_HPP
#define SERVEROPS_CLC_DESIRED_STATE_HPP

#include <serverops/detail/cancellation.hpp>
#include <serverops/clc/batch_operations.hpp>
#include <serverops/clc/job_waiter.hpp>
#include <serverops/clc/servers.hpp>
#include <serverops/clc/types.hpp>
#include <serverops/desired_state.hpp>
#include <serverops/wait.hpp>

#include <boost/asio/cancellation_type.hpp>
#include <boost/asio/compose.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/prepend.hpp>

#include <algorithm>
#include <concepts>
#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace serverops::clc {

/// The state a desired-state batch asks of one server: a power state, or a maintenance flag.
struct server_target {
    enum field_t { power, maintenance };
    field_t field = power;
    power_state power_value = power_state::started;  ///< field == power
    bool maintenance_value = false;                  ///< field == maintenance

    static constexpr server_target power_is(power_state p) noexcept {
        server_target t;
        t.power_value = p;
        return t;
    }
    static constexpr server_target maintenance_is(bool on) noexcept {
        server_target t;
        t.field = maintenance;
        t.maintenance_value = on;
        return t;
    }
    friend constexpr bool operator==(const server_target&, const server_target&) = default;
};

/// The state each batch with a desired-state form asks for (see the table at the top of this file).
template <class Op>
struct desired_state_traits {};
template <>
struct desired_state_traits<power_on> {
    static constexpr server_target target = server_target::power_is(power_state::started);
};
template <>
struct desired_state_traits<power_off> {
    static constexpr server_target target = server_target::power_is(power_state::stopped);
};
template <>
struct desired_state_traits<shut_down> {
    static constexpr server_target target = server_target::power_is(power_state::stopped);
};
template <>
struct desired_state_traits<pause> {
    static constexpr server_target target = server_target::power_is(power_state::paused);
};
template <>
struct desired_state_traits<start_maintenance> {
    static constexpr server_target target = server_target::maintenance_is(true);
};
template <>
struct desired_state_traits<stop_maintenance> {
    static constexpr server_target target = server_target::maintenance_is(false);
};

/// The batches with a desired-state form: power-on, power-off, shut-down, pause, start/stop/set-maintenance.
template <class Op>
concept desired_state_batch =
    std::same_as<Op, set_maintenance> || requires { { desired_state_traits<Op>::target } -> std::convertible_to<server_target>; };

/// Pure: how a server's read state compares with `want`. An undocumented powerState is `unknown`.
constexpr observation observe(const server_info& s, const server_target& want) noexcept {
    if (want.field == server_target::maintenance)
        return s.in_maintenance_mode == want.maintenance_value ? observation::desired : observation::other;
    if (s.power == power_state::other) return observation::unknown;
    return s.power == want.power_value ? observation::desired : observation::other;
}

/// The read state as a report shows it: the powerState text, or "on"/"off" for maintenance.
inline std::string observed_text(const server_info& s, const server_target& want) {
    if (want.field == server_target::maintenance) return s.in_maintenance_mode ? "on" : "off";
    return s.power_state_text;
}

/// The API's own answer for a server already in the state asked for (not queued, this errorMessage).
inline constexpr std::string_view already_in_desired_state_message = "The server already in desired state.";

/// Whether a batch's per-server error is the API saying the server is already in the desired state.
inline bool is_already_in_desired_state(const error& e) noexcept {
    return e.is(errc::not_accepted) && e.vendor_message == already_in_desired_state_message;
}

/// One requested server and the state asked of it, in request order.
struct desired_entry {
    std::string server_id;
    server_target target;
};

template <desired_state_batch Op>
std::vector<desired_entry> desired_entries(const Op& op) {
    std::vector<desired_entry> out;
    if constexpr (std::same_as<Op, set_maintenance>) {
        out.reserve(op.servers.size());
        for (auto& s : op.servers) out.push_back({s.server_id, server_target::maintenance_is(s.in_maintenance_mode)});
    } else {
        out.reserve(op.server_ids.size());
        for (auto& id : op.server_ids) out.push_back({id, desired_state_traits<Op>::target});
    }
    return out;
}

/// The servers to read, once each (ids compare case-insensitively, as the API's do), in request order.
template <desired_state_batch Op>
std::vector<std::string> ids_to_read(const Op& op) {
    std::vector<std::string> ids;
    std::map<std::string_view, bool, detail::iless> seen;
    const auto entries = desired_entries(op);
    for (auto& e : entries)
        if (seen.emplace(e.server_id, true).second) ids.push_back(e.server_id);
    return ids;
}

/// What the reads returned, per server id (case-insensitive).
using server_reads = std::map<std::string, result<server_info>, detail::iless>;

/// One requested server in a plan.
struct planned_server {
    std::string server_id;                         ///< as the caller wrote it
    target_decision decision = target_decision::send;  ///< skip, send or fail (a plan never holds abort)
    std::string observed;                          ///< see observed_text; empty when the state is not known
    std::optional<error> problem;                  ///< fail: the read's error
};

/// The pure result of the reads: each server's decision, and the batch to send (only the servers that need it, in
/// request order, duplicates kept).
template <desired_state_batch Op>
struct batch_plan {
    std::vector<planned_server> servers;
    Op request{};

    std::size_t to_send() const {
        return static_cast<std::size_t>(std::count_if(servers.begin(), servers.end(), [](const planned_server& s) {
            return s.decision == target_decision::send;
        }));
    }
    bool sends() const { return to_send() != 0; }
};

/// Pure: decides every server of `op` from `reads`. Fails with the first read error that is not about its server
/// (credentials, transport, 5xx...: read_failure::call_failed), since nothing may be sent then; a server without a
/// read is errc::invalid_request. A server named twice with different settings (set-maintenance) is always sent.
template <desired_state_batch Op>
result<batch_plan<Op>> plan(const Op& op, const server_reads& reads) {
    const auto entries = desired_entries(op);
    for (auto& e : entries) {  // the first read that ends the call, in request order
        auto it = reads.find(e.server_id);
        if (it != reads.end() && !it->second && classify_read_failure(it->second.error()) == read_failure::call_failed)
            return failure(it->second.error());
    }
    std::map<std::string_view, bool, detail::iless> conflicting;  // server -> its entries disagree
    std::map<std::string_view, server_target, detail::iless> first_target;
    for (auto& e : entries) {
        auto [it, fresh] = first_target.emplace(e.server_id, e.target);
        conflicting[e.server_id] = conflicting[e.server_id] || (!fresh && !(it->second == e.target));
    }

    batch_plan<Op> p;
    p.servers.reserve(entries.size());
    std::vector<bool> keep;
    keep.reserve(entries.size());
    for (auto& e : entries) {
        auto it = reads.find(e.server_id);
        if (it == reads.end()) {
            std::string d = "no state was read for server ";
            d += e.server_id;
            return failure(errc::invalid_request, std::move(d));
        }
        const result<server_info>& read = it->second;
        planned_server ps;
        ps.server_id = e.server_id;
        ps.decision = decide(read, [&](const server_info& s) { return observe(s, e.target); });
        if (read) ps.observed = observed_text(read.value(), e.target);
        else if (ps.decision == target_decision::fail) ps.problem = read.error();
        if (ps.decision == target_decision::skip && conflicting[e.server_id]) ps.decision = target_decision::send;
        keep.push_back(ps.decision == target_decision::send);
        p.servers.push_back(std::move(ps));
    }
    if constexpr (std::same_as<Op, set_maintenance>) {
        for (std::size_t i = 0; i < op.servers.size(); ++i)
            if (keep[i]) p.request.servers.push_back(op.servers[i]);
    } else {
        for (std::size_t i = 0; i < op.server_ids.size(); ++i)
            if (keep[i]) p.request.server_ids.push_back(op.server_ids[i]);
    }
    return p;
}

/// How one requested server ended.
struct desired_server : target_report {
    bool sent = false;                      ///< the batch named it
    std::string status_id;                  ///< its job, when it was queued
    std::optional<server_state> state;      ///< waited on: where its job ended
    std::optional<job_status> last_status;  ///< waited on: the job's last status read
};

/// A desired-state batch's outcome: one entry per requested server, in request order (duplicates included).
struct ensure_result {
    std::vector<desired_server> servers;
    std::optional<batch_response> batch;  ///< the batch sent (only the servers that needed it); none when all were
                                          ///< unchanged or failed before sending
    bool waited = false;                  ///< the jobs were waited on (ensure_state_and_wait)
    bool deadline_reached = false;        ///< waited: the wait ended at its deadline
    bool cancelled = false;               ///< waited: the wait was cancelled; unfinished jobs keep running
    int polls = 0;                        ///< waited: status GETs sent

    /// No server failed: each is unchanged, or was queued (changed, when waited on).
    bool all_succeeded() const {
        return std::all_of(servers.begin(), servers.end(),
                           [](const desired_server& s) { return serverops::succeeded(s.outcome); });
    }
    std::size_t count(target_outcome o) const {
        return static_cast<std::size_t>(
            std::count_if(servers.begin(), servers.end(), [&](const desired_server& s) { return s.outcome == o; }));
    }
};

/// Pure: the outcome of a plan whose batch (if it had one) was answered `sent`.
template <desired_state_batch Op>
ensure_result result_of(const batch_plan<Op>& p, const batch_response* sent) {
    ensure_result r;
    if (sent) r.batch = *sent;
    r.servers.reserve(p.servers.size());
    std::size_t k = 0;  // the batch answer holds one entry per server sent, in request order
    for (auto& ps : p.servers) {
        desired_server d;
        d.target = ps.server_id;
        d.observed = ps.observed;
        if (ps.decision == target_decision::skip) {
            d.outcome = target_outcome::unchanged;
        } else if (ps.decision == target_decision::fail) {
            d.problem = ps.problem;
        } else if (!sent || k >= sent->servers.size()) {
            d.problem = error(errc::invalid_request, "the batch was not sent");
        } else {
            d.sent = true;
            const auto& job = sent->servers[k++].job;
            if (job) {
                d.outcome = target_outcome::accepted;
                d.status_id = job.value().status_id;
            } else if (is_already_in_desired_state(job.error())) {
                d.outcome = target_outcome::unchanged;
            } else {
                d.problem = job.error();
            }
        }
        r.servers.push_back(std::move(d));
    }
    return r;
}

/// Pure: `r` (from ensure_state) after waiting for its batch's jobs (`w` from session::wait on `*r.batch`).
inline ensure_result with_wait(ensure_result r, const wait_result& w) {
    r.waited = true;
    r.deadline_reached = w.deadline_reached;
    r.cancelled = w.cancelled;
    r.polls = w.polls;
    std::size_t k = 0;  // the wait reports the batch's servers in the batch's order
    for (auto& d : r.servers) {
        if (!d.sent) continue;
        if (k >= w.servers.size()) {
            d.outcome = target_outcome::failed;
            d.problem = error(errc::invalid_request, "server not part of the wait");
            continue;
        }
        const server_outcome& so = w.servers[k++];
        d.status_id = so.status_id;
        d.state = so.state;
        d.last_status = so.last_status;
        if (so.state == server_state::succeeded) {
            d.outcome = target_outcome::changed;
            d.problem.reset();
        } else if (d.outcome == target_outcome::unchanged) {
            // the API's "already in desired state": nothing to wait for
        } else {
            d.outcome = target_outcome::failed;
            d.problem = so.problem ? *so.problem : error(errc::operation_failed);
        }
    }
    return r;
}

namespace detail {

template <class Op>
error stopped_before_sending() {
    error e(errc::cancelled, "stopped after reading the servers; nothing was sent");
    e.operation = Op::name;
    return e;
}

}  // namespace detail

// ---------------------------------------------------------------- sync

/// Reads every server of `op` once, then sends `op` for the servers not already in the state it asks for (one batch,
/// request order kept), and reports every server: unchanged, accepted (queued) or failed. Fails as a whole, with
/// nothing sent, when a read fails for a reason not about its server (read_failure::call_failed) or when
/// `observer.should_stop()` says so after the reads; and, as `session::call` does, when the batch itself fails (see
/// error::may_have_executed). No read is made for an invalid `op` (no ids, an empty id).
template <class Session, desired_state_batch Op>
    requires sync_caller_of<Session, get_server> && sync_caller_of<Session, Op>
result<ensure_result> ensure_state(Session& s, const Op& op, const wait_observer& observer = {}) {
    const auto entries = desired_entries(op);
    std::vector<std::string> all_ids;
    for (auto& e : entries) all_ids.push_back(e.server_id);
    if (auto valid = detail::require_server_ids(all_ids); !valid) {
        error e = valid.error();
        e.operation = Op::name;
        return failure(std::move(e));
    }
    server_reads reads;
    for (auto& id : ids_to_read(op)) {
        auto r = s.call(get_server{id}, call_options{});
        const bool ends_call = !r && classify_read_failure(r.error()) == read_failure::call_failed;
        reads.emplace(id, std::move(r));
        if (ends_call) break;
    }
    BOOST_OUTCOME_TRY(auto p, plan(op, reads));
    if (!p.sends()) return result_of(p, nullptr);
    if (observer.should_stop()) return failure(detail::stopped_before_sending<Op>());
    BOOST_OUTCOME_TRY(auto sent, s.call(p.request, call_options{}));
    return result_of(p, &sent);
}

/// `ensure_state`, then waits for the batch's job (as session::wait does, `policy.timeout` bounding it and
/// `observer` told of every poll): sent servers end changed (their job succeeded) or failed.
template <class Session, desired_state_batch Op>
    requires sync_caller_of<Session, get_server> && sync_caller_of<Session, Op>
result<ensure_result> ensure_state_and_wait(Session& s, const Op& op, const polling_policy& policy = {},
                                            const wait_observer& observer = {}) {
    BOOST_OUTCOME_TRY(auto r, ensure_state(s, op, observer));
    if (!r.batch) {
        r.waited = true;
        return r;
    }
    BOOST_OUTCOME_TRY(auto w, s.wait(*r.batch, policy, observer));
    return with_wait(std::move(r), w);
}

// ---------------------------------------------------------------- async

namespace detail {

// post -> read each server -> plan -> [send the batch] -> the report.
template <class Session, class Op>
struct ensure_op {
    struct begin_tag {};
    struct read_tag {};
    struct sent_tag {};

    Session* s;
    Op op;
    std::vector<std::string> ids{};
    std::size_t next = 0;
    server_reads reads{};
    std::optional<batch_plan<Op>> planned{};

    template <class Self>
    void operator()(Self& self) {  // post first: the handler never runs inside the initiating call
        auto ex = self.get_executor();
        boost::asio::post(ex, boost::asio::prepend(std::move(self), begin_tag{}));
    }

    template <class Self>
    void operator()(Self& self, begin_tag) {
        std::vector<std::string> all_ids;
        for (auto& e : desired_entries(op)) all_ids.push_back(e.server_id);
        if (auto valid = require_server_ids(all_ids); !valid) {
            error e = valid.error();
            e.operation = Op::name;
            return self.complete(failure(std::move(e)));
        }
        ids = ids_to_read(op);
        read_next(self);
    }

    template <class Self>
    void read_next(Self& self) {
        if (serverops::detail::cancellation_requested(self))
            return self.complete(failure(stopped_before_sending<Op>()));
        if (next == ids.size()) return send(self);
        const get_server request{ids[next]};  // copied first: moving `self` below moves `ids` too
        s->async_call(request, boost::asio::prepend(std::move(self), read_tag{}));
    }

    template <class Self>
    void operator()(Self& self, read_tag, result<server_info> r) {
        const bool ends_call = !r && classify_read_failure(r.error()) == read_failure::call_failed;
        reads.emplace(ids[next++], std::move(r));
        if (ends_call) return send(self);  // plan() fails with that read's error
        read_next(self);
    }

    template <class Self>
    void send(Self& self) {
        auto p = plan(op, reads);
        if (!p) return self.complete(failure(std::move(p).error()));
        planned = std::move(p).value();
        if (!planned->sends()) return self.complete(result_of(*planned, nullptr));
        if (serverops::detail::cancellation_requested(self))
            return self.complete(failure(stopped_before_sending<Op>()));
        const Op request = planned->request;
        s->async_call(request, boost::asio::prepend(std::move(self), sent_tag{}));
    }

    template <class Self>
    void operator()(Self& self, sent_tag, result<batch_response> r) {
        if (!r) return self.complete(failure(std::move(r).error()));
        self.complete(result_of(*planned, &r.value()));
    }
};

}  // namespace detail

/// Async `ensure_state`. Completion signature `void(result<ensure_result>)`; any completion token; the handler runs
/// exactly once, never inside this call. Terminal cancellation through the handler's slot: during the reads, the
/// call ends with errc::cancelled and nothing is sent; once the batch is on its way, as `session::async_call`
/// (error::may_have_executed says whether it may have been queued). The session must outlive the operation.
template <class Session, desired_state_batch Op, class CompletionToken>
    requires serverops::detail::async_caller<Session>
auto async_ensure_state(Session& s, const Op& op, CompletionToken&& token) {
    return boost::asio::async_compose<CompletionToken, completion_signature<ensure_result>>(
        detail::ensure_op<Session, Op>{&s, op}, token, s.transport().get_executor());
}

namespace detail {

// ensure_op -> [the session's wait for the batch's job] -> the report.
template <class Session, class Op>
struct ensure_and_wait_op {
    struct ensured_tag {};
    struct waited_tag {};

    Session* s;
    Op op;
    polling_policy policy;
    wait_observer observer;
    std::optional<ensure_result> ensured{};

    template <class Self>
    void operator()(Self& self) {
        auto* session = s;
        const Op request = op;  // copied first: moving `self` below moves `op` too
        async_ensure_state(*session, request, boost::asio::prepend(std::move(self), ensured_tag{}));
    }

    template <class Self>
    void operator()(Self& self, ensured_tag, result<ensure_result> r) {
        if (!r) return self.complete(failure(std::move(r).error()));
        ensured = std::move(r).value();
        if (!ensured->batch) {
            ensured->waited = true;
            return self.complete(std::move(*ensured));
        }
        auto* session = s;
        const auto batch = *ensured->batch;
        const auto p = policy;
        const auto obs = observer;
        session->async_wait(batch, p, obs, boost::asio::prepend(std::move(self), waited_tag{}));
    }

    template <class Self>
    void operator()(Self& self, waited_tag, result<wait_result> w) {
        if (!w) return self.complete(failure(std::move(w).error()));
        self.complete(with_wait(std::move(*ensured), w.value()));
    }
};

}  // namespace detail

/// Async `ensure_state_and_wait` (`s` is a clc::session over an async transport). Completion signature
/// `void(result<ensure_result>)`. Cancelled during the wait: the queued servers are reported with their job ids
/// (`cancelled` set, their state still_running), as `session::async_wait` does.
template <class Session, desired_state_batch Op, class CompletionToken>
    requires serverops::detail::async_caller<Session>
auto async_ensure_state_and_wait(Session& s, const Op& op, const polling_policy& policy, const wait_observer& observer,
                                 CompletionToken&& token) {
    return boost::asio::async_compose<CompletionToken, completion_signature<ensure_result>>(
        detail::ensure_and_wait_op<Session, Op>{&s, op, policy, observer}, token, s.transport().get_executor());
}
template <class Session, desired_state_batch Op, class CompletionToken>
    requires serverops::detail::async_caller<Session>
auto async_ensure_state_and_wait(Session& s, const Op& op, const polling_policy& policy, CompletionToken&& token) {
    return async_ensure_state_and_wait(s, op, policy, wait_observer{}, std::forward<CompletionToken>(token));
}

}  // namespace serverops::clc

#endif
