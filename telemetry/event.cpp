#include "telemetry/event.hpp"

#include <array>

namespace sclab::telemetry {

namespace {
constexpr std::array<std::string_view, event_kind_count> kind_names = {
    "process_creation", "network_connection", "dns_query",    "file_creation",
    "script_block",     "network_session",    "http_request", "cloud_audit",
};
}

std::string_view to_string(event_kind kind) { return kind_names[static_cast<std::size_t>(kind)]; }

bool parse_event_kind(std::string_view text, event_kind& out) {
    for (std::size_t i = 0; i < kind_names.size(); ++i) {
        if (kind_names[i] == text) {
            out = static_cast<event_kind>(i);
            return true;
        }
    }
    return false;
}

std::string_view event::extra_value(std::string_view key) const {
    for (const auto& [k, v] : extra)
        if (k == key) return v;
    return {};
}

void event::set_extra(std::string key, std::string value) {
    for (auto& [k, v] : extra) {
        if (k == key) {
            v = std::move(value);
            return;
        }
    }
    extra.emplace_back(std::move(key), std::move(value));
}

}  // namespace sclab::telemetry
