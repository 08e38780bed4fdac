// One request/response exchange on a connection slot of the async transport, as a composed operation. The rules for
// reusing keep-alive connections, which the sync exchange (sync_roundtrip.hpp) follows too:
//   1. An idle connection is probed (non-blocking) before reuse, unless an idempotent request follows within
//      unprobed_reuse_window (beast/detail/probe.hpp); if the peer closed it, a fresh one is opened.
//   2. If a reused connection still fails with "peer closed" before any response byte arrived, an idempotent
//      request is sent once more on a fresh connection. A non-idempotent request is never sent twice: once its
//      write has started, any failure is returned.
//   3. Any error, a `Connection: close`, a response delimited by EOF or unexpected extra bytes discard the
//      connection.
#ifndef SERVEROPS_BEAST_DETAIL_ROUNDTRIP_HPP
#define SERVEROPS_BEAST_DETAIL_ROUNDTRIP_HPP

#include <serverops/beast/detail/connection.hpp>
#include <serverops/beast/detail/error_mapping.hpp>
#include <serverops/beast/detail/messages.hpp>
#include <serverops/beast/detail/tls_setup.hpp>
#include <serverops/transport.hpp>

#include <boost/asio/async_result.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/compose.hpp>
#include <boost/asio/coroutine.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/write.hpp>
#include <boost/asio/error.hpp>
#include <boost/beast/core/read_size.hpp>
#include <boost/beast/core/tcp_stream.hpp>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <utility>

namespace serverops::beast_detail {

class roundtrip_op : asio::coroutine {
public:
    roundtrip_op(connection& conn, exchange x) : conn_(&conn), state_(std::make_unique<state>(std::move(x))) {}

    template <class Self>
    void operator()(Self& self) {
        resume(self, {});
    }
    template <class Self>
    void operator()(Self& self, error_code ec, tcp::resolver::results_type endpoints) {
        state_->endpoints = std::move(endpoints);
        resume(self, ec);
    }
    template <class Self>
    void operator()(Self& self, error_code ec, const tcp::endpoint&) {
        resume(self, ec);
    }
    template <class Self>
    void operator()(Self& self, error_code ec, std::size_t transferred = 0) {
        state_->transferred = transferred;
        resume(self, ec);
    }

private:
    struct state {
        explicit state(exchange e) : x(std::move(e)) {}
        exchange x;  // x.wire keeps a stable address while async_write sends it
        std::optional<response_assembler> reader;
        tcp::resolver::results_type endpoints;
        step_bound bound;                    // of the step in progress
        std::size_t transferred = 0;         // by the last read or write
        std::size_t room = 0;                // of the next read
        std::optional<error> early_failure;  // found before a step began; reported after a post
        bool close_on_early_failure = false;
        bool reused = false;   // this attempt runs on a connection that served earlier requests
        bool retried = false;  // the one allowed fresh-connection retry was used
    };

    const transport_options& options() const { return conn_->config().options; }
    const endpoint& target() const { return conn_->config().target; }

    template <class Self>
    void fail(Self& self, step s, error_code ec) {
        const auto& st = *state_;
        std::string tls_reason;
        if (s == step::tls_handshake && conn_->tls() != nullptr)
            tls_reason = describe_tls_failure(conn_->tls()->native_handle(), target().host);
        // A write that failed before its first byte left sent nothing.
        bool may_have_left = s == step::read || (s == step::write && st.transferred != 0);
        error e;
        if (conn_->aborted()) {
            e = with_cause(errc::cancelled, ec, "the request was cancelled");
            may_have_left = conn_->request_may_have_left();
        } else {
            e = map_step_error(s, ec, target(), options(), {st.bound.by_caller_deadline, st.x.body_limit, tls_reason});
        }
        conn_->close();
        self.complete(failure(mark_if_sent(std::move(e), may_have_left, st.x.idempotent)));
    }

    // Rule 2 above; the caller has already checked that the attempt failed.
    bool may_retry(error_code ec) const {
        return state_->reused && !state_->retried && state_->x.idempotent && !conn_->aborted() &&
               is_peer_closed(ec) && !(state_->reader && state_->reader->got_some());
    }

    /// Bounds the next step by its timeout and the caller's deadline; false (and an early failure) when the
    /// deadline has already passed, so the step does not begin.
    bool arm(std::chrono::milliseconds timeout, step s) {
        auto& st = *state_;
        st.bound = bound_step(timeout, st.x.deadline);
        if (st.bound.expiry <= std::chrono::steady_clock::now()) {
            st.early_failure = deadline_passed_before(s, target());
            st.close_on_early_failure = s != step::write;  // a connection without its handshake is of no use
            return false;
        }
        conn_->tcp_layer().expires_at(st.bound.expiry);
        return true;
    }

    template <class Self>
    void resume(Self& self, error_code ec) {
        auto& st = *state_;
        BOOST_ASIO_CORO_REENTER(*this) {
            if (conn_->aborted()) {
                st.early_failure = error(errc::cancelled, "the request was cancelled");
            } else if (st.x.deadline && *st.x.deadline <= std::chrono::steady_clock::now()) {
                st.early_failure = deadline_passed_before(step::write, target());
            } else if (conn_->is_open()) {
                st.reused = conn_->reusable_for(st.x.idempotent);  // rule 1
                if (!st.reused) conn_->close();
            }
            while (!st.early_failure) {
                if (!conn_->is_open()) {
                    ec = conn_->renew_streams();
                    if (ec) {
                        st.early_failure = with_cause(errc::tls_failure, ec, "could not prepare the TLS stream");
                        st.close_on_early_failure = true;
                        break;
                    }
                    BOOST_ASIO_CORO_YIELD conn_->resolver().async_resolve(target().host, target().port,
                                                                          std::move(self));
                    if (ec || conn_->aborted()) return fail(self, step::resolve, ec ? ec : asio::error::operation_aborted);

                    if (!arm(options().connect_timeout, step::connect)) break;
                    BOOST_ASIO_CORO_YIELD conn_->tcp_layer().async_connect(st.endpoints, std::move(self));
                    if (ec) return fail(self, step::connect, ec);

                    if (conn_->tls() != nullptr) {
                        if (!arm(options().tls_handshake_timeout, step::tls_handshake)) break;
                        BOOST_ASIO_CORO_YIELD conn_->tls()->async_handshake(ssl::stream_base::client, std::move(self));
                        if (ec) return fail(self, step::tls_handshake, ec);
                    }
                }

                if (!arm(options().request_timeout, step::write)) break;  // one bound for write + read
                st.reader.emplace(st.x.body_limit, st.x.header_limit, st.x.head);
                conn_->buffer().clear();
                conn_->request_started();
                st.transferred = 0;
                BOOST_ASIO_CORO_YIELD conn_->with_stream(
                    [&](auto& stream) { asio::async_write(stream, asio::buffer(st.x.wire), std::move(self)); });
                if (ec) {
                    if (may_retry(ec)) {
                        st.retried = true;
                        st.reused = false;
                        conn_->close();
                        continue;
                    }
                    return fail(self, step::write, ec);
                }

                // The sync read_response (sync_roundtrip.hpp), step by step.
                for (;;) {
                    if (st.reader->parse(conn_->buffer(), ec) != response_assembler::status::need_more) break;
                    st.room = boost::beast::read_size(conn_->buffer(), 65536);
                    if (st.room == 0) {
                        ec = http::error::buffer_overflow;
                        break;
                    }
                    BOOST_ASIO_CORO_YIELD conn_->with_stream([&](auto& stream) {
                        stream.async_read_some(conn_->buffer().prepare(st.room), std::move(self));
                    });
                    conn_->buffer().commit(st.transferred);
                    if (ec == asio::error::eof) {
                        st.reader->finish_at_eof(ec);
                        break;
                    }
                    if (ec) break;
                }
                if (ec) {
                    if (may_retry(ec)) {
                        st.retried = true;
                        st.reused = false;
                        conn_->close();
                        continue;
                    }
                    return fail(self, step::read, ec);
                }
                break;
            }
            if (st.early_failure) {
                if (st.close_on_early_failure) conn_->close();
                BOOST_ASIO_CORO_YIELD asio::post(conn_->get_executor(), std::move(self));  // never complete inline
                self.complete(failure(std::move(*st.early_failure)));
                return;
            }

            conn_->tcp_layer().expires_never();
            if (st.reader->connection_reusable(conn_->buffer())) conn_->exchange_completed();
            else conn_->close();
            self.complete(st.reader->release());
        }
    }

    connection* conn_;
    std::unique_ptr<state> state_;
};

/// Completion signature `void(result<http_response>)`. The connection must outlive the operation; cancellation
/// goes through `connection::abort()`, not through a cancellation slot.
template <class CompletionToken>
auto async_roundtrip(connection& conn, exchange x, CompletionToken&& token) {
    return asio::async_compose<CompletionToken, completion_signature<http_response>>(
        roundtrip_op(conn, std::move(x)), token, conn.get_executor());
}

}  // namespace serverops::beast_detail

#endif
