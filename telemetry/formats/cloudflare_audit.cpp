// Cloudflare audit logs (FIDELITY.md §2 "Cloudflare Workers and Pages").
//
// Writes the Logpush dataset `audit_logs` as JSON lines, every field of the dataset on every line (Logpush
// writes the fields a job asks for; this writes them all). When is written as RFC 3339 in whole seconds:
// Logpush's `rfc3339` timestamp format has second precision (the dashboard's default; the API's default is
// `unixnano`, and `unix`, `rfc3339ms`, `rfc3339ns` exist too).
//
// Reads, one record per line (or a plain JSON array of records):
//  - Logpush audit_logs lines, When in any of those timestamp formats: an RFC 3339 string (any fraction,
//    Z or a numeric offset), or Unix seconds / nanoseconds as a number or a string of digits;
//  - the API v1 `GET /accounts/{id}/audit_logs` records (id, action{type,result}, actor{email,id,ip,type},
//    interface, metadata, newValue, oldValue, owner{id}, resource{id,type}, when). The API's response
//    envelope {"success":..,"result":[...]} is not read: extract the records first (jq -c '.result[]').
//
// Mapping: ActionResult -> success, ActionType -> action, ActorEmail -> actor_name, ActorID -> actor_id,
// ActorIP -> source_ip, ActorType -> actor_type, ID -> event_id, Interface -> interface_name, Metadata,
// NewValue, OldValue -> metadata, new_value, old_value (JSON text), OwnerID -> account_id, ResourceID ->
// resource_id, ResourceType -> resource_type, When -> time. Other members travel in extras.
#include <array>
#include <cmath>
#include <limits>

#include "telemetry/formats/cloud_audit_json.hpp"
#include "telemetry/time_format.hpp"

namespace sclab::telemetry {

namespace {

constexpr std::array<std::string_view, 15> logpush_fields = {
    "ActionResult", "ActionType", "ActorEmail", "ActorID", "ActorIP",    "ActorType",    "ID",  "Interface",
    "Metadata",     "NewValue",   "OldValue",   "OwnerID", "ResourceID", "ResourceType", "When"};
constexpr std::array<json_level, 1> logpush_levels = {json_level{"", logpush_fields}};

constexpr std::array<std::string_view, 10> api_fields = {"id",       "action",   "actor", "interface", "metadata",
                                                         "newValue", "oldValue", "owner", "resource",  "when"};
constexpr std::array<std::string_view, 2> api_action_fields = {"type", "result"};
constexpr std::array<std::string_view, 4> api_actor_fields = {"email", "id", "ip", "type"};
constexpr std::array<std::string_view, 1> api_owner_fields = {"id"};
constexpr std::array<std::string_view, 2> api_resource_fields = {"id", "type"};
constexpr std::array<json_level, 5> api_levels = {
    json_level{"", api_fields}, json_level{"action.", api_action_fields}, json_level{"actor.", api_actor_fields},
    json_level{"owner.", api_owner_fields}, json_level{"resource.", api_resource_fields}};

// ---- writing -------------------------------------------------------------------------------------------

void write_record(std::string& out, const event& e) {
    const cloud_audit_info& c = e.cloud;
    json_writer w(out);
    w.begin_object();
    w.key("ActionResult").boolean(c.success);
    w.field("ActionType", c.action).field("ActorEmail", c.actor_name).field("ActorID", c.actor_id);
    w.field("ActorIP", c.source_ip).field("ActorType", c.actor_type).field("ID", c.event_id);
    w.field("Interface", c.interface_name);
    // Kept JSON text is compact JSON by the model's contract; empty is written as null.
    w.key("Metadata").raw(c.metadata).key("NewValue").raw(c.new_value).key("OldValue").raw(c.old_value);
    w.field("OwnerID", c.account_id).field("ResourceID", c.resource_id).field("ResourceType", c.resource_type);
    std::string when;
    append_iso8601(when, e.time, 0);
    w.field("When", when);
    write_extras(w, e, logpush_levels, 0);
    w.end_object();
    out.push_back('\n');
}

class cloudflare_audit_writer final : public event_writer {
public:
    explicit cloudflare_audit_writer(output_file& out) : out_(out) {}
    bool write(const event& e) override {
        if (e.kind != event_kind::cloud_audit) return false;
        write_record(out_.buffer(), e);
        out_.record_done();
        return true;
    }

private:
    output_file& out_;
};

// ---- reading -------------------------------------------------------------------------------------------

// Unix seconds or nanoseconds, told apart by size: seconds stay below 1e11 until the year 5138, and
// nanoseconds since 1973 are above 1e17. Milliseconds and microseconds are no Logpush format.
time_ns from_unix(std::uint64_t n, std::string_view key) {
    if (n < 100'000'000'000ULL) return static_cast<time_ns>(n) * ns_per_second;
    if (n >= 100'000'000'000'000'000ULL && n <= static_cast<std::uint64_t>(std::numeric_limits<time_ns>::max()))
        return static_cast<time_ns>(n);
    throw record_error("\"" + std::string(key) + "\" is neither Unix seconds nor Unix nanoseconds: " +
                       std::to_string(n));
}

time_ns read_when(json_element record, std::string_view key) {
    auto v = fj_member(record, key);
    if (!v) throw record_error("missing \"" + std::string(key) + "\"");
    std::uint64_t n = 0;
    if (!v->get_uint64().get(n)) return from_unix(n, key);
    double seconds = 0;
    if (v->is_double() && !v->get_double().get(seconds) && std::isfinite(seconds) && seconds >= 0 && seconds < 1e11)
        return static_cast<time_ns>(std::llround(seconds * 1e9));
    std::string_view text;
    if (!v->get_string().get(text)) {
        if (parse_uint(text, n)) return from_unix(n, key);
        time_ns t = 0;
        if (parse_rfc3339(text, t) || parse_epoch_seconds(text, t)) return t;
        throw record_error("\"" + std::string(key) + "\" is not an RFC 3339 time or a Unix time: " + std::string(text));
    }
    throw record_error("\"" + std::string(key) + "\" should be an RFC 3339 string or a Unix time");
}

void read_logpush(json_element r, event& e) {
    cloud_audit_info& c = e.cloud;
    c.success = fj_bool(r, "ActionResult").value_or(true);  // absent only if a job left it out
    c.action = fj_string(r, "ActionType");
    c.actor_name = fj_string(r, "ActorEmail");
    c.actor_id = fj_string(r, "ActorID");
    c.source_ip = fj_string(r, "ActorIP");
    c.actor_type = fj_string(r, "ActorType");
    c.event_id = fj_string(r, "ID");
    c.interface_name = fj_string(r, "Interface");
    c.metadata = fj_canonical(r, "Metadata");
    c.new_value = fj_canonical(r, "NewValue");
    c.old_value = fj_canonical(r, "OldValue");
    c.account_id = fj_string(r, "OwnerID");
    c.resource_id = fj_string(r, "ResourceID");
    c.resource_type = fj_string(r, "ResourceType");
    e.time = read_when(r, "When");
    collect_extras(r, logpush_levels[0], e);
}

void read_api(json_element r, event& e) {
    cloud_audit_info& c = e.cloud;
    e.time = read_when(r, "when");
    c.event_id = fj_string(r, "id");
    c.interface_name = fj_string(r, "interface");
    c.metadata = fj_canonical(r, "metadata");
    c.new_value = fj_canonical(r, "newValue");
    c.old_value = fj_canonical(r, "oldValue");
    if (auto action = fj_object(r, "action")) {
        c.action = fj_string(*action, "type");
        c.success = fj_bool(*action, "result").value_or(true);
        collect_extras(*action, api_levels[1], e);
    }
    if (auto actor = fj_object(r, "actor")) {
        c.actor_name = fj_string(*actor, "email");
        c.actor_id = fj_string(*actor, "id");
        c.source_ip = fj_string(*actor, "ip");
        c.actor_type = fj_string(*actor, "type");
        collect_extras(*actor, api_levels[2], e);
    }
    if (auto owner = fj_object(r, "owner")) {
        c.account_id = fj_string(*owner, "id");
        collect_extras(*owner, api_levels[3], e);
    }
    if (auto resource = fj_object(r, "resource")) {
        c.resource_id = fj_string(*resource, "id");
        c.resource_type = fj_string(*resource, "type");
        collect_extras(*resource, api_levels[4], e);
    }
    collect_extras(r, api_levels[0], e);
}

void read_record(json_element r, event& e) {
    if (!r.is_object()) throw record_error("a Cloudflare audit log record is a JSON object");
    e.kind = event_kind::cloud_audit;
    e.cloud.provider = "cloudflare";
    if (fj_contains(r, "When") || fj_contains(r, "ActionType")) {
        read_logpush(r, e);
    } else if (fj_contains(r, "when") || fj_contains(r, "action")) {
        read_api(r, e);
    } else if (fj_contains(r, "result") && (fj_contains(r, "success") || fj_contains(r, "errors"))) {
        throw record_error("this is a Cloudflare API response envelope: give its records one per line "
                           "(jq -c '.result[]')");
    } else {
        throw record_error("not a Cloudflare audit log record: neither Logpush audit_logs fields (When, ActionType) "
                           "nor API audit log fields (when, action)");
    }
    sort_extras(e);
}

event retain_cloudflare_audit(const event& e) {
    event r = retained_cloud_event(e, "cloudflare", ns_per_second, logpush_levels);
    cloud_audit_info& c = r.cloud;
    c.service.clear();
    c.error_code.clear();
    c.error_message.clear();
    c.access_key_id.clear();
    c.actor_account.clear();
    c.user_agent.clear();
    c.region.clear();
    c.resource_name.clear();
    c.request_id.clear();
    c.category.clear();
    c.severity.clear();
    c.read_only.reset();
    c.management_event.reset();
    c.request_parameters.clear();
    c.response_elements.clear();
    return r;
}

std::unique_ptr<event_reader> open_reader(const std::string& path, const read_options& options) {
    return std::make_unique<audit_record_reader>(path, options, json_stream_options{}, read_record);
}

std::unique_ptr<event_writer> open_writer(output_file& out) { return std::make_unique<cloudflare_audit_writer>(out); }

}  // namespace

const format_info& cloudflare_audit_format() {
    static const format_info info{
        .name = "cloudflare-audit",
        .description = "Cloudflare audit logs: Logpush audit_logs JSON lines (reads API v1 audit log records too)",
        .kinds = kinds_of({event_kind::cloud_audit}),
        .open_reader = open_reader,
        .open_writer = open_writer,
        .retain = retain_cloudflare_audit,
    };
    return info;
}

}  // namespace sclab::telemetry
