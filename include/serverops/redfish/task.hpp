// GET a task monitor (the `Location` of a 202): 202 while the task runs, then the operation's own answer.
#ifndef SERVEROPS_REDFISH_TASK_HPP
#define SERVEROPS_REDFISH_TASK_HPP

#include <serverops/redfish/context.hpp>
#include <serverops/redfish/detail/decode.hpp>
#include <serverops/redfish/detail/request.hpp>
#include <serverops/redfish/types.hpp>

#include <algorithm>
#include <cstdint>
#include <string>

namespace serverops::redfish {

/// One poll of a task monitor (DSP0266 "Asynchronous operations"):
/// - 202: still running; the body, when it is a Task, gives its state, percentage and messages; `Retry-After`
///   (seconds, or an HTTP date against the answer's `Date`) is kept for the wait;
/// - another 2xx: done. A Task body gives its TaskState (a non-terminal one means "keep polling"); any other body
///   (the reset's own 204, or 200 with `@Message.ExtendedInfo`) means the operation completed;
/// - 4xx/5xx: an error (a 404 once the service dropped a finished task among them).
/// An undocumented TaskState is errc::unknown_enum_value; a Task member of the wrong JSON type is an error naming
/// its path.
struct get_task {
    using response_type = task;
    using context_type = context;
    static constexpr std::string_view name = "redfish.getTaskMonitor";
    static constexpr verb method = verb::get;
    static constexpr bool idempotent = true;

    std::string uri;  ///< the task monitor

    std::string target(const context& ctx) const { return detail::followed_target(ctx, uri, "task monitor"); }
    result<void> validate(const context& ctx) const { return detail::check_link(ctx, uri, "task monitor"); }
    result<task> decode(const http_response& res) const { return with_http_status(decode_answer(res), res); }

private:
    result<task> decode_answer(const http_response& res) const {
        using namespace detail;
        if (!is_success_status(res.status)) {
            BOOST_OUTCOME_TRY(check_status(res, {200, 202, 204}));
        }
        task t;
        t.monitor_uri = bounded(uri, max_uri_length);
        t.http_status = res.status;
        t.retry_after = retry_after_delay(res);
        const bool running = res.status == 202;
        auto body = lenient_object(res.body);
        const json::object* o = body ? &body->get_object() : nullptr;
        if (o && find_field(*o, "TaskState")) {
            BOOST_OUTCOME_TRY(read_task(*o, t));
            t.finished = !running && is_terminal(t.state);
        } else {
            t.state = running ? task_state::running : task_state::completed;
            t.finished = !running;
            if (o) t.messages = read_messages(find_field(*o, "@Message.ExtendedInfo"));
        }
        return t;
    }

    static result<void> read_task(const boost::json::object& o, task& t) {
        using namespace detail;
        BOOST_OUTCOME_TRY(auto state, string_field(o, "TaskState", "$.TaskState"));
        BOOST_OUTCOME_TRY(t.state, parse_task_state(state));
        t.uri = odata_id_of(o);
        BOOST_OUTCOME_TRY(auto id, optional_string_field(o, "Id", "$.Id"));
        t.id = bounded(id.value_or(""), 256);
        BOOST_OUTCOME_TRY(t.task_status, optional_string_field(o, "TaskStatus", "$.TaskStatus"));
        if (t.task_status) *t.task_status = bounded(*t.task_status, 64);
        BOOST_OUTCOME_TRY(auto percent, optional_int_field(o, "PercentComplete", "$.PercentComplete"));
        if (percent) t.percent_complete = static_cast<int>(std::clamp<std::int64_t>(*percent, 0, 100));
        t.messages = read_messages(find_field(o, "Messages"));
        return success();
    }
};

}  // namespace serverops::redfish

#endif
