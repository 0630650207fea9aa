#include "emulators/control/google_admin.hpp"

#include <algorithm>
#include <functional>

#include <nlohmann/json.hpp>

#include "emulators/control/audit_event.hpp"
#include "emulators/control/request_target.hpp"
#include "telemetry/json_text.hpp"
#include "telemetry/text.hpp"
#include "telemetry/time_format.hpp"

namespace sclab::emulators::control {

namespace {

using telemetry::json_writer;

// gRPC status codes as Google's audit log records them in protoPayload.status.code.
struct google_status {
    int grpc;
    http::status http;
    const char* name;
};
constexpr google_status invalid_argument{3, http::status::bad_request, "INVALID_ARGUMENT"};
constexpr google_status not_found{5, http::status::not_found, "NOT_FOUND"};
constexpr google_status already_exists{6, http::status::conflict, "ALREADY_EXISTS"};
constexpr google_status unauthenticated{16, http::status::unauthorized, "UNAUTHENTICATED"};

void google_error(response& res, const google_status& status, std::string_view message) {
    std::string body;
    json_writer json(body);
    json.begin_object().key("error").begin_object();
    json.key("code").number(static_cast<std::uint64_t>(static_cast<unsigned>(status.http)));
    json.field("message", message).field("status", status.name).end_object().end_object();
    set_json_body(res, status.http, std::move(body));
}

std::string iso_time(telemetry::time_ns t) {
    std::string out;
    telemetry::append_iso8601(out, t, 9);  // Google spells times with nanoseconds
    return out;
}

class bad_request : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// The request body as a JSON object ({} when empty); bad_request otherwise.
nlohmann::json body_object(const request& req) {
    if (req.body().empty()) return nlohmann::json::object();
    auto body = nlohmann::json::parse(req.body(), nullptr, false);
    if (body.is_discarded() || !body.is_object()) throw bad_request("the request body is not a JSON object");
    return body;
}

// Applies a "relay" object of the body to `relay`.
void read_relay(const nlohmann::json& body, relay_behaviour& relay) {
    const auto it = body.find("relay");
    if (it == body.end()) return;
    if (!it->is_object()) throw bad_request("relay is not an object");
    const auto text = [&](const char* key, std::string& out) {
        if (!it->contains(key)) return;
        if (!(*it)[key].is_string()) throw bad_request(std::string("relay.") + key + " is not a string");
        out = (*it)[key].get<std::string>();
    };
    const auto number = [&](const char* key, std::uint64_t& out) {
        if (!it->contains(key)) return;
        if (!(*it)[key].is_number_unsigned()) throw bad_request(std::string("relay.") + key + " is not a whole number");
        out = (*it)[key].get<std::uint64_t>();
    };
    text("checkin_path", relay.checkin_path);
    text("result_path", relay.result_path);
    number("task_bytes", relay.task_bytes);
    number("ack_bytes", relay.ack_bytes);
    number("max_response_bytes", relay.max_response_bytes);
}

// protoPayload.authorizationInfo as the Admin Activity log writes it for a granted write.
std::string authorization_info(std::string_view resource, std::string_view permission) {
    std::string out;
    json_writer json(out);
    json.begin_array().begin_object().field("resource", resource).field_if("permission", permission);
    json.key("granted").boolean(true).field("permissionType", "ADMIN_WRITE").end_object().end_array();
    return out;
}

bool valid_function_name(std::string_view name) {
    // Cloud Functions: a letter first, then letters, digits, '-' and '_', at most 63.
    if (name.empty() || name.size() > 63 || !std::isalpha(static_cast<unsigned char>(name.front()))) return false;
    return std::all_of(name.begin(), name.end(), [](char ch) {
        return std::isalnum(static_cast<unsigned char>(ch)) || ch == '-' || ch == '_';
    });
}

bool valid_id(std::string_view id) {
    return !id.empty() && id.size() <= 128 && std::all_of(id.begin(), id.end(), [](char ch) {
        return std::isalnum(static_cast<unsigned char>(ch)) || ch == '-' || ch == '_';
    });
}

void write_function(json_writer& json, const cloud_function& f, telemetry::time_ns updated) {
    json.begin_object()
        .field("name", "projects/" + f.project_id + "/locations/" + f.region + "/functions/" + f.name)
        .key("httpsTrigger")
        .begin_object()
        .field("url", "https://" + f.region + "-" + f.project_id + ".cloudfunctions.net/" + f.name)
        .end_object()
        .field("status", "ACTIVE")
        .field("updateTime", iso_time(updated))
        .end_object();
}

void write_deployment(json_writer& json, const apps_script_deployment& d, telemetry::time_ns updated) {
    json.begin_object()
        .field("deploymentId", d.deployment_id)
        .key("deploymentConfig")
        .begin_object()
        .field("scriptId", d.project_id)
        .end_object()
        .field("updateTime", iso_time(updated))
        .key("entryPoints")
        .begin_array()
        .begin_object()
        .field("entryPointType", "WEB_APP")
        .key("webApp")
        .begin_object()
        .field("url", "https://script.google.com/macros/s/" + d.deployment_id + "/exec")
        .end_object()
        .end_object()
        .end_array()
        .end_object();
}

// Ends an admin change: the answer (Google's error shape on failure) and its audit record, success or not.
void answer_change(telemetry::event& e, response& res, const google_status* failure, std::string_view message,
                   std::string response_json, event_sink& sink) {
    telemetry::cloud_audit_info& a = e.cloud;
    a.success = failure == nullptr;
    a.severity = failure ? "ERROR" : "NOTICE";
    if (failure) {
        a.error_code = std::to_string(failure->grpc);
        a.error_message = message;
        google_error(res, *failure, message);
    } else {
        a.response_elements = response_json;
        set_json_body(res, http::status::ok, std::move(response_json));
    }
    sink.emit(e);
}

}  // namespace

struct google_admin::state {
    google_lab lab;
    telemetry::seeded_random random;
};

struct google_admin::call {
    const request& req;
    const connection_info& conn;
    telemetry::time_ns now;
    std::vector<std::function<void()>> after_unlock;
};

google_admin::google_admin(google_lab lab, event_sink& sink, telemetry::clock_source& clock,
                           telemetry::seeded_random random, deployment_listener* listener)
    : state_(std::make_unique<state>(state{std::move(lab), random})), sink_(sink), clock_(clock), listener_(listener) {}

google_admin::~google_admin() = default;

bool google_admin::owns(const std::string& host, const request& header_only) const {
    return host == google_admin_host || header_only.target().substr(0, google_admin_prefix.size()) == google_admin_prefix;
}

std::uint64_t google_admin::body_limit(const std::string&, const request&) const { return 64 * 1024; }

void google_admin::too_large(const std::string&, const request& header_only, response& res) const {
    res.version(header_only.version());
    google_error(res, {3, http::status::payload_too_large, "INVALID_ARGUMENT"}, "Request payload size exceeds the limit");
}

void google_admin::handle(const std::string&, const request& req, const connection_info& conn, response& res) {
    res.version(req.version());
    res.keep_alive(req.keep_alive());
    call c{req, conn, clock_.now(), {}};
    const auto target = parse_request_target(req.target());
    // segments: sclab google v1 projects {id} ...
    if (!target || target->segments.size() < 5 || target->segments[0] != "sclab" || target->segments[1] != "google" ||
        target->segments[2] != "v1" || target->segments[3] != "projects") {
        google_error(res, not_found, "No such admin path; see emulators/control/google_admin.hpp");
        return;
    }
    std::vector<std::string> s(target->segments.begin() + 3, target->segments.end());
    if (s.back().empty()) s.pop_back();
    {
        std::unique_lock lock(mutex_);
        const std::string_view token = bearer_token(req);
        const auto& tokens = state_->lab.admin_tokens;
        if (token.empty() || std::find(tokens.begin(), tokens.end(), token) == tokens.end()) {
            google_error(res, unauthenticated,
                         "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or "
                         "other valid authentication credential.");
            return;
        }
        if (s.size() >= 5 && s[2] == "locations" && s[4] == "functions") functions(c, s, res);
        else if (s.size() >= 3 && s[2] == "deployments") deployments(c, s, res);
        else google_error(res, not_found, "No such admin path; see emulators/control/google_admin.hpp");
    }
    for (const auto& notify : c.after_unlock) notify();
}

// s: projects {project} locations {region} functions [{name}]
void google_admin::functions(call& c, const std::vector<std::string>& s, response& res) {
    const std::string& project = s[1];
    const std::string& region = s[3];
    auto& list = state_->lab.cloud_functions;
    const http::verb method = c.req.method();
    const std::string parent = "projects/" + project + "/locations/" + region;

    if (s.size() == 5 && method == http::verb::get) {
        std::string body;
        json_writer json(body);
        json.begin_object().key("functions").begin_array();
        for (const cloud_function& f : list)
            if (f.project_id == project && f.region == region) write_function(json, f, c.now);
        json.end_array().end_object();
        set_json_body(res, http::status::ok, std::move(body));
        return;
    }
    const char* verb = nullptr;
    if (s.size() == 5 && method == http::verb::post) verb = "Create";
    else if (s.size() == 6 && method == http::verb::patch) verb = "Update";
    else if (s.size() == 6 && method == http::verb::delete_) verb = "Delete";
    if (!verb) {
        google_error(res, not_found, "No such admin path; see emulators/control/google_admin.hpp");
        return;
    }

    telemetry::event e = new_audit_event(c.now, "gcp", c.conn, c.req);
    auto& a = e.cloud;
    a.service = "cloudfunctions.googleapis.com";
    a.action = std::string("google.cloud.functions.v1.CloudFunctionsService.") + verb + "Function";
    a.actor_name = state_->lab.admin_email;
    a.account_id = project;
    a.region = region;
    a.resource_type = "cloud_function";
    a.category = "activity";
    a.read_only = false;
    a.event_id = state_->random.hex(12);  // insertId
    const std::string permission = "cloudfunctions.functions." + telemetry::to_lower(verb);

    const auto finish = [&](const google_status* failure, std::string_view message, std::string response_json) {
        answer_change(e, res, failure, message, std::move(response_json), sink_);
    };

    try {
        const nlohmann::json body = body_object(c.req);
        std::string name = s.size() == 6 ? s[5] : std::string();
        if (verb[0] == 'C') {
            if (!body.contains("name") || !body["name"].is_string()) throw bad_request("name is required");
            name = body["name"].get<std::string>();
        }
        a.resource_id = name;
        a.resource_name = parent + "/functions/" + name;
        {
            std::string request_json;
            json_writer json(request_json);
            json.begin_object()
                .field("@type", std::string("type.googleapis.com/google.cloud.functions.v1.") + verb + "FunctionRequest");
            if (verb[0] == 'C') json.field("location", parent).key("function").begin_object().field("name", a.resource_name).end_object();
            else json.field("name", a.resource_name);
            json.end_object();
            a.request_parameters = std::move(request_json);
        }
        e.set_extra("protoPayload.authorizationInfo", authorization_info(a.resource_name, permission));
        if (!valid_function_name(name)) throw bad_request("function name '" + name.substr(0, 70) + "' is not valid");
        auto it = std::find_if(list.begin(), list.end(), [&](const cloud_function& f) {
            return f.project_id == project && f.region == region && f.name == name;
        });
        if (verb[0] == 'C' && it != list.end())
            return finish(&already_exists, "Function " + a.resource_name + " already exists", {});
        if (verb[0] != 'C' && it == list.end())
            return finish(&not_found, "Function " + a.resource_name + " does not exist", {});

        std::string op;
        json_writer json(op);
        json.begin_object().field("name", "operations/" + state_->random.hex(24)).key("done").boolean(true);
        if (verb[0] == 'D') {
            list.erase(it);
            json.end_object();
            if (listener_)
                c.after_unlock.push_back([this, project, region, name] { listener_->cloud_function_removed(project, region, name); });
        } else {
            // Read the whole request before changing anything, so a bad one changes nothing.
            relay_behaviour relay = it == list.end() ? relay_behaviour{} : it->relay;
            read_relay(body, relay);
            if (verb[0] == 'C') {
                cloud_function fresh;
                fresh.project_id = project;
                fresh.region = region;
                fresh.name = name;
                list.push_back(fresh);
                it = list.end() - 1;
            }
            it->relay = relay;
            json.key("response");
            write_function(json, *it, c.now);
            json.end_object();
            if (listener_) c.after_unlock.push_back([this, f = *it] { listener_->cloud_function_deployed(f); });
        }
        finish(nullptr, {}, std::move(op));
    } catch (const bad_request& err) {
        finish(&invalid_argument, err.what(), {});
    }
}

// s: projects {scriptId} deployments [{deploymentId}]
void google_admin::deployments(call& c, const std::vector<std::string>& s, response& res) {
    const std::string& script_id = s[1];
    auto& list = state_->lab.apps_script;
    const http::verb method = c.req.method();
    if (s.size() == 3 && method == http::verb::get) {
        std::string body;
        json_writer json(body);
        json.begin_object().key("deployments").begin_array();
        for (const apps_script_deployment& d : list)
            if (d.project_id == script_id) write_deployment(json, d, c.now);
        json.end_array().end_object();
        set_json_body(res, http::status::ok, std::move(body));
        return;
    }
    const char* verb = nullptr;
    if (s.size() == 3 && method == http::verb::post) verb = "create";
    else if (s.size() == 4 && method == http::verb::put) verb = "update";
    else if (s.size() == 4 && method == http::verb::delete_) verb = "delete";
    if (!verb) {
        google_error(res, not_found, "No such admin path; see emulators/control/google_admin.hpp");
        return;
    }

    telemetry::event e = new_audit_event(c.now, "gcp", c.conn, c.req);
    auto& a = e.cloud;
    a.service = "script.googleapis.com";
    a.action = std::string("script.projects.deployments.") + verb;
    a.actor_name = state_->lab.admin_email;
    a.account_id = script_id;
    // Google's generic monitored resource for audited services without their own (*unverified* for Apps Script).
    a.resource_type = "audited_resource";
    a.category = "activity";
    a.read_only = false;
    a.event_id = state_->random.hex(12);

    const auto finish = [&](const google_status* failure, std::string_view message, std::string response_json) {
        answer_change(e, res, failure, message, std::move(response_json), sink_);
    };

    try {
        const nlohmann::json body = body_object(c.req);
        std::string id = s.size() == 4 ? s[3] : std::string();
        if (verb[0] == 'c') {
            if (body.contains("deploymentId")) {
                if (!body["deploymentId"].is_string()) throw bad_request("deploymentId is not a string");
                id = body["deploymentId"].get<std::string>();
            } else {
                // Real deployment ids: "AKfycb" and 66 more URL-safe base64 characters.
                static constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
                id = "AKfycb";
                for (int i = 0; i < 66; ++i) id.push_back(alphabet[state_->random.next_u64() % 64]);
            }
        }
        a.resource_id = id;
        a.resource_name = "projects/" + script_id + "/deployments/" + id;
        a.request_parameters = "{\"scriptId\":" + nlohmann::json(script_id).dump() + ",\"deploymentId\":" + nlohmann::json(id).dump() + "}";
        // No documented IAM permission guards Apps Script deployments, so the entry names none.
        e.set_extra("protoPayload.authorizationInfo", authorization_info(a.resource_name, {}));
        if (!valid_id(script_id) || !valid_id(id)) throw bad_request("script or deployment id is not valid");
        auto it = std::find_if(list.begin(), list.end(), [&](const apps_script_deployment& d) { return d.deployment_id == id; });
        if (verb[0] == 'c' && it != list.end()) return finish(&already_exists, "Deployment " + id + " already exists", {});
        if (verb[0] != 'c' && (it == list.end() || it->project_id != script_id))
            return finish(&not_found, "Deployment " + a.resource_name + " does not exist", {});

        std::string result = "{}";
        if (verb[0] == 'd') {
            list.erase(it);
            if (listener_) c.after_unlock.push_back([this, id] { listener_->apps_script_removed(id); });
        } else {
            relay_behaviour relay = it == list.end() ? relay_behaviour{} : it->relay;
            read_relay(body, relay);
            if (verb[0] == 'c') {
                apps_script_deployment fresh;
                fresh.deployment_id = id;
                fresh.project_id = script_id;
                fresh.owner_email = state_->lab.admin_email;
                list.push_back(fresh);
                it = list.end() - 1;
            }
            it->relay = relay;
            result.clear();
            json_writer json(result);
            write_deployment(json, *it, c.now);
            if (listener_) c.after_unlock.push_back([this, d = *it] { listener_->apps_script_deployed(d); });
        }
        finish(nullptr, {}, std::move(result));
    } catch (const bad_request& err) {
        finish(&invalid_argument, err.what(), {});
    }
}

}  // namespace sclab::emulators::control
