#include "telemetry/formats/csv_fields.hpp"

#include "telemetry/formats/field_text.hpp"
#include "telemetry/input_error.hpp"

namespace sclab::telemetry {

namespace {
bool needs_quotes(std::string_view value) {
    for (char c : value)  // a plain loop: find_first_of calls memchr once per byte
        if (c == ',' || c == '"') return true;
    return false;
}
}  // namespace

void append_csv_field(std::string& out, std::string_view value) {
    if (!needs_quotes(value)) {
        append_one_line(out, value);
        return;
    }
    out.push_back('"');
    std::size_t run = 0;
    for (std::size_t i = 0; i < value.size(); ++i) {
        if (value[i] != '"') continue;
        append_one_line(out, value.substr(run, i + 1 - run));
        out.push_back('"');
        run = i + 1;
    }
    append_one_line(out, value.substr(run));
    out.push_back('"');
}

std::size_t split_csv_record(std::string_view line, std::vector<std::string>& fields) {
    std::size_t count = 0;
    std::size_t pos = 0;
    while (true) {
        if (fields.size() <= count) fields.emplace_back();
        std::string& field = fields[count++];
        field.clear();
        if (pos < line.size() && line[pos] == '"') {
            const std::size_t open = pos++;
            while (true) {
                std::size_t quote = line.find('"', pos);
                if (quote == std::string_view::npos)
                    throw record_error("field " + std::to_string(count) + ": quote opened at column " +
                                       std::to_string(open + 1) + " is never closed");
                field.append(line.substr(pos, quote - pos));
                if (quote + 1 < line.size() && line[quote + 1] == '"') {  // "" is one quote
                    field.push_back('"');
                    pos = quote + 2;
                    continue;
                }
                pos = quote + 1;
                break;
            }
            if (pos < line.size() && line[pos] != ',')
                throw record_error("field " + std::to_string(count) + ": text after the closing quote at column " +
                                   std::to_string(pos + 1));
        } else {
            std::size_t comma = line.find(',', pos);
            std::size_t end = comma == std::string_view::npos ? line.size() : comma;
            field.assign(line.substr(pos, end - pos));
            pos = end;
        }
        if (pos >= line.size()) break;
        ++pos;  // the comma
    }
    return count;
}

}  // namespace sclab::telemetry
