#include "emulators/control/cloudflare_api.hpp"

#include <algorithm>
#include <functional>
#include <memory>

#include <nlohmann/json.hpp>

#include "emulators/control/audit_event.hpp"
#include "emulators/control/cloudflare_envelope.hpp"
#include "emulators/control/digest.hpp"
#include "emulators/control/multipart.hpp"
#include "emulators/control/request_target.hpp"
#include "telemetry/json_text.hpp"
#include "telemetry/text.hpp"
#include "telemetry/time_format.hpp"

namespace sclab::emulators::control {

namespace {

using telemetry::json_writer;
using telemetry::time_ns;

constexpr std::string_view colo = "LHR";  // the CF-RAY suffix; any three-letter colo would do
// The audit records' ResourceType for a Worker: *unverified* (cloudflare_api.hpp says what is known).
constexpr std::string_view audit_resource_type = "script";

struct worker_version {
    std::string id;  // uuid
    std::uint64_t number = 0;
    std::string main_module;
    std::string compatibility_date;
    std::string compatibility_flags_json = "[]";
    std::string bindings_json = "[]";
    std::string etag;  // sha256 of the uploaded metadata and modules
    std::uint64_t bytes = 0;
    time_ns created_on = 0;
};

struct worker_deployment {
    std::string id;
    std::string version_id;
    std::string triggered_by;  // "upload" (PUT) or "deployment" (versions + deployments)
    time_ns created_on = 0;
};

struct worker_script {
    std::string name;
    std::string tag;  // 32 hex, stable for the script's life
    time_ns created_on = 0, modified_on = 0;
    std::string last_deployed_from = "wrangler";
    std::vector<worker_version> versions;
    std::vector<worker_deployment> deployments;  // oldest first
    bool workers_dev = false, previews = false;
    bool logpush = false;
    std::string observability_json = R"({"enabled":false})";
    std::string tags_json = "[]";

    const worker_version* current() const {
        if (deployments.empty()) return nullptr;
        for (const worker_version& v : versions)
            if (v.id == deployments.back().version_id) return &v;
        return nullptr;
    }
};

struct account_state {
    cloudflare_account account;
    std::string actor_id;  // the user behind the account's email, as the audit log names them
    std::map<std::string, worker_script> scripts;
};

std::string iso_time(time_ns t) {
    std::string out;
    telemetry::append_iso8601(out, t, 6);  // Cloudflare's API spells times with microseconds
    return out;
}

std::string json_string(std::string_view text) {
    std::string out;
    telemetry::append_json_string(out, text);
    return out;
}

// FIDELITY.md: start with a letter, end with a letter or digit, [A-Za-z0-9_-], at most 63 characters.
bool valid_script_name(std::string_view name) {
    const auto alnum = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); };
    if (name.empty() || name.size() > 63) return false;
    if (!((name.front() >= 'a' && name.front() <= 'z') || (name.front() >= 'A' && name.front() <= 'Z'))) return false;
    if (!alnum(name.back())) return false;
    return std::all_of(name.begin(), name.end(), [&](char c) { return alnum(c) || c == '-' || c == '_'; });
}

// The script as the audit log's OldValue/NewValue show it.
std::string script_summary(const worker_script& s) {
    std::string out;
    json_writer json(out);
    json.begin_object().field("id", s.name).field("tag", s.tag);
    if (const worker_version* v = s.current()) {
        json.field("etag", v->etag).field("main_module", v->main_module).field("compatibility_date", v->compatibility_date);
    }
    json.key("workers_dev").boolean(s.workers_dev);
    json.end_object();
    return out;
}

void write_script_object(json_writer& json, const worker_script& s) {
    const worker_version* v = s.current();
    json.begin_object()
        .field("id", s.name)
        .field("tag", s.tag)
        .field("etag", v ? v->etag : "")
        .key("handlers")
        .begin_array()
        .string("fetch")
        .end_array()
        .field("modified_on", iso_time(s.modified_on))
        .field("created_on", iso_time(s.created_on))
        .field("usage_model", "standard")
        .field("compatibility_date", v ? v->compatibility_date : "")
        .field("last_deployed_from", s.last_deployed_from)
        .key("has_modules")
        .boolean(true)
        .key("logpush")
        .boolean(s.logpush)
        .key("tags")
        .raw(s.tags_json)
        .end_object();
}

void write_deployment(json_writer& json, const worker_deployment& d, const std::string& author_email) {
    json.begin_object()
        .field("id", d.id)
        .field("source", "wrangler")
        .field("strategy", "percentage")
        .field("author_email", author_email)
        .field("created_on", iso_time(d.created_on))
        .key("annotations")
        .begin_object()
        .field("workers/triggered_by", d.triggered_by)
        .end_object()
        .key("versions")
        .begin_array()
        .begin_object()
        .field("version_id", d.version_id)
        .key("percentage")
        .number(std::uint64_t{100})
        .end_object()
        .end_array()
        .end_object();
}

class upload_error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Reads a Worker upload (multipart: `metadata` JSON plus the module parts) into a version.
worker_version parse_upload(const request& req) {
    const auto type = req.find(http::field::content_type);
    if (type == req.end()) throw upload_error("the upload has no Content-Type; expected multipart/form-data");
    std::vector<multipart_part> parts;
    try {
        parts = parse_multipart(req.body(), multipart_boundary(type->value()));
    } catch (const multipart_error& e) {
        throw upload_error(std::string("the upload is not valid multipart/form-data: ") + e.what());
    }
    const multipart_part* metadata_part = find_part(parts, "metadata");
    if (!metadata_part) throw upload_error("the upload has no 'metadata' part");
    const auto metadata = nlohmann::json::parse(metadata_part->body, nullptr, false);
    if (metadata.is_discarded() || !metadata.is_object()) throw upload_error("the 'metadata' part is not a JSON object");

    worker_version v;
    const auto text_member = [&](const char* key) -> std::string {
        const auto it = metadata.find(key);
        if (it == metadata.end() || it->is_null()) return {};
        if (!it->is_string()) throw upload_error(std::string("metadata.") + key + " is not a string");
        return it->get<std::string>();
    };
    const auto array_member = [&](const char* key) -> std::string {
        const auto it = metadata.find(key);
        if (it == metadata.end() || it->is_null()) return "[]";
        if (!it->is_array()) throw upload_error(std::string("metadata.") + key + " is not an array");
        return it->dump();
    };
    v.main_module = text_member("main_module");
    if (v.main_module.empty()) v.main_module = text_member("body_part");  // service-worker format
    if (v.main_module.empty()) throw upload_error("metadata names no main_module (or body_part)");
    if (!find_part(parts, v.main_module))
        throw upload_error("No such module \"" + v.main_module.substr(0, 100) + "\" in the upload");
    v.compatibility_date = text_member("compatibility_date");
    v.compatibility_flags_json = array_member("compatibility_flags");
    v.bindings_json = array_member("bindings");
    // The etag follows the content, not the multipart framing (whose boundary changes on every upload).
    std::string content = metadata.dump();
    for (const multipart_part& p : parts)
        if (p.name != "metadata") content += "\n" + p.name + "\n" + p.body;
    v.etag = sha256_hex(content);
    v.bytes = req.body().size();
    return v;
}

}  // namespace

struct cloudflare_api::state {
    std::vector<account_state> accounts;
    telemetry::seeded_random random;
    explicit state(telemetry::seeded_random r) : random(r) {}
};

// One request on its way through.
struct cloudflare_api::call {
    const request& req;
    const connection_info& conn;
    time_ns now;
    std::string ray;
    account_state* account = nullptr;
    std::vector<std::function<void()>> after_unlock;  // listener notifications, run without the lock held
};

cloudflare_api::cloudflare_api(std::vector<cloudflare_account> accounts, event_sink& sink,
                               telemetry::clock_source& clock, telemetry::seeded_random random,
                               deployment_listener* listener)
    : state_(std::make_unique<state>(random)), sink_(sink), clock_(clock), listener_(listener) {
    const time_ns now = clock_.now();
    for (cloudflare_account& a : accounts) {
        account_state s;
        s.actor_id = sha256_hex(a.email).substr(0, 32);
        // The lab's Workers exist from the start, deployed and on workers.dev.
        for (const cloudflare_worker& w : a.workers) {
            worker_script script;
            script.name = w.name;
            script.tag = state_->random.hex(32);
            script.created_on = script.modified_on = now;
            worker_version v;
            v.id = random_uuid(state_->random);
            v.number = 1;
            v.main_module = "index.js";
            v.etag = sha256_hex(w.name);
            v.created_on = now;
            script.versions.push_back(v);
            script.deployments.push_back({random_uuid(state_->random), v.id, "upload", now});
            script.workers_dev = true;
            s.scripts.emplace(w.name, std::move(script));
        }
        s.account = std::move(a);
        state_->accounts.push_back(std::move(s));
    }
}

cloudflare_api::~cloudflare_api() = default;

bool cloudflare_api::owns(const std::string& host, const request& header_only) const {
    const std::string_view target = header_only.target();
    return target.substr(0, 11) == "/client/v4/" || host == "api.cloudflare.com";
}

std::uint64_t cloudflare_api::body_limit(const std::string&, const request&) const { return cloudflare_body_limit; }

void cloudflare_api::too_large(const std::string&, const request& header_only, response& res) const {
    res.version(header_only.version());
    // *Unverified*: wrangler treats code 10027 as "script too large".
    cloudflare_failure(res, http::status::payload_too_large, 10027, "Request body is too large");
}

std::vector<std::string> cloudflare_api::script_names(const std::string& account_id) const {
    std::lock_guard lock(mutex_);
    std::vector<std::string> names;
    for (const account_state& a : state_->accounts)
        if (a.account.id == account_id)
            for (const auto& [name, script] : a.scripts) names.push_back(name);
    return names;
}

void cloudflare_api::handle(const std::string&, const request& req, const connection_info& conn, response& res) {
    call c{req, conn, clock_.now(), {}, nullptr, {}};
    res.version(req.version());
    res.keep_alive(req.keep_alive());
    {
        std::unique_lock lock(mutex_);
        c.ray = state_->random.hex(16) + "-" + std::string(colo);
        res.set("CF-RAY", c.ray);
        res.set(http::field::server, "cloudflare");

        const auto target = parse_request_target(req.target());
        std::vector<std::string> s;
        if (target && target->segments.size() >= 2 && target->segments[0] == "client" && target->segments[1] == "v4")
            s.assign(target->segments.begin() + 2, target->segments.end());
        if (!s.empty() && s.back().empty()) s.pop_back();  // a trailing slash
        if (s.empty()) {
            cloudflare_failure(res, http::status::not_found, 7000, "No route for that URI");
            return;
        }

        const std::string_view token = bearer_token(req);
        std::vector<account_state*> granted;
        if (!token.empty())
            for (account_state& a : state_->accounts)
                if (std::find(a.account.api_tokens.begin(), a.account.api_tokens.end(), token) != a.account.api_tokens.end())
                    granted.push_back(&a);
        if (granted.empty()) {
            cloudflare_authentication_error(res, http::status::unauthorized);
            return;
        }

        if (s.size() == 1 && s[0] == "accounts" && req.method() == http::verb::get) {
            std::string result;
            json_writer json(result);
            json.begin_array();
            for (const account_state* a : granted)
                json.begin_object()
                    .field("id", a->account.id)
                    .field("name", a->account.name)
                    .field("type", "standard")
                    .field("created_on", iso_time(c.now))
                    .end_object();
            json.end_array();
            const std::string info = R"({"page":1,"per_page":20,"total_pages":1,"count":)" + std::to_string(granted.size()) +
                                     R"(,"total_count":)" + std::to_string(granted.size()) + "}";
            cloudflare_success(res, result, http::status::ok, info);
        } else if (s.size() == 1 && s[0] == "memberships" && req.method() == http::verb::get) {
            std::string result;
            json_writer json(result);
            json.begin_array();
            for (const account_state* a : granted)
                json.begin_object()
                    .field("id", a->actor_id)
                    .field("status", "accepted")
                    .key("account")
                    .begin_object()
                    .field("id", a->account.id)
                    .field("name", a->account.name)
                    .end_object()
                    .end_object();
            json.end_array();
            cloudflare_success(res, result);
        } else if (s == std::vector<std::string>{"user", "tokens", "verify"} && req.method() == http::verb::get) {
            // The token's id, never the token itself.
            cloudflare_success(res, R"({"id":")" + sha256_hex(token).substr(0, 32) + R"(","status":"active"})");
        } else if (s.size() >= 2 && s[0] == "accounts") {
            for (account_state* a : granted)
                if (a->account.id == s[1]) c.account = a;
            if (!c.account) {
                cloudflare_authentication_error(res, http::status::forbidden);
                return;
            }
            route_account(c, std::vector<std::string>(s.begin() + 2, s.end()), res);
        } else {
            cloudflare_failure(res, http::status::not_found, 7000, "No route for that URI");
        }
        lock.unlock();
        for (const auto& notify : c.after_unlock) notify();
        return;
    }
}

void cloudflare_api::route_account(call& c, const std::vector<std::string>& r, response& res) {
    account_state& account = *c.account;
    const http::verb method = c.req.method();
    const auto is = [&](std::initializer_list<const char*> shape, http::verb m) {
        if (method != m || r.size() != shape.size()) return false;
        std::size_t i = 0;
        for (const char* part : shape) {
            if (std::string_view(part) != "*" && r[i] != part) return false;
            ++i;
        }
        return true;
    };
    const std::string name = r.size() >= 3 ? r[2] : std::string();
    worker_script* script = nullptr;
    if (r.size() >= 3 && r[0] == "workers" && (r[1] == "scripts" || r[1] == "services")) {
        const auto it = account.scripts.find(name);
        if (it != account.scripts.end()) script = &it->second;
    }
    const auto script_not_found = [&] {
        cloudflare_failure(res, http::status::not_found, 10007, "workers.api.error.script_not_found");
    };

    // One audit record per change; `old_value`/`new_value` are JSON text or empty.
    const auto audit = [&](std::string_view action, std::string_view operation, bool success, std::string old_value,
                           std::string new_value, std::string_view error = {}) {
        telemetry::event e = new_audit_event(c.now, "cloudflare", c.conn, c.req);
        auto& a = e.cloud;
        a.action = action;
        a.success = success;
        a.error_message = error;
        a.actor_type = "user";
        a.actor_id = account.actor_id;
        a.actor_name = account.account.email;
        a.account_id = account.account.id;
        a.interface_name = "API";
        a.resource_type = audit_resource_type;
        a.resource_id = name;
        a.resource_name = name;
        a.request_id = c.ray;
        a.event_id = random_uuid(state_->random);
        a.read_only = false;
        a.metadata = "{\"script_name\":" + json_string(name) + ",\"operation\":" + json_string(operation) + "}";
        a.old_value = std::move(old_value);
        a.new_value = std::move(new_value);
        // *Unverified*: the API answers a change with the id of the audit record it wrote.
        res.set("cf-auditlog-id", a.event_id);
        sink_.emit(e);
    };
    const auto reachable = [&](const worker_script& s) {
        if (!listener_) return;
        cloudflare_worker worker;
        worker.name = s.name;
        for (const cloudflare_worker& w : account.account.workers)
            if (w.name == s.name) worker.relay = w.relay;
        c.after_unlock.push_back([this, id = account.account.id, sub = account.account.subdomain, worker] {
            listener_->worker_deployed(id, sub, worker);
        });
    };
    const auto unreachable = [&](const std::string& script_name) {
        if (!listener_) return;
        c.after_unlock.push_back([this, id = account.account.id, script_name] { listener_->worker_removed(id, script_name); });
    };

    if (is({"workers", "subdomain"}, http::verb::get)) {
        if (account.account.subdomain.empty()) {
            cloudflare_failure(res, http::status::not_found, 10007, "workers.api.error.no_subdomain");
            return;
        }
        cloudflare_success(res, "{\"subdomain\":" + json_string(account.account.subdomain) + "}");
    } else if (is({"workers", "scripts"}, http::verb::get)) {
        std::string result;
        json_writer json(result);
        json.begin_array();
        for (const auto& [n, s] : account.scripts) write_script_object(json, s);
        json.end_array();
        cloudflare_success(res, result);
    } else if (is({"workers", "services", "*"}, http::verb::get)) {
        if (!script) {
            cloudflare_failure(res, http::status::not_found, 10090, "workers.api.error.service_not_found");
            return;
        }
        std::string result;
        json_writer json(result);
        json.begin_object().field("id", name).key("default_environment").begin_object();
        json.field("environment", "production").field("created_on", iso_time(script->created_on));
        json.field("modified_on", iso_time(script->modified_on)).key("script");
        write_script_object(json, *script);
        json.end_object();
        json.field("created_on", iso_time(script->created_on)).field("modified_on", iso_time(script->modified_on));
        json.field("usage_model", "standard");
        json.key("environments").begin_array().begin_object().field("environment", "production");
        json.field("created_on", iso_time(script->created_on)).field("modified_on", iso_time(script->modified_on));
        json.end_object().end_array().end_object();
        cloudflare_success(res, result);
    } else if ((is({"workers", "services", "*"}, http::verb::delete_) ||
                is({"workers", "scripts", "*"}, http::verb::delete_))) {
        if (!script) {
            if (r[1] == "services") cloudflare_failure(res, http::status::not_found, 10090, "workers.api.error.service_not_found");
            else script_not_found();
            return;
        }
        std::string old_value = script_summary(*script);
        const bool was_reachable = script->workers_dev;
        account.scripts.erase(name);
        audit("delete", "delete", true, std::move(old_value), {});
        if (was_reachable) unreachable(name);
        cloudflare_success(res, {});
    } else if (is({"workers", "scripts", "*"}, http::verb::put) || is({"workers", "scripts", "*", "versions"}, http::verb::post)) {
        const bool as_version = r.size() == 4;
        if (!valid_script_name(name)) {
            cloudflare_failure(res, http::status::bad_request, 10016, "Invalid Worker name");
            return;
        }
        if (as_version && !script) {
            script_not_found();
            return;
        }
        std::string old_value = script ? script_summary(*script) : std::string();
        const char* action = script ? "update" : "create";
        const char* operation = as_version ? "version_upload" : "upload";
        worker_version v;
        try {
            v = parse_upload(c.req);
        } catch (const upload_error& e) {
            // *Unverified* code: wrangler reads 10021 as "the script failed validation" and prints the message.
            cloudflare_failure(res, http::status::bad_request, 10021, e.what());
            audit(action, operation, false, std::move(old_value), {}, e.what());
            return;
        }
        if (!script) {
            worker_script fresh;
            fresh.name = name;
            fresh.tag = state_->random.hex(32);
            fresh.created_on = c.now;
            script = &account.scripts.emplace(name, std::move(fresh)).first->second;
        }
        const auto agent = c.req.find(http::field::user_agent);
        script->last_deployed_from =
            agent != c.req.end() && telemetry::starts_with_ci(agent->value(), "wrangler") ? "wrangler" : "api";
        v.id = random_uuid(state_->random);
        v.number = script->versions.size() + 1;
        v.created_on = c.now;
        script->versions.push_back(v);
        script->modified_on = c.now;
        if (!as_version) script->deployments.push_back({random_uuid(state_->random), v.id, "upload", c.now});

        std::string result;
        json_writer json(result);
        if (as_version) {
            json.begin_object().field("id", v.id).key("number").number(v.number);
            json.key("metadata").begin_object().field("created_on", iso_time(c.now)).field("modified_on", iso_time(c.now));
            json.field("source", "wrangler").field("author_email", account.account.email).field("author_id", account.actor_id);
            json.end_object();
            json.key("annotations").begin_object().field("workers/triggered_by", "upload").end_object();
            json.key("resources").begin_object();
            json.key("script").begin_object().field("etag", v.etag).key("handlers").begin_array().string("fetch").end_array();
            json.field("last_deployed_from", script->last_deployed_from).end_object();
            json.key("script_runtime").begin_object().field("compatibility_date", v.compatibility_date);
            json.key("compatibility_flags").raw(v.compatibility_flags_json).field("usage_model", "standard").end_object();
            json.key("bindings").raw(v.bindings_json).end_object();
            json.key("startup_time_ms").number(std::uint64_t{2}).end_object();
        } else {
            json.begin_object().field("id", name).field("tag", script->tag).field("etag", v.etag);
            json.key("handlers").begin_array().string("fetch").end_array();
            json.field("modified_on", iso_time(script->modified_on)).field("created_on", iso_time(script->created_on));
            json.field("usage_model", "standard").field("compatibility_date", v.compatibility_date);
            json.key("has_modules").boolean(true).field("deployment_id", v.id);
            json.key("startup_time_ms").number(std::uint64_t{2}).end_object();
        }
        audit(action, operation, true, std::move(old_value), script_summary(*script));
        if (!as_version && script->workers_dev) reachable(*script);
        cloudflare_success(res, result);
    } else if (is({"workers", "scripts", "*", "deployments"}, http::verb::get)) {
        if (!script) return script_not_found();
        std::string result;
        json_writer json(result);
        json.begin_object().key("deployments").begin_array();
        for (auto it = script->deployments.rbegin(); it != script->deployments.rend(); ++it)
            write_deployment(json, *it, account.account.email);
        json.end_array().end_object();
        cloudflare_success(res, result);
    } else if (is({"workers", "scripts", "*", "deployments"}, http::verb::post)) {
        if (!script) return script_not_found();
        // {"strategy":"percentage","versions":[{"version_id":...,"percentage":100}]}: the lab serves the version
        // with the largest share.
        const auto body = nlohmann::json::parse(c.req.body(), nullptr, false);
        std::string version_id;
        double best = -1;
        if (body.is_object() && body.contains("versions") && body["versions"].is_array())
            for (const auto& v : body["versions"])
                if (v.is_object() && v.contains("version_id") && v["version_id"].is_string() && v.contains("percentage") &&
                    v["percentage"].is_number() && v["percentage"].get<double>() > best) {
                    best = v["percentage"].get<double>();
                    version_id = v["version_id"].get<std::string>();
                }
        const bool known = std::any_of(script->versions.begin(), script->versions.end(),
                                       [&](const worker_version& v) { return v.id == version_id; });
        std::string old_value = script_summary(*script);
        if (!known) {
            const std::string message = version_id.empty() ? "deployment names no version_id with a percentage"
                                                           : "version " + version_id.substr(0, 40) + " does not exist";
            cloudflare_failure(res, http::status::bad_request, 10219, message);
            audit("update", "deploy", false, std::move(old_value), {}, message);
            return;
        }
        script->deployments.push_back({random_uuid(state_->random), version_id, "deployment", c.now});
        script->modified_on = c.now;
        std::string result;
        json_writer json(result);
        write_deployment(json, script->deployments.back(), account.account.email);
        audit("update", "deploy", true, std::move(old_value), script_summary(*script));
        if (script->workers_dev) reachable(*script);
        cloudflare_success(res, result);
    } else if (is({"workers", "scripts", "*", "settings"}, http::verb::get) ||
               is({"workers", "scripts", "*", "script-settings"}, http::verb::get)) {
        if (!script) return script_not_found();
        const worker_version* v = script->current();
        std::string result;
        json_writer json(result);
        json.begin_object();
        if (r[3] == "settings") {
            json.key("bindings").raw(v ? v->bindings_json : "[]");
            json.field("compatibility_date", v ? v->compatibility_date : "");
            json.key("compatibility_flags").raw(v ? v->compatibility_flags_json : "[]");
            json.key("placement").begin_object().end_object().field("usage_model", "standard");
        }
        json.key("logpush").boolean(script->logpush).key("tail_consumers").null();
        json.key("observability").raw(script->observability_json).key("tags").raw(script->tags_json);
        json.end_object();
        cloudflare_success(res, result);
    } else if (is({"workers", "scripts", "*", "script-settings"}, http::verb::patch)) {
        if (!script) return script_not_found();
        const auto body = nlohmann::json::parse(c.req.body(), nullptr, false);
        std::string old_value = script_summary(*script);
        if (!body.is_object()) {
            cloudflare_failure(res, http::status::bad_request, 10026, "settings body is not a JSON object");
            audit("update", "settings", false, std::move(old_value), {}, "settings body is not a JSON object");
            return;
        }
        if (body.contains("logpush") && body["logpush"].is_boolean()) script->logpush = body["logpush"].get<bool>();
        if (body.contains("observability") && body["observability"].is_object()) script->observability_json = body["observability"].dump();
        if (body.contains("tags") && body["tags"].is_array()) script->tags_json = body["tags"].dump();
        std::string result;
        json_writer json(result);
        json.begin_object().key("logpush").boolean(script->logpush).key("tail_consumers").null();
        json.key("observability").raw(script->observability_json).key("tags").raw(script->tags_json).end_object();
        audit("update", "settings", true, std::move(old_value), body.dump());
        cloudflare_success(res, result);
    } else if (is({"workers", "scripts", "*", "subdomain"}, http::verb::get)) {
        if (!script) return script_not_found();
        cloudflare_success(res, std::string("{\"enabled\":") + (script->workers_dev ? "true" : "false") +
                                    ",\"previews_enabled\":" + (script->previews ? "true" : "false") + "}");
    } else if (is({"workers", "scripts", "*", "subdomain"}, http::verb::post)) {
        if (!script) return script_not_found();
        const auto body = nlohmann::json::parse(c.req.body(), nullptr, false);
        if (!body.is_object() || !body.contains("enabled") || !body["enabled"].is_boolean()) {
            cloudflare_failure(res, http::status::bad_request, 10026, "body needs a boolean 'enabled'");
            return;
        }
        const std::string old_value = std::string("{\"enabled\":") + (script->workers_dev ? "true" : "false") +
                                      ",\"previews_enabled\":" + (script->previews ? "true" : "false") + "}";
        const bool was = script->workers_dev;
        script->workers_dev = body["enabled"].get<bool>();
        // Preview URLs follow workers.dev unless the caller says otherwise (what wrangler's warning describes).
        script->previews = body.contains("previews_enabled") && body["previews_enabled"].is_boolean()
                               ? body["previews_enabled"].get<bool>()
                               : script->workers_dev;
        const std::string new_value = std::string("{\"enabled\":") + (script->workers_dev ? "true" : "false") +
                                      ",\"previews_enabled\":" + (script->previews ? "true" : "false") + "}";
        audit("update", "workers_dev_subdomain", true, old_value, new_value);
        if (script->workers_dev && !was) reachable(*script);
        if (!script->workers_dev && was) unreachable(name);
        cloudflare_success(res, new_value);
    } else if (is({"workers", "scripts", "*", "references"}, http::verb::get)) {
        if (!script) return script_not_found();
        cloudflare_success(res, R"({"services":{"incoming":[],"outgoing":[]},"durable_objects":[],"dispatch_outbounds":[]})");
    } else if (is({"workers", "tails", "by-consumer", "*"}, http::verb::get)) {
        cloudflare_success(res, "[]");
    } else if (is({"storage", "kv", "namespaces"}, http::verb::get)) {
        cloudflare_success(res, "[]", http::status::ok, R"({"page":1,"per_page":100,"count":0,"total_count":0,"total_pages":0})");
    } else {
        std::string path = "/accounts/" + account.account.id;
        for (const std::string& part : r) path += "/" + part;
        cloudflare_failure(res, http::status::not_found, 7003,
                           "Could not route to " + path.substr(0, 200) + ", perhaps your object identifier is invalid?");
    }
}

}  // namespace sclab::emulators::control
