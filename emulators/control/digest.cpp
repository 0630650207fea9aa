#include "emulators/control/digest.hpp"

#include <stdexcept>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "telemetry/text.hpp"

namespace sclab::emulators::control {

sha256_bytes sha256(std::string_view data) {
    sha256_bytes out{};
    unsigned int size = 0;
    if (EVP_Digest(data.data(), data.size(), out.data(), &size, EVP_sha256(), nullptr) != 1 || size != out.size())
        throw std::runtime_error("OpenSSL SHA-256 failed");
    return out;
}

std::string sha256_hex(std::string_view data) { return to_hex(sha256(data)); }

sha256_bytes hmac_sha256(std::string_view key, std::string_view data) {
    sha256_bytes out{};
    unsigned int size = 0;
    if (!HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
              reinterpret_cast<const unsigned char*>(data.data()), data.size(), out.data(), &size) ||
        size != out.size())
        throw std::runtime_error("OpenSSL HMAC-SHA256 failed");
    return out;
}

std::string to_hex(const sha256_bytes& bytes) {
    std::string out;
    out.reserve(bytes.size() * 2);
    telemetry::append_hex(out, bytes.data(), bytes.size());
    return out;
}

std::string base64_encode(std::string_view data) {
    std::string out(4 * ((data.size() + 2) / 3), '\0');
    const int written = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                        reinterpret_cast<const unsigned char*>(data.data()),
                                        static_cast<int>(data.size()));
    out.resize(static_cast<std::size_t>(written));
    return out;
}

std::optional<std::string> base64_decode(std::string_view text) {
    if (text.size() % 4 != 0) return std::nullopt;
    std::string out(text.size() / 4 * 3, '\0');
    const int written = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                        reinterpret_cast<const unsigned char*>(text.data()), static_cast<int>(text.size()));
    if (written < 0) return std::nullopt;
    // EVP_DecodeBlock counts the bytes the padding stands for; drop them.
    const std::size_t padding = text.ends_with("==") ? 2 : text.ends_with('=') ? 1 : 0;
    out.resize(static_cast<std::size_t>(written) - padding);
    return out;
}

}  // namespace sclab::emulators::control
