#include "telemetry/formats/field_text.hpp"

#include "telemetry/input_error.hpp"
#include "telemetry/text.hpp"

namespace sclab::telemetry {

std::uint64_t parse_count_field(std::string_view text, std::string_view field) {
    std::uint64_t v = 0;
    if (!parse_uint(text, v)) throw record_error(std::string(field) + " is not a count: '" + std::string(text) + "'");
    return v;
}

std::uint16_t parse_port_field(std::string_view text, std::string_view field) {
    std::uint64_t v = 0;
    if (!parse_uint_max(text, 65535, v))
        throw record_error(std::string(field) + " is not a port number (0-65535): '" + std::string(text) + "'");
    return static_cast<std::uint16_t>(v);
}

int hex_digit_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

void append_one_line(std::string& out, std::string_view text) {
    std::size_t run = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '\n' && text[i] != '\r') continue;
        out.append(text.data() + run, i - run);
        out.push_back(' ');
        run = i + 1;
    }
    out.append(text.data() + run, text.size() - run);
}

std::string one_line(std::string_view text) {
    std::string s;
    s.reserve(text.size());
    append_one_line(s, text);
    return s;
}

const std::string* find_extra(const event& e, std::string_view key) {
    for (const auto& [k, v] : e.extra)
        if (k == key) return &v;
    return nullptr;
}

}  // namespace sclab::telemetry
