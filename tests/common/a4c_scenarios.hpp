// The scenarios of Alien4Cloud's own maintenance-mode acceptance feature
// (../shared/recorded/alien4cloud/maintenance.feature, steps in STEPS.md), one function template per scenario, written
// against a `call` callable only: `call(op, ctx) -> result<Op::response_type>`. The unit tests run them against an
// in-process fake through mock_transport; the integration tests run them against the emulator over loopback HTTP
// through a4c::session, sync, with callbacks and with coroutines.
#ifndef SERVEROPS_TESTS_COMMON_A4C_SCENARIOS_HPP
#define SERVEROPS_TESTS_COMMON_A4C_SCENARIOS_HPP

#include <serverops/a4c.hpp>

#include <boost/json.hpp>
#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>
#include <gtest/gtest.h>

#include <chrono>
#include <initializer_list>
#include <optional>
#include <string>
#include <utility>

namespace a4c_it {

using namespace serverops;
namespace json = boost::json;
using std::chrono::system_clock;


// Calls of the acceptance steps that are not serverops operations: a user lookup, a user creation and an
// application search. They use the shared envelope decoder, as any A4C call would.
struct get_user {
    using response_type = json::value;  // `data`: the user, or null
    using context_type = a4c::context;
    static constexpr std::string_view name = "a4c.it.getUser";
    static constexpr verb method = verb::get;
    static constexpr bool idempotent = true;
    std::string username;
    std::string target(const a4c::context& c) const {
        return c.rest_target("/users/" + boost::urls::encode(username, boost::urls::unreserved_chars));
    }
    result<json::value> decode(const http_response& r) const { return a4c::detail::decode_envelope(r, {200}, true); }
};

struct create_user {
    using response_type = json::value;
    using context_type = a4c::context;
    static constexpr std::string_view name = "a4c.it.createUser";
    static constexpr verb method = verb::post;
    static constexpr bool idempotent = false;
    std::string username;
    std::string target(const a4c::context& c) const { return c.rest_target("/users/"); }
    std::string body() const {
        return json::serialize(json::object{{"username", username}, {"password", username}, {"email", username + "@example.com"}});
    }
    result<json::value> decode(const http_response& r) const { return a4c::detail::decode_envelope(r, {200, 201}, false); }
};

struct search_applications {
    using response_type = json::value;
    using context_type = a4c::context;
    static constexpr std::string_view name = "a4c.it.searchApplications";
    static constexpr verb method = verb::post;
    static constexpr bool idempotent = true;
    int from = 0;
    int size = 20;
    std::string target(const a4c::context& c) const { return c.rest_target("/applications/search"); }
    std::string body() const {
        return json::serialize(json::object{{"query", ""}, {"from", from}, {"size", size}, {"filters", nullptr}});
    }
    result<json::value> decode(const http_response& r) const { return a4c::detail::decode_envelope(r, {200}, true); }
};

/// The typed class the feature's `error.code` stands for.
inline errc errc_of_code(int code) {
    switch (code) {
    case a4c::error_codes::maintenance: return errc::busy;
    case a4c::error_codes::unauthorized: return errc::forbidden;
    case a4c::error_codes::not_found: return errc::not_found;
    case a4c::error_codes::already_exists: return errc::conflict;
    default: return errc::unexpected_response;
    }
}

/// The feature's steps. Each "When" step runs one call and keeps its outcome as the "current response"; each
/// "Then" step checks that outcome through the typed result.
template <class Call>
class maintenance_steps {
public:
    maintenance_steps(Call call, a4c::context base) : call_(std::move(call)), ctx_(std::move(base)) {
        ctx_.session_cookie.clear();
        ctx_.jwt.clear();
    }

    // Given I am authenticated with "ADMIN" role / with user named "<name>": a fresh form login (the old session
    // is simply dropped); the fixtures' password is the user's name (admin/admin).
    void authenticate_as(const std::string& user) {
        ctx_.session_cookie.clear();
        auto op = a4c::login{user, user};
        auto r = call_(op, ctx_);
        EXPECT_TRUE(r) << "login as " << user << ": " << (r ? "" : r.error().message());
        if (r) ctx_.session_cookie = r.value().session_cookie;
        keep(r, false, "login as " + user);
    }
    void authenticate_as_admin() { authenticate_as("admin"); }

    // And There are these users in the system: look each up, create the missing ones.
    void ensure_users(std::initializer_list<std::string> names) {
        for (auto& n : names) {
            auto lookup_op = get_user{n};
            auto found = call_(lookup_op, ctx_);
            ASSERT_TRUE(found) << "GET user " << n << ": " << found.error();
            if (!found.value().is_null()) continue;
            auto create_op = create_user{n};
            auto created = call_(create_op, ctx_);
            EXPECT_TRUE(created) << "create user " << n << ": " << (created ? "" : created.error().message());
            keep(created, false, "create user " + n);
        }
    }

    void enable_maintenance() {
        auto op = a4c::enable_maintenance{};
        keep(call_(op, ctx_), false, "enable maintenance");
    }
    void disable_maintenance() {
        auto op = a4c::disable_maintenance{};
        keep(call_(op, ctx_), false, "disable maintenance");
    }
    void get_maintenance_state() {
        auto op = a4c::get_maintenance_state{};
        auto r = call_(op, ctx_);
        last_state_ = r ? std::optional<a4c::maintenance_state>(r.value()) : std::nullopt;
        keep(r, r && r.value().enabled, "get maintenance state");
    }
    void update_maintenance_state(std::string message, int percent) {
        auto op = a4c::update_maintenance{std::move(message), percent};
        keep(call_(op, ctx_), false, "update maintenance state");
    }
    void search_applications(int from, int size) {
        auto op = a4c_it::search_applications{from, size};
        auto r = call_(op, ctx_);
        keep(r, r && !r.value().is_null(), "search applications");
    }

    // Then I should receive a RestResponse with no error
    void expect_no_error() const {
        EXPECT_FALSE(current_error_) << current_step_ << ": " << (current_error_ ? current_error_->message() : "");
    }
    // Then I should receive a RestResponse with an error code N
    void expect_error_code(int code) const {
        ASSERT_TRUE(current_error_) << current_step_ << ": expected error code " << code << ", got no error";
        EXPECT_EQ(current_error_->vendor_code, std::to_string(code)) << current_step_ << ": " << current_error_->message();
        EXPECT_EQ(current_error_->kind(), errc_of_code(code)) << current_step_ << ": " << current_error_->message();
    }
    // Then I should receive a RestResponse with no data
    void expect_no_data() const {
        EXPECT_FALSE(current_error_) << current_step_;
        EXPECT_FALSE(current_has_data_) << current_step_;
    }

    const std::optional<a4c::maintenance_state>& last_state() const { return last_state_; }
    const a4c::context& context() const { return ctx_; }

private:
    template <class R>
    void keep(const R& r, bool has_data, std::string step) {
        current_error_ = r ? std::nullopt : std::optional<error>(r.error());
        current_has_data_ = has_data;
        current_step_ = std::move(step);
    }

    Call call_;
    a4c::context ctx_;
    std::optional<error> current_error_;
    bool current_has_data_ = false;
    std::string current_step_ = "(no step yet)";
    std::optional<a4c::maintenance_state> last_state_;
};

// Background: admin session, maintenance off whatever the previous scenario left (the result is ignored: 504 when
// it was already off), user frodo present.
template <class Call>
maintenance_steps<Call> background(Call call, const a4c::context& base) {
    maintenance_steps<Call> s(std::move(call), base);
    s.authenticate_as_admin();
    s.disable_maintenance();
    s.ensure_users({"frodo"});
    return s;
}

template <class Call>
void admin_can_enable_then_disable(Call call, const a4c::context& base) {
    auto s = background(std::move(call), base);
    s.enable_maintenance();
    s.expect_no_error();
    s.disable_maintenance();
    s.expect_no_error();
}

template <class Call>
void non_admin_cannot_enable(Call call, const a4c::context& base) {
    auto s = background(std::move(call), base);
    s.authenticate_as("frodo");
    s.enable_maintenance();
    s.expect_error_code(102);
}

template <class Call>
void other_endpoints_are_refused_while_enabled(Call call, const a4c::context& base) {
    auto s = background(std::move(call), base);
    s.enable_maintenance();
    s.expect_no_error();
    s.search_applications(0, 20);
    s.expect_error_code(0);
    s.disable_maintenance();
    s.expect_no_error();
}

template <class Call>
void disabling_when_off_fails(Call call, const a4c::context& base) {
    auto s = background(std::move(call), base);
    s.disable_maintenance();
    s.expect_error_code(504);
}

template <class Call>
void login_still_works_while_enabled(Call call, const a4c::context& base) {
    auto s = background(std::move(call), base);
    s.enable_maintenance();
    s.expect_no_error();
    s.authenticate_as("frodo");
    s.get_maintenance_state();
    s.expect_no_error();
    s.authenticate_as_admin();
    s.disable_maintenance();
    s.expect_no_error();
}

template <class Call>
void state_is_reported_while_enabled(Call call, const a4c::context& base) {
    auto s = background(std::move(call), base);
    s.enable_maintenance();
    s.expect_no_error();
    s.get_maintenance_state();
    s.expect_no_error();
    // Beyond the feature's own check: what the state holds right after enabling (MaintenanceModeService.enable).
    if (auto& st = s.last_state(); st) {
        EXPECT_TRUE(st->enabled);
        EXPECT_EQ(st->id, "mms_id");
        EXPECT_EQ(st->user, "admin");
        EXPECT_TRUE(st->user_triggered);
        EXPECT_EQ(st->progress_percent, 1);
        ASSERT_FALSE(st->log.empty());
        EXPECT_EQ(st->log.front().message, "Maintenance operation started on alien4cloud.");
        EXPECT_EQ(st->log.front().user, "admin");
        EXPECT_LE(std::chrono::abs(st->started().value() - system_clock::now()), std::chrono::hours(24));
    }
    s.disable_maintenance();
    s.expect_no_error();
}

template <class Call>
void update_changes_message_and_progress(Call call, const a4c::context& base) {
    auto s = background(std::move(call), base);
    s.enable_maintenance();
    s.expect_no_error();
    s.update_maintenance_state("Performing maintenance", 25);
    s.expect_no_error();
    // Beyond the feature's own check: the scenario's title says message and progress change; read them back.
    s.get_maintenance_state();
    s.expect_no_error();
    if (auto& st = s.last_state(); st) {
        EXPECT_EQ(st->progress_percent, 25);
        ASSERT_FALSE(st->log.empty());
        EXPECT_EQ(st->log.back().message, "Performing maintenance");
    }
}

template <class Call>
void updating_when_off_fails(Call call, const a4c::context& base) {
    auto s = background(std::move(call), base);
    s.update_maintenance_state("Performing maintenance", 25);
    s.expect_error_code(504);
}

template <class Call>
void non_admin_cannot_update(Call call, const a4c::context& base) {
    auto s = background(std::move(call), base);
    s.enable_maintenance();
    s.expect_no_error();
    s.authenticate_as("frodo");
    s.update_maintenance_state("Performing maintenance", 25);
    s.expect_error_code(102);
    // (maintenance stays on; the next scenario's background turns it off, as in the feature)
}

template <class Call>
void state_is_empty_while_off(Call call, const a4c::context& base) {
    auto s = background(std::move(call), base);
    s.get_maintenance_state();
    s.expect_no_error();
    s.expect_no_data();
}


}  // namespace a4c_it

#endif
