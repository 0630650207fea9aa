#include "telemetry/formats/java_date_format.hpp"

#include <array>
#include <vector>

#include "telemetry/text.hpp"
#include "telemetry/time_format.hpp"

namespace sclab::telemetry {

namespace {

bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

template <class Element>
bool numeric(const Element& e) {
    switch (e.letter) {
        case 'y': case 'd': case 'H': case 'h': case 'm': case 's': case 'S': return true;
        case 'M': return e.count <= 2;
        default: return false;
    }
}

template <class Element>
bool tokenize(std::string_view pattern, std::vector<Element>& out, std::string& why) {
    std::size_t i = 0;
    while (i < pattern.size()) {
        char c = pattern[i];
        if (c == '\'') {
            Element lit;
            if (i + 1 < pattern.size() && pattern[i + 1] == '\'') {  // '' is a quote
                lit.literal = "'";
                i += 2;
            } else {
                std::size_t close = pattern.find('\'', i + 1);
                if (close == std::string_view::npos) {
                    why = "devTimeFormat has an unclosed quote";
                    return false;
                }
                lit.literal = std::string(pattern.substr(i + 1, close - i - 1));
                i = close + 1;
            }
            out.push_back(std::move(lit));
        } else if (is_alpha(c)) {
            static constexpr std::string_view known = "yMdHhmsSaEZXz";
            if (known.find(c) == std::string_view::npos) {
                why = std::string("devTimeFormat letter '") + c + "' is not supported";
                return false;
            }
            Element f;
            f.letter = c;
            while (i < pattern.size() && pattern[i] == c) ++f.count, ++i;
            out.push_back(std::move(f));
        } else {
            Element lit;
            lit.literal = std::string(1, c);
            out.push_back(std::move(lit));
            ++i;
        }
    }
    return true;
}

int days_in_month(int y, int m) {
    static constexpr std::array<int, 12> days = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)) return 29;
    return days[static_cast<std::size_t>(m - 1)];
}

// Month names and AM/PM, case-insensitive; returns the number of characters matched, 0 for none.
std::size_t match_word(std::string_view text, std::string_view word) {
    return starts_with_ci(text, word) ? word.size() : 0;
}

// "+hh", "+hhmm", "+hh:mm", "Z", "UTC", "GMT" and "GMT+hh:mm"; offset in seconds east of UTC.
bool parse_zone(std::string_view text, std::size_t& used, long long& offset) {
    offset = 0;
    std::size_t i = 0;
    if (starts_with_ci(text, "UTC") || starts_with_ci(text, "GMT")) {
        i = 3;
        if (i >= text.size() || (text[i] != '+' && text[i] != '-')) {
            used = i;
            return true;
        }
    } else if (!text.empty() && (text[0] == 'Z' || text[0] == 'z')) {
        used = 1;
        return true;
    }
    if (i >= text.size() || (text[i] != '+' && text[i] != '-')) return false;
    const int sign = text[i] == '-' ? -1 : 1;
    ++i;
    if (i + 2 > text.size() || !is_digit(text[i]) || !is_digit(text[i + 1])) return false;
    long long hours = (text[i] - '0') * 10 + (text[i + 1] - '0');
    i += 2;
    long long minutes = 0;
    if (i < text.size() && text[i] == ':') ++i;
    if (i + 2 <= text.size() && is_digit(text[i]) && is_digit(text[i + 1])) {
        minutes = (text[i] - '0') * 10 + (text[i + 1] - '0');
        i += 2;
    }
    if (hours > 18 || minutes > 59) return false;
    offset = sign * (hours * 3600 + minutes * 60);
    used = i;
    return true;
}

}  // namespace

bool java_date_pattern::compile(std::string_view pattern, std::string& why) {
    pattern_.assign(pattern);
    elements_.clear();
    compiled_ = tokenize(pattern, elements_, why);
    return compiled_;
}

bool parse_java_date(std::string_view pattern, std::string_view text, time_ns& out, std::string& why) {
    java_date_pattern p;
    return p.compile(pattern, why) && p.parse(text, out, why);
}

bool java_date_pattern::parse(std::string_view text, time_ns& out, std::string& why) const {
    if (!compiled_) {
        why = "devTimeFormat '" + pattern_ + "' is not usable";
        return false;
    }
    const std::string_view pattern = pattern_;
    const std::vector<element>& elements = elements_;
    civil_time c{1970, 1, 1, 0, 0, 0, 0};
    int hour12 = -1;
    bool pm = false, have_ampm = false;
    long long offset = 0;
    std::size_t pos = 0;
    auto fail = [&](std::string_view what) {
        why = "devTime '" + std::string(text) + "' does not match devTimeFormat '" + std::string(pattern) + "' (" +
              std::string(what) + ")";
        return false;
    };
    for (std::size_t k = 0; k < elements.size(); ++k) {
        const element& e = elements[k];
        std::string_view rest = text.substr(pos);
        if (e.letter == 0) {
            if (!rest.starts_with(e.literal)) return fail("expected '" + e.literal + "'");
            pos += e.literal.size();
            continue;
        }
        if (numeric(e)) {
            // Adjacent numeric fields ("yyyyMMdd") take exactly their width; otherwise as many digits as there are.
            const bool fixed = k + 1 < elements.size() && numeric(elements[k + 1]);
            std::size_t max = fixed ? static_cast<std::size_t>(e.count) : (e.letter == 'S' ? 9 : 10);
            std::size_t n = 0;
            while (n < rest.size() && n < max && is_digit(rest[n])) ++n;
            if (n == 0 || (fixed && n != max)) return fail(std::string("expected digits for '") + e.letter + "'");
            long long v = 0;
            for (std::size_t j = 0; j < n; ++j) v = v * 10 + (rest[j] - '0');
            switch (e.letter) {
                case 'y': c.year = static_cast<int>(e.count == 2 && n == 2 ? 2000 + v : v); break;
                case 'M': c.month = static_cast<int>(v); break;
                case 'd': c.day = static_cast<int>(v); break;
                case 'H': c.hour = static_cast<int>(v); break;
                case 'h': hour12 = static_cast<int>(v); break;
                case 'm': c.minute = static_cast<int>(v); break;
                case 's': c.second = static_cast<int>(v); break;
                case 'S':
                    if (n > 9) return fail("more than 9 fraction digits");
                    for (std::size_t d = n; d < 9; ++d) v *= 10;
                    c.nanos = static_cast<int>(v);
                    break;
                default: break;
            }
            pos += n;
            continue;
        }
        std::size_t used = 0;
        switch (e.letter) {
            case 'M': {
                static constexpr std::array<std::string_view, 12> full = {
                    "January", "February", "March",     "April",   "May",      "June",
                    "July",    "August",   "September", "October", "November", "December"};
                for (std::size_t m = 0; m < 12 && used == 0; ++m) {
                    used = match_word(rest, full[m]);
                    if (used == 0) used = match_word(rest, full[m].substr(0, 3));
                    if (used) c.month = static_cast<int>(m + 1);
                }
                if (used == 0) return fail("expected a month name");
                break;
            }
            case 'E':
                while (used < rest.size() && is_alpha(rest[used])) ++used;
                if (used == 0) return fail("expected a day name");
                break;
            case 'a':
                if ((used = match_word(rest, "AM"))) pm = false;
                else if ((used = match_word(rest, "PM"))) pm = true;
                else return fail("expected AM or PM");
                have_ampm = true;
                break;
            default:  // Z X z
                if (!parse_zone(rest, used, offset))
                    return fail("expected a UTC offset like +0000 or Z; zone names other than UTC/GMT are not supported");
                break;
        }
        pos += used;
    }
    if (pos != text.size()) return fail("unexpected text after the pattern");
    if (hour12 >= 0) {
        if (hour12 < 1 || hour12 > 12) return fail("hour out of range");
        c.hour = (hour12 % 12) + (have_ampm && pm ? 12 : 0);
    }
    if (c.month < 1 || c.month > 12 || c.day < 1 || c.day > days_in_month(c.year, c.month) || c.hour > 23 ||
        c.minute > 59 || c.second > 60)
        return fail("a field is out of range");
    out = from_civil(c) - offset * ns_per_second;
    return true;
}

}  // namespace sclab::telemetry
