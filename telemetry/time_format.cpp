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

// A timestamp's characters, formatted on the stack and appended to the string in one piece: timestamps are
// written several times per record, and a std::string append per component cost more than the arithmetic.
class time_text {
public:
    void put(char c) { *end_++ = c; }
    // `value` in decimal, zero-padded to `width` (at most 20).
    void digits(long long value, int width) {
        char buf[24];
        char* const last = buf + sizeof buf;
        char* p = last;
        unsigned long long v = value < 0 ? 0ULL - static_cast<unsigned long long>(value) : static_cast<unsigned long long>(value);
        do {
            *--p = static_cast<char>('0' + v % 10);
            v /= 10;
        } while (v != 0);
        while (last - p < width && p > buf + 1) *--p = '0';
        if (value < 0) *--p = '-';
        while (p < last) *end_++ = *p++;
    }
    // Exactly two digits of 0..99 (anything else in full).
    void two_digits(int value) {
        if (value < 0 || value > 99) return digits(value, 2);
        end_[0] = static_cast<char>('0' + value / 10);
        end_[1] = static_cast<char>('0' + value % 10);
        end_ += 2;
    }
    void clock_time(const civil_time& c) {
        two_digits(c.hour);
        put(':');
        two_digits(c.minute);
        put(':');
        two_digits(c.second);
    }
    void date_time(const civil_time& c, char date_sep, char time_sep) {
        digits(c.year, 4);
        put(date_sep);
        two_digits(c.month);
        put(date_sep);
        two_digits(c.day);
        put(time_sep);
        clock_time(c);
    }
    void fraction(int nanos, int width) {
        if (width <= 0) return;
        int v = nanos;
        for (int d = width; d < 9; ++d) v /= 10;
        put('.');
        digits(v, width);
    }
    void append_to(std::string& out) const { out.append(text_, static_cast<std::size_t>(end_ - text_)); }

private:
    // The longest: a date and time whose every field is out of range (21 + 5 * 11 + 5) and a fraction (10), a zone.
    char text_[128];
    char* end_ = text_;
};

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

}  // namespace

std::string_view month_abbreviation(int month) {
    static constexpr std::string_view months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                  "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    return months[month - 1];
}

void append_two_digits(std::string& out, int value) {
    time_text text;
    text.two_digits(value);
    text.append_to(out);
}

void append_clock_time(std::string& out, const civil_time& c) {
    time_text text;
    text.clock_time(c);
    text.append_to(out);
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
    const civil_time c = to_civil(t);
    time_text text;
    text.date_time(c, '-', 'T');
    text.fraction(c.nanos, digits);
    text.put('Z');
    text.append_to(out);
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
    const civil_time c = to_civil(t);
    time_text text;
    text.date_time(c, '-', ' ');
    text.fraction(c.nanos, 3);
    text.append_to(out);
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
    time_text text;
    text.digits(secs, 1);
    text.fraction(static_cast<int>(nanos), digits);
    text.append_to(out);
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
    time_text text;
    text.date_time(to_civil(t), date_separator, ' ');
    text.append_to(out);
}

bool parse_civil_seconds(std::string_view text, char date_separator, time_ns& out) {
    civil_time c{};
    if (text.size() != 19 || parse_civil_prefix(text, date_separator, ' ', c) != 19) return false;
    out = from_civil(c);
    return true;
}

}  // namespace sclab::telemetry
