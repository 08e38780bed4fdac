// The async transport's engine: at most N connection slots, a FIFO of calls waiting for one, per-call
// cancellation and close(). Not a template: every completion token funnels into one any_completion_handler type,
// so a translation unit instantiates the Beast stack once, whatever tokens it uses.
//
// Threading: all state lives on a strand. Entry points (submit, cancellation, close) post to it; completions are
// posted through the transport's executor and run on the handler's associated executor.
#ifndef SERVEROPS_BEAST_DETAIL_ASYNC_POOL_HPP
#define SERVEROPS_BEAST_DETAIL_ASYNC_POOL_HPP

#include <serverops/beast/detail/connection.hpp>
#include <serverops/beast/detail/messages.hpp>
#include <serverops/beast/detail/roundtrip.hpp>
#include <serverops/transport.hpp>

#include <boost/asio/any_completion_executor.hpp>
#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/associated_cancellation_slot.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/cancellation_type.hpp>
#include <boost/asio/execution/outstanding_work.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/prefer.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include <algorithm>
#include <deque>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

namespace serverops::beast_detail {

class async_pool : public std::enable_shared_from_this<async_pool> {
public:
    using handler_type = asio::any_completion_handler<completion_signature<http_response>>;

    async_pool(asio::any_io_executor ex, endpoint target, transport_options options)
        : executor_(std::move(ex)),
          strand_(asio::make_strand(executor_)),
          config_(make_connection_config(std::move(target), std::move(options))) {}

    async_pool(const async_pool&) = delete;
    async_pool& operator=(const async_pool&) = delete;

    const connection_config& config() const noexcept { return config_; }

    /// Starts one call. Never completes inline: every path goes through the strand first.
    void submit(handler_type handler, const http_request& req) {
        auto c = std::make_shared<call>(std::move(handler), executor_);
        c->idempotent = req.idempotent;

        if (config_.setup_error) return post_failure(std::move(c), *config_.setup_error);
        auto x = prepare_exchange(req, config_.target, config_.options);
        if (!x) return post_failure(std::move(c), std::move(x).error());
        c->x = std::move(x).value();

        if (c->slot.is_connected()) {
            // Weak references: the slot belongs to the caller and may outlive a call that never completes
            // (destroyed io_context); the strand decides whether the cancellation still applies.
            c->slot.assign([weak_pool = weak_from_this(), weak_call = std::weak_ptr<call>(c),
                            strand = strand_](asio::cancellation_type type) {
                asio::post(strand, [weak_pool, weak_call, type] {
                    auto pool = weak_pool.lock();
                    auto target = weak_call.lock();
                    if (pool && target) pool->cancel(target, type);
                });
            });
        }
        asio::post(strand_, [self = shared_from_this(), c = std::move(c)]() mutable { self->enqueue(std::move(c)); });
    }

    /// Fails waiting and running calls with errc::cancelled, closes every connection and refuses new calls.
    void close() {
        asio::post(strand_, [self = shared_from_this()] { self->close_now(); });
    }

private:
    enum class call_state { created, queued, running, done };

    struct call {
        // Boost 1.81's any_completion_handler move *assignment* recurses forever: only ever move-construct it.
        call(handler_type&& h, const asio::any_io_executor& fallback)
            : handler(std::move(h)),
              slot(asio::get_associated_cancellation_slot(handler)),
              work(asio::prefer(asio::get_associated_executor(handler, fallback),
                                asio::execution::outstanding_work.tracked)) {}

        handler_type handler;
        asio::cancellation_slot slot;
        std::optional<asio::any_completion_executor> work;  // keeps the handler's executor busy while pending
        exchange x;  // handed to the exchange when the call starts
        bool idempotent = false;
        call_state state = call_state::created;
        connection* conn = nullptr;                        // while running
        std::optional<asio::steady_timer> deadline_timer;  // while queued with a deadline
    };
    using call_ptr = std::shared_ptr<call>;

    void post_failure(call_ptr c, error e) {
        asio::post(strand_, [self = shared_from_this(), c = std::move(c), e = std::move(e)]() mutable {
            self->complete(*c, failure(std::move(e)));
        });
    }

    void enqueue(call_ptr c) {
        if (c->state == call_state::done) return;  // cancelled before it reached the strand
        if (closed_) return complete(*c, failure(errc::cancelled, "the transport is closed"));
        if (connection* conn = acquire()) return start(std::move(c), *conn);
        c->state = call_state::queued;
        if (c->x.deadline) {
            // The caller's deadline bounds the wait for a connection too.
            auto& timer = c->deadline_timer.emplace(strand_, *c->x.deadline);
            timer.async_wait([weak_pool = weak_from_this(), weak_call = std::weak_ptr<call>(c)](error_code ec) {
                auto pool = weak_pool.lock();
                auto target = weak_call.lock();
                if (!ec && pool && target && target->state == call_state::queued) {
                    std::erase(pool->waiting_, target);
                    pool->complete(*target, failure(errc::timeout, "the caller's deadline passed while the request "
                                                                   "waited for a connection to " +
                                                                       where(pool->config_.target)));
                }
            });
        }
        waiting_.push_back(std::move(c));
    }

    /// An idle slot (open connections first), else a new slot while under the limit.
    connection* acquire() {
        if (!idle_.empty()) {
            connection* conn = idle_.back();
            idle_.pop_back();
            return conn;
        }
        if (slots_.size() < config_.options.max_connections) {
            slots_.push_back(std::make_unique<connection>(strand_, config_));
            return slots_.back().get();
        }
        return nullptr;
    }

    void start(call_ptr c, connection& conn) {
        c->state = call_state::running;
        c->conn = &conn;
        c->deadline_timer.reset();
        conn.rearm();
        running_.push_back(c);
        // The exchange owns the request: it may outlive a call that was cancelled.
        async_roundtrip(conn, std::move(c->x),
                        asio::bind_executor(strand_, [self = shared_from_this(), c](result<http_response> r) mutable {
                            self->finished(std::move(c), std::move(r));
                        }));
    }

    void finished(call_ptr c, result<http_response> r) {
        connection& conn = *c->conn;
        c->conn = nullptr;
        std::erase(running_, c);
        complete(*c, std::move(r));  // no-op when it was cancelled meanwhile
        release(conn);
    }

    /// Hands the slot to the oldest waiting call, else parks it.
    void release(connection& conn) {
        if (closed_ || conn.aborted()) conn.close();
        conn.rearm();
        if (!waiting_.empty()) {
            call_ptr next = std::move(waiting_.front());
            waiting_.pop_front();
            return start(std::move(next), conn);
        }
        if (conn.is_open()) idle_.push_back(&conn);
        else idle_.insert(idle_.begin(), &conn);  // reuse open ones first
    }

    void cancel(const call_ptr& c, asio::cancellation_type type) {
        using ct = asio::cancellation_type;
        switch (c->state) {
        case call_state::created:
        case call_state::queued:
            // Nothing was sent: any cancellation type can be honoured.
            if ((type & (ct::terminal | ct::partial | ct::total)) == ct::none) return;
            std::erase(waiting_, c);
            return complete(*c, failure(errc::cancelled, "cancelled while waiting for a connection"));
        case call_state::running:
            // Bytes may be on the wire: only terminal cancellation, which closes the connection.
            if ((type & ct::terminal) == ct::none) return;
            c->conn->abort();
            return complete(*c, failure(cancelled_while_running(*c, "cancelled; its connection was closed")));
        case call_state::done:
            return;
        }
    }

    /// A running call ends early: its request may have reached the server once the write began.
    static error cancelled_while_running(const call& c, std::string detail) {
        return mark_if_sent(error(errc::cancelled, std::move(detail)), c.conn->request_may_have_left(), c.idempotent);
    }

    void close_now() {
        closed_ = true;
        auto waiting = std::move(waiting_);
        waiting_.clear();
        for (auto& c : waiting) complete(*c, failure(errc::cancelled, "the transport was closed"));
        for (auto& c : running_) {
            c->conn->abort();
            complete(*c, failure(cancelled_while_running(*c, "the transport was closed")));
        }
        for (connection* conn : idle_) conn->close();
    }

    /// Exactly once per call: later attempts (cancellation racing with the result) are ignored.
    void complete(call& c, result<http_response> r) {
        if (c.state == call_state::done) return;
        c.state = call_state::done;
        c.deadline_timer.reset();
        auto handler_ex = asio::get_associated_executor(c.handler, executor_);
        // Posted through the I/O executor, then run on the handler's executor; the slot is cleared there, where
        // the caller emits cancellations.
        asio::post(executor_, asio::bind_executor(handler_ex, [h = std::move(c.handler), slot = c.slot,
                                                               r = std::move(r)]() mutable {
                       if (slot.is_connected()) slot.clear();
                       std::move(h)(std::move(r));
                   }));
        c.work.reset();
    }

    asio::any_io_executor executor_;
    asio::strand<asio::any_io_executor> strand_;
    connection_config config_;
    std::vector<std::unique_ptr<connection>> slots_;  // at most max_connections; connections refer to config_
    std::vector<connection*> idle_;                    // back = most recently used open connection
    std::deque<call_ptr> waiting_;                     // FIFO
    std::vector<call_ptr> running_;
    bool closed_ = false;
};

}  // namespace serverops::beast_detail

#endif
