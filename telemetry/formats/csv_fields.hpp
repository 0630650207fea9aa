// Comma-separated records as PAN-OS writes them: a field that holds a comma or a double quote is enclosed in
// double quotes, and a quote inside is doubled (RFC 4180). Line breaks cannot appear (see field_text.hpp).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace sclab::telemetry {

// Appends one field, quoted only when it must be; CR and LF become spaces.
void append_csv_field(std::string& out, std::string_view value);

// Splits one record into the first N entries of `fields` and returns N. The vector never shrinks, so its strings
// are reused from line to line and a reader allocates only while lines grow. Throws record_error for an
// unterminated quote or text after a closing quote.
std::size_t split_csv_record(std::string_view line, std::vector<std::string>& fields);

}  // namespace sclab::telemetry
