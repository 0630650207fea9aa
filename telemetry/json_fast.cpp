#include "telemetry/json_fast.hpp"

#include "telemetry/input_error.hpp"
#include "telemetry/text.hpp"

namespace sclab::telemetry {

namespace {
[[noreturn]] void wrong_type(std::string_view key, const char* what) {
    throw record_error("field \"" + std::string(key) + "\" should be " + what);
}
}  // namespace

json_element fast_json_parser::parse(std::string_view text) {
    json_element doc;
    auto error = parser_.parse(text.data(), text.size(), true).get(doc);
    if (error) throw record_error(std::string("not valid JSON: ") + simdjson::error_message(error));
    return doc;
}

std::optional<json_element> fj_member(json_element object, std::string_view key) {
    simdjson::dom::object obj;
    if (object.get_object().get(obj)) throw record_error("expected a JSON object");
    json_element value;
    if (obj.at_key(key).get(value) || value.is_null()) return std::nullopt;
    return value;
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

std::string_view fj_string(json_element object, std::string_view key) {
    auto v = fj_member(object, key);
    if (!v) return {};
    std::string_view s;
    if (v->get_string().get(s)) wrong_type(key, "a string");
    return s;
}

std::optional<std::uint64_t> fj_uint(json_element object, std::string_view key) {
    auto v = fj_member(object, key);
    if (!v) return std::nullopt;
    std::uint64_t n = 0;
    if (!v->get_uint64().get(n)) return n;
    std::string_view s;  // some exporters quote numbers
    if (!v->get_string().get(s) && parse_uint(s, n)) return n;
    wrong_type(key, "a non-negative integer");
}

std::optional<bool> fj_bool(json_element object, std::string_view key) {
    auto v = fj_member(object, key);
    if (!v) return std::nullopt;
    bool b = false;
    if (!v->get_bool().get(b)) return b;
    std::string_view s;
    if (!v->get_string().get(s)) {
        if (s == "true" || s == "True") return true;
        if (s == "false" || s == "False") return false;
    }
    wrong_type(key, "true or false");
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

}  // namespace sclab::telemetry
