// Secrets never leave the process through an error or a log line: one scrubber for every vendor.
// Contexts and login operations declare the secrets they hold (`secret_set secrets() const`); the client scrubs every
// error it returns with them, and the logging transport every line it writes. A server may echo a secret in any
// spelling, so the scrubber matches spellings, not bytes (see `scrub_secrets`).
#ifndef SERVEROPS_SECRETS_HPP
#define SERVEROPS_SECRETS_HPP

#include <serverops/detail/ascii.hpp>
#include <serverops/detail/base64.hpp>
#include <serverops/detail/utf8.hpp>
#include <serverops/error.hpp>
#include <serverops/http_message.hpp>

#include <algorithm>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace serverops {

/// Shorter "secrets" are not scrubbed: blanking every 1-3 byte match would destroy ordinary words in messages.
inline constexpr std::size_t min_secret_length = 4;

/// What replaces a secret.
inline constexpr std::string_view redacted_mark = "***";

/// The secrets an exchange involves (owned copies; a context's derived ones, such as a Basic value, exist nowhere
/// else). Values shorter than `min_secret_length` are ignored; duplicates are kept once.
class secret_set {
public:
    void add(std::string_view s) {
        if (s.size() < min_secret_length) return;
        if (std::find(items_.begin(), items_.end(), s) != items_.end()) return;
        items_.emplace_back(s);
    }

    /// A bearer token: the whole of it and, for a JWT, its signature (a server may echo one segment).
    void add_token(std::string_view token) {
        add(token);
        const auto dot = token.rfind('.');
        if (dot != std::string_view::npos && token.find('.') != dot) add(token.substr(dot + 1));
    }

    /// HTTP Basic: the password, `user:password`, and the base64 value sent (its '=' padding is not secret, and a
    /// server that strips it must not defeat the match).
    void add_basic(std::string_view user, std::string_view password) {
        add(password);
        std::string pair;
        pair.reserve(user.size() + 1 + password.size());
        pair.append(user);
        pair.push_back(':');
        pair.append(password);
        add(pair);
        std::string sent = detail::base64_encode(pair);
        while (!sent.empty() && sent.back() == '=') sent.pop_back();
        add(sent);
    }

    /// The credentials a header list carries: Authorization / Proxy-Authorization (a Basic value decoded too),
    /// Cookie and Set-Cookie values, and the value of any header whose name says it holds one (X-Auth-Token,
    /// X-Api-Key, X-Session-Id, ...).
    void add_from_headers(const header_list& headers) {
        for (const auto& [name, value] : headers) {
            if (detail::iequals(name, "Authorization") || detail::iequals(name, "Proxy-Authorization")) {
                add_authorization(value);
            } else if (detail::iequals(name, "Cookie")) {
                add_cookie_values(value, true);
            } else if (detail::iequals(name, "Set-Cookie")) {
                add_cookie_values(value, false);
            } else if (is_credential_header_name(name)) {
                add(trim(value));
            }
        }
    }

    void merge(const secret_set& other) {
        for (const auto& s : other.items_) add(s);
    }

    bool empty() const noexcept { return items_.empty(); }
    std::size_t size() const noexcept { return items_.size(); }
    auto begin() const noexcept { return items_.begin(); }
    auto end() const noexcept { return items_.end(); }

    /// Header names that announce a credential, beyond the standard ones.
    static bool is_credential_header_name(std::string_view name) {
        std::string lower;
        lower.reserve(name.size());
        for (char c : name) lower.push_back(detail::ascii_lower(c));
        for (std::string_view word : {"token", "auth", "session", "secret", "password", "passwd", "apikey", "api-key",
                                      "csrf", "xsrf", "jwt", "credential", "cookie"})
            if (lower.find(word) != std::string::npos) return true;
        return false;
    }

private:
    static std::string_view trim(std::string_view s) {
        while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
        while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
        return s;
    }

    void add_authorization(std::string_view value) {
        value = trim(value);
        const auto space = value.find(' ');
        if (space == std::string_view::npos) return add(value);
        const auto scheme = value.substr(0, space);
        const auto credentials = trim(value.substr(space + 1));
        add_token(credentials);
        if (!detail::iequals(scheme, "Basic")) return;
        if (auto pair = detail::base64_decode(credentials)) {
            const auto colon = pair->find(':');
            if (colon == std::string::npos) add(*pair);
            else add_basic(std::string_view(*pair).substr(0, colon), std::string_view(*pair).substr(colon + 1));
        }
    }

    // Cookie: "a=1; b=2" (every value); Set-Cookie: "name=value; Path=/" (the attributes are not secret).
    void add_cookie_values(std::string_view value, bool every_pair) {
        while (!value.empty()) {
            const auto semi = value.find(';');
            const auto pair = value.substr(0, semi);
            if (const auto eq = pair.find('='); eq != std::string_view::npos) {
                auto v = trim(pair.substr(eq + 1));
                if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
                add(v);
            }
            if (!every_pair || semi == std::string_view::npos) return;
            value.remove_prefix(semi + 1);
        }
    }

    std::vector<std::string> items_;
};

/// A type that declares the secrets it holds: vendor contexts (credentials) and login operations (the password).
template <class T>
concept declares_secrets = requires(const T& t) {
    { t.secrets() } -> std::same_as<secret_set>;
};

/// `t.secrets()`, or nothing for a type that holds none.
template <class T>
secret_set secrets_of(const T& t) {
    if constexpr (declares_secrets<T>) return t.secrets();
    else return {};
}

/// A transport that logs and wants to know the secrets of the exchange it carries, to keep them out of its lines
/// (`logging_transport`). Besides `wants_secrets()` (false when nothing would be logged: the client then skips
/// gathering them) it has `send(req, secrets)` and `async_send(req, secrets, token)`.
template <class T>
concept secret_aware_transport = requires(const T& t) {
    { t.wants_secrets() } -> std::same_as<bool>;
};

namespace detail {

// One character of a secret: a valid UTF-8 sequence (with its code point) or a single stray byte.
struct secret_unit {
    std::string_view bytes;
    std::uint32_t code_point = 0;
    bool is_character = false;
};

inline std::vector<secret_unit> secret_units(std::string_view s) {
    std::vector<secret_unit> units;
    units.reserve(s.size());
    for (std::size_t i = 0; i < s.size();) {
        std::uint32_t cp = 0;
        const auto n = utf8_sequence(s, i, cp);
        if (n == 0) {
            units.push_back({s.substr(i, 1), 0, false});
            ++i;
        } else {
            units.push_back({s.substr(i, n), cp, true});
            i += n;
        }
    }
    return units;
}

inline bool read_hex(std::string_view text, std::size_t at, std::size_t digits, std::uint32_t& value) {
    if (at > text.size() || text.size() - at < digits) return false;
    value = 0;
    for (std::size_t k = 0; k < digits; ++k) {
        const char c = text[at + k];
        std::uint32_t d;
        if (c >= '0' && c <= '9') d = static_cast<std::uint32_t>(c - '0');
        else if (c >= 'a' && c <= 'f') d = static_cast<std::uint32_t>(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F') d = static_cast<std::uint32_t>(c - 'A' + 10);
        else return false;
        value = value * 16 + d;
    }
    return true;
}

// How many times an escape may have been escaped again. Bounded so that a long run of '\\' or "%25" in hostile
// text costs linear time, not quadratic.
inline constexpr std::size_t max_escape_depth = 4;

// Case does not protect a secret: "HUNTER2" still gives "hunter2" away.
inline bool same_byte(unsigned char a, unsigned char b) noexcept {
    return ascii_lower(static_cast<char>(a)) == ascii_lower(static_cast<char>(b));
}

// Appends the end of every spelling of byte `b` at `p`: raw, %XX, or %25XX (percent-encoded twice, or more).
inline void byte_spelling_ends(std::string_view text, std::size_t p, char b, std::vector<std::size_t>& ends) {
    if (p >= text.size()) return;
    const auto ub = static_cast<unsigned char>(b);
    if (same_byte(static_cast<unsigned char>(text[p]), ub)) ends.push_back(p + 1);
    if (text[p] != '%') return;
    for (std::size_t q = p + 1, level = 0; level < max_escape_depth; q += 2, ++level) {
        std::uint32_t v;
        if (!read_hex(text, q, 2, v)) return;
        if (same_byte(static_cast<unsigned char>(v), ub)) ends.push_back(q + 2);
        if (v != 0x25) return;
    }
}

// `&#NN;`, `&#xHH;` or a named reference for `cp` at `t`: its end, or npos.
inline std::size_t html_reference_end(std::string_view text, std::size_t t, std::uint32_t cp) {
    if (t >= text.size() || text[t] != '&') return std::string_view::npos;
    const auto rest = text.substr(t + 1);
    for (auto [name, value] : {std::pair<std::string_view, std::uint32_t>{"quot;", 0x22}, {"amp;", 0x26}, {"lt;", 0x3c},
                               {"gt;", 0x3e}, {"apos;", 0x27}})
        if (value == cp && rest.size() >= name.size() && iequals(rest.substr(0, name.size()), name))
            return t + 1 + name.size();
    if (rest.size() < 3 || rest[0] != '#') return std::string_view::npos;
    const bool hex = rest[1] == 'x' || rest[1] == 'X';
    std::size_t i = hex ? 2 : 1;
    std::uint32_t v = 0;
    const std::size_t first = i;
    for (; i < rest.size() && i - first < 8; ++i) {
        const char c = rest[i];
        std::uint32_t d;
        if (c >= '0' && c <= '9') d = static_cast<std::uint32_t>(c - '0');
        else if (hex && c >= 'a' && c <= 'f') d = static_cast<std::uint32_t>(c - 'a' + 10);
        else if (hex && c >= 'A' && c <= 'F') d = static_cast<std::uint32_t>(c - 'A' + 10);
        else break;
        v = v * (hex ? 16u : 10u) + d;
    }
    if (i == first || i >= rest.size() || rest[i] != ';' || v != cp) return std::string_view::npos;
    return t + 1 + i + 1;
}

// Appends to `ends` the end of every spelling of `u` that starts at `t`:
// - raw bytes (ASCII case ignored), each byte possibly %XX-encoded (once or more);
// - after a run of backslashes (a JSON escape, escaped again any number of times): the character itself (`\"`,
//   `\/`), a short escape (`\n`), `\uXXXX` (a surrogate pair above U+FFFF); a backslash is any run of them;
// - an HTML character reference; '+' for a space (form encoding).
inline void spelling_ends(std::string_view text, std::size_t t, const secret_unit& u, std::vector<std::size_t>& ends) {
    const auto n = text.size();
    if (t >= n) return;
    std::size_t k = 0;  // a backslash escaped d times is a run of 2^d - 1 before the character
    while (t + k < n && text[t + k] == '\\' && k < (std::size_t(1) << max_escape_depth)) ++k;
    auto bytes_from = [&](std::size_t p) {  // each byte of the character raw or encoded, independently
        std::size_t here[8] = {p};
        std::size_t count = 1;
        std::vector<std::size_t> next;
        for (char b : u.bytes) {
            next.clear();
            for (std::size_t i = 0; i < count; ++i) byte_spelling_ends(text, here[i], b, next);
            if (next.empty()) return;
            std::sort(next.begin(), next.end());
            next.erase(std::unique(next.begin(), next.end()), next.end());
            count = std::min<std::size_t>(next.size(), 8);
            std::copy_n(next.end() - static_cast<std::ptrdiff_t>(count), count, here);  // keep the longest
        }
        ends.insert(ends.end(), here, here + count);
    };
    bytes_from(t);
    if (k == 0) {
        if (u.is_character) {
            if (auto e = html_reference_end(text, t, u.code_point); e != std::string_view::npos) ends.push_back(e);
            if (u.code_point == ' ' && text[t] == '+') ends.push_back(t + 1);
        }
        return;
    }
    if (u.is_character && u.code_point == '\\') ends.push_back(t + k);
    if (t + k >= n) return;
    bytes_from(t + k);
    if (!u.is_character) return;
    const auto cp = u.code_point;
    const char e = text[t + k];
    if ((e == 'n' && cp == '\n') || (e == 'r' && cp == '\r') || (e == 't' && cp == '\t') || (e == 'b' && cp == '\b') ||
        (e == 'f' && cp == '\f'))
        ends.push_back(t + k + 1);
    std::uint32_t v;
    if ((e != 'u' && e != 'U') || !read_hex(text, t + k + 1, 4, v)) return;
    if (v == cp) {
        ends.push_back(t + k + 5);
    } else if (cp > 0xFFFF && v == 0xD800 + ((cp - 0x10000) >> 10)) {
        const std::size_t q = t + k + 5;
        std::size_t k2 = 0;
        while (q + k2 < n && text[q + k2] == '\\') ++k2;
        std::uint32_t low;
        if (k2 > 0 && q + k2 < n && (text[q + k2] == 'u' || text[q + k2] == 'U') && read_hex(text, q + k2 + 1, 4, low) &&
            low == 0xDC00 + ((cp - 0x10000) & 0x3FF))
            ends.push_back(q + k2 + 5);
    }
}

// What a cut inside an escape leaves at the end of a text: "\\u00", "%2", "&#1".
inline bool is_cut_escape(std::string_view rest) {
    if (rest.empty() || rest.size() > 12) return false;
    return std::all_of(rest.begin(), rest.end(), [](char c) {
        return c == '\\' || c == '%' || c == '&' || c == '#' || c == 'u' || c == 'U' || c == 'x' || c == 'X' ||
               (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    });
}

// Where a spelling of units[from..] that starts at `t` ends (the longest), or npos. With `cut_ok`, a spelling cut
// off by the end of the text (also inside an escape) counts once it covers `min_secret_length` characters: what a
// truncated echo leaves.
inline std::size_t secret_match_end(std::string_view text, std::size_t t, const std::vector<secret_unit>& units,
                                    std::size_t from, bool cut_ok, std::vector<std::size_t>& frontier,
                                    std::vector<std::size_t>& next) {
    frontier.assign(1, t);
    bool cut_at_end = false;
    for (std::size_t i = from; i < units.size(); ++i) {
        if (cut_ok && i - from >= min_secret_length &&
            std::any_of(frontier.begin(), frontier.end(), [&](std::size_t f) {
                return f == text.size() || is_cut_escape(text.substr(f));
            }))
            cut_at_end = true;
        next.clear();
        for (auto f : frontier) spelling_ends(text, f, units[i], next);
        if (next.empty()) return cut_at_end ? text.size() : std::string_view::npos;
        std::sort(next.begin(), next.end());
        next.erase(std::unique(next.begin(), next.end()), next.end());
        frontier.swap(next);
    }
    return frontier.back();
}

inline void scrub_one(std::string& text, const std::vector<secret_unit>& units) {
    if (text.empty() || units.size() < min_secret_length) return;
    std::vector<std::size_t> frontier, next;
    const std::string_view in = text;
    std::string out;
    bool changed = false;
    std::size_t copied = 0;  // in[copied, t) is still to be copied to `out`
    auto redact = [&](std::size_t from, std::size_t to) {
        if (!changed) {
            out.reserve(in.size());
            changed = true;
        }
        out.append(in.substr(copied, from - copied));
        out.append(redacted_mark);
        copied = to;
    };
    std::size_t t = 0;
    // A text that starts with the tail of a secret (its head was cut off, or is in another field); the longest tail
    // first, and only when the whole secret is not there.
    if (secret_match_end(in, 0, units, 0, true, frontier, next) == std::string_view::npos) {
        for (std::size_t from = 1; from + min_secret_length <= units.size(); ++from) {
            const auto end = secret_match_end(in, 0, units, from, false, frontier, next);
            if (end != std::string_view::npos) {
                redact(0, end);
                t = end;
                break;
            }
        }
    }
    // Every spelling starts with the first byte itself (any case) or with one of these: a cheap test first.
    const auto first = static_cast<unsigned char>(units.front().bytes.front());
    auto may_start_at = [&](std::size_t i) {
        const char c = in[i];
        return same_byte(static_cast<unsigned char>(c), first) || c == '%' || c == '\\' || c == '&' || c == '+';
    };
    while (t < in.size()) {
        if (!may_start_at(t)) {
            ++t;
            continue;
        }
        const auto end = secret_match_end(in, t, units, 0, true, frontier, next);
        if (end == std::string_view::npos || end == t) {
            ++t;
            continue;
        }
        redact(t, end);
        t = end;
    }
    if (!changed) return;
    out.append(in.substr(copied));
    text = std::move(out);
}

}  // namespace detail

/// Replaces every secret of `secrets` in `text` with "***", in any spelling a server could echo: raw or in another
/// ASCII case, JSON-escaped (`\"`, `\uXXXX`, escaped twice), percent-encoded (once or twice, '+' for space), as HTML
/// character references, or mixed; also a secret cut off at either end of the text (at least `min_secret_length`
/// characters of it), as a truncated echo or one split across two fields leaves it.
inline void scrub_secrets(std::string& text, const secret_set& secrets) {
    if (text.empty() || secrets.empty()) return;
    std::vector<std::string_view> longest_first(secrets.begin(), secrets.end());
    std::sort(longest_first.begin(), longest_first.end(),
              [](std::string_view a, std::string_view b) { return a.size() > b.size(); });
    for (auto s : longest_first) detail::scrub_one(text, detail::secret_units(s));
}

/// Scrubs every text of an error: the server's (`vendor_message`, `vendor_code`) and the client's (`detail`).
inline void scrub_secrets(error& e, const secret_set& secrets) {
    if (secrets.empty()) return;
    scrub_secrets(e.vendor_message, secrets);
    scrub_secrets(e.vendor_code, secrets);
    scrub_secrets(e.detail, secrets);
}

}  // namespace serverops

#endif
