#include "emulators/platforms/hostnames.hpp"

#include <algorithm>
#include <regex>

#include "telemetry/text.hpp"

namespace sclab::emulators::platforms {

namespace {

bool matches(std::string_view text, const std::regex& re) {
    return std::regex_match(text.begin(), text.end(), re);
}

bool all_of(std::string_view text, bool (*ok)(char)) { return std::all_of(text.begin(), text.end(), ok); }
bool lower_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }
bool label_char(char c) { return lower_alnum(c) || c == '-'; }

std::string join(std::initializer_list<std::string_view> parts) {
    std::string out;
    for (std::string_view p : parts) out.append(p);
    return out;
}

}  // namespace

bool is_host_label(std::string_view text) { return !text.empty() && text.size() <= 63 && all_of(text, label_char); }

bool is_domain_name(std::string_view text) {
    if (text.empty() || text.size() > 253 || text.find('.') == std::string_view::npos) return false;
    std::size_t start = 0;
    while (true) {
        std::size_t dot = text.find('.', start);
        std::string_view label = text.substr(start, dot == std::string_view::npos ? dot : dot - start);
        if (!is_host_label(label) || label.front() == '-' || label.back() == '-') return false;
        if (dot == std::string_view::npos) return true;
        start = dot + 1;
    }
}

bool is_workers_dev_host(std::string_view host) {
    static const std::regex re(R"(^[a-z0-9-]{1,63}\.[a-z0-9-]{1,63}\.workers\.dev$)");
    return matches(host, re);
}

bool is_worker_script_name(std::string_view name) {
    static const std::regex re(R"(^[A-Za-z]([A-Za-z0-9_-]{0,61}[A-Za-z0-9])?$)");
    return matches(name, re);
}

bool is_pages_project_name(std::string_view name) {
    return !name.empty() && name.size() <= 58 && is_host_label(name) && name.front() != '-' && name.back() != '-';
}

bool is_cloudflare_account_id(std::string_view id) {
    return id.size() == 32 && all_of(id, [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

bool is_aws_account_id(std::string_view id) {
    return id.size() == 12 && all_of(id, [](char c) { return c >= '0' && c <= '9'; });
}

bool is_aws_region(std::string_view region) {
    static const std::regex re(R"(^[a-z]{2}(-gov)?-[a-z]+-\d$)");
    return matches(region, re);
}

bool is_lambda_function_name(std::string_view name) {
    static const std::regex re(R"(^[A-Za-z0-9_-]{1,64}$)");
    return matches(name, re);
}

bool is_lambda_url_id(std::string_view id) { return !id.empty() && id.size() <= 63 && all_of(id, lower_alnum); }

bool is_api_gateway_id(std::string_view id) { return id.size() == 10 && all_of(id, lower_alnum); }

std::optional<lambda_url_parts> parse_lambda_url_host(std::string_view host) {
    static const std::regex re(R"(^([a-z0-9]+)\.lambda-url\.([a-z]{2}(-gov)?-[a-z]+-\d)\.on\.aws$)");
    std::match_results<std::string_view::const_iterator> m;
    if (!std::regex_match(host.begin(), host.end(), m, re) || m[1].length() > 63) return std::nullopt;
    return lambda_url_parts{host.substr(m.position(1), m.length(1)), host.substr(m.position(2), m.length(2))};
}

std::optional<api_gateway_parts> parse_api_gateway_host(std::string_view host) {
    static const std::regex re(R"(^([a-z0-9]{10})\.execute-api\.([a-z]{2}(-gov)?-[a-z]+-\d)\.amazonaws\.com$)");
    std::match_results<std::string_view::const_iterator> m;
    if (!std::regex_match(host.begin(), host.end(), m, re)) return std::nullopt;
    return api_gateway_parts{host.substr(m.position(1), m.length(1)), host.substr(m.position(2), m.length(2))};
}

bool is_apps_script_deployment_id(std::string_view id) {
    // Real ids are AKfycb plus 40 to 80 characters; accept any non-trivial length.
    static const std::regex re(R"(^AKfycb[A-Za-z0-9_-]{10,200}$)");
    return matches(id, re);
}

bool is_gcp_project_id(std::string_view id) {
    static const std::regex re(R"(^[a-z][a-z0-9-]{4,28}[a-z0-9]$)");
    return matches(id, re);
}

bool is_gcp_region(std::string_view region) {
    static const std::regex re(R"(^[a-z]+-[a-z]+[0-9]+$)");
    return matches(region, re);
}

bool is_cloud_function_name(std::string_view name) {
    static const std::regex re(R"(^[A-Za-z][A-Za-z0-9_-]{0,62}$)");
    return matches(name, re);
}

bool is_cloud_run_host(std::string_view host) {
    static const std::regex re(R"(^([a-z0-9-]{1,63}\.a\.run\.app|[a-z0-9-]{1,63}\.[a-z]+-[a-z]+[0-9]+\.run\.app)$)");
    return matches(host, re);
}

std::string workers_dev_host(std::string_view worker, std::string_view subdomain) {
    return join({telemetry::to_lower(worker), ".", subdomain, ".workers.dev"});
}
std::string pages_host(std::string_view project) { return join({project, ".pages.dev"}); }
std::string lambda_url_host(std::string_view url_id, std::string_view region) {
    return join({url_id, ".lambda-url.", region, ".on.aws"});
}
std::string api_gateway_host(std::string_view api_id, std::string_view region) {
    return join({api_id, ".execute-api.", region, ".amazonaws.com"});
}
std::string cloud_functions_host(std::string_view region, std::string_view project_id) {
    return join({region, "-", project_id, ".cloudfunctions.net"});
}

bool host_under(std::string_view host, std::string_view suffix) {
    if (host.size() <= suffix.size() || host.substr(host.size() - suffix.size()) != suffix) return false;
    return host[host.size() - suffix.size() - 1] == '.';
}

}  // namespace sclab::emulators::platforms
