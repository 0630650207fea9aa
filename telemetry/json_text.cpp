#include "telemetry/json_text.hpp"

#include "telemetry/input_error.hpp"

namespace sclab::telemetry {

nlohmann::json parse_json_record(std::string_view text) {
    try {
        return nlohmann::json::parse(text.begin(), text.end());
    } catch (const nlohmann::json::exception& e) {  // parse_error, and out_of_range for a number like 1e999
        throw record_error(std::string("not valid JSON: ") + e.what());
    }
}

const nlohmann::json* json_member(const nlohmann::json& object, std::string_view key) {
    if (!object.is_object()) throw record_error("expected a JSON object");
    auto it = object.find(key);
    if (it == object.end() || it->is_null()) return nullptr;
    return &*it;
}

std::string json_get_string(const nlohmann::json& object, std::string_view key) {
    const nlohmann::json* v = json_member(object, key);
    if (v == nullptr) return {};
    if (!v->is_string()) throw record_error("field \"" + std::string(key) + "\" should be a string");
    return v->get<std::string>();
}

std::optional<std::uint64_t> json_get_uint(const nlohmann::json& object, std::string_view key) {
    const nlohmann::json* v = json_member(object, key);
    if (v == nullptr) return std::nullopt;
    if (v->is_number_unsigned()) return v->get<std::uint64_t>();
    if (v->is_number_integer() && v->get<std::int64_t>() >= 0) return static_cast<std::uint64_t>(v->get<std::int64_t>());
    if (v->is_string()) {  // some exporters quote numbers
        std::uint64_t n = 0;
        if (parse_uint(v->get_ref<const std::string&>(), n)) return n;
    }
    throw record_error("field \"" + std::string(key) + "\" should be a non-negative integer");
}

std::optional<std::int64_t> json_get_int(const nlohmann::json& object, std::string_view key) {
    const nlohmann::json* v = json_member(object, key);
    if (v == nullptr) return std::nullopt;
    if (v->is_number_integer()) return v->get<std::int64_t>();
    if (v->is_string()) {
        std::int64_t n = 0;
        if (parse_int(v->get_ref<const std::string&>(), n)) return n;
    }
    throw record_error("field \"" + std::string(key) + "\" should be an integer");
}

std::optional<bool> json_get_bool(const nlohmann::json& object, std::string_view key) {
    const nlohmann::json* v = json_member(object, key);
    if (v == nullptr) return std::nullopt;
    if (v->is_boolean()) return v->get<bool>();
    if (v->is_string()) {
        const auto& s = v->get_ref<const std::string&>();
        if (s == "true" || s == "True") return true;
        if (s == "false" || s == "False") return false;
    }
    throw record_error("field \"" + std::string(key) + "\" should be true or false");
}

std::string json_get_raw(const nlohmann::json& object, std::string_view key) {
    const nlohmann::json* v = json_member(object, key);
    return v == nullptr ? std::string() : v->dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string normalize_json_text(std::string_view raw) {
    if (raw.empty()) return {};
    return parse_json_record(raw).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace sclab::telemetry
