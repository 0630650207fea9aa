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
    seeded_random rng(seed);
    std::string text, original;
    std::uint64_t unchanged = 0;
    for (int i = 0; i < count; ++i) {
        std::string s = mutated_sample(rng, samples, original);
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
