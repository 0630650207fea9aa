// Feeds arbitrary bytes to one format's reader, strict and lenient. A reader may reject input only with
// input_error; anything else (a crash, a sanitizer report, another exception) is a bug.
#include <cstdlib>

#include "fuzz_input_file.hpp"
#include "telemetry/format.hpp"

using namespace sclab::telemetry;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const format_info* format = find_format(SCLAB_FUZZ_FORMAT);
    if (format == nullptr) std::abort();  // the format named in CMake is not registered
    sclab::fuzzing::write_fuzz_input(data, size);
    for (bool strict : {false, true}) {
        try {
            auto reader = format->open_reader(sclab::fuzzing::fuzz_input_path(), read_options{.strict = strict});
            event e;
            while (reader->next(e)) {
            }
        } catch (const input_error&) {
            if (!strict) std::abort();  // lenient mode reports problems, it never throws for a record
        }
    }
    return 0;
}
