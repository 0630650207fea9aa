#include "emulators/platforms/platform_profile.hpp"

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <span>
#include <sstream>
#include <stdexcept>

#include "emulators/json_path.hpp"
#include "telemetry/input_error.hpp"
#include "telemetry/text.hpp"

namespace sclab::emulators::platforms {

namespace {

bool is_token(std::string_view name) {
    return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               std::string_view("!#$%&'*+.^_`|~-").find(c) != std::string_view::npos;
    });
}

template_text template_of(const json_node& node) { return template_text{node.as_string(), node.path()}; }

std::vector<header_spec> parse_headers(const json_node& node) {
    std::vector<header_spec> out;
    for (const json_node& pair : node.elements()) {
        std::vector<json_node> parts = pair.elements();
        if (parts.size() != 2) pair.fail("expected [\"Header-Name\", \"value template\"]");
        std::string name = parts[0].as_string();
        if (!is_token(name)) parts[0].fail("\"" + name + "\" is not a valid header name");
        out.push_back({std::move(name), template_of(parts[1])});
    }
    return out;
}

std::string read_body_file(const json_node& node, const std::filesystem::path& dir) {
    std::filesystem::path file = dir / node.as_string();
    std::ifstream in(file, std::ios::binary);
    if (!in) node.fail("cannot read the body file " + file.string());
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

response_spec parse_response(const json_node& node, const std::filesystem::path& dir) {
    node.expect_object({"status", "reason", "content_type", "headers", "drop_headers", "body", "body_file", "values"});
    response_spec r;
    r.status = static_cast<unsigned>(node.uint_or("status", 0, 0, 599));
    if (r.status != 0 && r.status < 100) node.at("status").fail("an HTTP status is from 100 to 599");
    r.reason = node.string_or("reason", {});
    if (auto ct = node.find("content_type")) r.content_type = template_of(*ct);
    if (auto h = node.find("headers")) r.headers = parse_headers(*h);
    r.drop_headers = node.strings_or_empty("drop_headers");
    auto body = node.find("body");
    auto body_file = node.find("body_file");
    if (body && body_file) body_file->fail("give either body or body_file, not both");
    if (body) r.body = template_of(*body);
    if (body_file) r.body = template_text{read_body_file(*body_file, dir), body_file->path()};
    if (auto values = node.find("values"))
        for (const auto& [name, value] : values->members()) r.values.emplace_back(name, template_of(value));
    return r;
}

void parse_profile(const json_node& node, platform_profile& p, const std::filesystem::path& dir) {
    node.expect_object({"extends", "limits", "colos", "settings", "ids", "headers", "extra_headers", "responses"});
    if (auto limits = node.find("limits")) {
        p.limits.clear();
        for (const auto& [key, value] : limits->members()) p.limits[key] = value.as_uint();
    }
    if (auto colos = node.find("colos")) {
        p.colos.clear();
        for (const json_node& c : colos->elements()) {
            std::string code = c.as_string();
            if (code.size() != 3 || !std::all_of(code.begin(), code.end(), [](char ch) { return ch >= 'A' && ch <= 'Z'; }))
                c.fail("a colo is a 3-letter uppercase IATA code, not \"" + code + "\"");
            p.colos.push_back(std::move(code));
        }
    }
    if (auto settings = node.find("settings")) {
        p.settings.clear();
        for (const auto& [key, value] : settings->members()) p.settings[key] = value.as_string();
    }
    if (auto ids = node.find("ids")) {
        p.ids.clear();
        for (const auto& [key, value] : ids->members()) p.ids.emplace_back(key, template_of(value));
    }
    if (auto headers = node.find("headers")) p.headers = parse_headers(*headers);
    if (auto extra = node.find("extra_headers")) {
        std::vector<header_spec> more = parse_headers(*extra);
        p.headers.insert(p.headers.end(), more.begin(), more.end());
    }
    if (auto responses = node.find("responses"))
        for (const auto& [key, value] : responses->members()) p.responses[key] = parse_response(value, dir);
}

[[noreturn]] void missing(const platform_profile& p, std::string_view section, std::string_view key) {
    throw telemetry::input_error(p.file, 0,
                                 "profiles." + p.name + "." + std::string(section) + "." + std::string(key) +
                                     ": missing (the " + p.name + " platform needs it)");
}

bool contains_ci(const std::vector<std::string>& names, std::string_view name) {
    return std::any_of(names.begin(), names.end(), [&](const std::string& n) {
        return n.size() == name.size() && telemetry::starts_with_ci(n, name);
    });
}

// A header value cannot hold a line break: a value (a Host echoed into Location, say) that has one gets spaces.
void replace_line_breaks(std::string& value) {
    // Two memchr scans first: values almost never have one, and memchr is many times faster than replace_if.
    const bool has_break = std::memchr(value.data(), '\n', value.size()) != nullptr ||
                           std::memchr(value.data(), '\r', value.size()) != nullptr;
    if (!has_break) return;
    std::replace_if(value.begin(), value.end(), [](char c) { return c == '\r' || c == '\n'; }, ' ');
}

// Renders `t` into the scope's scratch buffer, then sets `name`: the template may name the value it replaces.
void set_rendered(template_scope& scope, std::string_view name, const text_template& t) {
    std::string& text = scope.scratch();
    text.clear();
    t.render(text, scope);
    scope.set(name, text);
}

}  // namespace

std::uint64_t platform_profile::limit(std::string_view key) const {
    auto it = limits.find(key);
    if (it == limits.end()) missing(*this, "limits", key);
    return it->second;
}

std::optional<std::uint64_t> platform_profile::find_limit(std::string_view key) const {
    auto it = limits.find(key);
    if (it == limits.end()) return std::nullopt;
    return it->second;
}

const std::string& platform_profile::setting(std::string_view key) const {
    const std::string* s = find_setting(key);
    if (s == nullptr) missing(*this, "settings", key);
    return *s;
}

const std::string* platform_profile::find_setting(std::string_view key) const {
    auto it = settings.find(key);
    return it == settings.end() ? nullptr : &it->second;
}

const platform_profile& platform_profiles::get(std::string_view name) const {
    const platform_profile* p = find(name);
    if (p == nullptr)
        throw telemetry::input_error(file, 0, "profiles." + std::string(name) + ": missing (the platform needs it)");
    return *p;
}

const platform_profile* platform_profiles::find(std::string_view name) const {
    auto it = profiles.find(name);
    return it == profiles.end() ? nullptr : &it->second;
}

platform_profiles load_platform_profiles(const std::string& path) {
    const std::string file = path;
    ordered_json doc = read_json_file(file);
    json_node root(doc, file);
    root.expect_object({"profiles"});
    const std::filesystem::path dir = std::filesystem::path(file).parent_path();

    platform_profiles out;
    out.file = file;
    for (const auto& [name, node] : root.at("profiles").members()) {
        platform_profile p;
        if (auto parent = node.find("extends")) {
            const platform_profile* base = out.find(parent->as_string());
            if (base == nullptr) parent->fail("no earlier profile is named \"" + parent->as_string() + "\"");
            p = *base;
        }
        p.name = name;
        p.file = file;
        parse_profile(node, p, dir);
        out.profiles[name] = std::move(p);
    }
    return out;
}

const std::vector<std::string>& profile_renderer::standard_values() {
    static const std::vector<std::string> names{"date",      "host",      "method",     "path",  "path_html",
                                                "target",    "client_ip", "connection", "colo",  "utc_time"};
    return names;
}

profile_renderer::profile_renderer(const platform_profile& profile, std::vector<std::string> code_values,
                                   telemetry::seeded_random& random)
    : profile_(&profile),
      limits_{profile.find_limit("url_bytes"), profile.find_limit("header_bytes"), profile.find_limit("body_bytes"),
              profile.find_limit("response_bytes")} {
    if (!profile.colos.empty())
        colo_ = random.pick(std::span<const std::string>(profile.colos.data(), profile.colos.size()));
    std::vector<std::string> known = standard_values();
    known.insert(known.end(), code_values.begin(), code_values.end());
    auto check = [](const std::vector<std::string>& names) {
        return [&names](std::string_view n) { return std::find(names.begin(), names.end(), n) != names.end(); };
    };

    for (const auto& [name, text] : profile.ids) {  // an id may name the ids before it
        ids_.emplace_back(name, text_template::compile(text.text, check(known), profile.file, text.where));
        known.push_back(name);
    }
    for (const char* n : {"content_type", "content_length", "status"}) known.emplace_back(n);

    std::vector<compiled_header> common;
    for (const header_spec& h : profile.headers)
        common.push_back({h.name, http::string_to_field(h.name),
                          text_template::compile(h.value.text, check(known), profile.file, h.value.where)});

    for (const auto& [name, spec] : profile.responses) {
        compiled_response r;
        r.status = spec.status;
        r.reason = spec.reason;
        std::vector<std::string> names = known;
        for (const auto& [value_name, text] : spec.values) {  // a value may name the values before it
            r.values.emplace_back(value_name, text_template::compile(text.text, check(names), profile.file, text.where));
            names.push_back(value_name);
        }
        if (spec.content_type)
            r.content_type = text_template::compile(spec.content_type->text, check(names), profile.file, spec.content_type->where);
        for (const compiled_header& h : common)
            if (!contains_ci(spec.drop_headers, h.name)) r.headers.push_back(h);
        for (const header_spec& h : spec.headers)
            r.headers.push_back({h.name, http::string_to_field(h.name),
                                 text_template::compile(h.value.text, check(names), profile.file, h.value.where)});
        if (spec.body) r.body = text_template::compile(spec.body->text, check(names), profile.file, spec.body->where);
        responses_.emplace(name, std::move(r));
    }
}

bool profile_renderer::has_response(std::string_view name) const { return responses_.count(name) != 0; }

void profile_renderer::require(std::initializer_list<std::string_view> responses) const {
    for (std::string_view r : responses)
        if (!has_response(r)) missing(*profile_, "responses", r);
}

void profile_renderer::require_ids(std::initializer_list<std::string_view> ids) const {
    for (std::string_view id : ids)
        if (std::none_of(ids_.begin(), ids_.end(), [&](const auto& i) { return i.first == id; })) missing(*profile_, "ids", id);
}

void profile_renderer::add_ids(template_scope& scope) const {
    scope.set("colo", colo_);
    for (const auto& [name, t] : ids_) set_rendered(scope, name, t);
}

void profile_renderer::render(response& res, std::string_view name, template_scope& scope, std::string body,
                              unsigned status, bool head) const {
    auto it = responses_.find(name);
    if (it == responses_.end())  // the code asked for a response require() did not check: a bug, not a user error
        throw std::logic_error("profile " + profile_->name + " has no response " + std::string(name));
    const compiled_response& r = it->second;

    for (const auto& [value_name, t] : r.values) set_rendered(scope, value_name, t);
    if (r.status != 0) status = r.status;
    res.result(status);
    if (!r.reason.empty()) res.reason(r.reason);
    telemetry::append_uint(scope.assign("status"), status);
    if (r.content_type) set_rendered(scope, "content_type", *r.content_type);
    else scope.set("content_type", {});
    if (r.body) {
        body.clear();
        r.body->render(body, scope);
    }
    telemetry::append_uint(scope.assign("content_length"), body.size());

    res.clear();
    std::string& value = scope.scratch();
    for (const compiled_header& h : r.headers) {
        value.clear();
        h.value.render(value, scope);
        replace_line_breaks(value);
        if (!value.empty()) res.insert(h.field, h.name, value);
    }
    if (head) body.clear();
    res.body() = std::move(body);
}

}  // namespace sclab::emulators::platforms
