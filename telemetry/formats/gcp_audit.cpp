// Google Cloud audit logs (FIDELITY.md §2 "Google Cloud Functions and Cloud Run"): LogEntry JSON lines
// whose protoPayload is a google.cloud.audit.AuditLog, as a log sink (Pub/Sub, Cloud Storage) exports
// them. Reading also takes a JSON array of entries (gcloud logging read --format=json).
//
// Mapping: protoPayload.serviceName -> service, methodName -> action, resourceName -> resource_name,
// authenticationInfo.principalEmail -> actor_name, requestMetadata{callerIp, callerSuppliedUserAgent} ->
// source_ip, user_agent, status{code, message} (non-zero code = failure) -> success, error_code (the
// google.rpc.Code number), error_message, request/response/metadata -> request_parameters /
// response_elements / metadata (JSON text); resource.type -> resource_type; resource.labels.project_id ->
// account_id, the type's location label -> region, its name label -> resource_id; insertId -> event_id;
// severity; timestamp -> time (nanoseconds); logName's log id cloudaudit.googleapis.com/<c> -> category
// ("activity", "data_access"...). authorizationInfo travels in extras; read_only is derived from its
// permissionType (ADMIN_READ, DATA_READ vs ADMIN_WRITE, DATA_WRITE). receiveTimestamp, when it differs from
// timestamp, and anything else travel in extras.
#include <array>
#include <limits>

#include "telemetry/formats/cloud_audit_json.hpp"
#include "telemetry/time_format.hpp"

namespace sclab::telemetry {

namespace {

using nlohmann::json;

constexpr std::string_view audit_log_type = "type.googleapis.com/google.cloud.audit.AuditLog";
constexpr std::string_view audit_log_id = "cloudaudit.googleapis.com/";
constexpr std::string_view default_category = "activity";  // the Admin Activity log, always on

// Which resource.labels hold the resource's name and location, per monitored-resource type. cloud_function
// is from FIDELITY.md; the others are from Google's monitored-resource list (*unverified* against captures).
// Other types: the name is not carried, the location goes to a "region" label.
struct resource_labels {
    std::string_view type;
    std::array<std::string_view, 3> modeled;  // project_id, name label, location label
    std::size_t count;
    std::string_view name_label, location_label;
};
constexpr std::array<resource_labels, 5> known_resources = {{
    {"cloud_function", {"project_id", "function_name", "region"}, 3, "function_name", "region"},
    {"cloud_run_revision", {"project_id", "service_name", "location"}, 3, "service_name", "location"},
    {"gce_instance", {"project_id", "instance_id", "zone"}, 3, "instance_id", "zone"},
    {"gcs_bucket", {"project_id", "bucket_name", "location"}, 3, "bucket_name", "location"},
    {"", {"project_id", "region", ""}, 2, "", "region"},
}};

const resource_labels& labels_for(std::string_view type) {
    for (const resource_labels& r : known_resources)
        if (r.type == type) return r;
    return known_resources.back();
}

constexpr std::array<std::string_view, 5> entry_modeled = {"protoPayload", "insertId", "resource", "timestamp",
                                                           "severity"};
constexpr std::array<std::string_view, 2> entry_placed = {"logName", "receiveTimestamp"};
constexpr std::array<std::string_view, 10> payload_modeled = {
    "@type",      "status",       "authenticationInfo", "requestMetadata", "serviceName",
    "methodName", "resourceName", "request",            "response",        "metadata"};
constexpr std::array<std::string_view, 1> payload_placed = {"authorizationInfo"};
constexpr std::array<std::string_view, 2> status_modeled = {"code", "message"};
constexpr std::array<std::string_view, 1> authentication_modeled = {"principalEmail"};
constexpr std::array<std::string_view, 2> request_metadata_modeled = {"callerIp", "callerSuppliedUserAgent"};
constexpr std::array<std::string_view, 2> resource_modeled = {"type", "labels"};

enum level : std::size_t {
    at_entry, at_payload, at_status, at_authentication, at_request_metadata, at_resource, at_labels, level_count
};

std::array<json_level, level_count> levels_for(std::string_view resource_type) {
    const resource_labels& l = labels_for(resource_type);
    return {json_level{"", entry_modeled, entry_placed},
            json_level{"protoPayload.", payload_modeled, payload_placed},
            json_level{"protoPayload.status.", status_modeled},
            json_level{"protoPayload.authenticationInfo.", authentication_modeled},
            json_level{"protoPayload.requestMetadata.", request_metadata_modeled},
            json_level{"resource.", resource_modeled},
            json_level{"resource.labels.", std::span<const std::string_view>(l.modeled.data(), l.count)}};
}

// Cloud Logging's JSON times are protobuf Timestamps: Z-normalised, with 0, 3, 6 or 9 fraction digits.
void append_proto_time(std::string& out, time_ns t) {
    const time_ns nanos = t - truncate_time(t, ns_per_second);
    const int digits = nanos == 0 ? 0 : nanos % 1'000'000 == 0 ? 3 : nanos % 1000 == 0 ? 6 : 9;
    append_iso8601(out, t, digits);
}

// A string as JSON text, the way extras hold it (no UTF-8 check: dump() would throw on bad bytes).
std::string json_string_text(std::string_view text) {
    std::string out;
    append_json_string(out, text);
    return out;
}

std::string proto_time_json(time_ns t) {
    std::string text;
    append_proto_time(text, t);
    return json_string_text(text);
}

// The log id is URL-encoded in logName ("cloudaudit.googleapis.com%2Factivity").
void append_url_encoded(std::string& out, std::string_view text) {
    static constexpr char hex[] = "0123456789ABCDEF";
    for (char ch : text) {
        const auto c = static_cast<unsigned char>(ch);
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
            c == '-') {
            out.push_back(ch);
        } else {
            out.push_back('%');
            out.push_back(hex[c >> 4]);
            out.push_back(hex[c & 15]);
        }
    }
}

bool url_decode(std::string_view text, std::string& out) {
    auto nibble = [](char c) {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    };
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '%') {
            out.push_back(text[i]);
            continue;
        }
        if (i + 2 >= text.size()) return false;
        const int hi = nibble(text[i + 1]), lo = nibble(text[i + 2]);
        if (hi < 0 || lo < 0) return false;
        out.push_back(static_cast<char>(hi * 16 + lo));
        i += 2;
    }
    return true;
}

std::string default_log_name(std::string_view project, std::string_view category) {
    std::string name = "projects/";
    name += project;
    name += "/logs/";
    std::string log_id(audit_log_id);
    log_id += category.empty() ? default_category : category;
    append_url_encoded(name, log_id);
    return name;
}

// The audit log a logName names: "activity" for .../logs/cloudaudit.googleapis.com%2Factivity; "" when
// it is no audit log.
std::string category_of(std::string_view log_name) {
    const std::size_t cut = log_name.rfind("/logs/");
    if (cut == std::string_view::npos) return {};
    std::string log_id;
    if (!url_decode(log_name.substr(cut + 6), log_id) || !log_id.starts_with(audit_log_id)) return {};
    return log_id.substr(audit_log_id.size());
}

// The category an event comes back with: the one its logName extra names, else its own or the default.
std::string effective_category(const event& e) {
    std::string log_name = valid_extra(e, "logName");
    if (!log_name.empty()) {
        json parsed = json::parse(log_name);
        return parsed.is_string() ? category_of(parsed.get_ref<const std::string&>()) : std::string();
    }
    return e.cloud.category.empty() ? std::string(default_category) : e.cloud.category;
}

// google.rpc.Code of a failure: the event's error code when it is one, else 2 (UNKNOWN).
std::int64_t status_code(const cloud_audit_info& c) {
    std::int64_t code = 0;
    if (parse_int(c.error_code, code) && code != 0 && code >= std::numeric_limits<std::int32_t>::min() &&
        code <= std::numeric_limits<std::int32_t>::max())
        return code;
    return 2;
}

// A read call grants only *_READ permissions; any *_WRITE makes it a write. Unknown without authorizationInfo.
std::optional<bool> read_only_of(json_element authorization) {
    simdjson::dom::array entries;
    if (authorization.get_array().get(entries) || entries.size() == 0) return std::nullopt;
    bool all_read = true;
    for (json_element entry : entries) {
        json_element permission;
        std::string_view type;
        if (!entry.is_object() || entry.at_key("permissionType").get(permission) || permission.get_string().get(type))
            return std::nullopt;
        if (type.ends_with("_WRITE")) return false;
        if (!type.ends_with("_READ")) all_read = false;
    }
    return all_read ? std::optional<bool>(true) : std::nullopt;
}

// ---- writing -------------------------------------------------------------------------------------------

void write_placed(json_writer& w, const event& e, std::string_view extra_key, std::string_view member,
                  std::string_view default_json) {
    std::string_view value = e.extra_value(extra_key);
    if (value.empty() && default_json.empty()) return;
    w.key(member);
    if (value.empty()) w.raw(default_json);
    else write_extra_value(w, value);
}

void write_entry(std::string& out, const event& e) {
    const cloud_audit_info& c = e.cloud;
    const auto levels = levels_for(c.resource_type);
    const resource_labels& labels_kind = labels_for(c.resource_type);
    json_writer w(out);
    w.begin_object();
    w.key("protoPayload").begin_object().field("@type", audit_log_type);
    if (!c.success) {
        w.key("status").begin_object().key("code").number(status_code(c)).field_if("message", c.error_message);
        write_extras(w, e, levels, at_status);
        w.end_object();
    }
    w.key("authenticationInfo").begin_object().field_if("principalEmail", c.actor_name);
    write_extras(w, e, levels, at_authentication);
    w.end_object();
    w.key("requestMetadata").begin_object().field_if("callerIp", c.source_ip);
    w.field_if("callerSuppliedUserAgent", c.user_agent);
    write_extras(w, e, levels, at_request_metadata);
    w.end_object();
    w.field_if("serviceName", c.service).field_if("methodName", c.action);
    write_placed(w, e, "protoPayload.authorizationInfo", "authorizationInfo", {});
    w.field_if("resourceName", c.resource_name);
    // Kept JSON text is compact JSON by the model's contract.
    if (!c.request_parameters.empty()) w.key("request").raw(c.request_parameters);
    if (!c.response_elements.empty()) w.key("response").raw(c.response_elements);
    if (!c.metadata.empty()) w.key("metadata").raw(c.metadata);
    write_extras(w, e, levels, at_payload);
    w.end_object();
    w.field_if("insertId", c.event_id);
    w.key("resource").begin_object().field_if("type", c.resource_type);
    w.key("labels").begin_object().field_if("project_id", c.account_id);
    if (!labels_kind.name_label.empty()) w.field_if(labels_kind.name_label, c.resource_id);
    w.field_if(labels_kind.location_label, c.region);
    write_extras(w, e, levels, at_labels);
    w.end_object();
    write_extras(w, e, levels, at_resource);
    w.end_object();
    std::string time;
    append_proto_time(time, e.time);
    w.field("timestamp", time).field_if("severity", c.severity);
    write_placed(w, e, "logName", "logName", json_string_text(default_log_name(c.account_id, c.category)));
    write_placed(w, e, "receiveTimestamp", "receiveTimestamp", proto_time_json(e.time));
    write_extras(w, e, levels, at_entry);
    w.end_object();
    out.push_back('\n');
}

class gcp_audit_writer final : public event_writer {
public:
    explicit gcp_audit_writer(output_file& out) : out_(out) {}
    bool write(const event& e) override {
        if (e.kind != event_kind::cloud_audit) return false;
        write_entry(out_.buffer(), e);
        out_.record_done();
        return true;
    }

private:
    output_file& out_;
};

// ---- reading -------------------------------------------------------------------------------------------

void remove_extra(event& e, std::string_view key) {
    std::erase_if(e.extra, [&](const auto& kv) { return kv.first == key; });
}

void drop_if_equal(event& e, std::string_view key, std::string_view json_text) {
    std::string_view value = e.extra_value(key);
    if (!value.empty() && value == json_text) remove_extra(e, key);
}

void read_entry(json_element r, event& e) {
    if (!r.is_object()) throw record_error("a Cloud Logging entry is a JSON object");
    auto p = fj_object(r, "protoPayload");
    if (!p) throw record_error("no \"protoPayload\": not a Cloud Audit Logs entry");
    const std::string_view type = fj_string(*p, "@type");
    if (type != audit_log_type)
        throw record_error("protoPayload \"@type\" is \"" + std::string(type) + "\", not " +
                           std::string(audit_log_type) + ": not a Cloud Audit Logs entry");
    e.kind = event_kind::cloud_audit;
    cloud_audit_info& c = e.cloud;
    c.provider = "gcp";
    e.time = required_rfc3339(r, "timestamp");
    c.service = fj_string(*p, "serviceName");
    c.action = fj_string(*p, "methodName");
    c.resource_name = fj_string(*p, "resourceName");
    c.request_parameters = fj_canonical(*p, "request");
    c.response_elements = fj_canonical(*p, "response");
    c.metadata = fj_canonical(*p, "metadata");

    const auto resource = fj_object(r, "resource");
    if (resource) c.resource_type = fj_string(*resource, "type");
    const auto levels = levels_for(c.resource_type);
    const resource_labels& labels_kind = labels_for(c.resource_type);

    // A success often carries an empty status ({}); only a non-zero code is a failure.
    if (auto s = fj_object(*p, "status")) {
        const std::int64_t code = fj_int(*s, "code").value_or(0);
        if (code != 0) {
            c.success = false;
            c.error_code = std::to_string(code);
            c.error_message = fj_string(*s, "message");
            collect_extras(*s, levels[at_status], e);
        }
    }
    if (auto a = fj_object(*p, "authenticationInfo")) {
        c.actor_name = fj_string(*a, "principalEmail");
        collect_extras(*a, levels[at_authentication], e);
    }
    if (auto m = fj_object(*p, "requestMetadata")) {
        c.source_ip = fj_string(*m, "callerIp");
        c.user_agent = fj_string(*m, "callerSuppliedUserAgent");
        collect_extras(*m, levels[at_request_metadata], e);
    }
    if (auto authorization = fj_member(*p, "authorizationInfo")) c.read_only = read_only_of(*authorization);
    collect_extras(*p, levels[at_payload], e);

    if (resource) {
        if (auto l = fj_object(*resource, "labels")) {
            c.account_id = fj_string(*l, "project_id");
            if (!labels_kind.name_label.empty()) c.resource_id = fj_string(*l, labels_kind.name_label);
            c.region = fj_string(*l, labels_kind.location_label);
            collect_extras(*l, levels[at_labels], e);
        }
        collect_extras(*resource, levels[at_resource], e);
    }
    c.event_id = fj_string(r, "insertId");
    c.severity = fj_string(r, "severity");
    c.category = category_of(fj_string(r, "logName"));
    collect_extras(r, levels[at_entry], e);
    drop_if_equal(e, "logName", json_string_text(default_log_name(c.account_id, c.category)));
    drop_if_equal(e, "receiveTimestamp", proto_time_json(e.time));
    sort_extras(e);
}

event retain_gcp_audit(const event& e) {
    const auto levels = levels_for(e.cloud.resource_type);
    event r = retained_cloud_event(e, "gcp", 1, levels);
    cloud_audit_info& c = r.cloud;
    c.actor_type.clear();
    c.actor_id.clear();
    c.access_key_id.clear();
    c.actor_account.clear();
    c.request_id.clear();
    c.interface_name.clear();
    c.old_value.clear();
    c.new_value.clear();
    c.management_event.reset();
    if (labels_for(c.resource_type).name_label.empty()) c.resource_id.clear();
    if (c.success) {
        c.error_code.clear();
        c.error_message.clear();
        std::erase_if(r.extra, [](const auto& kv) { return kv.first.starts_with("protoPayload.status."); });
    } else {
        c.error_code = std::to_string(status_code(c));
    }
    std::string authorization = valid_extra(r, "protoPayload.authorizationInfo");
    fast_json_parser parser;
    c.read_only = authorization.empty() ? std::nullopt : read_only_of(parser.parse(authorization));
    c.category = effective_category(r);
    drop_if_equal(r, "logName", json_string_text(default_log_name(c.account_id, c.category)));
    drop_if_equal(r, "receiveTimestamp", proto_time_json(r.time));
    return r;
}

std::unique_ptr<event_reader> open_reader(const std::string& path, const read_options& options) {
    return std::make_unique<audit_record_reader>(path, options, json_stream_options{}, read_entry);
}

std::unique_ptr<event_writer> open_writer(output_file& out) { return std::make_unique<gcp_audit_writer>(out); }

}  // namespace

const format_info& gcp_audit_format() {
    static const format_info info{
        .name = "gcp-audit",
        .description = "Google Cloud audit logs: LogEntry JSON lines with an AuditLog protoPayload (reads gcloud's "
                       "JSON arrays too)",
        .kinds = kinds_of({event_kind::cloud_audit}),
        .open_reader = open_reader,
        .open_writer = open_writer,
        .retain = retain_gcp_audit,
    };
    return info;
}

}  // namespace sclab::telemetry
