// The plan file (JSON) -> serverops::plan::maintenance_plan, and back. Every problem is an errc::invalid_request
// whose detail starts with the JSON path of the offending value (`$.steps[2].max_unavailable: must be at least 1,
// got 0`), so a command can print it as is (exit 2, nothing sent). Text from the file is quoted escaped (`printable`), never raw.
//
// The format (see docs/plans.md):
//   {"name": .., "reason": .., "systems": {NAME: {"kind": .., "base_url": .., "alias": ..}}, "steps": [STEP, ..]}
//   STEP: {"id", "system", "action": "maintenance"|"mode"|"power", "state"|"mode"|"operation", "message",
//          "servers" (CLC) | "systems" (Redfish), "max_unavailable", "within_maintenance", "max_failures"}
// A system named after its kind ("clc", "alien4cloud", "ucs", "redfish") needs no `kind`, and needs no entry at all
// when the environment describes it; any other name must be declared with its `kind` (e.g. two CLC accounts).
#ifndef SERVEROPS_PLAN_READER_HPP
#define SERVEROPS_PLAN_READER_HPP

#include <serverops/detail/ascii.hpp>
#include <serverops/detail/concat.hpp>
#include <serverops/detail/json_read.hpp>
#include <serverops/endpoint.hpp>
#include <serverops/error.hpp>
#include <serverops/plan/model.hpp>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <cstdint>
#include <initializer_list>
#include <set>
#include <string>
#include <string_view>
#include <utility>

namespace serverops::plan {

namespace detail {

using serverops::detail::concat;

/// Longest piece of the file quoted in an error.
inline constexpr std::size_t quote_limit = 80;

inline error invalid_at(std::string_view path, std::string_view problem) {
    return error(errc::invalid_request, concat(path, ": ", problem));
}

/// "'text'" escaped and cut: what an error shows of a value from the file.
inline std::string quoted_text(std::string_view text) { return serverops::detail::quoting("", text, quote_limit, ""); }

/// A name usable as an id, a system name or a target: not empty, valid UTF-8 without control characters
/// (C0, DEL, C1, line separators, bidi controls), which would forge journal, audit or terminal lines.
inline bool is_clean_name(std::string_view s) { return !s.empty() && printable(s, s.size()) == s; }

inline std::string member_path(std::string_view parent, std::string_view key) {
    return concat(parent, ".", printable(key, quote_limit));
}
inline std::string index_path(std::string_view parent, std::size_t i) {
    return concat(parent, "[", std::to_string(i), "]");
}

inline result<void> only_members(const boost::json::object& o, std::string_view path,
                                 std::initializer_list<std::string_view> allowed) {
    for (auto& kv : o) {
        bool known = false;
        for (auto a : allowed) known = known || kv.key() == a;
        if (!known) return failure(invalid_at(member_path(path, kv.key()), "unknown field"));
    }
    return success();
}

inline result<std::string> name_at(const boost::json::value& v, std::string_view path) {
    auto* s = v.if_string();
    if (!s) return failure(invalid_at(path, concat("expected a string, got ", json_kind_name(v.kind()))));
    std::string_view text(s->data(), s->size());
    if (text.empty()) return failure(invalid_at(path, "must not be empty"));
    if (!is_clean_name(text))
        return failure(invalid_at(path, concat("must not hold control characters: ", quoted_text(text))));
    return std::string(text);
}

inline result<std::string> text_at(const boost::json::value& v, std::string_view path) {
    auto* s = v.if_string();
    if (!s) return failure(invalid_at(path, concat("expected a string, got ", json_kind_name(v.kind()))));
    return std::string(s->data(), s->size());
}

inline result<std::int64_t> integer_at(const boost::json::value& v, std::string_view path, std::int64_t min) {
    std::optional<std::int64_t> n;
    if (v.is_int64()) n = v.get_int64();
    else if (v.is_uint64()) n = v.get_uint64() > static_cast<std::uint64_t>(INT64_MAX) ? INT64_MAX
                                                                                      : static_cast<std::int64_t>(v.get_uint64());
    if (!n) return failure(invalid_at(path, concat("expected an integer, got ", json_kind_name(v.kind()))));
    if (*n < min)
        return failure(invalid_at(path, concat("must be at least ", std::to_string(min), ", got ", std::to_string(*n))));
    return *n;
}

inline std::string one_of(const std::vector<std::string_view>& values) {
    std::string out = "one of";
    for (auto v : values) {
        out += ' ';
        out += v;
    }
    return out;
}

inline result<system_config> read_system(const std::string& name, const boost::json::value& v, std::string_view path) {
    auto* o = v.if_object();
    if (!o) return failure(invalid_at(path, concat("expected an object, got ", json_kind_name(v.kind()))));
    BOOST_OUTCOME_TRY(only_members(*o, path, {"kind", "base_url", "alias"}));
    system_config c;
    auto implied = parse_system_kind(name);
    if (auto* k = o->if_contains("kind")) {
        const auto kpath = concat(path, ".kind");
        BOOST_OUTCOME_TRY(auto word, text_at(*k, kpath));
        auto kind = parse_system_kind(word);
        if (!kind)
            return failure(invalid_at(kpath, concat("unknown system kind ", quoted_text(word),
                                                    " (clc, alien4cloud, ucs or redfish)")));
        if (implied && *implied != *kind)
            return failure(invalid_at(kpath, concat("a system named ", name, " must be of kind ", name)));
        c.kind = *kind;
    } else if (implied) {
        c.kind = *implied;
    } else {
        return failure(invalid_at(concat(path, ".kind"), "missing: a system not named after its kind needs one"));
    }
    if (auto* u = o->if_contains("base_url")) {
        const auto upath = concat(path, ".base_url");
        BOOST_OUTCOME_TRY(auto url, text_at(*u, upath));
        if (auto ep = parse_endpoint(url); !ep) return failure(invalid_at(upath, ep.error().detail));
        c.base_url = std::move(url);
    }
    if (auto* a = o->if_contains("alias")) {
        const auto apath = concat(path, ".alias");
        if (c.kind != system_kind::clc) return failure(invalid_at(apath, "only a clc system has an account alias"));
        BOOST_OUTCOME_TRY(auto alias, name_at(*a, apath));
        c.alias = serverops::detail::to_upper(alias);
    }
    return c;
}

inline result<std::vector<std::string>> read_targets(const boost::json::value& v, std::string_view path,
                                                     bool upper_case) {
    auto* a = v.if_array();
    if (!a) return failure(invalid_at(path, concat("expected an array, got ", json_kind_name(v.kind()))));
    if (a->empty()) return failure(invalid_at(path, "must name at least one target"));
    std::vector<std::string> out;
    std::set<std::string> seen;
    for (std::size_t i = 0; i < a->size(); ++i) {
        const auto ipath = index_path(path, i);
        BOOST_OUTCOME_TRY(auto id, name_at((*a)[i], ipath));
        if (upper_case) id = serverops::detail::to_upper(id);  // as the CLC commands do: ids are case-insensitive
        if (!seen.insert(id).second) return failure(invalid_at(ipath, concat(quoted_text(id), " is listed twice")));
        out.push_back(std::move(id));
    }
    return out;
}

inline result<step> read_step(const boost::json::value& v, std::string_view path, maintenance_plan& p) {
    auto* o = v.if_object();
    if (!o) return failure(invalid_at(path, concat("expected an object, got ", json_kind_name(v.kind()))));
    BOOST_OUTCOME_TRY(only_members(*o, path,
                                   {"id", "system", "action", "state", "mode", "operation", "message", "servers",
                                    "systems", "max_unavailable", "within_maintenance", "max_failures"}));
    auto required = [&](std::string_view key) -> result<const boost::json::value*> {
        if (auto* f = o->if_contains(key)) return f;
        return failure(invalid_at(member_path(path, key), "missing"));
    };
    step s;
    BOOST_OUTCOME_TRY(auto* id, required("id"));
    BOOST_OUTCOME_TRY(s.id, name_at(*id, member_path(path, "id")));

    const auto spath = member_path(path, "system");
    BOOST_OUTCOME_TRY(auto* sys, required("system"));
    BOOST_OUTCOME_TRY(s.system, name_at(*sys, spath));
    if (!p.systems.count(s.system)) {
        auto kind = parse_system_kind(s.system);
        if (!kind)
            return failure(invalid_at(spath, concat("undeclared system ", quoted_text(s.system),
                                                    ": declare it under $.systems with its kind")));
        system_config implicit;  // the environment describes it
        implicit.kind = *kind;
        p.systems.emplace(s.system, implicit);
    }
    const system_kind kind = p.systems.at(s.system).kind;

    const auto apath = member_path(path, "action");
    BOOST_OUTCOME_TRY(auto* act, required("action"));
    BOOST_OUTCOME_TRY(auto action_word, text_at(*act, apath));
    auto action = parse_action_kind(action_word);
    if (!action)
        return failure(invalid_at(apath, concat("unknown action ", quoted_text(action_word), " (maintenance, mode or power)")));
    if (!supports(kind, *action))
        return failure(invalid_at(apath, concat(to_string(kind), " has no ", to_string(*action), " action")));
    s.action = *action;

    const std::string_view value_key = s.action == action_kind::maintenance ? "state"
                                       : s.action == action_kind::mode      ? "mode"
                                                                            : "operation";
    for (std::string_view other : {"state", "mode", "operation"})
        if (other != value_key && o->contains(other))
            return failure(invalid_at(member_path(path, other), concat("does not apply to a ", action_word, " step")));
    const auto vpath = member_path(path, value_key);
    BOOST_OUTCOME_TRY(auto* val, required(value_key));
    BOOST_OUTCOME_TRY(s.value, text_at(*val, vpath));
    const auto allowed = allowed_values(kind, s.action);
    bool ok = false;
    for (auto a : allowed) ok = ok || a == s.value;
    if (!ok) return failure(invalid_at(vpath, concat(quoted_text(s.value), " is not ", one_of(allowed))));

    if (auto* m = o->if_contains("message")) {
        const auto mpath = member_path(path, "message");
        if (kind != system_kind::alien4cloud || s.value != "on")
            return failure(invalid_at(mpath, "only an alien4cloud maintenance \"on\" step takes a message"));
        BOOST_OUTCOME_TRY(auto text, text_at(*m, mpath));
        s.message = std::move(text);
    }

    for (std::string_view key : {"servers", "systems"}) {
        auto* t = o->if_contains(key);
        if (!t) continue;
        if (targets_member(kind) != key)
            return failure(invalid_at(member_path(path, key),
                                      has_targets(kind) ? concat("a ", to_string(kind), " step names its targets in \"",
                                                                 targets_member(kind), "\"")
                                                        : concat("a ", to_string(kind),
                                                                 " step acts on the whole system: no targets")));
        BOOST_OUTCOME_TRY(s.targets, read_targets(*t, member_path(path, key), kind == system_kind::clc));
    }
    if (has_targets(kind) && s.targets.empty())
        return failure(invalid_at(member_path(path, targets_member(kind)), "missing: name at least one target"));

    if (auto* m = o->if_contains("max_unavailable")) {
        BOOST_OUTCOME_TRY(auto n, integer_at(*m, member_path(path, "max_unavailable"), 1));
        s.max_unavailable = static_cast<std::size_t>(n);
    }
    if (auto* w = o->if_contains("within_maintenance")) {
        const auto wpath = member_path(path, "within_maintenance");
        if (!w->is_bool()) return failure(invalid_at(wpath, concat("expected a boolean, got ", json_kind_name(w->kind()))));
        s.within_maintenance = w->get_bool();
        if (s.within_maintenance && !(kind == system_kind::clc && s.action == action_kind::power))
            return failure(invalid_at(wpath, "only a clc power step can run within maintenance"));
    }
    if (auto* f = o->if_contains("max_failures")) {
        BOOST_OUTCOME_TRY(auto n, integer_at(*f, member_path(path, "max_failures"), 0));
        s.max_failures = static_cast<std::size_t>(n);
    }
    return s;
}

}  // namespace detail

/// A parsed plan document -> the plan, or the first problem with its JSON path.
inline result<maintenance_plan> read_plan(const boost::json::value& doc) {
    using namespace detail;
    auto* o = doc.if_object();
    if (!o) return failure(invalid_at("$", concat("expected an object, got ", json_kind_name(doc.kind()))));
    BOOST_OUTCOME_TRY(only_members(*o, "$", {"name", "reason", "systems", "steps"}));
    maintenance_plan p;
    auto* name = o->if_contains("name");
    if (!name) return failure(invalid_at("$.name", "missing"));
    BOOST_OUTCOME_TRY(p.name, name_at(*name, "$.name"));
    if (auto* r = o->if_contains("reason")) {
        BOOST_OUTCOME_TRY(p.reason, text_at(*r, "$.reason"));
    }
    if (auto* s = o->if_contains("systems")) {
        auto* so = s->if_object();
        if (!so) return failure(invalid_at("$.systems", concat("expected an object, got ", json_kind_name(s->kind()))));
        for (auto& kv : *so) {
            const auto path = member_path("$.systems", kv.key());
            const std::string sname(kv.key());
            if (!is_clean_name(sname))
                return failure(invalid_at(path, concat("a system name must not be empty nor hold control characters: ",
                                                       quoted_text(sname))));
            BOOST_OUTCOME_TRY(auto c, read_system(sname, kv.value(), path));
            p.systems.emplace(sname, std::move(c));
        }
    }
    auto* steps = o->if_contains("steps");
    if (!steps) return failure(invalid_at("$.steps", "missing"));
    auto* sa = steps->if_array();
    if (!sa) return failure(invalid_at("$.steps", concat("expected an array, got ", json_kind_name(steps->kind()))));
    if (sa->empty()) return failure(invalid_at("$.steps", "a plan needs at least one step"));
    std::set<std::string> ids;
    for (std::size_t i = 0; i < sa->size(); ++i) {
        const auto path = index_path("$.steps", i);
        BOOST_OUTCOME_TRY(auto st, read_step((*sa)[i], path, p));
        if (!ids.insert(st.id).second)
            return failure(invalid_at(concat(path, ".id"), concat("duplicate step id ", quoted_text(st.id))));
        p.steps.push_back(std::move(st));
    }
    return p;
}

/// The plan file's text -> the plan. Text that is not JSON (or not UTF-8) is reported at "$".
inline result<maintenance_plan> read_plan(std::string_view json_text) {
    boost::system::error_code ec;
    auto doc = boost::json::parse(json_text, ec);
    if (ec) return failure(detail::invalid_at("$", detail::concat("not valid JSON (", ec.message(), ")")));
    return read_plan(doc);
}

/// The plan as its file format, systems and step members in a fixed order: what read_plan reads back to the same
/// plan. The engine journals a digest of it, so that resume and revert refuse a plan that changed.
inline boost::json::object to_json(const maintenance_plan& p) {
    boost::json::object o;
    o["name"] = p.name;
    o["reason"] = p.reason;
    boost::json::object systems;
    for (auto& [name, c] : p.systems) {
        boost::json::object s;
        s["kind"] = to_string(c.kind);
        if (c.base_url) s["base_url"] = *c.base_url;
        if (c.alias) s["alias"] = *c.alias;
        systems[name] = std::move(s);
    }
    o["systems"] = std::move(systems);
    boost::json::array steps;
    for (auto& st : p.steps) {
        boost::json::object s;
        s["id"] = st.id;
        s["system"] = st.system;
        s["action"] = to_string(st.action);
        const std::string_view key = st.action == action_kind::maintenance ? "state"
                                     : st.action == action_kind::mode      ? "mode"
                                                                           : "operation";
        s[key] = st.value;
        if (st.message) s["message"] = *st.message;
        auto sys = p.systems.find(st.system);
        if (!st.targets.empty()) {
            boost::json::array t;
            for (auto& id : st.targets) t.emplace_back(id);
            const std::string_view member =
                sys != p.systems.end() && sys->second.kind == system_kind::redfish ? "systems" : "servers";
            s[member] = std::move(t);
        }
        if (st.max_unavailable) s["max_unavailable"] = static_cast<std::uint64_t>(*st.max_unavailable);
        if (st.within_maintenance) s["within_maintenance"] = true;
        s["max_failures"] = static_cast<std::uint64_t>(st.max_failures);
        steps.emplace_back(std::move(s));
    }
    o["steps"] = std::move(steps);
    return o;
}

/// FNV-1a (64 bits) of the plan's canonical JSON, as 16 hex digits: identifies the plan a journal was written for.
inline std::string digest(const maintenance_plan& p) {
    const auto text = boost::json::serialize(to_json(p));
    std::uint64_t h = 0xcbf29ce484222325ull;
    for (unsigned char c : text) {
        h ^= c;
        h *= 0x100000001b3ull;
    }
    static constexpr char hex[] = "0123456789abcdef";
    std::string out(16, '0');
    for (int i = 15; i >= 0; --i, h >>= 4) out[static_cast<std::size_t>(i)] = hex[h & 15];
    return out;
}

}  // namespace serverops::plan

#endif
