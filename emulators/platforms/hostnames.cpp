#include "emulators/platforms/hostnames.hpp"

#include <algorithm>
#include <array>
#include <cstdint>

#include "telemetry/text.hpp"

// Hand-written matchers, not std::regex: the router asks several of them for every request, and std::regex's
// backtracking executor cost more than the rest of routing together. Each comment gives the regex the matcher
// implements exactly (tests/emulators/hostnames_test.cpp checks them against std::regex).
namespace sclab::emulators::platforms {

namespace {

// Character classes as bit sets, so a name's shape is data (name_shape below) rather than one function each.
enum char_class : std::uint8_t {
    lower = 1,       // a-z
    upper = 2,       // A-Z
    digit = 4,       // 0-9
    dash = 8,        // -
    underscore = 16, // _
    hex_letter = 32, // a-f (for lowercase hex without the rest of a-z)
};

constexpr std::uint8_t class_of(char c) {
    if (c >= 'a' && c <= 'z') return c <= 'f' ? lower | hex_letter : lower;
    if (c >= 'A' && c <= 'Z') return upper;
    if (c >= '0' && c <= '9') return digit;
    if (c == '-') return dash;
    if (c == '_') return underscore;
    return 0;
}

// class_of for every byte, looked up rather than computed: hosts are checked a character at a time.
constexpr std::array<std::uint8_t, 256> class_table = [] {
    std::array<std::uint8_t, 256> table{};
    for (int b = 0; b < 256; ++b) table[static_cast<std::size_t>(b)] = class_of(static_cast<char>(b));
    return table;
}();

constexpr bool in(char c, std::uint8_t classes) { return (class_table[static_cast<unsigned char>(c)] & classes) != 0; }

constexpr std::uint8_t label_chars = lower | digit | dash;           // [a-z0-9-]
constexpr std::uint8_t lower_alnum = lower | digit;                   // [a-z0-9]
constexpr std::uint8_t alnum = lower | upper | digit;                 // [A-Za-z0-9]
constexpr std::uint8_t word_chars = alnum | dash | underscore;        // [A-Za-z0-9_-]
constexpr std::uint8_t letters = lower | upper;                       // [A-Za-z]

// The shape most platform names share: a literal prefix, then `min`..`max` characters where the first, the
// last (when there are two or more) and those between each come from their own class. The regex
// ^P[F]([B]{min-2,max-2}[L])?$ and its simpler cases.
struct name_shape {
    std::string_view prefix;
    std::uint8_t first, body, last;
    std::size_t min, max;  // after the prefix
};

bool matches(std::string_view text, const name_shape& shape) {
    if (text.substr(0, shape.prefix.size()) != shape.prefix) return false;
    text.remove_prefix(shape.prefix.size());
    if (text.size() < shape.min || text.size() > shape.max || text.empty()) return false;
    if (!in(text.front(), shape.first)) return false;
    if (text.size() == 1) return true;
    if (!in(text.back(), shape.last)) return false;
    return std::all_of(text.begin() + 1, text.end() - 1, [&](char c) { return in(c, shape.body); });
}

// {prefix, first, body, last, min, max}, each with the regex it stands for.
constexpr name_shape host_label{"", label_chars, label_chars, label_chars, 1, 63};  // [a-z0-9-]{1,63}
// [A-Za-z]([A-Za-z0-9_-]{0,61}[A-Za-z0-9])?
constexpr name_shape worker_script{"", letters, word_chars, alnum, 1, 63};
// [a-z0-9]([a-z0-9-]{0,56}[a-z0-9])?
constexpr name_shape pages_project{"", lower_alnum, label_chars, lower_alnum, 1, 58};
constexpr std::uint8_t lower_hex = digit | hex_letter;
constexpr name_shape cloudflare_account{"", lower_hex, lower_hex, lower_hex, 32, 32};       // [0-9a-f]{32}
constexpr name_shape aws_account{"", digit, digit, digit, 12, 12};                            // [0-9]{12}
constexpr name_shape lambda_function{"", word_chars, word_chars, word_chars, 1, 64};          // [A-Za-z0-9_-]{1,64}
constexpr name_shape lambda_url_id{"", lower_alnum, lower_alnum, lower_alnum, 1, 63};         // [a-z0-9]{1,63}
constexpr name_shape api_gateway_id{"", lower_alnum, lower_alnum, lower_alnum, 10, 10};       // [a-z0-9]{10}
// AKfycb[A-Za-z0-9_-]{10,200}
constexpr name_shape apps_script_id{"AKfycb", word_chars, word_chars, word_chars, 10, 200};
constexpr name_shape gcp_project{"", lower, label_chars, lower_alnum, 6, 30};   // [a-z][a-z0-9-]{4,28}[a-z0-9]
constexpr name_shape cloud_function{"", letters, word_chars, word_chars, 1, 63};  // [A-Za-z][A-Za-z0-9_-]{0,62}

// Removes `suffix` from the end of `text`; false (and `text` untouched) when it does not end with it.
bool strip_suffix(std::string_view& text, std::string_view suffix) {
    if (text.size() < suffix.size() || text.substr(text.size() - suffix.size()) != suffix) return false;
    text.remove_suffix(suffix.size());
    return true;
}

// Splits "<head>.<rest>" at the first dot; false when there is none.
bool split_first_label(std::string_view text, std::string_view& head, std::string_view& rest) {
    std::size_t dot = text.find('.');
    if (dot == std::string_view::npos) return false;
    head = text.substr(0, dot);
    rest = text.substr(dot + 1);
    return true;
}

std::size_t count_leading(std::string_view text, std::uint8_t classes) {
    std::size_t n = 0;
    while (n < text.size() && in(text[n], classes)) ++n;
    return n;
}

// -[a-z]+-\d  (the tail of an AWS region after its two-letter area, and after "-gov" for GovCloud)
bool is_region_tail(std::string_view text) {
    if (text.size() < 4 || text.front() != '-' || !in(text.back(), digit) || text[text.size() - 2] != '-') return false;
    std::string_view name = text.substr(1, text.size() - 3);
    return count_leading(name, lower) == name.size();
}

std::string join(std::initializer_list<std::string_view> parts) {
    std::string out;
    for (std::string_view p : parts) out.append(p);
    return out;
}

}  // namespace

bool is_host_label(std::string_view text) { return matches(text, host_label); }

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

// ^[a-z0-9-]{1,63}\.[a-z0-9-]{1,63}\.workers\.dev$
bool is_workers_dev_host(std::string_view host) {
    std::string_view worker, subdomain;
    return strip_suffix(host, ".workers.dev") && split_first_label(host, worker, subdomain) &&
           is_host_label(worker) && is_host_label(subdomain);
}

bool is_worker_script_name(std::string_view name) { return matches(name, worker_script); }

// Pages project names become a pages.dev label; Cloudflare allows at most 58 characters (*unverified*).
bool is_pages_project_name(std::string_view name) { return matches(name, pages_project); }

bool is_cloudflare_account_id(std::string_view id) { return matches(id, cloudflare_account); }

bool is_aws_account_id(std::string_view id) { return matches(id, aws_account); }

// ^[a-z]{2}(-gov)?-[a-z]+-\d$ ("us-gov-1" matches too: the regex then reads "gov" as the [a-z]+ part).
bool is_aws_region(std::string_view region) {
    if (region.size() < 2 || !in(region[0], lower) || !in(region[1], lower)) return false;
    std::string_view tail = region.substr(2);
    return is_region_tail(tail) || (tail.substr(0, 4) == "-gov" && is_region_tail(tail.substr(4)));
}

bool is_lambda_function_name(std::string_view name) { return matches(name, lambda_function); }

bool is_lambda_url_id(std::string_view id) { return matches(id, lambda_url_id); }

bool is_api_gateway_id(std::string_view id) { return matches(id, api_gateway_id); }

// ^([a-z0-9]+)\.lambda-url\.([a-z]{2}(-gov)?-[a-z]+-\d)\.on\.aws$, the url-id at most 63 characters.
std::optional<lambda_url_parts> parse_lambda_url_host(std::string_view host) {
    std::string_view url_id, rest;
    if (!strip_suffix(host, ".on.aws") || !split_first_label(host, url_id, rest) || !is_lambda_url_id(url_id))
        return std::nullopt;
    constexpr std::string_view service = "lambda-url.";
    if (rest.substr(0, service.size()) != service || !is_aws_region(rest.substr(service.size()))) return std::nullopt;
    return lambda_url_parts{url_id, rest.substr(service.size())};
}

// ^([a-z0-9]{10})\.execute-api\.([a-z]{2}(-gov)?-[a-z]+-\d)\.amazonaws\.com$
std::optional<api_gateway_parts> parse_api_gateway_host(std::string_view host) {
    std::string_view api_id, rest;
    if (!strip_suffix(host, ".amazonaws.com") || !split_first_label(host, api_id, rest) || !is_api_gateway_id(api_id))
        return std::nullopt;
    constexpr std::string_view service = "execute-api.";
    if (rest.substr(0, service.size()) != service || !is_aws_region(rest.substr(service.size()))) return std::nullopt;
    return api_gateway_parts{api_id, rest.substr(service.size())};
}

// Real ids are AKfycb plus 40 to 80 characters; any non-trivial length is accepted.
bool is_apps_script_deployment_id(std::string_view id) { return matches(id, apps_script_id); }

bool is_gcp_project_id(std::string_view id) { return matches(id, gcp_project); }

// ^[a-z]+-[a-z]+[0-9]+$
bool is_gcp_region(std::string_view region) {
    std::size_t area = count_leading(region, lower);
    if (area == 0 || area == region.size() || region[area] != '-') return false;
    std::string_view rest = region.substr(area + 1);
    std::size_t name = count_leading(rest, lower);
    std::size_t number = count_leading(rest.substr(name), digit);
    return name > 0 && number > 0 && name + number == rest.size();
}

bool is_cloud_function_name(std::string_view name) { return matches(name, cloud_function); }

// ^([a-z0-9-]{1,63}\.a\.run\.app|[a-z0-9-]{1,63}\.[a-z]+-[a-z]+[0-9]+\.run\.app)$
bool is_cloud_run_host(std::string_view host) {
    std::string_view service, rest;
    return strip_suffix(host, ".run.app") && split_first_label(host, service, rest) && is_host_label(service) &&
           (rest == "a" || is_gcp_region(rest));
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
