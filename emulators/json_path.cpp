#include "emulators/json_path.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>

#include "telemetry/input_error.hpp"

namespace sclab::emulators {

namespace {

bool is_identifier(std::string_view key) {
    if (key.empty()) return false;
    return std::all_of(key.begin(), key.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '$';
    });
}

std::string type_name(const ordered_json& v) {
    if (v.is_null()) return "null";
    if (v.is_boolean()) return "a boolean";
    if (v.is_number()) return "a number";
    if (v.is_string()) return "a string";
    if (v.is_array()) return "an array";
    return "an object";
}

}  // namespace

ordered_json read_json_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw telemetry::input_error(path, 0, "cannot open the file");
    std::stringstream text;
    text << in.rdbuf();
    try {
        return ordered_json::parse(text.str());
    } catch (const nlohmann::json::parse_error& e) {
        throw telemetry::input_error(path, 0, std::string("not valid JSON: ") + e.what());
    }
}

std::string json_node::member_path(std::string_view key) const {
    std::string p = path_;
    if (is_identifier(key)) {
        if (!p.empty()) p.push_back('.');
        p.append(key);
    } else {
        p.append("[").append(ordered_json(std::string(key)).dump()).append("]");
    }
    return p;
}

void json_node::fail(const std::string& reason) const {
    throw telemetry::input_error(*file_, 0, (path_.empty() ? std::string("top level") : path_) + ": " + reason);
}

void json_node::expect_object() const {
    if (!value_->is_object()) fail("expected an object, found " + type_name(*value_));
}

void json_node::expect_object(std::initializer_list<std::string_view> allowed) const {
    expect_object();
    for (const auto& [key, value] : value_->items()) {
        if (key == "$comment") continue;
        if (std::find(allowed.begin(), allowed.end(), key) != allowed.end()) continue;
        std::string known;
        for (std::string_view a : allowed) known.append(known.empty() ? "" : ", ").append(a);
        child(value, member_path(key)).fail("unknown key (expected one of: " + known + ")");
    }
}

bool json_node::has(std::string_view key) const {
    expect_object();
    auto it = value_->find(key);
    return it != value_->end() && !it->is_null();
}

json_node json_node::at(std::string_view key) const {
    std::optional<json_node> n = find(key);
    if (!n) child(*value_, member_path(key)).fail("missing");
    return *n;
}

std::optional<json_node> json_node::find(std::string_view key) const {
    expect_object();
    auto it = value_->find(key);
    if (it == value_->end() || it->is_null()) return std::nullopt;
    return child(*it, member_path(key));
}

std::vector<json_node> json_node::elements() const {
    if (!value_->is_array()) fail("expected an array, found " + type_name(*value_));
    std::vector<json_node> out;
    out.reserve(value_->size());
    for (std::size_t i = 0; i < value_->size(); ++i)
        out.push_back(child((*value_)[i], path_ + "[" + std::to_string(i) + "]"));
    return out;
}

std::vector<std::pair<std::string, json_node>> json_node::members() const {
    expect_object();
    std::vector<std::pair<std::string, json_node>> out;
    for (const auto& [key, value] : value_->items()) {
        if (key == "$comment") continue;
        out.emplace_back(key, child(value, member_path(key)));
    }
    return out;
}

std::string json_node::as_string() const {
    if (!value_->is_string()) fail("expected a string, found " + type_name(*value_));
    return value_->get<std::string>();
}

std::uint64_t json_node::as_uint(std::uint64_t min, std::uint64_t max) const {
    std::uint64_t n = 0;
    if (value_->is_number_unsigned()) n = value_->get<std::uint64_t>();
    else if (value_->is_number_integer() && value_->get<std::int64_t>() >= 0) n = value_->get<std::uint64_t>();
    else fail("expected a whole number of at least 0, found " + (value_->is_number() ? value_->dump() : type_name(*value_)));
    if (n < min || n > max)
        fail(std::to_string(n) + " is out of range (" + std::to_string(min) + " to " + std::to_string(max) + ")");
    return n;
}

bool json_node::as_bool() const {
    if (!value_->is_boolean()) fail("expected true or false, found " + type_name(*value_));
    return value_->get<bool>();
}

std::string json_node::string_or(std::string_view key, std::string fallback) const {
    std::optional<json_node> n = find(key);
    return n ? n->as_string() : std::move(fallback);
}

std::uint64_t json_node::uint_or(std::string_view key, std::uint64_t fallback, std::uint64_t min,
                                 std::uint64_t max) const {
    std::optional<json_node> n = find(key);
    return n ? n->as_uint(min, max) : fallback;
}

bool json_node::bool_or(std::string_view key, bool fallback) const {
    std::optional<json_node> n = find(key);
    return n ? n->as_bool() : fallback;
}

std::vector<std::string> json_node::strings_or_empty(std::string_view key) const {
    std::vector<std::string> out;
    if (std::optional<json_node> n = find(key))
        for (const json_node& e : n->elements()) out.push_back(e.as_string());
    return out;
}

}  // namespace sclab::emulators
