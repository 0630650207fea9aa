#include "telemetry/random.hpp"

#include <bit>
#include <cmath>
#include <cstring>

namespace sclab::telemetry {

namespace {
std::uint64_t splitmix64(std::uint64_t& x) {
    std::uint64_t z = (x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}
}  // namespace

std::uint64_t stable_hash(std::string_view text) {
    std::uint64_t h = 0xcbf29ce484222325ULL;
    for (unsigned char c : text) {
        h ^= c;
        h *= 0x100000001b3ULL;
    }
    return h;
}

seeded_random::seeded_random(std::uint64_t seed) : seed_(seed) {
    std::uint64_t x = seed;
    for (auto& s : s_) s = splitmix64(x);
}

seeded_random seeded_random::fork(std::string_view stream) const {
    return seeded_random(seed_ ^ rotl(stable_hash(stream), 17) ^ 0x5c1ab5c1ab5c1abULL);
}

double seeded_random::uniform01() { return static_cast<double>(next_u64() >> 11) * 0x1.0p-53; }

double seeded_random::normal(double mean, double stddev) {
    // Box-Muller; one of the pair is discarded so the stream position does not depend on call history.
    double u1;
    do u1 = uniform01();
    while (u1 <= 0.0);
    const double u2 = uniform01();
    return mean + stddev * std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * M_PI * u2);
}

std::string seeded_random::hex(std::size_t digits) {
    std::string s;
    append_hex(s, digits);
    return s;
}

namespace {
constexpr std::string_view hex_digits = "0123456789abcdef";

// The 8 hex digits of the low 32 bits of `word`, lowest nibble first (the order index_drawer<16> draws them in),
// as the 8 bytes of a little-endian word: the nibbles are spread one per byte, then each becomes '0'..'9' or
// 'a'..'f' by adding '0' and, where it is above 9, the gap to 'a'. No byte carries into the next.
std::uint64_t hex_bytes(std::uint64_t word) {
    std::uint64_t v = word & 0xFFFFFFFFu;
    v = (v | (v << 16)) & 0x0000FFFF0000FFFFu;
    v = (v | (v << 8)) & 0x00FF00FF00FF00FFu;
    v = (v | (v << 4)) & 0x0F0F0F0F0F0F0F0Fu;
    const std::uint64_t above_nine = ((v + 0x0606060606060606u) >> 4) & 0x0101010101010101u;
    return v + 0x3030303030303030u + above_nine * ('a' - '0' - 10);
}
}  // namespace

// Ids run to hundreds of hex digits per response: sixteen digits per draw are made at once rather than one
// table lookup each, with the digits index_drawer<16> would give (the tests compare the two).
void seeded_random::append_hex(std::string& out, std::size_t digits) {
    if constexpr (std::endian::native != std::endian::little) {
        append_drawn<hex_digits>(out, *this, digits);
    } else {
        const std::size_t from = out.size();
        out.resize(from + digits);
        char* p = out.data() + from;
        for (; digits >= 16; digits -= 16, p += 16) {
            const std::uint64_t word = next_u64();
            const std::uint64_t low = hex_bytes(word), high = hex_bytes(word >> 32);
            std::memcpy(p, &low, 8);
            std::memcpy(p + 8, &high, 8);
        }
        if (digits > 0) {  // the rest of a word is dropped, as index_drawer drops it at the end of a draw
            std::uint64_t word = next_u64();
            for (; digits > 0; --digits, word >>= 4) *p++ = hex_digits[word & 15];
        }
    }
}

}  // namespace sclab::telemetry
