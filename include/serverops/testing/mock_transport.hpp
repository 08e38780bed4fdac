// A transport for users' unit tests: canned responses or a handler, every request recorded, errors injected,
// async completions posted (never inline) or held until the test releases them; scripted delays measured against
// http_request::deadline as the Beast transports do.
#ifndef SERVEROPS_TESTING_MOCK_TRANSPORT_HPP
#define SERVEROPS_TESTING_MOCK_TRANSPORT_HPP

#include <serverops/transport.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/append.hpp>
#include <boost/asio/associated_cancellation_slot.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/cancellation_type.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace serverops::testing {

/// Builds a response with a JSON (or any) body.
inline http_response make_response(unsigned status, std::string body = {},
                                   std::initializer_list<std::pair<std::string_view, std::string_view>> headers = {}) {
    http_response r;
    r.status = status;
    r.body = std::move(body);
    for (auto& [k, v] : headers) r.headers.add(k, v);
    return r;
}

/// Deadlines and "may have executed" as the Beast transports report them:
/// - a request whose `deadline` has passed when it is sent is not sent: errc::timeout, not recorded, nothing
///   scripted is used up, may_have_executed false;
/// - an answer scripted with a delay arrives after that delay (real time: the sync `send` sleeps, async sends wait
///   on a timer of the mock's executor); when the delay ends past the request's deadline, the call fails at the
///   deadline with errc::timeout, and may_have_executed is set for a non-idempotent request (it was sent);
/// - push_failure() injects a failure before or after sending, may_have_executed following the same rule;
///   push_error() injects an error exactly as given;
/// - cancelling a held or delayed async send completes it with errc::cancelled, may_have_executed set for a
///   non-idempotent request (the mock had received it).
/// Held and delayed sends refer to the mock: it must outlive them.
class mock_transport {
public:
    using executor_type = boost::asio::any_io_executor;
    using handler_function = std::function<result<http_response>(const http_request&)>;

    enum class completion { posted, manual };
    /// Where an injected failure happened (push_failure).
    enum class failure_point { before_sending, after_sending };

    /// `ex` is needed only for async use; completions go through the handler's associated executor, else `ex`.
    explicit mock_transport(executor_type ex = {}) : executor_(std::move(ex)) {}

    mock_transport(const mock_transport&) = delete;
    mock_transport& operator=(const mock_transport&) = delete;

    executor_type get_executor() const { return executor_; }

    // ---- scripting ----
    /// Queues a response (any status) for the next request, answered after `delay` (see the class comment).
    void push(http_response r, std::chrono::milliseconds delay = {}) {
        with_lock([&] { queue_.push_back(scripted_answer{std::move(r), delay, std::nullopt}); });
    }
    void push(unsigned status, std::string body = {}) { push(make_response(status, std::move(body))); }
    /// Queues a transport failure for the next request, exactly as given (may_have_executed included).
    void push_error(error e) {
        with_lock([&] { queue_.push_back(scripted_answer{failure(std::move(e)), {}, std::nullopt}); });
    }
    void push_error(errc e, std::string detail = "injected by mock_transport") { push_error(error(e, std::move(detail))); }
    /// Queues a transport failure for the next request that happened `where`: may_have_executed is set as the
    /// Beast transports set it (after sending, for a non-idempotent request).
    void push_failure(errc e, failure_point where, std::string detail = "injected by mock_transport") {
        with_lock([&] { queue_.push_back(scripted_answer{failure(e, std::move(detail)), {}, where}); });
    }
    /// Answers every request for which nothing is queued.
    void set_handler(handler_function f) {
        auto shared = std::make_shared<handler_function>(std::move(f));  // one instance: stateful lambdas keep state
        with_lock([&] { handler_ = std::move(shared); });
    }
    /// `manual`: async sends wait until `release_one/release_all` (scripted delays are then ignored: the release is
    /// the delay), so a test can cancel them or check ordering.
    void set_completion(completion c) { with_lock([&] { mode_ = c; }); }

    // ---- inspection ----
    std::vector<http_request> requests() const { return with_lock([&] { return requests_; }); }
    std::size_t request_count() const { return with_lock([&] { return requests_.size(); }); }
    /// Async sends not completed yet: held (manual mode) or delayed.
    std::size_t pending_count() const { return with_lock([&] { return pending_.size(); }); }
    std::size_t queued_count() const { return with_lock([&] { return queue_.size(); }); }

    // ---- transport interface ----
    result<http_response> send(const http_request& req) {
        auto planned = plan(req);
        if (planned.wait > std::chrono::steady_clock::duration::zero()) std::this_thread::sleep_for(planned.wait);
        return std::move(planned.outcome);
    }

    template <class CompletionToken>
    auto async_send(http_request req, CompletionToken&& token) {
        return boost::asio::async_initiate<CompletionToken, completion_signature<http_response>>(
            [this](auto handler, http_request r) { this->start(std::move(handler), std::move(r)); }, token, std::move(req));
    }

    /// Releases held (manual-mode) sends, oldest first; returns how many were released. Delayed sends complete on
    /// their own.
    std::size_t release_one() { return release(1); }
    std::size_t release_all() { return release(SIZE_MAX); }

private:
    // Type erasure for held sends that keeps the concrete handler: its associated executor is tracked with a work
    // guard while the send is held, and the completion is posted to it.
    struct held_handler {
        virtual ~held_handler() = default;
        virtual void complete(result<http_response> r) = 0;
    };
    template <class Handler>
    struct held_handler_impl final : held_handler {
        using executor = boost::asio::associated_executor_t<Handler, executor_type>;
        held_handler_impl(Handler h, const executor_type& fallback)
            : handler(std::move(h)), work(boost::asio::get_associated_executor(handler, fallback)) {}
        void complete(result<http_response> r) override { post_completion(std::move(handler), std::move(r), work.get_executor()); }
        Handler handler;
        boost::asio::executor_work_guard<executor> work;  // keeps run() alive while the send is held
    };
    struct pending_send {
        std::uint64_t id = 0;
        http_request request;
        std::unique_ptr<held_handler> handler;
        std::optional<result<http_response>> outcome;  // delayed sends: decided when sent, completed by `timer`
        std::unique_ptr<boost::asio::steady_timer> timer;
    };
    struct scripted_answer {
        result<http_response> outcome;
        std::chrono::milliseconds delay{};
        std::optional<failure_point> point;  // push_failure: may_have_executed is decided per request
    };
    /// What a send gets, and after how long.
    struct planned_answer {
        result<http_response> outcome;
        std::chrono::steady_clock::duration wait{};
    };

    // Posts (never dispatches) the completion: the handler must not run inside async_send.
    template <class Handler, class Executor>
    static void post_completion(Handler handler, result<http_response> r, const Executor& ex) {
        auto slot = boost::asio::get_associated_cancellation_slot(handler);
        if (slot.is_connected()) slot.clear();
        boost::asio::post(ex, boost::asio::append(std::move(handler), std::move(r)));
    }

    template <class F>
    auto with_lock(F&& f) const -> decltype(f()) {
        std::lock_guard lock(mutex_);
        return f();
    }

    void record(const http_request& req) {
        with_lock([&] { requests_.push_back(req); });
    }

    static bool deadline_passed(const http_request& req) {
        return req.deadline && *req.deadline <= std::chrono::steady_clock::now();
    }
    static error not_sent(const http_request&) {
        return error(errc::timeout, "mock_transport: the caller's deadline passed before the request was sent");
    }

    /// Sends `req` (records it and takes its scripted answer), or refuses it when its deadline has passed.
    planned_answer plan(const http_request& req) {
        if (deadline_passed(req)) return {failure(not_sent(req)), {}};
        record(req);
        auto answer = scripted(req);
        const auto now = std::chrono::steady_clock::now();
        if (req.deadline && answer.delay > std::chrono::milliseconds::zero() && now + answer.delay > *req.deadline) {
            error e(errc::timeout, "mock_transport: the scripted delay of " + std::to_string(answer.delay.count()) +
                                       " ms passes the caller's deadline");
            e.may_have_executed = !req.idempotent;
            return {failure(std::move(e)), *req.deadline - now};
        }
        return {std::move(answer.outcome), answer.delay};
    }

    scripted_answer scripted(const http_request& req) {
        std::shared_ptr<handler_function> h;
        {
            std::lock_guard lock(mutex_);
            if (!queue_.empty()) {
                auto a = std::move(queue_.front());
                queue_.pop_front();
                if (a.point && !a.outcome) a.outcome.error().may_have_executed =
                                              *a.point == failure_point::after_sending && !req.idempotent;
                return a;
            }
            h = handler_;
        }
        if (h && *h) return {(*h)(req), {}, std::nullopt};
        return {failure(errc::transport_failure, "mock_transport: nothing scripted for " +
                                                     std::string(boost::beast::http::to_string(req.method)) + " " +
                                                     req.target),
                {},
                std::nullopt};
    }

    template <class Handler>
    void start(Handler handler, http_request req) {
        const bool posted = with_lock([&] { return mode_; }) == completion::posted;
        if (deadline_passed(req)) {  // not sent, in either mode
            auto ex = boost::asio::get_associated_executor(handler, executor_);
            post_completion(std::move(handler), failure(not_sent(req)), ex);
            return;
        }
        std::optional<planned_answer> planned;
        if (posted) {
            planned.emplace(plan(req));
            if (planned->wait <= std::chrono::steady_clock::duration::zero()) {
                auto ex = boost::asio::get_associated_executor(handler, executor_);
                post_completion(std::move(handler), std::move(planned->outcome), ex);
                return;
            }
        } else {
            record(req);
        }
        // Held until released (manual) or until the delay ends (posted).
        auto slot = boost::asio::get_associated_cancellation_slot(handler);
        const std::uint64_t id = with_lock([&] { return ++next_id_; });
        if (slot.is_connected()) slot.assign([this, id](boost::asio::cancellation_type) { cancel(id); });
        pending_send p{id, std::move(req), std::make_unique<held_handler_impl<Handler>>(std::move(handler), executor_),
                       std::nullopt, nullptr};
        boost::asio::steady_timer* timer = nullptr;
        if (planned) {
            p.outcome.emplace(std::move(planned->outcome));
            p.timer = std::make_unique<boost::asio::steady_timer>(executor_, planned->wait);
            timer = p.timer.get();
        }
        std::lock_guard lock(mutex_);  // listed before the timer can fire; its handler never runs inline
        pending_.push_back(std::move(p));
        if (timer != nullptr) timer->async_wait([this, id](boost::system::error_code ec) {
            if (!ec) finish_delayed(id);
        });
    }

    /// Takes a pending send out of the list (under the lock); empty when it already completed.
    std::optional<pending_send> take(std::uint64_t id) {
        std::lock_guard lock(mutex_);
        auto it = std::find_if(pending_.begin(), pending_.end(), [&](const pending_send& p) { return p.id == id; });
        if (it == pending_.end()) return std::nullopt;
        std::optional<pending_send> p(std::move(*it));
        pending_.erase(it);
        return p;
    }

    void cancel(std::uint64_t id) {
        auto p = take(id);
        if (!p) return;
        if (p->timer) p->timer->cancel();
        error e(errc::cancelled, "cancelled while the mock held the request");
        e.may_have_executed = !p->request.idempotent;  // the mock had received it
        p->handler->complete(failure(std::move(e)));
    }

    void finish_delayed(std::uint64_t id) {
        auto p = take(id);
        if (p) p->handler->complete(std::move(*p->outcome));
    }

    std::size_t release(std::size_t n) {
        std::size_t done = 0;
        while (done < n) {
            pending_send p;
            {
                std::lock_guard lock(mutex_);
                auto it = std::find_if(pending_.begin(), pending_.end(), [](const pending_send& q) { return !q.timer; });
                if (it == pending_.end()) break;  // delayed sends complete on their own
                p = std::move(*it);
                pending_.erase(it);
            }
            p.handler->complete(std::move(scripted(p.request).outcome));
            ++done;
        }
        return done;
    }

    executor_type executor_;
    mutable std::mutex mutex_;
    std::deque<scripted_answer> queue_;
    std::shared_ptr<handler_function> handler_;
    std::vector<http_request> requests_;
    std::list<pending_send> pending_;
    std::uint64_t next_id_ = 0;
    completion mode_ = completion::posted;
};

static_assert(sync_transport<mock_transport>);
static_assert(async_transport<mock_transport>);

}  // namespace serverops::testing

#endif
