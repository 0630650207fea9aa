// Shared pieces of the control-plane tests: a sink that keeps what it is given, and request builders.
#pragma once

#include <mutex>
#include <string>
#include <vector>

#include "emulators/http_types.hpp"
#include "telemetry/event.hpp"

namespace sclab::emulators::testing {

class recording_sink final : public event_sink {
public:
    void emit(telemetry::event e) override {
        std::lock_guard lock(mutex_);
        events.push_back(std::move(e));
    }
    std::vector<telemetry::event> events;

private:
    std::mutex mutex_;
};

inline request make_request(http::verb method, std::string target, std::string host, std::string body = {}) {
    request req{method, target, 11};
    req.set(http::field::host, host);
    req.set(http::field::user_agent, "sclab-test/1.0");
    req.body() = std::move(body);
    req.prepare_payload();
    return req;
}

inline connection_info client_at(std::string ip) {
    connection_info conn;
    conn.client_ip = std::move(ip);
    conn.client_port = 50123;
    return conn;
}

// True when `text` contains `needle`: audit records must never carry a secret.
inline bool contains(const std::string& text, const std::string& needle) {
    return text.find(needle) != std::string::npos;
}

// Every string field of an audit event, joined, for "no secret anywhere" checks.
inline std::string all_audit_text(const telemetry::event& e) {
    const auto& c = e.cloud;
    std::string all;
    for (const std::string* s : {&c.provider, &c.service, &c.action, &c.error_code, &c.error_message, &c.actor_type,
                                 &c.actor_id, &c.actor_name, &c.access_key_id, &c.actor_account, &c.source_ip,
                                 &c.user_agent, &c.region, &c.account_id, &c.resource_type, &c.resource_id,
                                 &c.resource_name, &c.request_id, &c.event_id, &c.interface_name, &c.category,
                                 &c.severity, &c.request_parameters, &c.response_elements, &c.metadata,
                                 &c.old_value, &c.new_value, &e.host, &e.user, &e.record_id})
        all += *s + "\n";
    for (const auto& [k, v] : e.extra) all += k + "=" + v + "\n";
    return all;
}

}  // namespace sclab::emulators::testing
