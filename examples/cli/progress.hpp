// serverops CLI: the progress of a wait, on stderr. On a terminal one status line is redrawn in place (done/total,
// elapsed time, states); otherwise a plain line is written when the states change (or every 30 s).
#ifndef SERVEROPS_CLI_PROGRESS_HPP
#define SERVEROPS_CLI_PROGRESS_HPP

#include "common.hpp"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <string_view>

namespace serverops_cli {

/// Whether stderr is an interactive terminal that understands "\r" + erase-line.
inline bool stderr_is_terminal() {
    if (::isatty(STDERR_FILENO) != 1) return false;
    const char* term = std::getenv("TERM");
    return !(term && std::string_view(term) == "dumb");
}

class progress_display {
public:
    using clock = std::chrono::steady_clock;

    /// `what`: "startMaintenance"; `unit`: "servers" or "jobs".
    progress_display(std::string what, std::string unit, std::size_t total)
        : what_(std::move(what)), unit_(std::move(unit)), total_(total), live_(stderr_is_terminal()),
          start_(clock::now()) {}
    progress_display(const progress_display&) = delete;
    progress_display& operator=(const progress_display&) = delete;
    ~progress_display() { finish(); }

    /// New counts: `done` finished out of total, and how many are in each state ("executing" -> 3).
    void update(std::size_t done, const std::map<std::string, std::size_t>& states) {
        std::string text = std::to_string(done) + "/" + std::to_string(total_) + " " + unit_ + " done";
        for (auto& [state, n] : states) text += ", " + std::to_string(n) + " " + state;
        const bool changed = text != text_;
        text_ = std::move(text);
        if (live_) return draw();
        const auto now = clock::now();
        if (changed || now - last_plain_ >= std::chrono::seconds(30)) {
            last_plain_ = now;
            write(escaped_line("waiting for " + what_ + ": " + text_ + " (" + elapsed() + ")") + "\n");
        }
    }

    /// Redraws the elapsed time (live mode only; plain lines are written by `update`).
    void tick() {
        if (live_ && !text_.empty()) draw();
    }

    /// Erases the live line so that results start on a clean line.
    void finish() {
        if (live_ && drawn_) write("\r\x1b[K");
        drawn_ = false;
    }

    bool live() const noexcept { return live_; }

private:
    std::string elapsed() const {
        const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(clock::now() - start_).count();
        char buf[32];
        std::snprintf(buf, sizeof buf, "%lld.%llds", static_cast<long long>(ms / 1000),
                      static_cast<long long>((ms % 1000) / 100));
        return buf;
    }
    void draw() {
        write("\r\x1b[K" + escaped_line(what_ + ": " + text_ + "  " + elapsed()));  // only our sequences are raw
        drawn_ = true;
    }
    static void write(const std::string& s) {
        std::fputs(s.c_str(), stderr);
        std::fflush(stderr);
    }

    std::string what_;
    std::string unit_;
    std::size_t total_;
    bool live_;
    bool drawn_ = false;
    clock::time_point start_;
    clock::time_point last_plain_{};
    std::string text_;
};

}  // namespace serverops_cli

#endif
