// The `serverops` command-line tool, run as a child process against the in-process emulator of the three APIs:
// stdout (human lines and JSON), stderr and exit codes. Credentials travel in the child's environment only; every
// child is killed after a deadline, and all traffic goes to 127.0.0.1.
#include <serverops/clc/batch_operations.hpp>
#include <serverops/detail/utf8.hpp>
#include <serverops/operation.hpp>
#include <serverops/testing/full_emulator.hpp>

#include "../common/hostile_input.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <gtest/gtest.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#ifndef SERVEROPS_CLI_PATH
#error "SERVEROPS_CLI_PATH must name the serverops binary"
#endif

namespace {

namespace json = boost::json;
namespace testing_ns = serverops::testing;
using namespace std::chrono_literals;
using env_map = std::map<std::string, std::string>;

constexpr auto default_limit = 20s;  // no child may run longer than this

// ------------------------------------------------------------------------------------------------ child processes

struct run_result {
    int exit_code = -1;  ///< 128 + signal when killed
    bool timed_out = false;
    std::string out;
    std::string err;

    json::value doc() const {
        boost::system::error_code ec;
        auto v = json::parse(out, ec);
        return ec ? json::value() : v;
    }
    std::vector<std::string> out_lines() const { return lines(out); }
    std::vector<std::string> err_lines() const { return lines(err); }
    static std::vector<std::string> lines(const std::string& text) {
        std::vector<std::string> v;
        std::size_t start = 0;
        while (start < text.size()) {
            auto nl = text.find('\n', start);
            if (nl == std::string::npos) nl = text.size();
            v.push_back(text.substr(start, nl - start));
            start = nl + 1;
        }
        return v;
    }
};

std::ostream& operator<<(std::ostream& os, const run_result& r) {
    return os << "exit " << r.exit_code << (r.timed_out ? " (timed out)" : "") << "\n--- stdout\n"
              << r.out << "--- stderr\n"
              << r.err;
}

/// One child running `serverops ARGS` with exactly `env` (plus the sanitizers' settings), stdin from /dev/null.
/// With `stderr_on_terminal`, its stderr is a pseudo-terminal (read through the master side).
class child {
public:
    child(const std::vector<std::string>& args, const env_map& env, bool stderr_on_terminal = false) {
        int out_pipe[2], err_pipe[2] = {-1, -1};
        int pty_slave = -1;
        if (::pipe2(out_pipe, O_CLOEXEC) != 0) return;
        if (stderr_on_terminal) {
            if (::openpty(&err_pipe[0], &pty_slave, nullptr, nullptr, nullptr) != 0) return;
            ::fcntl(err_pipe[0], F_SETFD, FD_CLOEXEC);
            ::fcntl(pty_slave, F_SETFD, FD_CLOEXEC);
            err_pipe[1] = pty_slave;
        } else if (::pipe2(err_pipe, O_CLOEXEC) != 0) {
            return;
        }
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
        posix_spawn_file_actions_adddup2(&actions, out_pipe[1], 1);
        posix_spawn_file_actions_adddup2(&actions, err_pipe[1], 2);

        std::vector<std::string> argv_s{SERVEROPS_CLI_PATH};
        argv_s.insert(argv_s.end(), args.begin(), args.end());
        std::vector<char*> argv;
        for (auto& a : argv_s) argv.push_back(a.data());
        argv.push_back(nullptr);

        env_map full = env;
        for (auto name : {"ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS", "TMPDIR"})
            if (const char* v = std::getenv(name); v && !full.count(name)) full[name] = v;
        std::vector<std::string> env_s;
        for (auto& [k, v] : full) env_s.push_back(k + "=" + v);
        std::vector<char*> envp;
        for (auto& e : env_s) envp.push_back(e.data());
        envp.push_back(nullptr);

        if (::posix_spawn(&pid_, SERVEROPS_CLI_PATH, &actions, nullptr, argv.data(), envp.data()) != 0) pid_ = -1;
        posix_spawn_file_actions_destroy(&actions);
        ::close(out_pipe[1]);
        ::close(err_pipe[1]);
        out_fd_ = out_pipe[0];
        err_fd_ = err_pipe[0];
    }
    child(const child&) = delete;
    child& operator=(const child&) = delete;
    ~child() {
        if (pid_ > 0) {
            ::kill(pid_, SIGKILL);
            ::waitpid(pid_, nullptr, 0);
        }
        if (out_fd_ >= 0) ::close(out_fd_);
        if (err_fd_ >= 0) ::close(err_fd_);
    }

    bool started() const { return pid_ > 0; }
    void signal(int sig) {
        if (pid_ > 0) ::kill(pid_, sig);
    }
    const std::string& out() const { return result_.out; }

    /// Reads until `done(stdout so far)` holds, both streams end, or `limit` passes.
    bool read_until(const std::function<bool(const std::string&)>& done, std::chrono::milliseconds limit) {
        const auto deadline = std::chrono::steady_clock::now() + limit;
        while (!done(result_.out)) {
            if (out_fd_ < 0 && err_fd_ < 0) return false;
            if (!pump(deadline)) return false;
        }
        return true;
    }

    /// Reads until `done(stderr so far)` holds, both streams end, or `limit` passes.
    bool read_stderr_until(const std::function<bool(const std::string&)>& done, std::chrono::milliseconds limit) {
        const auto deadline = std::chrono::steady_clock::now() + limit;
        while (!done(result_.err)) {
            if (out_fd_ < 0 && err_fd_ < 0) return false;
            if (!pump(deadline)) return false;
        }
        return true;
    }

    /// Reads both streams to their end and reaps the child; kills it when `limit` passes first.
    run_result finish(std::chrono::milliseconds limit = default_limit) {
        const auto deadline = std::chrono::steady_clock::now() + limit;
        while (out_fd_ >= 0 || err_fd_ >= 0) {
            if (!pump(deadline)) {
                result_.timed_out = true;
                ::kill(pid_, SIGKILL);
                break;
            }
        }
        int status = 0;
        if (pid_ > 0 && ::waitpid(pid_, &status, 0) == pid_) {
            if (WIFEXITED(status)) result_.exit_code = WEXITSTATUS(status);
            else if (WIFSIGNALED(status)) result_.exit_code = 128 + WTERMSIG(status);
        }
        pid_ = -1;
        return result_;
    }

private:
    /// One poll round; false once the deadline has passed.
    bool pump(std::chrono::steady_clock::time_point deadline) {
        const auto left =
            std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left <= 0ms) return false;
        pollfd fds[2];
        int n = 0;
        if (out_fd_ >= 0) fds[n++] = {out_fd_, POLLIN, 0};
        if (err_fd_ >= 0) fds[n++] = {err_fd_, POLLIN, 0};
        const int ready = ::poll(fds, static_cast<nfds_t>(n), static_cast<int>(std::min<long long>(left.count(), 100)));
        if (ready <= 0) return true;
        for (int i = 0; i < n; ++i) {
            if (!fds[i].revents) continue;
            int& fd = fds[i].fd == out_fd_ ? out_fd_ : err_fd_;
            std::string& sink = fds[i].fd == out_fd_ ? result_.out : result_.err;
            char buf[4096];
            const auto got = ::read(fd, buf, sizeof buf);
            if (got > 0) {
                sink.append(buf, static_cast<std::size_t>(got));
            } else {  // end of stream (a pty master reports EIO once the child is gone)
                ::close(fd);
                fd = -1;
            }
        }
        return true;
    }

    pid_t pid_ = -1;
    int out_fd_ = -1;
    int err_fd_ = -1;
    run_result result_;
};

run_result run_cli(const std::vector<std::string>& args, const env_map& env = {}, bool stderr_on_terminal = false) {
    child c(args, env, stderr_on_terminal);
    if (!c.started()) {
        run_result r;
        r.err = "could not spawn " SERVEROPS_CLI_PATH;
        return r;
    }
    return c.finish();
}

bool contains(std::string_view haystack, std::string_view needle) {
    return haystack.find(needle) != std::string_view::npos;
}

/// Text that cannot drive a terminal or forge a line: valid UTF-8, with no C0 control but the line feed, no DEL and
/// no C1 control (U+0080 to U+009F).
::testing::AssertionResult terminal_safe(std::string_view s) {
    std::uint32_t cp = 0;
    for (std::size_t i = 0; i < s.size();) {
        const auto n = serverops::detail::utf8_sequence(s, i, cp);
        if (n == 0)
            return ::testing::AssertionFailure() << "invalid UTF-8 at byte " << i << " of " << ::testing::PrintToString(s);
        if ((cp < 0x20 && cp != '\n') || cp == 0x7f || (cp >= 0x80 && cp <= 0x9f))
            return ::testing::AssertionFailure() << "control character U+" << std::hex << cp << " at byte " << std::dec
                                                 << i << " of " << ::testing::PrintToString(s);
        i += n;
    }
    return ::testing::AssertionSuccess();
}

/// One JSON document that is also terminal_safe (C1 controls and DEL written as JSON escapes).
::testing::AssertionResult json_document(std::string_view s) {
    boost::system::error_code ec;
    (void)json::parse(s, ec);
    if (ec) return ::testing::AssertionFailure() << "not JSON (" << ec.message() << "): " << ::testing::PrintToString(s);
    return terminal_safe(s);
}

std::string str(const json::value& v, std::string_view key) {
    auto* o = v.if_object();
    auto* f = o ? o->if_contains(key) : nullptr;
    return f && f->is_string() ? std::string(f->get_string()) : std::string();
}

// ------------------------------------------------------------------------------------------------ TLS material

/// A self-signed certificate valid for the DNS name "localhost" only (no IP address), so that a client that
/// connects to 127.0.0.1 must reject it for its host name.
testing_ns::tls_config localhost_only_certificate() {
    EVP_PKEY* key = EVP_EC_gen("P-256");
    X509* cert = X509_new();
    X509_set_version(cert, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(cert), 4242);
    X509_gmtime_adj(X509_getm_notBefore(cert), -3600);
    X509_gmtime_adj(X509_getm_notAfter(cert), 24 * 3600);
    X509_NAME* name = X509_get_subject_name(cert);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("localhost"), -1, -1,
                               0);
    X509_set_issuer_name(cert, name);
    X509_set_pubkey(cert, key);
    for (auto [nid, value] :
         {std::pair{NID_basic_constraints, "critical,CA:TRUE"}, std::pair{NID_subject_alt_name, "DNS:localhost"}}) {
        X509V3_CTX ctx;
        X509V3_set_ctx_nodb(&ctx);
        X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
        X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
        X509_add_ext(cert, ext, -1);
        X509_EXTENSION_free(ext);
    }
    X509_sign(cert, key, EVP_sha256());
    auto pem = [](auto write) {
        BIO* bio = BIO_new(BIO_s_mem());
        write(bio);
        char* data = nullptr;
        const long n = BIO_get_mem_data(bio, &data);
        std::string out(data, static_cast<std::size_t>(n));
        BIO_free(bio);
        return out;
    };
    testing_ns::tls_config cfg;
    cfg.certificate_chain_pem = pem([&](BIO* b) { PEM_write_bio_X509(b, cert); });
    cfg.private_key_pem = pem([&](BIO* b) { PEM_write_bio_PrivateKey(b, key, nullptr, nullptr, 0, nullptr, nullptr); });
    X509_free(cert);
    EVP_PKEY_free(key);
    return cfg;
}

/// A file removed when the test ends.
class temp_file {
public:
    explicit temp_file(const std::string& content) {
        path_ = (std::getenv("TMPDIR") ? std::string(std::getenv("TMPDIR")) : std::string("/tmp")) +
                "/serverops-cli-test-XXXXXX.pem";
        const int fd = ::mkstemps(path_.data(), 4);
        if (fd >= 0) {
            (void)!::write(fd, content.data(), content.size());
            ::close(fd);
        }
    }
    ~temp_file() { ::unlink(path_.c_str()); }
    const std::string& path() const { return path_; }

private:
    std::string path_;
};

/// A loopback port nobody listens on (bound, then released).
unsigned short closed_port() {
    boost::asio::io_context io;
    boost::asio::ip::tcp::acceptor a(io, {boost::asio::ip::make_address("127.0.0.1"), 0});
    const auto port = a.local_endpoint().port();
    a.close();
    return port;
}

// ------------------------------------------------------------------------------------------------ fixture

constexpr std::string_view clc_password = "password";  // the emulator's demo credentials
const std::vector<std::string> fast_wait = {"--wait", "--poll-interval", "0.05", "--timeout", "10"};

std::vector<std::string> args(std::initializer_list<std::string> a, const std::vector<std::string>& more = {}) {
    std::vector<std::string> v(a);
    v.insert(v.end(), more.begin(), more.end());
    return v;
}

class cli : public ::testing::Test {
protected:
    static testing_ns::full_emulator::options quick() {
        testing_ns::full_emulator::options o;
        o.ucs.switch_delay = 150ms;
        return o;
    }

    void SetUp() override { ASSERT_TRUE(emu.start()); }

    env_map clc_env() const {
        return {{"CLC_BASE_URL", emu.clc_base_url()},
                {"CLC_USERNAME", "user"},
                {"CLC_PASSWORD", std::string(clc_password)}};
    }
    env_map a4c_env(std::string user = "admin", std::string password = "admin") const {
        return {{"A4C_BASE_URL", emu.a4c_base_url()}, {"A4C_USERNAME", user}, {"A4C_PASSWORD", password}};
    }
    env_map ucs_env() const { return {{"UCS_BASE_URL", emu.ucs_base_url()}}; }

    testing_ns::full_emulator emu{quick()};
};

// ------------------------------------------------------------------------------------------------ help and usage

TEST(cli_help, every_level_prints_help_and_exits_0) {
    const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
        {{"--help"}, "Usage: serverops SYSTEM"},
        {{"-h"}, "Exit codes:"},
        {{"help"}, "Usage: serverops SYSTEM"},
        {{"help", "ucs"}, "Usage: serverops ucs"},
        {{"clc", "--help"}, "Usage: serverops clc [--base-url URL] [--alias ALIAS] COMMAND"},
        {{"clc", "start-maintenance", "--help"}, "Usage: serverops clc start-maintenance ID..."},
        {{"clc", "set-maintenance", "-h"}, "ID=on|off"},
        {{"clc", "reboot", "WA1X", "--help"}, "Queues reboot"},
        {{"clc", "power-off", "--help"}, "Desired state: reads each server first"},
        {{"clc", "--help"}, "--force"},
        {{"alien4cloud", "maintenance", "disable", "--help"}, "already off is reported"},
        {{"ucs", "mode", "set", "--help"}, "--force switches without reading"},
        {{"clc", "status", "--help"}, "Usage: serverops clc status JOB-ID..."},
        {{"clc", "server", "--help"}, "Usage: serverops clc server ID"},
        {{"alien4cloud", "--help"}, "Usage: serverops alien4cloud"},
        {{"a4c", "maintenance", "--help"}, "maintenance status|enable|disable|update"},
        {{"alien4cloud", "maintenance", "update", "--help"}, "--progress P"},
        {{"alien4cloud", "maintenance", "enable", "--help"}, "Turns maintenance mode on"},
        {{"ucs", "--help"}, "Usage: serverops ucs"},
        {{"ucs", "mode", "set", "--help"}, "maintenance|production [--wait]"},
        {{"ucs", "mode", "get", "--help"}, "Usage: serverops ucs mode get"},
        {{"emulator", "--help"}, "Usage: serverops emulator [--port N] [--tls]"},
    };
    for (auto& [argv, expected] : cases) {
        auto r = run_cli(argv);
        EXPECT_EQ(r.exit_code, 0) << r;
        EXPECT_TRUE(contains(r.out, expected)) << "for " << argv.front() << "...: " << r;
        EXPECT_TRUE(r.err.empty()) << r;
    }
}

TEST_F(cli, usage_errors_exit_2_with_one_line_and_send_nothing) {
    auto clc = clc_env();
    auto a4c = a4c_env();
    auto ucs = ucs_env();
    auto no_user = clc;
    no_user.erase("CLC_USERNAME");
    const std::vector<std::pair<std::vector<std::string>, env_map>> cases = {
        {{}, {}},
        {{"nosuchsystem"}, {}},
        {{"clc"}, clc},
        {{"clc", "frobnicate", "WA1ALIASWB01"}, clc},
        {{"clc", "pause"}, clc},
        {{"clc", "pause", "WA1ALIASWB01", "--bogus"}, clc},
        {{"clc", "pause", "WA1ALIASWB01", "--password", "x"}, clc},
        {{"clc", "pause", "WA1ALIASWB01", "--timeout"}, clc},
        {{"clc", "pause", "WA1ALIASWB01", "--json", "--json"}, clc},
        {{"clc", "pause", "WA1ALIASWB01", "--timeout", "5"}, clc},
        {{"clc", "pause", "WA1ALIASWB01", "--wait", "--timeout", "-1"}, clc},
        {{"clc", "pause", "WA1ALIASWB01", "--wait", "--timeout", "soon"}, clc},
        {{"clc", "pause", "WA1ALIASWB01", "--wait", "--poll-interval", "0"}, clc},
        {{"clc", "pause", ""}, clc},
        {{"clc", "set-maintenance", "WA1ALIASWB01=ON"}, clc},
        {{"clc", "set-maintenance", "WA1ALIASWB01=yes"}, clc},
        {{"clc", "set-maintenance", "WA1ALIASWB01="}, clc},
        {{"clc", "set-maintenance", "WA1ALIASWB01"}, clc},
        {{"clc", "set-maintenance", "=on"}, clc},
        {{"clc", "server"}, clc},
        {{"clc", "server", "A", "B"}, clc},
        {{"clc", "server", "WA1ALIASWB01", "--wait"}, clc},
        {{"clc", "status"}, clc},
        {{"clc", "pause", "WA1ALIASWB01"}, no_user},
        {{"clc", "pause", "WA1ALIASWB01", "--base-url", "ftp://127.0.0.1/v2"}, clc},
        {{"clc", "pause", "WA1ALIASWB01", "--ca-file", "/nonexistent/ca.pem"}, clc},
        {{"clc", "pause", "WA1ALIASWB01", "--ca-file", "/etc/hostname", "--insecure-skip-tls-verify"}, clc},
        {{"alien4cloud"}, a4c},
        {{"alien4cloud", "maintenance"}, a4c},
        {{"alien4cloud", "maintenance", "toggle"}, a4c},
        {{"alien4cloud", "maintenance", "update"}, a4c},
        {{"alien4cloud", "maintenance", "update", "--progress", "101"}, a4c},
        {{"alien4cloud", "maintenance", "update", "--progress", "ten"}, a4c},
        {{"alien4cloud", "maintenance", "enable", "--message", "x"}, a4c},
        {{"alien4cloud", "maintenance", "status"}, {{"A4C_BASE_URL", emu.a4c_base_url()}}},
        {{"alien4cloud", "maintenance", "status"}, {{"A4C_USERNAME", "admin"}, {"A4C_PASSWORD", "admin"}}},
        {{"ucs", "mode"}, ucs},
        {{"ucs", "mode", "set"}, ucs},
        {{"ucs", "mode", "set", "Maintenance"}, ucs},
        {{"ucs", "mode", "get", "--wait"}, ucs},
        {{"ucs", "mode", "get"}, {}},
        {{"emulator", "--port", "70000"}, {}},
        {{"emulator", "now"}, {}},
    };
    for (auto& [argv, env] : cases) {
        auto r = run_cli(argv, env);
        std::string shown;
        for (auto& a : argv) shown += " '" + a + "'";
        EXPECT_EQ(r.exit_code, 2) << "serverops" << shown << ": " << r;
        EXPECT_TRUE(r.out.empty()) << shown << ": " << r;
        EXPECT_EQ(r.err_lines().size(), 1u) << shown << ": " << r;
        EXPECT_TRUE(contains(r.err, "serverops: ") && contains(r.err, "--help")) << shown << ": " << r;
    }
    EXPECT_EQ(emu.request_count(), 0u);
}

TEST_F(cli, a_base_url_with_a_password_in_it_is_refused_without_echoing_it) {
    auto env = clc_env();
    std::string url_with_userinfo = "http://user:hunter2@127.0.0.1:";
    url_with_userinfo += std::to_string(emu.port());
    url_with_userinfo += "/v2";
    env["CLC_BASE_URL"] = url_with_userinfo;
    auto r = run_cli({"clc", "server", "WA1ALIASWB01"}, env);
    EXPECT_EQ(r.exit_code, 2) << r;
    EXPECT_TRUE(contains(r.err, "invalid base URL from CLC_BASE_URL")) << r;
    EXPECT_FALSE(contains(r.out + r.err, "hunter2")) << r;
    EXPECT_EQ(emu.request_count(), 0u);
}

// ------------------------------------------------------------------------------------------------ CLC batches

struct batch_case {
    const char* word;
    const char* operation;
};

void PrintTo(const batch_case& c, std::ostream* os) { *os << c.word; }

class cli_clc_batch : public cli, public ::testing::WithParamInterface<batch_case> {};

TEST_P(cli_clc_batch, queues_and_waits_human_and_json) {
    const auto [word, operation] = GetParam();
    // Fresh servers per run, in the state the command changes (state commands leave servers already in their state
    // out): running for pause, reboot and shut-down, stopped for power-on, in maintenance for stop-maintenance.
    // Earlier jobs are completed first (time jumps past them, and reading a server settles them), so that none
    // lands after the reset.
    const std::string_view w = word;
    const auto power = w == "power-on" ? serverops::clc::power_state::stopped : serverops::clc::power_state::started;
    const bool maintenance = w == "stop-maintenance";
    auto reset = [&] {
        emu.advance(1s);
        (void)emu.clc().server_state("WA1ALIASWB01");
        emu.clc().add_server("WA1ALIASWB01", power, maintenance);
        emu.clc().add_server("WA1ALIASWB02", power, maintenance || w == "set-maintenance");  // set: WB02=off
    };
    const std::vector<std::string> ids = std::string_view(word) == "set-maintenance"
                                             ? std::vector<std::string>{"WA1ALIASWB01=on", "wa1aliaswb02=off"}
                                             : std::vector<std::string>{"WA1ALIASWB01", "wa1aliaswb02"};
    std::vector<std::string> base{"clc", word};
    base.insert(base.end(), ids.begin(), ids.end());

    // Human, not waited on: one line per server, in the order given, as written.
    reset();
    auto queued = run_cli(base, clc_env());
    ASSERT_EQ(queued.exit_code, 0) << queued;
    auto lines = queued.out_lines();
    ASSERT_EQ(lines.size(), 2u) << queued;
    EXPECT_TRUE(lines[0].starts_with("WA1ALIASWB01: queued (job wa1-")) << queued;
    EXPECT_TRUE(lines[1].starts_with("wa1aliaswb02: queued (job wa1-")) << queued;

    // JSON, not waited on.
    reset();
    auto queued_json = run_cli(args({"--json"}, base), clc_env());
    ASSERT_EQ(queued_json.exit_code, 0) << queued_json;
    auto doc = queued_json.doc();
    ASSERT_TRUE(doc.is_object()) << queued_json;
    EXPECT_EQ(str(doc, "operation"), operation);
    auto& results = doc.at("results").as_array();
    ASSERT_EQ(results.size(), 2u);
    EXPECT_EQ(str(results[0], "server"), "WA1ALIASWB01");
    EXPECT_EQ(str(results[1], "server"), "wa1aliaswb02");
    for (auto& r : results) {
        EXPECT_EQ(r.at("queued"), true);
        EXPECT_TRUE(str(r, "job").starts_with("wa1-"));
        EXPECT_FALSE(r.as_object().contains("status"));
        EXPECT_FALSE(r.as_object().contains("error"));
    }

    // Human, waited on.
    reset();
    auto wait_args = base;
    wait_args.insert(wait_args.end(), fast_wait.begin(), fast_wait.end());
    auto waited = run_cli(wait_args, clc_env());
    ASSERT_EQ(waited.exit_code, 0) << waited;
    lines = waited.out_lines();
    ASSERT_EQ(lines.size(), 2u) << waited;
    EXPECT_TRUE(lines[0].starts_with("WA1ALIASWB01: succeeded (job wa1-")) << waited;
    EXPECT_TRUE(lines[1].starts_with("wa1aliaswb02: succeeded (job wa1-")) << waited;
    EXPECT_TRUE(contains(waited.err, "waiting for " + std::string(operation))) << waited;  // plain progress lines

    // JSON, waited on.
    reset();
    auto json_args = args({"--json"}, base);
    json_args.insert(json_args.end(), fast_wait.begin(), fast_wait.end());
    auto waited_json = run_cli(json_args, clc_env());
    ASSERT_EQ(waited_json.exit_code, 0) << waited_json;
    doc = waited_json.doc();
    ASSERT_TRUE(doc.is_object()) << waited_json;
    EXPECT_EQ(str(doc, "operation"), operation);
    ASSERT_EQ(doc.at("results").as_array().size(), 2u);
    for (auto& r : doc.at("results").as_array()) {
        EXPECT_EQ(r.at("queued"), true);
        EXPECT_EQ(str(r, "status"), "succeeded");
        EXPECT_FALSE(r.as_object().contains("error"));
    }
}

INSTANTIATE_TEST_SUITE_P(all, cli_clc_batch,
                         ::testing::Values(batch_case{"start-maintenance", "startMaintenance"},
                                           batch_case{"stop-maintenance", "stopMaintenance"},
                                           batch_case{"set-maintenance", "setMaintenance"},
                                           batch_case{"shut-down", "shutDown"}, batch_case{"power-on", "powerOn"},
                                           batch_case{"power-off", "powerOff"}, batch_case{"pause", "pause"},
                                           batch_case{"reboot", "reboot"}, batch_case{"reset", "reset"}),
                         [](const auto& info) {
                             std::string n = info.param.word;
                             for (auto& c : n)
                                 if (c == '-') c = '_';
                             return n;
                         });

TEST_F(cli, batches_change_the_servers) {
    emu.clc().add_server("WA1ALIASWB01", serverops::clc::power_state::started, true);
    auto mixed = run_cli(args({"clc", "set-maintenance", "WA1ALIASWB01=off", "WA1ALIASWB02=on"}, fast_wait), clc_env());
    ASSERT_EQ(mixed.exit_code, 0) << mixed;
    EXPECT_FALSE(emu.clc().server_state("WA1ALIASWB01")->in_maintenance_mode);
    EXPECT_TRUE(emu.clc().server_state("WA1ALIASWB02")->in_maintenance_mode);

    auto down = run_cli(args({"clc", "shut-down", "WA1ALIASWB03"}, fast_wait), clc_env());
    ASSERT_EQ(down.exit_code, 0) << down;
    EXPECT_EQ(emu.clc().server_state("WA1ALIASWB03")->power_state, serverops::clc::power_state::stopped);
    EXPECT_EQ(emu.request_count("POST", "/servers/shutDown"), 1u);
}

TEST_F(cli, unknown_server_is_a_partial_failure_with_its_error) {
    auto human = run_cli({"clc", "start-maintenance", "WA1ALIASWB01", "WA1ALIASXX99", "wa1aliaswb02"}, clc_env());
    EXPECT_EQ(human.exit_code, 1) << human;
    auto lines = human.out_lines();
    ASSERT_EQ(lines.size(), 3u) << human;
    EXPECT_TRUE(lines[0].starts_with("WA1ALIASWB01: queued")) << human;
    EXPECT_TRUE(lines[1].starts_with("WA1ALIASXX99: not queued - ")) << human;
    EXPECT_TRUE(contains(lines[1], "cannot be queued")) << human;
    EXPECT_TRUE(lines[2].starts_with("wa1aliaswb02: queued")) << human;
    EXPECT_TRUE(contains(human.err, "1 of 3 servers were not queued")) << human;

    auto waited =
        run_cli(args({"clc", "start-maintenance", "--json", "WA1ALIASWB03", "WA1ALIASXX99"}, fast_wait), clc_env());
    EXPECT_EQ(waited.exit_code, 1) << waited;
    auto doc = waited.doc();
    ASSERT_TRUE(doc.is_object()) << waited;
    auto& results = doc.at("results").as_array();
    ASSERT_EQ(results.size(), 2u);
    EXPECT_EQ(str(results[0], "status"), "succeeded");
    EXPECT_FALSE(results[0].as_object().contains("error"));
    EXPECT_EQ(str(results[1], "server"), "WA1ALIASXX99");
    EXPECT_EQ(results[1].at("queued"), false);
    EXPECT_FALSE(results[1].as_object().contains("job"));
    EXPECT_FALSE(results[1].as_object().contains("status"));
    EXPECT_TRUE(contains(str(results[1], "error"), "cannot be queued")) << waited;
    EXPECT_TRUE(contains(waited.err, "1 of 2 servers did not succeed")) << waited;
}

TEST_F(cli, failed_job_is_a_partial_failure_with_the_api_status) {
    emu.clc().fail_jobs_for("WA1ALIASWB02");
    auto r = run_cli(args({"clc", "start-maintenance", "--json", "WA1ALIASWB02"}, fast_wait), clc_env());
    EXPECT_EQ(r.exit_code, 1) << r;
    auto doc = r.doc();
    ASSERT_TRUE(doc.is_object()) << r;
    auto& entry = doc.at("results").as_array().at(0);
    EXPECT_EQ(entry.at("queued"), true);
    EXPECT_EQ(str(entry, "status"), "failed");
    EXPECT_TRUE(contains(str(entry, "error"), "operation failed")) << r;

    auto human = run_cli(args({"clc", "pause", "WA1ALIASWB02"}, fast_wait), clc_env());
    EXPECT_EQ(human.exit_code, 1) << human;
    EXPECT_TRUE(human.out.starts_with("WA1ALIASWB02: failed (job wa1-")) << human;
    EXPECT_TRUE(contains(human.out, "status failed) - clc.wait: operation failed")) << human;
    EXPECT_FALSE(emu.clc().server_state("WA1ALIASWB02")->in_maintenance_mode);
}

TEST_F(cli, wait_timeout_reports_the_last_known_status) {
    emu.clc().hang_jobs_for("WA1ALIASWB01");
    const auto start = std::chrono::steady_clock::now();
    auto r = run_cli(
        {"clc", "reboot", "WA1ALIASWB01", "--json", "--wait", "--timeout", "0.5", "--poll-interval", "0.1"}, clc_env());
    EXPECT_LT(std::chrono::steady_clock::now() - start, 10s);
    EXPECT_EQ(r.exit_code, 1) << r;
    const auto doc = r.doc();
    ASSERT_TRUE(doc.is_object()) << r;
    auto& entry = doc.at("results").as_array().at(0);
    EXPECT_EQ(str(entry, "status"), "executing") << r;
    EXPECT_TRUE(contains(str(entry, "error"), "deadline exceeded")) << r;
    EXPECT_TRUE(contains(r.err, "(the wait timed out)")) << r;
}

TEST_F(cli, live_progress_is_redrawn_on_a_terminal) {
    emu.clc().add_server("WA1ALIASWB01", serverops::clc::power_state::stopped);
    emu.clc().add_server("WA1ALIASWB02", serverops::clc::power_state::stopped);
    auto r = run_cli(args({"clc", "power-on", "WA1ALIASWB01", "WA1ALIASWB02"}, fast_wait), clc_env(), true);
    ASSERT_EQ(r.exit_code, 0) << r;
    EXPECT_TRUE(contains(r.err, "\r\x1b[K")) << r;              // redrawn in place
    EXPECT_TRUE(contains(r.err, "2/2 servers done")) << r;       // done / total
    EXPECT_TRUE(contains(r.err, "2 succeeded")) << r;            // states
    EXPECT_FALSE(contains(r.err, "waiting for powerOn")) << r;   // no plain lines on a terminal
    EXPECT_EQ(r.out_lines().size(), 2u) << r;                    // results stay on stdout
}

// ------------------------------------------------------------------------------------------------ CLC status, server

TEST_F(cli, status_polls_once_or_waits) {
    auto started = run_cli({"clc", "power-off", "WA1ALIASWB04", "--json"}, clc_env());
    ASSERT_EQ(started.exit_code, 0) << started;
    const std::string job = str(started.doc().at("results").as_array().at(0), "job");
    ASSERT_FALSE(job.empty());

    auto once = run_cli({"clc", "status", job}, clc_env());
    EXPECT_EQ(once.exit_code, 0) << once;
    EXPECT_TRUE(once.out.starts_with(job + ": ")) << once;
    EXPECT_EQ(emu.request_count("GET", "/status/"), 1u);

    auto waited = run_cli(args({"clc", "status", "--json", job}, fast_wait), clc_env());
    EXPECT_EQ(waited.exit_code, 0) << waited;
    auto doc = waited.doc();
    EXPECT_EQ(str(doc, "operation"), "getStatus");
    EXPECT_EQ(str(doc.at("results").as_array().at(0), "job"), job);
    EXPECT_EQ(str(doc.at("results").as_array().at(0), "status"), "succeeded");

    auto unknown = run_cli({"clc", "status", "--json", job, "wa1-0"}, clc_env());
    EXPECT_EQ(unknown.exit_code, 1) << unknown;
    const auto unknown_doc = unknown.doc();
    ASSERT_TRUE(unknown_doc.is_object()) << unknown;
    auto& results = unknown_doc.at("results").as_array();
    ASSERT_EQ(results.size(), 2u) << unknown;
    EXPECT_EQ(str(results[0], "status"), "succeeded");
    EXPECT_EQ(str(results[1], "job"), "wa1-0");
    EXPECT_TRUE(contains(str(results[1], "error"), "not found (HTTP 404)")) << unknown;

    auto human_unknown = run_cli({"clc", "status", "wa1-0"}, clc_env());
    EXPECT_EQ(human_unknown.exit_code, 1) << human_unknown;
    EXPECT_TRUE(human_unknown.out.starts_with("wa1-0: status not read - clc.getStatus: not found")) << human_unknown;
}

TEST_F(cli, server_shows_one_server) {
    emu.clc().add_server("WA1ALIASWB05", serverops::clc::power_state::paused, true);
    auto human = run_cli({"clc", "server", "wa1aliaswb05"}, clc_env());
    EXPECT_EQ(human.exit_code, 0) << human;
    EXPECT_EQ(human.out_lines().size(), 1u) << human;
    EXPECT_TRUE(human.out.starts_with("WA1ALIASWB05: active, power paused, maintenance on")) << human;

    auto doc_run = run_cli({"clc", "server", "WA1ALIASWB05", "--json"}, clc_env());
    EXPECT_EQ(doc_run.exit_code, 0) << doc_run;
    auto doc = doc_run.doc();
    EXPECT_EQ(str(doc, "name"), "WA1ALIASWB05");
    EXPECT_EQ(str(doc, "powerState"), "paused");
    EXPECT_EQ(doc.at("inMaintenanceMode"), true);

    auto missing = run_cli({"clc", "server", "WA1ALIASXX99", "--json"}, clc_env());
    EXPECT_EQ(missing.exit_code, 1) << missing;
    EXPECT_TRUE(missing.out.empty()) << missing;
    EXPECT_EQ(missing.err, "serverops: clc.getServer: not found (HTTP 404)\n") << missing;
}

TEST_F(cli, alias_from_the_environment_or_the_option) {
    auto env = clc_env();
    env["CLC_ALIAS"] = "OTHER";
    auto denied = run_cli({"clc", "server", "WA1ALIASWB01"}, env);
    EXPECT_EQ(denied.exit_code, 3) << denied;  // 403: not an answer about the server
    EXPECT_TRUE(contains(denied.err, "forbidden (HTTP 403)")) << denied;
    auto fixed = run_cli({"clc", "server", "WA1ALIASWB01", "--alias", "alias"}, env);
    EXPECT_EQ(fixed.exit_code, 0) << fixed;
}

// ------------------------------------------------------------------------------------------------ fatal errors

TEST_F(cli, bad_credentials_exit_3_without_printing_the_password) {
    const std::string secret = "s3cr3t-Passw0rd-never-printed";
    auto clc = clc_env();
    clc["CLC_PASSWORD"] = secret;
    for (auto argv : {std::vector<std::string>{"clc", "start-maintenance", "WA1ALIASWB01"},
                      std::vector<std::string>{"clc", "start-maintenance", "WA1ALIASWB01", "--json", "--wait"},
                      std::vector<std::string>{"clc", "status", "wa1-1"},
                      std::vector<std::string>{"clc", "server", "WA1ALIASWB01"}}) {
        auto r = run_cli(argv, clc);
        EXPECT_EQ(r.exit_code, 3) << r;
        EXPECT_TRUE(r.out.empty()) << r;
        EXPECT_EQ(r.err_lines().size(), 1u) << r;
        EXPECT_TRUE(contains(r.err, "clc.login: authentication failed")) << r;
        EXPECT_FALSE(contains(r.out + r.err, secret)) << r;
    }
    auto a4c = run_cli({"alien4cloud", "maintenance", "status"}, a4c_env("admin", secret));
    EXPECT_EQ(a4c.exit_code, 3) << a4c;
    EXPECT_TRUE(contains(a4c.err, "a4c.login: authentication failed")) << a4c;
    EXPECT_FALSE(contains(a4c.out + a4c.err, secret)) << a4c;

    emu.ucs().require_basic_auth("ucs", "right-password");
    auto ucs = ucs_env();
    ucs["UCS_USERNAME"] = "ucs";
    ucs["UCS_PASSWORD"] = secret;
    auto u = run_cli({"ucs", "mode", "get"}, ucs);
    EXPECT_EQ(u.exit_code, 3) << u;
    EXPECT_TRUE(contains(u.err, "unauthorized (HTTP 401)")) << u;
    EXPECT_FALSE(contains(u.out + u.err, secret)) << u;
    ucs["UCS_PASSWORD"] = "right-password";
    auto ok = run_cli({"ucs", "mode", "get"}, ucs);
    EXPECT_EQ(ok.exit_code, 0) << ok;
    EXPECT_FALSE(contains(ok.out + ok.err, "right-password")) << ok;
}

TEST(cli_fatal, unreachable_server_exits_3) {
    std::string url = "http://127.0.0.1:";
    url += std::to_string(closed_port());
    const env_map clc{{"CLC_BASE_URL", url + "/v2"}, {"CLC_USERNAME", "u"}, {"CLC_PASSWORD", "p"}};
    const env_map a4c{{"A4C_BASE_URL", url}, {"A4C_USERNAME", "u"}, {"A4C_PASSWORD", "p"}};
    const std::vector<std::pair<std::vector<std::string>, env_map>> cases = {
        {{"clc", "pause", "WA1ALIASWB01"}, clc},
        {{"clc", "server", "WA1ALIASWB01", "--json"}, clc},
        {{"alien4cloud", "maintenance", "enable"}, a4c},
        {{"ucs", "mode", "set", "maintenance", "--wait"}, {{"UCS_BASE_URL", url}}},
    };
    for (auto& [argv, env] : cases) {
        const auto start = std::chrono::steady_clock::now();
        auto r = run_cli(argv, env);
        EXPECT_LT(std::chrono::steady_clock::now() - start, 15s);
        EXPECT_EQ(r.exit_code, 3) << r;
        EXPECT_TRUE(r.out.empty()) << r;
        EXPECT_EQ(r.err_lines().size(), 1u) << r;
        EXPECT_TRUE(contains(r.err, "transport failure: could not connect to 127.0.0.1")) << r;
    }
}

TEST(cli_tls, wrong_host_name_exits_3_with_a_tls_error) {
    testing_ns::full_emulator::options o;
    o.tls = localhost_only_certificate();
    testing_ns::full_emulator emu(o);
    ASSERT_TRUE(emu.start());
    temp_file ca(o.tls->certificate_chain_pem);
    // The certificate names "localhost"; the URL names 127.0.0.1.
    env_map env{{"CLC_BASE_URL", emu.clc_base_url()}, {"CLC_USERNAME", "user"}, {"CLC_PASSWORD", "password"}};
    ASSERT_TRUE(emu.clc_base_url().starts_with("https://127.0.0.1:"));

    auto r = run_cli({"clc", "server", "WA1ALIASWB01", "--ca-file", ca.path()}, env);
    EXPECT_EQ(r.exit_code, 3) << r;
    EXPECT_TRUE(r.out.empty()) << r;
    EXPECT_TRUE(contains(r.err, "TLS failure")) << r;
    EXPECT_TRUE(contains(r.err, "hostname mismatch")) << r;
    EXPECT_EQ(emu.request_count(), 0u);

    // Untrusted without the CA file.
    auto untrusted = run_cli({"clc", "server", "WA1ALIASWB01"}, env);
    EXPECT_EQ(untrusted.exit_code, 3) << untrusted;
    EXPECT_TRUE(contains(untrusted.err, "TLS failure")) << untrusted;

    // Explicitly unverified: works, with a loud warning.
    auto insecure = run_cli({"clc", "server", "WA1ALIASWB01", "--insecure-skip-tls-verify"}, env);
    EXPECT_EQ(insecure.exit_code, 0) << insecure;
    EXPECT_TRUE(contains(insecure.err, "WARNING: --insecure-skip-tls-verify")) << insecure;
    EXPECT_TRUE(insecure.out.starts_with("WA1ALIASWB01: active")) << insecure;
}

TEST(cli_tls, ca_file_verifies_the_emulator) {
    testing_ns::full_emulator::options o;
    auto tls = testing_ns::make_self_signed_tls("localhost");  // names localhost and 127.0.0.1
    ASSERT_TRUE(tls);
    o.tls = tls.value();
    testing_ns::full_emulator emu(o);
    ASSERT_TRUE(emu.start());
    temp_file ca(o.tls->certificate_chain_pem);
    auto r = run_cli({"ucs", "mode", "get", "--json", "--ca-file", ca.path()}, {{"UCS_BASE_URL", emu.ucs_base_url()}});
    EXPECT_EQ(r.exit_code, 0) << r;
    EXPECT_EQ(str(r.doc(), "mode"), "production") << r;
    EXPECT_TRUE(r.err.empty()) << r;
}

// ------------------------------------------------------------------------------------------------ Alien4Cloud

TEST_F(cli, alien4cloud_maintenance_cycle) {
    auto env = a4c_env();
    auto off = run_cli({"alien4cloud", "maintenance", "status"}, env);
    EXPECT_EQ(off.exit_code, 0) << off;
    EXPECT_EQ(off.out, "maintenance: off\n");
    auto off_json = run_cli({"alien4cloud", "maintenance", "status", "--json"}, env);
    EXPECT_EQ(off_json.out, "{\"enabled\":false}\n") << off_json;

    auto enable = run_cli({"alien4cloud", "maintenance", "enable"}, env);
    EXPECT_EQ(enable.exit_code, 0) << enable;
    EXPECT_EQ(enable.out, "maintenance enabled\n");
    EXPECT_TRUE(emu.a4c().maintenance_enabled());

    auto again = run_cli({"a4c", "maintenance", "enable", "--json", "--force"}, env);
    EXPECT_EQ(again.exit_code, 1) << again;  // sent regardless, the API said no: already on
    EXPECT_TRUE(again.out.empty()) << again;
    EXPECT_TRUE(contains(again.err, "a4c.enableMaintenance: conflict (HTTP 409)")) << again;

    auto update = run_cli({"alien4cloud", "maintenance", "update", "--progress", "40", "--message", "halfway"}, env);
    EXPECT_EQ(update.exit_code, 0) << update;
    EXPECT_EQ(update.out, "maintenance updated: progress 40%, message logged\n");
    auto update_json = run_cli({"alien4cloud", "maintenance", "update", "--progress=60", "--json"}, env);
    EXPECT_EQ(update_json.out, "{\"operation\":\"updateMaintenance\",\"succeeded\":true}\n") << update_json;
    EXPECT_EQ(emu.a4c().maintenance().progress_percent, 60);

    auto on = run_cli({"alien4cloud", "maintenance", "status"}, env);
    EXPECT_EQ(on.exit_code, 0) << on;
    EXPECT_TRUE(on.out.starts_with("maintenance: on, 60% (by admin, since ")) << on;
    EXPECT_TRUE(contains(on.out, " admin: halfway\n")) << on;
    auto on_json = run_cli({"alien4cloud", "maintenance", "status", "--json"}, env);
    auto doc = on_json.doc();
    EXPECT_EQ(doc.at("enabled"), true) << on_json;
    EXPECT_EQ(doc.at("progressPercent"), 60) << on_json;
    EXPECT_EQ(doc.at("userTriggered"), true) << on_json;
    EXPECT_EQ(str(doc.at("log").as_array().back(), "message"), "halfway") << on_json;

    auto frodo = run_cli({"alien4cloud", "maintenance", "disable"}, a4c_env("frodo", "frodo"));
    EXPECT_EQ(frodo.exit_code, 3) << frodo;  // rights: not an answer about maintenance
    EXPECT_TRUE(contains(frodo.err, "forbidden (HTTP 403)")) << frodo;

    auto disable = run_cli({"alien4cloud", "maintenance", "disable", "--json"}, env);
    EXPECT_EQ(disable.exit_code, 0) << disable;
    EXPECT_EQ(disable.out, "{\"operation\":\"disableMaintenance\",\"succeeded\":true,\"outcome\":\"changed\"}\n");
    EXPECT_FALSE(emu.a4c().maintenance_enabled());

    auto not_on = run_cli({"alien4cloud", "maintenance", "disable", "--force"}, env);
    EXPECT_EQ(not_on.exit_code, 1) << not_on;
    EXPECT_TRUE(contains(not_on.err, "not found (HTTP 404)")) << not_on;
}

// ------------------------------------------------------------------------------------------------ UCS

TEST_F(cli, ucs_mode_get_and_set) {
    auto env = ucs_env();
    auto get = run_cli({"ucs", "mode", "get"}, env);
    EXPECT_EQ(get.exit_code, 0) << get;
    EXPECT_TRUE(get.out.starts_with("mode: production (version 8.5.000.14")) << get;
    auto get_json = run_cli({"ucs", "mode", "get", "--json"}, env);
    EXPECT_EQ(str(get_json.doc(), "mode"), "production") << get_json;
    EXPECT_EQ(str(get_json.doc(), "version"), "8.5.000.14") << get_json;

    auto set = run_cli({"ucs", "mode", "set", "maintenance", "--json"}, env);
    EXPECT_EQ(set.exit_code, 0) << set;
    EXPECT_EQ(str(set.doc(), "mode"), "maintenance") << set;
    EXPECT_FALSE(set.doc().as_object().contains("status")) << set;

    emu.advance(1s);  // past the switching window
    auto set_wait =
        run_cli({"ucs", "mode", "set", "production", "--wait", "--poll-interval", "0.05", "--timeout", "10"}, env);
    EXPECT_EQ(set_wait.exit_code, 0) << set_wait;
    EXPECT_TRUE(set_wait.out.starts_with("mode: production (")) << set_wait;
    EXPECT_TRUE(contains(set_wait.out, "confirmed by the server's status")) << set_wait;
    EXPECT_EQ(emu.ucs().mode(), testing_ns::ucs_mode::production);

    emu.advance(1s);
    auto set_wait_json = run_cli(
        {"ucs", "mode", "set", "maintenance", "--json", "--wait", "--poll-interval", "0.05", "--timeout", "10"}, env);
    EXPECT_EQ(set_wait_json.exit_code, 0) << set_wait_json;
    auto doc = set_wait_json.doc();
    EXPECT_EQ(str(doc, "mode"), "maintenance") << set_wait_json;
    EXPECT_EQ(str(doc.at("status"), "mode"), "maintenance") << set_wait_json;
}

// ------------------------------------------------------------------------------------------------ serverops emulator

/// Starts `serverops emulator ARGS`, runs `body` with its printed stdout, then stops it with SIGTERM.
void with_cli_emulator(const std::vector<std::string>& emulator_args,
                       const std::function<void(const std::string& banner)>& body) {
    child emu(args({"emulator"}, emulator_args), {});
    ASSERT_TRUE(emu.started());
    ASSERT_TRUE(emu.read_until([](const std::string& out) { return contains(out, "Press Ctrl+C to stop."); }, 15s))
        << emu.out();
    body(emu.out());
    emu.signal(SIGTERM);
    auto r = emu.finish(10s);
    EXPECT_EQ(r.exit_code, 0) << r;
    EXPECT_TRUE(contains(r.out, "stopped")) << r;
}

std::string word_after(const std::string& text, std::string_view key) {
    auto at = text.find(key);
    if (at == std::string::npos) return {};
    at += key.size();
    return text.substr(at, text.find_first_of(" \n", at) - at);
}

TEST(cli_emulator, serves_all_three_systems_until_sigterm) {
    with_cli_emulator({}, [](const std::string& banner) {
        const auto clc_url = word_after(banner, "CLC_BASE_URL=");
        const auto a4c_url = word_after(banner, "A4C_BASE_URL=");
        const auto ucs_url = word_after(banner, "UCS_BASE_URL=");
        ASSERT_TRUE(clc_url.starts_with("http://127.0.0.1:")) << banner;
        EXPECT_EQ(word_after(banner, "CLC_USERNAME="), "user");
        EXPECT_EQ(word_after(banner, "CLC_PASSWORD="), "password");
        EXPECT_EQ(word_after(banner, "A4C_USERNAME="), "admin");

        auto c = run_cli({"clc", "start-maintenance", "WA1ALIASWB01", "--json", "--wait", "--poll-interval", "0.05"},
                         {{"CLC_BASE_URL", clc_url}, {"CLC_USERNAME", "user"}, {"CLC_PASSWORD", "password"}});
        EXPECT_EQ(c.exit_code, 0) << c;
        auto a = run_cli({"alien4cloud", "maintenance", "status"},
                         {{"A4C_BASE_URL", a4c_url}, {"A4C_USERNAME", "admin"}, {"A4C_PASSWORD", "admin"}});
        EXPECT_EQ(a.exit_code, 0) << a;
        auto u = run_cli({"ucs", "mode", "get"}, {{"UCS_BASE_URL", ucs_url}});
        EXPECT_EQ(u.exit_code, 0) << u;
    });
}

TEST(cli_emulator, tls_writes_a_ca_file_for_the_clients) {
    std::string ca_path;
    with_cli_emulator({"--tls"}, [&](const std::string& banner) {
        const auto clc_url = word_after(banner, "CLC_BASE_URL=");
        ca_path = word_after(banner, "--ca-file ");
        ASSERT_TRUE(clc_url.starts_with("https://127.0.0.1:")) << banner;
        ASSERT_FALSE(ca_path.empty()) << banner;
        env_map env{{"CLC_BASE_URL", clc_url}, {"CLC_USERNAME", "user"}, {"CLC_PASSWORD", "password"}};
        auto ok = run_cli({"clc", "server", "WA1ALIASWB01", "--ca-file", ca_path}, env);
        EXPECT_EQ(ok.exit_code, 0) << ok;
        auto untrusted = run_cli({"clc", "server", "WA1ALIASWB01"}, env);
        EXPECT_EQ(untrusted.exit_code, 3) << untrusted;
    });
    EXPECT_FALSE(std::ifstream(ca_path).good()) << "the CA file outlived the emulator: " << ca_path;
}

// ------------------------------------------------------------------------------------------------ hostile text

/// Text that did not come from the program: from the user (ids, aliases, option values, unknown words) or from the
/// server (job ids, messages, raw error bodies).
struct hostile_case {
    const char* name;
    std::string text;
};

void PrintTo(const hostile_case& c, std::ostream* os) { *os << c.name; }

const hostile_case hostile_cases[] = {
    {"esc", "wa1-\x1b[31mred\x1b[0m"},
    {"bel", "wa1-\a\a"},
    {"cr", "wa1-1\rFORGED"},
    {"lf", "wa1-1\nserverops: FORGED"},
    {"c1_utf8", "wa1-\xC2\x9B" "31m"},  // U+009B: CSI on terminals that honour C1 controls
    {"raw_9b", "wa1-\x9B" "31m"},       // the same, as one raw (invalid UTF-8) byte
    {"ff", "wa1-\xFF\xFE"},
    {"truncated_utf8", "wa1-\xE2\x82"},  // "\u20AC" cut after two of its three bytes
    {"del", "wa1-\x7F\x7F"},
    {"long", "\x1b" + std::string(20000, 'x') + "\x1b"},
};

/// `s` as a JSON string literal: only what JSON requires is escaped; other bytes (invalid UTF-8 included) are copied.
std::string json_string_raw(std::string_view s) {
    std::string out = "\"";
    for (char c : s) {
        const auto u = static_cast<unsigned char>(c);
        if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else if (u < 0x20) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\u%04x", u);
            out += buf;
        } else {
            out += c;
        }
    }
    return out + '"';
}

std::string shown(const std::vector<std::string>& argv) {
    std::string out = "serverops";
    for (auto& a : argv) {  // appended piece by piece: `" " + temporary` trips GCC 12's -O2 -Wrestrict
        out += ' ';
        std::string cut = a.substr(0, 60);
        if (a.size() > 60) cut += "...";
        out += ::testing::PrintToString(cut);
    }
    return out;
}

serverops::header_list text_plain() {
    serverops::header_list h;
    h.set("Content-Type", "text/plain");
    return h;
}

class cli_hostile : public cli, public ::testing::WithParamInterface<hostile_case> {
protected:
    const std::string& hostile() const { return GetParam().text; }
    /// What a JSON string holding the hostile text must decode to.
    std::string as_json_text() const { return serverops::detail::to_valid_utf8(hostile()); }

    /// Runs the tool; both streams must be safe for a terminal, and stdout one JSON document whenever --json was
    /// given and something was printed.
    run_result checked(const std::vector<std::string>& argv, const env_map& env) {
        auto r = run_cli(argv, env);
        const bool as_json = std::find(argv.begin(), argv.end(), "--json") != argv.end();
        EXPECT_FALSE(r.timed_out) << shown(argv) << ": " << r;
        EXPECT_TRUE(terminal_safe(r.err)) << "stderr of " << shown(argv);
        if (as_json && !r.out.empty()) EXPECT_TRUE(json_document(r.out)) << "stdout of " << shown(argv);
        else EXPECT_TRUE(terminal_safe(r.out)) << "stdout of " << shown(argv);
        return r;
    }
};

TEST_P(cli_hostile, usage_errors_escape_the_words_they_quote) {
    const auto& h = hostile();
    const std::vector<std::pair<std::vector<std::string>, env_map>> cases = {
        {{h}, {}},
        {{"clc", h}, clc_env()},
        {{"clc", "pause", "WA1ALIASWB01", "--" + h}, clc_env()},
        {{"clc", "set-maintenance", h}, clc_env()},
        {{"clc", "pause", "WA1ALIASWB01", "--wait", "--timeout", h}, clc_env()},
        {{"clc", "pause", "WA1ALIASWB01", "--request-timeout", h}, clc_env()},
        {{"clc", "server", "WA1ALIASWB01", "--base-url", h}, clc_env()},
        {{"clc", "server", "WA1ALIASWB01", "--ca-file", h}, clc_env()},
        {{"alien4cloud", "maintenance", h}, a4c_env()},
        {{"alien4cloud", "maintenance", "status", h}, a4c_env()},
        {{"alien4cloud", "maintenance", "update", "--progress", h}, a4c_env()},
        {{"ucs", "mode", h}, ucs_env()},
        {{"ucs", "mode", "set", h}, ucs_env()},
        {{"emulator", h}, {}},
        {{"emulator", "--port", h}, {}},
    };
    for (auto& [argv, env] : cases) {
        auto r = checked(argv, env);
        EXPECT_EQ(r.exit_code, 2) << shown(argv) << ": " << r;
        EXPECT_TRUE(r.out.empty()) << shown(argv) << ": " << r;
        EXPECT_EQ(r.err_lines().size(), 1u) << shown(argv) << ": " << r;  // no forged second line
    }
    EXPECT_EQ(emu.request_count(), 0u);
}

TEST_P(cli_hostile, ids_given_by_the_user_are_escaped_in_results) {
    const auto& h = hostile();
    // One job per line, human or JSON; the id is echoed as given (JSON: as valid UTF-8).
    auto human = checked({"clc", "status", h}, clc_env());
    EXPECT_EQ(human.exit_code, 1) << human;
    EXPECT_EQ(human.out_lines().size(), 1u) << human;
    auto doc_run = checked({"clc", "status", h, "--json"}, clc_env());
    EXPECT_EQ(doc_run.exit_code, 1) << doc_run;
    const auto doc = doc_run.doc();
    ASSERT_TRUE(doc.is_object()) << doc_run;
    EXPECT_EQ(str(doc.at("results").as_array().at(0), "job"), as_json_text());

    for (auto argv : {std::vector<std::string>{"clc", "pause", h}, std::vector<std::string>{"clc", "pause", h, "--json"},
                      std::vector<std::string>{"clc", "set-maintenance", h + "=on", "WA1ALIASWB01=off", "--json"},
                      std::vector<std::string>{"clc", "server", h}, std::vector<std::string>{"clc", "server", h, "--json"},
                      std::vector<std::string>{"clc", "server", "WA1ALIASWB01", "--alias", h},
                      std::vector<std::string>{"clc", "status", h, "--wait", "--poll-interval", "0.05", "--json"}}) {
        auto r = checked(argv, clc_env());
        EXPECT_TRUE(r.exit_code == 1 || r.exit_code == 3) << shown(argv) << ": " << r;
    }
}

TEST_P(cli_hostile, text_from_the_server_is_escaped) {
    const auto& h = hostile();
    // A batch answer whose job id is hostile: printed when queued, then polled (and refused) with --wait.
    const std::string batch_answer = R"([{"server":"wa1aliaswb01","isQueued":true,"links":[{"rel":"status","href":)"
                                     R"("/v2/operations/alias/status/x","id":)" +
                                     json_string_raw(h) + "}]}]";
    const auto queued_with_hostile_id = [&] {
        emu.inject(testing_ns::fault::status(200, batch_answer).only_method(serverops::verb::post).only_path("/pause"));
    };
    const bool representable = serverops::detail::is_valid_utf8(h);  // else the answer is not JSON at all
    for (bool as_json : {false, true}) {
        for (bool wait : {false, true}) {
            std::vector<std::string> argv{"clc", "pause", "WA1ALIASWB01"};
            if (as_json) argv.push_back("--json");
            if (wait) argv.insert(argv.end(), fast_wait.begin(), fast_wait.end());
            queued_with_hostile_id();
            auto r = checked(argv, clc_env());
            if (!representable) {
                EXPECT_EQ(r.exit_code, 3) << shown(argv) << ": " << r;
                continue;
            }
            EXPECT_EQ(r.exit_code, wait ? 1 : 0) << shown(argv) << ": " << r;
            if (as_json) EXPECT_EQ(str(r.doc().at("results").as_array().at(0), "job"), h) << r;
            else EXPECT_EQ(r.out_lines().size(), 1u) << r;
        }
    }

    // A raw (not JSON) error body: in the error line, and in the document of a request that may have executed.
    emu.inject(testing_ns::fault::status(500, h, text_plain())
                   .only_method(serverops::verb::get)
                   .only_path("/WA1ALIASWB01"),
               3);
    auto get = checked({"clc", "server", "WA1ALIASWB01"}, clc_env());
    EXPECT_EQ(get.exit_code, 3) << get;
    EXPECT_EQ(get.err_lines().size(), 1u) << get;
    emu.inject(testing_ns::fault::status(500, h, text_plain()).only_path("/pause"));
    auto post = checked({"clc", "pause", "WA1ALIASWB01", "--json"}, clc_env());
    EXPECT_EQ(post.exit_code, 3) << post;
    EXPECT_EQ(post.doc().at("mayHaveExecuted"), true) << post;

    // Text the user gave that the server stores and sends back: the A4C maintenance log.
    ASSERT_EQ(run_cli({"alien4cloud", "maintenance", "enable"}, a4c_env()).exit_code, 0);
    checked({"alien4cloud", "maintenance", "update", "--message", h}, a4c_env());
    checked({"alien4cloud", "maintenance", "status"}, a4c_env());
    checked({"alien4cloud", "maintenance", "status", "--json"}, a4c_env());
}

INSTANTIATE_TEST_SUITE_P(all, cli_hostile, ::testing::ValuesIn(hostile_cases),
                         [](const auto& info) { return std::string(info.param.name); });

// ------------------------------------------------------------------------------------------------ numeric options

TEST_F(cli, numeric_options_are_parsed_strictly) {
    const std::vector<std::string> bad = {"",    "nan",  "NaN",   "inf", "-inf", "infinity", "-1",  "-0.5", "0",
                                          "0.0", "+5",   " 5",    "5 ",  "5s",   "5.",       ".5",  "1e3",  "0x10",
                                          "5,0", "0.0001", "99999999999999999999", "604801", "1.5.2", "٣"};
    for (auto& v : bad) {
        const std::vector<std::vector<std::string>> uses = {
            {"clc", "pause", "WA1ALIASWB01", "--wait", "--timeout", v},
            {"clc", "pause", "WA1ALIASWB01", "--wait", "--poll-interval", v},
            {"clc", "pause", "WA1ALIASWB01", "--request-timeout", v},
            {"ucs", "mode", "get", "--request-timeout=" + v},
        };
        for (auto& argv : uses) {
            auto r = run_cli(argv, argv[0] == "clc" ? clc_env() : ucs_env());
            EXPECT_EQ(r.exit_code, 2) << shown(argv) << ": " << r;
            EXPECT_EQ(r.err_lines().size(), 1u) << shown(argv) << ": " << r;
        }
    }
    for (std::string v : {"", "-1", "65536", "99999999999", "80x", " 80", "+80", "0x50", "1e3", "inf"}) {
        auto r = run_cli({"emulator", "--port", v});
        EXPECT_EQ(r.exit_code, 2) << shown({"emulator", "--port", v}) << ": " << r;
    }
    for (std::string v : {"-1", "101", "50.5", "1e2", " 5", "nan"}) {
        auto r = run_cli({"alien4cloud", "maintenance", "update", "--progress", v}, a4c_env());
        EXPECT_EQ(r.exit_code, 2) << r;
    }
    EXPECT_EQ(emu.request_count(), 0u);
}

// ------------------------------------------------------------------------------------------------ --request-timeout

TEST_F(cli, request_timeout_bounds_each_request) {
    // The server answers after 5 s; each of the three attempts of the idempotent GET gives up after 0.3 s.
    emu.inject(testing_ns::fault::delay_response(5s).only_method(serverops::verb::get).only_path("/WA1ALIASWB01"), 3);
    const auto start = std::chrono::steady_clock::now();
    auto r = run_cli({"clc", "server", "WA1ALIASWB01", "--request-timeout", "0.3"}, clc_env());
    const auto took = std::chrono::steady_clock::now() - start;
    EXPECT_EQ(r.exit_code, 3) << r;
    EXPECT_TRUE(contains(r.err, "timed out")) << r;
    EXPECT_LT(took, 4s) << r;  // 3 x 0.3 s plus backoff, far from 5 s per attempt

    // Accepted by every client command, in both spellings.
    auto ok = run_cli({"ucs", "mode", "get", "--request-timeout=2.5"}, ucs_env());
    EXPECT_EQ(ok.exit_code, 0) << ok;
    auto a4c = run_cli({"alien4cloud", "maintenance", "status", "--request-timeout", "10"}, a4c_env());
    EXPECT_EQ(a4c.exit_code, 0) << a4c;
}

TEST(cli_help, documents_the_time_bounds) {
    auto r = run_cli({"--help"});
    for (auto text : {"--request-timeout SECONDS", "connect 10 s", "TLS handshake 10 s", "130", "143"})
        EXPECT_TRUE(contains(r.out, text)) << text << "\n" << r;
}

// ------------------------------------------------------------------------------------------------ --ca-file

TEST_F(cli, unusable_ca_files_are_usage_errors_before_any_request) {
    temp_file not_pem("just some text\n");
    temp_file empty("");
    temp_file key_only("-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg\n-----END PRIVATE KEY-----\n");
    temp_file broken_cert("-----BEGIN CERTIFICATE-----\nnot base64 at all\n-----END CERTIFICATE-----\n");
    temp_file unreadable("-----BEGIN CERTIFICATE-----\n");
    ::chmod(unreadable.path().c_str(), 0);
    std::vector<std::string> files = {"/nonexistent/ca.pem", "/tmp", ".", not_pem.path(), empty.path(),
                                      key_only.path(), broken_cert.path()};
    if (::geteuid() != 0) files.push_back(unreadable.path());  // root reads anything
    for (auto& f : files) {
        for (auto argv : {std::vector<std::string>{"clc", "server", "WA1ALIASWB01", "--ca-file", f},
                          std::vector<std::string>{"ucs", "mode", "get", "--ca-file", f},
                          std::vector<std::string>{"alien4cloud", "maintenance", "status", "--ca-file=" + f}}) {
            auto r = run_cli(argv, argv[0] == "clc" ? clc_env() : argv[0] == "ucs" ? ucs_env() : a4c_env());
            EXPECT_EQ(r.exit_code, 2) << shown(argv) << ": " << r;
            EXPECT_TRUE(r.out.empty()) << r;
            EXPECT_EQ(r.err_lines().size(), 1u) << r;
            EXPECT_TRUE(contains(r.err, "--ca-file")) << r;
        }
    }
    EXPECT_EQ(emu.request_count(), 0u);
}

// ------------------------------------------------------------------------------------------------ may have executed

TEST_F(cli, a_state_change_whose_outcome_is_unknown_says_so) {
    // Each change with the path of its POST (UCS mode set is idempotent: retried, never "may have executed").
    const std::vector<std::pair<std::vector<std::string>, std::string>> changes = {
        {{"clc", "reboot", "WA1ALIASWB01"}, "/reboot"},
        {{"clc", "set-maintenance", "WA1ALIASWB01=on"}, "/setMaintenance"},
        {{"alien4cloud", "maintenance", "enable"}, "/maintenance"},
    };
    for (auto& [change, path] : changes) {
        for (bool as_json : {false, true}) {
            // A 500 after the request arrived: the server may have acted before failing.
            emu.inject(testing_ns::fault::server_error().only_method(serverops::verb::post).only_path(path));
            auto argv = change;
            if (as_json) argv.push_back("--json");
            const env_map env = change[0] == "clc" ? clc_env() : change[0] == "ucs" ? ucs_env() : a4c_env();
            auto r = run_cli(argv, env);
            emu.clear_faults();
            EXPECT_EQ(r.exit_code, 3) << shown(argv) << ": " << r;
            EXPECT_TRUE(contains(r.err, "the request may have been executed: check the servers' state before retrying"))
                << shown(argv) << ": " << r;
            if (!as_json) {
                EXPECT_TRUE(r.out.empty()) << r;
                continue;
            }
            const auto doc = r.doc();
            ASSERT_TRUE(doc.is_object()) << shown(argv) << ": " << r;
            EXPECT_EQ(doc.at("mayHaveExecuted"), true) << r;
            EXPECT_TRUE(contains(str(doc, "error"), "server error (HTTP 500)")) << r;
        }
    }
    // A refusal (503) certainly did not execute: no such warning.
    emu.inject(testing_ns::fault::unavailable().only_method(serverops::verb::post).only_path("/reboot"));
    auto refused = run_cli({"clc", "reboot", "WA1ALIASWB01", "--json"}, clc_env());
    EXPECT_EQ(refused.exit_code, 3) << refused;
    EXPECT_FALSE(contains(refused.err, "may have been executed")) << refused;
    EXPECT_TRUE(refused.out.empty()) << refused;
}

TEST(cli_batch_limit, the_response_limit_of_a_batch_grows_with_the_batch) {
    auto ctx = serverops::clc::context::from_base_url("http://127.0.0.1/v2");
    ASSERT_TRUE(ctx);
    auto c = std::move(ctx).value();
    c.account_alias = "ALIAS";
    c.bearer_token = "t";
    for (std::size_t n : {1u, 100u, 10000u, 100000u}) {
        std::vector<std::string> ids(n, "WA1ALIASWB01");
        serverops::clc::pause pause{ids};
        auto req = serverops::encode(pause, c);
        ASSERT_TRUE(req);
        EXPECT_EQ(req.value().max_response_body, pause.max_response_body());
        EXPECT_GE(pause.max_response_body(), n * 4096u);
        std::vector<serverops::clc::set_maintenance::entry> entries(n, {"WA1ALIASWB01", true});
        EXPECT_GE(serverops::clc::set_maintenance{entries}.max_response_body(), n * 4096u);
        EXPECT_GE((serverops::clc::create_snapshot{ids, 1}.max_response_body()), n * 4096u);
    }
}

TEST_F(cli, a_real_batch_answer_is_far_below_the_per_entry_bound) {
    std::vector<std::string> ids;
    for (int i = 1; i <= 5; ++i) {  // appended: GCC 12 -O2 misreports `literal + std::to_string(small int)`
        std::string id = "WA1ALIASWB0";
        id += std::to_string(i);
        ids.push_back(std::move(id));
    }
    ids.push_back("WA1ALIASXX99");  // not queued: carries an error message
    auto r = run_cli(args({"clc", "start-maintenance", "--json"}, ids), clc_env());
    ASSERT_EQ(r.exit_code, 1) << r;
    // Our own JSON is larger than the API's entry (it adds the error text); still far below 4 KiB per entry.
    EXPECT_LT(r.out.size(), ids.size() * 1024u) << r;
}

// ------------------------------------------------------------------------------------------------ signals

struct interrupted_run {
    run_result result;
    std::chrono::milliseconds exit_took{};
};

/// Starts `argv`, waits for a progress line (on stderr) holding `progress`, sends `sig` and measures how long the
/// tool takes to end.
interrupted_run interrupt_wait(const std::vector<std::string>& argv, const env_map& env, int sig,
                               std::string_view progress = "waiting for") {
    interrupted_run out;
    child c(argv, env);
    if (!c.started()) return out;
    const bool waiting = c.read_stderr_until([&](const std::string& err) { return contains(err, progress); }, 10s);
    EXPECT_TRUE(waiting) << shown(argv);
    const auto sent = std::chrono::steady_clock::now();
    c.signal(sig);
    out.result = c.finish(10s);
    out.exit_took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - sent);
    return out;
}

const std::vector<std::string> long_wait = {"--wait", "--poll-interval", "0.05", "--timeout", "60"};

TEST_F(cli, a_signal_during_a_batch_wait_prints_the_queued_jobs) {
    emu.clc().hang_jobs_for("WA1ALIASWB01");  // its job never ends
    for (int sig : {SIGINT, SIGTERM}) {
        const std::string name = sig == SIGINT ? "SIGINT" : "SIGTERM";
        // Human: the queued server with its job id, the one not queued, and a note on stderr.
        auto human = interrupt_wait(args({"clc", "start-maintenance", "WA1ALIASWB01", "WA1ALIASXX99"}, long_wait),
                                    clc_env(), sig);
        EXPECT_EQ(human.result.exit_code, 128 + sig) << human.result;
        EXPECT_LT(human.exit_took, 1s) << human.result;
        const auto lines = human.result.out_lines();
        ASSERT_EQ(lines.size(), 2u) << human.result;
        EXPECT_TRUE(lines[0].starts_with("WA1ALIASWB01: still running (job wa1-")) << human.result;
        EXPECT_TRUE(lines[1].starts_with("WA1ALIASXX99: not queued")) << human.result;
        EXPECT_TRUE(contains(human.result.err, "interrupted by " + name)) << human.result;

        // JSON: the same document as a finished wait, marked interrupted; the job id is the real one.
        auto doc_run = interrupt_wait(args({"clc", "start-maintenance", "WA1ALIASWB01", "--json"}, long_wait),
                                      clc_env(), sig);
        EXPECT_EQ(doc_run.result.exit_code, 128 + sig) << doc_run.result;
        EXPECT_LT(doc_run.exit_took, 1s) << doc_run.result;
        const auto doc = doc_run.result.doc();
        ASSERT_TRUE(doc.is_object()) << doc_run.result;
        EXPECT_EQ(str(doc, "operation"), "startMaintenance");
        EXPECT_EQ(str(doc, "interrupted"), name);
        const auto& first = doc.at("results").as_array().at(0);
        EXPECT_EQ(first.at("queued"), true);
        const auto job = str(first, "job");
        const auto status = emu.clc().job_status(job);  // a real job, and still going
        ASSERT_TRUE(status.has_value()) << doc_run.result;
        EXPECT_TRUE(*status == serverops::clc::job_status::not_started ||
                    *status == serverops::clc::job_status::executing)
            << doc_run.result;
    }
}

TEST_F(cli, a_signal_during_a_status_wait_prints_the_jobs) {
    emu.clc().hang_jobs_for("WA1ALIASWB02");
    auto queued = run_cli({"clc", "pause", "WA1ALIASWB02", "--json"}, clc_env());
    ASSERT_EQ(queued.exit_code, 0) << queued;
    const auto job = str(queued.doc().at("results").as_array().at(0), "job");
    ASSERT_FALSE(job.empty()) << queued;
    emu.advance(1s);  // past notStarted: executing from now on
    ASSERT_EQ(emu.clc().job_status(job), serverops::clc::job_status::executing);
    for (int sig : {SIGINT, SIGTERM}) {
        // Interrupted after a poll read the job's status.
        auto human = interrupt_wait(args({"clc", "status", job}, long_wait), clc_env(), sig, "1 executing");
        EXPECT_EQ(human.result.exit_code, 128 + sig) << human.result;
        EXPECT_LT(human.exit_took, 1s) << human.result;
        EXPECT_TRUE(human.result.out.starts_with(job + ": executing")) << human.result;
        auto doc_run = interrupt_wait(args({"clc", "status", job, "--json"}, long_wait), clc_env(), sig, "1 executing");
        EXPECT_EQ(doc_run.result.exit_code, 128 + sig) << doc_run.result;
        EXPECT_LT(doc_run.exit_took, 1s) << doc_run.result;
        const auto doc = doc_run.result.doc();
        ASSERT_TRUE(doc.is_object()) << doc_run.result;
        EXPECT_EQ(str(doc.at("results").as_array().at(0), "job"), job);
        EXPECT_EQ(str(doc.at("results").as_array().at(0), "status"), "executing");
        EXPECT_EQ(str(doc, "interrupted"), sig == SIGINT ? "SIGINT" : "SIGTERM");
    }
}

TEST_F(cli, a_signal_during_a_mode_wait_prints_the_requested_mode) {
    emu.ucs().set_switch_delay(std::chrono::hours(1));  // a switch never completes: 503 until the clock jumps
    for (int sig : {SIGINT, SIGTERM}) {
        auto human = interrupt_wait(args({"ucs", "mode", "set", "maintenance"}, long_wait), ucs_env(), sig);
        EXPECT_EQ(human.result.exit_code, 128 + sig) << human.result;
        EXPECT_LT(human.exit_took, 1s) << human.result;
        EXPECT_TRUE(human.result.out.starts_with("mode: maintenance")) << human.result;
        EXPECT_TRUE(contains(human.result.out, "not confirmed")) << human.result;
        EXPECT_TRUE(contains(human.result.err, sig == SIGINT ? "interrupted by SIGINT" : "interrupted by SIGTERM"))
            << human.result;
        emu.advance(2h);

        auto doc_run = interrupt_wait(args({"ucs", "mode", "set", "production", "--json"}, long_wait), ucs_env(), sig);
        EXPECT_EQ(doc_run.result.exit_code, 128 + sig) << doc_run.result;
        EXPECT_LT(doc_run.exit_took, 1s) << doc_run.result;
        const auto doc = doc_run.result.doc();
        ASSERT_TRUE(doc.is_object()) << doc_run.result;
        EXPECT_EQ(str(doc, "mode"), "production") << doc_run.result;
        EXPECT_FALSE(doc.as_object().contains("status")) << doc_run.result;
        EXPECT_EQ(str(doc, "interrupted"), sig == SIGINT ? "SIGINT" : "SIGTERM");
        emu.advance(2h);
    }
}

// ------------------------------------------------------------------------------------------------ desired state

/// A state command, how to put a server in the state it asks for, and the POST path it sends.
struct state_case {
    const char* word;
    const char* operation;
    serverops::clc::power_state power;  ///< a server already in the state asked for...
    bool maintenance;                   ///< ...has this power state and maintenance flag
    const char* json_key;               ///< the state read, as the result shows it
};

void PrintTo(const state_case& c, std::ostream* os) { *os << c.word; }

class cli_desired : public cli, public ::testing::WithParamInterface<state_case> {
protected:
    std::vector<std::string> command(std::initializer_list<std::string> ids) const {
        std::vector<std::string> v{"clc", GetParam().word};
        for (auto& id : ids) v.push_back(std::string(GetParam().word) == "set-maintenance" ? id + "=on" : id);
        return v;
    }
    void put_in_state(const std::string& id) {
        emu.advance(1s);
        (void)emu.clc().server_state(id);  // settles earlier jobs first
        emu.clc().add_server(id, GetParam().power, GetParam().maintenance);
    }
    std::size_t posts() const {
        std::string path = "/servers/";
        path += GetParam().operation;
        return emu.request_count("POST", path);
    }
};

TEST_P(cli_desired, servers_already_in_the_state_are_unchanged_and_nothing_is_sent) {
    const auto& c = GetParam();
    put_in_state("WA1ALIASWB01");
    put_in_state("WA1ALIASWB02");
    for (bool wait : {false, true}) {
        auto argv = command({"WA1ALIASWB01", "wa1aliaswb02"});
        if (wait) argv.insert(argv.end(), fast_wait.begin(), fast_wait.end());
        auto human = run_cli(argv, clc_env());
        EXPECT_EQ(human.exit_code, 0) << human;
        const auto lines = human.out_lines();
        ASSERT_EQ(lines.size(), 2u) << human;
        EXPECT_TRUE(lines[0].starts_with("WA1ALIASWB01: unchanged (")) << human;
        EXPECT_TRUE(lines[1].starts_with("wa1aliaswb02: unchanged (")) << human;
        EXPECT_TRUE(human.err.empty()) << human;  // nothing to wait for

        argv.push_back("--json");
        auto doc_run = run_cli(argv, clc_env());
        EXPECT_EQ(doc_run.exit_code, 0) << doc_run;
        const auto doc = doc_run.doc();
        ASSERT_TRUE(doc.is_object()) << doc_run;
        EXPECT_EQ(str(doc, "operation"), c.operation);
        for (auto& r : doc.at("results").as_array()) {
            EXPECT_EQ(str(r, "outcome"), "unchanged") << doc_run;
            EXPECT_TRUE(r.as_object().contains(c.json_key)) << doc_run;
            EXPECT_FALSE(r.as_object().contains("queued")) << doc_run;
            EXPECT_FALSE(r.as_object().contains("error")) << doc_run;
        }
    }
    EXPECT_EQ(posts(), 0u);
    EXPECT_EQ(emu.request_count("GET", "/WA1ALIASWB0"), 8u);  // one read per server and run

    // --force sends regardless, as before: the API decides.
    auto forced = run_cli(args({"--json", "--force"}, command({"WA1ALIASWB01"})), clc_env());
    EXPECT_TRUE(forced.exit_code == 0 || forced.exit_code == 1) << forced;
    EXPECT_FALSE(forced.doc().at("results").as_array().at(0).as_object().contains("outcome")) << forced;
    EXPECT_EQ(posts(), 1u);
    EXPECT_EQ(emu.request_count("GET", "/WA1ALIASWB0"), 8u);  // no read with --force
}

TEST_P(cli_desired, only_the_servers_not_in_the_state_are_sent_and_a_second_run_is_unchanged) {
    put_in_state("WA1ALIASWB01");
    // WB02 fresh: the other state (started, out of maintenance), unless the command asks for exactly that.
    emu.clc().add_server("WA1ALIASWB02", GetParam().power == serverops::clc::power_state::started
                                             ? serverops::clc::power_state::stopped
                                             : serverops::clc::power_state::started,
                         !GetParam().maintenance);
    auto argv = command({"WA1ALIASWB01", "WA1ALIASWB02"});
    argv.push_back("--json");
    argv.insert(argv.end(), fast_wait.begin(), fast_wait.end());
    auto first = run_cli(argv, clc_env());
    ASSERT_EQ(first.exit_code, 0) << first;
    const auto doc = first.doc();
    ASSERT_TRUE(doc.is_object()) << first;
    auto& results = doc.at("results").as_array();
    ASSERT_EQ(results.size(), 2u) << first;
    EXPECT_EQ(str(results[0], "outcome"), "unchanged") << first;
    EXPECT_EQ(str(results[1], "outcome"), "changed") << first;
    EXPECT_EQ(str(results[1], "status"), "succeeded") << first;
    EXPECT_EQ(posts(), 1u);

    // The second run finds both in the state: unchanged, exit 0, no second POST.
    auto second = run_cli(command({"WA1ALIASWB01", "WA1ALIASWB02"}), clc_env());
    EXPECT_EQ(second.exit_code, 0) << second;
    EXPECT_TRUE(contains(second.out, "WA1ALIASWB02: unchanged (")) << second;
    EXPECT_EQ(posts(), 1u);
}

INSTANTIATE_TEST_SUITE_P(
    all, cli_desired,
    ::testing::Values(
        state_case{"power-on", "powerOn", serverops::clc::power_state::started, false, "powerState"},
        state_case{"power-off", "powerOff", serverops::clc::power_state::stopped, false, "powerState"},
        state_case{"shut-down", "shutDown", serverops::clc::power_state::stopped, false, "powerState"},
        state_case{"pause", "pause", serverops::clc::power_state::paused, false, "powerState"},
        state_case{"start-maintenance", "startMaintenance", serverops::clc::power_state::started, true,
                   "inMaintenanceMode"},
        state_case{"stop-maintenance", "stopMaintenance", serverops::clc::power_state::started, false,
                   "inMaintenanceMode"},
        state_case{"set-maintenance", "setMaintenance", serverops::clc::power_state::started, true,
                   "inMaintenanceMode"}),
    [](const auto& info) {
        std::string n = info.param.word;
        for (auto& ch : n)
            if (ch == '-') ch = '_';
        return n;
    });

TEST_F(cli, power_off_twice_the_second_run_is_unchanged_and_sends_no_post) {
    auto first = run_cli(args({"clc", "power-off", "WA1ALIASWB03"}, fast_wait), clc_env());
    ASSERT_EQ(first.exit_code, 0) << first;
    EXPECT_TRUE(first.out.starts_with("WA1ALIASWB03: succeeded (job wa1-")) << first;
    EXPECT_EQ(emu.request_count("POST", "/servers/powerOff"), 1u);

    auto second = run_cli({"clc", "power-off", "WA1ALIASWB03"}, clc_env());
    EXPECT_EQ(second.exit_code, 0) << second;  // before: "not queued", exit 1
    EXPECT_EQ(second.out, "WA1ALIASWB03: unchanged (already stopped)\n") << second;
    EXPECT_EQ(emu.request_count("POST", "/servers/powerOff"), 1u);

    auto forced = run_cli({"clc", "power-off", "WA1ALIASWB03", "--force"}, clc_env());
    EXPECT_EQ(forced.exit_code, 1) << forced;  // the API refuses a stopped server, as before
    EXPECT_TRUE(forced.out.starts_with("WA1ALIASWB03: not queued - ")) << forced;
    EXPECT_EQ(emu.request_count("POST", "/servers/powerOff"), 2u);
}

TEST_F(cli, an_undocumented_power_state_is_never_unchanged) {
    emu.clc().add_server("WA1ALIASWB01", serverops::clc::power_state::other);  // powerState "other"
    auto r = run_cli({"clc", "power-on", "WA1ALIASWB01", "--json"}, clc_env());
    EXPECT_EQ(r.exit_code, 0) << r;
    const auto doc = r.doc();
    ASSERT_TRUE(doc.is_object()) << r;
    const auto& entry = doc.at("results").as_array().at(0);
    EXPECT_EQ(str(entry, "outcome"), "accepted") << r;
    EXPECT_EQ(str(entry, "powerState"), "other") << r;
    EXPECT_EQ(entry.at("queued"), true) << r;
    EXPECT_EQ(emu.request_count("POST", "/servers/powerOn"), 1u);
}

TEST_F(cli, a_server_whose_read_is_unusable_fails_alone_and_is_not_sent) {
    emu.inject(testing_ns::fault::status(200, "{\"id\":").only_method(serverops::verb::get).only_path("/WA1ALIASWB02"));
    auto r = run_cli({"clc", "pause", "WA1ALIASWB01", "WA1ALIASWB02", "--json"}, clc_env());
    EXPECT_EQ(r.exit_code, 1) << r;
    const auto doc = r.doc();
    ASSERT_TRUE(doc.is_object()) << r;
    const auto& results = doc.at("results").as_array();
    ASSERT_EQ(results.size(), 2u) << r;
    EXPECT_EQ(str(results[0], "outcome"), "accepted") << r;
    EXPECT_EQ(str(results[1], "outcome"), "failed") << r;
    EXPECT_FALSE(results[1].as_object().contains("queued")) << r;  // never sent
    EXPECT_TRUE(contains(str(results[1], "error"), "clc.getServer: malformed response")) << r;
    EXPECT_TRUE(contains(r.err, "pause: 1 of 2 servers were not queued")) << r;
    EXPECT_EQ(emu.request_count("POST", "/servers/pause"), 1u);
    EXPECT_EQ(emu.clc().server_state("WA1ALIASWB02")->power_state, serverops::clc::power_state::started);

    // An unknown server: its state cannot be read (404), so it is sent and the API answers for it.
    auto unknown = run_cli({"clc", "pause", "WA1ALIASXX99"}, clc_env());
    EXPECT_EQ(unknown.exit_code, 1) << unknown;
    EXPECT_TRUE(unknown.out.starts_with("WA1ALIASXX99: not queued - ")) << unknown;
    EXPECT_EQ(emu.request_count("POST", "/servers/pause"), 2u);
}

TEST_F(cli, a_read_that_fails_for_another_reason_ends_the_command_before_anything_is_sent) {
    // A 5xx on every attempt of the second server's read: nothing is sent, not even for the first server.
    emu.inject(testing_ns::fault::server_error().only_method(serverops::verb::get).only_path("/WA1ALIASWB02"), 3);
    for (auto extra : {std::vector<std::string>{}, std::vector<std::string>{"--json"}}) {
        auto r = run_cli(args({"clc", "shut-down", "WA1ALIASWB01", "WA1ALIASWB02"}, extra), clc_env());
        emu.clear_faults();
        EXPECT_EQ(r.exit_code, 3) << r;
        EXPECT_TRUE(r.out.empty()) << r;  // nothing may have executed: no document
        EXPECT_EQ(r.err_lines().size(), 1u) << r;
        EXPECT_TRUE(contains(r.err, "clc.getServer: server error (HTTP 500)")) << r;
        emu.inject(testing_ns::fault::server_error().only_method(serverops::verb::get).only_path("/WA1ALIASWB02"), 3);
    }
    EXPECT_EQ(emu.request_count("POST", "/servers/"), 0u);  // the logins only
}

TEST_F(cli, alien4cloud_enable_and_disable_are_desired_states) {
    auto env = a4c_env();
    for (bool enable : {true, false}) {
        const std::string action = enable ? "enable" : "disable";
        const std::string method = enable ? "POST" : "DELETE";
        auto first = run_cli({"alien4cloud", "maintenance", action}, env);
        EXPECT_EQ(first.exit_code, 0) << first;
        EXPECT_EQ(first.out, enable ? "maintenance enabled\n" : "maintenance disabled\n") << first;
        EXPECT_EQ(emu.a4c().maintenance_enabled(), enable);
        EXPECT_EQ(emu.request_count(method, "/maintenance"), 1u);

        auto second = run_cli({"alien4cloud", "maintenance", action}, env);
        EXPECT_EQ(second.exit_code, 0) << second;
        EXPECT_EQ(second.out, enable ? "maintenance: unchanged (already on)\n" : "maintenance: unchanged (already off)\n")
            << second;
        auto second_json = run_cli({"a4c", "maintenance", action, "--json"}, env);
        EXPECT_EQ(second_json.exit_code, 0) << second_json;
        std::string expected = "{\"operation\":\"";
        expected += enable ? "enableMaintenance" : "disableMaintenance";
        expected += "\",\"succeeded\":true,\"outcome\":\"unchanged\"}\n";
        EXPECT_EQ(second_json.out, expected) << second_json;
        EXPECT_EQ(emu.request_count(method, "/maintenance"), 1u);  // no second change

        auto forced = run_cli({"alien4cloud", "maintenance", action, "--force"}, env);
        EXPECT_EQ(forced.exit_code, 1) << forced;  // sent: the API refuses (409 already on / 404 not on)
        EXPECT_EQ(emu.request_count(method, "/maintenance"), 2u);
    }
}

TEST_F(cli, ucs_mode_set_is_a_desired_state) {
    auto env = ucs_env();
    for (auto extra : {std::vector<std::string>{}, std::vector<std::string>{"--json"}, fast_wait}) {
        auto r = run_cli(args({"ucs", "mode", "set", "production"}, extra), env);  // production already
        EXPECT_EQ(r.exit_code, 0) << r;
        if (extra.size() == 1) {
            const auto doc = r.doc();
            EXPECT_EQ(str(doc, "outcome"), "unchanged") << r;
            EXPECT_EQ(str(doc, "mode"), "production") << r;
            EXPECT_EQ(str(doc.at("status"), "mode"), "production") << r;
        } else {
            EXPECT_EQ(r.out, "mode: unchanged (already production)\n") << r;
        }
    }
    EXPECT_EQ(emu.request_count("POST", "/server/mode"), 0u);

    auto changed = run_cli(args({"ucs", "mode", "set", "maintenance", "--json"}, fast_wait), env);
    EXPECT_EQ(changed.exit_code, 0) << changed;
    EXPECT_EQ(str(changed.doc(), "outcome"), "changed") << changed;
    EXPECT_EQ(emu.request_count("POST", "/server/mode"), 1u);
    emu.advance(1s);

    auto forced = run_cli({"ucs", "mode", "set", "maintenance", "--force", "--json"}, env);
    EXPECT_EQ(forced.exit_code, 0) << forced;
    EXPECT_FALSE(forced.doc().as_object().contains("outcome")) << forced;
    EXPECT_EQ(emu.request_count("POST", "/server/mode"), 2u);
}

TEST_F(cli, force_applies_only_to_state_commands) {
    for (auto argv : {std::vector<std::string>{"clc", "reboot", "WA1ALIASWB01", "--force"},
                      std::vector<std::string>{"clc", "status", "wa1-1", "--force"},
                      std::vector<std::string>{"alien4cloud", "maintenance", "status", "--force"},
                      std::vector<std::string>{"ucs", "mode", "get", "--force"}}) {
        auto env = argv[0] == "clc" ? clc_env() : argv[0] == "ucs" ? ucs_env() : a4c_env();
        auto r = run_cli(argv, env);
        EXPECT_EQ(r.exit_code, 2) << shown(argv) << ": " << r;
        EXPECT_TRUE(contains(r.err, "option --force does not apply here")) << r;
    }
    EXPECT_EQ(emu.request_count(), 0u);
}

// ------------------------------------------------------------------------------------------------ plan

/// A plan file across the three systems of the emulator, with its journal and audit paths, in a directory removed
/// when the test ends.
class plan_files {
public:
    explicit plan_files(const std::string& text) {
        std::string tmpl = (std::getenv("TMPDIR") ? std::string(std::getenv("TMPDIR")) : std::string("/tmp")) +
                           "/serverops-plan-cli-XXXXXX";
        if (::mkdtemp(tmpl.data())) dir_ = tmpl;
        std::ofstream(plan()) << text;
    }
    ~plan_files() {
        for (auto p : {plan(), journal(), audit()}) ::unlink(p.c_str());
        ::rmdir(dir_.c_str());
    }
    std::string plan() const { return dir_ + "/window.json"; }
    std::string journal() const { return dir_ + "/window.journal.jsonl"; }  // the default beside the plan
    std::string audit() const { return dir_ + "/audit.jsonl"; }

    /// Every line of a JSON-lines file, parsed (a line that is not JSON fails the test).
    static std::vector<json::object> lines(const std::string& path) {
        std::ifstream in(path);
        std::vector<json::object> out;
        for (std::string line; std::getline(in, line);) {
            boost::system::error_code ec;
            auto v = json::parse(line, ec);
            EXPECT_FALSE(ec) << path << ": " << line;
            EXPECT_TRUE(terminal_safe(line));
            if (!ec && v.is_object()) out.push_back(v.as_object());
        }
        return out;
    }

private:
    std::string dir_;
};

class cli_plan : public cli {
protected:
    void SetUp() override {
        cli::SetUp();
        // WB06 is in maintenance already: the plan must report it unchanged and never touch it.
        emu.clc().add_server("WA1ALIASWB06", serverops::clc::power_state::started, true);
    }

    std::string window(const std::string& web_max_unavailable = "2") const {
        return R"({"name":"window","reason":"CHG-4711 storage firmware","systems":{)"
               R"("alien4cloud":{"base_url":")" + emu.a4c_base_url() + R"("},)"
               R"("ucs":{"base_url":")" + emu.ucs_base_url() + R"("},)"
               R"("clc":{"base_url":")" + emu.clc_base_url() + R"("}},"steps":[)"
               R"({"id":"a4c","system":"alien4cloud","action":"maintenance","state":"on","message":"storage upgrade"},)"
               R"({"id":"ucs","system":"ucs","action":"mode","mode":"maintenance"},)"
               R"({"id":"web","system":"clc","action":"maintenance","state":"on","max_unavailable":)" +
               web_max_unavailable +
               R"(,"servers":["WA1ALIASWB01","WA1ALIASWB02","WA1ALIASWB06","WA1ALIASWB03"]}]})";
    }

    env_map plan_env() const {
        env_map e = clc_env();
        e.merge(a4c_env());
        e.merge(ucs_env());
        e["USER"] = "tester";
        return e;
    }

    std::vector<std::string> plan_args(std::string action, const plan_files& f,
                                       std::vector<std::string> more = {}) const {
        std::vector<std::string> v = {"plan", std::move(action), f.plan(), "--audit", f.audit(), "--poll-interval",
                                      "0.05", "--timeout", "10"};
        v.insert(v.end(), more.begin(), more.end());
        return v;
    }

    bool in_maintenance(const char* id) { return emu.clc().server_state(id)->in_maintenance_mode; }
    std::size_t state_changes() const {
        return emu.request_count("POST", "/operations/") + emu.request_count("POST", "/server/mode") +
               emu.request_count("POST", "/maintenance") + emu.request_count("PUT", "") +
               emu.request_count("DELETE", "");
    }
    env_map redfish_plan_env() const {
        env_map e = plan_env();
        e["REDFISH_USERNAME"] = "admin";
        e["REDFISH_PASSWORD"] = std::string(redfish_password);
        return e;
    }

    /// Waits (at most 10 s) until the emulator has received `n` requests `method` whose target contains `path`.
    bool received(std::string_view method, std::string_view path, std::size_t n) const {
        const auto deadline = std::chrono::steady_clock::now() + 10s;
        while (emu.request_count(method, path) < n) {
            if (std::chrono::steady_clock::now() >= deadline) return false;
            std::this_thread::sleep_for(10ms);
        }
        return true;
    }

    /// The `sent` audit lines of a step, as "ACTION TARGET", in the order written.
    static std::vector<std::string> sent_lines(const plan_files& f, std::string_view step) {
        std::vector<std::string> out;
        for (auto& l : plan_files::lines(f.audit()))
            if (str(l, "step") == step && str(l, "result") == "sent")
                out.push_back(str(l, "action") + " " + str(l, "target"));
        return out;
    }

    static constexpr std::string_view redfish_password = "redfish-demo";

    /// Turns a Redfish system Off through a plan of its own (the module's set_power_state does not outlast the next
    /// request: it settles back to the last reset's final state). Its reset is counted by the module.
    void redfish_off(const std::string& id) {
        plan_files off(R"({"name":"off","steps":[{"id":"off","system":"redfish","action":"power",)"
                       R"("operation":"ForceOff","systems":[")" + id + R"("]}]})");
        auto env = redfish_plan_env();
        env["REDFISH_BASE_URL"] = emu.redfish_base_url();
        auto r = run_cli(plan_args("apply", off), env);
        ASSERT_EQ(r.exit_code, 0) << r;
        ASSERT_EQ(emu.redfish().power_state(id), testing_ns::redfish_power::off);
    }

    void expect_prior_state() {
        for (auto id : {"WA1ALIASWB01", "WA1ALIASWB02", "WA1ALIASWB03"}) EXPECT_FALSE(in_maintenance(id)) << id;
        EXPECT_TRUE(in_maintenance("WA1ALIASWB06")) << "unchanged targets are never touched";
        EXPECT_FALSE(emu.a4c().maintenance_enabled());
        EXPECT_EQ(emu.ucs().mode(), testing_ns::ucs_mode::production);
    }
};

TEST_F(cli_plan, check_apply_revert_across_three_systems_in_batches_with_an_audit_and_no_secret) {
    plan_files f(window());
    const auto env = plan_env();

    auto check = run_cli({"plan", "check", f.plan()}, env);
    ASSERT_EQ(check.exit_code, 0) << check;
    EXPECT_TRUE(contains(check.out, "WA1ALIASWB01: would change off -> on")) << check;
    EXPECT_TRUE(contains(check.out, "WA1ALIASWB06: unchanged (already on)")) << check;
    EXPECT_TRUE(contains(check.out, R"(POST /v2/operations/ALIAS/servers/startMaintenance ["WA1ALIASWB01","WA1ALIASWB02"])"))
        << check;
    EXPECT_TRUE(contains(check.out, "POST /server/mode")) << check;
    EXPECT_EQ(state_changes(), 0u) << "check sends nothing that changes state";
    EXPECT_NE(::access(f.journal().c_str(), F_OK), 0) << "check writes no journal";
    auto check_json = run_cli({"plan", "check", f.plan(), "--json"}, env);
    ASSERT_TRUE(json_document(check_json.out)) << check_json;
    EXPECT_EQ(check_json.doc().at("steps").at(2).at("requests").as_array().size(), 2u) << "two batches";

    auto apply = run_cli(plan_args("apply", f, {"--json"}), env);
    ASSERT_EQ(apply.exit_code, 0) << apply;
    ASSERT_TRUE(json_document(apply.out)) << apply;
    for (auto id : {"WA1ALIASWB01", "WA1ALIASWB02", "WA1ALIASWB03", "WA1ALIASWB06"}) EXPECT_TRUE(in_maintenance(id));
    EXPECT_TRUE(emu.a4c().maintenance_enabled());
    EXPECT_EQ(emu.ucs().mode(), testing_ns::ucs_mode::maintenance);
    EXPECT_EQ(emu.request_count("POST", "/startMaintenance"), 2u) << "one POST per batch, WB06 never sent";
    EXPECT_EQ(emu.request_count("PUT", "/maintenance"), 1u) << "the message is its own update";
    // Progress on stderr, a line per request and per wait, in order.
    const auto sending = apply.err.find("plan: step web: sending on to WA1ALIASWB01, WA1ALIASWB02\n");
    const auto waiting = apply.err.find("plan: step web: waiting for WA1ALIASWB01, WA1ALIASWB02 to be on\n");
    EXPECT_NE(sending, std::string::npos) << apply;
    EXPECT_NE(waiting, std::string::npos) << apply;
    EXPECT_LT(sending, waiting) << apply;

    // Batching order: the first batch is confirmed (its job done) before the second batch's intent.
    std::vector<std::string> web;
    for (auto& r : plan_files::lines(f.journal()))
        if (r.contains("step") && r.at("step") == "web" && r.contains("batch"))
            web.push_back(std::string(r.at("type").as_string()) + std::to_string(r.at("batch").to_number<int>()));
    const std::vector<std::string> order = {"intent0", "outcome0", "confirmed0", "intent1", "outcome1", "confirmed1"};
    EXPECT_EQ(web, order);

    auto audit = plan_files::lines(f.audit());
    EXPECT_FALSE(audit.empty());
    for (auto& l : audit) {
        for (auto k : {"time", "operator", "reason", "plan", "step", "system", "target", "action", "result"})
            EXPECT_TRUE(l.contains(k)) << k << " in " << json::serialize(l);
        EXPECT_EQ(l.at("operator"), "tester");
        EXPECT_FALSE(contains(json::serialize(l), clc_password)) << json::serialize(l);
        EXPECT_FALSE(contains(json::serialize(l), "admin\"")) << json::serialize(l);
    }
    EXPECT_FALSE(contains(check.out + apply.out, clc_password));

    auto status = run_cli({"plan", "status", f.plan(), "--json"}, env);
    EXPECT_EQ(status.exit_code, 0) << status;
    EXPECT_EQ(str(status.doc(), "result"), "done") << status;

    const auto changes = state_changes();
    auto again = run_cli(plan_args("apply", f), env);
    EXPECT_EQ(again.exit_code, 0) << again;
    EXPECT_EQ(state_changes(), changes) << "a second apply finds every target unchanged and sends nothing";

    auto revert = run_cli(plan_args("revert", f), env);
    ASSERT_EQ(revert.exit_code, 0) << revert;
    expect_prior_state();
}

TEST_F(cli_plan, a_failure_mid_plan_exits_1_with_the_document_and_revert_undoes_what_was_done) {
    plan_files f(window());
    const auto env = plan_env();
    emu.clc().fail_jobs_for("WA1ALIASWB03");  // the second batch's job fails
    auto apply = run_cli(plan_args("apply", f, {"--json"}), env);
    ASSERT_EQ(apply.exit_code, 1) << apply;
    ASSERT_TRUE(json_document(apply.out)) << "--json prints its document on exit 1 too: " << apply;
    EXPECT_EQ(str(apply.doc(), "result"), "failed") << apply;
    EXPECT_TRUE(contains(apply.err, "revert")) << "the message says how to undo: " << apply;
    EXPECT_TRUE(in_maintenance("WA1ALIASWB01"));
    EXPECT_TRUE(emu.a4c().maintenance_enabled());

    emu.clc().clear_job_faults();
    auto revert = run_cli(plan_args("revert", f), env);
    ASSERT_EQ(revert.exit_code, 0) << revert;
    expect_prior_state();
}

TEST_F(cli_plan, kill_9_during_a_wait_then_resume_completes_without_a_second_post) {
    plan_files f(window());
    const auto env = plan_env();
    emu.clc().hang_jobs_for("WA1ALIASWB01");  // the first batch's job runs until released
    {
        child c(plan_args("apply", f), env);
        ASSERT_TRUE(c.started());
        const auto deadline = std::chrono::steady_clock::now() + 10s;
        bool waiting = false;  // the batch's answer (its job id) is journaled: the CLI is in the wait
        while (!waiting && std::chrono::steady_clock::now() < deadline) {
            std::ifstream in(f.journal());  // being written: look for the whole line, parse nothing
            for (std::string line; std::getline(in, line);)
                waiting = waiting || (contains(line, R"("type":"outcome")") && contains(line, R"("step":"web")"));
            if (!waiting) std::this_thread::sleep_for(20ms);
        }
        ASSERT_TRUE(waiting) << "the apply never reached the wait";
        c.signal(SIGKILL);
        EXPECT_EQ(c.finish().exit_code, 128 + SIGKILL);
    }
    ASSERT_EQ(emu.request_count("POST", "/startMaintenance"), 1u);
    emu.clc().clear_job_faults();

    auto again = run_cli(plan_args("apply", f), env);
    EXPECT_EQ(again.exit_code, 2) << "an unfinished run is resumed or reverted: " << again;
    EXPECT_TRUE(contains(again.err, "resume")) << again;

    auto resume = run_cli(plan_args("resume", f), env);
    ASSERT_EQ(resume.exit_code, 0) << resume;
    EXPECT_EQ(emu.request_count("POST", "/startMaintenance"), 2u) << "the first batch was not sent again";
    EXPECT_EQ(emu.request_count("POST", "/server/mode"), 1u);
    EXPECT_EQ(emu.request_count("POST", "/maintenance"), 1u);
    for (auto id : {"WA1ALIASWB01", "WA1ALIASWB02", "WA1ALIASWB03"}) EXPECT_TRUE(in_maintenance(id)) << id;
}

TEST_F(cli_plan, an_invalid_plan_exits_2_naming_the_json_path_and_sends_nothing) {
    const std::vector<std::pair<std::string, std::string>> cases = {
        {window("0"), "$.steps[2].max_unavailable"},
        {R"({"name":"x","steps":[{"id":"a","system":"clc","action":"frobnicate","servers":["A"]}]})", "$.steps[0]"},
        {R"({"name":"x","steps":[{"id":"a","system":"clc","action":"maintenance","state":"on","servers":[]}]})",
         "$.steps[0].servers"},
        {"{", "$"},
    };
    for (auto& [text, path] : cases) {
        plan_files f(text);
        auto r = run_cli(plan_args("apply", f), plan_env());
        EXPECT_EQ(r.exit_code, 2) << text << ": " << r;
        EXPECT_TRUE(contains(r.err, path)) << text << ": " << r;
    }
    EXPECT_EQ(emu.request_count(), 0u);
}

TEST_F(cli_plan, a_redfish_step_is_applied_and_reverted_and_a_system_already_on_receives_no_reset) {
    plan_files f(R"({"name":"bmc","reason":"CHG-7","systems":{"redfish":{"base_url":")" + emu.redfish_base_url() +
                 R"("}},"steps":[{"id":"bmc-on","system":"redfish","action":"power","operation":"On",)"
                 R"("systems":["1","2"],"max_unavailable":1}]})");
    const auto env = redfish_plan_env();
    redfish_off("1");  // "2" stays On: unchanged
    ASSERT_EQ(emu.redfish().reset_requests("1"), 1u);

    auto check = run_cli({"plan", "check", f.plan()}, env);
    ASSERT_EQ(check.exit_code, 0) << check;
    EXPECT_TRUE(contains(check.out, "1: would change Off -> On")) << check;
    EXPECT_TRUE(contains(check.out, "2: unchanged (already On)")) << check;
    EXPECT_TRUE(contains(check.out, R"(POST /redfish/v1/Systems/1/Actions/ComputerSystem.Reset {"ResetType":"On"})"))
        << check;

    auto apply = run_cli(plan_args("apply", f, {"--json"}), env);
    ASSERT_EQ(apply.exit_code, 0) << apply;
    ASSERT_TRUE(json_document(apply.out)) << apply;
    const auto doc = apply.doc();
    const auto& targets = doc.at("steps").at(0).at("targets").as_array();
    ASSERT_EQ(targets.size(), 2u) << apply;
    EXPECT_EQ(str(targets.at(0), "result"), "changed") << apply;
    EXPECT_EQ(str(targets.at(0), "from"), "Off") << apply;
    EXPECT_EQ(str(targets.at(1), "result"), "unchanged") << apply;
    EXPECT_EQ(emu.redfish().power_state("1"), testing_ns::redfish_power::on) << "confirmed only once On";
    EXPECT_EQ(emu.redfish().reset_requests("1"), 2u);
    EXPECT_EQ(emu.redfish().reset_requests("2"), 0u) << "a system already On receives no reset";

    auto revert = run_cli(plan_args("revert", f), env);
    ASSERT_EQ(revert.exit_code, 0) << revert;
    EXPECT_EQ(emu.redfish().power_state("1"), testing_ns::redfish_power::off) << "the prior PowerState is restored";
    EXPECT_EQ(emu.redfish().accepted_resets("1"), (std::vector<std::string>{"ForceOff", "On", "GracefulShutdown"}));
    EXPECT_EQ(emu.redfish().reset_requests("2"), 0u) << "unchanged systems are left as they are";
    EXPECT_EQ(emu.redfish().power_state("2"), testing_ns::redfish_power::on);
    EXPECT_EQ(emu.redfish().active_sessions(), 0u) << "every session the CLI opened was deleted";
    for (auto& l : plan_files::lines(f.audit())) EXPECT_EQ(l.at("system"), "redfish");
    std::ifstream audit(f.audit());
    const std::string audit_text((std::istreambuf_iterator<char>(audit)), std::istreambuf_iterator<char>());
    EXPECT_FALSE(contains(check.out + check.err + apply.out + apply.err + revert.out + revert.err + audit_text,
                          redfish_password));
}

TEST_F(cli_plan, within_maintenance_each_batch_enters_operates_and_leaves_before_the_next_batch_starts) {
    for (auto id : {"WA1ALIASDB01", "WA1ALIASDB02"}) emu.clc().add_server(id, serverops::clc::power_state::started);
    plan_files f(R"({"name":"db","reason":"CHG-8","systems":{"clc":{"base_url":")" + emu.clc_base_url() +
                 R"("}},"steps":[{"id":"db","system":"clc","action":"power","operation":"reboot",)"
                 R"("servers":["WA1ALIASDB01","WA1ALIASDB02"],"max_unavailable":1,"within_maintenance":true}]})");
    const auto env = plan_env();
    emu.clc().hang_jobs_for("WA1ALIASDB02");  // the second batch stops at its first job
    child c(plan_args("apply", f), env);
    ASSERT_TRUE(c.started());
    // When the second batch's first POST arrives, the first batch is done on the server: its three jobs ran.
    ASSERT_TRUE(received("POST", "/startMaintenance", 2));
    EXPECT_EQ(emu.request_count("POST", "/reboot"), 1u);
    EXPECT_EQ(emu.request_count("POST", "/stopMaintenance"), 1u);
    EXPECT_FALSE(in_maintenance("WA1ALIASDB01")) << "batch 1 left maintenance before batch 2 started";
    EXPECT_FALSE(in_maintenance("WA1ALIASDB02")) << "its job has not run";
    emu.clc().clear_job_faults();
    const auto done = c.finish();
    ASSERT_EQ(done.exit_code, 0) << done;
    EXPECT_EQ(emu.request_count("POST", "/startMaintenance"), 2u);
    EXPECT_EQ(emu.request_count("POST", "/reboot"), 2u);
    EXPECT_EQ(emu.request_count("POST", "/stopMaintenance"), 2u);
    for (auto id : {"WA1ALIASDB01", "WA1ALIASDB02"}) EXPECT_FALSE(in_maintenance(id)) << id;
    EXPECT_EQ(sent_lines(f, "db"),
              (std::vector<std::string>{"maintenance on WA1ALIASDB01", "power reboot WA1ALIASDB01",
                                        "maintenance off WA1ALIASDB01", "maintenance on WA1ALIASDB02",
                                        "power reboot WA1ALIASDB02", "maintenance off WA1ALIASDB02"}));
}

TEST_F(cli_plan, each_batch_job_is_done_on_the_server_before_the_next_batch_is_posted) {
    plan_files f(window());  // web: WB01+WB02, then WB03 (WB06 unchanged, dropped before cutting the batches)
    const auto env = plan_env();
    emu.clc().hang_jobs_for("WA1ALIASWB03");
    child c(plan_args("apply", f), env);
    ASSERT_TRUE(c.started());
    ASSERT_TRUE(received("POST", "/startMaintenance", 2));
    for (auto id : {"WA1ALIASWB01", "WA1ALIASWB02"})
        EXPECT_TRUE(in_maintenance(id)) << id << ": the first batch's job had succeeded before the second POST";
    EXPECT_FALSE(in_maintenance("WA1ALIASWB03"));
    emu.clc().clear_job_faults();
    const auto done = c.finish();
    ASSERT_EQ(done.exit_code, 0) << done;
    EXPECT_EQ(emu.request_count("POST", "/startMaintenance"), 2u);
    EXPECT_EQ(sent_lines(f, "web"), (std::vector<std::string>{"maintenance on WA1ALIASWB01",
                                                              "maintenance on WA1ALIASWB02",
                                                              "maintenance on WA1ALIASWB03"}));
}

TEST_F(cli_plan, check_across_all_four_systems_sends_no_state_changing_request) {
    for (auto id : {"WA1ALIASDB01", "WA1ALIASDB02"}) emu.clc().add_server(id, serverops::clc::power_state::started);
    std::string text = window();
    text.resize(text.size() - 2);  // reopen the steps array: add a CLC power step and two Redfish steps
    text += R"(,{"id":"db","system":"clc","action":"power","operation":"reboot","servers":["WA1ALIASDB01","WA1ALIASDB02"],)"
            R"("max_unavailable":1,"within_maintenance":true},)"
            R"({"id":"bmc-on","system":"redfish","action":"power","operation":"On","systems":["1","2"]},)"
            R"({"id":"bmc-restart","system":"redfish","action":"power","operation":"ForceRestart","systems":["2"]}]})";
    plan_files f(text);
    redfish_off("2");
    const auto resets = emu.request_count("POST", "/Actions/");
    auto env = redfish_plan_env();
    env["REDFISH_BASE_URL"] = emu.redfish_base_url();  // the plan leaves the Redfish URL to the environment

    auto check = run_cli({"plan", "check", f.plan()}, env);
    ASSERT_EQ(check.exit_code, 0) << check;
    EXPECT_TRUE(contains(check.out, "1: unchanged (already On)")) << check;
    EXPECT_TRUE(contains(check.out, "2: would change Off -> On")) << check;
    EXPECT_TRUE(contains(check.out, "2: not reversible (ForceRestart)")) << check;
    EXPECT_TRUE(contains(check.out, "WA1ALIASDB01: not reversible (reboot)")) << check;
    EXPECT_TRUE(contains(check.out, R"({"ResetType":"ForceRestart"})")) << check;
    EXPECT_EQ(state_changes() - emu.request_count("DELETE", ""), 0u) << "no CLC, Alien4Cloud or UCS change";
    EXPECT_EQ(emu.request_count("DELETE", ""), emu.request_count("DELETE", "/redfish/v1/SessionService/Sessions/"))
        << "the only DELETEs are the Redfish sessions' logouts";
    EXPECT_EQ(emu.request_count("POST", "/Actions/"), resets) << "no Redfish reset";
    EXPECT_EQ(emu.redfish().reset_requests("1"), 0u);
    EXPECT_EQ(emu.redfish().reset_requests("2"), 1u) << "only the ForceOff that set the test up";
    EXPECT_EQ(emu.redfish().power_state("2"), testing_ns::redfish_power::off);
    EXPECT_FALSE(emu.a4c().maintenance_enabled());
    EXPECT_EQ(emu.ucs().mode(), testing_ns::ucs_mode::production);
    EXPECT_NE(::access(f.journal().c_str(), F_OK), 0) << "check writes no journal";
    EXPECT_NE(::access(f.audit().c_str(), F_OK), 0) << "nor an audit line";
}

TEST_F(cli_plan, a_torn_last_journal_line_is_ignored_and_reported_by_status_and_resume) {
    plan_files f(window());
    const auto env = plan_env();
    auto apply = run_cli(plan_args("apply", f), env);
    ASSERT_EQ(apply.exit_code, 0) << apply;
    const auto records = plan_files::lines(f.journal()).size();
    std::string text;
    {
        std::ifstream in(f.journal());
        text.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    }
    ASSERT_GT(text.size(), 2u);
    const auto last_start = text.rfind('\n', text.size() - 2) + 1;
    const auto torn_size = last_start + (text.size() - last_start) / 2;  // a crash in the middle of the last write
    ASSERT_EQ(::truncate(f.journal().c_str(), static_cast<off_t>(torn_size)), 0);
    const auto changes = state_changes();

    auto status = run_cli({"plan", "status", f.plan(), "--json"}, env);
    ASSERT_EQ(status.exit_code, 0) << status;
    ASSERT_TRUE(json_document(status.out)) << status;
    EXPECT_EQ(str(status.doc(), "result"), "open") << "the lost run_end leaves the run open: " << status;
    EXPECT_TRUE(contains(str(status.doc(), "journal_note"), "incomplete: ignored")) << status;
    EXPECT_TRUE(contains(status.err, "journal: ")) << status;

    auto resume = run_cli(plan_args("resume", f), env);
    ASSERT_EQ(resume.exit_code, 0) << resume;
    EXPECT_TRUE(contains(resume.err, "incomplete: ignored")) << "resume reports the torn line: " << resume;
    EXPECT_EQ(state_changes(), changes) << "everything was confirmed before the tear: nothing is sent again";
    // The torn bytes were cut before the next append: every line is JSON again, and the run has ended.
    EXPECT_GE(plan_files::lines(f.journal()).size(), records);
    auto after = run_cli({"plan", "status", f.plan(), "--json"}, env);
    ASSERT_TRUE(json_document(after.out)) << after;
    EXPECT_EQ(str(after.doc(), "result"), "done") << after;
    EXPECT_FALSE(after.doc().as_object().contains("journal_note")) << after;
}

}  // namespace

// ------------------------------------------------------------------------------------------------ realistic emulator

namespace {

TEST(cli_emulator, timing_fault_and_seed_values_are_usage_errors_naming_the_item) {
    const std::vector<std::vector<std::string>> cases = {
        {"--job-duration", "-1"},         {"--job-duration", "30:40"},       {"--job-duration", "nan"},
        {"--job-duration", ""},           {"--job-duration", "1e3"},         {"--job-duration", "86401"},
        {"--switch-window", "5:1"},       {"--switch-window", "inf"},        {"--switch-window", "0x10"},
        {"--power-transition", "-0.1"},   {"--power-transition", "1:1"},     {"--power-transition", "1e2"},
        {"--faults", ""},                 {"--faults", "teapot=once"},       {"--faults", "500=2"},
        {"--faults", "500=once,,429=0.1"}, {"--faults", "500=once\x1b[2J"},  {"--faults", "500=once,500=0.5"},
        {"--faults", "500=once:colour=red"}, {"--faults", "latency=9999999999999999999ms"},
        {"--seed", "-1"},                 {"--seed", "18446744073709551616"}, {"--seed", "seven"},
    };
    for (auto& c : cases) {
        auto r = run_cli(args({"emulator"}, c));
        std::string shown = c[0] + " " + ::testing::PrintToString(c[1]);
        EXPECT_EQ(r.exit_code, 2) << shown << ": " << r;
        EXPECT_TRUE(r.out.empty()) << shown << ": the emulator started: " << r;
        EXPECT_EQ(r.err_lines().size(), 1u) << shown << ": " << r;
        EXPECT_TRUE(contains(r.err, "emulator: " + c[0] + ": '")) << shown << ": " << r;
        EXPECT_TRUE(serverops::testing::hostile::is_safe_for_a_terminal(r.err.substr(0, r.err.size() - 1))) << r;
    }
}

TEST(cli_emulator, the_run_line_shows_the_settings_to_replay_it) {
    with_cli_emulator({"--job-duration", "1.5:0.5", "--switch-window", "1", "--power-transition", "2.25", "--faults",
                       "500=once:path=/status/:method=GET,latency=10ms..50ms", "--seed", "16"},
                      [](const std::string& banner) {
        EXPECT_TRUE(contains(banner, "Run:  jobs 1.5s (+/- 0.5s), UCS switch window 1s, Redfish power transition 2.25s, "
                                     "faults 500=once:path=/status/:method=GET,latency=10ms..50ms, seed 16\n"))
            << banner;
        auto u = run_cli({"ucs", "mode", "set", "maintenance", "--json"}, {{"UCS_BASE_URL", word_after(banner, "UCS_BASE_URL=")}});
        EXPECT_EQ(u.exit_code, 0) << u;
        auto during = run_cli({"ucs", "mode", "get", "--request-timeout", "0.3"}, {{"UCS_BASE_URL", word_after(banner, "UCS_BASE_URL=")}});
        EXPECT_EQ(during.exit_code, 3) << "the 1 s switching window answers 503: " << during;
    });
    with_cli_emulator({}, [](const std::string& banner) {
        EXPECT_TRUE(contains(banner, "Run:  jobs 0.15s, UCS switch window 0.2s, Redfish power transition 0.1s, "
                                     "faults none, seed "))
            << banner;
    });
}

/// The realistic profile of the README, shortened: jobs of 1 to 2 s with jitter, a transient 500 on the first job
/// poll, latency on every answer. The waits ride out the 500, progress shows the phases, deadlines hold.
TEST(cli_emulator, a_realistic_profile_rides_out_a_transient_500_with_progress_and_deadlines) {
    testing_ns::full_emulator::options o;
    o.clc.set_job_duration(testing_ns::parse_emulated_duration("1.5:0.5").value());
    o.faults = testing_ns::parse_fault_profile("500=once:path=/status/:method=GET,latency=10ms..50ms").value();
    o.seed = 16;
    testing_ns::full_emulator emu(o);
    ASSERT_TRUE(emu.start());
    const env_map env{{"CLC_BASE_URL", emu.clc_base_url()}, {"CLC_USERNAME", "user"}, {"CLC_PASSWORD", "password"}};

    const auto begin = std::chrono::steady_clock::now();
    auto r = run_cli({"clc", "start-maintenance", "WA1ALIASWB01", "WA1ALIASWB02", "--wait", "--poll-interval", "0.25",
                      "--timeout", "8"},
                     env);
    const auto took = std::chrono::steady_clock::now() - begin;
    EXPECT_EQ(r.exit_code, 0) << r;
    EXPECT_EQ(emu.pending_faults(), 0u) << "the first job poll got its 500";
    EXPECT_GE(took, 1s) << "a job takes 1 to 2 s";
    EXPECT_LT(took, 6s);
    EXPECT_TRUE(contains(r.out, "WA1ALIASWB01: succeeded (job wa1-")) << r;
    EXPECT_TRUE(contains(r.out, "WA1ALIASWB02: succeeded (job wa1-")) << r;
    EXPECT_TRUE(contains(r.err, "waiting for startMaintenance: 0/2 servers done")) << r;
    EXPECT_TRUE(contains(r.err, "waiting for startMaintenance: 2/2 servers done, 2 succeeded")) << r;
    EXPECT_TRUE(contains(r.err, "notStarted") || contains(r.err, "executing")) << "the phases were seen: " << r;
    EXPECT_GE(emu.request_count("GET", "/status/"), 3u) << "polled until done";

    // A deadline shorter than the job: the wait ends on time with the last known state.
    const auto deadline_begin = std::chrono::steady_clock::now();
    auto late = run_cli({"clc", "reboot", "WA1ALIASWB03", "--json", "--wait", "--timeout", "0.5", "--poll-interval", "0.1"},
                        env);
    EXPECT_LT(std::chrono::steady_clock::now() - deadline_begin, 3s);
    EXPECT_EQ(late.exit_code, 1) << late;
    const auto doc = late.doc();
    ASSERT_TRUE(doc.is_object()) << late;
    const auto status = str(doc.at("results").as_array().at(0), "status");
    EXPECT_TRUE(status == "notStarted" || status == "executing") << late;
    EXPECT_TRUE(contains(str(doc.at("results").as_array().at(0), "error"), "deadline exceeded")) << late;
}

// ------------------------------------------------------------------------------------------------ Redfish

constexpr std::string_view redfish_password = "redfish-demo";  // the emulator's demo credentials

env_map redfish_env(const testing_ns::full_emulator& e, std::string password = std::string(redfish_password)) {
    return {{"REDFISH_BASE_URL", e.redfish_base_url()}, {"REDFISH_USERNAME", "admin"}, {"REDFISH_PASSWORD", password}};
}

/// Every line of both streams holds neither the password nor a session token the emulator handed out.
::testing::AssertionResult no_redfish_secret(const run_result& r) {
    for (const std::string& text : {r.out, r.err})
        if (contains(text, redfish_password) || contains(text, "X-Auth-Token") || contains(text, "Basic "))
            return ::testing::AssertionFailure() << "a secret reached the output:\n" << r;
    return ::testing::AssertionSuccess();
}

TEST_F(cli, redfish_systems_and_one_system) {
    const auto env = redfish_env(emu);
    auto list = run_cli({"redfish", "systems"}, env);
    EXPECT_EQ(list.exit_code, 0) << list;
    EXPECT_EQ(list.out_lines(), (std::vector<std::string>{"1", "2"})) << list;
    auto list_json = run_cli({"redfish", "systems", "--json"}, env);
    ASSERT_TRUE(json_document(list_json.out)) << list_json;
    EXPECT_EQ(str(list_json.doc().at("systems").as_array().at(1), "uri"), "/redfish/v1/Systems/2") << list_json;

    auto one = run_cli({"redfish", "system", "1"}, env);
    EXPECT_EQ(one.exit_code, 0) << one;
    EXPECT_TRUE(one.out.starts_with("1: On (Emulated Server)\n  reset types: On ForceOff")) << one;
    emu.redfish().set_power_state("2", testing_ns::redfish_power::off);
    auto two = run_cli({"redfish", "system", "2", "--json"}, env);
    EXPECT_EQ(two.exit_code, 0) << two;
    EXPECT_EQ(str(two.doc(), "id"), "2") << two;
    EXPECT_EQ(str(two.doc(), "power_state"), "Off") << two;
    EXPECT_EQ(str(two.doc(), "reset_action_info"), "/redfish/v1/Systems/2/ResetActionInfo") << two;

    auto missing = run_cli({"redfish", "system", "nope"}, env);
    EXPECT_EQ(missing.exit_code, 1) << missing;  // the service answered: not found
    EXPECT_TRUE(contains(missing.err, "Base.1.13.ResourceMissingAtURI")) << missing;
    for (auto* r : {&list, &list_json, &one, &two, &missing}) EXPECT_TRUE(no_redfish_secret(*r));
    EXPECT_EQ(emu.redfish().active_sessions(), 0u) << "every run deletes its session";
    EXPECT_EQ(emu.redfish().logins(), emu.redfish().logouts());
}

TEST_F(cli, redfish_power_is_a_desired_state_and_each_reset_is_sent_once) {
    const auto env = redfish_env(emu);
    // Both On: `power on` sends nothing.
    auto on = run_cli({"redfish", "power", "on", "1", "2", "--json"}, env);
    EXPECT_EQ(on.exit_code, 0) << on;
    const auto on_doc = on.doc();  // the rows below refer into it
    ASSERT_TRUE(on_doc.is_object()) << on;
    for (auto& row : on_doc.at("results").as_array()) {
        EXPECT_EQ(str(row, "outcome"), "unchanged") << on;
        EXPECT_EQ(str(row, "power_state"), "On") << on;
        EXPECT_FALSE(row.at("accepted").as_bool()) << on;
    }
    EXPECT_EQ(emu.redfish().reset_requests("1") + emu.redfish().reset_requests("2"), 0u);

    // ForceOff with --wait: system 1 answers 204 (power state polled), system 2 202 (its task monitor polled).
    auto off = run_cli(args({"redfish", "power", "force-off", "1", "2", "--json"}, fast_wait), env);
    EXPECT_EQ(off.exit_code, 0) << off;
    ASSERT_TRUE(json_document(off.out)) << off;
    const auto rows = off.doc().at("results").as_array();
    ASSERT_EQ(rows.size(), 2u) << off;
    for (auto& row : rows) {
        EXPECT_EQ(str(row, "reset_type"), "ForceOff") << off;
        EXPECT_TRUE(row.at("accepted").as_bool()) << off;
        EXPECT_EQ(str(row, "outcome"), "changed") << off;
        EXPECT_EQ(str(row, "from"), "On") << off;
        EXPECT_EQ(str(row, "power_state"), "Off") << off;
    }
    EXPECT_EQ(str(rows.at(1), "task_state"), "Completed") << off;
    EXPECT_EQ(emu.redfish().reset_requests("1"), 1u);
    EXPECT_EQ(emu.redfish().reset_requests("2"), 1u);

    // Again: unchanged, nothing sent. Then a graceful restart of both is always sent and waited until On.
    auto again = run_cli({"redfish", "power", "graceful-shutdown", "1", "2"}, env);
    EXPECT_EQ(again.exit_code, 0) << again;
    EXPECT_EQ(again.out, "1: unchanged (already Off)\n2: unchanged (already Off)\n") << again;
    auto restart = run_cli(args({"redfish", "power", "graceful-restart", "1", "2"}, fast_wait), env);
    EXPECT_EQ(restart.exit_code, 0) << restart;
    EXPECT_TRUE(contains(restart.out, "1: GracefulRestart accepted (was Off), now On - confirmed")) << restart;
    EXPECT_TRUE(contains(restart.out, "2: GracefulRestart accepted (was Off), now On - confirmed")) << restart;
    EXPECT_EQ(emu.redfish().accepted_resets("1"), (std::vector<std::string>{"ForceOff", "GracefulRestart"}));
    EXPECT_EQ(emu.redfish().accepted_resets("2"), (std::vector<std::string>{"ForceOff", "GracefulRestart"}));
    EXPECT_EQ(emu.redfish().power_state("1"), testing_ns::redfish_power::on);
    for (auto* r : {&on, &off, &again, &restart}) EXPECT_TRUE(no_redfish_secret(*r));
    EXPECT_EQ(emu.redfish().active_sessions(), 0u);
}

TEST_F(cli, redfish_power_failures_are_per_system_and_refused_types_are_never_sent) {
    const auto env = redfish_env(emu);
    // An unknown system fails alone; the known one is reset.
    auto mixed = run_cli({"redfish", "power", "force-off", "nope", "1", "--json"}, env);
    EXPECT_EQ(mixed.exit_code, 1) << mixed;
    const auto rows = mixed.doc().at("results").as_array();
    ASSERT_EQ(rows.size(), 2u) << mixed;
    EXPECT_TRUE(contains(str(rows.at(0), "error"), "not found")) << mixed;
    EXPECT_FALSE(rows.at(0).at("accepted").as_bool()) << mixed;
    EXPECT_TRUE(rows.at(1).at("accepted").as_bool()) << mixed;
    EXPECT_EQ(emu.redfish().reset_requests("1"), 1u);
}

TEST(cli_redfish, a_reset_type_the_system_does_not_allow_is_refused_before_sending) {
    // System 1 lists its allowed values beside the target, system 2 in an ActionInfo resource (OpenBMC).
    testing_ns::full_emulator::options o;
    o.redfish.systems[0].allowable = {"On", "ForceOff"};
    o.redfish.systems[1].allowable = {"On", "ForceOff"};
    testing_ns::full_emulator emu(o);
    ASSERT_TRUE(emu.start());
    for (std::string id : {"1", "2"}) {
        auto r = run_cli({"redfish", "power", "nmi", id}, redfish_env(emu));
        EXPECT_EQ(r.exit_code, 1) << r;
        EXPECT_TRUE(contains(r.out, id + ": Nmi failed")) << r;
        EXPECT_TRUE(contains(r.out, "On, ForceOff")) << "names the allowed values: " << r;
        EXPECT_EQ(emu.redfish().reset_requests(id), 0u) << r;
    }
    // --force skips the power-state comparison, never the allowed values.
    auto forced = run_cli({"redfish", "power", "force-restart", "2", "--force"}, redfish_env(emu));
    EXPECT_EQ(forced.exit_code, 1) << forced;
    EXPECT_EQ(emu.redfish().reset_requests("2"), 0u) << forced;
}

TEST_F(cli, redfish_usage_errors_exit_2_and_send_nothing) {
    const auto env = redfish_env(emu);
    const std::vector<std::vector<std::string>> cases = {
        {"redfish"},
        {"redfish", "reboot", "1"},
        {"redfish", "power"},
        {"redfish", "power", "on"},
        {"redfish", "power", "off", "1"},        // the word is force-off or graceful-shutdown
        {"redfish", "power", "on", "1", "1"},    // twice would reset it twice
        {"redfish", "power", "on", "1", ""},
        {"redfish", "power", "on", "1", "--timeout", "5"},
        {"redfish", "power", "on", "1", "--wait", "--timeout", "-1"},
        {"redfish", "system"},
        {"redfish", "system", "1", "2"},
        {"redfish", "system", "1", "--wait"},
        {"redfish", "systems", "--auth", "digest"},
        {"redfish", "systems", "--force"},
    };
    for (const auto& argv : cases) {
        auto r = run_cli(argv, env);
        EXPECT_EQ(r.exit_code, 2) << shown(argv) << r;
        EXPECT_TRUE(r.out.empty()) << r;
        EXPECT_EQ(r.err_lines().size(), 1u) << r;
    }
    auto no_credentials = run_cli({"redfish", "systems"}, {{"REDFISH_BASE_URL", emu.redfish_base_url()}});
    EXPECT_EQ(no_credentials.exit_code, 2) << no_credentials;
    EXPECT_TRUE(contains(no_credentials.err, "REDFISH_USERNAME and REDFISH_PASSWORD")) << no_credentials;
    EXPECT_EQ(emu.request_count(), 0u);
}

TEST_F(cli, redfish_wrong_password_exits_3_in_every_auth_mode_without_echoing_it) {
    const std::string wrong = "Wr0ng-Secret-42";
    for (std::string mode : {"auto", "session", "basic"}) {
        auto r = run_cli({"redfish", "power", "force-off", "1", "--auth", mode}, redfish_env(emu, wrong));
        EXPECT_EQ(r.exit_code, 3) << mode << r;
        EXPECT_TRUE(r.out.empty()) << r;
        EXPECT_TRUE(contains(r.err, "unauthorized") || contains(r.err, "401")) << r;
        EXPECT_FALSE(contains(r.out + r.err, wrong)) << r;
    }
    EXPECT_EQ(emu.redfish().reset_requests("1"), 0u);
    // Basic with the right password: no session is created.
    const auto logins = emu.redfish().logins();  // the failed session logins above
    auto basic = run_cli({"redfish", "system", "1", "--auth", "basic"}, redfish_env(emu));
    EXPECT_EQ(basic.exit_code, 0) << basic;
    EXPECT_EQ(emu.redfish().logins(), logins);
    EXPECT_TRUE(no_redfish_secret(basic));
}

TEST_F(cli, redfish_a_wait_past_its_timeout_exits_1_and_a_signal_prints_what_was_reset) {
    emu.redfish().set_transition(std::chrono::hours(2));  // PoweringOff until the clock jumps
    auto late = run_cli({"redfish", "power", "graceful-shutdown", "1", "--json", "--wait", "--timeout", "0.5",
                         "--poll-interval", "0.1"},
                        redfish_env(emu));
    EXPECT_EQ(late.exit_code, 1) << late;
    const auto row = late.doc().at("results").as_array().at(0);
    EXPECT_TRUE(row.at("accepted").as_bool()) << late;
    EXPECT_TRUE(contains(str(row, "error"), "PoweringOff")) << "names the last known state: " << late;
    EXPECT_EQ(emu.redfish().reset_requests("1"), 1u);
    emu.advance(std::chrono::hours(3));

    for (int sig : {SIGINT, SIGTERM}) {
        auto run = interrupt_wait(args({"redfish", "power", "graceful-restart", "1"}, long_wait), redfish_env(emu), sig);
        EXPECT_EQ(run.result.exit_code, 128 + sig) << run.result;
        EXPECT_LT(run.exit_took, 1s) << run.result;
        EXPECT_TRUE(run.result.out.starts_with("1: GracefulRestart accepted")) << run.result;
        EXPECT_TRUE(contains(run.result.out, "not confirmed")) << run.result;
        EXPECT_TRUE(contains(run.result.err, sig == SIGINT ? "interrupted by SIGINT" : "interrupted by SIGTERM"))
            << run.result;
        emu.advance(std::chrono::hours(3));
    }
    EXPECT_EQ(emu.redfish().reset_requests("1"), 3u) << "one reset per run, never resent";
}

TEST(cli_tls, redfish_over_tls_verifies_the_bmc) {
    testing_ns::full_emulator::options o;
    auto tls = testing_ns::make_self_signed_tls("localhost");
    ASSERT_TRUE(tls);
    o.tls = tls.value();
    testing_ns::full_emulator emu(o);
    ASSERT_TRUE(emu.start());
    ASSERT_TRUE(emu.redfish_base_url().starts_with("https://127.0.0.1:"));
    temp_file ca(o.tls->certificate_chain_pem);
    auto ok = run_cli(args({"redfish", "power", "force-off", "1", "--ca-file", ca.path()}, fast_wait), redfish_env(emu));
    EXPECT_EQ(ok.exit_code, 0) << ok;
    EXPECT_TRUE(contains(ok.out, "1: ForceOff accepted (was On), now Off - confirmed")) << ok;
    const auto before = emu.request_count();
    auto untrusted = run_cli({"redfish", "power", "on", "1"}, redfish_env(emu));
    EXPECT_EQ(untrusted.exit_code, 3) << untrusted;
    EXPECT_TRUE(contains(untrusted.err, "TLS failure")) << untrusted;
    EXPECT_EQ(emu.request_count(), before) << "no request passed an unverified handshake";
}

TEST(cli_emulator, serves_redfish_with_its_demo_credentials_and_power_transition) {
    with_cli_emulator({"--power-transition", "0.2"}, [](const std::string& banner) {
        const auto url = word_after(banner, "REDFISH_BASE_URL=");
        ASSERT_TRUE(url.starts_with("http://127.0.0.1:")) << banner;
        EXPECT_EQ(word_after(banner, "REDFISH_USERNAME="), "admin");
        EXPECT_TRUE(contains(banner, "Redfish power transition 0.2s")) << banner;
        env_map env{{"REDFISH_BASE_URL", url},
                    {"REDFISH_USERNAME", "admin"},
                    {"REDFISH_PASSWORD", word_after(banner, "REDFISH_PASSWORD=")}};
        auto r = run_cli(args({"redfish", "power", "graceful-shutdown", "1"}, fast_wait), env);
        EXPECT_EQ(r.exit_code, 0) << r;
        EXPECT_TRUE(contains(r.out, "now Off - confirmed")) << r;
    });
}

}  // namespace
