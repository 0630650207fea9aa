#include "telemetry/formats/key_value_scan.hpp"

#include "telemetry/byte_scan.hpp"
#include "telemetry/input_error.hpp"

namespace sclab::telemetry {

namespace {

// Length of the escaped sequence a backslash at text[i - 1] introduces, or 0 when it escapes nothing.
std::size_t escaped_length(std::string_view text, std::size_t i, const backslash_escaping& rule) {
    if (i >= text.size()) return 0;
    if (!rule.separator.empty() && text.substr(i).starts_with(rule.separator)) return rule.separator.size();
    return rule.escapable.find(text[i]) != std::string_view::npos ? 1 : 0;
}

// The byte a separator starts with (a backslash stands in for a rule without one).
char separator_start(const backslash_escaping& rule) { return rule.separator.empty() ? '\\' : rule.separator[0]; }

// The first byte at or after `from` the writer must look at: a backslash, the separator's first byte, CR or LF.
std::size_t next_special(std::string_view value, std::size_t from, const backslash_escaping& rule) {
    return find_any_of4(value, from, '\\', separator_start(rule), '\n', '\r');
}

}  // namespace

void append_backslash_escaped(std::string& out, std::string_view value, const backslash_escaping& rule) {
    const char sep0 = separator_start(rule);
    std::size_t run = 0;  // start of the bytes that are copied as they are
    for (std::size_t i = next_special(value, 0, rule); i < value.size(); i = next_special(value, i, rule)) {
        const char c = value[i];
        out.append(value.data() + run, i - run);
        if (c == sep0 && value.substr(i).starts_with(rule.separator)) {
            out.push_back('\\');
            out.append(rule.separator);
            i += rule.separator.size();
        } else if (c == '\\') {
            // Doubled only where a reader would take it for an escape: before an escapable character, or at the
            // end, where the separator the writer appends next would follow it.
            const bool doubled = i + 1 == value.size() || escaped_length(value, i + 1, rule) != 0;
            out.append(doubled ? "\\\\" : "\\");
            ++i;
        } else {
            out.push_back(c == '\n' || c == '\r' ? ' ' : c);
            ++i;
        }
        run = i;
    }
    out.append(value.data() + run, value.size() - run);
}

void append_backslash_escaped(staged_text& out, std::string_view value, const backslash_escaping& rule) {
    if (next_special(value, 0, rule) == value.size()) return out.put(value);
    append_backslash_escaped(out.flushed(), value, rule);
}

void append_backslash_unescaped(std::string& out, std::string_view field, const backslash_escaping& rule) {
    std::size_t i = 0;
    while (i < field.size()) {
        std::size_t backslash = field.find('\\', i);
        if (backslash == std::string_view::npos) {
            out.append(field.substr(i));
            return;
        }
        out.append(field.substr(i, backslash - i));
        std::size_t n = escaped_length(field, backslash + 1, rule);
        if (n == 0) {
            out.push_back('\\');
            i = backslash + 1;
        } else {
            out.append(field.substr(backslash + 1, n));
            i = backslash + 1 + n;
        }
    }
}

std::size_t find_unescaped_separator(std::string_view text, std::size_t pos, const backslash_escaping& rule) {
    const char sep0 = rule.separator.empty() ? '\\' : rule.separator[0];
    std::size_t i = pos;
    while (i < text.size()) {
        const char c = text[i];
        if (c == '\\') {
            i += 1 + escaped_length(text, i + 1, rule);
            continue;
        }
        if (c == sep0 && text.substr(i).starts_with(rule.separator)) return i;
        ++i;
    }
    return text.size();
}

bool key_value_scanner::next(std::string_view& key, std::string& value) {
    while (pos_ < text_.size()) {
        std::size_t end = find_unescaped_separator(text_, pos_, rule_);
        std::string_view field = text_.substr(pos_, end - pos_);
        pos_ = end + (end < text_.size() ? rule_.separator.size() : 0);
        if (field.empty()) continue;
        std::size_t eq = field.find('=');
        if (eq == std::string_view::npos)
            throw record_error("attribute '" + std::string(field.substr(0, 40)) + "' has no '=' (expected key=value)");
        if (eq == 0) throw record_error("attribute '" + std::string(field.substr(0, 40)) + "' has an empty key");
        key = field.substr(0, eq);
        value.clear();
        append_backslash_unescaped(value, field.substr(eq + 1), rule_);
        return true;
    }
    return false;
}

}  // namespace sclab::telemetry
