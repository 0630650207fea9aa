// key=value attribute lists with backslash escapes, as LEEF (and CEF) writers produce them:
//   src=10.0.0.5<TAB>usrName=CORP\alice<TAB>msg=a\<TAB>b
// A backslash escapes the separator and the characters a rule names; before anything else it is an ordinary
// character. Real senders rarely escape a Windows "DOMAIN\user", so reading "CORP\alice" literally matters, and
// the writer doubles a backslash only where a reader would otherwise take it for an escape.
#pragma once

#include <string>
#include <string_view>

#include "telemetry/staged_text.hpp"

namespace sclab::telemetry {

struct backslash_escaping {
    std::string_view separator;  // ends a field (a LEEF delimiter may be several UTF-8 bytes)
    std::string_view escapable;  // single characters "\x" stands for, besides the separator
};

// Appends `value` so that reading it back with the same rule gives `value` again; CR and LF become spaces.
void append_backslash_escaped(std::string& out, std::string_view value, const backslash_escaping& rule);
// The same into staged text: a value with nothing to escape (almost every one) is staged as one piece.
void append_backslash_escaped(staged_text& out, std::string_view value, const backslash_escaping& rule);
// Appends `field` with its escapes resolved.
void append_backslash_unescaped(std::string& out, std::string_view field, const backslash_escaping& rule);
// Where the field that starts at `pos` ends: the first separator no backslash escapes, or text.size().
std::size_t find_unescaped_separator(std::string_view text, std::size_t pos, const backslash_escaping& rule);

// Walks key=value pairs separated by `rule.separator`. Keys are taken as written; values are unescaped.
class key_value_scanner {
public:
    key_value_scanner(std::string_view text, const backslash_escaping& rule) : text_(text), rule_(rule) {}
    // The next pair (empty fields between separators are skipped). False at the end. Throws record_error for a
    // field with no '=' or an empty key.
    bool next(std::string_view& key, std::string& value);

private:
    std::string_view text_;
    backslash_escaping rule_;
    std::size_t pos_ = 0;
};

}  // namespace sclab::telemetry
