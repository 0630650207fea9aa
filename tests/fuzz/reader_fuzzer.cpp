// Feeds arbitrary bytes to one format's reader, strict and lenient. A reader may reject input only with
// input_error; anything else (a crash, a sanitizer report, another exception) is a bug. In lenient mode the
// only input_error allowed is a refusal of the whole file before its first record (e.g. UTF-16 text, which
// the Windows-event readers refuse in both modes): a bad record is counted, never thrown.
#include <cstdlib>
#include <memory>

#include "fuzz_input_file.hpp"
#include "telemetry/format.hpp"

using namespace sclab::telemetry;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const format_info* format = find_format(SCLAB_FUZZ_FORMAT);
    if (format == nullptr) std::abort();  // the format named in CMake is not registered
    sclab::fuzzing::write_fuzz_input(data, size);
    for (bool strict : {false, true}) {
        std::unique_ptr<event_reader> reader;
        bool read_a_record = false;
        try {
            reader = format->open_reader(sclab::fuzzing::fuzz_input_path(), read_options{.strict = strict});
            event e;
            while (reader->next(e)) read_a_record = true;
        } catch (const input_error&) {
            // Lenient mode never throws for a record, good or bad.
            if (!strict && (read_a_record || (reader && reader->problems().skipped() > 0))) std::abort();
        }
    }
    return 0;
}
