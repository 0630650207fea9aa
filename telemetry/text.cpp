#include "telemetry/text.hpp"

#include "telemetry/byte_scan.hpp"

#include <charconv>
#include <cstring>
#include <limits>

namespace sclab::telemetry {

void append_uint(std::string& out, std::uint64_t value) {
    char buf[24];
    auto [p, ec] = std::to_chars(buf, buf + sizeof buf, value);
    out.append(buf, p);
}

void append_int(std::string& out, std::int64_t value) {
    char buf[24];
    auto [p, ec] = std::to_chars(buf, buf + sizeof buf, value);
    out.append(buf, p);
}

bool parse_uint(std::string_view text, std::uint64_t& out) {
    if (text.empty() || text[0] < '0' || text[0] > '9') return false;
    auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
    return ec == std::errc() && p == text.data() + text.size();
}

bool parse_int(std::string_view text, std::int64_t& out) {
    if (text.empty()) return false;
    auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
    return ec == std::errc() && p == text.data() + text.size();
}

bool parse_uint_max(std::string_view text, std::uint64_t max, std::uint64_t& out) {
    return parse_uint(text, out) && out <= max;
}

void append_xml_escaped(std::string& out, std::string_view text) {
    for (char c : text) {
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '\'': out += "&apos;"; break;
            case '"': out += "&quot;"; break;
            default:
                if (static_cast<unsigned char>(c) < 0x20) {
                    out += "&#";
                    append_uint(out, static_cast<unsigned char>(c));
                    out += ';';
                } else {
                    out.push_back(c);
                }
        }
    }
}

void append_utf8(std::string& out, std::uint32_t cp) {
    if (cp < 0x80) {
        out.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
        out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
        out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
        out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
}

bool xml_unescape(std::string_view text, std::string& out) {
    out.clear();
    out.reserve(text.size());
    std::size_t i = 0;
    while (i < text.size()) {
        std::size_t amp = text.find('&', i);
        if (amp == std::string_view::npos) {
            out.append(text.substr(i));
            break;
        }
        out.append(text.substr(i, amp - i));
        std::size_t semi = text.find(';', amp);
        if (semi == std::string_view::npos || semi - amp > 12) return false;
        std::string_view name = text.substr(amp + 1, semi - amp - 1);
        if (name == "amp") out.push_back('&');
        else if (name == "lt") out.push_back('<');
        else if (name == "gt") out.push_back('>');
        else if (name == "apos") out.push_back('\'');
        else if (name == "quot") out.push_back('"');
        else if (name.size() >= 2 && name[0] == '#') {
            std::uint32_t cp = 0;
            const bool hex = name[1] == 'x' || name[1] == 'X';
            std::string_view digits = name.substr(hex ? 2 : 1);
            auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), cp, hex ? 16 : 10);
            if (digits.empty() || ec != std::errc() || p != digits.data() + digits.size() || cp > 0x10FFFF) return false;
            append_utf8(out, cp);
        } else {
            return false;
        }
        i = semi + 1;
    }
    return true;
}

void append_json_string(std::string& out, std::string_view text) {
    static constexpr char hex[] = "0123456789abcdef";
    out.push_back('"');
    std::size_t run = 0;  // start of the bytes copied as they are
    for (std::size_t i = find_control_or(text, 0, '"', '\\'); i < text.size(); i = find_control_or(text, i, '"', '\\')) {
        const auto c = static_cast<unsigned char>(text[i]);
        out.append(text.data() + run, i - run);
        run = ++i;
        switch (c) {
            case '"': out += "\\\""; break;
            case '\\': out += "\\\\"; break;
            case '\n': out += "\\n"; break;
            case '\r': out += "\\r"; break;
            case '\t': out += "\\t"; break;
            case '\b': out += "\\b"; break;
            case '\f': out += "\\f"; break;
            default:
                out += "\\u00";
                out.push_back(hex[c >> 4]);
                out.push_back(hex[c & 15]);
        }
    }
    out.append(text.data() + run, text.size() - run);
    out.push_back('"');
}

void append_hex(std::string& out, const unsigned char* data, std::size_t size) {
    static constexpr char hex[] = "0123456789abcdef";
    for (std::size_t i = 0; i < size; ++i) {
        out.push_back(hex[data[i] >> 4]);
        out.push_back(hex[data[i] & 15]);
    }
}

bool starts_with_ci(std::string_view text, std::string_view prefix) {
    if (text.size() < prefix.size()) return false;
    for (std::size_t i = 0; i < prefix.size(); ++i) {
        char a = text[i], b = prefix[i];
        if (a >= 'A' && a <= 'Z') a = static_cast<char>(a - 'A' + 'a');
        if (b >= 'A' && b <= 'Z') b = static_cast<char>(b - 'A' + 'a');
        if (a != b) return false;
    }
    return true;
}

void assign_lower(std::string& out, std::string_view text) {
    out.assign(text);
    for (char& c : out)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
}

std::string to_lower(std::string_view text) {
    std::string s;
    assign_lower(s, text);
    return s;
}

}  // namespace sclab::telemetry
