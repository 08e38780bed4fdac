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
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>

#include <memory>
#include <optional>
#include <string>
#include <utility>

namespace serverops::beast_detail {

class roundtrip_op : asio::coroutine {
public:
    roundtrip_op(connection& conn, std::string request, bool idempotent)
        : conn_(&conn), state_(std::make_unique<state>(std::move(request), idempotent)) {}

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
    void operator()(Self& self, error_code ec, std::size_t = 0) {
        resume(self, ec);
    }

private:
    struct state {
        state(std::string r, bool idem) : request(std::move(r)), idempotent(idem) {}
        std::string request;  // the wire form (request_bytes); stable address while async_write sends it
        std::optional<response_reader> parser;
        tcp::resolver::results_type endpoints;
        std::optional<error> early_failure;  // found before any I/O; reported after a post
        bool idempotent;
        bool reused = false;   // this attempt runs on a connection that served earlier requests
        bool retried = false;  // the one allowed fresh-connection retry was used
    };

    const transport_options& options() const { return conn_->config().options; }
    const endpoint& target() const { return conn_->config().target; }

    template <class Self>
    void fail(Self& self, step s, error_code ec) {
        std::string tls_reason;
        if (s == step::tls_handshake && conn_->tls() != nullptr)
            tls_reason = describe_tls_failure(conn_->tls()->native_handle(), target().host);
        error e = conn_->aborted() ? with_cause(errc::cancelled, ec, "the request was cancelled")
                                   : map_step_error(s, ec, target(), options(), tls_reason);
        conn_->close();
        self.complete(failure(std::move(e)));
    }

    // Rule 2 above; the caller has already checked that the attempt failed.
    bool may_retry(error_code ec) const {
        return state_->reused && !state_->retried && state_->idempotent && !conn_->aborted() && is_peer_closed(ec) &&
               !(state_->parser && state_->parser->got_some());
    }

    void start_parser() { apply_limits(state_->parser.emplace(), options()); }

    template <class Self>
    void resume(Self& self, error_code ec) {
        auto& st = *state_;
        BOOST_ASIO_CORO_REENTER(*this) {
            if (conn_->aborted()) {
                st.early_failure = error(errc::cancelled, "the request was cancelled");
            } else if (conn_->is_open()) {
                st.reused = conn_->reusable_for(st.idempotent);  // rule 1
                if (!st.reused) conn_->close();
            }
            if (st.early_failure) {
                BOOST_ASIO_CORO_YIELD asio::post(conn_->get_executor(), std::move(self));  // never complete inline
                self.complete(failure(std::move(*st.early_failure)));
                return;
            }
            for (;;) {
                if (!conn_->is_open()) {
                    ec = conn_->renew_streams();
                    if (ec) {
                        st.early_failure = with_cause(errc::tls_failure, ec, "could not prepare the TLS stream");
                        BOOST_ASIO_CORO_YIELD asio::post(conn_->get_executor(), std::move(self));
                        conn_->close();
                        self.complete(failure(std::move(*st.early_failure)));
                        return;
                    }
                    BOOST_ASIO_CORO_YIELD conn_->resolver().async_resolve(target().host, target().port,
                                                                          std::move(self));
                    if (ec || conn_->aborted()) return fail(self, step::resolve, ec ? ec : asio::error::operation_aborted);

                    conn_->tcp_layer().expires_after(options().connect_timeout);
                    BOOST_ASIO_CORO_YIELD conn_->tcp_layer().async_connect(st.endpoints, std::move(self));
                    if (ec) return fail(self, step::connect, ec);

                    if (conn_->tls() != nullptr) {
                        conn_->tcp_layer().expires_after(options().tls_handshake_timeout);
                        BOOST_ASIO_CORO_YIELD conn_->tls()->async_handshake(ssl::stream_base::client, std::move(self));
                        if (ec) return fail(self, step::tls_handshake, ec);
                    }
                }

                start_parser();
                conn_->buffer().clear();
                conn_->tcp_layer().expires_after(options().request_timeout);  // one deadline for write + read
                BOOST_ASIO_CORO_YIELD conn_->with_stream(
                    [&](auto& stream) { asio::async_write(stream, asio::buffer(st.request), std::move(self)); });
                if (ec) {
                    if (may_retry(ec)) {
                        st.retried = true;
                        st.reused = false;
                        conn_->close();
                        continue;
                    }
                    return fail(self, step::write, ec);
                }

                BOOST_ASIO_CORO_YIELD conn_->with_stream(
                    [&](auto& stream) { http::async_read(stream, conn_->buffer(), *st.parser, std::move(self)); });
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

            conn_->tcp_layer().expires_never();
            const bool reusable = st.parser->keep_alive() && !st.parser->need_eof() && conn_->buffer().size() == 0;
            if (!reusable) conn_->close();
            else conn_->exchange_completed();
            self.complete(st.parser->release());
        }
    }

    connection* conn_;
    std::unique_ptr<state> state_;
};

/// Completion signature `void(result<http_response>)`. The connection must outlive the operation; cancellation
/// goes through `connection::abort()`, not through a cancellation slot.
template <class CompletionToken>
auto async_roundtrip(connection& conn, std::string request, bool idempotent, CompletionToken&& token) {
    return asio::async_compose<CompletionToken, completion_signature<http_response>>(
        roundtrip_op(conn, std::move(request), idempotent), token, conn.get_executor());
}

}  // namespace serverops::beast_detail

#endif
