// Small, fast text helpers every format shares: escaping, number formatting and strict number parsing.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sclab::telemetry {

void append_uint(std::string& out, std::uint64_t value);
void append_int(std::string& out, std::int64_t value);

// Whole-string decimal parse: no sign, no spaces, no overflow. Returns false otherwise.
bool parse_uint(std::string_view text, std::uint64_t& out);
bool parse_int(std::string_view text, std::int64_t& out);
// parse_uint narrowed to a bound; false when larger than `max`.
bool parse_uint_max(std::string_view text, std::uint64_t max, std::uint64_t& out);

// XML character data and attribute values: escapes & < > ' " and control characters.
void append_xml_escaped(std::string& out, std::string_view text);
// Inverse of append_xml_escaped, plus numeric character references. False on a bad or unknown entity.
bool xml_unescape(std::string_view text, std::string& out);

// UTF-8 encoding of one code point (<= 0x10FFFF).
void append_utf8(std::string& out, std::uint32_t cp);

// A JSON string literal with its quotes. Bytes >= 0x80 pass through (the caller keeps UTF-8 valid).
void append_json_string(std::string& out, std::string_view text);

// Lowercase hex of `size` bytes.
void append_hex(std::string& out, const unsigned char* data, std::size_t size);

bool starts_with_ci(std::string_view text, std::string_view prefix);
std::string to_lower(std::string_view text);
// `out` set to `text` lower-cased (ASCII letters only: no locale), reusing out's buffer.
void assign_lower(std::string& out, std::string_view text);

}  // namespace sclab::telemetry
