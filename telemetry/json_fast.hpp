// Fast checked JSON reading for the readers (ECS, Defender, the cloud audit formats), on simdjson's DOM.
// Same rules as json_text.hpp's nlohmann helpers: absent or null gives the empty value, a wrong type is a
// record_error naming the field. Views returned point into the parser and live until its next parse.
// Duplicate keys: lookups find the first (nlohmann kept the last); canonical_json keeps the last, as dump() did.
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
    // Parses one JSON document; a syntax error becomes a record_error. Like nlohmann, it skips a leading
    // UTF-8 byte order mark and reads integers beyond 64 bits as doubles.
    json_element parse(std::string_view text);

private:
    simdjson::dom::parser parser_;
};

// The member `key` of object `object`; nullopt when absent or null. record_error when `object` is no object.
std::optional<json_element> fj_member(json_element object, std::string_view key);
// True when `object` has the member `key`, even null.
bool fj_contains(json_element object, std::string_view key);
// Walks nested objects: fj_path(root, {"process", "parent"}).
std::optional<json_element> fj_path(json_element root, std::initializer_list<std::string_view> keys);
// A member that must be an object when present (nullopt when absent or null).
std::optional<json_element> fj_object(json_element object, std::string_view key);

std::string_view fj_string(json_element object, std::string_view key);
std::optional<std::uint64_t> fj_uint(json_element object, std::string_view key);
std::optional<std::int64_t> fj_int(json_element object, std::string_view key);
std::optional<bool> fj_bool(json_element object, std::string_view key);

// The same checks on a value already found (not null), `name` naming it in the error: for readers that walk
// an object's members once instead of looking each one up.
std::string_view fj_as_string(json_element value, std::string_view name);
std::uint64_t fj_as_uint(json_element value, std::string_view name);  // also "42": some exporters quote numbers
std::int64_t fj_as_int(json_element value, std::string_view name);
bool fj_as_bool(json_element value, std::string_view name);  // also "true", "True", "false", "False"

// An object or array member as compact JSON text, keys in document order ("" when absent or null).
std::string fj_raw(json_element object, std::string_view key);
// Compact form of JSON text, keys in document order: what fj_raw gives back for text a writer inserted.
std::string minify_json_text(std::string_view text);

// Compact JSON with object keys sorted bytewise (the last of duplicates kept), numbers and escapes exactly as
// nlohmann's dump(): the form in which the Defender and cloud audit readers keep JSON text (extras,
// requestParameters...), so what they read did not change when they moved from nlohmann to simdjson.
void append_canonical_json(std::string& out, json_element value);
std::string canonical_json(json_element value);
// A member in canonical form ("" when absent or null).
std::string fj_canonical(json_element object, std::string_view key);
// An object in canonical form without the members named in `dropped` ("{}" when none is left).
std::string canonical_json_without(json_element object, std::initializer_list<std::string_view> dropped);

}  // namespace sclab::telemetry
