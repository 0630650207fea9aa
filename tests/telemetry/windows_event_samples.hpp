// Test helpers shared by the Windows-event formats (sysmon-xml, powershell-4104), whose readers take events in
// any line layout, so a record is not a line: the line-based mutation check does not fit them.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "format_samples.hpp"
#include "telemetry/format.hpp"
#include "telemetry/random.hpp"
#include "test_files.hpp"

namespace sclab::telemetry::testing {

// Garbage made from real one-line events, as in expect_mutations_read_or_rejected. A mutated line may swallow
// the next (a lost </Event>), so the counts are not one per line; what must hold: lenient reading never
// throws, every unmutated line is still read (a neighbour's damage never costs a good event), every problem
// names a line of the file, and the mutations are reported.
inline void expect_event_mutations_read_or_rejected(const format_info& fmt, const std::vector<std::string>& samples,
                                                    int count, std::uint64_t seed) {
    static constexpr std::string_view specials[] = {"<",  ">", "&", "'", "\"",      "/",
                                                    "&#", ";", "=", " ", {"\0", 1}, "\xff"};
    seeded_random rng(seed);
    std::string text;
    std::uint64_t unchanged = 0;
    for (int i = 0; i < count; ++i) {
        std::string original = samples[rng.uniform_int(0, samples.size() - 1)];
        if (!original.empty() && original.back() == '\n') original.pop_back();
        std::string s = original;
        for (int m = static_cast<int>(rng.uniform_int(1, 4)); m > 0 && !s.empty(); --m) {
            const std::size_t at = rng.uniform_int(0, s.size() - 1);
            switch (rng.uniform_int(0, 3)) {
                case 0: s.erase(at, rng.uniform_int(1, 20)); break;
                case 1: s.insert(at, specials[rng.uniform_int(0, std::size(specials) - 1)]); break;
                case 2: s[at] = static_cast<char>(rng.uniform_int(1, 255)); break;
                default: s.resize(at); break;
            }
        }
        for (char& c : s)
            if (c == '\n') c = ' ';
        if (s == original) ++unchanged;
        text += s + "\n";
    }
    temp_dir dir;
    write_file(dir.path("garbage"), text);
    auto reader = fmt.open_reader(dir.path("garbage"), read_options{.strict = false, .problems_kept = 100000});
    event e;
    std::uint64_t n = 0;
    try {
        while (reader->next(e)) ++n;
    } catch (const std::exception& ex) {
        FAIL() << "lenient reading threw: " << ex.what();
    }
    EXPECT_GE(n, unchanged);
    EXPECT_LE(n, static_cast<std::uint64_t>(count));
    EXPECT_GT(reader->problems().skipped(), static_cast<std::uint64_t>(count / 3)) << "the mutations hardly mutate";
    for (const input_error& p : reader->problems().kept()) {
        EXPECT_GE(p.line(), 1u);
        EXPECT_LE(p.line(), static_cast<std::uint64_t>(count));
    }
}

}  // namespace sclab::telemetry::testing
