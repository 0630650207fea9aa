// The platform profiles: everything about how a platform looks on the wire that is a fact rather than
// behaviour (header sets and their order, id shapes, Server strings, colo codes, limits, status codes and error
// bodies) lives in a JSON file a user can edit, emulators/profiles/platforms.json. The code loads it here and
// each platform compiles the parts it uses with a profile_renderer.
//
// File shape (every object may carry a "$comment", used to mark *unverified* facts):
//   { "profiles": { "<name>": {
//       "extends": "<an earlier profile>",       optional: start from a copy of it
//       "limits": { "body_bytes": 104857600, ... },
//       "colos": ["LHR", ...],                   optional: one is chosen per run for ${colo}
//       "settings": { "<key>": "<text>" },
//       "ids": { "<name>": "<template>" },       per-request values, computed in order (may name earlier ids)
//       "headers": [["<Header-Name>", "<template>"], ...],   in wire order; a header rendering empty is left out
//       "extra_headers": [[...]],                appended to the inherited headers
//       "responses": { "<name>": {
//           "status": 403, "reason": "Moved Temporarily", "content_type": "<template>",
//           "headers": [[...]] (after the common ones), "drop_headers": ["<name>"],
//           "body": "<template>" or "body_file": "<path relative to the profile file>",
//           "values": { "<name>": "<template>" }   names for this response's templates } } } } }
// With "extends", "responses" merge by name; every other key replaces the parent's.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "emulators/http_types.hpp"
#include "emulators/platforms/text_template.hpp"

namespace sclab::emulators::platforms {

// Template text as the file gave it, with the JSON path it came from (for error messages).
struct template_text {
    std::string text;
    std::string where;
};

struct header_spec {
    std::string name;
    template_text value;
};

struct response_spec {
    unsigned status = 0;  // 0: the code decides (e.g. the relay's 200, 404 or 405)
    std::string reason;   // empty: the standard reason phrase
    std::optional<template_text> content_type;
    std::vector<header_spec> headers;
    std::vector<std::string> drop_headers;
    std::optional<template_text> body;  // absent: the code supplies the body
    std::vector<std::pair<std::string, template_text>> values;
};

struct platform_profile {
    std::string name;
    std::string file;  // the profiles file, for messages
    std::map<std::string, std::uint64_t, std::less<>> limits;
    std::vector<std::string> colos;
    std::map<std::string, std::string, std::less<>> settings;
    std::vector<std::pair<std::string, template_text>> ids;
    std::vector<header_spec> headers;
    std::map<std::string, response_spec, std::less<>> responses;

    // A limit or setting the platform's code requires; missing is an input_error naming the JSON path.
    std::uint64_t limit(std::string_view key) const;
    std::optional<std::uint64_t> find_limit(std::string_view key) const;
    const std::string& setting(std::string_view key) const;
    const std::string* find_setting(std::string_view key) const;
};

class platform_profiles {
public:
    std::string file;
    std::map<std::string, platform_profile, std::less<>> profiles;

    // The profile a platform needs; missing is an input_error naming the file and the profile.
    const platform_profile& get(std::string_view name) const;
    const platform_profile* find(std::string_view name) const;
};

// Reads and validates a profiles file. Throws telemetry::input_error naming the file, the JSON path and the reason.
platform_profiles load_platform_profiles(const std::string& path);

// A platform profile compiled for one platform's code: every template is checked against the names that
// platform supplies, so a typo in the profile is an error at start-up rather than an empty header later.
class profile_renderer {
public:
    // Values every platform sets in its scopes: date, host, method, path, path_html, target, client_ip,
    // connection, colo, utc_time. Set while rendering: content_type, content_length, status.
    static const std::vector<std::string>& standard_values();

    // `code_values`: the extra names this platform's code sets in its scopes (e.g. "location" for Apps Script).
    // `random` picks the profile's colo for the run (when it lists colos).
    profile_renderer(const platform_profile& profile, std::vector<std::string> code_values,
                     telemetry::seeded_random& random);

    const platform_profile& profile() const { return *profile_; }
    // The profile's limits a request is checked against, looked up once here (by name, each was a map lookup:
    // a dozen per request). Absent: the profile sets none.
    struct request_limits {
        std::optional<std::uint64_t> url_bytes;
        std::optional<std::uint64_t> header_bytes;
        std::optional<std::uint64_t> body_bytes;
        std::optional<std::uint64_t> response_bytes;
    };
    const request_limits& limits() const { return limits_; }
    // The body limit, which every platform's profile must set (an input_error naming the profile otherwise).
    std::uint64_t body_limit() const { return limits_.body_bytes ? *limits_.body_bytes : profile_->limit("body_bytes"); }
    bool has_response(std::string_view name) const;
    // Fails with an input_error naming the profile unless it defines every one of `responses`; platforms call
    // it once at construction for the responses their code renders.
    void require(std::initializer_list<std::string_view> responses) const;
    // The same for ids whose values the code reads from the scope (e.g. Lambda's request_id).
    void require_ids(std::initializer_list<std::string_view> ids) const;

    // Sets ${colo} and computes the profile's ids into `scope`, in order.
    void add_ids(template_scope& scope) const;
    // The colo this profile's responses are "served" from in this run (empty when the profile lists none).
    const std::string& colo() const { return colo_; }
    // Writes response `name` (which must exist: compile-time names come from the code): the profile's status
    // (or `status` when the profile leaves it to the code), its headers in order, and its body (or `body` when
    // the profile leaves it to the code). `head`: a HEAD answer, with the length of the body it leaves out.
    void render(response& res, std::string_view name, template_scope& scope, std::string body = {},
                unsigned status = 200, bool head = false) const;

private:
    struct compiled_header {
        std::string name;
        http::field field;  // Beast's code for `name`, looked up once here rather than on every insert
        text_template value;
    };
    struct compiled_response {
        unsigned status = 0;
        std::string reason;
        std::optional<text_template> content_type;
        std::vector<compiled_header> headers;  // the common ones it keeps, then its own
        std::optional<text_template> body;
        std::vector<std::pair<std::string, text_template>> values;
    };

    const platform_profile* profile_;
    request_limits limits_;
    std::string colo_;
    std::vector<std::pair<std::string, text_template>> ids_;
    std::map<std::string, compiled_response, std::less<>> responses_;
};

}  // namespace sclab::emulators::platforms
