// The async driver of the plan engine: the same engine (engine.hpp) and the same actions as the sync driver
// (run.hpp), with reads, sends and waits performed by an async system adapter. Journal and audit writes stay
// synchronous on purpose: the engine asks for the intent's fsync'd append before the send, and that write having
// returned is what makes a crash unable to resend.
//
//     auto report = co_await plan::async_run_plan(p, plan::run_mode::apply, systems, journal, audit, options,
//                                                 boost::asio::use_awaitable);
//
// An async adapter of your own implements `async_system_adapter`; `offloaded_systems` makes one of any sync adapter
// (the bindings of plan/adapters.hpp) by running its calls on a worker executor, one at a time.
#ifndef SERVEROPS_PLAN_ASYNC_RUN_HPP
#define SERVEROPS_PLAN_ASYNC_RUN_HPP

#include <serverops/detail/cancellation.hpp>
#include <serverops/plan/run.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/compose.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/prepend.hpp>

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace serverops::plan {

/// What async_run_plan needs of the systems: `describe` as the sync adapter (pure), and reads, sends and waits that
/// complete with the sync adapter's results (`void(result<state_reads>)`, `void(result<send_result>)`,
/// `void(std::vector<confirmation>)`) through any completion token, never inside the initiating call.
template <class A>
concept async_system_adapter = requires(A& a, const read_request& r, const change& c, const wait_request& w,
                                        const wait_observer& o) {
    typename A::executor_type;
    { a.get_executor() } -> std::convertible_to<typename A::executor_type>;
    { a.describe(c) } -> std::same_as<std::vector<request_text>>;
    a.async_read_states(r, [](result<state_reads>) {});
    a.async_send(c, [](result<send_result>) {});
    a.async_wait(w, o, [](std::vector<confirmation>) {});
};

/// An async adapter over a sync one: each read, send and wait runs on `worker` (a thread pool's executor, say), one
/// at a time, and completes on the handler's executor. The sync adapter (and its sessions) is only ever used from
/// the worker, by one call at a time: the driver starts the next call only after the previous one completed.
template <system_adapter Sync, class Executor>
class offloaded_systems {
public:
    using executor_type = Executor;

    offloaded_systems(Sync& systems, Executor caller, boost::asio::any_io_executor worker)
        : systems_(&systems), caller_(std::move(caller)), worker_(std::move(worker)) {}

    executor_type get_executor() const noexcept { return caller_; }

    std::vector<request_text> describe(const change& c) { return systems_->describe(c); }

    template <class CompletionToken>
    auto async_read_states(read_request r, CompletionToken&& token) {
        return offload<result<state_reads>>([s = systems_, r = std::move(r)] { return s->read_states(r); },
                                            std::forward<CompletionToken>(token));
    }
    template <class CompletionToken>
    auto async_send(change c, CompletionToken&& token) {
        return offload<result<send_result>>([s = systems_, c = std::move(c)] { return s->send(c); },
                                            std::forward<CompletionToken>(token));
    }
    /// `observer.should_stop()` is asked from the worker between polls (make it thread-safe).
    template <class CompletionToken>
    auto async_wait(wait_request w, wait_observer observer, CompletionToken&& token) {
        return offload<std::vector<confirmation>>(
            [s = systems_, w = std::move(w), o = std::move(observer)] { return s->wait(w, o); },
            std::forward<CompletionToken>(token));
    }

private:
    template <class R, class Work, class CompletionToken>
    auto offload(Work work, CompletionToken&& token) {
        return boost::asio::async_initiate<CompletionToken, void(R)>(
            [this](auto handler, Work w) {
                auto ex = boost::asio::get_associated_executor(handler, caller_);
                auto guard = boost::asio::make_work_guard(ex);  // the caller's context keeps running meanwhile
                boost::asio::post(worker_, [w = std::move(w), h = std::move(handler), g = std::move(guard)]() mutable {
                    R out = w();
                    auto done_ex = g.get_executor();
                    boost::asio::post(done_ex, [h = std::move(h), out = std::move(out)]() mutable {
                        std::move(h)(std::move(out));
                    });
                });
            },
            token, std::move(work));
    }

    Sync* systems_;
    Executor caller_;
    boost::asio::any_io_executor worker_;
};

namespace detail {
// post -> [read the journal] -> loop { engine.next(): journal/audit/describe inline; read/send/wait async } -> report
template <class Systems>
struct run_plan_op {
    struct begin_tag {};
    struct read_tag {};
    struct sent_tag {};
    struct waited_tag {};

    const maintenance_plan* plan;
    run_mode mode;
    Systems* systems;
    journal* j;
    audit_log* audit;
    run_options options;
    std::unique_ptr<engine> e{};
    std::optional<std::string> note{};

    template <class Self>
    void operator()(Self& self) {  // post first: the handler never runs inside the initiating call
        auto ex = self.get_executor();
        boost::asio::post(ex, boost::asio::prepend(std::move(self), begin_tag{}));
    }

    template <class Self>
    void operator()(Self& self, begin_tag) {
        std::vector<record> history;
        if (mode != run_mode::check) {
            auto contents = j->read_all();
            if (!contents) {
                plan_report r;
                r.plan = plan->name;
                r.mode = std::string(to_string(mode));
                r.result = "error";
                r.problem = std::move(contents).error();
                r.hint = "the journal cannot be read: nothing was sent";
                return self.complete(std::move(r));
            }
            history = std::move(contents.value().records);
            note = std::move(contents.value().torn);
        }
        e = std::make_unique<engine>(*plan, mode, std::move(history), options.engine);
        loop(self);
    }

    template <class Self>
    void operator()(Self& self, read_tag, result<state_reads> r) {
        e->on_read(std::move(r));
        loop(self);
    }
    template <class Self>
    void operator()(Self& self, sent_tag, result<send_result> r) {
        e->on_sent(std::move(r));
        loop(self);
    }
    template <class Self>
    void operator()(Self& self, waited_tag, std::vector<confirmation> c) {
        e->on_waited(std::move(c));
        loop(self);
    }

    // The sync driver's loop (run.hpp: drive), suspended at each read, send and wait. A stop (the observer, or a
    // cancellation of this operation) is handed to the engine, which ends at its next safe point.
    template <class Self>
    void loop(Self& self) {
        for (;;) {
            if (options.observer.should_stop() || serverops::detail::cancellation_requested(self)) e->stop();
            auto a = e->next();
            if (options.on_action) options.on_action(a);
            auto* s = systems;
            switch (a.kind) {
            case engine_action::read_state:
                return s->async_read_states(std::move(a.read), boost::asio::prepend(std::move(self), read_tag{}));
            case engine_action::describe: e->on_described(s->describe(a.what)); break;
            case engine_action::journal:
                a.entry.time = rfc3339_utc(options.wall_clock());
                e->on_journaled(j->append(a.entry));
                break;
            case engine_action::send:
                return s->async_send(std::move(a.what), boost::asio::prepend(std::move(self), sent_tag{}));
            case engine_action::wait: {
                auto observer = options.observer;
                return s->async_wait(std::move(a.confirm), std::move(observer),
                                     boost::asio::prepend(std::move(self), waited_tag{}));
            }
            case engine_action::audit:
                a.line.time = rfc3339_utc(options.wall_clock());
                e->on_audited(audit->write(a.line));
                break;
            case engine_action::done: {
                auto r = e->report();
                r.journal_note = std::move(note);
                return self.complete(std::move(r));
            }
            }
        }
    }
};
}  // namespace detail

/// Async `run_plan`: the same engine, journal, audit and report. Completion signature `void(plan_report)`; any
/// completion token; the handler runs once, never inside this call. Terminal cancellation (or
/// `options.observer.should_stop()`) stops the plan at its next safe point, as a signal does the CLI's: nothing
/// half-journaled, `resume` continues. `p`, `systems`, `j` and `audit` must outlive the operation.
template <async_system_adapter Systems, class CompletionToken>
auto async_run_plan(const maintenance_plan& p, run_mode mode, Systems& systems, journal& j, audit_log& audit,
                    run_options options, CompletionToken&& token) {
    return boost::asio::async_compose<CompletionToken, void(plan_report)>(
        detail::run_plan_op<Systems>{&p, mode, &systems, &j, &audit, std::move(options)}, token,
        systems.get_executor());
}

}  // namespace serverops::plan

#endif
