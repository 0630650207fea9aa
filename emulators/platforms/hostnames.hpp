// The shapes of the platforms' hostnames and ids (FIDELITY.md section 2), in one place: the lab file loader
// validates with them and the platforms route with them, so the two can never disagree.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace sclab::emulators::platforms {

inline constexpr std::string_view apps_script_host = "script.google.com";
inline constexpr std::string_view apps_script_echo_host = "script.googleusercontent.com";

// ^[a-z0-9-]{1,63}$: one label of a workers.dev or pages.dev name.
bool is_host_label(std::string_view text);
// A lowercase DNS name: labels of [a-z0-9-], at least two, at most 253 characters.
bool is_domain_name(std::string_view text);
// ^[a-z0-9-]{1,63}\.[a-z0-9-]{1,63}\.workers\.dev$
bool is_workers_dev_host(std::string_view host);
// Worker script names: start with a letter, end with a letter or digit, [A-Za-z0-9_-], at most 63 characters.
bool is_worker_script_name(std::string_view name);
// Pages project names become a pages.dev label; Cloudflare allows at most 58 characters (*unverified*).
bool is_pages_project_name(std::string_view name);
bool is_cloudflare_account_id(std::string_view id);  // 32 lowercase hex

bool is_aws_account_id(std::string_view id);         // 12 digits
bool is_aws_region(std::string_view region);         // ^[a-z]{2}(-gov)?-[a-z]+-\d$
bool is_lambda_function_name(std::string_view name); // ^[A-Za-z0-9_-]{1,64}$
bool is_lambda_url_id(std::string_view id);          // ^[a-z0-9]{1,63}$ (real ids are 32 characters)
bool is_api_gateway_id(std::string_view id);         // ^[a-z0-9]{10}$

struct lambda_url_parts {
    std::string_view url_id;
    std::string_view region;
};
// <url-id>.lambda-url.<region>.on.aws (regex ^[a-z0-9]+\.lambda-url\.[a-z]{2}(-gov)?-[a-z]+-\d\.on\.aws$).
std::optional<lambda_url_parts> parse_lambda_url_host(std::string_view host);

struct api_gateway_parts {
    std::string_view api_id;
    std::string_view region;
};
// <10-char api-id>.execute-api.<region>.amazonaws.com
std::optional<api_gateway_parts> parse_api_gateway_host(std::string_view host);

bool is_apps_script_deployment_id(std::string_view id);  // AKfycb then [A-Za-z0-9_-]
bool is_gcp_project_id(std::string_view id);              // ^[a-z][a-z0-9-]{4,28}[a-z0-9]$
bool is_gcp_region(std::string_view region);              // us-central1, europe-west3
bool is_cloud_function_name(std::string_view name);       // ^[A-Za-z][A-Za-z0-9_-]{0,62}$
// <service>-<hash>-<region-code>.a.run.app or <service>-<project-number>.<region>.run.app
bool is_cloud_run_host(std::string_view host);

std::string workers_dev_host(std::string_view worker, std::string_view subdomain);
std::string pages_host(std::string_view project);
std::string lambda_url_host(std::string_view url_id, std::string_view region);
std::string api_gateway_host(std::string_view api_id, std::string_view region);
std::string cloud_functions_host(std::string_view region, std::string_view project_id);

// `host` is a name under `suffix` ("a.b.netlify.app" is under "netlify.app"; "netlify.app" itself is not).
bool host_under(std::string_view host, std::string_view suffix);

}  // namespace sclab::emulators::platforms
