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

    // Inline, as is uniform_int: the emulators draw hundreds of id characters per response, and with the bounds
    // known at the call site the compiler turns uniform_int's two divisions into multiplications.
    std::uint64_t next_u64() {
        const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
        const std::uint64_t t = s_[1] << 17;
        s_[2] ^= s_[0];
        s_[3] ^= s_[1];
        s_[1] ^= s_[2];
        s_[0] ^= s_[3];
        s_[2] ^= t;
        s_[3] = rotl(s_[3], 45);
        return result;
    }
    // Uniform in [lo, hi] inclusive, without modulo bias.
    std::uint64_t uniform_int(std::uint64_t lo, std::uint64_t hi) {
        if (hi <= lo) return lo;
        const std::uint64_t range = hi - lo;
        if (range == ~std::uint64_t{0}) return next_u64();
        const std::uint64_t n = range + 1;
        const std::uint64_t limit = ~std::uint64_t{0} - (~std::uint64_t{0} % n);  // reject the biased tail
        std::uint64_t x;
        do x = next_u64();
        while (x >= limit);
        return lo + x % n;
    }
    // Uniform in [0, 1).
    double uniform01();
    double uniform(double lo, double hi) { return lo + (hi - lo) * uniform01(); }
    double normal(double mean, double stddev);
    bool bernoulli(double p) { return uniform01() < p; }
    // `digits` lowercase hex digits.
    std::string hex(std::size_t digits);
    // The same digits (and the same draws) appended to `out`, without a string of their own.
    void append_hex(std::string& out, std::size_t digits);
    template <class T>
    const T& pick(std::span<const T> items) {
        return items[uniform_int(0, items.size() - 1)];
    }

    std::uint64_t seed() const { return seed_; }

private:
    static constexpr std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

    std::uint64_t seed_;
    std::uint64_t s_[4];
};

// FNV-1a 64: stable name hashing for stream derivation.
std::uint64_t stable_hash(std::string_view text);

}  // namespace sclab::telemetry
