// A4C decoders (the RestResponse envelope, maintenance state, form and JWT login, auth status) fed any response: no
// crash, no undefined behaviour, every error prints as valid UTF-8 without control characters and never holds the
// password, and what a login returns is safe to send back as a header.
#include "fuzz_common.hpp"

#include <serverops/operation.hpp>
#include <serverops/a4c.hpp>

namespace {

using namespace serverops;
using serverops_fuzz::check_result;

constexpr std::string_view password = "Pa55 w0rd&fuzz";  // a space and a '&': scrubbed raw, %-encoded and with '+'

template <class T>
void check_login_error(const result<T>& r) {
    check_result(r);
    if (r) return;
    const auto m = r.error().message();
    SERVEROPS_FUZZ_CHECK(m.find(password) == std::string::npos, "a4c-password-in-error", "");
    SERVEROPS_FUZZ_CHECK(m.find("Pa55%20w0rd%26fuzz") == std::string::npos, "a4c-encoded-password-in-error", "");
    SERVEROPS_FUZZ_CHECK(m.find("Pa55+w0rd%26fuzz") == std::string::npos, "a4c-form-password-in-error", "");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    serverops_fuzz::begin(data, size);
    FuzzedDataProvider in(data, size);
    http_response res = serverops_fuzz::fuzzed_response_head(in);
    res.body = in.ConsumeRemainingBytesAsString();

    auto state = decode(a4c::get_maintenance_state{}, res);
    check_result(state);
    if (state && !state.value().enabled)
        SERVEROPS_FUZZ_CHECK(state.value().log.empty() && state.value().id.empty(), "a4c-disabled-state-not-empty", "");
    check_result(decode(a4c::enable_maintenance{}, res));
    check_result(decode(a4c::update_maintenance{std::string("msg"), 50}, res));
    check_result(decode(a4c::disable_maintenance{}, res));
    check_result(decode(a4c::get_auth_status{}, res));

    auto login = decode(a4c::login{"user", std::string(password)}, res);
    check_login_error(login);
    if (login) {
        const auto& cookie = login.value().session_cookie;
        SERVEROPS_FUZZ_CHECK(!cookie.empty() && a4c::detail::is_cookie_value(cookie), "a4c-login-cookie-value", cookie);
    }
    auto jwt = decode(a4c::jwt_login{"user", std::string(password)}, res);
    check_login_error(jwt);
    if (jwt)
        SERVEROPS_FUZZ_CHECK(!jwt.value().token.empty() && a4c::detail::is_token68ish(jwt.value().token),
                             "a4c-jwt-token-value", jwt.value().token);
    return 0;
}
