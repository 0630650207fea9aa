#include "emulators/lab_config.hpp"

#include <algorithm>
#include <limits>
#include <map>
#include <regex>
#include <set>

#include "emulators/json_path.hpp"
#include "emulators/platforms/hostnames.hpp"

namespace sclab::emulators {

namespace {

namespace p = platforms;

// A relay answer is generated in memory per request; past this a typo (an extra digit) would exhaust memory.
constexpr std::uint64_t max_relay_bytes = 64ull << 20;

std::string in_quotes(const std::string& text) { return "\"" + text + "\""; }

// A string member that must satisfy `valid`; `what` completes "<value> is not ...".
std::string checked(const json_node& owner, std::string_view key, bool (*valid)(std::string_view), std::string_view what) {
    json_node n = owner.at(key);
    std::string value = n.as_string();
    if (!valid(value)) n.fail(in_quotes(value) + " is not " + std::string(what));
    return value;
}

bool matches(std::string_view text, const char* pattern) {
    std::regex re(pattern);
    return std::regex_match(text.begin(), text.end(), re);
}

std::string path_member(const json_node& owner, std::string_view key, std::string fallback) {
    std::optional<json_node> n = owner.find(key);
    if (!n) return fallback;
    std::string value = n->as_string();
    if (value.empty() || value.front() != '/' || value.find_first_of("?# \t\r\n") != std::string::npos)
        n->fail(in_quotes(value) + " is not a URL path (it starts with / and has no query, fragment or spaces)");
    return value;
}

relay_behaviour read_relay(const json_node& owner) {
    relay_behaviour r;
    std::optional<json_node> n = owner.find("relay");
    if (!n) return r;
    n->expect_object({"checkin_path", "result_path", "task_bytes", "ack_bytes", "max_response_bytes"});
    r.checkin_path = path_member(*n, "checkin_path", r.checkin_path);
    r.result_path = path_member(*n, "result_path", r.result_path);
    if (r.result_path == r.checkin_path)
        n->at("result_path").fail("the result path must differ from the check-in path " + in_quotes(r.checkin_path));
    r.max_response_bytes = n->uint_or("max_response_bytes", r.max_response_bytes, 1, max_relay_bytes);
    r.task_bytes = n->uint_or("task_bytes", r.task_bytes, 0, r.max_response_bytes);
    r.ack_bytes = n->uint_or("ack_bytes", r.ack_bytes, 0, r.max_response_bytes);
    return r;
}

// Every hostname the lab serves, with the JSON path that made it, so a duplicate names both places.
class host_registry {
public:
    void add(const std::string& host, const json_node& where) {
        auto [it, fresh] = seen_.emplace(host, where.path());
        if (!fresh) where.fail("the hostname " + host + " is already served by " + it->second);
    }

private:
    std::map<std::string, std::string> seen_;
};

aws_credential read_credential(const json_node& n, const std::string& account_id) {
    n.expect_object({"access_key_id", "secret_access_key", "user_arn", "principal_id", "allowed_actions"});
    aws_credential c;
    c.access_key_id = checked(n, "access_key_id", [](std::string_view v) { return matches(v, "^(AKIA|ASIA)[A-Z0-9]{16}$"); },
                              "an AWS access key id (AKIA or ASIA and 16 uppercase letters or digits)");
    c.secret_access_key = n.string_or("secret_access_key", {});
    if (std::optional<json_node> arn = n.find("user_arn")) {
        c.user_arn = arn->as_string();
        std::string prefix = "arn:aws:iam::" + account_id + ":user/";
        if (c.user_arn.rfind(prefix, 0) != 0 || c.user_arn.size() == prefix.size())
            arn->fail(in_quotes(c.user_arn) + " is not a user of this account (expected " + prefix + "<name>)");
    }
    if (std::optional<json_node> id = n.find("principal_id")) {
        c.principal_id = id->as_string();
        if (!matches(c.principal_id, "^AIDA[A-Z0-9]{12,}$"))
            id->fail(in_quotes(c.principal_id) + " is not an IAM user id (AIDA and at least 12 uppercase letters or digits)");
    }
    if (std::optional<json_node> actions = n.find("allowed_actions")) {
        for (const json_node& a : actions->elements()) {
            std::string action = a.as_string();
            if (!matches(action, "^[a-z0-9-]+:[A-Za-z0-9*]+$"))
                a.fail(in_quotes(action) + " is not an IAM action (service:Action, e.g. lambda:InvokeFunction or lambda:*)");
            c.allowed_actions.push_back(std::move(action));
        }
    }
    return c;
}

lambda_function read_function(const json_node& n) {
    n.expect_object({"name", "region", "url_id", "runtime", "handler", "role", "description", "memory_mb",
                     "timeout_seconds", "invoke_rate_limit", "relay"});
    lambda_function f;
    f.name = checked(n, "name", p::is_lambda_function_name, "a Lambda function name (1 to 64 of A-Z a-z 0-9 _ -)");
    f.region = checked(n, "region", p::is_aws_region, "an AWS region (e.g. us-east-1)");
    if (n.has("url_id"))
        f.url_id = checked(n, "url_id", p::is_lambda_url_id,
                           "a Lambda URL id (lowercase letters and digits: the <url-id> of "
                           "<url-id>.lambda-url.<region>.on.aws)");
    f.runtime = n.string_or("runtime", f.runtime);
    f.handler = n.string_or("handler", f.handler);
    if (std::optional<json_node> role = n.find("role")) {
        f.role = role->as_string();
        if (!matches(f.role, "^arn:aws:iam::[0-9]{12}:role/.+$"))
            role->fail(in_quotes(f.role) + " is not an IAM role ARN (arn:aws:iam::<account>:role/<name>)");
    }
    f.description = n.string_or("description", {});
    f.memory_mb = static_cast<std::uint32_t>(n.uint_or("memory_mb", f.memory_mb, 128, 10240));
    f.timeout_seconds = static_cast<std::uint32_t>(n.uint_or("timeout_seconds", f.timeout_seconds, 1, 900));
    f.invoke_rate_limit = static_cast<std::uint32_t>(
        n.uint_or("invoke_rate_limit", f.invoke_rate_limit, 0, std::numeric_limits<std::uint32_t>::max()));
    f.relay = read_relay(n);
    return f;
}

api_gateway read_api(const json_node& n) {
    n.expect_object({"api_id", "region", "stage", "http_api", "relay"});
    api_gateway g;
    g.api_id = checked(n, "api_id", p::is_api_gateway_id, "an API Gateway id (10 lowercase letters or digits)");
    g.region = checked(n, "region", p::is_aws_region, "an AWS region (e.g. us-east-1)");
    g.http_api = n.bool_or("http_api", g.http_api);
    if (std::optional<json_node> stage = n.find("stage")) {
        g.stage = stage->as_string();
        bool ok = (g.http_api && g.stage == "$default") || matches(g.stage, "^[A-Za-z0-9_-]{1,128}$");
        if (!ok)
            stage->fail(in_quotes(g.stage) + " is not a stage name (1 to 128 of A-Z a-z 0-9 _ -; \"$default\" only for "
                                          "an HTTP API)");
    }
    g.relay = read_relay(n);
    return g;
}

aws_account read_aws(const json_node& n, host_registry& hosts) {
    n.expect_object({"id", "credentials", "functions", "api_gateways"});
    aws_account a;
    a.id = checked(n, "id", p::is_aws_account_id, "an AWS account id (12 digits)");
    if (std::optional<json_node> creds = n.find("credentials")) {
        std::set<std::string> keys;
        for (const json_node& c : creds->elements()) {
            a.credentials.push_back(read_credential(c, a.id));
            if (!keys.insert(a.credentials.back().access_key_id).second)
                c.at("access_key_id").fail("the access key id appears twice in this account");
        }
    }
    if (std::optional<json_node> functions = n.find("functions")) {
        std::set<std::pair<std::string, std::string>> names;
        for (const json_node& f : functions->elements()) {
            a.functions.push_back(read_function(f));
            const lambda_function& fn = a.functions.back();
            if (!names.emplace(fn.region, fn.name).second)
                f.at("name").fail("a function named " + in_quotes(fn.name) + " already exists in " + fn.region);
            if (!fn.url_id.empty()) hosts.add(p::lambda_url_host(fn.url_id, fn.region), f.at("url_id"));
        }
    }
    if (std::optional<json_node> apis = n.find("api_gateways")) {
        for (const json_node& g : apis->elements()) {
            a.api_gateways.push_back(read_api(g));
            hosts.add(p::api_gateway_host(a.api_gateways.back().api_id, a.api_gateways.back().region), g.at("api_id"));
        }
    }
    return a;
}

cloudflare_account read_cloudflare(const json_node& n, host_registry& hosts) {
    n.expect_object({"id", "name", "subdomain", "email", "api_tokens", "workers", "pages_projects"});
    cloudflare_account a;
    a.id = checked(n, "id", p::is_cloudflare_account_id, "a Cloudflare account id (32 lowercase hex digits)");
    a.name = n.string_or("name", {});
    a.subdomain = checked(n, "subdomain", p::is_host_label,
                          "a workers.dev subdomain (1 to 63 of a-z 0-9 -: the <subdomain> of "
                          "<worker>.<subdomain>.workers.dev)");
    if (std::optional<json_node> email = n.find("email")) {
        a.email = email->as_string();
        if (a.email.find('@') == std::string::npos) email->fail(in_quotes(a.email) + " is not an email address");
    }
    if (std::optional<json_node> tokens = n.find("api_tokens")) {
        for (const json_node& t : tokens->elements()) {
            a.api_tokens.push_back(t.as_string());
            if (a.api_tokens.back().empty()) t.fail("an API token cannot be empty");
        }
    }
    if (std::optional<json_node> workers = n.find("workers")) {
        for (const json_node& w : workers->elements()) {
            w.expect_object({"name", "relay"});
            cloudflare_worker worker;
            worker.name = checked(w, "name", p::is_worker_script_name,
                                  "a Worker script name (starts with a letter, ends with a letter or digit, "
                                  "A-Z a-z 0-9 _ -, at most 63 characters)");
            std::string host = p::workers_dev_host(worker.name, a.subdomain);
            if (!p::is_workers_dev_host(host))
                w.at("name").fail(in_quotes(worker.name) + " cannot be a workers.dev hostname label (use a-z 0-9 -)");
            worker.relay = read_relay(w);
            hosts.add(host, w.at("name"));
            a.workers.push_back(std::move(worker));
        }
    }
    if (std::optional<json_node> projects = n.find("pages_projects")) {
        for (const json_node& pr : projects->elements()) {
            std::string name = pr.as_string();
            if (!p::is_pages_project_name(name))
                pr.fail(in_quotes(name) + " is not a Pages project name (1 to 58 of a-z 0-9 -, not starting or ending with -)");
            hosts.add(p::pages_host(name), pr);
            a.pages_projects.push_back(std::move(name));
        }
    }
    return a;
}

google_lab read_google(const json_node& n, host_registry& hosts) {
    n.expect_object({"apps_script", "cloud_functions", "cloud_run", "admin_tokens", "admin_email"});
    google_lab g;
    if (std::optional<json_node> scripts = n.find("apps_script")) {
        std::set<std::string> ids;
        for (const json_node& s : scripts->elements()) {
            s.expect_object({"deployment_id", "project_id", "owner_email", "relay"});
            apps_script_deployment d;
            d.deployment_id = checked(s, "deployment_id", p::is_apps_script_deployment_id,
                                      "an Apps Script deployment id (AKfycb followed by at least 10 of "
                                      "A-Z a-z 0-9 _ -)");
            if (!ids.insert(d.deployment_id).second) s.at("deployment_id").fail("the deployment id appears twice");
            d.project_id = s.string_or("project_id", {});
            d.owner_email = s.string_or("owner_email", {});
            d.relay = read_relay(s);
            g.apps_script.push_back(std::move(d));
        }
    }
    if (std::optional<json_node> functions = n.find("cloud_functions")) {
        std::set<std::string> seen;
        for (const json_node& f : functions->elements()) {
            f.expect_object({"project_id", "region", "name", "relay"});
            cloud_function fn;
            fn.project_id = checked(f, "project_id", p::is_gcp_project_id,
                                    "a Google Cloud project id (6 to 30 of a-z 0-9 -, starting with a letter)");
            fn.region = checked(f, "region", p::is_gcp_region, "a Google Cloud region (e.g. us-central1)");
            fn.name = checked(f, "name", p::is_cloud_function_name,
                              "a Cloud Functions name (starts with a letter, at most 63 of A-Z a-z 0-9 _ -)");
            fn.relay = read_relay(f);
            std::string host = p::cloud_functions_host(fn.region, fn.project_id);
            if (!seen.insert(host + "/" + fn.name).second)
                f.at("name").fail("the function " + in_quotes(fn.name) + " already exists on " + host);
            g.cloud_functions.push_back(std::move(fn));
        }
    }
    if (std::optional<json_node> services = n.find("cloud_run")) {
        for (const json_node& s : services->elements()) {
            s.expect_object({"host", "project_id", "relay"});
            cloud_run_service svc;
            svc.host = checked(s, "host", p::is_cloud_run_host,
                               "a Cloud Run hostname (<service>-<hash>-<region-code>.a.run.app or "
                               "<service>-<project-number>.<region>.run.app)");
            svc.project_id = s.string_or("project_id", {});
            svc.relay = read_relay(s);
            hosts.add(svc.host, s.at("host"));
            g.cloud_run.push_back(std::move(svc));
        }
    }
    g.admin_tokens = n.strings_or_empty("admin_tokens");
    g.admin_email = n.string_or("admin_email", {});
    return g;
}

generic_platform read_generic(const json_node& n, host_registry& hosts) {
    n.expect_object({"domain_suffix", "server_header", "hosts", "relay"});
    generic_platform g;
    g.domain_suffix = checked(n, "domain_suffix", p::is_domain_name,
                              "a lowercase domain name without a leading dot (e.g. netlify.app)");
    g.server_header = n.string_or("server_header", {});
    if (g.server_header.find_first_of("\r\n") != std::string::npos)
        n.at("server_header").fail("a header value cannot contain a line break");
    if (std::optional<json_node> list = n.find("hosts")) {
        for (const json_node& h : list->elements()) {
            std::string host = h.as_string();
            if (!p::is_domain_name(host) || !p::host_under(host, g.domain_suffix))
                h.fail(in_quotes(host) + " is not a hostname under " + g.domain_suffix);
            hosts.add(host, h);
            g.hosts.push_back(std::move(host));
        }
    }
    g.relay = read_relay(n);
    return g;
}

// PAN-OS spelling (*unverified* limits, from its web interface help): security rule names of up to 63 characters,
// zone and log forwarding profile names of up to 31, made of letters, digits, spaces, '.', '_' and '-' and
// starting with a letter or digit; interfaces ethernet<slot>/<port>, ae<n>, tunnel, loopback or vlan, with an
// optional .<unit> subinterface. Nothing here may hold a comma or a line break, which would cut the CSV record.
bool is_panos_rule_name(std::string_view v) { return matches(v, "^[A-Za-z0-9][A-Za-z0-9 ._-]{0,62}$"); }
bool is_panos_short_name(std::string_view v) { return matches(v, "^[A-Za-z0-9][A-Za-z0-9 ._-]{0,30}$"); }
bool is_panos_interface(std::string_view v) {
    return matches(v, "^(ethernet[0-9]+/[0-9]+|ae[0-9]+|tunnel|loopback|vlan)(\\.[0-9]+)?$");
}

constexpr std::string_view panos_short_name_rule =
    "(1 to 31 of letters, digits, space . _ -, starting with a letter or digit)";
constexpr std::string_view panos_interface_rule =
    "(ethernet<slot>/<port>, ae<n>, tunnel, loopback or vlan, with an optional .<unit>, e.g. ethernet1/1 or ae1.100)";

// An optional member: `value` keeps its default when the member is absent.
void read_panos_member(const json_node& owner, std::string_view key, std::string& value,
                       bool (*valid)(std::string_view), std::string_view what, std::string_view rule) {
    if (owner.has(key)) value = checked(owner, key, valid, std::string(what) + " " + std::string(rule));
}

sensor_settings read_sensors(const json_node& n) {
    n.expect_object({"firewall"});
    sensor_settings s;
    if (std::optional<json_node> fw = n.find("firewall")) {
        fw->expect_object({"rule", "from_zone", "to_zone", "inbound_interface", "outbound_interface",
                           "log_forwarding_profile"});
        firewall_sensor& f = s.firewall;
        read_panos_member(*fw, "rule", f.rule, is_panos_rule_name, "a PAN-OS security rule name",
                          "(1 to 63 of letters, digits, space . _ -, starting with a letter or digit)");
        read_panos_member(*fw, "from_zone", f.from_zone, is_panos_short_name, "a PAN-OS zone name",
                          panos_short_name_rule);
        read_panos_member(*fw, "to_zone", f.to_zone, is_panos_short_name, "a PAN-OS zone name",
                          panos_short_name_rule);
        read_panos_member(*fw, "inbound_interface", f.inbound_interface, is_panos_interface, "a PAN-OS interface",
                          panos_interface_rule);
        read_panos_member(*fw, "outbound_interface", f.outbound_interface, is_panos_interface, "a PAN-OS interface",
                          panos_interface_rule);
        read_panos_member(*fw, "log_forwarding_profile", f.log_forwarding_profile, is_panos_short_name,
                          "a PAN-OS log forwarding profile name", panos_short_name_rule);
    }
    return s;
}

}  // namespace

lab_config load_lab_config(const std::string& path) {
    const std::string file = path;
    ordered_json doc = read_json_file(file);
    json_node root(doc, file);
    root.expect_object({"name", "aws", "cloudflare", "google", "generic", "sensors"});

    lab_config lab;
    host_registry hosts;
    lab.name = root.string_or("name", {});
    if (std::optional<json_node> aws = root.find("aws")) {
        std::set<std::string> ids;
        for (const json_node& a : aws->elements()) {
            lab.aws.push_back(read_aws(a, hosts));
            if (!ids.insert(lab.aws.back().id).second) a.at("id").fail("the account id appears twice");
        }
    }
    if (std::optional<json_node> cloudflare = root.find("cloudflare")) {
        std::set<std::string> ids, subdomains;
        for (const json_node& a : cloudflare->elements()) {
            lab.cloudflare.push_back(read_cloudflare(a, hosts));
            if (!ids.insert(lab.cloudflare.back().id).second) a.at("id").fail("the account id appears twice");
            if (!subdomains.insert(lab.cloudflare.back().subdomain).second)
                a.at("subdomain").fail("another account already has this workers.dev subdomain");
        }
    }
    if (std::optional<json_node> google = root.find("google")) lab.google = read_google(*google, hosts);
    if (std::optional<json_node> generic = root.find("generic")) {
        std::set<std::string> suffixes;
        for (const json_node& g : generic->elements()) {
            lab.generic.push_back(read_generic(g, hosts));
            if (!suffixes.insert(lab.generic.back().domain_suffix).second)
                g.at("domain_suffix").fail("the domain suffix appears twice");
        }
    }
    if (std::optional<json_node> sensors = root.find("sensors")) lab.sensors = read_sensors(*sensors);
    return lab;
}

std::vector<std::string> lab_secrets(const lab_config& lab) {
    std::vector<std::string> secrets;
    for (const auto& account : lab.aws)
        for (const auto& c : account.credentials) secrets.push_back(c.secret_access_key);
    for (const auto& account : lab.cloudflare)
        for (const auto& t : account.api_tokens) secrets.push_back(t);
    for (const auto& t : lab.google.admin_tokens) secrets.push_back(t);
    return secrets;
}

}  // namespace sclab::emulators
