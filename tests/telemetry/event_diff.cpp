#include "event_diff.hpp"

#include <ostream>

namespace sclab::telemetry::testing {

namespace {
template <class T>
std::string text(const std::optional<T>& v) {
    if (!v) return "<absent>";
    if constexpr (std::is_same_v<T, bool>) return *v ? "true" : "false";
    else return std::to_string(*v);
}
std::string text(const std::string& v) { return v; }
std::string text(std::uint64_t v) { return std::to_string(v); }
std::string text(std::int64_t v) { return std::to_string(v); }
std::string text(std::uint32_t v) { return std::to_string(v); }
std::string text(std::uint16_t v) { return std::to_string(v); }
std::string text(bool v) { return v ? "true" : "false"; }

void add_ref(std::vector<std::pair<std::string, std::string>>& out, const std::string& p, const process_ref& r) {
    out.emplace_back(p + ".guid", r.guid);
    out.emplace_back(p + ".pid", text(r.pid));
    out.emplace_back(p + ".image", r.image);
    out.emplace_back(p + ".command_line", r.command_line);
    out.emplace_back(p + ".user", r.user);
    out.emplace_back(p + ".creation_time", text(r.creation_time));
}
void add_endpoint(std::vector<std::pair<std::string, std::string>>& out, const std::string& p, const endpoint& e) {
    out.emplace_back(p + ".ip", e.ip);
    out.emplace_back(p + ".port", text(e.port));
    out.emplace_back(p + ".hostname", e.hostname);
    out.emplace_back(p + ".port_name", e.port_name);
}
}  // namespace

std::vector<std::pair<std::string, std::string>> flatten(const event& e) {
    std::vector<std::pair<std::string, std::string>> f;
#define F(name, expr) f.emplace_back(name, text(expr))
    f.emplace_back("kind", std::string(to_string(e.kind)));
    F("time", e.time);
    F("host", e.host);
    F("user", e.user);
    F("record_id", e.record_id);
    F("run_id", e.run_id);
    add_ref(f, "process", e.process);
    const process_info& p = e.process;
    F("process.current_directory", p.current_directory);
    F("process.integrity_level", p.integrity_level);
    F("process.sha1", p.sha1);
    F("process.md5", p.md5);
    F("process.sha256", p.sha256);
    F("process.imphash", p.imphash);
    F("process.file_version", p.file_version);
    F("process.description", p.description);
    F("process.product", p.product);
    F("process.company", p.company);
    F("process.original_file_name", p.original_file_name);
    F("process.logon_guid", p.logon_guid);
    F("process.logon_id", p.logon_id);
    F("process.terminal_session_id", p.terminal_session_id);
    F("process.file_size", p.file_size);
    add_ref(f, "parent", e.parent);
    const network_info& n = e.network;
    F("network.transport", n.transport);
    F("network.protocol", n.protocol);
    F("network.direction", n.direction);
    F("network.action", n.action);
    add_endpoint(f, "network.source", n.source);
    add_endpoint(f, "network.destination", n.destination);
    F("network.server_name", n.server_name);
    F("network.bytes_sent", n.bytes_sent);
    F("network.bytes_received", n.bytes_received);
    F("network.packets_sent", n.packets_sent);
    F("network.packets_received", n.packets_received);
    F("network.duration", n.duration);
    F("network.session_id", n.session_id);
    F("http.method", e.http.method);
    F("http.url", e.http.url);
    F("http.status", e.http.status);
    F("http.user_agent", e.http.user_agent);
    F("http.content_type", e.http.content_type);
    F("http.request_id", e.http.request_id);
    F("dns.query_name", e.dns.query_name);
    F("dns.query_type", e.dns.query_type);
    F("dns.query_status", e.dns.query_status);
    F("dns.query_results", e.dns.query_results);
    F("file.target_filename", e.file.target_filename);
    F("file.creation_time", e.file.creation_time);
    F("script.text", e.script.text);
    F("script.id", e.script.id);
    F("script.message_number", e.script.message_number);
    F("script.message_total", e.script.message_total);
    F("script.path", e.script.path);
    const cloud_audit_info& c = e.cloud;
    F("cloud.provider", c.provider);
    F("cloud.service", c.service);
    F("cloud.action", c.action);
    F("cloud.success", c.success);
    F("cloud.error_code", c.error_code);
    F("cloud.error_message", c.error_message);
    F("cloud.actor_type", c.actor_type);
    F("cloud.actor_id", c.actor_id);
    F("cloud.actor_name", c.actor_name);
    F("cloud.access_key_id", c.access_key_id);
    F("cloud.actor_account", c.actor_account);
    F("cloud.source_ip", c.source_ip);
    F("cloud.user_agent", c.user_agent);
    F("cloud.region", c.region);
    F("cloud.account_id", c.account_id);
    F("cloud.resource_type", c.resource_type);
    F("cloud.resource_id", c.resource_id);
    F("cloud.resource_name", c.resource_name);
    F("cloud.request_id", c.request_id);
    F("cloud.event_id", c.event_id);
    F("cloud.interface_name", c.interface_name);
    F("cloud.category", c.category);
    F("cloud.severity", c.severity);
    F("cloud.read_only", c.read_only);
    F("cloud.management_event", c.management_event);
    F("cloud.request_parameters", c.request_parameters);
    F("cloud.response_elements", c.response_elements);
    F("cloud.metadata", c.metadata);
    F("cloud.old_value", c.old_value);
    F("cloud.new_value", c.new_value);
#undef F
    for (const auto& [k, v] : e.extra) f.emplace_back("extra." + k, v);
    return f;
}

std::string diff_events(const event& expected, const event& actual) {
    auto a = flatten(expected), b = flatten(actual);
    std::string out;
    std::size_t i = 0;
    for (; i < a.size() && i < b.size(); ++i) {
        if (a[i].first != b[i].first) {
            out += "field order differs at " + a[i].first + " / " + b[i].first + "\n";
            break;
        }
        if (a[i].second != b[i].second)
            out += a[i].first + ": expected '" + a[i].second + "', got '" + b[i].second + "'\n";
    }
    for (std::size_t j = i; j < a.size(); ++j) out += a[j].first + ": missing in actual\n";
    for (std::size_t j = i; j < b.size(); ++j) out += b[j].first + ": unexpected in actual\n";
    return out;
}

}  // namespace sclab::telemetry::testing

namespace sclab::telemetry {
void PrintTo(const event& e, std::ostream* os) {
    for (const auto& [k, v] : testing::flatten(e))
        if (!v.empty() && v != "0" && v != "<absent>") *os << "\n  " << k << "=" << v;
}
}  // namespace sclab::telemetry
