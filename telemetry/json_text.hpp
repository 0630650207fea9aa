// JSON for the formats: a fast append-only writer for the hot path, and checked field access over
// nlohmann::json for readers (a wrong type is a record_error naming the field, never an exception
// from deep inside the library).
#pragma once

#include <concepts>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "telemetry/text.hpp"

namespace sclab::telemetry {

// A member name written in the code as a string literal. Checked when the program is compiled (consteval): it
// needs no JSON escaping, so the writer copies it as it is. Names known only at run time (an event's extra
// fields, a caller's parameter) go through the std::string_view overloads, which escape.
struct json_name {
    static constexpr std::size_t max_size = 64;  // the writer copies `,"name":` through a buffer this size
    template <std::size_t N>
    consteval json_name(const char (&literal)[N]) : text(literal, N - 1) {
        if (text.size() > max_size) throw "a json_name literal is longer than json_name::max_size";
        for (char c : text)
            if (c == '"' || c == '\\' || static_cast<unsigned char>(c) < 0x20)
                throw "a json_name literal must not need escaping";  // a compile error, never thrown at run time
    }
    std::string_view text;
};

// A name known only at run time: std::string, std::string_view (not a literal: those are json_names).
template <class T>
concept runtime_json_name = std::same_as<T, std::string> || std::same_as<T, std::string_view>;

// Writes one JSON value into a string, tracking commas. Keys and strings are escaped; raw() inserts
// JSON text the caller vouches for (an embedded object kept as text).
class json_writer {
public:
    explicit json_writer(std::string& out) : out_(out) {}

    json_writer& begin_object() { return open('{'); }
    json_writer& end_object() { return close('}'); }
    json_writer& begin_array() { return open('['); }
    json_writer& end_array() { return close(']'); }
    json_writer& key(json_name k) {
        // `,"name":` assembled on the stack and appended at once: one capacity check and one copy into the
        // output instead of four (a record has dozens of keys).
        char text[json_name::max_size + 4];
        std::size_t n = 0;
        if (needs_comma()) text[n++] = ',';
        text[n++] = '"';
        std::memcpy(text + n, k.text.data(), k.text.size());
        n += k.text.size();
        text[n++] = '"';
        text[n++] = ':';
        out_.append(text, n);
        after_key_ = true;
        return *this;
    }
    template <runtime_json_name Name>
    json_writer& key(const Name& k) {
        comma();
        append_json_string(out_, k);
        out_.push_back(':');
        after_key_ = true;
        return *this;
    }
    json_writer& string(std::string_view v) {
        comma();
        append_json_string(out_, v);
        return *this;
    }
    // A string whose text `fill` appends to the output: for values made of characters JSON never escapes (a
    // timestamp, a name joined from literals), written without a string of their own.
    template <class Fill>
    json_writer& unescaped_string(Fill fill) {
        comma();
        out_.push_back('"');
        fill(out_);
        out_.push_back('"');
        return *this;
    }
    json_writer& number(std::uint64_t v) {
        comma();
        append_uint(out_, v);
        return *this;
    }
    json_writer& number(std::int64_t v) {
        comma();
        append_int(out_, v);
        return *this;
    }
    json_writer& boolean(bool v) {
        comma();
        out_ += v ? "true" : "false";
        return *this;
    }
    json_writer& null() {
        comma();
        out_ += "null";
        return *this;
    }
    // JSON text inserted as is (e.g. a kept requestParameters object). Empty text writes null.
    json_writer& raw(std::string_view json) {
        comma();
        if (json.empty()) out_ += "null";
        else out_.append(json);
        return *this;
    }

    // Shorthands that skip empty values, for formats whose exporters omit empty fields.
    json_writer& field(json_name k, std::string_view v) { return key(k).string(v); }
    json_writer& field_if(json_name k, std::string_view v) { return v.empty() ? *this : field(k, v); }
    template <runtime_json_name Name>
    json_writer& field(const Name& k, std::string_view v) { return key(k).string(v); }
    template <runtime_json_name Name>
    json_writer& field_if(const Name& k, std::string_view v) { return v.empty() ? *this : field(k, v); }

private:
    json_writer& open(char c) {
        comma();
        out_.push_back(c);
        first_ = true;
        return *this;
    }
    json_writer& close(char c) {
        out_.push_back(c);
        first_ = false;
        after_key_ = false;
        return *this;
    }
    // Whether the next value needs a comma before it; the value counts as written.
    bool needs_comma() {
        const bool needed = !first_ && !after_key_;
        after_key_ = false;
        first_ = false;
        return needed;
    }
    void comma() {
        if (needs_comma()) out_.push_back(',');
    }

    std::string& out_;
    bool first_ = true;
    bool after_key_ = false;
};

// Parses one JSON document; a syntax error becomes a record_error with nlohmann's position and reason.
nlohmann::json parse_json_record(std::string_view text);

// Checked access. Absent or null gives the empty/nullopt value; a wrong type throws record_error naming `key`.
const nlohmann::json* json_member(const nlohmann::json& object, std::string_view key);
std::string json_get_string(const nlohmann::json& object, std::string_view key);
std::optional<std::uint64_t> json_get_uint(const nlohmann::json& object, std::string_view key);
std::optional<std::int64_t> json_get_int(const nlohmann::json& object, std::string_view key);
std::optional<bool> json_get_bool(const nlohmann::json& object, std::string_view key);
// An object or array member kept as compact JSON text ("" when absent or null).
std::string json_get_raw(const nlohmann::json& object, std::string_view key);
// Compact JSON text of `raw` re-serialised, so kept JSON compares equal however the input spaced it.
std::string normalize_json_text(std::string_view raw);

}  // namespace sclab::telemetry
