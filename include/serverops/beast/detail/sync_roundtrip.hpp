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
#include <boost/asio/write.hpp>
#include <boost/beast/http/read.hpp>

#include <string>

namespace serverops::beast_detail {

/// `request` is the wire form (request_bytes).
inline result<http_response> sync_roundtrip(sync_connection& conn, const std::string& request, bool idempotent) {
    const auto& opts = conn.config().options;
    const auto& target = conn.config().target;
    bool reused = conn.reusable_for(idempotent);  // rule 1
    if (!reused) conn.close();
    for (;;) {
        if (!conn.is_open()) {
            if (auto failed = conn.open()) return failure(std::move(*failed));
        }
        response_reader parser;
        apply_limits(parser, opts);
        conn.buffer().clear();
        conn.expires_after(opts.request_timeout);  // one deadline for write + read

        error_code ec;
        step failed_step = step::write;
        conn.with_stream([&](auto& stream) { boost::asio::write(stream, boost::asio::buffer(request), ec); });
        if (!ec) {
            failed_step = step::read;
            conn.with_stream([&](auto& stream) { http::read(stream, conn.buffer(), parser, ec); });
        }
        if (ec) {
            conn.close();
            if (reused && idempotent && is_peer_closed(ec) && !parser.got_some()) {  // rule 2
                reused = false;  // the fresh connection gets no second retry
                continue;
            }
            return failure(map_step_error(failed_step, ec, target, opts));
        }
        if (!parser.keep_alive() || parser.need_eof() || conn.buffer().size() != 0) conn.close();  // rule 3
        else conn.exchange_completed();
        return parser.release();
    }
}

}  // namespace serverops::beast_detail

#endif
