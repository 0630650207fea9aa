#include "emulators/platforms/lambda_event.hpp"

#include <algorithm>
#include <map>
#include <vector>

#include "emulators/control/digest.hpp"
#include "emulators/control/request_target.hpp"
#include "emulators/platforms/platform_handler.hpp"
#include "telemetry/json_text.hpp"
#include "telemetry/text.hpp"
#include "telemetry/time_format.hpp"

namespace sclab::emulators::platforms {

namespace {

// Structure only (lead and continuation bytes); enough to keep the event valid JSON.
bool valid_utf8(std::string_view s) {
    for (std::size_t i = 0; i < s.size();) {
        auto c = static_cast<unsigned char>(s[i]);
        std::size_t extra = 0;
        if (c < 0x80) extra = 0;
        else if ((c >> 5) == 0x6) extra = 1;
        else if ((c >> 4) == 0xe) extra = 2;
        else if ((c >> 3) == 0x1e) extra = 3;
        else return false;
        if (i + extra >= s.size()) return false;
        for (std::size_t k = 1; k <= extra; ++k)
            if ((static_cast<unsigned char>(s[i + k]) >> 6) != 0x2) return false;
        i += extra + 1;
    }
    return true;
}

bool text_content_type(std::string_view content_type) {
    std::string t = telemetry::to_lower(content_type);
    return t.rfind("text/", 0) == 0 || t.find("json") != std::string::npos || t.find("xml") != std::string::npos ||
           t.find("javascript") != std::string::npos;
}

// Splits "a=1&b=2&a=3" into decoded parameters, joining repeated names with "," as payload format 2.0 does.
std::vector<std::pair<std::string, std::string>> query_parameters(std::string_view query) {
    std::vector<std::pair<std::string, std::string>> out;
    while (!query.empty()) {
        std::size_t amp = query.find('&');
        std::string_view item = query.substr(0, amp);
        query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
        if (item.empty()) continue;
        std::size_t eq = item.find('=');
        std::string name, value;
        if (!control::percent_decode(item.substr(0, eq), true, name)) name = std::string(item.substr(0, eq));
        if (eq != std::string_view::npos && !control::percent_decode(item.substr(eq + 1), true, value))
            value = std::string(item.substr(eq + 1));
        auto same = std::find_if(out.begin(), out.end(), [&](const auto& p) { return p.first == name; });
        if (same == out.end()) out.emplace_back(std::move(name), std::move(value));
        else same->second.append(",").append(value);
    }
    return out;
}

}  // namespace

std::string lambda_event_time(telemetry::time_ns t) {
    telemetry::civil_time c = telemetry::to_civil(t);
    std::string out;
    telemetry::append_two_digits(out, c.day);
    out.append("/").append(telemetry::month_abbreviation(c.month)).append("/");
    telemetry::append_int(out, c.year);
    out.push_back(':');
    telemetry::append_clock_time(out, c);
    out.append(" +0000");
    return out;
}

std::string lambda_url_event(const request& req, const lambda_url_event_context& ctx) {
    std::string_view target = req.target();
    std::string_view path = target_path(target);
    std::string_view query = target_query(target);

    // Headers as the function sees them: lowercase names, repeats joined, cookies apart, Lambda's own added.
    std::map<std::string, std::string> headers;
    std::vector<std::string_view> cookies;
    for (const auto& field : req) {
        std::string name = telemetry::to_lower(field.name_string());
        if (name == "cookie") {
            std::string_view all = field.value();
            while (!all.empty()) {
                std::size_t semi = all.find(';');
                std::string_view one = all.substr(0, semi);
                while (!one.empty() && one.front() == ' ') one.remove_prefix(1);
                if (!one.empty()) cookies.push_back(one);
                all = semi == std::string_view::npos ? std::string_view{} : all.substr(semi + 1);
            }
            continue;
        }
        auto [it, fresh] = headers.emplace(name, std::string(field.value()));
        if (!fresh) it->second.append(",").append(field.value());
    }
    headers["x-amzn-trace-id"] = std::string(ctx.trace_id);
    headers["x-forwarded-for"] = std::string(ctx.source_ip);
    headers["x-forwarded-port"] = "443";
    headers["x-forwarded-proto"] = "https";

    std::string user_agent;
    if (auto it = req.find(http::field::user_agent); it != req.end()) user_agent = std::string(it->value());
    std::string content_type;
    if (auto it = req.find(http::field::content_type); it != req.end()) content_type = std::string(it->value());

    std::string out;
    out.reserve(1024 + req.body().size() * 4 / 3);
    telemetry::json_writer j(out);
    j.begin_object().field("version", "2.0").field("routeKey", "$default").field("rawPath", path).field("rawQueryString", query);
    if (!cookies.empty()) {
        j.key("cookies").begin_array();
        for (std::string_view c : cookies) j.string(c);
        j.end_array();
    }
    j.key("headers").begin_object();
    for (const auto& [name, value] : headers) j.field(name, value);
    j.end_object();
    if (!query.empty()) {
        j.key("queryStringParameters").begin_object();
        for (const auto& [name, value] : query_parameters(query)) j.field(name, value);
        j.end_object();
    }
    j.key("requestContext").begin_object();
    j.field("accountId", ctx.account_id).field("apiId", ctx.url_id).field("domainName", ctx.domain_name)
        .field("domainPrefix", ctx.url_id);
    j.key("http").begin_object();
    j.field("method", req.method_string()).field("path", path)
        .field("protocol", req.version() == 10 ? "HTTP/1.0" : "HTTP/1.1").field("sourceIp", ctx.source_ip)
        .field("userAgent", user_agent);
    j.end_object();
    j.field("requestId", ctx.request_id).field("routeKey", "$default").field("stage", "$default")
        .field("time", lambda_event_time(ctx.time));
    j.key("timeEpoch").number(static_cast<std::int64_t>(ctx.time / 1'000'000));
    j.end_object();
    const std::string& body = req.body();
    bool base64 = !body.empty() && !(text_content_type(content_type) && valid_utf8(body));
    if (!body.empty()) j.field("body", base64 ? control::base64_encode(body) : body);
    j.key("isBase64Encoded").boolean(base64);
    j.end_object();
    return out;
}

std::size_t lambda_url_event_size_bound(const request& req, const lambda_url_event_context& ctx) {
    // JSON escaping writes at most six bytes for one ("\u00XX"); base64 writes fewer than two.
    constexpr std::size_t escaped = 6;
    // Member names, punctuation, the fixed values, Lambda's four headers, the time and timeEpoch: under 1 KB.
    std::size_t n = 2048;
    // The path twice (rawPath, http.path); the query raw and as parameters (decoding only shortens it, and each
    // parameter of one byte or more adds at most six bytes of quotes and separators).
    n += 4 * escaped * req.target().size();
    // Each header (or the cookies it holds) once, and the User-Agent once more; quotes, separators and the comma of
    // a repeated header in the slack.
    for (const auto& field : req) n += 2 * (escaped * (field.name_string().size() + field.value().size()) + 8);
    n += escaped * req.method_string().size();
    n += 2 * escaped *
         (ctx.account_id.size() + ctx.url_id.size() + ctx.domain_name.size() + ctx.request_id.size() +
          ctx.trace_id.size() + ctx.source_ip.size());
    n += escaped * req.body().size() + 8;
    return n;
}

}  // namespace sclab::emulators::platforms
