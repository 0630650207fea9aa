// Helpers for a format's golden tests: the hand-written samples in tests/telemetry/data/, reading a file through
// a format, and writing events to the exact text a format produces.
#pragma once

#include <gtest/gtest.h>

#include <iterator>
#include <stdexcept>
#include <string>
#include <vector>

#include "telemetry/format.hpp"
#include "telemetry/random.hpp"
#include "test_files.hpp"

namespace sclab::telemetry::testing {

inline std::string sample_path(const std::string& name) { return std::string(SCLAB_TEST_DATA) + "/" + name; }

inline const format_info& format_named(std::string_view name) {
    const format_info* f = find_format(name);
    if (f == nullptr) throw std::runtime_error("format not registered: " + std::string(name));
    return *f;
}

inline std::vector<event> read_events(const format_info& fmt, const std::string& path, read_options options = {}) {
    auto reader = fmt.open_reader(path, options);
    std::vector<event> out;
    event e;
    while (reader->next(e)) out.push_back(e);
    return out;
}

// The bytes the format writes for `events`; throws when the writer refuses one.
inline std::string write_events(const format_info& fmt, const std::vector<event>& events) {
    temp_dir dir;
    const std::string path = dir.path("written");
    {
        output_file out(path);
        auto writer = fmt.open_writer(out);
        for (const event& e : events)
            if (!writer->write(e)) throw std::runtime_error("writer refused a " + std::string(to_string(e.kind)));
        writer->finish();
        out.commit();
    }
    return read_file(path);
}

// `text` with the first `from` replaced by `to`; throws when there is none (a broken test, not a pass).
inline std::string replaced(std::string text, const std::string& from, const std::string& to) {
    const std::size_t at = text.find(from);
    if (at == std::string::npos) throw std::runtime_error("test bug: no '" + from + "' in the sample");
    return text.replace(at, from.size(), to);
}

struct malformed_case {
    std::string line;    // without its newline
    std::string reason;  // what the error's reason must contain
};

// Each line alone in a file: strict reading fails on line 1 with a reason containing the expected text.
inline void expect_rejections(const format_info& fmt, const std::vector<malformed_case>& cases) {
    temp_dir dir;
    for (const malformed_case& c : cases) {
        write_file(dir.path("bad"), c.line + "\n");
        try {
            read_events(fmt, dir.path("bad"));
            ADD_FAILURE() << "accepted: " << c.line;
        } catch (const input_error& e) {
            EXPECT_EQ(e.line(), 1u);
            EXPECT_NE(e.reason().find(c.reason), std::string::npos)
                << "wanted '" << c.reason << "', got: " << e.reason();
        }
    }
}

// One line of garbage made from a real one: a sample line (its newline dropped) cut, spliced with XML specials
// or flipped bytes, and kept on one line. `original` receives the sample it came from.
inline std::string mutated_sample(seeded_random& rng, const std::vector<std::string>& samples, std::string& original) {
    static constexpr std::string_view specials[] = {"<",  ">", "&", "'", "\"",      "/",
                                                    "&#", ";", "=", " ", {"\0", 1}, "\xff"};
    original = samples[rng.uniform_int(0, samples.size() - 1)];
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
    return s;
}

// Garbage made from real lines: `count` mutated_sample lines. A reader must read or reject every one as a
// record, and never throw otherwise.
inline void expect_mutations_read_or_rejected(const format_info& fmt, const std::vector<std::string>& samples,
                                              int count, std::uint64_t seed) {
    seeded_random rng(seed);
    std::string text, original;
    for (int i = 0; i < count; ++i) {
        std::string s = mutated_sample(rng, samples, original);
        if (s.find_first_not_of(" \t\r") == std::string::npos) s = "x";  // a blank line is no record
        text += s + "\n";
    }
    temp_dir dir;
    write_file(dir.path("garbage"), text);
    auto reader = fmt.open_reader(dir.path("garbage"), read_options{.strict = false});
    event e;
    std::uint64_t n = 0;
    try {
        while (reader->next(e)) ++n;
    } catch (const std::exception& ex) {
        FAIL() << "lenient reading threw: " << ex.what();
    }
    EXPECT_EQ(n + reader->problems().skipped(), static_cast<std::uint64_t>(count));
    EXPECT_GT(reader->problems().skipped(), static_cast<std::uint64_t>(count / 3)) << "the mutations hardly mutate";
}

}  // namespace sclab::telemetry::testing
