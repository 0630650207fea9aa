// The multipart/form-data parser (wrangler's script uploads): the first line is the Content-Type, the rest the
// body. multipart_error is the only allowed failure.
#include <string_view>

#include "emulators/control/multipart.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view input(reinterpret_cast<const char*>(data), size);
    std::size_t nl = input.find('\n');
    if (nl == std::string_view::npos) return 0;
    try {
        std::string boundary = sclab::emulators::control::multipart_boundary(input.substr(0, nl));
        auto parts = sclab::emulators::control::parse_multipart(input.substr(nl + 1), boundary);
        (void)sclab::emulators::control::find_part(parts, "metadata");
    } catch (const sclab::emulators::control::multipart_error&) {
    }
    return 0;
}
