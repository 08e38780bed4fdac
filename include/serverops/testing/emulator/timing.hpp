// Emulated durations and the emulator's seeded randomness. Every timed behaviour a module emulates takes an
// `emulated_duration` (CLC: a job's duration; UCS: the switching window; a later module, e.g. a Redfish power
// transition, adds one option of this type and one CLI option parsed by `parse_emulated_duration`), and every random
// choice comes from a `random_source` derived from the emulator's one seed, so a run can be replayed.
#ifndef SERVEROPS_TESTING_EMULATOR_TIMING_HPP
#define SERVEROPS_TESTING_EMULATOR_TIMING_HPP

#include <chrono>
#include <cstdint>
#include <mutex>
#include <random>

namespace serverops::testing {

/// A duration that varies: each use draws uniformly from [base - jitter, base + jitter] (jitter <= base).
struct emulated_duration {
    std::chrono::milliseconds base{0};
    std::chrono::milliseconds jitter{0};
};

/// splitmix64: independent, reproducible streams from one seed (one per consumer, so that e.g. a fault draw does
/// not shift the next job's jitter).
inline constexpr std::uint64_t derive_seed(std::uint64_t seed, std::uint64_t stream) noexcept {
    std::uint64_t z = seed + (stream + 1) * 0x9E3779B97F4A7C15ull;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/// Stream numbers of the emulator's consumers of randomness.
enum class random_stream : std::uint64_t { faults = 1, clc_jobs = 2, ucs = 3, redfish = 4 };

/// A fresh seed from the system's entropy source, for runs that do not ask for one.
inline std::uint64_t fresh_seed() {
    std::random_device rd;
    return (static_cast<std::uint64_t>(rd()) << 32) ^ rd();
}

/// A thread-safe generator. Draws are computed from the raw mt19937_64 output (whose sequence the standard fixes),
/// not through the standard distributions (whose results differ between standard libraries): one seed gives the same
/// run with any compiler.
class random_source {
public:
    explicit random_source(std::uint64_t seed = 1) : engine_(seed) {}
    random_source(std::uint64_t seed, random_stream stream) : engine_(derive_seed(seed, static_cast<std::uint64_t>(stream))) {}

    void reseed(std::uint64_t seed, random_stream stream) {
        std::lock_guard lock(mutex_);
        engine_.seed(derive_seed(seed, static_cast<std::uint64_t>(stream)));
    }

    /// Uniform in [lo, hi] (lo when hi <= lo, without a draw).
    std::chrono::milliseconds between(std::chrono::milliseconds lo, std::chrono::milliseconds hi) {
        if (hi <= lo) return lo;
        const auto span = static_cast<std::uint64_t>((hi - lo).count()) + 1;
        std::lock_guard lock(mutex_);
        return lo + std::chrono::milliseconds(static_cast<std::chrono::milliseconds::rep>(engine_() % span));
    }

    /// One draw of `d` (base alone when it has no jitter), never negative.
    std::chrono::milliseconds draw(const emulated_duration& d) {
        const auto jitter = d.jitter < d.base ? d.jitter : d.base;
        return between(d.base - jitter, d.base + jitter);
    }

    /// True with probability `p`; p >= 1 is always true and p <= 0 never, without a draw.
    bool chance(double p) {
        if (p >= 1.0) return true;
        if (!(p > 0.0)) return false;
        std::lock_guard lock(mutex_);
        return static_cast<double>(engine_() >> 11) * 0x1.0p-53 < p;
    }

private:
    std::mutex mutex_;
    std::mt19937_64 engine_;
};

}  // namespace serverops::testing

#endif
