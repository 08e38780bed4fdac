// The plan journal and the audit log: interfaces (a program can keep them in its own store) and the default
// implementations, append-only JSON-lines files where every line is written and fsync'd before `append`/`write`
// returns. POSIX only (open/write/fsync); failures are errors, never exceptions. Format: docs/plans.md.
//
// A crash can leave the last line of a file incomplete (its append never returned, so nothing relied on it). The
// reader ignores such a torn last line and reports it (`journal_contents::torn`); the next append cuts it off first,
// so that every complete line stays one valid JSON document. A line that does not parse anywhere else is
// corruption: reading fails, naming the line.
//
// Everything written is valid UTF-8: text that may come from a server (states, error messages, job ids) is written
// with invalid bytes replaced (`detail::to_valid_utf8`) and JSON-escaped by Boost.JSON. No credential ever enters a
// record: an intent holds the request's method, path and body, never its headers.
#ifndef SERVEROPS_PLAN_JOURNAL_HPP
#define SERVEROPS_PLAN_JOURNAL_HPP

#include <serverops/detail/concat.hpp>
#include <serverops/detail/utf8.hpp>
#include <serverops/error.hpp>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <boost/system/error_code.hpp>

#include <cerrno>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <ctime>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace serverops::plan {

/// The exact request a state change sends, as the journal and `check` show it. Never its headers (credentials).
struct request_text {
    std::string method;
    std::string path;
    std::string body;
    friend bool operator==(const request_text&, const request_text&) = default;
};

/// What the journal knows of one target in a record (members used per record type, see docs/plans.md).
struct target_entry {
    std::string target;
    std::string state;   ///< prior: the state the step starts from; confirmed: the state read, when known
    std::string read;    ///< prior: what the read showed, when `state` is projected from an earlier step
    std::string result;  ///< prior: change|unchanged|failed; outcome: accepted|unchanged|failed;
                         ///< confirmed: changed|unchanged|failed|uncertain
    std::string job;
    std::string error;
    friend bool operator==(const target_entry&, const target_entry&) = default;
};

enum class record_type { run_start, resume, prior, intent, outcome, confirmed, step_done, run_end };

inline constexpr std::pair<record_type, std::string_view> record_type_names[] = {
    {record_type::run_start, "run_start"}, {record_type::resume, "resume"},
    {record_type::prior, "prior"},         {record_type::intent, "intent"},
    {record_type::outcome, "outcome"},     {record_type::confirmed, "confirmed"},
    {record_type::step_done, "step_done"}, {record_type::run_end, "run_end"},
};

inline std::string_view to_string(record_type t) noexcept {
    for (auto& [v, n] : record_type_names)
        if (v == t) return n;
    return "?";
}

/// One journal line. A flat struct: each type uses some members (docs/plans.md lists them); the others stay empty
/// and are not written.
struct record {
    record_type type = record_type::run_start;
    std::string time;                ///< UTC, RFC 3339; stamped by the driver
    std::uint64_t run = 0;           ///< the run this record belongs to (1, 2, ...)
    std::string mode;                ///< run_start, resume: apply | revert
    std::string plan;                ///< run_start: the plan's name
    std::string digest;              ///< run_start: the plan's digest (reader.hpp)
    std::string reason;              ///< run_start
    std::string operator_name;       ///< run_start, resume
    std::string step;                ///< step id (prior, intent, outcome, confirmed, step_done)
    std::string system;              ///< system name (prior, intent)
    std::string aspect;              ///< maintenance | mode | power (prior, intent)
    std::size_t batch = 0;           ///< intent, outcome, confirmed: the batch index in its step
    std::string phase;               ///< intent, outcome, confirmed: enter | operation | message | exit | restore
    unsigned attempt = 1;            ///< intent, outcome, confirmed: 2+ only for an explicit resend of an uncertain one
    std::string value;               ///< intent: what is asked ("on", "reboot", "maintenance", "message"...)
    std::string message;             ///< intent: the Alien4Cloud message
    std::vector<request_text> requests;  ///< intent: the exact requests
    std::vector<target_entry> targets;   ///< prior, intent, outcome, confirmed
    bool sent = false;               ///< outcome: the send answered (true) or failed (false, see `error`)
    bool may_have_executed = false;  ///< outcome: a failed send may have reached the server
    std::string job;                 ///< outcome: the job or task the request queued, shared by the batch
    std::string error;               ///< outcome, run_end: what went wrong (escaped text)
    std::string result;              ///< step_done, run_end: done | failed | uncertain | stopped

    friend bool operator==(const record&, const record&) = default;
};

namespace detail {

using serverops::detail::concat;

inline boost::json::string json_text(std::string_view s) {
    if (serverops::detail::is_valid_utf8(s)) return boost::json::string(s);
    return boost::json::string(serverops::detail::to_valid_utf8(s));
}

inline void put(boost::json::object& o, std::string_view key, std::string_view value) {
    if (!value.empty()) o[key] = json_text(value);
}

inline boost::json::object to_json(const target_entry& t) {
    boost::json::object o;
    o["target"] = json_text(t.target);
    put(o, "state", t.state);
    put(o, "read", t.read);
    put(o, "result", t.result);
    put(o, "job", t.job);
    put(o, "error", t.error);
    return o;
}

inline error journal_shape(std::string_view where, std::string_view what) {
    return error(errc::unexpected_response, concat(where, ": ", what));
}

inline result<std::string> text_member(const boost::json::object& o, std::string_view key, std::string_view where) {
    auto* v = o.if_contains(key);
    if (!v) return std::string();
    if (auto* s = v->if_string()) return std::string(s->data(), s->size());
    return failure(journal_shape(where, concat("'", key, "' is not a string")));
}

inline result<std::uint64_t> number_member(const boost::json::object& o, std::string_view key, std::string_view where) {
    auto* v = o.if_contains(key);
    if (!v) return std::uint64_t{0};
    if (v->is_uint64()) return v->get_uint64();
    if (v->is_int64() && v->get_int64() >= 0) return static_cast<std::uint64_t>(v->get_int64());
    return failure(journal_shape(where, concat("'", key, "' is not a count")));
}

inline result<bool> bool_member(const boost::json::object& o, std::string_view key, std::string_view where) {
    auto* v = o.if_contains(key);
    if (!v) return false;
    if (v->is_bool()) return v->get_bool();
    return failure(journal_shape(where, concat("'", key, "' is not a boolean")));
}

}  // namespace detail

/// The record as one JSON object (only the members its type uses that are set).
inline boost::json::object to_json(const record& r) {
    using detail::put;
    boost::json::object o;
    o["type"] = to_string(r.type);
    put(o, "time", r.time);
    o["run"] = r.run;
    put(o, "mode", r.mode);
    put(o, "plan", r.plan);
    put(o, "digest", r.digest);
    put(o, "reason", r.reason);
    put(o, "operator", r.operator_name);
    put(o, "step", r.step);
    put(o, "system", r.system);
    put(o, "aspect", r.aspect);
    if (r.type == record_type::intent || r.type == record_type::outcome || r.type == record_type::confirmed) {
        o["batch"] = static_cast<std::uint64_t>(r.batch);
        o["phase"] = detail::json_text(r.phase);
        o["attempt"] = r.attempt;
    }
    put(o, "value", r.value);
    put(o, "message", r.message);
    if (!r.requests.empty()) {
        boost::json::array a;
        for (auto& q : r.requests)
            a.emplace_back(boost::json::object{{"method", detail::json_text(q.method)},
                                               {"path", detail::json_text(q.path)},
                                               {"body", detail::json_text(q.body)}});
        o["requests"] = std::move(a);
    }
    if (!r.targets.empty()) {
        boost::json::array a;
        for (auto& t : r.targets) a.emplace_back(detail::to_json(t));
        o["targets"] = std::move(a);
    }
    if (r.type == record_type::outcome) {
        o["sent"] = r.sent;
        if (r.may_have_executed) o["may_have_executed"] = true;
    }
    put(o, "job", r.job);
    put(o, "error", r.error);
    put(o, "result", r.result);
    return o;
}

/// One JSON line -> the record; `where` names the line in errors ("journal line 7").
inline result<record> record_from_json(const boost::json::value& v, std::string_view where) {
    using namespace detail;
    auto* o = v.if_object();
    if (!o) return failure(journal_shape(where, "not a JSON object"));
    record r;
    BOOST_OUTCOME_TRY(auto type, text_member(*o, "type", where));
    bool known = false;
    for (auto& [t, n] : record_type_names)
        if (n == type) {
            r.type = t;
            known = true;
        }
    if (!known) return failure(journal_shape(where, concat("unknown record type '", printable(type, 40), "'")));
    BOOST_OUTCOME_TRY(r.time, text_member(*o, "time", where));
    BOOST_OUTCOME_TRY(r.run, number_member(*o, "run", where));
    BOOST_OUTCOME_TRY(r.mode, text_member(*o, "mode", where));
    BOOST_OUTCOME_TRY(r.plan, text_member(*o, "plan", where));
    BOOST_OUTCOME_TRY(r.digest, text_member(*o, "digest", where));
    BOOST_OUTCOME_TRY(r.reason, text_member(*o, "reason", where));
    BOOST_OUTCOME_TRY(r.operator_name, text_member(*o, "operator", where));
    BOOST_OUTCOME_TRY(r.step, text_member(*o, "step", where));
    BOOST_OUTCOME_TRY(r.system, text_member(*o, "system", where));
    BOOST_OUTCOME_TRY(r.aspect, text_member(*o, "aspect", where));
    BOOST_OUTCOME_TRY(auto batch, number_member(*o, "batch", where));
    r.batch = static_cast<std::size_t>(batch);
    BOOST_OUTCOME_TRY(r.phase, text_member(*o, "phase", where));
    BOOST_OUTCOME_TRY(auto attempt, number_member(*o, "attempt", where));
    r.attempt = attempt == 0 ? 1u : static_cast<unsigned>(attempt);
    BOOST_OUTCOME_TRY(r.value, text_member(*o, "value", where));
    BOOST_OUTCOME_TRY(r.message, text_member(*o, "message", where));
    if (auto* q = o->if_contains("requests")) {
        auto* a = q->if_array();
        if (!a) return failure(journal_shape(where, "'requests' is not an array"));
        for (auto& e : *a) {
            auto* eo = e.if_object();
            if (!eo) return failure(journal_shape(where, "a request is not an object"));
            request_text t;
            BOOST_OUTCOME_TRY(t.method, text_member(*eo, "method", where));
            BOOST_OUTCOME_TRY(t.path, text_member(*eo, "path", where));
            BOOST_OUTCOME_TRY(t.body, text_member(*eo, "body", where));
            r.requests.push_back(std::move(t));
        }
    }
    if (auto* q = o->if_contains("targets")) {
        auto* a = q->if_array();
        if (!a) return failure(journal_shape(where, "'targets' is not an array"));
        for (auto& e : *a) {
            auto* eo = e.if_object();
            if (!eo) return failure(journal_shape(where, "a target is not an object"));
            target_entry t;
            BOOST_OUTCOME_TRY(t.target, text_member(*eo, "target", where));
            BOOST_OUTCOME_TRY(t.state, text_member(*eo, "state", where));
            BOOST_OUTCOME_TRY(t.read, text_member(*eo, "read", where));
            BOOST_OUTCOME_TRY(t.result, text_member(*eo, "result", where));
            BOOST_OUTCOME_TRY(t.job, text_member(*eo, "job", where));
            BOOST_OUTCOME_TRY(t.error, text_member(*eo, "error", where));
            r.targets.push_back(std::move(t));
        }
    }
    BOOST_OUTCOME_TRY(r.sent, bool_member(*o, "sent", where));
    BOOST_OUTCOME_TRY(r.may_have_executed, bool_member(*o, "may_have_executed", where));
    BOOST_OUTCOME_TRY(r.job, text_member(*o, "job", where));
    BOOST_OUTCOME_TRY(r.error, text_member(*o, "error", where));
    BOOST_OUTCOME_TRY(r.result, text_member(*o, "result", where));
    return r;
}

/// What a journal holds: its complete records, and a note when its last line was torn by a crash (ignored).
struct journal_contents {
    std::vector<record> records;
    std::optional<std::string> torn;  ///< e.g. "line 12 (37 bytes) is incomplete: ignored"
};

/// Where a plan run records what it does, before and after each state change. `append` returns only once the
/// record is durable: the engine sends a change only after its intent's `append` succeeded.
class journal {
public:
    virtual ~journal() = default;
    virtual result<void> append(const record& r) = 0;
    virtual result<journal_contents> read_all() = 0;
};

/// One audit line: who changed what, when, why, and how it ended.
struct audit_line {
    std::string time;           ///< UTC, RFC 3339; stamped by the driver
    std::string operator_name;
    std::string reason;
    std::string plan;
    std::string step;
    std::string system;
    std::string target;         ///< server or system id, or the host of a whole-system target
    std::string action;         ///< "maintenance on", "power reboot", "mode production", "maintenance message"
    std::string mode;           ///< apply | revert
    std::string result;         ///< sent | failed (when sent); changed | unchanged | failed | uncertain (confirmed)
    std::string job;
    friend bool operator==(const audit_line&, const audit_line&) = default;
};

inline boost::json::object to_json(const audit_line& a) {
    using detail::json_text;
    boost::json::object o;
    o["time"] = json_text(a.time);
    o["operator"] = json_text(a.operator_name);
    o["reason"] = json_text(a.reason);
    o["plan"] = json_text(a.plan);
    o["step"] = json_text(a.step);
    o["system"] = json_text(a.system);
    o["target"] = json_text(a.target);
    o["action"] = json_text(a.action);
    o["mode"] = json_text(a.mode);
    o["result"] = json_text(a.result);
    if (!a.job.empty()) o["job"] = json_text(a.job);
    return o;
}

/// Where state changes are reported for people: one line per target per state-changing request.
class audit_log {
public:
    virtual ~audit_log() = default;
    virtual result<void> write(const audit_line& line) = 0;
};

/// "2026-11-05T02:13:07Z": UTC, RFC 3339, seconds.
inline std::string rfc3339_utc(std::chrono::system_clock::time_point t) {
    const std::time_t secs = std::chrono::system_clock::to_time_t(t);
    std::tm tm{};
    gmtime_r(&secs, &tm);
    char buf[32];
    const auto n = std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return std::string(buf, n);
}

namespace detail {

inline error file_error(std::string_view what, std::string_view path, int err) {
    error e(errc::storage_failure, concat(what, " '", printable(path, 200), "'"));
    e.cause = boost::system::error_code(err, boost::system::system_category());
    return e;
}

inline result<std::string> read_whole_file(const std::string& path, bool& exists) {
    exists = false;
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT) return std::string();
        return failure(file_error("cannot open", path, errno));
    }
    exists = true;
    std::string out;
    char buf[65536];
    for (;;) {
        const auto n = ::read(fd, buf, sizeof buf);
        if (n < 0) {
            if (errno == EINTR) continue;
            const int err = errno;
            ::close(fd);
            return failure(file_error("cannot read", path, err));
        }
        if (n == 0) break;
        out.append(buf, static_cast<std::size_t>(n));
    }
    ::close(fd);
    return out;
}

/// An append-only file of lines, each written whole and fsync'd before `append_line` returns. On first use, an
/// incomplete last line (a crash cut its write short) is cut off, so that the next line starts on its own; a new
/// file's directory entry is fsync'd as well.
class durable_lines {
public:
    explicit durable_lines(std::string path) : path_(std::move(path)) {}
    durable_lines(const durable_lines&) = delete;
    durable_lines& operator=(const durable_lines&) = delete;
    ~durable_lines() {
        if (fd_ >= 0) ::close(fd_);
    }

    const std::string& path() const noexcept { return path_; }

    result<void> append_line(std::string_view line) {
        if (fd_ < 0) {
            BOOST_OUTCOME_TRY(open());
        }
        std::string data(line);
        data += '\n';
        std::size_t done = 0;
        while (done < data.size()) {
            const auto n = ::write(fd_, data.data() + done, data.size() - done);
            if (n < 0) {
                if (errno == EINTR) continue;
                return failure(file_error("cannot write", path_, errno));
            }
            done += static_cast<std::size_t>(n);
        }
        if (::fsync(fd_) != 0) return failure(file_error("cannot sync", path_, errno));
        return success();
    }

private:
    result<void> open() {
        struct stat st {};
        const bool existed = ::stat(path_.c_str(), &st) == 0;
        const int fd = ::open(path_.c_str(), O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
        if (fd < 0) return failure(file_error("cannot open", path_, errno));
        if (existed) {
            if (auto cut = cut_torn_tail(fd); !cut) {
                ::close(fd);
                return cut;
            }
        } else if (auto synced = sync_directory(); !synced) {
            ::close(fd);
            return synced;
        }
        fd_ = fd;
        return success();
    }

    // Finds the last '\n' and truncates after it when bytes follow (an append that never returned).
    result<void> cut_torn_tail(int fd) {
        const off_t size = ::lseek(fd, 0, SEEK_END);
        if (size < 0) return failure(file_error("cannot seek", path_, errno));
        off_t keep = size;
        char buf[4096];
        while (keep > 0) {
            const off_t start = keep > static_cast<off_t>(sizeof buf) ? keep - static_cast<off_t>(sizeof buf) : 0;
            const auto len = static_cast<std::size_t>(keep - start);
            const auto n = ::pread(fd, buf, len, start);
            if (n < 0) {
                if (errno == EINTR) continue;
                return failure(file_error("cannot read", path_, errno));
            }
            if (static_cast<std::size_t>(n) != len) return failure(file_error("cannot read", path_, EIO));
            std::size_t i = len;
            while (i > 0 && buf[i - 1] != '\n') --i;
            if (i > 0) {
                keep = start + static_cast<off_t>(i);
                break;
            }
            keep = start;
        }
        if (keep == size) return success();
        if (::ftruncate(fd, keep) != 0) return failure(file_error("cannot cut the torn last line of", path_, errno));
        if (::fsync(fd) != 0) return failure(file_error("cannot sync", path_, errno));
        return success();
    }

    result<void> sync_directory() {
        const auto slash = path_.rfind('/');
        const std::string dir = slash == std::string::npos ? "." : slash == 0 ? "/" : path_.substr(0, slash);
        const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dfd < 0) return failure(file_error("cannot open the directory of", path_, errno));
        const int rc = ::fsync(dfd);
        const int err = errno;
        ::close(dfd);
        if (rc != 0) return failure(file_error("cannot sync the directory of", path_, err));
        return success();
    }

    std::string path_;
    int fd_ = -1;
};

/// Splits a journal file's text into records: complete lines parse or fail naming the line; a last line without
/// its newline, or a last line that does not parse, is a torn write: ignored and reported.
inline result<journal_contents> parse_journal_text(std::string_view text) {
    journal_contents out;
    std::size_t pos = 0;
    std::size_t line_no = 0;
    while (pos < text.size()) {
        ++line_no;
        const auto nl = text.find('\n', pos);
        const bool complete = nl != std::string_view::npos;
        const auto line = text.substr(pos, complete ? nl - pos : text.size() - pos);
        pos = complete ? nl + 1 : text.size();
        const bool last = pos >= text.size();
        const auto where = concat("journal line ", std::to_string(line_no));
        boost::system::error_code ec;
        auto v = boost::json::parse(line, ec);
        if (ec || !complete) {
            if (last) {
                out.torn = concat(where, " (", std::to_string(line.size()), " bytes) is incomplete: ignored");
                break;
            }
            return failure(error(errc::malformed_response, concat(where, " is not valid JSON (", ec.message(), ")")));
        }
        BOOST_OUTCOME_TRY(auto r, record_from_json(v, where));
        out.records.push_back(std::move(r));
    }
    return out;
}

}  // namespace detail

/// The default journal: an append-only JSON-lines file (default name: the plan's, `.json` -> `.journal.jsonl`).
class file_journal final : public journal {
public:
    explicit file_journal(std::string path) : file_(std::move(path)) {}

    result<void> append(const record& r) override { return file_.append_line(boost::json::serialize(to_json(r))); }

    result<journal_contents> read_all() override {
        bool exists = false;
        BOOST_OUTCOME_TRY(auto text, detail::read_whole_file(file_.path(), exists));
        return detail::parse_journal_text(text);
    }

private:
    detail::durable_lines file_;
};

/// The default audit log: an append-only JSON-lines file (default `serverops-audit.jsonl`).
class file_audit_log final : public audit_log {
public:
    explicit file_audit_log(std::string path) : file_(std::move(path)) {}
    result<void> write(const audit_line& line) override {
        return file_.append_line(boost::json::serialize(to_json(line)));
    }

private:
    detail::durable_lines file_;
};

/// A journal in memory (tests, or a caller that persists records itself); `fail_after` makes appends fail.
class memory_journal final : public journal {
public:
    std::vector<record> records;
    std::optional<std::size_t> fail_after;  ///< appends beyond this many records fail

    result<void> append(const record& r) override {
        if (fail_after && records.size() >= *fail_after) return failure(errc::storage_failure, "journal full");
        records.push_back(r);
        return success();
    }
    result<journal_contents> read_all() override { return journal_contents{records, std::nullopt}; }
};

/// An audit log in memory.
class memory_audit_log final : public audit_log {
public:
    std::vector<audit_line> lines;
    result<void> write(const audit_line& line) override {
        lines.push_back(line);
        return success();
    }
};

/// The default journal path of a plan file: `.json` replaced by `.journal.jsonl` (appended when absent).
inline std::string default_journal_path(std::string_view plan_path) {
    std::string p(plan_path);
    constexpr std::string_view ext = ".json";
    if (p.size() >= ext.size() && p.compare(p.size() - ext.size(), ext.size(), ext) == 0) p.resize(p.size() - ext.size());
    p += ".journal.jsonl";
    return p;
}

}  // namespace serverops::plan

#endif
