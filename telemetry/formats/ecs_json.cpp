// Canonical ECS JSON lines: the hub format. It carries every field of the event model, so any format
// converts to ECS and back without loss. Standard ECS names are used wherever ECS has one (FIDELITY.md §3
// "Normalised"); fields ECS lacks live under `sclab.*` (custom fields are allowed by ECS), and vendor extras
// under `sclab.extra`. Reading also accepts ECS from other producers (Elastic exports): the event kind then
// comes from event.category / event.type instead of event.dataset.
#include <limits>

#include "telemetry/format.hpp"
#include "telemetry/json_fast.hpp"
#include "telemetry/json_text.hpp"
#include "telemetry/time_format.hpp"

namespace sclab::telemetry {

namespace {

constexpr std::string_view dataset_prefix = "sclab.";

// ECS category/type pairs per kind: what an ECS consumer filters on.
struct ecs_classification {
    std::string_view category, type;
};
ecs_classification classify(event_kind kind) {
    switch (kind) {
        case event_kind::process_creation: return {"process", "start"};
        case event_kind::network_connection: return {"network", "connection"};
        case event_kind::dns_query: return {"network", "protocol"};
        case event_kind::file_creation: return {"file", "creation"};
        case event_kind::script_block: return {"process", "info"};
        case event_kind::network_session: return {"network", "connection"};
        case event_kind::http_request: return {"web", "access"};
        case event_kind::cloud_audit: return {"configuration", "access"};
    }
    return {"", ""};
}

// ---- writing -------------------------------------------------------------------------------------------

void time_field(json_writer& w, json_name key, time_ns t) {
    if (t == 0) return;
    w.key(key).unescaped_string([t](std::string& out) { append_iso8601(out, t, 9); });
}

template <class T>
void number_if(json_writer& w, json_name key, const std::optional<T>& v) {
    if (v) w.key(key).number(static_cast<std::uint64_t>(*v));
}

void number_if_nonzero(json_writer& w, json_name key, std::uint64_t v) {
    if (v != 0) w.key(key).number(v);
}

// "DOMAIN\name" as ECS user.domain + user.name.
void user_object(json_writer& w, json_name key, std::string_view user) {
    if (user.empty()) return;
    w.key(key).begin_object();
    std::size_t slash = user.find('\\');
    if (slash != std::string_view::npos) {
        w.field("domain", user.substr(0, slash));
        w.field("name", user.substr(slash + 1));
    } else {
        w.field("name", user);
    }
    w.end_object();
}

std::string_view file_name_of(std::string_view path) {
    std::size_t cut = path.find_last_of("\\/");
    return cut == std::string_view::npos ? path : path.substr(cut + 1);
}

void process_ref_fields(json_writer& w, const process_ref& p) {
    w.field_if("entity_id", p.guid);
    number_if_nonzero(w, "pid", p.pid);
    w.field_if("executable", p.image);
    w.field_if("name", file_name_of(p.image));
    w.field_if("command_line", p.command_line);
    time_field(w, "start", p.creation_time);
    user_object(w, "user", p.user);
}

bool has_any(const process_ref& p) { return !(p == process_ref{}); }

void write_process(json_writer& w, const event& e) {
    const process_info& p = e.process;
    static const process_info empty_process;
    if (p == empty_process && !has_any(e.parent)) return;
    w.key("process").begin_object();
    process_ref_fields(w, p);
    w.field_if("working_directory", p.current_directory);
    if (!p.sha1.empty() || !p.md5.empty() || !p.sha256.empty()) {
        w.key("hash").begin_object().field_if("sha1", p.sha1).field_if("md5", p.md5).field_if("sha256", p.sha256);
        w.end_object();
    }
    if (!p.imphash.empty() || !p.file_version.empty() || !p.description.empty() || !p.product.empty() ||
        !p.company.empty() || !p.original_file_name.empty()) {
        w.key("pe").begin_object();
        w.field_if("imphash", p.imphash).field_if("file_version", p.file_version);
        w.field_if("description", p.description).field_if("product", p.product).field_if("company", p.company);
        w.field_if("original_file_name", p.original_file_name).end_object();
    }
    if (has_any(e.parent)) {
        w.key("parent").begin_object();
        process_ref_fields(w, e.parent);
        w.end_object();
    }
    w.end_object();
}

// `ip` stands for ep.ip (a cloud record's source address is the API caller's).
void write_endpoint(json_writer& w, json_name key, const endpoint& ep, std::string_view ip,
                    const std::optional<std::uint64_t>& bytes, const std::optional<std::uint64_t>& packets) {
    const auto nothing_but_its_address = [&ep] {
        endpoint bare;
        bare.ip = ep.ip;
        return ep == bare;
    };
    if (ip.empty() && !bytes && !packets && nothing_but_its_address()) return;
    w.key(key).begin_object();
    w.field_if("ip", ip);
    number_if_nonzero(w, "port", ep.port);
    w.field_if("domain", ep.hostname);
    number_if(w, "bytes", bytes);
    number_if(w, "packets", packets);
    w.end_object();
}

// Everything ECS has no name for, under sclab.* in the model's own names.
void write_sclab_namespace(json_writer& w, const event& e) {
    const process_info& p = e.process;
    const network_info& n = e.network;
    const cloud_audit_info& c = e.cloud;
    const bool process_extra = !p.integrity_level.empty() || !p.logon_guid.empty() || !p.logon_id.empty() ||
                               p.terminal_session_id || p.file_size;
    const bool network_extra = !n.action.empty() || !n.session_id.empty() || !n.source.port_name.empty() ||
                               !n.destination.port_name.empty();
    const bool dns_extra = !e.dns.query_status.empty() || !e.dns.query_results.empty();
    const bool audit = e.kind == event_kind::cloud_audit;
    if (!process_extra && !network_extra && !dns_extra && !audit && e.extra.empty()) return;
    w.key("sclab").begin_object();
    if (process_extra) {
        w.key("process").begin_object();
        w.field_if("integrity_level", p.integrity_level).field_if("logon_guid", p.logon_guid);
        w.field_if("logon_id", p.logon_id);
        number_if(w, "terminal_session_id", p.terminal_session_id);
        number_if(w, "file_size", p.file_size);
        w.end_object();
    }
    if (network_extra) {
        w.key("network").begin_object();
        w.field_if("action", n.action).field_if("session_id", n.session_id);
        w.field_if("source_port_name", n.source.port_name).field_if("destination_port_name", n.destination.port_name);
        w.end_object();
    }
    if (dns_extra) {
        w.key("dns").begin_object().field_if("query_status", e.dns.query_status);
        w.field_if("query_results", e.dns.query_results).end_object();
    }
    if (audit) {
        w.key("audit").begin_object();
        w.field_if("service", c.service).field_if("actor_type", c.actor_type).field_if("actor_id", c.actor_id);
        w.field_if("actor_name", c.actor_name).field_if("access_key_id", c.access_key_id);
        w.field_if("actor_account", c.actor_account).field_if("resource_type", c.resource_type);
        w.field_if("resource_id", c.resource_id).field_if("resource_name", c.resource_name);
        w.field_if("request_id", c.request_id).field_if("event_id", c.event_id).field_if("interface", c.interface_name);
        w.field_if("category", c.category).field_if("severity", c.severity);
        if (c.read_only) w.key("read_only").boolean(*c.read_only);
        if (c.management_event) w.key("management_event").boolean(*c.management_event);
        if (!c.request_parameters.empty()) w.key("request_parameters").raw(c.request_parameters);
        if (!c.response_elements.empty()) w.key("response_elements").raw(c.response_elements);
        if (!c.metadata.empty()) w.key("metadata").raw(c.metadata);
        if (!c.old_value.empty()) w.key("old_value").raw(c.old_value);
        if (!c.new_value.empty()) w.key("new_value").raw(c.new_value);
        w.end_object();
    }
    if (!e.extra.empty()) {
        w.key("extra").begin_object();
        for (const auto& [k, v] : e.extra) w.field(k, v);
        w.end_object();
    }
    w.end_object();
}

void write_ecs(std::string& out, const event& e) {
    const bool cloud = e.kind == event_kind::cloud_audit;
    const network_info& n = e.network;
    json_writer w(out);
    w.begin_object();
    time_field(w, "@timestamp", e.time);
    const ecs_classification cls = classify(e.kind);
    w.key("event").begin_object();
    w.field("kind", "event").field("category", cls.category).field("type", cls.type);
    w.key("dataset").unescaped_string([&e](std::string& out) { out.append(dataset_prefix).append(to_string(e.kind)); });
    w.field_if("id", e.record_id);
    w.field_if("action", cloud ? std::string_view(e.cloud.action) : std::string_view(n.action));
    if (cloud) w.field("outcome", e.cloud.success ? "success" : "failure");
    number_if(w, "duration", n.duration);
    w.end_object();
    if (!e.host.empty()) w.key("host").begin_object().field("name", e.host).end_object();
    user_object(w, "user", e.user);
    if (!e.run_id.empty()) w.key("labels").begin_object().field("run_id", e.run_id).end_object();
    write_process(w, e);

    // In cloud records source.ip and user_agent are the API caller's; elsewhere, the connection's.
    write_endpoint(w, "source", n.source, cloud ? e.cloud.source_ip : n.source.ip, n.bytes_sent, n.packets_sent);
    write_endpoint(w, "destination", n.destination, n.destination.ip, n.bytes_received, n.packets_received);
    if (!n.transport.empty() || !n.protocol.empty() || !n.direction.empty()) {
        w.key("network").begin_object().field_if("transport", n.transport).field_if("protocol", n.protocol);
        w.field_if("direction", n.direction).end_object();
    }
    if (!n.server_name.empty())
        w.key("tls").begin_object().key("client").begin_object().field("server_name", n.server_name).end_object().end_object();
    const http_info& h = e.http;
    if (!h.method.empty() || h.status != 0 || !h.content_type.empty() || !h.request_id.empty()) {
        w.key("http").begin_object();
        w.key("request").begin_object().field_if("method", h.method).field_if("id", h.request_id).end_object();
        w.key("response").begin_object();
        number_if_nonzero(w, "status_code", h.status);
        w.field_if("mime_type", h.content_type).end_object();
        w.end_object();
    }
    if (!h.url.empty()) w.key("url").begin_object().field("original", h.url).end_object();
    std::string_view agent = cloud ? std::string_view(e.cloud.user_agent) : std::string_view(h.user_agent);
    if (!agent.empty()) w.key("user_agent").begin_object().field("original", agent).end_object();
    const dns_info& d = e.dns;
    if (!d.query_name.empty() || !d.query_type.empty())
        w.key("dns").begin_object().key("question").begin_object().field_if("name", d.query_name)
            .field_if("type", d.query_type).end_object().end_object();
    if (!e.file.target_filename.empty() || e.file.creation_time != 0) {
        w.key("file").begin_object().field_if("path", e.file.target_filename);
        time_field(w, "created", e.file.creation_time);
        w.end_object();
    }
    const script_block_info& s = e.script;
    if (!s.text.empty() || !s.id.empty() || !s.path.empty() || s.message_number || s.message_total) {
        w.key("powershell").begin_object();
        number_if_nonzero(w, "sequence", s.message_number);
        number_if_nonzero(w, "total", s.message_total);
        w.key("file").begin_object().field_if("script_block_text", s.text).field_if("script_block_id", s.id);
        w.field_if("path", s.path).end_object().end_object();
    }
    if (cloud) {
        const cloud_audit_info& c = e.cloud;
        w.key("cloud").begin_object().field_if("provider", c.provider).field_if("region", c.region);
        if (!c.account_id.empty()) w.key("account").begin_object().field("id", c.account_id).end_object();
        w.end_object();
        if (!c.error_code.empty() || !c.error_message.empty())
            w.key("error").begin_object().field_if("code", c.error_code).field_if("message", c.error_message).end_object();
    }
    write_sclab_namespace(w, e);
    w.end_object();
    out.push_back('\n');
}

class ecs_writer final : public event_writer {
public:
    explicit ecs_writer(output_file& out) : out_(out) {}
    bool write(const event& e) override {
        write_ecs(out_.buffer(), e);
        out_.record_done();
        return true;
    }

private:
    output_file& out_;
};

// ---- reading -------------------------------------------------------------------------------------------

using parents = std::initializer_list<std::string_view>;

std::string str(json_element root, parents at, std::string_view key) {
    auto obj = fj_path(root, at);
    return obj ? std::string(fj_string(*obj, key)) : std::string();
}

template <class T>
std::optional<T> opt_uint(json_element root, parents at, std::string_view key) {
    auto obj = fj_path(root, at);
    if (!obj) return std::nullopt;
    auto v = fj_uint(*obj, key);
    if (!v) return std::nullopt;
    if (*v > std::numeric_limits<T>::max()) throw record_error("field \"" + std::string(key) + "\" is out of range");
    return static_cast<T>(*v);
}

template <class T>
T uint_or_zero(json_element root, parents at, std::string_view key) {
    return opt_uint<T>(root, at, key).value_or(T{0});
}

time_ns time_or_zero(json_element root, parents at, std::string_view key) {
    std::string s = str(root, at, key);
    if (s.empty()) return 0;
    time_ns t = 0;
    if (!parse_iso8601(s, t)) throw record_error("\"" + std::string(key) + "\" is not an ISO 8601 UTC time: " + s);
    return t;
}

std::string read_user(json_element root, parents at) {
    auto u = fj_path(root, at);
    if (!u) return {};
    std::string_view domain = fj_string(*u, "domain"), name = fj_string(*u, "name");
    return domain.empty() ? std::string(name) : std::string(domain) + "\\" + std::string(name);
}

void read_process_ref(json_element p, process_ref& out) {
    out.guid = fj_string(p, "entity_id");
    out.pid = fj_uint(p, "pid").value_or(0);
    out.image = fj_string(p, "executable");
    out.command_line = fj_string(p, "command_line");
    out.creation_time = time_or_zero(p, {}, "start");
    out.user = read_user(p, {"user"});
}

// True when event.<field> is `value` or an array holding it (ECS allows both).
bool event_field_has(json_element root, std::string_view field, std::string_view value) {
    auto v = fj_path(root, {"event", field});
    if (!v) return false;
    std::string_view s;
    if (!v->get_string().get(s)) return s == value;
    simdjson::dom::array items;
    if (!v->get_array().get(items))
        for (json_element x : items)
            if (!x.get_string().get(s) && s == value) return true;
    return false;
}

event_kind infer_kind(json_element root) {
    std::string dataset = str(root, {"event"}, "dataset");
    event_kind kind{};
    if (dataset.starts_with(dataset_prefix) && parse_event_kind(std::string_view(dataset).substr(dataset_prefix.size()), kind))
        return kind;
    // Another producer's ECS: classify as ECS does.
    if (fj_path(root, {"powershell", "file", "script_block_text"})) return event_kind::script_block;
    if (fj_path(root, {"dns", "question", "name"})) return event_kind::dns_query;
    if (event_field_has(root, "category", "process") && event_field_has(root, "type", "start"))
        return event_kind::process_creation;
    if (event_field_has(root, "category", "file")) return event_kind::file_creation;
    if (event_field_has(root, "category", "web")) return event_kind::http_request;
    if (fj_path(root, {"cloud", "provider"})) return event_kind::cloud_audit;
    if (event_field_has(root, "category", "network"))
        return fj_path(root, {"process"}) ? event_kind::network_connection : event_kind::network_session;
    throw record_error("cannot tell what kind of event this is: no sclab event.dataset and no ECS category it maps from");
}

void read_endpoint(json_element root, std::string_view key, endpoint& ep, std::optional<std::uint64_t>& bytes,
                   std::optional<std::uint64_t>& packets) {
    auto o = fj_path(root, {key});
    if (!o) return;
    ep.ip = fj_string(*o, "ip");
    ep.port = opt_uint<std::uint16_t>(*o, {}, "port").value_or(0);
    ep.hostname = fj_string(*o, "domain");
    bytes = fj_uint(*o, "bytes");
    packets = fj_uint(*o, "packets");
}

void read_cloud_audit(json_element root, event& e, std::string action, std::string agent) {
    cloud_audit_info& c = e.cloud;
    c.action = std::move(action);
    c.success = str(root, {"event"}, "outcome") != "failure";
    c.user_agent = std::move(agent);
    c.source_ip = std::move(e.network.source.ip);
    e.network.source.ip.clear();
    c.provider = str(root, {"cloud"}, "provider");
    c.region = str(root, {"cloud"}, "region");
    c.account_id = str(root, {"cloud", "account"}, "id");
    c.error_code = str(root, {"error"}, "code");
    c.error_message = str(root, {"error"}, "message");
    auto a = fj_path(root, {"sclab", "audit"});
    if (!a) return;
    c.service = fj_string(*a, "service");
    c.actor_type = fj_string(*a, "actor_type");
    c.actor_id = fj_string(*a, "actor_id");
    c.actor_name = fj_string(*a, "actor_name");
    c.access_key_id = fj_string(*a, "access_key_id");
    c.actor_account = fj_string(*a, "actor_account");
    c.resource_type = fj_string(*a, "resource_type");
    c.resource_id = fj_string(*a, "resource_id");
    c.resource_name = fj_string(*a, "resource_name");
    c.request_id = fj_string(*a, "request_id");
    c.event_id = fj_string(*a, "event_id");
    c.interface_name = fj_string(*a, "interface");
    c.category = fj_string(*a, "category");
    c.severity = fj_string(*a, "severity");
    c.read_only = fj_bool(*a, "read_only");
    c.management_event = fj_bool(*a, "management_event");
    c.request_parameters = fj_raw(*a, "request_parameters");
    c.response_elements = fj_raw(*a, "response_elements");
    c.metadata = fj_raw(*a, "metadata");
    c.old_value = fj_raw(*a, "old_value");
    c.new_value = fj_raw(*a, "new_value");
}

void read_ecs(json_element root, event& e) {
    if (!root.is_object()) throw record_error("an ECS record is a JSON object");
    e.kind = infer_kind(root);
    std::string_view ts = fj_string(root, "@timestamp");
    if (ts.empty()) throw record_error("missing \"@timestamp\"");
    if (!parse_iso8601(ts, e.time)) throw record_error("\"@timestamp\" is not an ISO 8601 UTC time: " + std::string(ts));
    e.record_id = str(root, {"event"}, "id");
    std::string action = str(root, {"event"}, "action");
    e.network.duration = opt_uint<time_ns>(root, {"event"}, "duration");
    e.host = str(root, {"host"}, "name");
    e.user = read_user(root, {"user"});
    e.run_id = str(root, {"labels"}, "run_id");

    if (auto p = fj_path(root, {"process"})) {
        read_process_ref(*p, e.process);
        e.process.current_directory = fj_string(*p, "working_directory");
        e.process.sha1 = str(*p, {"hash"}, "sha1");
        e.process.md5 = str(*p, {"hash"}, "md5");
        e.process.sha256 = str(*p, {"hash"}, "sha256");
        e.process.imphash = str(*p, {"pe"}, "imphash");
        e.process.file_version = str(*p, {"pe"}, "file_version");
        e.process.description = str(*p, {"pe"}, "description");
        e.process.product = str(*p, {"pe"}, "product");
        e.process.company = str(*p, {"pe"}, "company");
        e.process.original_file_name = str(*p, {"pe"}, "original_file_name");
        if (auto parent = fj_path(*p, {"parent"})) read_process_ref(*parent, e.parent);
    }
    network_info& n = e.network;
    read_endpoint(root, "source", n.source, n.bytes_sent, n.packets_sent);
    read_endpoint(root, "destination", n.destination, n.bytes_received, n.packets_received);
    n.transport = str(root, {"network"}, "transport");
    n.protocol = str(root, {"network"}, "protocol");
    n.direction = str(root, {"network"}, "direction");
    n.server_name = str(root, {"tls", "client"}, "server_name");
    e.http.method = str(root, {"http", "request"}, "method");
    e.http.request_id = str(root, {"http", "request"}, "id");
    e.http.status = uint_or_zero<std::uint16_t>(root, {"http", "response"}, "status_code");
    e.http.content_type = str(root, {"http", "response"}, "mime_type");
    e.http.url = str(root, {"url"}, "original");
    if (e.http.url.empty()) e.http.url = str(root, {"url"}, "full");
    std::string agent = str(root, {"user_agent"}, "original");
    e.dns.query_name = str(root, {"dns", "question"}, "name");
    e.dns.query_type = str(root, {"dns", "question"}, "type");
    e.file.target_filename = str(root, {"file"}, "path");
    e.file.creation_time = time_or_zero(root, {"file"}, "created");
    e.script.text = str(root, {"powershell", "file"}, "script_block_text");
    e.script.id = str(root, {"powershell", "file"}, "script_block_id");
    e.script.path = str(root, {"powershell", "file"}, "path");
    e.script.message_number = uint_or_zero<std::uint32_t>(root, {"powershell"}, "sequence");
    e.script.message_total = uint_or_zero<std::uint32_t>(root, {"powershell"}, "total");

    process_info& p = e.process;
    p.integrity_level = str(root, {"sclab", "process"}, "integrity_level");
    p.logon_guid = str(root, {"sclab", "process"}, "logon_guid");
    p.logon_id = str(root, {"sclab", "process"}, "logon_id");
    p.terminal_session_id = opt_uint<std::uint32_t>(root, {"sclab", "process"}, "terminal_session_id");
    p.file_size = opt_uint<std::uint64_t>(root, {"sclab", "process"}, "file_size");
    n.session_id = str(root, {"sclab", "network"}, "session_id");
    n.source.port_name = str(root, {"sclab", "network"}, "source_port_name");
    n.destination.port_name = str(root, {"sclab", "network"}, "destination_port_name");
    e.dns.query_status = str(root, {"sclab", "dns"}, "query_status");
    e.dns.query_results = str(root, {"sclab", "dns"}, "query_results");

    if (e.kind == event_kind::cloud_audit) {
        read_cloud_audit(root, e, std::move(action), std::move(agent));
    } else {
        n.action = std::move(action);
        e.http.user_agent = std::move(agent);
    }
    if (auto extra = fj_path(root, {"sclab", "extra"})) {
        simdjson::dom::object items;
        if (extra->get_object().get(items)) throw record_error("\"sclab.extra\" should be an object");
        for (auto [k, v] : items) {
            std::string_view value;
            if (v.get_string().get(value)) throw record_error("\"sclab.extra." + std::string(k) + "\" should be a string");
            e.extra.emplace_back(std::string(k), std::string(value));
        }
    }
}

class ecs_parser final : public line_parser {
public:
    bool parse(std::string_view line, event& out) override {
        if (line.find_first_not_of(" \t") == std::string_view::npos) return false;
        read_ecs(parser_.parse(line), out);
        return true;
    }

private:
    fast_json_parser parser_;
};

event retain_ecs(const event& e) {
    event r = e;
    // Kept JSON text comes back compact (keys in their order).
    cloud_audit_info& c = r.cloud;
    for (std::string* raw : {&c.request_parameters, &c.response_elements, &c.metadata, &c.old_value, &c.new_value})
        *raw = minify_json_text(*raw);
    if (r.kind != event_kind::cloud_audit) {
        // Audit-only fields have no ECS home outside audit records.
        c = cloud_audit_info{};
    } else {
        // In an audit record source.ip and user_agent are the caller's, and event.action is the API action.
        r.network.action.clear();
        r.http.user_agent.clear();
        r.network.source.ip.clear();
    }
    return r;
}

std::unique_ptr<event_reader> open_ecs_reader(const std::string& path, const read_options& options) {
    return std::make_unique<line_event_reader>(path, options, std::make_unique<ecs_parser>());
}
std::unique_ptr<event_writer> open_ecs_writer(output_file& out) { return std::make_unique<ecs_writer>(out); }

}  // namespace

const format_info& ecs_json_format() {
    static const format_info info{
        .name = "ecs-json",
        .description = "Elastic Common Schema, one JSON object per line: carries every field sclab knows",
        .kinds = kinds_of({event_kind::process_creation, event_kind::network_connection, event_kind::dns_query,
                           event_kind::file_creation, event_kind::script_block, event_kind::network_session,
                           event_kind::http_request, event_kind::cloud_audit}),
        .open_reader = open_ecs_reader,
        .open_writer = open_ecs_writer,
        .retain = retain_ecs,
    };
    return info;
}

}  // namespace sclab::telemetry
