// Every registered format: random events of every kind it carries, written, read back, and compared field by
// field with what the format says it keeps (format_info::retain).
#include <gtest/gtest.h>

#include <filesystem>

#include "event_diff.hpp"
#include "random_events.hpp"
#include "telemetry/format.hpp"
#include "test_files.hpp"

namespace sclab::telemetry {
namespace {

class round_trip : public ::testing::TestWithParam<const format_info*> {};

void check_round_trip(const format_info& fmt, testing::text_style style, int per_kind, std::uint64_t seed) {
    seeded_random rng(seed);
    std::vector<event> written;
    for (int k = 0; k < event_kind_count; ++k) {
        auto kind = static_cast<event_kind>(k);
        if (!fmt.carries(kind)) continue;
        for (int i = 0; i < per_kind; ++i)
            written.push_back(testing::random_event(kind, rng, {.style = style, .with_extras = false}));
    }
    ASSERT_FALSE(written.empty()) << fmt.name << " carries no kind";

    testing::temp_dir dir;
    const std::string path = dir.path("out." + std::string(fmt.name));
    {
        output_file out(path);
        auto writer = fmt.open_writer(out);
        for (const event& e : written) ASSERT_TRUE(writer->write(e)) << "writer refused a kind it carries";
        writer->finish();
        out.commit();
    }
    auto reader = fmt.open_reader(path, read_options{});
    event got;
    std::size_t i = 0;
    while (reader->next(got)) {
        ASSERT_LT(i, written.size()) << "more events read than written";
        event expected = fmt.retain(written[i]);
        ASSERT_EQ(expected, got) << fmt.name << " event " << i << " (" << to_string(written[i].kind) << "):\n"
                                 << testing::diff_events(expected, got);
        ++i;
    }
    EXPECT_EQ(i, written.size());
}

TEST_P(round_trip, plain_text_fields_survive) { check_round_trip(*GetParam(), testing::text_style::plain, 50, 1); }

TEST_P(round_trip, rich_text_fields_survive_escaping) {
    check_round_trip(*GetParam(), testing::text_style::rich, 50, 2);
}

TEST_P(round_trip, retain_keeps_the_time_and_kind_family) {
    // Guards against a `retain` that clears everything, which would make the round trip vacuous.
    const format_info& fmt = *GetParam();
    seeded_random rng(3);
    for (int k = 0; k < event_kind_count; ++k) {
        auto kind = static_cast<event_kind>(k);
        if (!fmt.carries(kind)) continue;
        event e = testing::random_event(kind, rng);
        event kept = fmt.retain(e);
        EXPECT_NE(kept.time, 0) << fmt.name;
        EXPECT_LE(std::llabs(kept.time - e.time), 1'000'000'000LL) << fmt.name << " keeps time to the second at least";
        EXPECT_NE(testing::flatten(kept).size(), 0u);
        std::size_t non_empty = 0;
        for (const auto& [name, value] : testing::flatten(kept))
            if (!value.empty() && value != "0" && value != "<absent>" && value != "false") ++non_empty;
        EXPECT_GE(non_empty, 5u) << fmt.name << " keeps almost nothing of a " << to_string(kind);
    }
}

TEST_P(round_trip, refuses_kinds_it_cannot_carry) {
    const format_info& fmt = *GetParam();
    seeded_random rng(4);
    testing::temp_dir dir;
    output_file out(dir.path("refuse"));
    auto writer = fmt.open_writer(out);
    for (int k = 0; k < event_kind_count; ++k) {
        auto kind = static_cast<event_kind>(k);
        if (fmt.carries(kind)) continue;
        // http_request and network_session are the same session seen from two sides; formats may take both.
        EXPECT_FALSE(writer->write(testing::random_event(kind, rng))) << fmt.name << " took a " << to_string(kind);
    }
}

std::string format_test_name(const ::testing::TestParamInfo<const format_info*>& info) {
    std::string n(info.param->name);
    for (char& c : n)
        if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
    return n;
}

INSTANTIATE_TEST_SUITE_P(all_formats, round_trip, ::testing::ValuesIn(all_formats().begin(), all_formats().end()),
                         format_test_name);

}  // namespace
}  // namespace sclab::telemetry
