// The plan's system adapter over live sessions (sync): one binding per system of the plan, dispatched by the name
// the plan's steps use. Each binding is built on its vendor's own operations, desired-state rules and waits — the
// encoders (`encode`), `classify_read_failure`, `clc::is_already_in_desired_state`, `a4c::is_already_in_state`,
// `clc::session::wait_for_jobs` (the job waiter) and `ucs::wait_until_mode` (the mode waiter) — so that a plan
// decides, encodes and polls exactly as the single commands do.
//
//     plan::bound_systems systems;
//     systems.bind("clc", plan::make_clc_binding(clc_session, poll));
//     systems.bind("alien4cloud", plan::make_a4c_binding(a4c_session));
//     systems.bind("ucs", plan::make_ucs_binding(ucs_session, poll));
//     auto report = plan::run_plan(p, plan::run_mode::apply, systems, journal, audit, options);
//
// Redfish: plan::make_redfish_binding (serverops/plan/redfish_adapter.hpp). Extension point (a system of your own):
// implement `system_binding` over its session and `bind` it under the plan's system name; `bound_systems` dispatches on the name alone. A step of a system nobody
// bound fails its reads with errc::invalid_request (nothing is sent).
//
// What each binding does (the sessions' own retry rules apply: no non-idempotent request is ever resent):
//   clc          read: GET the server (`observed_text`: "on"/"off", or the powerState text). send: the batch of the
//                value (start/stopMaintenance, powerOn, powerOff, shutDown, pause, reboot, reset): per server queued
//                (its job id), "already in desired state" (unchanged) or refused. wait with the journaled answer:
//                the job waiter over its status ids; without it (the answer was lost): one read of each server,
//                `changed` when it shows the desired state, else `uncertain` (always for an action).
//   alien4cloud  read: GET maintenance. send: POST (on), DELETE (off), PUT {"message"} (the message update);
//                "already in that state" is unchanged. wait: the change is answered synchronously; it is confirmed by
//                reading the state back (the message by its answer; without one it is `uncertain`).
//   ucs          read: GET /server/status (the mode name). send: POST /server/mode. wait: the mode waiter until the
//                mode is reached or the step's timeout passes (`failed` with the journaled answer, else `uncertain`).
#ifndef SERVEROPS_PLAN_ADAPTERS_HPP
#define SERVEROPS_PLAN_ADAPTERS_HPP

#include <serverops/a4c/desired_state.hpp>
#include <serverops/a4c/maintenance.hpp>
#include <serverops/clc/batch_operations.hpp>
#include <serverops/clc/desired_state.hpp>
#include <serverops/clc/servers.hpp>
#include <serverops/desired_state.hpp>
#include <serverops/detail/concat.hpp>
#include <serverops/operation.hpp>
#include <serverops/plan/system.hpp>
#include <serverops/policies.hpp>
#include <serverops/ucs/server_mode.hpp>
#include <serverops/ucs/wait.hpp>

#include <boost/beast/http/verb.hpp>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace serverops::plan {

/// One system of a plan, reached through its session. `describe` is pure: the exact request `send` would make,
/// from the operation's own encoder, never its headers.
class system_binding {
public:
    virtual ~system_binding() = default;
    virtual result<state_reads> read_states(const read_request& r) = 0;
    virtual std::vector<request_text> describe(const change& c) const = 0;
    virtual result<send_result> send(const change& c) = 0;
    virtual std::vector<confirmation> wait(const wait_request& w, const wait_observer& o) = 0;
};

/// The system adapter of run_plan over bindings, by the plan's system names.
class bound_systems {
public:
    void bind(std::string system_name, std::unique_ptr<system_binding> b) {
        bindings_[std::move(system_name)] = std::move(b);
    }
    bool bound(const std::string& system_name) const { return bindings_.count(system_name) != 0; }

    result<state_reads> read_states(const read_request& r) {
        auto* b = find(r.system);
        if (!b) return failure(unbound(r.system));
        return b->read_states(r);
    }
    std::vector<request_text> describe(const change& c) const {
        auto* b = find(c.system);
        return b ? b->describe(c) : std::vector<request_text>{};
    }
    result<send_result> send(const change& c) {
        auto* b = find(c.system);
        if (!b) return failure(unbound(c.system));
        return b->send(c);
    }
    std::vector<confirmation> wait(const wait_request& w, const wait_observer& o) {
        if (auto* b = find(w.what.system)) return b->wait(w, o);
        std::vector<confirmation> out;
        for (auto& t : w.what.targets) {
            confirmation c;
            c.target = t;
            c.problem = unbound(w.what.system);
            out.push_back(std::move(c));
        }
        return out;
    }

private:
    system_binding* find(const std::string& name) const {
        auto it = bindings_.find(name);
        return it == bindings_.end() ? nullptr : it->second.get();
    }
    static error unbound(const std::string& name) {
        return error(errc::invalid_request, serverops::detail::concat("no session is bound for system '",
                                                                      printable(name, 80), "'"));
    }
    std::map<std::string, std::unique_ptr<system_binding>> bindings_;
};

static_assert(system_adapter<bound_systems>);

namespace detail {

/// The request as the journal and `check` show it: method, origin-form target and body; never the headers.
template <class Op>
request_text request_of(const Op& op, const typename Op::context_type& ctx) {
    request_text q;
    q.method = std::string(boost::beast::http::to_string(Op::method));
    if (auto req = serverops::encode(op, ctx)) {
        q.path = std::move(req.value().target);
        q.body = std::move(req.value().body);
    } else {  // not valid yet (e.g. the CLC alias is learnt at login): the same target and body, unchecked
        q.path = op.target(ctx);
        if constexpr (operation_with_body<Op>) q.body = op.body();
    }
    return q;
}

/// A failed read: the target's own failure, or (not about the target) the whole call's (desired_state.hpp).
template <class T>
bool ends_the_reads(const result<T>& r) {
    return !r && classify_read_failure(r.error()) == read_failure::call_failed;
}

inline std::vector<confirmation> all_of(const change& c, confirmation::status_t s, const std::optional<error>& e,
                                        const std::string& state = {}) {
    std::vector<confirmation> out;
    for (auto& t : c.targets) {
        confirmation k;
        k.target = t;
        k.status = s;
        k.problem = e;
        k.state = state;
        out.push_back(std::move(k));
    }
    return out;
}

inline const sent_target* sent_for(const send_result& r, const std::string& target) {
    for (auto& t : r.targets)
        if (t.target == target) return &t;
    return nullptr;
}

inline error cannot_tell(std::string_view what) {
    return error(errc::deadline_exceeded,
                 serverops::detail::concat("cannot tell whether the request ran: ", what));
}

}  // namespace detail

// ------------------------------------------------------------------------------------------------------------ clc

/// CLC servers: maintenance on/off and the power operations, as batches of the step's servers.
template <class Session>
class clc_binding final : public system_binding {
public:
    clc_binding(Session& s, polling_policy poll) : s_(s), poll_(poll) {}

    result<state_reads> read_states(const read_request& r) override {
        state_reads out;
        for (auto& id : r.targets) {
            auto read = s_.call(clc::get_server{id});
            if (detail::ends_the_reads(read)) return failure(std::move(read).error());
            if (read) out.push_back(text_of(read.value(), r.aspect));
            else out.push_back(failure(std::move(read).error()));
        }
        return out;
    }

    std::vector<request_text> describe(const change& c) const override {
        std::vector<request_text> out;
        with_batch(c, [&](const auto& op) { out.push_back(detail::request_of(op, s_.current_context())); });
        return out;
    }

    result<send_result> send(const change& c) override {
        std::optional<result<clc::batch_response>> answer;
        if (!with_batch(c, [&](const auto& op) { answer = s_.call(op); }))
            return failure(errc::invalid_request,
                           serverops::detail::concat("clc has no operation '", printable(c.value, 40), "'"));
        if (!*answer) return failure(std::move(*answer).error());
        send_result r;
        const auto ids = answer->value().status_ids();
        if (!ids.empty()) r.job = ids.front();
        for (auto& sj : answer->value().servers) {
            sent_target t;
            t.target = sj.server_id;
            if (sj.job) {
                t.status = sent_target::accepted;
                t.job = sj.job.value().status_id;
            } else if (clc::is_already_in_desired_state(sj.job.error())) {
                t.status = sent_target::unchanged;
            } else {
                t.problem = sj.job.error();
            }
            r.targets.push_back(std::move(t));
        }
        return r;
    }

    std::vector<confirmation> wait(const wait_request& w, const wait_observer& o) override {
        if (!w.handle) return judge_by_state(w);
        std::vector<std::string> jobs;
        for (auto& t : w.handle->targets)
            if (t.status == sent_target::accepted && std::find(jobs.begin(), jobs.end(), t.job) == jobs.end())
                jobs.push_back(t.job);
        std::optional<result<clc::job_wait_report>> report;
        if (!jobs.empty()) {
            auto policy = poll_;
            policy.timeout = w.timeout;
            report = s_.wait_for_jobs(jobs, policy, o);
        }
        std::vector<confirmation> out;
        for (auto& target : w.what.targets) {
            confirmation k;
            k.target = target;
            const auto* st = detail::sent_for(*w.handle, target);
            if (!st) {
                k.problem = error(errc::target_not_in_response, "the batch answer did not name this server");
            } else if (st->status == sent_target::unchanged) {
                k.status = confirmation::unchanged;
                k.state = w.desired;
            } else if (st->status == sent_target::failed) {
                k.status = confirmation::failed;
                k.problem = st->problem;
            } else if (!*report) {
                k.problem = report->error();  // the wait itself failed: the job's end is not known
            } else {
                confirm_job(k, report->value(), st->job, w.desired);
            }
            out.push_back(std::move(k));
        }
        return out;
    }

private:
    static std::string text_of(const clc::server_info& s, action_kind aspect) {
        return clc::observed_text(s, aspect == action_kind::maintenance ? clc::server_target::maintenance_is(true)
                                                                        : clc::server_target::power_is({}));
    }

    /// Calls `f` with the batch operation of the change's value; false when the value has none.
    template <class F>
    static bool with_batch(const change& c, F&& f) {
        const auto& ids = c.targets;
        if (c.action == action_kind::maintenance) {
            if (c.value == "on") return f(clc::start_maintenance{ids}), true;
            if (c.value == "off") return f(clc::stop_maintenance{ids}), true;
            return false;
        }
        if (c.value == "power-on") return f(clc::power_on{ids}), true;
        if (c.value == "power-off") return f(clc::power_off{ids}), true;
        if (c.value == "shut-down") return f(clc::shut_down{ids}), true;
        if (c.value == "pause") return f(clc::pause{ids}), true;
        if (c.value == "reboot") return f(clc::reboot{ids}), true;
        if (c.value == "reset") return f(clc::reset{ids}), true;
        return false;
    }

    static void confirm_job(confirmation& k, const clc::job_wait_report& report, const std::string& job,
                            const std::string& desired) {
        for (auto& j : report.jobs) {
            if (j.status_id != job) continue;
            switch (j.state) {
            case clc::server_state::succeeded:
                k.status = confirmation::changed;
                k.state = desired;
                return;
            case clc::server_state::failed:
            case clc::server_state::not_queued:
                k.status = confirmation::failed;
                k.problem = j.problem ? *j.problem : error(errc::operation_failed);
                return;
            case clc::server_state::still_running:
            case clc::server_state::poll_error:
                k.status = report.cancelled ? confirmation::uncertain : confirmation::failed;
                k.problem = j.problem ? *j.problem
                                      : error(report.cancelled ? errc::cancelled : errc::deadline_exceeded,
                                              serverops::detail::concat("job ", printable(job, 80), " not done"));
                return;
            }
        }
        k.problem = error(errc::target_not_in_response, "the job was not part of the wait");
    }

    /// Without the batch's answer there is no job to follow: one read per server decides, when it can.
    std::vector<confirmation> judge_by_state(const wait_request& w) {
        std::vector<confirmation> out;
        for (auto& target : w.what.targets) {
            confirmation k;
            k.target = target;
            auto read = s_.call(clc::get_server{target});
            if (read) k.state = text_of(read.value(), w.what.action);
            if (!w.desired.empty() && read && k.state == w.desired) k.status = confirmation::changed;
            else k.problem = read ? detail::cannot_tell("the server is not in the state asked for")
                                  : std::move(read).error();
            out.push_back(std::move(k));
        }
        return out;
    }

    Session& s_;
    polling_policy poll_;
};

// ---------------------------------------------------------------------------------------------------- alien4cloud

/// Alien4Cloud maintenance: on (POST), off (DELETE), and the message update (PUT) as its own change.
template <class Session>
class a4c_binding final : public system_binding {
public:
    explicit a4c_binding(Session& s) : s_(s) {}

    result<state_reads> read_states(const read_request& r) override {
        state_reads out;
        for (std::size_t i = 0; i < r.targets.size(); ++i) {
            auto read = s_.call(a4c::get_maintenance_state{});
            if (detail::ends_the_reads(read)) return failure(std::move(read).error());
            if (read) out.push_back(std::string(read.value().enabled ? "on" : "off"));
            else out.push_back(failure(std::move(read).error()));
        }
        return out;
    }

    std::vector<request_text> describe(const change& c) const override {
        const auto& ctx = s_.current_context();
        if (c.value == "message") return {detail::request_of(update_of(c), ctx)};
        if (c.value == "on") return {detail::request_of(a4c::enable_maintenance{}, ctx)};
        return {detail::request_of(a4c::disable_maintenance{}, ctx)};
    }

    result<send_result> send(const change& c) override {
        result<void> sent = success();
        const bool enable = c.value == "on";
        if (c.value == "message") sent = s_.call(update_of(c));
        else if (enable) sent = s_.call(a4c::enable_maintenance{});
        else sent = s_.call(a4c::disable_maintenance{});
        sent_target::status_t status = sent_target::accepted;
        if (!sent) {
            if (c.value == "message" || !a4c::is_already_in_state(sent.error(), enable))
                return failure(std::move(sent).error());
            status = sent_target::unchanged;
        }
        send_result r;
        for (auto& t : c.targets) {
            sent_target st;
            st.target = t;
            st.status = status;
            r.targets.push_back(std::move(st));
        }
        return r;
    }

    std::vector<confirmation> wait(const wait_request& w, const wait_observer&) override {
        if (w.what.value == "message") {  // nothing to read back: its answer is the confirmation
            if (w.handle) return detail::all_of(w.what, confirmation::changed, std::nullopt);
            return detail::all_of(w.what, confirmation::uncertain,
                                  detail::cannot_tell("a message update leaves no state to read"));
        }
        auto read = s_.call(a4c::get_maintenance_state{});
        if (!read) return detail::all_of(w.what, confirmation::uncertain, read.error());
        const std::string state = read.value().enabled ? "on" : "off";
        if (state == w.desired) {
            const bool was_unchanged = w.handle && !w.handle->targets.empty() &&
                                       w.handle->targets.front().status == sent_target::unchanged;
            return detail::all_of(w.what, was_unchanged ? confirmation::unchanged : confirmation::changed,
                                  std::nullopt, state);
        }
        if (w.handle)
            return detail::all_of(w.what, confirmation::failed,
                                  error(errc::operation_failed, "maintenance is not in the state asked for"), state);
        return detail::all_of(w.what, confirmation::uncertain,
                              detail::cannot_tell("maintenance is not in the state asked for"), state);
    }

private:
    static a4c::update_maintenance update_of(const change& c) {
        a4c::update_maintenance u;
        u.message = c.message;
        return u;
    }
    Session& s_;
};

// ------------------------------------------------------------------------------------------------------------ ucs

/// Genesys UCS: the server mode (maintenance, production).
template <class Session>
class ucs_binding final : public system_binding {
public:
    ucs_binding(Session& s, polling_policy poll) : s_(s), poll_(poll) {}

    result<state_reads> read_states(const read_request& r) override {
        state_reads out;
        for (std::size_t i = 0; i < r.targets.size(); ++i) {
            auto read = s_.call(ucs::get_server_status{});
            if (detail::ends_the_reads(read)) return failure(std::move(read).error());
            if (read) out.push_back(std::string(ucs::to_string(read.value().mode)));
            else out.push_back(failure(std::move(read).error()));
        }
        return out;
    }

    std::vector<request_text> describe(const change& c) const override {
        auto mode = ucs::parse_server_mode(c.value);
        if (!mode) return {};
        return {detail::request_of(ucs::set_server_mode{mode.value()}, s_.current_context())};
    }

    result<send_result> send(const change& c) override {
        BOOST_OUTCOME_TRY(auto mode, ucs::parse_server_mode(c.value));
        BOOST_OUTCOME_TRY(s_.call(ucs::set_server_mode{mode}));
        send_result r;
        for (auto& t : c.targets) {
            sent_target st;
            st.target = t;
            st.status = sent_target::accepted;
            r.targets.push_back(std::move(st));
        }
        return r;
    }

    std::vector<confirmation> wait(const wait_request& w, const wait_observer& o) override {
        auto mode = ucs::parse_server_mode(w.desired);
        if (!mode) return detail::all_of(w.what, confirmation::failed, mode.error());
        auto policy = poll_;
        policy.timeout = w.timeout;
        auto reached = ucs::wait_until_mode(s_, mode.value(), policy, o);
        if (reached) return detail::all_of(w.what, confirmation::changed, std::nullopt, w.desired);
        const bool known_sent = w.handle.has_value() && !reached.error().is(errc::cancelled);
        return detail::all_of(w.what, known_sent ? confirmation::failed : confirmation::uncertain, reached.error());
    }

private:
    Session& s_;
    polling_policy poll_;
};

template <class Session>
std::unique_ptr<system_binding> make_clc_binding(Session& s, const polling_policy& poll = {}) {
    return std::make_unique<clc_binding<Session>>(s, poll);
}
template <class Session>
std::unique_ptr<system_binding> make_a4c_binding(Session& s) {
    return std::make_unique<a4c_binding<Session>>(s);
}
template <class Session>
std::unique_ptr<system_binding> make_ucs_binding(Session& s, const polling_policy& poll = {}) {
    return std::make_unique<ucs_binding<Session>>(s, poll);
}

}  // namespace serverops::plan

#endif
