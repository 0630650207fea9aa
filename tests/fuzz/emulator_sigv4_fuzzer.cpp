// The SigV4 Authorization header parser on arbitrary text: sigv4_error is the only allowed failure.
#include <string_view>

#include "emulators/control/sigv4.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    try {
        (void)sclab::emulators::control::parse_sigv4_authorization(
            std::string_view(reinterpret_cast<const char*>(data), size));
    } catch (const sclab::emulators::control::sigv4_error&) {
    }
    return 0;
}
