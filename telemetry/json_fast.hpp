// Fast checked JSON reading for the hot readers (ECS, the hub every stage reads), on simdjson's DOM.
// Same rules as json_text.hpp's nlohmann helpers: absent or null gives the empty value, a wrong type is a
// record_error naming the field. Views returned point into the parser and live until its next parse.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <simdjson.h>

namespace sclab::telemetry {

using json_element = simdjson::dom::element;

class fast_json_parser {
public:
    // Parses one JSON document; a syntax error becomes a record_error.
    json_element parse(std::string_view text);

private:
    simdjson::dom::parser parser_;
};

// The member `key` of object `object`; nullopt when absent or null. record_error when `object` is no object.
std::optional<json_element> fj_member(json_element object, std::string_view key);
// Walks nested objects: fj_path(root, {"process", "parent"}).
std::optional<json_element> fj_path(json_element root, std::initializer_list<std::string_view> keys);

std::string_view fj_string(json_element object, std::string_view key);
std::optional<std::uint64_t> fj_uint(json_element object, std::string_view key);
std::optional<bool> fj_bool(json_element object, std::string_view key);
// An object or array member as compact JSON text, keys in document order ("" when absent or null).
std::string fj_raw(json_element object, std::string_view key);
// Compact form of JSON text, keys in document order: what fj_raw gives back for text a writer inserted.
std::string minify_json_text(std::string_view text);

}  // namespace sclab::telemetry
