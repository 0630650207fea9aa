// Timestamps described by a Java date pattern, as LEEF's devTimeFormat gives them ("yyyy-MM-dd'T'HH:mm:ss.SSSZ",
// "MMM dd yyyy HH:mm:ss"). QRadar formats devTime with Java's date classes; this covers the pattern letters LEEF
// senders use: y M d H h m s S a E Z X z and 'quoted' literals.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "telemetry/event.hpp"

namespace sclab::telemetry {

// A pattern compiled once, so that a reader does not re-read devTimeFormat for every event.
class java_date_pattern {
public:
    // False, with the reason in `why`, for a letter this parser does not know or an unclosed quote.
    bool compile(std::string_view pattern, std::string& why);
    // Parses `text` into UTC nanoseconds. Returns false, with the reason in `why`, when the text does not match.
    // Fields the pattern lacks default to 1970-01-01 00:00:00 UTC. 'S' is read as fraction digits (java.time
    // semantics; the legacy SimpleDateFormat reads "SSS" the same way and differs only for other widths).
    bool parse(std::string_view text, time_ns& out, std::string& why) const;
    const std::string& pattern() const { return pattern_; }
    bool usable() const { return compiled_; }

private:
    struct element {
        char letter = 0;  // 0: a literal
        int count = 0;
        std::string literal;
    };
    std::string pattern_;
    std::vector<element> elements_;
    bool compiled_ = false;
};

// compile + parse, for one-off use.
bool parse_java_date(std::string_view pattern, std::string_view text, time_ns& out, std::string& why);

}  // namespace sclab::telemetry
