#include "telemetry/formats/cloud_audit_json.hpp"

#include <algorithm>

#include "telemetry/input_error.hpp"
#include "telemetry/time_format.hpp"

namespace sclab::telemetry {

namespace {

bool two_digits(std::string_view text, std::size_t pos, int& out) {
    if (pos + 2 > text.size() || text[pos] < '0' || text[pos] > '9' || text[pos + 1] < '0' || text[pos + 1] > '9')
        return false;
    out = (text[pos] - '0') * 10 + (text[pos + 1] - '0');
    return true;
}

// The level an extra belongs to: the longest prefix that leaves a non-empty member name.
std::size_t level_of(std::string_view key, std::span<const json_level> levels) {
    std::size_t best = levels.size(), best_length = 0;
    for (std::size_t i = 0; i < levels.size(); ++i) {
        std::string_view p = levels[i].prefix;
        if (key.size() > p.size() && key.starts_with(p) && (best == levels.size() || p.size() > best_length)) {
            best = i;
            best_length = p.size();
        }
    }
    return best;
}

// True when the writer writes this extra (generically or in place) rather than dropping it as a clash
// with a modeled member.
bool extra_is_kept(std::string_view key, std::span<const json_level> levels) {
    std::size_t level = level_of(key, levels);
    if (level == levels.size()) return false;
    return !contains(levels[level].modeled, key.substr(levels[level].prefix.size()));
}

}  // namespace

bool parse_rfc3339(std::string_view text, time_ns& out) {
    // parse_iso8601 takes Z and +00:00; other offsets are applied here.
    const std::size_t n = text.size();
    if (n > 6 && (text[n - 6] == '+' || text[n - 6] == '-') && text[n - 3] == ':') {
        int hours = 0, minutes = 0;
        if (!two_digits(text, n - 5, hours) || !two_digits(text, n - 2, minutes) || hours > 23 || minutes > 59)
            return false;
        char local[48];
        std::string_view civil = text.substr(0, n - 6);
        if (civil.size() + 1 > sizeof local) return false;
        std::copy(civil.begin(), civil.end(), local);
        local[civil.size()] = 'Z';
        time_ns t = 0;
        if (!parse_iso8601(std::string_view(local, civil.size() + 1), t)) return false;
        const time_ns offset = (hours * 3600LL + minutes * 60LL) * ns_per_second;
        out = text[n - 6] == '+' ? t - offset : t + offset;
        return true;
    }
    return parse_iso8601(text, out);
}

time_ns required_rfc3339(json_element object, std::string_view key) {
    std::string_view text = fj_string(object, key);
    if (text.empty()) throw record_error("missing \"" + std::string(key) + "\"");
    time_ns t = 0;
    if (!parse_rfc3339(text, t))
        throw record_error("\"" + std::string(key) + "\" is not an RFC 3339 time: " + std::string(text));
    return t;
}

audit_record_reader::audit_record_reader(std::string path, const read_options& options,
                                         const json_stream_options& stream_options, audit_record_parser parser)
    : problems_(options), stream_(std::move(path), stream_options, problems_), parser_(parser) {}

bool audit_record_reader::next(event& out) {
    std::string_view text;
    std::uint64_t line = 0;
    while (stream_.next(text, line)) {
        out = event{};
        try {
            parser_(json_.parse(text), out);
            return true;
        } catch (const record_error& e) {
            problems_.report(stream_.name(), line, stream_.label() + e.what());
        }
    }
    return false;
}

bool contains(std::span<const std::string_view> names, std::string_view name) {
    return std::find(names.begin(), names.end(), name) != names.end();
}

void collect_extras(json_element object, const json_level& level, event& out) {
    simdjson::dom::object members;
    if (object.get_object().get(members)) throw record_error("expected a JSON object");
    const std::size_t first = out.extra.size();
    for (auto [key, value] : members) {
        if (contains(level.modeled, key)) continue;
        std::string name(level.prefix);
        name += key;
        // Of duplicate members the first is read, as for modeled ones.
        if (std::any_of(out.extra.begin() + static_cast<std::ptrdiff_t>(first), out.extra.end(),
                        [&](const auto& kv) { return kv.first == name; }))
            continue;
        out.extra.emplace_back(std::move(name), canonical_json(value));
    }
}

void write_extra_value(json_writer& w, std::string_view value) {
    nlohmann::json parsed = nlohmann::json::parse(value.begin(), value.end(), nullptr, false);
    if (parsed.is_discarded()) w.string(value);
    else w.raw(parsed.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

std::string extra_as_written(std::string_view value) {
    nlohmann::json parsed = nlohmann::json::parse(value.begin(), value.end(), nullptr, false);
    if (parsed.is_discarded()) parsed = std::string(value);
    return parsed.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string valid_extra(const event& e, std::string_view key) {
    std::string_view value = e.extra_value(key);
    if (value.empty()) return {};
    nlohmann::json parsed = nlohmann::json::parse(value.begin(), value.end(), nullptr, false);
    if (parsed.is_discarded()) return {};
    return parsed.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

void write_extras(json_writer& w, const event& e, std::span<const json_level> levels, std::size_t level) {
    const json_level& here = levels[level];
    for (const auto& [key, value] : e.extra) {
        if (level_of(key, levels) != level) continue;
        std::string_view member = std::string_view(key).substr(here.prefix.size());
        if (contains(here.modeled, member) || contains(here.placed, member)) continue;
        w.key(member);
        write_extra_value(w, value);
    }
}

void sort_extras(event& e) { std::sort(e.extra.begin(), e.extra.end()); }

event retained_cloud_event(const event& e, std::string_view provider, time_ns time_unit,
                           std::span<const json_level> levels) {
    event r;
    r.kind = e.kind;
    r.time = truncate_time(e.time, time_unit);
    r.cloud = e.cloud;
    cloud_audit_info& c = r.cloud;
    c.provider = provider;
    for (std::string* raw : {&c.request_parameters, &c.response_elements, &c.metadata, &c.old_value, &c.new_value})
        *raw = normalize_json_text(*raw);
    for (const auto& [key, value] : e.extra)
        if (extra_is_kept(key, levels)) r.extra.emplace_back(key, extra_as_written(value));
    sort_extras(r);
    return r;
}

}  // namespace sclab::telemetry
