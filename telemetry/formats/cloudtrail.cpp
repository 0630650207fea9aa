// AWS CloudTrail: files are {"Records":[...]} (FIDELITY.md §2). The writer puts one record per line inside
// the array and the closing "]}" in finish(), so a cut file is visibly incomplete. The reader streams (a
// delivered CloudTrail file can hold thousands of records on one line) and also takes one record per line,
// as SIEM exports give them, or a plain array.
//
// Mapping: userIdentity{type, principalId, arn, accountId, accessKeyId, userName} -> actor_type, actor_id,
// actor_name, actor_account, access_key_id and the event's user; eventSource -> service; eventName ->
// action; success = no errorCode; resources[0]{type, ARN} -> resource_type, resource_name; recipientAccountId
// -> account_id; eventCategory -> category. Everything else (tlsDetails, sessionContext, more resources, an
// eventVersion other than 1.08...) travels in extras as JSON text.
#include "telemetry/formats/cloudtrail.hpp"

#include <array>

#include "telemetry/formats/cloud_audit_json.hpp"
#include "telemetry/time_format.hpp"

namespace sclab::telemetry {

namespace {

// Written when the event carries no other value (FIDELITY.md §2); as JSON text, the way extras hold them.
constexpr std::string_view default_event_version = R"("1.08")";
constexpr std::string_view default_event_type = R"("AwsApiCall")";

constexpr std::array<std::string_view, 17> record_modeled = {
    "userIdentity", "eventTime", "eventSource",       "eventName",        "awsRegion", "sourceIPAddress",
    "userAgent",    "errorCode", "errorMessage",      "requestParameters", "responseElements", "requestID",
    "eventID",      "readOnly",  "managementEvent",   "recipientAccountId", "eventCategory"};
// Kept as extras (only when they differ from what the writer would write) but written in their usual place.
constexpr std::array<std::string_view, 3> record_placed = {"eventVersion", "resources", "eventType"};
constexpr std::array<std::string_view, 6> identity_modeled = {"type",     "principalId", "arn",
                                                              "accountId", "accessKeyId", "userName"};
constexpr std::array<json_level, 2> levels = {json_level{"", record_modeled, record_placed},
                                              json_level{"userIdentity.", identity_modeled}};

// resources[0] into the model. True when the array is exactly what the writer makes of those fields (so no
// extra is needed): one resource {accountId: recipientAccountId, type, ARN}, empty members left out.
bool read_resources(json_element resources, cloud_audit_info& c) {
    simdjson::dom::array items;
    if (resources.get_array().get(items)) throw record_error("field \"resources\" should be an array");
    if (items.size() == 0) return false;
    json_element first;
    if (items.at(0).get(first)) return false;  // not reached: the array is not empty
    simdjson::dom::object members;
    if (first.get_object().get(members)) throw record_error("resources[0] should be an object");
    c.resource_type = fj_string(first, "type");
    c.resource_name = fj_string(first, "ARN");
    if (items.size() != 1 || (c.resource_type.empty() && c.resource_name.empty())) return false;
    // Exactly the writer's members, each once, none empty.
    std::size_t matched = 0;
    for (auto [key, value] : members) {
        const std::string* expected = key == "accountId" ? &c.account_id
                                      : key == "type"    ? &c.resource_type
                                      : key == "ARN"     ? &c.resource_name
                                                         : nullptr;
        std::string_view text;
        if (expected == nullptr || expected->empty() || value.get_string().get(text) || text != *expected) return false;
        ++matched;
    }
    const int members_expected = !c.account_id.empty() + !c.resource_type.empty() + !c.resource_name.empty();
    return matched == static_cast<std::size_t>(members_expected);
}

// The "resources" extra when the writer can use it (an array whose first element reads back), as compact JSON
// text; else "". When usable, `c` receives what resources[0] says, and `canonical` whether the model's fields
// alone rebuild the array.
std::string usable_resources(const event& e, cloud_audit_info& c, bool& canonical) {
    std::string text = valid_extra(e, "resources");
    if (text.empty()) return {};
    fast_json_parser parser;
    cloud_audit_info found = c;  // its account_id is what the canonical array holds
    try {
        canonical = read_resources(parser.parse(text), found);
    } catch (const record_error&) {
        return {};
    }
    c.resource_type = std::move(found.resource_type);
    c.resource_name = std::move(found.resource_name);
    return text;
}

void write_placed(json_writer& w, const event& e, std::string_view key, std::string_view default_json) {
    w.key(key);
    std::string_view value = e.extra_value(key);
    if (value.empty()) w.raw(default_json);
    else write_extra_value(w, value);
}

void write_record(std::string& out, const event& e) {
    const cloud_audit_info& c = e.cloud;
    json_writer w(out);
    w.begin_object();
    write_placed(w, e, "eventVersion", default_event_version);
    w.key("userIdentity").begin_object();
    w.field_if("type", c.actor_type).field_if("principalId", c.actor_id).field_if("arn", c.actor_name);
    w.field_if("accountId", c.actor_account).field_if("accessKeyId", c.access_key_id).field_if("userName", e.user);
    write_extras(w, e, levels, 1);
    w.end_object();
    std::string time;
    append_iso8601(time, e.time, 0);
    w.field("eventTime", time);
    w.field_if("eventSource", c.service).field_if("eventName", c.action).field_if("awsRegion", c.region);
    w.field_if("sourceIPAddress", c.source_ip).field_if("userAgent", c.user_agent);
    if (!c.success) w.field("errorCode", c.error_code).field_if("errorMessage", c.error_message);
    // Kept JSON text is compact JSON by the model's contract (readers keep it in canonical form).
    w.key("requestParameters").raw(c.request_parameters);
    w.key("responseElements").raw(c.response_elements);
    w.field_if("requestID", c.request_id).field_if("eventID", c.event_id);
    if (c.read_only) w.key("readOnly").boolean(*c.read_only);
    cloud_audit_info scratch;
    bool canonical = false;
    if (std::string resources = usable_resources(e, scratch, canonical); !resources.empty()) {
        w.key("resources").raw(resources);
    } else if (!c.resource_type.empty() || !c.resource_name.empty()) {
        w.key("resources").begin_array().begin_object().field_if("accountId", c.account_id);
        w.field_if("type", c.resource_type).field_if("ARN", c.resource_name).end_object().end_array();
    }
    write_placed(w, e, "eventType", default_event_type);
    if (c.management_event) w.key("managementEvent").boolean(*c.management_event);
    w.field_if("recipientAccountId", c.account_id).field_if("eventCategory", c.category);
    write_extras(w, e, levels, 0);
    w.end_object();
}

class cloudtrail_writer final : public event_writer {
public:
    explicit cloudtrail_writer(output_file& out) : out_(out) { out_.append("{\"Records\":[\n"); }

    bool write(const event& e) override {
        if (e.kind != event_kind::cloud_audit) return false;
        std::string& buffer = out_.buffer();
        if (records_ > 0) buffer += ",\n";
        write_record(buffer, e);
        ++records_;
        out_.record_done();
        return true;
    }

    void finish() override {
        if (finished_) return;
        finished_ = true;
        out_.append(records_ > 0 ? "\n]}\n" : "]}\n");
    }

private:
    output_file& out_;
    std::uint64_t records_ = 0;
    bool finished_ = false;
};

void remove_extra(event& e, std::string_view key) {
    std::erase_if(e.extra, [&](const auto& kv) { return kv.first == key; });
}

void drop_if_default(event& e, std::string_view key, std::string_view default_json) {
    std::string_view value = e.extra_value(key);
    if (!value.empty() && value == default_json) remove_extra(e, key);
}

void read_record(json_element r, event& e) {
    if (!r.is_object()) throw record_error("a CloudTrail record is a JSON object");
    e.kind = event_kind::cloud_audit;
    cloud_audit_info& c = e.cloud;
    c.provider = "aws";
    c.action = fj_string(r, "eventName");
    if (c.action.empty()) throw record_error("missing \"eventName\": not a CloudTrail record");
    e.time = required_rfc3339(r, "eventTime");
    if (auto identity = fj_object(r, "userIdentity")) {
        c.actor_type = fj_string(*identity, "type");
        c.actor_id = fj_string(*identity, "principalId");
        c.actor_name = fj_string(*identity, "arn");
        c.actor_account = fj_string(*identity, "accountId");
        c.access_key_id = fj_string(*identity, "accessKeyId");
        e.user = fj_string(*identity, "userName");
        collect_extras(*identity, levels[1], e);
    }
    c.service = fj_string(r, "eventSource");
    c.region = fj_string(r, "awsRegion");
    c.source_ip = fj_string(r, "sourceIPAddress");
    c.user_agent = fj_string(r, "userAgent");
    c.success = !fj_member(r, "errorCode");
    c.error_code = fj_string(r, "errorCode");
    c.error_message = fj_string(r, "errorMessage");
    c.request_parameters = fj_canonical(r, "requestParameters");
    c.response_elements = fj_canonical(r, "responseElements");
    c.request_id = fj_string(r, "requestID");
    c.event_id = fj_string(r, "eventID");
    c.read_only = fj_bool(r, "readOnly");
    c.management_event = fj_bool(r, "managementEvent");
    c.account_id = fj_string(r, "recipientAccountId");
    c.category = fj_string(r, "eventCategory");
    collect_extras(r, levels[0], e);
    if (auto resources = fj_member(r, "resources"); !resources || read_resources(*resources, c))
        remove_extra(e, "resources");
    drop_if_default(e, "eventVersion", default_event_version);
    drop_if_default(e, "eventType", default_event_type);
    sort_extras(e);
}

event retain_cloudtrail(const event& e) {
    event r = retained_cloud_event(e, "aws", ns_per_second, levels);
    r.user = e.user;  // userIdentity.userName
    cloud_audit_info& c = r.cloud;
    c.resource_id.clear();
    c.interface_name.clear();
    c.severity.clear();
    c.metadata.clear();
    c.old_value.clear();
    c.new_value.clear();
    if (c.success) {
        c.error_code.clear();
        c.error_message.clear();
    }
    bool canonical = false;
    if (!usable_resources(r, c, canonical).empty()) {
        if (canonical) remove_extra(r, "resources");
    } else {
        remove_extra(r, "resources");  // not usable: the writer falls back to the model's fields
    }
    drop_if_default(r, "eventVersion", default_event_version);
    drop_if_default(r, "eventType", default_event_type);
    return r;
}

std::unique_ptr<event_reader> open_reader(const std::string& path, const read_options& options) {
    return open_cloudtrail_reader(path, options, json_stream_options{}.buffer_bytes);
}

std::unique_ptr<event_writer> open_writer(output_file& out) { return std::make_unique<cloudtrail_writer>(out); }

}  // namespace

std::unique_ptr<event_reader> open_cloudtrail_reader(const std::string& path, const read_options& options,
                                                     std::size_t buffer_bytes) {
    json_stream_options stream;
    stream.wrapper_key = "Records";
    stream.buffer_bytes = buffer_bytes;
    return std::make_unique<audit_record_reader>(path, options, stream, read_record);
}

const format_info& cloudtrail_format() {
    static const format_info info{
        .name = "cloudtrail",
        .description = "AWS CloudTrail {\"Records\":[...]} files (also one record per line, as SIEM exports give)",
        .kinds = kinds_of({event_kind::cloud_audit}),
        .open_reader = open_reader,
        .open_writer = open_writer,
        .retain = retain_cloudtrail,
    };
    return info;
}

}  // namespace sclab::telemetry
