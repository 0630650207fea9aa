// Finding the first byte a writer must treat specially, 16 bytes at a time. Almost every value the writers
// meet (host names, URLs, user agents, key names) needs no escaping at all; finding that out in a few
// instructions and copying the value in one piece is what keeps a record at a few hundred nanoseconds.
//
// SSE2 is part of every x86-64 CPU, so no runtime dispatch is needed; other targets take the byte loop.
#pragma once

#include <cstddef>
#include <cstdint>
#include <algorithm>
#include <array>
#include <cstring>
#include <string_view>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace sclab::telemetry {

// Copies n < 16 bytes with fixed-size moves, reading and writing nothing outside [src, src + n) and
// [dst, dst + n): two overlapping moves cover any length between a size and twice it.
inline void copy_under_16(char* dst, const char* src, std::size_t n) {
    const auto move = [](char* d, const char* s, auto word) {  // one fixed-size load and store
        std::memcpy(&word, s, sizeof word);
        std::memcpy(d, &word, sizeof word);
    };
    if (n >= 8) {
        move(dst, src, std::uint64_t{});
        move(dst + n - 8, src + n - 8, std::uint64_t{});
    } else if (n >= 4) {
        move(dst, src, std::uint32_t{});
        move(dst + n - 4, src + n - 4, std::uint32_t{});
    } else if (n > 0) {
        dst[0] = src[0];
        dst[n / 2] = src[n / 2];
        dst[n - 1] = src[n - 1];
    }
}

// Copies n bytes as memcpy does, but text up to 32 bytes (most keys and values) without a call.
inline void copy_short(char* dst, const char* src, std::size_t n) {
    if (n < 16) return copy_under_16(dst, src, n);
    if (n > 32) return static_cast<void>(std::memcpy(dst, src, n));
    struct sixteen_bytes {
        std::uint64_t low, high;
    };
    sixteen_bytes head, tail;
    std::memcpy(&head, src, sizeof head);
    std::memcpy(&tail, src + n - 16, sizeof tail);
    std::memcpy(dst, &head, sizeof head);
    std::memcpy(dst + n - 16, &tail, sizeof tail);
}

namespace byte_scan_detail {

#if defined(__SSE2__)
// Bit k set where byte k of `block` is below 0x20 or equal to `a` or `b`.
inline unsigned control_or_mask(__m128i block, __m128i a, __m128i b) {
    const __m128i below_space = _mm_cmpeq_epi8(_mm_max_epu8(block, _mm_set1_epi8(0x1F)), _mm_set1_epi8(0x1F));
    const __m128i hit = _mm_or_si128(below_space, _mm_or_si128(_mm_cmpeq_epi8(block, a), _mm_cmpeq_epi8(block, b)));
    return static_cast<unsigned>(_mm_movemask_epi8(hit));
}

inline unsigned any_of4_mask(__m128i block, __m128i a, __m128i b, __m128i c, __m128i d) {
    const __m128i ab = _mm_or_si128(_mm_cmpeq_epi8(block, a), _mm_cmpeq_epi8(block, b));
    const __m128i cd = _mm_or_si128(_mm_cmpeq_epi8(block, c), _mm_cmpeq_epi8(block, d));
    return static_cast<unsigned>(_mm_movemask_epi8(_mm_or_si128(ab, cd)));
}

// The index of the first byte of p[from, size) that `mask_of` (16 bytes at a time) or `flagged` (one byte) flags,
// or size. A text shorter than a block is copied into one (two moves; most keys and values are this short) unless
// it is only a few bytes, which are looked at one by one; a short rest after whole blocks is loaded as the text's
// last 16 bytes, the positions already checked masked off. Nothing is read outside the text.
template <class MaskOf, class Flagged>
inline std::size_t find_first_flagged(const char* p, std::size_t size, std::size_t from, MaskOf mask_of,
                                      Flagged flagged) {
    constexpr std::size_t block = 16;
    if (size < block) {
        const std::size_t left = size - from;
        if (left < 4) {
            for (std::size_t i = from; i < size; ++i)
                if (flagged(p[i])) return i;
            return size;
        }
        alignas(16) char copy[block] = {};  // the zero bytes past the text are masked off below
        copy_under_16(copy, p + from, left);
        const unsigned m = mask_of(_mm_load_si128(reinterpret_cast<const __m128i*>(copy))) & ((1u << left) - 1);
        return m != 0 ? from + static_cast<std::size_t>(__builtin_ctz(m)) : size;
    }
    std::size_t i = from;
    for (; i + block <= size; i += block) {
        const unsigned m = mask_of(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i)));
        if (m != 0) return i + static_cast<std::size_t>(__builtin_ctz(m));
    }
    if (i >= size) return size;
    const std::size_t start = size - block;  // overlaps bytes already checked
    const unsigned m = mask_of(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p + start))) >> (i - start);
    return m != 0 ? i + static_cast<std::size_t>(__builtin_ctz(m)) : size;
}
#endif

}  // namespace byte_scan_detail

// The first index >= from where text holds a control character (< 0x20) or `a` or `b`; text.size() if none.
inline std::size_t find_control_or(std::string_view text, std::size_t from, char a, char b) {
    const auto flagged = [a, b](char c) { return static_cast<unsigned char>(c) < 0x20 || c == a || c == b; };
#if defined(__SSE2__)
    const __m128i va = _mm_set1_epi8(a), vb = _mm_set1_epi8(b);
    return byte_scan_detail::find_first_flagged(
        text.data(), text.size(), from, [&](__m128i block) { return byte_scan_detail::control_or_mask(block, va, vb); },
        flagged);
#else
    for (std::size_t i = from; i < text.size(); ++i)
        if (flagged(text[i])) return i;
    return text.size();
#endif
}

// The first index >= from where text holds `a`, `b`, `c` or `d`; text.size() if none.
inline std::size_t find_any_of4(std::string_view text, std::size_t from, char a, char b, char c, char d) {
    const auto flagged = [a, b, c, d](char x) { return x == a || x == b || x == c || x == d; };
#if defined(__SSE2__)
    const __m128i va = _mm_set1_epi8(a), vb = _mm_set1_epi8(b), vc = _mm_set1_epi8(c), vd = _mm_set1_epi8(d);
    return byte_scan_detail::find_first_flagged(
        text.data(), text.size(), from,
        [&](__m128i block) { return byte_scan_detail::any_of4_mask(block, va, vb, vc, vd); }, flagged);
#else
    for (std::size_t i = from; i < text.size(); ++i)
        if (flagged(text[i])) return i;
    return text.size();
#endif
}

// The first index >= from where `flagged` is true for the byte of text; text.size() if none. For sets too
// irregular for a few comparisons (Squid's URL-unsafe bytes): eight table lookups per step, one branch.
inline std::size_t find_flagged(std::string_view text, std::size_t from, const std::array<bool, 256>& flagged) {
    const auto* p = reinterpret_cast<const unsigned char*>(text.data());
    const std::size_t size = text.size();
    std::size_t i = from;
    const auto at = [&](std::size_t k) -> unsigned { return flagged[p[k]]; };  // OR of integers: no branch per byte
    for (; i + 8 <= size; i += 8)
        if ((at(i) | at(i + 1) | at(i + 2) | at(i + 3) | at(i + 4) | at(i + 5) | at(i + 6) | at(i + 7)) != 0) break;
    for (; i < size; ++i)
        if (flagged[p[i]]) return i;
    return size;
}

// How many '\n' text holds: line numbers stay exact however far a reader's scan jumps.
inline std::uint64_t count_newlines(std::string_view text) {
    const char* p = text.data();
    const char* const end = p + text.size();
    std::uint64_t n = 0;
#if defined(__SSE2__)
    const __m128i newline = _mm_set1_epi8('\n');
    while (end - p >= 16) {
        // Each byte lane counts up to 255 matches (cmpeq gives -1, subtracted), then psadbw sums the lanes.
        const std::size_t blocks = std::min<std::size_t>(static_cast<std::size_t>(end - p) / 16, 255);
        __m128i lanes = _mm_setzero_si128();
        for (std::size_t b = 0; b < blocks; ++b, p += 16)
            lanes = _mm_sub_epi8(lanes, _mm_cmpeq_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)), newline));
        const __m128i sums = _mm_sad_epu8(lanes, _mm_setzero_si128());  // two 64-bit lanes, each <= 8 * 255
        n += static_cast<std::uint64_t>(_mm_cvtsi128_si32(sums) + _mm_extract_epi16(sums, 4));
    }
#endif
    return n + static_cast<std::uint64_t>(std::count(p, end, '\n'));
}

}  // namespace sclab::telemetry
