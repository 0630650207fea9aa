#include "telemetry/formats/syslog_prefix.hpp"

#include <array>

namespace sclab::telemetry {

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// "<PRI>" with 1..3 digits; returns its length or 0.
std::size_t priority_length(std::string_view s) {
    if (s.empty() || s[0] != '<') return 0;
    std::size_t i = 1;
    while (i < s.size() && i <= 3 && is_digit(s[i])) ++i;
    return (i > 1 && i < s.size() && s[i] == '>') ? i + 1 : 0;
}

// RFC 3164 "Mmm dd hh:mm:ss " (day space-padded or not); returns its length including the space, or 0.
std::size_t rfc3164_timestamp_length(std::string_view s) {
    static constexpr std::array<std::string_view, 12> months = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                                "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    if (s.size() < 16) return 0;
    bool month = false;
    for (std::string_view m : months) month = month || s.substr(0, 3) == m;
    if (!month || s[3] != ' ' || !(s[4] == ' ' || is_digit(s[4])) || !is_digit(s[5]) || s[6] != ' ') return 0;
    for (std::size_t i : {7u, 8u, 10u, 11u, 13u, 14u})
        if (!is_digit(s[i])) return 0;
    return (s[9] == ':' && s[12] == ':' && s[15] == ' ') ? 16 : 0;
}

// Splits off the first space-separated token; false when there is no space.
bool take_token(std::string_view& rest, std::string_view& token) {
    std::size_t sp = rest.find(' ');
    if (sp == std::string_view::npos) return false;
    token = rest.substr(0, sp);
    rest.remove_prefix(sp + 1);
    return true;
}

}  // namespace

syslog_split split_syslog_prefix(std::string_view line, bool (*is_message)(std::string_view rest)) {
    const syslog_split none{{}, line};
    const std::size_t pri = priority_length(line);
    std::string_view rest = line.substr(pri);
    std::string_view host;

    if (std::size_t n = rfc3164_timestamp_length(rest)) {
        rest.remove_prefix(n);
        if (!is_message(rest)) {
            std::string_view token;
            if (!take_token(rest, token)) return none;
            host = token;
        }
        return {host, rest};
    }

    // RFC 5424 requires the priority: "<PRI>1 TIMESTAMP HOSTNAME [APP-NAME PROCID MSGID STRUCTURED-DATA] MSG".
    // QRadar also accepts the short form that stops after HOSTNAME, so each later part is optional.
    if (pri == 0 || rest.size() < 2 || rest[0] != '1' || rest[1] != ' ') return none;
    rest.remove_prefix(2);
    std::string_view timestamp;
    if (!take_token(rest, timestamp)) return none;
    if (timestamp != "-" && !(timestamp.size() >= 10 && is_digit(timestamp[0]) && timestamp[4] == '-')) return none;
    if (!take_token(rest, host)) return none;
    if (host == "-") host = {};
    for (int part = 0; part < 3 && !is_message(rest); ++part) {  // APP-NAME, PROCID, MSGID
        std::string_view token;
        if (!take_token(rest, token)) return {host, rest};
    }
    if (!is_message(rest)) {
        if (rest.starts_with("- ")) {
            rest.remove_prefix(2);
        } else if (rest.starts_with('[')) {
            std::size_t end = rest.find("] ");
            if (end != std::string_view::npos) rest.remove_prefix(end + 2);
        }
    }
    return {host, rest};
}

}  // namespace sclab::telemetry
