// The syslog header some sensors put before their message when they forward over syslog (PAN-OS, LEEF sources):
// RFC 3164 "<14>Jan 11 15:29:45 fw01 " (priority optional, hostname optional) or RFC 5424
// "<14>1 2023-01-11T15:29:45.520Z fw01 app - - - ". Files a syslog daemon wrote keep it; files a sensor wrote
// itself do not. Only the header's shape is checked: its timestamp is not used (RFC 3164 has no year, and the
// message carries its own time).
#pragma once

#include <string_view>

namespace sclab::telemetry {

struct syslog_split {
    std::string_view hostname;  // empty when there is no header or it names no host
    std::string_view message;   // the line after the header; the whole line when there is no header
};

// `is_message(rest)` says whether the text after the timestamp already is the message, i.e. the header names no
// host ("Jul 13 20:39:44 1,2017/07/13 ..."): each format knows what its messages start with.
syslog_split split_syslog_prefix(std::string_view line, bool (*is_message)(std::string_view rest));

}  // namespace sclab::telemetry
