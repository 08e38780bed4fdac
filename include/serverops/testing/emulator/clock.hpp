// The emulator's notion of time: job phases and token expiry are read from it, so tests can jump forward
// (`advance`) instead of sleeping, or freeze time entirely (manual mode).
#ifndef SERVEROPS_TESTING_EMULATOR_CLOCK_HPP
#define SERVEROPS_TESTING_EMULATOR_CLOCK_HPP

#include <atomic>
#include <chrono>
#include <cstdint>

namespace serverops::testing {

class emulator_clock {
public:
    using clock = std::chrono::steady_clock;
    using time_point = clock::time_point;
    using duration = clock::duration;

    /// `manual`: time stands still except through `advance`. Otherwise it follows the steady clock, and
    /// `advance` still adds a jump on top of it.
    explicit emulator_clock(bool manual = false) noexcept : manual_(manual), origin_(clock::now()) {}

    bool manual() const noexcept { return manual_; }

    time_point now() const noexcept {
        const duration jumped(offset_.load(std::memory_order_acquire));
        return (manual_ ? origin_ : clock::now()) + jumped;
    }

    void advance(duration d) noexcept {
        if (d > duration::zero()) offset_.fetch_add(d.count(), std::memory_order_acq_rel);
    }

    /// How far `advance` has moved time so far (added to wall-clock timestamps the emulator prints).
    duration jumped() const noexcept { return duration(offset_.load(std::memory_order_acquire)); }

private:
    bool manual_;
    time_point origin_;
    std::atomic<duration::rep> offset_{0};
};

}  // namespace serverops::testing

#endif
