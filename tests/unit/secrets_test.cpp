// A hostile server that echoes a credential never gets it printed: every vendor x every credential x every place a
// server can put it (message, code, plain-text body, a field the decoder quotes, headers, a transport error's text,
// split across fields, cut off by a length limit, repeated) x every spelling (raw, case, JSON-escaped once or twice or
// as \uXXXX, percent-encoded, form-encoded, HTML references, mixed), sync and async, with the logging transport on.
// Nothing may appear in error.message(), any error field, or any log line.
#include <serverops/a4c.hpp>
#include <serverops/clc.hpp>
#include <serverops/clc/session.hpp>
#include <serverops/client.hpp>
#include <serverops/detail/base64.hpp>
#include <serverops/detail/utf8.hpp>
#include <serverops/logging_transport.hpp>
#include <serverops/testing/mock_transport.hpp>
#include <serverops/ucs.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/json.hpp>
#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>
#include <gtest/gtest.h>

#include <cstdio>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace {

using namespace serverops;
using serverops::testing::make_response;
using serverops::testing::mock_transport;
namespace json = boost::json;

// Secrets with every character a spelling changes: quote, backslash, slash, space, '&', '%', '+', '<', non-ASCII.
// The first 6 bytes of each are ASCII (the truncation cases count on it).
const std::string clc_password = "Hunter2 \"p@ss\\w0rd/\xC3\xA9&%<+";
const std::string clc_token = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJvcGVyYXRvciJ9.c2lnbmF0dXJlLW9mLWNsYy10b2tlbg";
const std::string clc_token_signature = "c2lnbmF0dXJlLW9mLWNsYy10b2tlbg";
const std::string a4c_password = "Tr0ub4dor&3 \"x\\y\" \xC3\xBC/%";
const std::string a4c_cookie = "5EC12E7C00C1E0123456789ABCDEF012";
const std::string a4c_jwt = "eyJhbGciOiJIUzUxMiJ9.eyJ1c2VybmFtZSI6ImFkbWluIn0.YTRjLWp3dC1zaWduYXR1cmU";
const std::string ucs_user = "kent";
const std::string ucs_password = "Super man\"\\/\xC3\xB1&%+pw";
const std::string ucs_pair = ucs_user + ":" + ucs_password;
const std::string ucs_basic_value = serverops::detail::base64_encode(ucs_pair);

// ---------------------------------------------------------------- spellings a server may echo a secret in

std::string hex2(unsigned char c, bool upper = true) {
    char buf[3];
    std::snprintf(buf, sizeof buf, upper ? "%02X" : "%02x", static_cast<unsigned>(c));
    return buf;
}

template <class F>  // calls f(code point, bytes) per character (all test secrets are valid UTF-8)
void for_each_character(std::string_view s, F f) {
    for (std::size_t i = 0; i < s.size();) {
        std::uint32_t cp = 0;
        auto n = serverops::detail::utf8_sequence(s, i, cp);
        if (n == 0) n = 1;
        f(cp, s.substr(i, n));
        i += n;
    }
}

std::string raw(std::string_view s) { return std::string(s); }
std::string upper_case(std::string_view s) { return serverops::detail::to_upper(s); }
std::string json_escaped(std::string_view s) {
    auto j = json::serialize(json::string(s));
    return j.substr(1, j.size() - 2);
}
std::string json_escaped_twice(std::string_view s) { return json_escaped(json_escaped(s)); }
std::string json_unicode(std::string_view s) {
    std::string out;
    for_each_character(s, [&](std::uint32_t cp, std::string_view) {
        auto unit = [&](std::uint32_t u) {
            out += "\\u";
            out += hex2(static_cast<unsigned char>(u >> 8), false);
            out += hex2(static_cast<unsigned char>(u & 0xff), false);
        };
        if (cp > 0xFFFF) {
            unit(0xD800 + ((cp - 0x10000) >> 10));
            unit(0xDC00 + ((cp - 0x10000) & 0x3FF));
        } else {
            unit(cp);
        }
    });
    return out;
}
std::string percent_all(std::string_view s) {
    std::string out;
    for (char c : s) out += "%" + hex2(static_cast<unsigned char>(c));
    return out;
}
std::string percent_lower(std::string_view s) {
    std::string out;
    for (char c : s) out += "%" + hex2(static_cast<unsigned char>(c), false);
    return out;
}
std::string url_encoded(std::string_view s) { return boost::urls::encode(s, boost::urls::unreserved_chars); }
std::string url_encoded_twice(std::string_view s) { return url_encoded(url_encoded(s)); }
std::string form_encoded(std::string_view s) {
    std::string out = url_encoded(s);
    for (auto pos = out.find("%20"); pos != std::string::npos; pos = out.find("%20", pos + 1)) out.replace(pos, 3, "+");
    return out;
}
std::string html_decimal(std::string_view s) {
    std::string out;
    for_each_character(s, [&](std::uint32_t cp, std::string_view) { out += "&#" + std::to_string(cp) + ";"; });
    return out;
}
std::string html_named(std::string_view s) {
    std::string out;
    for (char c : s) {
        switch (c) {
        case '&': out += "&amp;"; break;
        case '"': out += "&quot;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        default: out += c;
        }
    }
    return out;
}
std::string mixed(std::string_view s) {  // every other character percent-encoded, the rest JSON-escaped
    std::string out;
    bool encode = false;
    for_each_character(s, [&](std::uint32_t, std::string_view bytes) {
        out += encode ? percent_all(bytes) : json_escaped(bytes);
        encode = !encode;
    });
    return out;
}

struct spelling {
    std::string_view name;
    std::string (*spell)(std::string_view);
};
const spelling spellings[] = {
    {"raw", raw},
    {"upper case", upper_case},
    {"JSON-escaped", json_escaped},
    {"JSON-escaped twice", json_escaped_twice},
    {"JSON \\u escapes", json_unicode},
    {"percent-encoded", percent_all},
    {"percent-encoded lower hex", percent_lower},
    {"URL-encoded twice", url_encoded_twice},
    {"form-encoded", form_encoded},
    {"HTML decimal references", html_decimal},
    {"HTML named references", html_named},
    {"mixed", mixed},
};

// ---------------------------------------------------------------- vendor error bodies

std::string clc_error(std::string_view code, std::string_view message) {
    json::object o{{"message", message}};
    if (!code.empty()) o["exceptionType"] = code;
    return json::serialize(o);
}
std::string a4c_error(std::string_view code, std::string_view message) {
    return json::serialize(json::object{{"data", nullptr}, {"error", json::object{{"code", code}, {"message", message}}}});
}
std::string ucs_error(std::string_view code, std::string_view message) {
    return json::serialize(json::object{{"error", json::object{{"code", code}, {"message", message}}}});
}
std::string clc_status_field(std::string_view v) { return json::serialize(json::object{{"status", v}}); }
std::string ucs_mode_field(std::string_view v) { return json::serialize(json::object{{"mode", v}}); }

// ---------------------------------------------------------------- running one exchange

struct outcome {
    std::optional<error> err;
    std::vector<std::string> log;
    std::size_t requests = 0;
};

/// One call of `op` through client -> logging_transport -> mock, answered by `answer`.
template <class Op>
outcome exchange(const Op& op, const typename Op::context_type& ctx, const result<http_response>& answer, bool async) {
    boost::asio::io_context io;
    mock_transport mock(io.get_executor());
    if (answer) mock.push(answer.value());
    else mock.push_error(answer.error());
    outcome out;
    logger log{log_level::debug, [&out](log_level, std::string_view line) { out.log.emplace_back(line); }};
    logging_transport<mock_transport&> logged(mock, &log);
    client<logging_transport<mock_transport&>&, typename Op::context_type> c(logged, ctx);
    if (!async) {
        auto r = c.call(op);
        if (!r) out.err = r.error();
    } else {
        std::optional<result<typename Op::response_type>> r;
        c.async_call(op, [&](result<typename Op::response_type> x) { r.emplace(std::move(x)); });
        io.run();
        if (r && !*r) out.err = r->error();
    }
    out.requests = mock.request_count();
    return out;
}

using runner = std::function<outcome(const result<http_response>&, bool async)>;

template <class Op>
runner run_with(Op op, typename Op::context_type ctx) {
    return [op = std::move(op), ctx = std::move(ctx)](const result<http_response>& answer, bool async) {
        return exchange(op, ctx, answer, async);
    };
}

struct credential_case {
    std::string_view vendor;
    std::string_view credential;
    std::string secret;
    std::string (*error_body)(std::string_view code, std::string_view message);
    std::string (*field_body)(std::string_view value);  ///< a 200 answer whose field the decoder quotes; or nullptr
    runner run;
};

clc::context clc_ctx(std::string token) { return clc::context{"/v2", "ALIAS", std::move(token)}; }
a4c::context a4c_ctx(std::string cookie, std::string jwt) {
    a4c::context c;
    c.session_cookie = std::move(cookie);
    c.jwt = std::move(jwt);
    return c;
}
ucs::context ucs_ctx() { return ucs::context{"", ucs_user, ucs_password}; }

std::vector<credential_case> credential_cases() {
    return {
        {"clc", "password", clc_password, clc_error, nullptr, run_with(clc::login{"operator", clc_password}, clc_ctx(""))},
        {"clc", "bearer token", clc_token, clc_error, clc_status_field, run_with(clc::get_status{"job-1"}, clc_ctx(clc_token))},
        {"clc", "bearer token signature", clc_token_signature, clc_error, clc_status_field,
         run_with(clc::get_status{"job-1"}, clc_ctx(clc_token))},
        {"a4c", "password (form login)", a4c_password, a4c_error, nullptr,
         run_with(a4c::login{"admin", a4c_password}, a4c_ctx("", ""))},
        {"a4c", "password (JWT login)", a4c_password, a4c_error, nullptr,
         run_with(a4c::jwt_login{"admin", a4c_password}, a4c_ctx("", ""))},
        {"a4c", "session cookie", a4c_cookie, a4c_error, nullptr, run_with(a4c::get_auth_status{}, a4c_ctx(a4c_cookie, ""))},
        {"a4c", "JWT", a4c_jwt, a4c_error, nullptr, run_with(a4c::get_auth_status{}, a4c_ctx("", a4c_jwt))},
        {"ucs", "password", ucs_password, ucs_error, ucs_mode_field, run_with(ucs::get_server_status{}, ucs_ctx())},
        {"ucs", "user:password", ucs_pair, ucs_error, ucs_mode_field, run_with(ucs::get_server_status{}, ucs_ctx())},
        {"ucs", "Basic value", ucs_basic_value, ucs_error, ucs_mode_field, run_with(ucs::get_server_status{}, ucs_ctx())},
    };
}

// ---------------------------------------------------------------- places a server may echo a secret in

struct echo {
    std::string place;
    result<http_response> answer;
    std::vector<std::string> fragments;  ///< what must not appear (besides the raw secret, in any case)
    bool reaches_error = true;           ///< the echo reaches the error's text: "***" must be there instead
};

http_response with_echoing_headers(unsigned status, std::string body, const std::string& spelled) {
    http_response r = make_response(status, std::move(body));
    r.headers.add("Location", "/echo?value=" + spelled);  // logged headers
    r.headers.add("Retry-After", spelled);
    r.headers.add("Date", spelled);
    return r;
}

std::vector<echo> echoes(const credential_case& c, const spelling& sp) {
    const std::string spelled = sp.spell(c.secret);
    const std::string head = sp.spell(std::string_view(c.secret).substr(0, c.secret.size() / 2));
    const std::string tail = sp.spell(std::string_view(c.secret).substr(c.secret.size() / 2));
    // what a 6-character prefix looks like in this spelling, and 2 bytes more (a cut inside the next escape)
    const std::string prefix = sp.spell(std::string_view(c.secret).substr(0, 6));
    const std::string kept = spelled.substr(0, std::min(spelled.size(), prefix.size() + 2));
    std::vector<echo> out;
    auto add = [&](std::string place, unsigned status, std::string body, std::vector<std::string> fragments) {
        fragments.push_back(spelled);
        fragments.push_back(prefix);
        out.push_back({std::move(place), with_echoing_headers(status, std::move(body), spelled), std::move(fragments)});
    };
    add("message", 400, c.error_body("", "rejected: " + spelled + " (end)"), {});
    add("code", 500, c.error_body(spelled, "rejected"), {});
    add("plain-text body", 400, "error near " + spelled + " in request", {});
    add("repeated in code and message", 400, c.error_body(spelled, spelled + " and again " + spelled + spelled), {});
    add("split across code and message", 400, c.error_body(head, tail + " was wrong"), {head, tail});
    // every vendor keeps at most 512 bytes of a plain-text body: the cut leaves only the secret's first characters
    add("cut off by the length limit", 500, std::string(512 - kept.size(), 'x') + spelled, {kept});
    if (c.field_body) add("a field the decoder quotes", 200, c.field_body(spelled), {});
    error transport(errc::transport_failure, "proxy said " + spelled);
    transport.vendor_message = spelled;
    transport.vendor_code = spelled;
    out.push_back({"transport error", failure(std::move(transport)), {spelled, prefix}});
    out.push_back({"headers only", with_echoing_headers(500, "", spelled), {spelled, prefix}, false});
    return out;
}

std::string lower(std::string_view s) {
    std::string out(s);
    for (char& ch : out) ch = serverops::detail::ascii_lower(ch);
    return out;
}

std::size_t leaks = 0;  // the report stops after a few dozen; the count is checked at the end

void expect_clean(std::string_view text, std::string_view where, const credential_case& c, const echo& e) {
    std::vector<std::string> bad;
    if (lower(text).find(lower(c.secret)) != std::string::npos) bad.push_back(c.secret);
    for (auto& f : e.fragments)
        if (!f.empty() && text.find(f) != std::string::npos) bad.push_back(f);
    if (bad.empty()) return;
    if (++leaks <= 40) ADD_FAILURE() << where << " holds \"" << bad.front() << "\": " << text;
}

TEST(Secrets, NoVendorPrintsAnEchoedCredentialInAnyPlaceOrSpellingSyncOrAsync) {
    std::size_t exchanges = 0;
    for (const auto& c : credential_cases()) {
        for (const auto& sp : spellings) {
            for (const auto& e : echoes(c, sp)) {
                for (bool async : {false, true}) {
                    SCOPED_TRACE(std::string(c.vendor) + " " + std::string(c.credential) + ", " + e.place + ", " +
                                 std::string(sp.name) + (async ? ", async" : ", sync"));
                    auto o = c.run(e.answer, async);
                    ++exchanges;
                    ASSERT_EQ(o.requests, 1u) << "the call never reached the server";
                    ASSERT_TRUE(o.err.has_value()) << "every answer here is an error";
                    const auto& err = *o.err;
                    expect_clean(err.message(), "error.message()", c, e);
                    expect_clean(err.vendor_message, "vendor_message", c, e);
                    expect_clean(err.vendor_code, "vendor_code", c, e);
                    expect_clean(err.detail, "detail", c, e);
                    ASSERT_FALSE(o.log.empty());
                    bool log_marked = false;
                    for (auto& line : o.log) {
                        expect_clean(line, "log line", c, e);
                        log_marked = log_marked || line.find("***") != std::string::npos;
                    }
                    // Not vacuous: the echo reached the error and the log, and was replaced there.
                    if (e.reaches_error) {  // message() may cut the field after 300 bytes: look at the fields
                        const auto marked = err.vendor_message + err.vendor_code + err.detail;
                        EXPECT_NE(marked.find("***"), std::string::npos) << err.message();
                    }
                    EXPECT_TRUE(log_marked) << "no log line shows the echo replaced";
                }
            }
        }
    }
    EXPECT_GT(exchanges, 2000u);
    EXPECT_EQ(leaks, 0u) << "exchanges that leaked a secret";
}

// ---------------------------------------------------------------- the scrubber itself

TEST(Secrets, ScrubberReplacesEverySpellingAndKeepsTheRest) {
    secret_set secrets;
    secrets.add(clc_password);
    for (const auto& sp : spellings) {
        SCOPED_TRACE(std::string(sp.name));
        std::string text = "before " + sp.spell(clc_password) + " after";
        scrub_secrets(text, secrets);
        EXPECT_EQ(text, "before *** after");
    }
    // Text without the secret is untouched, also text that shares a few characters with it.
    for (std::string text : {"Hunter is not the password", "p@ss", "", "Hunter2 p@ss"}) {
        const std::string before = text;
        scrub_secrets(text, secrets);
        EXPECT_EQ(text, before);
    }
}

TEST(Secrets, SecretsShorterThanTheMinimumAreIgnoredAndReplacingIsIdempotent) {
    secret_set secrets;
    secrets.add("abc");
    secrets.add("");
    EXPECT_TRUE(secrets.empty());
    secrets.add("****");  // a secret may look like the mark itself
    secrets.add("****");
    EXPECT_EQ(secrets.size(), 1u);
    std::string text = "x **** y ****";
    scrub_secrets(text, secrets);
    EXPECT_EQ(text, "x *** y ***");
    scrub_secrets(text, secrets);
    EXPECT_EQ(text, "x *** y ***");
}

TEST(Secrets, ACutSecretIsScrubbedAtEitherEndOfAField) {
    secret_set secrets;
    secrets.add("correct-horse-battery");
    for (auto [in, out] : std::vector<std::pair<std::string, std::string>>{
             {"message ends with correct-ho", "message ends with ***"},
             {"message ends with correct-ho%2", "message ends with ***"},
             {"rse-battery starts this one", "*** starts this one"},
             {"only cor", "only cor"},  // fewer than min_secret_length characters: too short to say
         }) {
        scrub_secrets(in, secrets);
        EXPECT_EQ(in, out);
    }
}

TEST(Secrets, HostileRunsOfEscapesCostLinearTime) {
    secret_set secrets;
    secrets.add(clc_password);
    secrets.add(clc_token);
    // Quadratic matching would take minutes on these (and hit the test timeout); linear takes milliseconds.
    for (std::string unit : {"\\", "%25", "&#", "Hunter2 ", "+", "\\u00"}) {
        std::string text;
        while (text.size() < (128u << 10)) text += unit;
        const auto before = text.size();
        scrub_secrets(text, secrets);
        EXPECT_LE(text.size(), before);
    }
}

TEST(Secrets, DeclaredSecretsOfEveryVendor) {
    auto has = [](const secret_set& s, std::string_view v) { return std::find(s.begin(), s.end(), v) != s.end(); };
    auto clc = clc_ctx(clc_token).secrets();
    EXPECT_TRUE(has(clc, clc_token));
    EXPECT_TRUE(has(clc, clc_token_signature));
    auto a4c = a4c_ctx(a4c_cookie, a4c_jwt).secrets();
    EXPECT_TRUE(has(a4c, a4c_cookie));
    EXPECT_TRUE(has(a4c, a4c_jwt));
    auto ucs = ucs_ctx().secrets();
    EXPECT_TRUE(has(ucs, ucs_password));
    EXPECT_TRUE(has(ucs, ucs_pair));
    std::string unpadded = ucs_basic_value;
    while (unpadded.back() == '=') unpadded.pop_back();
    EXPECT_TRUE(has(ucs, unpadded));
    EXPECT_TRUE(has(clc::login{"u", clc_password}.secrets(), clc_password));
    EXPECT_TRUE(has(a4c::login{"u", a4c_password}.secrets(), a4c_password));
    EXPECT_TRUE(has(a4c::jwt_login{"u", a4c_password}.secrets(), a4c_password));
    // The credentials of headers, whatever declared them.
    header_list h;
    h.add("Authorization", "Basic " + ucs_basic_value);
    h.add("Cookie", "JSESSIONID=" + a4c_cookie + "; theme=dark-mode");
    h.add("Set-Cookie", "SESSION=fresh-session-id; Path=/; HttpOnly");
    h.add("X-Auth-Token", clc_token);
    h.add("Location", "/not/a/secret");
    secret_set from_headers;
    from_headers.add_from_headers(h);
    for (std::string_view v : {std::string_view(ucs_password), std::string_view(ucs_pair), std::string_view(a4c_cookie),
                               std::string_view("dark-mode"), std::string_view("fresh-session-id"),
                               std::string_view(clc_token)})
        EXPECT_TRUE(has(from_headers, v)) << v;
    EXPECT_FALSE(has(from_headers, "/not/a/secret"));
    EXPECT_FALSE(has(from_headers, "Path=/"));
}

// ---------------------------------------------------------------- log lines

TEST(Secrets, DescribeKeepsEveryCredentialOfItsOwnHeadersOutOfTheLine) {
    http_response res = make_response(302, "", {{"Location", "/alien/rest/auth/status;jsessionid=" + a4c_cookie},
                                                {"Set-Cookie", "JSESSIONID=" + a4c_cookie + "; Path=/"}});
    const auto line = describe(res);
    EXPECT_EQ(line.find(a4c_cookie), std::string::npos) << line;
    EXPECT_NE(line.find("jsessionid=***"), std::string::npos) << line;

    http_request req;
    req.target = "/v2/echo?token=" + clc_token;
    req.headers.set("Authorization", "Bearer " + clc_token);
    const auto request_line = describe(req);
    EXPECT_EQ(request_line.find(clc_token_signature), std::string::npos) << request_line;
    EXPECT_NE(request_line.find("Authorization=REDACTED"), std::string::npos) << request_line;
}

// ---------------------------------------------------------------- secrets held outside the context

TEST(Secrets, ALoginPasswordEchoedByALaterCallIsScrubbedOnceTheClientKnowsIt) {
    for (bool async : {false, true}) {
        boost::asio::io_context io;
        mock_transport mock(io.get_executor());
        std::vector<std::string> lines;
        logger log{log_level::debug, [&](log_level, std::string_view l) { lines.emplace_back(l); }};
        logging_transport<mock_transport&> logged(mock, &log);
        client<logging_transport<mock_transport&>&, a4c::context> c(logged, a4c_ctx(a4c_cookie, ""));
        c.add_secrets(secrets_of(a4c::login{"admin", a4c_password}));
        mock.push(with_echoing_headers(500, a4c_error("", "your password " + form_encoded(a4c_password)),
                                       json_escaped(a4c_password)));
        std::optional<result<a4c::auth_status>> r;
        if (async) {
            c.async_call(a4c::get_auth_status{}, [&](result<a4c::auth_status> x) { r.emplace(std::move(x)); });
            io.run();
        } else {
            r.emplace(c.call(a4c::get_auth_status{}));
        }
        ASSERT_TRUE(r && !*r);
        EXPECT_EQ(r->error().message(), "a4c.getAuthStatus: server error (HTTP 500); server said: \"your password ***\"");
        for (auto& l : lines) {
            EXPECT_EQ(l.find(json_escaped(a4c_password)), std::string::npos) << l;
            EXPECT_EQ(l.find("Tr0ub4dor"), std::string::npos) << l;
        }
    }
}

TEST(Secrets, ASessionLoginThatEchoesThePasswordPrintsItNowhere) {
    mock_transport mock;
    std::vector<std::string> lines;
    clc::session_options opts;
    opts.log = logger{log_level::debug, [&](log_level, std::string_view l) { lines.emplace_back(l); }};
    opts.retry.max_attempts = 1;
    clc::session<mock_transport&> s(mock, clc::credentials{"operator", clc_password}, clc::context{}, opts);
    mock.push(with_echoing_headers(400, clc_error("", "bad password " + json_escaped_twice(clc_password)),
                                   form_encoded(clc_password)));
    auto r = s.call(clc::get_status{"job-1"});
    ASSERT_FALSE(r);
    EXPECT_TRUE(r.error().is(errc::authentication_failed)) << r.error();
    EXPECT_NE(r.error().message().find("bad password ***"), std::string::npos) << r.error();
    EXPECT_EQ(lower(r.error().message()).find("hunter2"), std::string::npos);
    ASSERT_FALSE(lines.empty());
    for (auto& l : lines) EXPECT_EQ(lower(l).find("hunter2"), std::string::npos) << l;
}

}  // namespace
