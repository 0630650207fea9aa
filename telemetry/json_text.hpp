// JSON for the formats: a fast append-only writer for the hot path, and checked field access over
// nlohmann::json for readers (a wrong type is a record_error naming the field, never an exception
// from deep inside the library).
#pragma once

#include <concepts>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "telemetry/byte_scan.hpp"
#include "telemetry/staged_text.hpp"
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

// Writes JSON values into a string, tracking commas. Keys and strings are escaped; raw() inserts JSON text the
// caller vouches for (an embedded object kept as text).
//
// Text goes through a staged_text (a record is dozens of keys, quotes and short values): the string holds
// everything written once a top-level value is complete (its last end_object(), or a scalar written at the top),
// and when the writer is destroyed; until then it may lag behind. Do not append to the string yourself while the
// writer has a value open.
class json_writer {
public:
    explicit json_writer(std::string& out) : text_(out) {}

    json_writer& begin_object() { return open('{'); }
    json_writer& end_object() { return close('}'); }
    json_writer& begin_array() { return open('['); }
    json_writer& end_array() { return close(']'); }
    json_writer& key(json_name k) {
        char* p = text_.room(json_name::max_size + 4);  // `,"name":` in one go
        if (needs_comma()) *p++ = ',';
        *p++ = '"';
        copy_short(p, k.text.data(), k.text.size());
        p += k.text.size();
        *p++ = '"';
        *p++ = ':';
        text_.advance_to(p);
        after_key_ = true;
        return *this;
    }
    template <runtime_json_name Name>
    json_writer& key(const Name& k) {
        comma();
        put_json_string(k);
        text_.put(':');
        after_key_ = true;
        return *this;
    }
    json_writer& string(std::string_view v) {
        comma();
        put_json_string(v);
        return value_written();
    }
    // A string whose text `fill` appends to the output: for values made of characters JSON never escapes (a
    // timestamp, a name joined from literals), written without a string of their own.
    template <class Fill>
    json_writer& unescaped_string(Fill fill) {
        comma();
        text_.put('"');
        fill(text_.flushed());
        text_.put('"');
        return value_written();
    }
    json_writer& number(std::uint64_t v) {
        comma();
        text_.put_number(v);
        return value_written();
    }
    json_writer& number(std::int64_t v) {
        comma();
        text_.put_number(v);
        return value_written();
    }
    json_writer& boolean(bool v) {
        comma();
        text_.put(v ? std::string_view("true") : std::string_view("false"));
        return value_written();
    }
    json_writer& null() {
        comma();
        text_.put("null");
        return value_written();
    }
    // JSON text inserted as is (e.g. a kept requestParameters object). Empty text writes null.
    json_writer& raw(std::string_view json) {
        comma();
        text_.put(json.empty() ? std::string_view("null") : json);
        return value_written();
    }

    // Shorthands that skip empty values, for formats whose exporters omit empty fields.
    json_writer& field(json_name k, std::string_view v) { return key(k).string(v); }
    json_writer& field_if(json_name k, std::string_view v) { return v.empty() ? *this : field(k, v); }
    template <runtime_json_name Name>
    json_writer& field(const Name& k, std::string_view v) { return key(k).string(v); }
    template <runtime_json_name Name>
    json_writer& field_if(const Name& k, std::string_view v) { return v.empty() ? *this : field(k, v); }

private:
    static_assert(json_name::max_size + 4 <= staged_text::capacity);

    // The common string needs no escaping and is copied in one piece; one that does goes through
    // append_json_string.
    void put_json_string(std::string_view v) {
        if (find_control_or(v, 0, '"', '\\') == v.size()) {
            text_.put('"');
            text_.put(v);
            text_.put('"');
        } else {
            append_json_string(text_.flushed(), v);
        }
    }
    json_writer& open(char c) {
        comma();
        text_.put(c);
        first_ = true;
        ++depth_;
        return *this;
    }
    json_writer& close(char c) {
        text_.put(c);
        first_ = false;
        after_key_ = false;
        if (depth_ > 0) --depth_;
        return value_written();
    }
    // A value is complete: at the top level the string gets it now.
    json_writer& value_written() {
        if (depth_ == 0) text_.flush();
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
        if (needs_comma()) text_.put(',');
    }

    staged_text text_;
    std::size_t depth_ = 0;
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
