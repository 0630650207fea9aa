// The few digests the control planes need (SigV4 signing, CodeSha256, X-Amz-Log-Result), over OpenSSL.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>

namespace sclab::emulators::control {

using sha256_bytes = std::array<unsigned char, 32>;

sha256_bytes sha256(std::string_view data);
std::string sha256_hex(std::string_view data);
sha256_bytes hmac_sha256(std::string_view key, std::string_view data);
std::string to_hex(const sha256_bytes& bytes);
// Standard base64 with padding (RFC 4648 section 4), as AWS uses for CodeSha256 and X-Amz-Log-Result.
std::string base64_encode(std::string_view data);
// The bytes of standard padded base64; nullopt when `text` is not that (a Lambda event's isBase64Encoded body).
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace sclab::emulators::control
