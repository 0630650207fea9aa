// The 16-bytes-at-a-time searches the writers escape with, against the plain byte loop: every text length
// around the block size, every position of the byte looked for, every starting offset.
#include "telemetry/byte_scan.hpp"

#include <algorithm>
#include <array>
#include <string>

#include <gtest/gtest.h>

#include "telemetry/random.hpp"

namespace sclab::telemetry {
namespace {

template <class Flagged>
std::size_t first_flagged_plainly(std::string_view text, std::size_t from, Flagged flagged) {
    for (std::size_t i = from; i < text.size(); ++i)
        if (flagged(static_cast<unsigned char>(text[i]))) return i;
    return text.size();
}

// Texts of 0..70 bytes of harmless letters with 0-3 flagged bytes planted anywhere, searched from every offset.
template <class Search, class Flagged>
void agrees_with_the_plain_loop(Search search, Flagged flagged, std::string_view planted, std::string_view harmless) {
    seeded_random random(5);
    for (std::size_t length = 0; length <= 70; ++length) {
        for (int round = 0; round < 60; ++round) {
            std::string text;
            for (std::size_t i = 0; i < length; ++i) text.push_back(harmless[random.uniform_int(0, harmless.size() - 1)]);
            for (int k = random.uniform_int(0, 3); k > 0 && length > 0; --k)
                text[random.uniform_int(0, length - 1)] = planted[random.uniform_int(0, planted.size() - 1)];
            for (std::size_t from = 0; from <= length; ++from)
                ASSERT_EQ(search(text, from), first_flagged_plainly(text, from, flagged))
                    << "length " << length << " from " << from << " text \"" << text << "\"";
        }
    }
}

TEST(ByteScan, FindControlOrAgreesWithThePlainLoop) {
    const std::string planted = std::string("\"\\\x01\x1f\n\t", 6) + std::string(1, '\0');
    agrees_with_the_plain_loop([](std::string_view t, std::size_t from) { return find_control_or(t, from, '"', '\\'); },
                               [](unsigned char c) { return c < 0x20 || c == '"' || c == '\\'; }, planted,
                               "abc XYZ-09 \x7f\x80\xff\xc3\xa9 /:{}");  // DEL and bytes >= 0x80 are not control characters
}

TEST(ByteScan, FindAnyOf4AgreesWithThePlainLoop) {
    agrees_with_the_plain_loop([](std::string_view t, std::size_t from) { return find_any_of4(t, from, '\\', '\t', '\n', '\r'); },
                               [](unsigned char c) { return c == '\\' || c == '\t' || c == '\n' || c == '\r'; },
                               "\\\t\n\r", std::string_view("abc =|\x00\x01\x80\xff", 10));
}

TEST(ByteScan, FindFlaggedAgreesWithThePlainLoop) {
    std::array<bool, 256> table{};
    for (unsigned char c : std::string_view("<>\" #")) table[c] = true;
    for (int c = 0x80; c < 0x100; ++c) table[static_cast<std::size_t>(c)] = true;
    agrees_with_the_plain_loop([&](std::string_view t, std::size_t from) { return find_flagged(t, from, table); },
                               [&](unsigned char c) { return table[c]; }, "<>\" #\x80\xff", "abc/:?=&%-_.~");
}

TEST(ByteScan, CountNewlinesAgreesWithStdCount) {
    // Lengths across the 16-byte blocks and past the 255-block lane limit, newlines anywhere.
    seeded_random random(9);
    for (std::size_t length : {0, 1, 15, 16, 17, 100, 4079, 4080, 4081, 9000}) {
        std::string text;
        for (std::size_t i = 0; i < length; ++i) text.push_back(random.bernoulli(0.3) ? '\n' : 'x');
        EXPECT_EQ(count_newlines(text), static_cast<std::uint64_t>(std::count(text.begin(), text.end(), '\n')))
            << "length " << length;
    }
    EXPECT_EQ(count_newlines(std::string(5000, '\n')), 5000u);  // every lane full many times over
}

// copy_short copies with overlapping fixed-size moves: every length, at every alignment, lands exactly in
// [dst, dst + n), the bytes around it untouched.
TEST(ByteScan, CopyShortCopiesExactlyTheBytesAskedFor) {
    std::string source;
    for (int i = 0; i < 100; ++i) source.push_back(static_cast<char>('A' + i % 50));
    for (std::size_t n = 0; n <= 80; ++n) {
        for (std::size_t offset = 0; offset < 8; ++offset) {
            std::string target(100, '#');
            copy_short(target.data() + offset, source.data() + offset, n);
            const std::string expected =
                std::string(offset, '#') + source.substr(offset, n) + std::string(100 - offset - n, '#');
            ASSERT_EQ(target, expected) << "n " << n << " offset " << offset;
        }
    }
}

}  // namespace
}  // namespace sclab::telemetry
