// Field-level helpers the network-sensor formats share (Squid, PAN-OS, LEEF, Zeek): counts and ports parsed with
// a record_error that names the field, line breaks kept out of line-oriented logs, and extras looked up by key.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "telemetry/event.hpp"

namespace sclab::telemetry {

// A decimal count; throws record_error "<field> is not a count: '<text>'".
std::uint64_t parse_count_field(std::string_view text, std::string_view field);
// A port number 0..65535; throws record_error naming the field.
std::uint16_t parse_port_field(std::string_view text, std::string_view field);

// The value of a hex digit (either case), or -1: for the %xx, \xNN and 0xNN escapes these formats use.
int hex_digit_value(char c);

// A record must stay on one line: these sensors' logs have no escape for a line break, so writers turn CR and LF
// into spaces, and retain() says the same with one_line().
void append_one_line(std::string& out, std::string_view text);
std::string one_line(std::string_view text);

// The extra field `key`, or nullptr when the event has none (unlike extra_value, tells absent from empty).
const std::string* find_extra(const event& e, std::string_view key);

}  // namespace sclab::telemetry
