// A strict multipart/form-data parser (RFC 7578 over RFC 2046) for Worker uploads. It runs on untrusted bodies
// and is fuzzed: anything that is not exactly a sequence of `--boundary CRLF headers CRLF CRLF content CRLF`
// parts closed by `--boundary--` is a multipart_error saying what and where (byte offset).
#pragma once

#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace sclab::emulators::control {

class multipart_error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct multipart_part {
    std::string name;                     // Content-Disposition name
    std::optional<std::string> filename;  // Content-Disposition filename, when given
    std::string content_type;             // "text/plain" when the part has no Content-Type (RFC 7578 4.4)
    std::string body;
};

inline constexpr std::size_t multipart_max_parts = 1000;

// The boundary parameter of a `multipart/form-data; boundary=...` Content-Type (quoted or not). Throws
// multipart_error when the type is another one or the boundary is missing or not 1-70 RFC 2046 characters.
std::string multipart_boundary(std::string_view content_type);

// Parses `body` into its parts, in order. Bytes after the closing delimiter (an epilogue) are ignored, as RFC
// 2046 says; a preamble is refused (no form-data client sends one).
std::vector<multipart_part> parse_multipart(std::string_view body, std::string_view boundary);

// The first part named `name`, or null.
const multipart_part* find_part(const std::vector<multipart_part>& parts, std::string_view name);

}  // namespace sclab::emulators::control
