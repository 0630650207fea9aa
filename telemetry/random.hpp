// The one seeded random generator of a run. Same seed, same bytes: the algorithms here are fixed
// (xoshiro256** seeded by splitmix64, our own distributions), never the standard library's
// implementation-defined distributions, so output does not change with the compiler or library.
#pragma once

#include <algorithm>
#include <bit>
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

// Indexes drawn uniformly from [0, N), several from each 64-bit draw: log2(N) bits each, lowest first, when N is a
// power of two (a hex digit costs a sixteenth of a draw, a base64 character a tenth), otherwise one from each
// 32-bit half, low half first, by Lemire's multiply-and-reject (unbiased: a half that lands in the biased sliver
// is skipped). For generated ids, which take hundreds of characters per response.
template <std::size_t N>
class index_drawer {
public:
    explicit index_drawer(seeded_random& random) : random_(random) {}
    std::size_t next() {
        if constexpr (std::has_single_bit(N)) {
            constexpr int bits = std::countr_zero(N);
            if (left_ == 0) {
                word_ = random_.next_u64();
                left_ = 64 / bits;
            }
            --left_;
            const std::size_t index = word_ & (N - 1);
            word_ >>= bits;
            return index;
        } else {
            constexpr std::uint32_t biased_below = static_cast<std::uint32_t>(-static_cast<std::uint32_t>(N)) % N;
            for (;;) {
                if (left_ == 0) {
                    word_ = random_.next_u64();
                    left_ = 2;
                }
                --left_;
                const std::uint64_t product = (word_ & 0xFFFFFFFFu) * N;
                word_ >>= 32;
                if (static_cast<std::uint32_t>(product) >= biased_below) return static_cast<std::size_t>(product >> 32);
            }
        }
    }

    // The next `n` indexes, each passed to `emit`: the same as n calls of next(), a word at a time when N is a power
    // of two (no bookkeeping per index: ids take hundreds of characters per response).
    template <class Emit>
    void draw(std::size_t n, Emit&& emit) {
        if constexpr (std::has_single_bit(N)) {
            constexpr int bits = std::countr_zero(N);
            while (n > 0) {
                if (left_ == 0) {
                    word_ = random_.next_u64();
                    left_ = 64 / bits;
                }
                const std::size_t k = std::min(n, static_cast<std::size_t>(left_));
                std::uint64_t word = word_;
                for (std::size_t i = 0; i < k; ++i) {
                    emit(static_cast<std::size_t>(word & (N - 1)));
                    word >>= bits;
                }
                word_ = word;
                left_ -= static_cast<int>(k);
                n -= k;
            }
        } else {
            for (; n > 0; --n) emit(next());
        }
    }

private:
    seeded_random& random_;
    std::uint64_t word_ = 0;
    int left_ = 0;
};

// `n` characters drawn uniformly from `Alphabet` (a constant: its size is known where it is drawn), written in
// place rather than pushed one by one.
template <const std::string_view& Alphabet>
void append_drawn(std::string& out, seeded_random& random, std::size_t n) {
    const std::size_t from = out.size();
    out.resize(from + n);
    char* p = out.data() + from;
    index_drawer<Alphabet.size()>(random).draw(n, [&p](std::size_t index) { *p++ = Alphabet[index]; });
}

// FNV-1a 64: stable name hashing for stream derivation.
std::uint64_t stable_hash(std::string_view text);

}  // namespace sclab::telemetry
