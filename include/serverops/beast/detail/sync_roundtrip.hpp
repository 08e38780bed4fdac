// One blocking request/response exchange on the sync transport's connection, under the keep-alive rules 1-3 listed
// in beast/detail/roundtrip.hpp (probe before reuse, one fresh-connection retry for idempotent requests only,
// discard on error, `Connection: close`, EOF framing or extra bytes).
#ifndef SERVEROPS_BEAST_DETAIL_SYNC_ROUNDTRIP_HPP
#define SERVEROPS_BEAST_DETAIL_SYNC_ROUNDTRIP_HPP

#include <serverops/beast/detail/error_mapping.hpp>
#include <serverops/beast/detail/messages.hpp>
#include <serverops/beast/detail/sync_connection.hpp>
#include <serverops/http_message.hpp>

#include <boost/asio/buffer.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/read_size.hpp>

#include <chrono>
#include <cstddef>

namespace serverops::beast_detail {

/// Feeds `reader` from `stream` until it has the final response or fails (`ec`).
template <class SyncReadStream>
void read_response(SyncReadStream& stream, boost::beast::flat_buffer& buffer, response_assembler& reader,
                   error_code& ec) {
    for (;;) {
        if (reader.parse(buffer, ec) != response_assembler::status::need_more) return;
        const std::size_t room = boost::beast::read_size(buffer, 65536);
        if (room == 0) {
            ec = http::error::buffer_overflow;
            return;
        }
        const std::size_t n = stream.read_some(buffer.prepare(room), ec);
        buffer.commit(n);
        if (ec == boost::asio::error::eof) {
            reader.finish_at_eof(ec);
            return;
        }
        if (ec) return;
    }
}

inline result<http_response> sync_roundtrip(sync_connection& conn, const exchange& x) {
    const auto& opts = conn.config().options;
    const auto& target = conn.config().target;
    bool reused = conn.reusable_for(x.idempotent);  // rule 1
    if (!reused) conn.close();
    for (;;) {
        if (!conn.is_open()) {
            if (auto failed = conn.open(x.deadline)) return failure(std::move(*failed));
        }
        const auto bound = bound_step(opts.request_timeout, x.deadline);  // one bound for write + read
        if (bound.expiry <= std::chrono::steady_clock::now())
            return failure(deadline_passed_before(step::write, target));  // the connection stays usable
        conn.expires_at(bound.expiry);
        response_assembler reader(x.body_limit, x.header_limit, x.head);
        conn.buffer().clear();

        error_code ec;
        step failed_step = step::write;
        std::size_t written = 0;
        conn.with_stream([&](auto& stream) { written = boost::asio::write(stream, boost::asio::buffer(x.wire), ec); });
        if (!ec) {
            failed_step = step::read;
            conn.with_stream([&](auto& stream) { read_response(stream, conn.buffer(), reader, ec); });
        }
        if (ec) {
            conn.close();
            if (reused && x.idempotent && is_peer_closed(ec) && !reader.got_some()) {  // rule 2
                reused = false;  // the fresh connection gets no second retry
                continue;
            }
            // A write that failed before its first byte left sent nothing.
            const bool may_have_left = failed_step == step::read || written != 0;
            return failure(mark_if_sent(
                map_step_error(failed_step, ec, target, opts, {bound.by_caller_deadline, x.body_limit, {}}),
                may_have_left, x.idempotent));
        }
        if (!reader.connection_reusable(conn.buffer())) conn.close();  // rule 3
        else conn.exchange_completed();
        return reader.release();
    }
}

}  // namespace serverops::beast_detail

#endif
