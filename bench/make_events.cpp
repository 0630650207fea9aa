// Writes N random events, as ECS JSON lines, of the kinds one format carries: the input of the convert
// benchmark. Same seed, same bytes.
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "random_events.hpp"
#include "telemetry/format.hpp"

using namespace sclab::telemetry;

int main(int argc, char** argv) {
    if (argc != 5) {
        std::fprintf(stderr, "usage: bench_make_events FORMAT COUNT SEED OUT.jsonl\n");
        return 2;
    }
    const format_info* target = find_format(argv[1]);
    if (target == nullptr) {
        std::fprintf(stderr, "bench_make_events: unknown format %s\n", argv[1]);
        return 2;
    }
    std::vector<event_kind> kinds;
    for (int k = 0; k < event_kind_count; ++k)
        if (target->carries(static_cast<event_kind>(k))) kinds.push_back(static_cast<event_kind>(k));
    const unsigned long long count = std::strtoull(argv[2], nullptr, 10);
    seeded_random rng(std::strtoull(argv[3], nullptr, 10));
    output_file out(argv[4]);
    auto writer = find_format("ecs-json")->open_writer(out);
    for (unsigned long long i = 0; i < count; ++i) writer->write(testing::random_event(kinds[i % kinds.size()], rng));
    writer->finish();
    out.commit();
    return 0;
}
