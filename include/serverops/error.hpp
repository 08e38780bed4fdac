// One error type for the whole library, carried by Outcome results.
#ifndef SERVEROPS_ERROR_HPP
#define SERVEROPS_ERROR_HPP

#include <serverops/detail/utf8.hpp>

#include <boost/outcome/basic_result.hpp>
#include <boost/outcome/policy/base.hpp>
#include <boost/outcome/try.hpp>
#include <boost/system/error_code.hpp>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <type_traits>

namespace serverops {

/// What went wrong, independent of vendor. HTTP statuses map onto these; transports only produce the first group.
enum class errc {
    // transport
    transport_failure = 1,  ///< connect/read/write failed; `error::cause` has the system error
    timeout,                ///< a connect, handshake or request deadline passed
    cancelled,              ///< the caller cancelled the operation
    tls_failure,            ///< TLS handshake or certificate/host-name verification failed
    connection_closed,      ///< the peer closed the connection before a full response arrived
    body_too_large,         ///< response larger than the configured limit
    // HTTP status classes
    bad_request,            ///< 400
    unauthorized,           ///< 401
    forbidden,              ///< 403
    not_found,              ///< 404
    conflict,               ///< 409
    too_many_requests,      ///< 429
    client_error,           ///< any other 4xx
    server_error,           ///< 500 and any other 5xx
    unavailable,            ///< 503
    unexpected_status,      ///< a status the operation does not expect (1xx, 3xx, odd 2xx)
    // decoding
    malformed_response,     ///< body is not valid JSON (or is truncated)
    unexpected_response,    ///< valid JSON of the wrong shape or type
    unknown_enum_value,     ///< a string the API documents as an enum has an undocumented value
    // semantics (vendor-neutral; the vendor's own word is in error::vendor_code / vendor_message, see docs/errors.md)
    invalid_request,        ///< rejected before sending (validation, missing configuration)
    authentication_failed,  ///< credentials rejected
    not_accepted,           ///< the server refused to accept the request for one target (e.g. CLC: not queued)
    target_not_in_response, ///< a requested target is absent from a per-target (batch) response
    operation_failed,       ///< a long-running server-side operation (a job, a task) ended in failure
    deadline_exceeded,      ///< a wait ran out of time; the last known state is reported
    busy,                   ///< the server refuses work for now because of its own state (a mode switch,
                            ///< maintenance): 503-like, worth another try later
    // local
    storage_failure,        ///< a local file this library keeps (a plan's journal or audit log) could not be read,
                            ///< written or synced; `error::cause` has the system error. Nothing about any server
};

namespace detail {
class errc_category final : public boost::system::error_category {
public:
    constexpr errc_category() noexcept : error_category(0x5e7e0b5u) {}
    const char* name() const noexcept override { return "serverops"; }
    std::string message(int ev) const override { return describe(static_cast<errc>(ev)); }
    static const char* describe(errc e) noexcept {
        switch (e) {
        case errc::transport_failure: return "transport failure";
        case errc::timeout: return "timed out";
        case errc::cancelled: return "cancelled";
        case errc::tls_failure: return "TLS failure";
        case errc::connection_closed: return "connection closed before the response was complete";
        case errc::body_too_large: return "response body exceeds the size limit";
        case errc::bad_request: return "bad request";
        case errc::unauthorized: return "unauthorized";
        case errc::forbidden: return "forbidden";
        case errc::not_found: return "not found";
        case errc::conflict: return "conflict";
        case errc::too_many_requests: return "too many requests";
        case errc::client_error: return "client error";
        case errc::server_error: return "server error";
        case errc::unavailable: return "service unavailable";
        case errc::unexpected_status: return "unexpected HTTP status";
        case errc::malformed_response: return "malformed response";
        case errc::unexpected_response: return "unexpected response shape";
        case errc::unknown_enum_value: return "unknown enumeration value";
        case errc::invalid_request: return "invalid request";
        case errc::authentication_failed: return "authentication failed";
        case errc::not_accepted: return "not accepted by the server";
        case errc::target_not_in_response: return "target missing from the response";
        case errc::operation_failed: return "operation failed";
        case errc::deadline_exceeded: return "deadline exceeded";
        case errc::busy: return "server busy";
        case errc::storage_failure: return "storage failure";
        }
        return "unknown serverops error";
    }
};
}  // namespace detail

inline const boost::system::error_category& error_category() noexcept {
    static constexpr detail::errc_category cat;
    return cat;
}

inline boost::system::error_code make_error_code(errc e) noexcept {
    return {static_cast<int>(e), error_category()};
}

}  // namespace serverops

namespace boost::system {
template <>
struct is_error_code_enum<serverops::errc> : std::true_type {};
}  // namespace boost::system

namespace serverops {

namespace detail {
/// Code points that move the cursor, end a line or reorder what a terminal shows: C0, DEL, C1, the Unicode line
/// and paragraph separators and the bidirectional embedding/override/isolate controls.
constexpr bool is_unprintable_code_point(std::uint32_t cp) noexcept {
    return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || cp == 0x2028 || cp == 0x2029 || (cp >= 0x202a && cp <= 0x202e) ||
           (cp >= 0x2066 && cp <= 0x2069);
}

// Server and user text may hold any bytes or be huge; never let it forge log or terminal lines, and keep the output
// valid UTF-8: unprintable code points become \xNN (below U+0080) or \uNNNN, bytes that are not part of valid UTF-8
// become \xNN, other characters stay as they are. The cut falls after at most `limit` input bytes, on a character
// boundary.
inline void append_escaped(std::string& out, std::string_view text, std::size_t limit, bool escape_quotes) {
    static constexpr char hex[] = "0123456789abcdef";
    const auto keep = utf8_prefix_length(text, limit);
    std::uint32_t cp = 0;
    for (std::size_t i = 0; i < keep;) {
        const auto n = utf8_sequence(text, i, cp);
        if (n == 0) {  // not part of a valid sequence: the byte itself, escaped
            const auto u = static_cast<unsigned char>(text[i++]);
            out += "\\x";
            out += hex[u >> 4];
            out += hex[u & 15];
        } else if (is_unprintable_code_point(cp)) {
            out += cp < 0x80 ? "\\x" : "\\u";
            for (int shift = cp < 0x80 ? 4 : 12; shift >= 0; shift -= 4) out += hex[(cp >> shift) & 15];
            i += n;
        } else {
            if (escape_quotes && (cp == '"' || cp == '\\')) out += '\\';
            out.append(text.data() + i, n);
            i += n;
        }
    }
    if (keep < text.size()) out += "...";
}
}  // namespace detail

/// Untrusted text made safe to print on one line: control characters (C0, DEL, C1, line separators, bidi controls)
/// escaped as `\xNN` or `\uNNNN`, bytes that are not valid UTF-8 as `\xNN`; cut after at most `limit` bytes on a
/// character boundary. The result is always valid UTF-8 without control characters.
inline std::string printable(std::string_view text, std::size_t limit = 200) {
    std::string out;
    detail::append_escaped(out, text, limit, false);
    return out;
}

/// The error of every operation. Client-generated text (`detail`) is kept apart from what the server sent
/// (`vendor_code`, `vendor_message`), which is untrusted; `message()` prints every piece escaped and truncated.
struct error {
    boost::system::error_code code;    ///< always in serverops::error_category()
    boost::system::error_code cause;   ///< underlying system/asio/ssl error for transport failures
    unsigned http_status = 0;          ///< 0 when no response was received
    std::string vendor_code;           ///< vendor's own error code, as text (e.g. A4C "502")
    std::string vendor_message;        ///< vendor's own message (untrusted server data)
    std::string detail;                ///< client-generated context, never contains secrets
    std::string_view operation;        ///< static name of the operation, e.g. "clc.startMaintenance"
    std::optional<std::chrono::seconds> retry_after;  ///< from a Retry-After header
    /// True when the request may have reached the server and may have taken effect, but the outcome is unknown: the
    /// transport failed, timed out or was cancelled after a byte of the request may have been written, or the
    /// server answered in a way that does not say whether it acted (5xx other than 503, a 2xx that cannot be
    /// decoded). False when the request certainly did not execute (never sent; refused with 4xx, 429 or 503).
    /// Set only for non-idempotent requests (for an idempotent one, running twice is harmless). For a power or
    /// maintenance POST this is the answer to "was it queued?": read the server's state before sending it again.
    bool may_have_executed = false;

    error() = default;
    error(errc e, std::string detail_text = {}) : code(make_error_code(e)), detail(std::move(detail_text)) {}

    errc kind() const noexcept { return static_cast<errc>(code.value()); }
    bool is(errc e) const noexcept { return code == make_error_code(e); }

    /// Longest piece of each kind `message()` prints, in bytes (cut on a character boundary, then "...").
    static constexpr std::size_t detail_print_limit = 1024;
    static constexpr std::size_t vendor_code_print_limit = 128;  // Redfish message ids run past 60 bytes
    static constexpr std::size_t vendor_message_print_limit = 300;

    /// One line: "op: kind (HTTP n): detail [cause]; server said [code]: "message"". Every piece is escaped
    /// (`detail` can quote ids the server chose, a cause message can be localized), so the line is valid UTF-8
    /// without control characters whatever bytes the fields hold.
    std::string message() const {
        std::string out;
        if (!operation.empty()) {
            detail::append_escaped(out, operation, detail_print_limit, false);
            out += ": ";
        }
        detail::append_escaped(out, code.message(), detail_print_limit, false);
        if (http_status != 0) {
            out += " (HTTP ";
            out += std::to_string(http_status);
            out += ')';
        }
        if (!detail.empty()) {
            out += ": ";
            detail::append_escaped(out, detail, detail_print_limit, false);
        }
        if (cause) {
            out += " [";
            detail::append_escaped(out, cause.message(), detail_print_limit, false);
            out += ']';
        }
        if (may_have_executed) out += " (the request may have reached the server and taken effect)";
        if (!vendor_code.empty() || !vendor_message.empty()) {
            out += "; server said";
            if (!vendor_code.empty()) {
                out += " [";
                detail::append_escaped(out, vendor_code, vendor_code_print_limit, true);
                out += ']';
            }
            if (!vendor_message.empty()) {
                out += ": \"";
                detail::append_escaped(out, vendor_message, vendor_message_print_limit, true);
                out += '"';
            }
        }
        return out;
    }

    friend std::ostream& operator<<(std::ostream& os, const error& e) { return os << e.message(); }

    /// Lets Outcome treat `error` as an error-code-like type (used by TRY and by the no-value policy).
    friend boost::system::error_code make_error_code(const error& e) noexcept { return e.code; }

};

/// An error category for the codes of a library serverops does not know (a CURLcode, an HRESULT, your own enum),
/// so that `error::cause` can carry them with their text: `cause.message()` is `message(value)`, and
/// `cause.category().name()` is `name`. Define one per foreign library, with static storage duration:
/// ```
/// inline const serverops::foreign_error_category curl_category(
///     "curl", [](int v) { return std::string(curl_easy_strerror(static_cast<CURLcode>(v))); });
/// e.cause = boost::system::error_code(rc, curl_category);
/// ```
/// Text that belongs to one failure only (curl's CURLOPT_ERRORBUFFER, say) goes in `error::detail`.
class foreign_error_category final : public boost::system::error_category {
public:
    constexpr foreign_error_category(const char* name, std::string (*message)(int)) noexcept
        : name_(name), message_(message) {}
    const char* name() const noexcept override { return name_; }
    std::string message(int value) const override {
        if (message_) return message_(value);
        std::string m(name_);
        m += " error ";
        m += std::to_string(value);
        return m;
    }

private:
    const char* name_;
    std::string (*message_)(int);
};

namespace detail {
/// Prints what a failed result held before the process ends: reading `value()` of a failed result is a bug in the
/// caller, and the error says which call failed and why. `message()` never shows a secret.
[[noreturn]] inline void terminate_on_unchecked(const error* e, const char* what) noexcept {
    std::string line = "serverops: ";
    line += what;
    if (e) {
        line += ": ";
        try {
            line += e->message();
        } catch (...) {
            line += "(the error could not be printed)";
        }
    }
    line += '\n';
    std::fputs(line.c_str(), stderr);
    std::fflush(stderr);
    std::terminate();
}
}  // namespace detail

/// The no-value policy of `result`: Outcome's `terminate` policy, which also prints the error to stderr first. No
/// exception is thrown.
struct terminate_with_message : boost::outcome_v2::policy::base {
    template <class Impl>
    static constexpr void wide_value_check(Impl&& self) {
        if (!base::_has_value(static_cast<Impl&&>(self))) {
            if (base::_has_error(static_cast<Impl&&>(self)))
                detail::terminate_on_unchecked(&base::_error(self), "value() of a failed result");
            detail::terminate_on_unchecked(nullptr, "value() of a result without a value");
        }
    }
    template <class Impl>
    static constexpr void wide_error_check(Impl&& self) noexcept {
        if (!base::_has_error(static_cast<Impl&&>(self)))
            detail::terminate_on_unchecked(nullptr, "error() of a successful result");
    }
    template <class Impl>
    static constexpr void wide_exception_check(Impl&& self) {
        if (!base::_has_exception(static_cast<Impl&&>(self)))
            detail::terminate_on_unchecked(nullptr, "exception() of a result without one");
    }
};

/// `[[nodiscard]]` result of every operation. Reading `value()` of a failed result prints the error to stderr and
/// terminates: it is a bug, and no path in the library throws.
template <class T>
using result = boost::outcome_v2::basic_result<T, error, terminate_with_message>;

using boost::outcome_v2::success;

/// Builds a failed result of any `result<T>`.
inline auto failure(error e) { return boost::outcome_v2::failure(std::move(e)); }
inline auto failure(errc e, std::string detail = {}) { return boost::outcome_v2::failure(error(e, std::move(detail))); }

/// Maps an HTTP status (>= 400) to the library's class of it.
constexpr errc errc_from_http_status(unsigned status) noexcept {
    switch (status) {
    case 400: return errc::bad_request;
    case 401: return errc::unauthorized;
    case 403: return errc::forbidden;
    case 404: return errc::not_found;
    case 409: return errc::conflict;
    case 429: return errc::too_many_requests;
    case 503: return errc::unavailable;
    default: break;
    }
    if (status >= 400 && status < 500) return errc::client_error;
    if (status >= 500 && status < 600) return errc::server_error;
    return errc::unexpected_status;
}

}  // namespace serverops

#endif
