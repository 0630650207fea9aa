#include "telemetry/time_format.hpp"

#include <charconv>

namespace sclab::telemetry {

namespace {

// Howard Hinnant's days_from_civil / civil_from_days: exact for the whole proleptic Gregorian calendar.
constexpr std::int64_t days_from_civil(int y, unsigned m, unsigned d) {
    y -= m <= 2;
    const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

constexpr void civil_from_days(std::int64_t z, int& y, int& m, int& d) {
    z += 719468;
    const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const unsigned doe = static_cast<unsigned>(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
    m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
    y = static_cast<int>(static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2));
}

constexpr int days_in_month(int y, int m) {
    constexpr int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)) return 29;
    return days[m - 1];
}

// `value` in decimal, its digits zero-padded to `width` (at most 20), formatted backwards in place and appended
// in one piece: timestamps are written several times per record.
void append_digits(std::string& out, long long value, int width) {
    char buf[24];
    char* const end = buf + sizeof buf;
    char* p = end;
    unsigned long long v = value < 0 ? 0ULL - static_cast<unsigned long long>(value) : static_cast<unsigned long long>(value);
    do {
        *--p = static_cast<char>('0' + v % 10);
        v /= 10;
    } while (v != 0);
    while (end - p < width && p > buf + 1) *--p = '0';
    if (value < 0) *--p = '-';
    out.append(p, static_cast<std::size_t>(end - p));
}

// Reads exactly `width` decimal digits.
bool read_fixed(std::string_view text, std::size_t pos, std::size_t width, int& out) {
    if (pos + width > text.size()) return false;
    int v = 0;
    for (std::size_t i = pos; i < pos + width; ++i) {
        char c = text[i];
        if (c < '0' || c > '9') return false;
        v = v * 10 + (c - '0');
    }
    out = v;
    return true;
}

bool valid(const civil_time& c) {
    // Only whole years time_ns can hold (it spans 1677-09-21 .. 2262-04-11): from_civil would overflow beyond.
    return c.year >= 1678 && c.year <= 2261 && c.month >= 1 && c.month <= 12 && c.day >= 1 &&
           c.day <= days_in_month(c.year, c.month) && c.hour <= 23 && c.minute <= 59 && c.second <= 60;
}

// Parses "YYYY<sep>MM<sep>DD<T>hh:mm:ss" at the start of text; returns chars consumed or 0.
std::size_t parse_civil_prefix(std::string_view text, char date_sep, char time_sep, civil_time& c) {
    if (text.size() < 19) return 0;
    if (!read_fixed(text, 0, 4, c.year) || text[4] != date_sep || !read_fixed(text, 5, 2, c.month) ||
        text[7] != date_sep || !read_fixed(text, 8, 2, c.day) || text[10] != time_sep ||
        !read_fixed(text, 11, 2, c.hour) || text[13] != ':' || !read_fixed(text, 14, 2, c.minute) ||
        text[16] != ':' || !read_fixed(text, 17, 2, c.second))
        return 0;
    c.nanos = 0;
    return valid(c) ? 19 : 0;
}

// Parses ".ddd" (1..9 digits) at pos into nanoseconds; returns chars consumed (0 when no '.').
std::size_t parse_fraction(std::string_view text, std::size_t pos, int& nanos, bool& ok) {
    ok = true;
    if (pos >= text.size() || text[pos] != '.') return 0;
    std::size_t i = pos + 1;
    int value = 0, digits = 0;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
        if (digits == 9) {
            ok = false;
            return 0;
        }
        value = value * 10 + (text[i] - '0');
        ++digits;
        ++i;
    }
    if (digits == 0) {
        ok = false;
        return 0;
    }
    for (int d = digits; d < 9; ++d) value *= 10;
    nanos = value;
    return i - pos;
}

void append_date_time(std::string& out, const civil_time& c, char date_sep, char time_sep) {
    append_digits(out, c.year, 4);
    out.push_back(date_sep);
    append_two_digits(out, c.month);
    out.push_back(date_sep);
    append_two_digits(out, c.day);
    out.push_back(time_sep);
    append_clock_time(out, c);
}

void append_fraction(std::string& out, int nanos, int digits) {
    if (digits <= 0) return;
    int v = nanos;
    for (int d = digits; d < 9; ++d) v /= 10;
    out.push_back('.');
    append_digits(out, v, digits);
}

}  // namespace

std::string_view month_abbreviation(int month) {
    static constexpr std::string_view months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                  "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    return months[month - 1];
}

void append_two_digits(std::string& out, int value) {
    if (value < 0 || value > 99) return append_digits(out, value, 2);
    const char pair[2] = {static_cast<char>('0' + value / 10), static_cast<char>('0' + value % 10)};
    out.append(pair, 2);
}

void append_clock_time(std::string& out, const civil_time& c) {
    append_two_digits(out, c.hour);
    out.push_back(':');
    append_two_digits(out, c.minute);
    out.push_back(':');
    append_two_digits(out, c.second);
}

civil_time to_civil(time_ns t) {
    std::int64_t secs = t / ns_per_second;
    std::int64_t nanos = t % ns_per_second;
    if (nanos < 0) {
        nanos += ns_per_second;
        secs -= 1;
    }
    std::int64_t days = secs / 86400;
    std::int64_t sod = secs % 86400;
    if (sod < 0) {
        sod += 86400;
        days -= 1;
    }
    civil_time c{};
    civil_from_days(days, c.year, c.month, c.day);
    c.hour = static_cast<int>(sod / 3600);
    c.minute = static_cast<int>(sod / 60 % 60);
    c.second = static_cast<int>(sod % 60);
    c.nanos = static_cast<int>(nanos);
    return c;
}

time_ns from_civil(const civil_time& c) {
    std::int64_t days = days_from_civil(c.year, static_cast<unsigned>(c.month), static_cast<unsigned>(c.day));
    return ((days * 86400 + c.hour * 3600 + c.minute * 60 + c.second) * ns_per_second) + c.nanos;
}

void append_iso8601(std::string& out, time_ns t, int digits) {
    civil_time c = to_civil(t);
    append_date_time(out, c, '-', 'T');
    append_fraction(out, c.nanos, digits);
    out.push_back('Z');
}

bool parse_iso8601(std::string_view text, time_ns& out) {
    civil_time c{};
    std::size_t pos = parse_civil_prefix(text, '-', 'T', c);
    if (pos == 0) return false;
    bool ok = true;
    pos += parse_fraction(text, pos, c.nanos, ok);
    if (!ok) return false;
    std::string_view zone = text.substr(pos);
    if (zone != "Z" && zone != "+00:00" && zone != "z") return false;
    out = from_civil(c);
    return true;
}

void append_sysmon_utc(std::string& out, time_ns t) {
    civil_time c = to_civil(t);
    append_date_time(out, c, '-', ' ');
    append_fraction(out, c.nanos, 3);
}

bool parse_sysmon_utc(std::string_view text, time_ns& out) {
    civil_time c{};
    std::size_t pos = parse_civil_prefix(text, '-', ' ', c);
    if (pos == 0) return false;
    bool ok = true;
    pos += parse_fraction(text, pos, c.nanos, ok);
    if (!ok || pos != text.size()) return false;
    out = from_civil(c);
    return true;
}

void append_epoch_seconds(std::string& out, time_ns t, int digits) {
    std::int64_t secs = t / ns_per_second;
    std::int64_t nanos = t % ns_per_second;
    if (nanos < 0) {
        nanos += ns_per_second;
        secs -= 1;
    }
    append_digits(out, secs, 1);
    append_fraction(out, static_cast<int>(nanos), digits);
}

bool parse_epoch_seconds(std::string_view text, time_ns& out) {
    std::size_t dot = text.find('.');
    std::string_view whole = text.substr(0, dot);
    if (whole.empty() || whole.size() > 11) return false;
    std::int64_t secs = 0;
    auto [p, ec] = std::from_chars(whole.data(), whole.data() + whole.size(), secs);
    // The bound keeps secs * ns_per_second + nanos inside time_ns (year 2262).
    if (ec != std::errc() || p != whole.data() + whole.size() || secs < 0 || secs > 9'223'372'035) return false;
    int nanos = 0;
    if (dot != std::string_view::npos) {
        bool ok = true;
        std::size_t used = parse_fraction(text, dot, nanos, ok);
        if (!ok || dot + used != text.size()) return false;
    }
    out = secs * ns_per_second + nanos;
    return true;
}

void append_civil_seconds(std::string& out, time_ns t, char date_separator) {
    append_date_time(out, to_civil(t), date_separator, ' ');
}

bool parse_civil_seconds(std::string_view text, char date_separator, time_ns& out) {
    civil_time c{};
    if (text.size() != 19 || parse_civil_prefix(text, date_separator, ' ', c) != 19) return false;
    out = from_civil(c);
    return true;
}

}  // namespace sclab::telemetry
