// POST {prefix}/server/mode and GET {prefix}/server/status: switch UCS between maintenance and production mode and
// watch it. While UCS switches, every request answers 503 (errc::busy); poll get_server_status until
// `mode` is the one asked for.
#ifndef SERVEROPS_UCS_SERVER_MODE_HPP
#define SERVEROPS_UCS_SERVER_MODE_HPP

#include <serverops/ucs/context.hpp>
#include <serverops/ucs/detail/decode.hpp>
#include <serverops/ucs/detail/request.hpp>
#include <serverops/ucs/types.hpp>

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include <string>

namespace serverops::ucs {

/// CV.WS.MODE: body `{"mode":"maintenance"|"production"}`, answer 200 `{"server changed":"<mode>"}` with
/// `Location: /server/status`. A reported mode other than the requested one is errc::unexpected_response.
///
/// Idempotent: the request names the target mode, not a transition, so a second delivery leaves the server in the
/// same mode. UCS waits for in-flight work before it switches (schema requests, default 1 minute; or outstanding
/// profile/service functions); a duplicate that arrives meanwhile is refused with 503 (errc::busy) and
/// changes nothing, and one that arrives later finds nothing in flight that the new mode allows. Confirm the
/// outcome with get_server_status either way.
struct set_server_mode {
    using response_type = set_server_mode_response;
    using context_type = context;
    static constexpr std::string_view name = "ucs.setServerMode";
    static constexpr verb method = verb::post;
    static constexpr bool idempotent = true;

    server_mode mode = server_mode::maintenance;

    std::string target(const context& ctx) const { return ctx.path_prefix + "/server/mode"; }
    std::string body() const {
        boost::json::object o;
        o["mode"] = to_string(mode);
        return boost::json::serialize(o);
    }
    result<void> validate(const context& ctx) const {
        if (to_string(mode).empty()) return failure(errc::invalid_request, "mode is neither maintenance nor production");
        return detail::check_context(ctx);
    }
    result<set_server_mode_response> decode(const http_response& res) const {
        return with_http_status(decode_answer(res), res);
    }

private:
    result<set_server_mode_response> decode_answer(const http_response& res) const {
        using namespace detail;
        BOOST_OUTCOME_TRY(check_status(res, 200));
        BOOST_OUTCOME_TRY(auto v, parse_json(res.body));
        BOOST_OUTCOME_TRY(auto o, as_object(v, "$"));
        BOOST_OUTCOME_TRY(auto text, string_field(*o, "server changed", "$['server changed']"));
        set_server_mode_response r;
        BOOST_OUTCOME_TRY(r.mode, parse_server_mode(text));
        if (r.mode != mode) {
            std::string d = "asked for ";
            d += to_string(mode);
            d += " mode, the server reports ";
            d += to_string(r.mode);
            return failure(errc::unexpected_response, std::move(d));
        }
        if (auto loc = res.headers.find("Location")) r.location = std::string(loc->substr(0, 2048));
        return r;
    }
};

/// CV.WS.STAT: the server's mode, version, clock, memory and counters. Only `mode` is required.
struct get_server_status {
    using response_type = server_status;
    using context_type = context;
    static constexpr std::string_view name = "ucs.getServerStatus";
    static constexpr verb method = verb::get;
    static constexpr bool idempotent = true;

    std::string target(const context& ctx) const { return ctx.path_prefix + "/server/status"; }
    result<void> validate(const context& ctx) const { return detail::check_context(ctx); }
    result<server_status> decode(const http_response& res) const {
        return with_http_status(decode_status(res), res);
    }

private:
    static result<server_status> decode_status(const http_response& res) {
        using namespace detail;
        BOOST_OUTCOME_TRY(check_status(res, 200));
        BOOST_OUTCOME_TRY(auto v, parse_json(res.body));
        BOOST_OUTCOME_TRY(auto o, as_object(v, "$"));
        server_status s;
        BOOST_OUTCOME_TRY(auto mode, string_field(*o, "mode", "$.mode"));
        BOOST_OUTCOME_TRY(s.mode, parse_server_mode(mode));
        BOOST_OUTCOME_TRY(auto version, optional_string_field(*o, "version", "$.version"));
        s.version = version.value_or("");
        BOOST_OUTCOME_TRY(s.system_time, optional_time_field(*o, "system_time", "$.system_time"));
        BOOST_OUTCOME_TRY(s.started, optional_time_field(*o, "started", "$.started"));
        BOOST_OUTCOME_TRY(s.last_request, optional_time_field(*o, "last_request", "$.last_request"));
        BOOST_OUTCOME_TRY(s.max_memory, optional_int_field(*o, "max_memory", "$.max_memory"));
        BOOST_OUTCOME_TRY(s.allocated_memory, optional_int_field(*o, "allocated_memory", "$.allocated_memory"));
        BOOST_OUTCOME_TRY(s.free_memory, optional_int_field(*o, "free_memory", "$.free_memory"));
        BOOST_OUTCOME_TRY(s.used_memory, optional_int_field(*o, "used_memory", "$.used_memory"));
        BOOST_OUTCOME_TRY(s.request_today, optional_int_field(*o, "request_today", "$.request_today"));
        BOOST_OUTCOME_TRY(s.client_errors_today, optional_int_field(*o, "client_errors_today", "$.client_errors_today"));
        BOOST_OUTCOME_TRY(s.server_errors_today, optional_int_field(*o, "server_errors_today", "$.server_errors_today"));
        return s;
    }
};

}  // namespace serverops::ucs

#endif
