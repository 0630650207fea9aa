// Timestamps as each format spells them. All parse functions are strict: they return false on anything
// that is not exactly the expected shape, so a reader can say "bad timestamp" instead of guessing.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "telemetry/event.hpp"

namespace sclab::telemetry {

struct civil_time {
    int year, month, day, hour, minute, second;
    int nanos;
};
civil_time to_civil(time_ns t);
time_ns from_civil(const civil_time& c);

// ISO 8601 UTC with `digits` fraction digits (0..9): 2023-01-11T15:29:45.8322874Z
void append_iso8601(std::string& out, time_ns t, int digits);
// Accepts any number of fraction digits (0..9) and a trailing Z or +00:00.
bool parse_iso8601(std::string_view text, time_ns& out);

// Sysmon UtcTime: 2023-01-11 15:29:45.832
void append_sysmon_utc(std::string& out, time_ns t);
bool parse_sysmon_utc(std::string_view text, time_ns& out);

// Epoch seconds with `digits` fraction digits: Squid 1673450985.832, Zeek 1673450985.832287
void append_epoch_seconds(std::string& out, time_ns t, int digits);
bool parse_epoch_seconds(std::string_view text, time_ns& out);

// Space-separated civil time with a chosen date separator and no zone: PAN-OS "2023/01/11 15:29:45".
void append_civil_seconds(std::string& out, time_ns t, char date_separator);
bool parse_civil_seconds(std::string_view text, char date_separator, time_ns& out);

// "Jan".."Dec" for month 1..12, as HTTP dates, Apache/Lambda times and syslog headers spell them.
std::string_view month_abbreviation(int month);
// Exactly two decimal digits of 0..99: "07".
void append_two_digits(std::string& out, int value);
// The time of day as every format here writes it: "15:29:45".
void append_clock_time(std::string& out, const civil_time& c);

// Truncates toward the past to a multiple of `unit` nanoseconds (what a format of coarser precision keeps).
constexpr time_ns truncate_time(time_ns t, time_ns unit) {
    time_ns r = t % unit;
    return r < 0 ? t - r - unit : t - r;
}

inline constexpr time_ns ns_per_second = 1'000'000'000;
inline constexpr time_ns ns_per_ms = 1'000'000;

// count * unit as time_ns; false when it would not fit (untrusted input must not overflow).
constexpr bool scale_to_ns(std::uint64_t count, time_ns unit, time_ns& out) {
    if (unit <= 0 || count > static_cast<std::uint64_t>(INT64_MAX / unit)) return false;
    out = static_cast<time_ns>(count) * unit;
    return true;
}

}  // namespace sclab::telemetry
