#include "random_events.hpp"

#include <array>

#include "telemetry/time_format.hpp"

namespace sclab::telemetry::testing {

namespace {

std::string random_ip(seeded_random& rng) {
    std::string s;
    for (int i = 0; i < 4; ++i) {
        if (i) s.push_back('.');
        s += std::to_string(rng.uniform_int(i == 0 ? 1 : 0, 254));
    }
    return s;
}

std::string random_guid(seeded_random& rng) {
    std::string h = rng.hex(32);
    return "{" + h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) + "-" +
           h.substr(20, 12) + "}";
}

time_ns random_time(seeded_random& rng) {
    // 2020-01-01 .. 2030-01-01, full nanosecond precision.
    return static_cast<time_ns>(rng.uniform_int(1577836800ULL * 1'000'000'000ULL, 1893456000ULL * 1'000'000'000ULL));
}

std::string random_host(seeded_random& rng) {
    return random_text(rng, text_style::plain, 3, 10) + "." + random_text(rng, text_style::plain, 3, 10) + ".example";
}

template <class T>
std::optional<T> maybe(seeded_random& rng, T value) {
    return rng.bernoulli(0.8) ? std::optional<T>(value) : std::nullopt;
}

void fill_process_ref(process_ref& p, seeded_random& rng, text_style style) {
    p.guid = random_guid(rng);
    p.pid = rng.uniform_int(4, 65535);
    p.image = "C:\\Windows\\System32\\" + random_text(rng, text_style::plain, 3, 12) + ".exe";
    p.command_line = random_text(rng, style, 5, 60);
    p.user = "CORP\\" + random_text(rng, text_style::plain, 3, 10);
    p.creation_time = random_time(rng);
}

void fill_endpoint(endpoint& e, seeded_random& rng) {
    e.ip = random_ip(rng);
    e.port = static_cast<std::uint16_t>(rng.uniform_int(1, 65535));
    e.hostname = random_host(rng);
    e.port_name = rng.bernoulli(0.5) ? "https" : "";
}

}  // namespace

std::string random_text(seeded_random& rng, text_style style, std::size_t min_len, std::size_t max_len) {
    static constexpr std::string_view plain = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.";
    static constexpr std::array<std::string_view, 17> rich_extra = {
        " ", "\"", "'", "<", ">", "&", "=", "|", ",", ";", "\\", "/", "\t", "\xc3\xa9", "\xe2\x82\xac", "%", ":"};
    std::size_t len = rng.uniform_int(min_len, max_len);
    std::string s;
    for (std::size_t i = 0; i < len; ++i) {
        if (style == text_style::rich && rng.bernoulli(0.3))
            s += rich_extra[rng.uniform_int(0, rich_extra.size() - 1)];
        else
            s.push_back(plain[rng.uniform_int(0, plain.size() - 1)]);
    }
    return s;
}

event random_event(event_kind kind, seeded_random& rng, const random_event_options& options) {
    const text_style style = options.style;
    event e;
    e.kind = kind;
    e.time = random_time(rng);
    e.host = random_text(rng, text_style::plain, 4, 15);
    e.user = "CORP\\" + random_text(rng, text_style::plain, 3, 10);
    e.record_id = std::to_string(rng.uniform_int(1, 9'999'999));
    e.run_id = rng.bernoulli(0.5) ? "run-" + rng.hex(12) : "";

    switch (kind) {
        case event_kind::process_creation:
        case event_kind::network_connection:
        case event_kind::dns_query:
        case event_kind::file_creation:
        case event_kind::script_block: {
            process_info& p = e.process;
            fill_process_ref(p, rng, style);
            p.user = e.user;
            p.current_directory = "C:\\Users\\" + random_text(rng, text_style::plain, 3, 10) + "\\";
            p.integrity_level = rng.bernoulli(0.5) ? "Medium" : "High";
            p.sha1 = rng.hex(40);
            p.md5 = rng.hex(32);
            p.sha256 = rng.hex(64);
            p.imphash = rng.hex(32);
            p.file_version = "10.0." + std::to_string(rng.uniform_int(1000, 30000)) + ".1";
            p.description = random_text(rng, style, 3, 30);
            p.product = random_text(rng, style, 3, 30);
            p.company = random_text(rng, style, 3, 30);
            p.original_file_name = random_text(rng, text_style::plain, 3, 12) + ".exe";
            p.logon_guid = random_guid(rng);
            p.logon_id = "0x" + rng.hex(6);
            p.terminal_session_id = maybe<std::uint32_t>(rng, static_cast<std::uint32_t>(rng.uniform_int(0, 9)));
            p.file_size = maybe<std::uint64_t>(rng, rng.uniform_int(1000, 90'000'000));
            fill_process_ref(e.parent, rng, style);
            break;
        }
        default:
            break;
    }

    switch (kind) {
        case event_kind::network_connection:
        case event_kind::network_session:
        case event_kind::http_request: {
            network_info& n = e.network;
            n.transport = rng.bernoulli(0.9) ? "tcp" : "udp";
            n.protocol = rng.bernoulli(0.5) ? "https" : "http";
            n.direction = rng.bernoulli(0.9) ? "outbound" : "inbound";
            n.action = rng.bernoulli(0.5) ? "ConnectionSuccess" : "allow";
            fill_endpoint(n.source, rng);
            fill_endpoint(n.destination, rng);
            n.server_name = random_host(rng);
            n.bytes_sent = maybe<std::uint64_t>(rng, rng.uniform_int(0, 10'000'000));
            n.bytes_received = maybe<std::uint64_t>(rng, rng.uniform_int(0, 10'000'000));
            n.packets_sent = maybe<std::uint64_t>(rng, rng.uniform_int(0, 10'000));
            n.packets_received = maybe<std::uint64_t>(rng, rng.uniform_int(0, 10'000));
            n.duration = maybe<time_ns>(rng, static_cast<time_ns>(rng.uniform_int(0, 600'000'000'000ULL)));
            n.session_id = rng.hex(18);
            if (kind != event_kind::network_connection) {
                http_info& h = e.http;
                h.method = rng.bernoulli(0.5) ? "GET" : "POST";
                h.url = "https://" + n.server_name + "/" + random_text(rng, text_style::plain, 1, 20);
                h.status = static_cast<std::uint16_t>(rng.pick(std::span<const int>(std::array{200, 302, 403, 404, 502})));
                h.user_agent = random_text(rng, style, 5, 40);
                h.content_type = rng.bernoulli(0.5) ? "application/json" : "text/plain";
                h.request_id = rng.hex(16);
            }
            break;
        }
        case event_kind::dns_query:
            e.dns.query_name = random_host(rng);
            e.dns.query_type = rng.bernoulli(0.5) ? "A" : "AAAA";
            e.dns.query_status = std::to_string(rng.uniform_int(0, 9003));
            e.dns.query_results = "::ffff:" + random_ip(rng) + ";";
            break;
        case event_kind::file_creation:
            e.file.target_filename = "C:\\Users\\x\\AppData\\Local\\Temp\\" + random_text(rng, text_style::plain, 3, 12) + ".js";
            e.file.creation_time = random_time(rng);
            break;
        case event_kind::script_block:
            e.script.text = random_text(rng, style, 10, 200);
            e.script.id = random_guid(rng).substr(1, 36);
            e.script.message_total = static_cast<std::uint32_t>(rng.uniform_int(1, 5));
            e.script.message_number = static_cast<std::uint32_t>(rng.uniform_int(1, e.script.message_total));
            e.script.path = rng.bernoulli(0.5) ? "C:\\temp\\" + random_text(rng, text_style::plain, 3, 10) + ".ps1" : "";
            break;
        case event_kind::cloud_audit: {
            cloud_audit_info& c = e.cloud;
            static constexpr std::array<std::string_view, 3> providers = {"aws", "cloudflare", "gcp"};
            c.provider = providers[rng.uniform_int(0, 2)];
            c.service = random_text(rng, text_style::plain, 5, 20) + ".example.com";
            c.action = random_text(rng, text_style::plain, 5, 20);
            c.success = rng.bernoulli(0.7);
            c.error_code = c.success ? "" : "AccessDenied";
            c.error_message = c.success ? "" : random_text(rng, style, 5, 40);
            c.actor_type = "IAMUser";
            c.actor_id = rng.hex(20);
            c.actor_name = random_text(rng, text_style::plain, 3, 10) + "@example.com";
            c.access_key_id = "AKIA" + rng.hex(16);
            c.actor_account = std::to_string(rng.uniform_int(100000000000ULL, 999999999999ULL));
            c.source_ip = random_ip(rng);
            c.user_agent = random_text(rng, style, 5, 40);
            c.region = "us-east-1";
            c.account_id = std::to_string(rng.uniform_int(100000000000ULL, 999999999999ULL));
            c.resource_type = random_text(rng, text_style::plain, 3, 12);
            c.resource_id = rng.hex(24);
            c.resource_name = random_text(rng, text_style::plain, 3, 12);
            c.request_id = rng.hex(32);
            c.event_id = rng.hex(32);
            c.interface_name = rng.bernoulli(0.5) ? "API" : "UI";
            c.category = rng.bernoulli(0.5) ? "Management" : "Data";
            c.severity = rng.bernoulli(0.5) ? "NOTICE" : "INFO";
            c.read_only = maybe<bool>(rng, rng.bernoulli(0.5));
            c.management_event = maybe<bool>(rng, rng.bernoulli(0.5));
            c.request_parameters = R"({"functionName":")" + random_text(rng, text_style::plain, 3, 12) + R"("})";
            c.response_elements = rng.bernoulli(0.5) ? R"({"ok":true})" : "";
            c.metadata = R"({"script_name":")" + random_text(rng, text_style::plain, 3, 12) + R"("})";
            c.old_value = "";
            c.new_value = R"({"enabled":true})";
            break;
        }
        default:
            break;
    }

    if (options.with_extras) {
        std::size_t n = rng.uniform_int(0, 3);
        for (std::size_t i = 0; i < n; ++i)
            e.set_extra("x_" + random_text(rng, text_style::plain, 3, 10), random_text(rng, style, 0, 20));
    }
    return e;
}

}  // namespace sclab::telemetry::testing
