#include "emulators/control/audit_event.hpp"

#include "telemetry/text.hpp"

namespace sclab::emulators::control {

telemetry::event new_audit_event(telemetry::time_ns time, std::string_view provider, const connection_info& conn,
                                 const request& req) {
    telemetry::event e;
    e.kind = telemetry::event_kind::cloud_audit;
    e.time = time;
    e.cloud.provider = provider;
    e.cloud.source_ip = conn.client_ip;
    const auto agent = req.find(http::field::user_agent);
    if (agent != req.end()) e.cloud.user_agent = agent->value();
    return e;
}

std::string random_uuid(telemetry::seeded_random& random) {
    std::uint64_t hi = random.next_u64();
    std::uint64_t lo = random.next_u64();
    hi = (hi & ~0xf000ULL) | 0x4000ULL;                        // version 4
    lo = (lo & ~(3ULL << 62)) | (2ULL << 62);                 // RFC 4122 variant
    unsigned char bytes[16];
    for (int i = 0; i < 8; ++i) {
        bytes[i] = static_cast<unsigned char>(hi >> (56 - 8 * i));
        bytes[8 + i] = static_cast<unsigned char>(lo >> (56 - 8 * i));
    }
    std::string out;
    out.reserve(36);
    telemetry::append_hex(out, bytes, 4);
    out.push_back('-');
    telemetry::append_hex(out, bytes + 4, 2);
    out.push_back('-');
    telemetry::append_hex(out, bytes + 6, 2);
    out.push_back('-');
    telemetry::append_hex(out, bytes + 8, 2);
    out.push_back('-');
    telemetry::append_hex(out, bytes + 10, 6);
    return out;
}

std::string_view bearer_token(const request& req) {
    const auto header = req.find(http::field::authorization);
    if (header == req.end()) return {};
    std::string_view value = header->value();
    if (!telemetry::starts_with_ci(value, "Bearer ")) return {};
    value.remove_prefix(7);
    while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    while (!value.empty() && value.back() == ' ') value.remove_suffix(1);
    return value;
}

void set_json_body(response& res, http::status status, std::string body) {
    res.result(status);
    res.set(http::field::content_type, "application/json");
    res.body() = std::move(body);
    res.prepare_payload();
}

}  // namespace sclab::emulators::control
