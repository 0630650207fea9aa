#include "telemetry/json_fast.hpp"

#include <algorithm>
#include <vector>

#include <nlohmann/json.hpp>

#include "telemetry/input_error.hpp"
#include "telemetry/text.hpp"

namespace sclab::telemetry {

namespace {

[[noreturn]] void wrong_type(std::string_view key, const char* what) {
    throw record_error("field \"" + std::string(key) + "\" should be " + what);
}

[[noreturn]] void not_json(const char* reason) { throw record_error(std::string("not valid JSON: ") + reason); }

simdjson::dom::object as_object(json_element object) {
    simdjson::dom::object obj;
    if (object.get_object().get(obj)) throw record_error("expected a JSON object");
    return obj;
}

bool dropped_member(std::string_view key, std::initializer_list<std::string_view> dropped) {
    return std::find(dropped.begin(), dropped.end(), key) != dropped.end();
}

void append_canonical_object(std::string& out, simdjson::dom::object object,
                             std::initializer_list<std::string_view> dropped = {}) {
    auto emit = [&out](std::string_view key, json_element value) {
        append_json_string(out, key);
        out.push_back(':');
        append_canonical_json(out, value);
    };
    // Kept JSON text that sclab wrote is canonical already: only other producers' objects pay for sorting.
    bool sorted = true;
    std::string_view previous;
    bool first = true;
    for (auto field : object) {
        if (!first && !(previous < field.key)) {
            sorted = false;
            break;
        }
        previous = field.key;
        first = false;
    }
    out.push_back('{');
    first = true;
    if (sorted) {
        for (auto field : object) {
            if (dropped_member(field.key, dropped)) continue;
            if (!first) out.push_back(',');
            first = false;
            emit(field.key, field.value);
        }
    } else {
        std::vector<simdjson::dom::key_value_pair> fields(object.begin(), object.end());
        std::stable_sort(fields.begin(), fields.end(), [](const auto& a, const auto& b) { return a.key < b.key; });
        for (std::size_t i = 0; i < fields.size(); ++i) {
            if (i + 1 < fields.size() && fields[i + 1].key == fields[i].key) continue;  // the last duplicate wins
            if (dropped_member(fields[i].key, dropped)) continue;
            if (!first) out.push_back(',');
            first = false;
            emit(fields[i].key, fields[i].value);
        }
    }
    out.push_back('}');
}

}  // namespace

json_element fast_json_parser::parse(std::string_view text) {
    if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);  // Windows tools write one; nlohmann skipped it
    json_element doc;
    auto error = parser_.parse(text.data(), text.size(), true).get(doc);
    if (error == simdjson::NUMBER_ERROR) {
        // simdjson refuses integers beyond 64 bits, which nlohmann (like JavaScript) reads as doubles. Rare:
        // such a document pays for an nlohmann parse and is read again as nlohmann writes it back (keys
        // sorted, of duplicate keys the last).
        std::string again;
        try {
            again = nlohmann::json::parse(text.begin(), text.end()).dump();
        } catch (const nlohmann::json::exception& e) {  // parse_error, and out_of_range for 1e999
            not_json(e.what());
        }
        error = parser_.parse(again.data(), again.size(), true).get(doc);
    }
    if (error) not_json(simdjson::error_message(error));
    return doc;
}

std::optional<json_element> fj_member(json_element object, std::string_view key) {
    json_element value;
    if (as_object(object).at_key(key).get(value) || value.is_null()) return std::nullopt;
    return value;
}

bool fj_contains(json_element object, std::string_view key) {
    json_element value;
    return !as_object(object).at_key(key).get(value);
}

std::optional<json_element> fj_path(json_element root, std::initializer_list<std::string_view> keys) {
    std::optional<json_element> at = root;
    for (std::string_view k : keys) {
        if (!at->is_object()) return std::nullopt;
        at = fj_member(*at, k);
        if (!at) return std::nullopt;
    }
    return at;
}

std::optional<json_element> fj_object(json_element object, std::string_view key) {
    auto v = fj_member(object, key);
    if (v && !v->is_object()) wrong_type(key, "an object");
    return v;
}

std::string_view fj_as_string(json_element value, std::string_view name) {
    std::string_view s;
    if (value.get_string().get(s)) wrong_type(name, "a string");
    return s;
}

std::uint64_t fj_as_uint(json_element value, std::string_view name) {
    std::uint64_t n = 0;
    if (!value.get_uint64().get(n)) return n;
    std::string_view s;
    if (!value.get_string().get(s) && parse_uint(s, n)) return n;
    wrong_type(name, "a non-negative integer");
}

std::int64_t fj_as_int(json_element value, std::string_view name) {
    std::int64_t n = 0;
    if (!value.get_int64().get(n)) return n;
    std::string_view s;
    if (!value.get_string().get(s) && parse_int(s, n)) return n;
    wrong_type(name, "an integer");
}

bool fj_as_bool(json_element value, std::string_view name) {
    bool b = false;
    if (!value.get_bool().get(b)) return b;
    std::string_view s;
    if (!value.get_string().get(s)) {
        if (s == "true" || s == "True") return true;
        if (s == "false" || s == "False") return false;
    }
    wrong_type(name, "true or false");
}

std::string_view fj_string(json_element object, std::string_view key) {
    auto v = fj_member(object, key);
    return v ? fj_as_string(*v, key) : std::string_view();
}

std::optional<std::uint64_t> fj_uint(json_element object, std::string_view key) {
    auto v = fj_member(object, key);
    if (!v) return std::nullopt;
    return fj_as_uint(*v, key);
}

std::optional<std::int64_t> fj_int(json_element object, std::string_view key) {
    auto v = fj_member(object, key);
    if (!v) return std::nullopt;
    return fj_as_int(*v, key);
}

std::optional<bool> fj_bool(json_element object, std::string_view key) {
    auto v = fj_member(object, key);
    if (!v) return std::nullopt;
    return fj_as_bool(*v, key);
}

std::string fj_raw(json_element object, std::string_view key) {
    auto v = fj_member(object, key);
    return v ? simdjson::minify(*v) : std::string();
}

std::string minify_json_text(std::string_view text) {
    if (text.empty()) return {};
    fast_json_parser parser;
    return simdjson::minify(parser.parse(text));
}

void append_canonical_json(std::string& out, json_element value) {
    simdjson::dom::object object;
    simdjson::dom::array array;
    std::string_view text;
    std::int64_t signed_number = 0;
    std::uint64_t number = 0;
    bool flag = false;
    if (!value.get_object().get(object)) {
        append_canonical_object(out, object);
    } else if (!value.get_array().get(array)) {
        out.push_back('[');
        bool first = true;
        for (json_element item : array) {
            if (!first) out.push_back(',');
            first = false;
            append_canonical_json(out, item);
        }
        out.push_back(']');
    } else if (!value.get_string().get(text)) {
        append_json_string(out, text);  // escapes as dump() does
    } else if (value.is_int64() && !value.get_int64().get(signed_number)) {
        append_int(out, signed_number);
    } else if (value.is_uint64() && !value.get_uint64().get(number)) {
        append_uint(out, number);
    } else if (!value.get_bool().get(flag)) {
        out += flag ? "true" : "false";
    } else if (value.is_null()) {
        out += "null";
    } else {
        out += simdjson::minify(value);  // a double: simdjson prints them as nlohmann does
    }
}

std::string canonical_json(json_element value) {
    std::string out;
    append_canonical_json(out, value);
    return out;
}

std::string fj_canonical(json_element object, std::string_view key) {
    auto v = fj_member(object, key);
    return v ? canonical_json(*v) : std::string();
}

std::string canonical_json_without(json_element object, std::initializer_list<std::string_view> dropped) {
    std::string out;
    append_canonical_object(out, as_object(object), dropped);
    return out;
}

}  // namespace sclab::telemetry
