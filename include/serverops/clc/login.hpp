// POST /v2/authentication/login
#ifndef SERVEROPS_CLC_LOGIN_HPP
#define SERVEROPS_CLC_LOGIN_HPP

#include <serverops/clc/detail/decode.hpp>
#include <serverops/clc/detail/request.hpp>

#include <boost/describe/class.hpp>

namespace serverops::clc {

namespace detail {
struct login_body {
    std::string username;
    std::string password;
};
BOOST_DESCRIBE_STRUCT(login_body, (), (username, password))
}  // namespace detail

/// Exchanges Control Portal credentials for a bearer token. Bad credentials are HTTP 400 on this API and decode
/// to `errc::authentication_failed`. Safe to retry: it changes nothing on the server.
struct login {
    using response_type = login_response;
    using context_type = context;
    static constexpr std::string_view name = "clc.login";
    static constexpr verb method = verb::post;
    static constexpr bool idempotent = true;
    static constexpr bool authenticated = false;

    std::string username;
    std::string password;  ///< secret: never logged, never in an error

    std::string target(const context& ctx) const { return ctx.path_prefix + "/authentication/login"; }
    std::string body() const { return detail::to_json(detail::login_body{username, password}); }
    /// The password: the client keeps it out of every error and log line, however the server echoes it.
    secret_set secrets() const {
        secret_set s;
        s.add(password);
        return s;
    }
    result<void> validate(const context&) const {
        if (username.empty() || password.empty()) return failure(errc::invalid_request, "username and password are required");
        return success();
    }

    result<login_response> decode(const http_response& res) const {
        auto r = decode_answer(res);
        if (!r) scrub_secrets(r.error(), secrets());  // the client does it too; this serves direct decode() callers
        return r;
    }

private:
    result<login_response> decode_answer(const http_response& res) const {
        using namespace detail;
        if (res.status == 400 || res.status == 401) return failure(http_error(res, errc::authentication_failed));
        if (!is_success_status(res.status)) return failure(http_error(res));
        BOOST_OUTCOME_TRY(auto v, parse_json(res.body));
        BOOST_OUTCOME_TRY(auto o, as_object(v, "$"));
        login_response r;
        BOOST_OUTCOME_TRY(r.bearer_token, string_field(*o, "bearerToken", "$.bearerToken"));
        BOOST_OUTCOME_TRY(r.account_alias, string_field(*o, "accountAlias", "$.accountAlias"));
        BOOST_OUTCOME_TRY(auto user, optional_string_field(*o, "userName", "$.userName"));
        BOOST_OUTCOME_TRY(auto loc, optional_string_field(*o, "locationAlias", "$.locationAlias"));
        r.user_name = user.value_or("");
        r.location_alias = loc.value_or("");
        if (auto* roles = find_field(*o, "roles")) {
            BOOST_OUTCOME_TRY(auto arr, as_array(*roles, "$.roles"));
            for (auto& role : *arr) {
                BOOST_OUTCOME_TRY(auto s, as_string(role, "$.roles[]"));
                r.roles.push_back(std::move(s));
            }
        }
        if (r.bearer_token.empty()) return failure(errc::unexpected_response, "login response has an empty bearerToken");
        return r;
    }
};

}  // namespace serverops::clc

#endif
