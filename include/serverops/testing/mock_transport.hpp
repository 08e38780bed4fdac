// A transport for users' unit tests: canned responses or a handler, every request recorded, errors injected,
// async completions posted (never inline) or held until the test releases them.
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

#include <algorithm>
#include <cstdint>
#include <deque>
#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <string>
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

class mock_transport {
public:
    using executor_type = boost::asio::any_io_executor;
    using handler_function = std::function<result<http_response>(const http_request&)>;

    enum class completion { posted, manual };

    /// `ex` is needed only for async use; completions go through the handler's associated executor, else `ex`.
    explicit mock_transport(executor_type ex = {}) : executor_(std::move(ex)) {}

    mock_transport(const mock_transport&) = delete;
    mock_transport& operator=(const mock_transport&) = delete;

    executor_type get_executor() const { return executor_; }

    // ---- scripting ----
    /// Queues a response (any status) for the next request.
    void push(http_response r) { with_lock([&] { queue_.emplace_back(std::move(r)); }); }
    void push(unsigned status, std::string body = {}) { push(make_response(status, std::move(body))); }
    /// Queues a transport failure for the next request.
    void push_error(error e) { with_lock([&] { queue_.emplace_back(failure(std::move(e))); }); }
    void push_error(errc e, std::string detail = "injected by mock_transport") { push_error(error(e, std::move(detail))); }
    /// Answers every request for which nothing is queued.
    void set_handler(handler_function f) {
        auto shared = std::make_shared<handler_function>(std::move(f));  // one instance: stateful lambdas keep state
        with_lock([&] { handler_ = std::move(shared); });
    }
    /// `manual`: async sends wait until `release_one/release_all`, so a test can cancel them or check ordering.
    void set_completion(completion c) { with_lock([&] { mode_ = c; }); }

    // ---- inspection ----
    std::vector<http_request> requests() const { return with_lock([&] { return requests_; }); }
    std::size_t request_count() const { return with_lock([&] { return requests_.size(); }); }
    std::size_t pending_count() const { return with_lock([&] { return pending_.size(); }); }
    std::size_t queued_count() const { return with_lock([&] { return queue_.size(); }); }

    // ---- transport interface ----
    result<http_response> send(const http_request& req) { return answer(req); }

    template <class CompletionToken>
    auto async_send(http_request req, CompletionToken&& token) {
        return boost::asio::async_initiate<CompletionToken, completion_signature<http_response>>(
            [this](auto handler, http_request r) { this->start(std::move(handler), std::move(r)); }, token, std::move(req));
    }

    /// Releases held (manual-mode) sends, oldest first; returns how many were released.
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

    result<http_response> answer(const http_request& req) {
        record(req);
        return scripted(req);
    }

    result<http_response> scripted(const http_request& req) {
        std::shared_ptr<handler_function> h;
        {
            std::lock_guard lock(mutex_);
            if (!queue_.empty()) {
                auto r = std::move(queue_.front());
                queue_.pop_front();
                return r;
            }
            h = handler_;
        }
        if (h && *h) return (*h)(req);
        return failure(errc::transport_failure, "mock_transport: nothing scripted for " +
                                                    std::string(boost::beast::http::to_string(req.method)) + " " +
                                                    req.target);
    }

    template <class Handler>
    void start(Handler handler, http_request req) {
        if (with_lock([&] { return mode_; }) == completion::posted) {
            auto r = answer(req);
            auto ex = boost::asio::get_associated_executor(handler, executor_);
            post_completion(std::move(handler), std::move(r), ex);
            return;
        }
        record(req);
        auto slot = boost::asio::get_associated_cancellation_slot(handler);
        const std::uint64_t id = with_lock([&] { return ++next_id_; });
        if (slot.is_connected()) slot.assign([this, id](boost::asio::cancellation_type) { cancel(id); });
        auto held = std::make_unique<held_handler_impl<Handler>>(std::move(handler), executor_);
        with_lock([&] { pending_.push_back(pending_send{id, std::move(req), std::move(held)}); });
    }

    void cancel(std::uint64_t id) {
        std::unique_ptr<held_handler> h;
        {
            std::lock_guard lock(mutex_);
            auto it = std::find_if(pending_.begin(), pending_.end(), [&](const pending_send& p) { return p.id == id; });
            if (it == pending_.end()) return;
            h = std::move(it->handler);
            pending_.erase(it);
        }
        h->complete(failure(errc::cancelled, "cancelled while the mock held the request"));
    }

    std::size_t release(std::size_t n) {
        std::size_t done = 0;
        while (done < n) {
            pending_send p;
            {
                std::lock_guard lock(mutex_);
                if (pending_.empty()) break;
                p = std::move(pending_.front());
                pending_.pop_front();
            }
            p.handler->complete(scripted(p.request));
            ++done;
        }
        return done;
    }

    executor_type executor_;
    mutable std::mutex mutex_;
    std::deque<result<http_response>> queue_;
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
