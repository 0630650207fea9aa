#include "telemetry/random.hpp"

#include <cmath>

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
}  // namespace

void seeded_random::append_hex(std::string& out, std::size_t digits) { append_drawn<hex_digits>(out, *this, digits); }

}  // namespace sclab::telemetry
