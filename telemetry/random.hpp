// The one seeded random generator of a run. Same seed, same bytes: the algorithms here are fixed
// (xoshiro256** seeded by splitmix64, our own distributions), never the standard library's
// implementation-defined distributions, so output does not change with the compiler or library.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace sclab::telemetry {

class seeded_random {
public:
    explicit seeded_random(std::uint64_t seed);

    // An independent stream named `stream`: the same (seed, name) always gives the same stream, and adding
    // a new consumer elsewhere does not shift anyone else's numbers.
    seeded_random fork(std::string_view stream) const;

    std::uint64_t next_u64();
    // Uniform in [lo, hi] inclusive, without modulo bias.
    std::uint64_t uniform_int(std::uint64_t lo, std::uint64_t hi);
    // Uniform in [0, 1).
    double uniform01();
    double uniform(double lo, double hi) { return lo + (hi - lo) * uniform01(); }
    double normal(double mean, double stddev);
    bool bernoulli(double p) { return uniform01() < p; }
    // `digits` lowercase hex digits.
    std::string hex(std::size_t digits);
    template <class T>
    const T& pick(std::span<const T> items) {
        return items[uniform_int(0, items.size() - 1)];
    }

    std::uint64_t seed() const { return seed_; }

private:
    std::uint64_t seed_;
    std::uint64_t s_[4];
};

// FNV-1a 64: stable name hashing for stream derivation.
std::uint64_t stable_hash(std::string_view text);

}  // namespace sclab::telemetry
