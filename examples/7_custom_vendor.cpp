// 7. Your own vendor API, with no library change: a tiny "power" REST API (log in, read a machine's power state,
//    send a power action) written with the public toolkit (serverops/vendor.hpp) and driven by serverops::session,
//    which brings lazy login, one re-login on a rejected token, retries of idempotent calls and secret scrubbing.
//    The API runs as a few lines of in-process fake server on 127.0.0.1; the example checks its own results.
#include <serverops/beast/sync_transport.hpp>
#include <serverops/session.hpp>
#include <serverops/testing/emulator/server.hpp>
#include <serverops/vendor.hpp>

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include <iostream>
#include <map>
#include <mutex>
#include <optional>
#include <string>

// ------------------------------------------------------------------------------------------------ the vendor API
namespace power {

using serverops::errc;
using serverops::http_response;
using serverops::result;
using serverops::verb;

/// What every request shares: the path prefix and the bearer token (a secret: declared, so it is never printed).
struct context {
    std::string path_prefix = "/api";
    std::string token;

    void authorize(serverops::http_request& req) const {
        if (!token.empty()) req.headers.set("Authorization", "Bearer " + token);
    }
    serverops::secret_set secrets() const {
        serverops::secret_set s;
        s.add_token(token);
        return s;
    }
};

/// Checked before every call: the prefix goes verbatim into the request line, the token into a header.
inline result<void> check_context(const context& ctx) {
    BOOST_OUTCOME_TRY(serverops::check_path_prefix(ctx.path_prefix));
    if (!serverops::is_header_token(ctx.token)) return serverops::failure(errc::invalid_request, "bad token");
    return serverops::success();
}

enum class state { on, off };
inline constexpr auto state_names = serverops::make_enum_table<state>(std::pair{state::on, std::string_view("on")},
                                                                      std::pair{state::off, std::string_view("off")});

/// POST /api/login {"user","password"} -> {"token"}. Declares its password, so no error can show it.
struct login {
    using response_type = std::string;
    using context_type = context;
    static constexpr std::string_view name = "power.login";
    static constexpr verb method = verb::post;
    static constexpr bool idempotent = false;     // it creates a token: never resent after a failure
    static constexpr bool authenticated = false;  // carries no token
    std::string user, password;

    std::string target(const context& ctx) const { return serverops::make_target(ctx.path_prefix, {"login"}); }
    std::string body() const { return boost::json::serialize(boost::json::object{{"user", user}, {"password", password}}); }
    result<void> validate(const context& ctx) const { return serverops::check_path_prefix(ctx.path_prefix); }
    serverops::secret_set secrets() const {
        serverops::secret_set s;
        s.add(password);
        return s;
    }
    result<std::string> decode(const http_response& res) const {
        if (res.status == 401) return serverops::failure(serverops::response_error(res, errc::authentication_failed));
        if (res.status != 200) return serverops::failure(serverops::response_error(res));
        BOOST_OUTCOME_TRY(auto v, serverops::parse_json(res.body));
        BOOST_OUTCOME_TRY(auto o, serverops::as_object(v, "$"));
        return serverops::string_field(*o, "token", "$.token");
    }
};

/// GET /api/machines/{id}/power -> {"state":"on"|"off"}.
struct get_power {
    using response_type = state;
    using context_type = context;
    static constexpr std::string_view name = "power.getPower";
    static constexpr verb method = verb::get;
    static constexpr bool idempotent = true;
    std::string machine;

    std::string target(const context& ctx) const {
        return serverops::make_target(ctx.path_prefix, {"machines", machine, "power"});  // `machine` is encoded
    }
    result<void> validate(const context& ctx) const { return check_context(ctx); }
    result<state> decode(const http_response& res) const {
        if (res.status != 200) return serverops::failure(serverops::response_error(res));
        BOOST_OUTCOME_TRY(auto v, serverops::parse_json(res.body));
        BOOST_OUTCOME_TRY(auto o, serverops::as_object(v, "$"));
        BOOST_OUTCOME_TRY(auto text, serverops::string_field(*o, "state", "$.state"));
        return state_names.parse(text, "power state");
    }
};

/// POST /api/machines/{id}/power/actions {"action":"reset"} -> 202. Not idempotent: two resets are two reboots,
/// so nothing resends it, and error::may_have_executed says when its outcome is unknown.
struct power_action {
    using response_type = std::monostate;
    using context_type = context;
    static constexpr std::string_view name = "power.action";
    static constexpr verb method = verb::post;
    static constexpr bool idempotent = false;
    std::string machine;
    std::string action;  // "on", "off", "reset"

    std::string target(const context& ctx) const {
        return serverops::make_target(ctx.path_prefix, {"machines", machine, "power", "actions"});
    }
    std::string body() const { return boost::json::serialize(boost::json::object{{"action", action}}); }
    result<void> validate(const context& ctx) const { return check_context(ctx); }
    result<std::monostate> decode(const http_response& res) const {
        if (res.status == 202) return std::monostate{};
        if (serverops::is_success_status(res.status))
            return serverops::failure(serverops::unexpected_status_error(res, {202}));
        return serverops::failure(serverops::response_error(res));  // {"error":{"code","message"}} is read as is
    }
};

/// Bearer-token login for serverops::session.
struct authenticator {
    using context_type = context;
    using login_operation = login;
    std::string user, password;

    login login_request() const { return login{user, password}; }
    std::optional<std::chrono::seconds> apply_login(context& ctx, const std::string& token) const {
        ctx.token = token;
        return std::nullopt;  // lifetime unknown: used until the API rejects it
    }
    bool has_credentials(const context& ctx) const { return !ctx.token.empty(); }
    void forget(context& ctx) const { ctx.token.clear(); }
    bool is_rejection(const serverops::error& e) const { return e.is(errc::unauthorized); }
};

template <class Transport>
using session = serverops::session<Transport, authenticator>;

}  // namespace power

// ------------------------------------------------------------------------------------------------ a fake server
class fake_power_api final : public serverops::testing::module {
public:
    std::string_view name() const noexcept override { return "power"; }
    bool handles(std::string_view path) const noexcept override { return path.starts_with("/api/"); }
    serverops::http_response handle(const serverops::testing::request_view& r) override {
        using serverops::testing::json_response;
        const auto fail = [](unsigned status, std::string_view code, std::string message) {
            return json_response(status, boost::json::object{{"error", {{"code", code}, {"message", message}}}});
        };
        if (r.path == "/api/login") {  // echoes the password it refused, as careless servers do
            if (r.body.find("\"password\":\"right-password\"") == std::string_view::npos)
                return fail(401, "BadCredentials", std::string("bad password in ").append(r.body));
            return json_response(200, boost::json::object{{"token", "tok-5f3a9c"}});
        }
        if (r.header("Authorization") != std::optional<std::string_view>("Bearer tok-5f3a9c"))
            return fail(401, "NoToken", "log in first");
        std::lock_guard lock(mutex_);
        for (auto& [id, st] : machines_) {
            const std::string base = "/api/machines/" + id + "/power";
            if (r.path == base) return json_response(200, boost::json::object{{"state", st}});
            if (r.path == base + "/actions") {
                if (r.body.find("\"off\"") != std::string_view::npos) st = "off";
                return serverops::testing::empty_response(202);
            }
        }
        return fail(404, "NoSuchMachine", std::string("no machine at ").append(r.path));
    }

private:
    std::mutex mutex_;
    std::map<std::string, std::string> machines_{{"m1", "on"}, {"m2", "on"}};
};

#define CHECK(cond)                                                                   \
    do {                                                                              \
        if (!(cond)) {                                                                \
            std::cerr << __FILE__ << ":" << __LINE__ << ": check failed: " #cond "\n"; \
            return 1;                                                                 \
        }                                                                             \
    } while (0)

int main() {
    serverops::testing::http_server server(serverops::testing::server_options{});  // 127.0.0.1, ephemeral port
    server.routes().add(std::make_shared<fake_power_api>());
    if (!server.start()) return 3;
    const auto base_url = std::string("http://127.0.0.1:").append(std::to_string(server.port()));
    const auto endpoint = serverops::parse_endpoint(base_url);
    if (!endpoint) return 3;

    power::session<serverops::beast_sync_transport> api(serverops::beast_sync_transport(endpoint.value()),
                                                         power::authenticator{"admin", "right-password"});
    auto before = api.call(power::get_power{"m1"});  // logs in first
    CHECK(before && before.value() == power::state::on);
    CHECK(api.call(power::power_action{"m1", "off"}));
    auto after = api.call(power::get_power{"m1"});
    CHECK(after && after.value() == power::state::off);

    // Server errors keep the vendor's own code and words apart from the library's kind.
    auto missing = api.call(power::get_power{"m9"});
    CHECK(!missing && missing.error().is(serverops::errc::not_found));
    CHECK(missing.error().vendor_code == "NoSuchMachine");
    std::cout << "as expected: " << missing.error() << '\n';

    // Every id is one path segment, whatever it holds: "../m2" cannot climb to another resource.
    auto request = serverops::encode(power::get_power{"../m2"}, api.current_context());
    CHECK(request && request.value().target == "/api/machines/..%2Fm2/power");

    // A password the server echoes never reaches an error (declared by login::secrets()).
    power::session<serverops::beast_sync_transport> wrong(serverops::beast_sync_transport(endpoint.value()),
                                                           power::authenticator{"admin", "hunter2-wrong"});
    auto refused = wrong.call(power::get_power{"m2"});
    CHECK(!refused && refused.error().is(serverops::errc::authentication_failed));
    CHECK(refused.error().message().find("hunter2-wrong") == std::string::npos);
    std::cout << "as expected: " << refused.error() << '\n';

    std::cout << "custom vendor example: all checks passed\n";
    return 0;
}
