#include "emulators/openssl_handles.hpp"

#include <stdexcept>
#include <string>

#include <openssl/err.h>

namespace sclab::emulators {

std::string openssl_error_reason() {
    unsigned long code = ERR_get_error();
    ERR_clear_error();
    if (code == 0) return {};
    // "PEM routines: no start line": the library and its reason, without the opaque code.
    const char* library = ERR_lib_error_string(code);
    const char* reason = ERR_reason_error_string(code);
    if (reason == nullptr) {
        char text[256];
        ERR_error_string_n(code, text, sizeof text);
        return text;
    }
    return library != nullptr ? std::string(library) + ": " + reason : std::string(reason);
}

void throw_openssl_error(std::string_view doing) {
    std::string reason = openssl_error_reason();
    std::string message(doing);
    message += ": ";
    message += reason.empty() ? "unknown OpenSSL error" : reason;
    throw std::runtime_error(message);
}

}  // namespace sclab::emulators
