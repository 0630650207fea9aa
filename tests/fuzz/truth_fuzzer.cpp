// The truth reader on arbitrary bytes: input_error in strict mode is the only allowed failure.
#include <cstdlib>

#include "fuzz_input_file.hpp"
#include "telemetry/truth.hpp"

using namespace sclab::telemetry;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    sclab::fuzzing::write_fuzz_input(data, size);
    for (bool strict : {false, true}) {
        try {
            truth_reader reader(sclab::fuzzing::fuzz_input_path(), read_options{.strict = strict});
            truth_record r;
            while (reader.next(r)) {
            }
        } catch (const input_error&) {
            if (!strict) std::abort();
        }
    }
    return 0;
}
