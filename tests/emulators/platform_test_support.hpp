// Helpers for the platform tests: the shipped profiles and lab file, requests built the way the server hands
// them to handlers, and header checks.
#pragma once

#include <regex>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

#include "emulators/http_types.hpp"
#include "emulators/lab_config.hpp"
#include "emulators/platforms/platform_profile.hpp"
#include "telemetry/clock.hpp"
#include "telemetry/random.hpp"

namespace sclab::emulators::testing {

inline std::string source_path(const std::string& relative) { return std::string(SCLAB_SOURCE_DIR) + "/" + relative; }
inline std::string test_data(const std::string& name) { return source_path("tests/emulators/data/" + name); }

inline const platforms::platform_profiles& shipped_profiles() {
    static const platforms::platform_profiles profiles =
        platforms::load_platform_profiles(source_path("emulators/profiles/platforms.json"));
    return profiles;
}

inline lab_config default_lab() { return load_lab_config(source_path("emulators/labs/default.json")); }

// 2023-11-14T22:13:20.123Z, a Tuesday; 1700000000 is 0x6553f100.
inline constexpr telemetry::time_ns fixed_time = 1'700'000'000'123'000'000;
inline constexpr std::string_view fixed_http_date = "Tue, 14 Nov 2023 22:13:20 GMT";

inline request make_request(http::verb method, std::string target, const std::string& host, std::string body = {}) {
    request req(method, target, 11);
    req.set(http::field::host, host);
    req.set(http::field::user_agent, "curl/8.4.0");
    if (!body.empty() || method == http::verb::post) {
        req.body() = std::move(body);
        req.prepare_payload();
    }
    return req;
}

inline connection_info client_connection() {
    connection_info c;
    c.client_ip = "10.20.30.40";
    c.client_port = 50123;
    c.local_ip = "127.0.0.1";
    c.local_port = 443;
    return c;
}

// The value of header `name`, or "<absent>".
inline std::string header(const response& res, std::string_view name) {
    auto it = res.find(name);
    return it == res.end() ? std::string("<absent>") : std::string(it->value());
}

inline std::vector<std::string> header_names(const response& res) {
    std::vector<std::string> names;
    for (const auto& f : res) names.emplace_back(f.name_string());
    return names;
}

inline bool matches(const std::string& text, const std::string& pattern) {
    return std::regex_match(text, std::regex(pattern));
}

inline constexpr const char* uuid_v4 = "^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$";

// A clock and a seed for one platform under test.
struct platform_env {
    telemetry::virtual_clock clock{fixed_time};
    telemetry::seeded_random random{20231114};
};

}  // namespace sclab::emulators::testing
