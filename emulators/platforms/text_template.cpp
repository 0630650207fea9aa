#include "emulators/platforms/text_template.hpp"

#include <algorithm>
#include <array>

#include "emulators/control/audit_event.hpp"
#include "telemetry/input_error.hpp"
#include "telemetry/random.hpp"
#include "telemetry/text.hpp"
#include "telemetry/time_format.hpp"

namespace sclab::emulators::platforms {

namespace {

constexpr std::string_view lower_alnum = "abcdefghijklmnopqrstuvwxyz0123456789";
constexpr std::string_view upper_alnum = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
constexpr std::string_view decimal = "0123456789";
constexpr std::string_view base64_chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr std::string_view base64url_chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
constexpr std::size_t max_generated = 4096;  // a generator longer than this is a typo in the profile

// Base64 characters with + and / percent-encoded, as in a query string. Indexes 62 and 63 are + and /; the other
// 62 are one byte, so the common case is one store, and the rare one three.
void append_drawn_percent_encoded(std::string& out, telemetry::seeded_random& random, std::size_t n) {
    static_assert(base64_chars[62] == '+' && base64_chars[63] == '/');
    const std::size_t from = out.size();
    out.resize(from + 3 * n);  // the longest it can be; cut after
    char* p = out.data() + from;
    telemetry::index_drawer<base64_chars.size()>(random).draw(n, [&p](std::size_t index) {
        if (index < 62) {
            *p++ = base64_chars[index];
        } else {
            p[0] = '%';
            p[1] = '2';
            p[2] = index == 62 ? 'B' : 'F';
            p += 3;
        }
    });
    out.resize(static_cast<std::size_t>(p - out.data()));
}

}  // namespace

void template_scope::reset(telemetry::time_ns now) {
    now_ = now;
    next_ = 0;
    for (value& v : values_) v.present = false;
}

namespace {

// Names differ mostly in length or first letter: both are compared before a call to memcmp.
bool same_name(const std::string& held, std::string_view name) {
    return held.size() == name.size() && (name.empty() || held[0] == name[0]) && std::string_view(held) == name;
}

}  // namespace

template_scope::value* template_scope::slot(std::string_view name) {
    if (next_ < values_.size() && same_name(values_[next_].name, name)) return &values_[next_++];
    for (std::size_t i = 0; i < values_.size(); ++i) {
        if (same_name(values_[i].name, name)) {
            next_ = i + 1;
            return &values_[i];
        }
    }
    return nullptr;
}

void template_scope::set(std::string_view name, std::string_view text) {
    if (value* v = slot(name)) {
        v->text.assign(text);
        v->present = true;
    } else {
        values_.push_back(value{std::string(name), std::string(text), true});  // copies `text` before values_ grows
        next_ = values_.size();
    }
}

std::string& template_scope::assign(std::string_view name) {
    value* v = slot(name);
    if (v == nullptr) {
        v = &values_.emplace_back(value{std::string(name), {}, false});
        next_ = values_.size();
    }
    v->present = true;
    v->text.clear();
    return v->text;
}

const std::string* template_scope::find(std::string_view name) const {
    for (const value& v : values_)
        if (v.present && same_name(v.name, name)) return &v.text;
    return nullptr;
}

text_template text_template::compile(std::string_view text, const name_check& known, const std::string& file,
                                     const std::string& where) {
    auto fail = [&](const std::string& reason) -> void {
        throw telemetry::input_error(file, 0, where + ": " + reason + " in template \"" + std::string(text) + "\"");
    };
    text_template t;
    std::size_t pos = 0;
    while (pos < text.size()) {
        std::size_t open = text.find("${", pos);
        std::size_t literal_end = open == std::string_view::npos ? text.size() : open;
        if (literal_end > pos) {
            if (!t.segments_.empty() && t.segments_.back().kind == part::literal)
                t.segments_.back().text.append(text.substr(pos, literal_end - pos));
            else
                t.segments_.push_back({part::literal, std::string(text.substr(pos, literal_end - pos))});
        }
        if (open == std::string_view::npos) break;
        std::size_t close = text.find('}', open + 2);
        if (close == std::string_view::npos) fail("unclosed ${");
        std::string_view ref = text.substr(open + 2, close - open - 2);
        pos = close + 1;

        std::size_t colon = ref.find(':');
        std::string_view head = ref.substr(0, colon);
        if (colon != std::string_view::npos) {
            static constexpr std::array<std::pair<std::string_view, part>, 7> counted{{{"hex", part::hex},
                                                                                      {"alnum", part::alnum},
                                                                                      {"upper", part::upper},
                                                                                      {"digits", part::digits},
                                                                                      {"b64", part::b64},
                                                                                      {"b64url", part::b64url},
                                                                                      {"b64pct", part::b64pct}}};
            std::uint64_t n = 0;
            const auto* kind = std::find_if(counted.begin(), counted.end(), [&](const auto& c) { return c.first == head; });
            if (kind == counted.end()) fail("unknown generator \"" + std::string(head) + "\"");
            if (!telemetry::parse_uint(ref.substr(colon + 1), n) || n == 0 || n > max_generated)
                fail("\"" + std::string(ref) + "\" needs a length from 1 to " + std::to_string(max_generated));
            t.segments_.push_back({kind->second, {}, static_cast<std::size_t>(n)});
        } else if (ref == "uuid") {
            t.segments_.push_back({part::uuid, {}});
        } else if (ref == "epoch_hex") {
            t.segments_.push_back({part::epoch_hex, {}});
        } else if (ref == "epoch_ms") {
            t.segments_.push_back({part::epoch_ms, {}});
        } else {
            if (ref.empty()) fail("empty ${}");
            if (!known(ref)) fail("unknown name \"" + std::string(ref) + "\"");
            t.segments_.push_back({part::value, std::string(ref)});
        }
    }
    return t;
}

void text_template::render(std::string& out, template_scope& scope) const {
    for (const segment& s : segments_) {
        switch (s.kind) {
        case part::literal: out.append(s.text); break;
        case part::value:
            if (const std::string* v = scope.find(s.text)) out.append(*v);
            break;
        case part::hex: scope.random().append_hex(out, s.count); break;
        case part::alnum: telemetry::append_drawn<lower_alnum>(out, scope.random(), s.count); break;
        case part::upper: telemetry::append_drawn<upper_alnum>(out, scope.random(), s.count); break;
        case part::digits: telemetry::append_drawn<decimal>(out, scope.random(), s.count); break;
        case part::b64: telemetry::append_drawn<base64_chars>(out, scope.random(), s.count); break;
        case part::b64url: telemetry::append_drawn<base64url_chars>(out, scope.random(), s.count); break;
        case part::b64pct: append_drawn_percent_encoded(out, scope.random(), s.count); break;
        case part::uuid: out.append(control::random_uuid(scope.random())); break;
        case part::epoch_hex: {
            static constexpr char digits[] = "0123456789abcdef";
            auto seconds = static_cast<std::uint64_t>(scope.now() / 1'000'000'000);
            for (int shift = 28; shift >= 0; shift -= 4) out.push_back(digits[(seconds >> shift) & 15]);
            break;
        }
        case part::epoch_ms: telemetry::append_int(out, scope.now() / 1'000'000); break;
        }
    }
}

std::vector<std::string> text_template::names() const {
    std::vector<std::string> out;
    for (const segment& s : segments_)
        if (s.kind == part::value) out.push_back(s.text);
    return out;
}

std::string http_date(telemetry::time_ns t) {
    std::string out;
    out.reserve(29);
    append_http_date(out, t);
    return out;
}

void append_http_date(std::string& out, telemetry::time_ns t) {
    static constexpr std::string_view days[] = {"Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"};  // 1970-01-01 was a Thursday
    telemetry::civil_time c = telemetry::to_civil(t);
    std::int64_t day_number = t / 86'400'000'000'000;
    if (t < 0 && t % 86'400'000'000'000 != 0) --day_number;
    std::int64_t weekday = ((day_number % 7) + 7) % 7;
    out.append(days[weekday]).append(", ");
    telemetry::append_two_digits(out, c.day);
    out.append(" ").append(telemetry::month_abbreviation(c.month)).append(" ");
    telemetry::append_int(out, c.year);
    out.push_back(' ');
    telemetry::append_clock_time(out, c);
    out.append(" GMT");
}

}  // namespace sclab::emulators::platforms
