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
// a scope holds a few dozen short values. A platform keeps one scope and reset()s it for each request: the values
// keep their buffers, so a warm scope sets and renders without allocating.
class template_scope {
public:
    template_scope(telemetry::seeded_random& random, telemetry::time_ns now) : random_(random), now_(now) {}
    // Platforms hold scopes by reference (platform_handler::new_scope); a copy would be a bug.
    template_scope(const template_scope&) = delete;
    template_scope& operator=(const template_scope&) = delete;

    // Forgets every value (keeping the buffers) and moves the scope to time `now`.
    void reset(telemetry::time_ns now);
    // Sets or replaces `name`.
    void set(std::string_view name, std::string_view value);
    // Sets `name` to the empty string and returns it, for the caller to append the value to. The reference is
    // valid until the next set() or assign() of a name the scope does not hold yet.
    std::string& assign(std::string_view name);
    // Null when the scope has no such value.
    const std::string* find(std::string_view name) const;

    // A buffer to render into before set(): a value's template may name the value itself (its earlier value).
    std::string& scratch() { return scratch_; }

    telemetry::seeded_random& random() { return random_; }
    telemetry::time_ns now() const { return now_; }

private:
    struct value {
        std::string name;
        std::string text;
        bool present = false;  // false: forgotten by reset(), the buffer kept for reuse
    };
    value* slot(std::string_view name);

    telemetry::seeded_random& random_;
    telemetry::time_ns now_;
    std::vector<value> values_;
    std::size_t next_ = 0;  // where slot() looks first: a platform sets its values in the same order every request
    std::string scratch_;
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
void append_http_date(std::string& out, telemetry::time_ns t);

}  // namespace sclab::emulators::platforms
