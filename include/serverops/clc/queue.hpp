// GET /v2/operations/{alias}/status/{statusId}
#ifndef SERVEROPS_CLC_QUEUE_HPP
#define SERVEROPS_CLC_QUEUE_HPP

#include <serverops/clc/detail/decode.hpp>
#include <serverops/clc/detail/request.hpp>

namespace serverops::clc {

/// The state of a queued job. An undocumented status string is `errc::unknown_enum_value`, never a guess.
struct get_status {
    using response_type = get_status_response;
    using context_type = context;
    static constexpr std::string_view name = "clc.getStatus";
    static constexpr verb method = verb::get;
    static constexpr bool idempotent = true;

    std::string status_id;

    std::string target(const context& ctx) const {
        return detail::make_target(ctx, {"operations", ctx.account_alias, "status", status_id});
    }
    result<void> validate(const context& ctx) const {
        BOOST_OUTCOME_TRY(detail::require_alias(ctx));
        if (status_id.empty()) return failure(errc::invalid_request, "no status id given");
        return success();
    }
    result<get_status_response> decode(const http_response& res) const {
        using namespace detail;
        if (!is_success_status(res.status)) return failure(http_error(res));
        BOOST_OUTCOME_TRY(auto v, parse_json(res.body));
        BOOST_OUTCOME_TRY(auto o, as_object(v, "$"));
        BOOST_OUTCOME_TRY(auto s, string_field(*o, "status", "$.status"));
        BOOST_OUTCOME_TRY(auto st, job_status_names.parse(s, "job status"));
        return get_status_response{st};
    }
};

}  // namespace serverops::clc

#endif
