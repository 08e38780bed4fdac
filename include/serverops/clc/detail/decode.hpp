// Response decoding shared by the CLC operations: error bodies, status links, per-server batch arrays.
#ifndef SERVEROPS_CLC_DETAIL_DECODE_HPP
#define SERVEROPS_CLC_DETAIL_DECODE_HPP

#include <serverops/clc/types.hpp>
#include <serverops/detail/ascii.hpp>
#include <serverops/http_message.hpp>
#include <serverops/vendor.hpp>

#include <boost/json/monotonic_resource.hpp>

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

namespace serverops::clc::detail {

namespace json = boost::json;

/// Collects the server's words from every error body shape CLC uses: empty, {"message"}, {"message","modelState"},
/// ASP.NET exception fields, or an array of per-item messages.
inline std::string vendor_message_of(const json::value& body) {
    std::string out;
    if (auto* o = body.if_object()) {
        for (auto key : {"message", "Message", "error"})
            if (auto* m = find_field(*o, key); m && m->is_string()) append_sentence(out, m->get_string());
        if (auto* ms = find_field(*o, "modelState"); ms && ms->is_object()) {
            for (auto& [field, msgs] : ms->get_object()) {
                if (auto* arr = msgs.if_array()) {
                    for (auto& m : *arr)
                        if (m.is_string())
                            append_sentence(out, std::string(field) + ": " + std::string(m.get_string()));
                } else if (msgs.is_string()) {
                    append_sentence(out, std::string(field) + ": " + std::string(msgs.get_string()));
                }
            }
        }
        if (auto* m = find_field(*o, "exceptionMessage"); m && m->is_string()) append_sentence(out, m->get_string());
    } else if (auto* a = body.if_array()) {
        for (auto& item : *a)
            if (auto* io = item.if_object())
                for (auto key : {"message", "errorMessage"})
                    if (auto* m = find_field(*io, key); m && m->is_string()) append_sentence(out, m->get_string());
    } else if (auto* s = body.if_string()) {
        out = *s;
    }
    return out;
}

/// CLC's error bodies for serverops::http_error: the words of vendor_message_of, the ASP.NET `exceptionType` as
/// the code.
struct error_body {
    void operator()(const json::value& body, error& e) const {
        e.vendor_message = vendor_message_of(body);
        if (auto* o = body.if_object())
            if (auto* t = find_field(*o, "exceptionType"); t && t->is_string()) e.vendor_code = t->get_string();
    }
};

/// The error for a non-success HTTP status. The body may be empty, JSON or plain text.
inline error http_error(const http_response& res, errc kind) { return serverops::response_error(res, kind, error_body{}); }

inline error http_error(const http_response& res) { return http_error(res, errc_from_http_status(res.status)); }

/// A status link: {"rel":"status","href":".../status/<id>","id":"<id>"}; id taken from href when absent.
inline result<queued_job> decode_status_link(const json::object& o, std::string_view path) {
    BOOST_OUTCOME_TRY(auto href, optional_string_view_field(o, "href", path));
    BOOST_OUTCOME_TRY(auto id, optional_string_view_field(o, "id", path));
    queued_job job;
    job.href = href.value_or("");
    if (id && !id->empty()) job.status_id = *id;
    else if (auto slash = job.href.rfind('/'); slash != std::string::npos) job.status_id = job.href.substr(slash + 1);
    if (job.status_id.empty()) return failure(errc::unexpected_response, "status link without an id");
    return job;
}

/// Single-link responses of the per-server actions (restore, snapshot delete/revert).
inline result<queued_job> decode_single_link(const http_response& res) {
    if (!is_success_status(res.status)) return failure(http_error(res));
    BOOST_OUTCOME_TRY(auto v, parse_json(res.body));
    BOOST_OUTCOME_TRY(auto o, as_object(v, "$"));
    // Some endpoints wrap the link as {"links":[...]}; accept either.
    if (auto* links = find_field(*o, "links"); links && links->is_array()) {
        for (auto& l : links->get_array())
            if (auto* lo = l.if_object(); lo && find_field(*lo, "rel") && (*lo).at("rel") == "status")
                return decode_status_link(*lo, "$.links[]");
        return failure(errc::unexpected_response, "no status link in the response");
    }
    return decode_status_link(*o, "$");
}

inline result<queued_job> decode_batch_entry(const json::object& o) {
    BOOST_OUTCOME_TRY(auto queued, bool_field(o, "isQueued", "$[].isQueued"));
    if (!queued) {
        error e(errc::not_accepted);
        e.vendor_code = "not_queued";  // CLC's word for it (isQueued: false)
        auto msg = optional_string_field(o, "errorMessage", "$[].errorMessage");
        if (msg && msg.value()) e.vendor_message = std::move(*msg.value());
        return failure(std::move(e));
    }
    if (auto* links = find_field(o, "links"); links && links->is_array()) {
        for (auto& l : links->get_array())
            if (auto* lo = l.if_object())
                if (auto* rel = find_field(*lo, "rel"); rel && rel->is_string() && rel->get_string() == "status")
                    return decode_status_link(*lo, "$[].links[]");
    }
    return failure(errc::unexpected_response, "queued without a status link");
}

/// ASCII case-insensitive order for server ids, so that matching needs no upper-cased copies.
struct iless {
    bool operator()(std::string_view a, std::string_view b) const noexcept {
        const auto n = a.size() < b.size() ? a.size() : b.size();
        for (std::size_t i = 0; i < n; ++i) {
            const auto x = static_cast<unsigned char>(serverops::detail::ascii_lower(a[i]));
            const auto y = static_cast<unsigned char>(serverops::detail::ascii_lower(b[i]));
            if (x != y) return x < y;
        }
        return a.size() < b.size();
    }
};

/// Decodes the per-server array into one result per requested id, in request order. The API lower-cases ids,
/// reorders entries and lists a server given twice once, so entries are matched case-insensitively; the first entry
/// for an id wins. Matching sorts the ids the caller sent and binary-searches each entry's name among them: at most
/// O((n + m) log m) comparisons for any names the server chooses (a hash table keyed by server-chosen names can be
/// flooded with colliding names, which made this quadratic). `less` is a seam for tests that count comparisons; it
/// must order as `iless` does.
template <class Less = iless>
result<batch_response> decode_batch(const http_response& res, const std::vector<std::string>& requested,
                                    Less less = {}) {
    const bool queue_error_array = res.status == 400 && !res.body.empty() && res.body.find('[') != std::string::npos;
    if (!is_success_status(res.status) && !queue_error_array) return failure(http_error(res));
    // The parsed tree dies with this function: a monotonic arena saves one allocation per JSON node.
    unsigned char arena_buffer[16 * 1024];
    json::monotonic_resource arena(arena_buffer, sizeof(arena_buffer));
    auto parsed = parse_json(res.body, &arena);
    if (!parsed) {
        if (!is_success_status(res.status)) return failure(http_error(res));
        return failure(std::move(parsed).error());
    }
    auto* arr = parsed.value().if_array();
    if (!arr) {
        if (!is_success_status(res.status)) return failure(http_error(res));
        return failure(shape_error("$", "array", &parsed.value()));
    }
    // Requested indexes in case-insensitive order; equal ids (given twice) share the entry of the first of them.
    std::vector<std::size_t> order(requested.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return less(requested[a], requested[b]); });
    std::vector<std::size_t> first_equal(requested.size());
    for (std::size_t k = 0; k < order.size(); ++k) {
        const bool same_as_previous = k > 0 && !less(requested[order[k - 1]], requested[order[k]]);
        first_equal[order[k]] = same_as_previous ? first_equal[order[k - 1]] : order[k];
    }
    std::vector<const json::object*> entry_of(requested.size(), nullptr);
    for (auto& item : *arr) {
        auto* o = item.if_object();
        if (!o) return failure(shape_error("$[]", "object", &item));
        auto* server = find_field(*o, "server");
        if (!server || !server->is_string()) return failure(shape_error("$[].server", "string", server));
        const std::string_view name(server->get_string());
        auto it = std::lower_bound(order.begin(), order.end(), name,
                                   [&](std::size_t i, std::string_view n) { return less(requested[i], n); });
        if (it != order.end() && !less(name, requested[*it]) && !entry_of[*it]) entry_of[*it] = o;
    }
    batch_response out;
    out.http_status = res.status;
    out.servers.reserve(requested.size());
    for (std::size_t i = 0; i < requested.size(); ++i) {
        const auto& id = requested[i];
        const auto* entry = entry_of[first_equal[i]];
        if (!entry) {
            out.servers.push_back({id, failure(errc::target_not_in_response, "no entry for this server in the response")});
            continue;
        }
        auto job = decode_batch_entry(*entry);
        if (!job && !is_success_status(res.status)) job.error().http_status = res.status;  // a 400 carrying the array
        out.servers.push_back({id, std::move(job)});
    }
    return out;
}

}  // namespace serverops::clc::detail

#endif
