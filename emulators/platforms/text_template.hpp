// The `${name}` templates of the platform profiles: header values, ids and bodies are data in
// emulators/profiles/platforms.json, and the code only supplies the values a platform's behaviour decides.
//
// A template is literal text with `${...}` references. A reference is either a value the scope holds (a
// request value such as `${date}` or `${host}`, a profile id such as `${ray_id}`, a response value such as
// `${error_code}`) or a generator drawn from the run's seeded random generator:
//   ${hex:N}     N lowercase hex digits           ${alnum:N}   N characters of [a-z0-9]
//   ${upper:N}   N characters of [0-9A-Z]          ${digits:N}  N decimal digits
//   ${b64:N}     N characters of the base64 alphabet   ${b64url:N} N characters of [A-Za-z0-9_-]
//   ${b64pct:N}  N base64 characters with + and / percent-encoded (%2B, %2F), as in a query string
//   ${uuid}      a version 4 UUID                  ${epoch_hex} the current Unix time, 8 hex digits
//   ${epoch_ms}  the current Unix time in milliseconds
// A `$` not followed by `{` is literal.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "telemetry/event.hpp"
#include "telemetry/random.hpp"

namespace sclab::emulators::platforms {

// The values templates may name for one request, with the generator state they draw from. Lookups are linear:
// a scope holds a few dozen short values.
class template_scope {
public:
    template_scope(telemetry::seeded_random& random, telemetry::time_ns now) : random_(random), now_(now) {}

    // Sets or replaces `name`.
    void set(std::string_view name, std::string value);
    // Null when the scope has no such value.
    const std::string* find(std::string_view name) const;

    telemetry::seeded_random& random() { return random_; }
    telemetry::time_ns now() const { return now_; }

private:
    telemetry::seeded_random& random_;
    telemetry::time_ns now_;
    std::vector<std::pair<std::string, std::string>> values_;
};

class text_template {
public:
    // True when a reference names something the template may use (checked when the template is compiled).
    using name_check = std::function<bool(std::string_view name)>;

    text_template() = default;
    // Compiles `text`. A malformed reference, a bad generator or a name `known` rejects throws input_error
    // naming `file` and the JSON path `where`.
    static text_template compile(std::string_view text, const name_check& known, const std::string& file,
                                 const std::string& where);

    // Appends the rendered text. A value the scope lacks renders as nothing (compile() has already checked
    // that the platform supplies every name it uses).
    void render(std::string& out, template_scope& scope) const;
    std::string render(template_scope& scope) const {
        std::string out;
        render(out, scope);
        return out;
    }
    // The value names (not generators) the template refers to.
    std::vector<std::string> names() const;

private:
    enum class part : std::uint8_t {
        literal, value, hex, alnum, upper, digits, b64, b64url, b64pct, uuid, epoch_hex, epoch_ms
    };
    struct segment {
        part kind;
        std::string text;  // the literal, or the value's name
        std::size_t count = 0;
    };
    std::vector<segment> segments_;
};

// The HTTP Date header form (RFC 9110 IMF-fixdate): "Sun, 06 Nov 1994 08:49:37 GMT".
std::string http_date(telemetry::time_ns t);

}  // namespace sclab::emulators::platforms
