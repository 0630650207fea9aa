// Checked reading of the JSON files a user edits (the lab file, the platform profiles): every error names the
// file, the JSON path of the bad value (`aws[0].functions[2].url_id`) and the reason, as an input_error.
// Objects keep their key order (nlohmann::ordered_json), because some lists (headers, ids) are ordered.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace sclab::emulators {

using ordered_json = nlohmann::ordered_json;

// Reads and parses a whole file. A missing file or a syntax error is an input_error naming the file (and
// nlohmann's line and column for a syntax error).
ordered_json read_json_file(const std::string& path);

// A value inside a document, with the path that leads to it. Cheap to copy (a pointer and the path).
class json_node {
public:
    json_node(const ordered_json& value, const std::string& file, std::string path = {})
        : value_(&value), file_(&file), path_(std::move(path)) {}

    const ordered_json& value() const { return *value_; }
    const std::string& file() const { return *file_; }
    // "aws[0].functions[2].url_id"; empty for the top level.
    const std::string& path() const { return path_; }
    // The path of a member of this object, e.g. for a message about a key that is missing.
    std::string member_path(std::string_view key) const;

    [[noreturn]] void fail(const std::string& reason) const;

    // Type checks; each fails naming this node's path.
    void expect_object() const;
    // An object whose keys are all in `allowed` ("$comment" is always allowed, for notes such as *unverified*).
    void expect_object(std::initializer_list<std::string_view> allowed) const;
    bool is_null() const { return value_->is_null(); }

    // Present and not null.
    bool has(std::string_view key) const;
    // A required member: fails "missing" when absent or null.
    json_node at(std::string_view key) const;
    std::optional<json_node> find(std::string_view key) const;
    std::vector<json_node> elements() const;                          // fails unless an array
    std::vector<std::pair<std::string, json_node>> members() const;   // fails unless an object; "$comment" skipped

    std::string as_string() const;
    std::uint64_t as_uint(std::uint64_t min = 0, std::uint64_t max = UINT64_MAX) const;
    bool as_bool() const;

    // Member shorthands: the default when the member is absent or null.
    std::string string_or(std::string_view key, std::string fallback) const;
    std::uint64_t uint_or(std::string_view key, std::uint64_t fallback, std::uint64_t min = 0,
                          std::uint64_t max = UINT64_MAX) const;
    bool bool_or(std::string_view key, bool fallback) const;
    std::vector<std::string> strings_or_empty(std::string_view key) const;

private:
    json_node child(const ordered_json& value, std::string path) const { return json_node(value, *file_, std::move(path)); }

    const ordered_json* value_;
    const std::string* file_;
    std::string path_;
};

}  // namespace sclab::emulators
