// The lab file: which functions, accounts, regions and credentials the emulated clouds hold.
// Parameters are data: a user edits JSON (emulators/labs/default.json ships with the endpoints of the eight
// catalog scenarios), never this code.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace sclab::emulators {

// What the function behind an endpoint does for a C2 client: a check-in path that hands out a small task,
// a result path that accepts an upload. Response sizes come from here, or from the request itself
// (a client may ask for N bytes with the `X-Sclab-Response-Bytes` header, bounded by max_response_bytes).
struct relay_behaviour {
    std::string checkin_path = "/";          // GET or POST: answers with a task of task_bytes
    std::string result_path = "/result";     // POST: accepts the upload, answers with ack_bytes
    std::uint64_t task_bytes = 64;
    std::uint64_t ack_bytes = 16;
    std::uint64_t max_response_bytes = 1u << 20;
};

struct aws_credential {
    std::string access_key_id;
    std::string secret_access_key;  // when set, the Lambda API verifies SigV4 signatures with it; empty: key id only
    std::string user_arn;           // arn:aws:iam::<account>:user/<name>
    std::string principal_id;       // AIDA...
    // IAM actions this user may call ("lambda:InvokeFunction", "lambda:*"); empty allows every action. A call
    // outside the list is denied with AccessDeniedException, as an IAM policy without the action would.
    std::vector<std::string> allowed_actions;
};

struct lambda_function {
    std::string name;
    std::string region;
    std::string url_id;             // <url-id>.lambda-url.<region>.on.aws; empty when the function has no URL
    std::string runtime = "python3.12";
    std::string handler = "lambda_function.lambda_handler";
    // What the control plane reports for the function (GetFunction/ListFunctions).
    std::string role;               // empty: arn:aws:iam::<account>:role/<name>-role
    std::string description;
    std::uint32_t memory_mb = 128;
    std::uint32_t timeout_seconds = 3;
    // Invoke calls per second the function accepts before 429 TooManyRequestsException; 0 is unlimited.
    std::uint32_t invoke_rate_limit = 0;
    relay_behaviour relay;
};

struct api_gateway {
    std::string api_id;             // 10 characters
    std::string region;
    std::string stage = "prod";
    bool http_api = false;          // HTTP APIs answer with apigw-requestid; REST APIs with x-amz-apigw-id
    relay_behaviour relay;
};

struct aws_account {
    std::string id;                 // 12 digits
    std::vector<aws_credential> credentials;
    std::vector<lambda_function> functions;
    std::vector<api_gateway> api_gateways;
};

struct cloudflare_worker {
    std::string name;
    relay_behaviour relay;
};

struct cloudflare_account {
    std::string id;                 // 32 hex
    std::string name;
    std::string subdomain;          // <worker>.<subdomain>.workers.dev
    std::string email;              // the actor the audit log names
    std::vector<std::string> api_tokens;
    std::vector<cloudflare_worker> workers;
    std::vector<std::string> pages_projects;  // <project>.pages.dev
};

struct apps_script_deployment {
    std::string deployment_id;      // AKfycb...
    std::string project_id;
    std::string owner_email;
    relay_behaviour relay;
};

struct cloud_function {
    std::string project_id;
    std::string region;             // us-central1
    std::string name;
    relay_behaviour relay;
};

struct cloud_run_service {
    std::string host;               // <service>-<hash>-<region-code>.a.run.app or <service>-<number>.<region>.run.app
    std::string project_id;
    relay_behaviour relay;
};

struct google_lab {
    std::vector<apps_script_deployment> apps_script;
    std::vector<cloud_function> cloud_functions;
    std::vector<cloud_run_service> cloud_run;
    std::vector<std::string> admin_tokens;  // bearer tokens the admin endpoint accepts
    std::string admin_email;
};

// A platform known only by its domain suffix (netlify.app, vercel.app, ...): any host under it answers.
struct generic_platform {
    std::string domain_suffix;      // "netlify.app"
    std::string server_header;      // the platform's Server header; empty: the platform profile's "server" setting
    // Example hosts under the suffix that `sclab emulate --hosts` lists (a hosts file cannot hold a wildcard).
    std::vector<std::string> hosts;
    relay_behaviour relay;
};

// The firewall in front of the lab, as its PAN-OS TRAFFIC logs name it: columns a real firewall fills from its
// configuration, which the server cannot observe. The defaults are an ordinary egress setup: clients in the
// "trust" zone behind ethernet1/2 reaching the internet ("untrust", ethernet1/1) through one allow rule whose
// log forwarding profile is named "default" (a profile of that name is attached to new security rules by the
// firewall itself: PAN-OS 6.1 "Default Profile Group and Log Forwarding Settings"; *unverified* beyond that
// feature's description). A TRAFFIC log that reached a SIEM over syslog was sent by a log forwarding profile, so
// Log Action is never empty in one. Names and interfaces are checked as PAN-OS spells them (lab_config.cpp).
struct firewall_sensor {
    std::string rule = "allow-web-egress";        // Rule (rule)
    std::string from_zone = "trust";              // Source Zone (from)
    std::string to_zone = "untrust";              // Destination Zone (to)
    std::string inbound_interface = "ethernet1/2";   // Inbound Interface (inbound_if)
    std::string outbound_interface = "ethernet1/1";  // Outbound Interface (outbound_if)
    std::string log_forwarding_profile = "default";  // Log Action (logset)
};

// The lab file's "sensors" object: how the sensors that watch the lab are set up, for the vendor fields of the
// network-side logs. Every member is optional.
struct sensor_settings {
    firewall_sensor firewall;
};

struct lab_config {
    std::string name;
    std::vector<aws_account> aws;
    std::vector<cloudflare_account> cloudflare;
    google_lab google;
    std::vector<generic_platform> generic;
    sensor_settings sensors;
};

// Reads and validates a lab file. Throws telemetry::input_error naming the file, the JSON path of the bad
// value and the reason.
lab_config load_lab_config(const std::string& path);

// The strings no log may hold in clear: every credential the lab file gives out (AWS secret keys, Cloudflare API
// tokens, Google admin tokens).
std::vector<std::string> lab_secrets(const lab_config& lab);

}  // namespace sclab::emulators
