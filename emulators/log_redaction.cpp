#include "emulators/log_redaction.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cstdint>
#include <cstring>

#include "telemetry/text.hpp"

namespace sclab::emulators {

namespace {

bool is_credential_name(std::string_view raw_name) {
    static constexpr std::array<std::string_view, 12> fragments = {
        "token", "key", "secret", "password", "passwd", "signature", "credential", "auth", "session", "jwt",
        "apikey", "pwd"};
    static constexpr std::array<std::string_view, 2> exact = {"sig", "code"};
    std::string name = telemetry::to_lower(raw_name);
    for (std::string_view f : exact)
        if (name == f) return true;
    for (std::string_view f : fragments)
        if (name.find(f) != std::string::npos) return true;
    return false;
}

// Everything after "scheme://" up to the first '/', '?' or '#'.
std::size_t authority_end(std::string_view url, std::size_t start) {
    std::size_t end = url.find_first_of("/?#", start);
    return end == std::string_view::npos ? url.size() : end;
}

// 16 bytes as one vector (GCC's vector extension: SSE2 on x86-64, NEON on ARM, plain code elsewhere).
constexpr std::size_t block = 16;
using byte_block = unsigned char __attribute__((vector_size(block)));

byte_block load_block(const char* p) {
    byte_block v;
    std::memcpy(&v, p, block);
    return v;
}

std::uint64_t load_word(const char* p) {
    std::uint64_t w;
    std::memcpy(&w, p, sizeof w);
    return w;
}

std::size_t piece_slot(std::uint64_t bytes, int bits) {
    return static_cast<std::size_t>((bytes * 0x9E3779B97F4A7C15ULL) >> (64 - bits));  // Fibonacci hashing
}

// text.find(secret, from), for the scrubber's case: a secret of 8 bytes or more, looked for in every log record
// and almost never there. It compares the secret's first and last bytes at 16 positions at once, and the whole
// secret only where both match: a third of the instructions of std::string::find, whose memchr stops at every
// occurrence of the first byte ('s' of "sclab-..." is everywhere in a log).
std::size_t find_secret(std::string_view text, std::string_view secret, std::size_t from) {
    const std::size_t n = secret.size();
    if (n == 0) return from <= text.size() ? from : std::string_view::npos;  // as std::string_view::find
    if (text.size() < n || from > text.size() - n) return std::string_view::npos;
    const char* p = text.data();
    const std::size_t last_start = text.size() - n;
    std::size_t i = from;
    if constexpr (std::endian::native == std::endian::little) {  // bit 8k of a word is byte k
        const byte_block first = byte_block{} + static_cast<unsigned char>(secret.front());
        const byte_block last = byte_block{} + static_cast<unsigned char>(secret.back());
        for (; i + block <= last_start + 1; i += block) {
            // Byte k of `both` is all ones where position i + k has the secret's first and last bytes.
            const auto both = (load_block(p + i) == first) & (load_block(p + i + n - 1) == last);
            std::uint64_t words[2];
            std::memcpy(words, &both, sizeof words);
            if ((words[0] | words[1]) == 0) continue;  // the common case: no candidate in this block
            for (std::size_t half = 0; half < 2; ++half) {
                // One bit per candidate (bit 8k for byte k), taken lowest position first.
                for (std::uint64_t h = words[half] & 0x0101010101010101ULL; h != 0; h &= h - 1) {
                    const std::size_t at = i + 8 * half + static_cast<std::size_t>(std::countr_zero(h)) / 8;
                    if (std::memcmp(p + at, secret.data(), n) == 0) return at;
                }
            }
        }
    }
    for (; i <= last_start; ++i)
        if (p[i] == secret.front() && std::memcmp(p + i, secret.data(), n) == 0) return i;
    return std::string_view::npos;
}

}  // namespace

std::string redact_url(std::string_view url) {
    std::string out;
    out.reserve(url.size());
    std::size_t pos = 0;
    if (std::size_t scheme = url.find("://"); scheme != std::string_view::npos && url.find_first_of("/?#") > scheme) {
        std::size_t start = scheme + 3;
        std::size_t end = authority_end(url, start);
        std::size_t at = url.substr(start, end - start).rfind('@');
        out.append(url.substr(0, start));
        pos = at == std::string_view::npos ? start : start + at + 1;  // drop user:password@
    }
    std::size_t query = url.find('?', pos);
    std::size_t fragment = url.find('#', pos);
    if (query == std::string_view::npos || (fragment != std::string_view::npos && fragment < query)) {
        out.append(url.substr(pos));
        return out;
    }
    out.append(url.substr(pos, query + 1 - pos));
    std::size_t query_end = fragment == std::string_view::npos ? url.size() : fragment;
    std::size_t at = query + 1;
    while (at <= query_end) {
        std::size_t amp = url.find('&', at);
        if (amp == std::string_view::npos || amp > query_end) amp = query_end;
        std::string_view pair = url.substr(at, amp - at);
        std::size_t eq = pair.find('=');
        if (eq != std::string_view::npos && eq + 1 < pair.size() && is_credential_name(pair.substr(0, eq))) {
            out.append(pair.substr(0, eq + 1));
            out.append(redacted_marker);
        } else {
            out.append(pair);
        }
        if (amp < query_end) out.push_back('&');
        at = amp + 1;
    }
    out.append(url.substr(query_end));
    return out;
}

void redact_url_in_place(std::string& url) {
    // redact_url changes only the userinfo before an '@' and the query after a '?'.
    if (std::none_of(url.begin(), url.end(), [](char c) { return c == '?' || c == '@'; })) return;
    url = redact_url(url);
}

secret_scrubber::secret_scrubber(std::vector<std::string> secrets) {
    for (std::string& s : secrets)
        if (s.size() >= min_secret_length) secrets_.push_back(std::move(s));
    // Longest first, so a secret that contains another is replaced whole.
    std::sort(secrets_.begin(), secrets_.end(), [](const auto& a, const auto& b) { return a.size() > b.size(); });
    secrets_.erase(std::unique(secrets_.begin(), secrets_.end()), secrets_.end());
    if (secrets_.empty()) return;

    std::size_t count = 0;
    for (const std::string& s : secrets_) count += s.size() - 7;
    piece_bits_ = std::max(4, static_cast<int>(std::bit_width(2 * count)));
    pieces_.assign(std::size_t{1} << piece_bits_, piece{});
    for (std::uint32_t k = 0; k < secrets_.size(); ++k) {
        for (std::uint32_t offset = 0; offset + 8 <= secrets_[k].size(); ++offset) {
            const std::uint64_t bytes = load_word(secrets_[k].data() + offset);
            std::size_t slot = piece_slot(bytes, piece_bits_);
            while (pieces_[slot].secret != no_secret) slot = (slot + 1) & (pieces_.size() - 1);
            pieces_[slot] = piece{bytes, k, offset};
        }
    }
    stride_ = secrets_.back().size() - 7;
}

bool secret_scrubber::may_hold_secret(std::string_view text, std::size_t from) const {
    if (secrets_.empty() || from >= text.size() || text.size() - from < secrets_.back().size()) return false;
    const std::size_t mask = pieces_.size() - 1;
    for (std::size_t at = from; at + 8 <= text.size(); at += stride_) {
        const std::uint64_t bytes = load_word(text.data() + at);
        for (std::size_t slot = piece_slot(bytes, piece_bits_); pieces_[slot].secret != no_secret; slot = (slot + 1) & mask) {
            const piece& p = pieces_[slot];
            if (p.bytes != bytes || at < from + p.offset) continue;
            const std::string& secret = secrets_[p.secret];
            const std::size_t start = at - p.offset;
            if (start + secret.size() <= text.size() && std::memcmp(text.data() + start, secret.data(), secret.size()) == 0)
                return true;
        }
    }
    return false;
}

void secret_scrubber::scrub(std::string& text, std::size_t from) const {
    if (!may_hold_secret(text, from)) return;
    // Rare: replaced one secret at a time, longest first, as the test's plain search does.
    for (const std::string& secret : secrets_) {
        for (std::size_t at = find_secret(text, secret, from); at != std::string::npos; at = find_secret(text, secret, at)) {
            text.replace(at, secret.size(), redacted_marker);
            at += redacted_marker.size();
        }
    }
}

}  // namespace sclab::emulators
