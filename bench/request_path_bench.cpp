// The application work of one HTTPS request, without the transport (TLS, sockets, parsing): the routing host,
// router::route, body_limit, the platform's answer, the session's finishing touches (Date, Content-Length,
// keep-alive), a copy of the request (what the parser builds) and network_logs::emit_access, in the order
// emulators/https_session.cpp runs them, over
// the real stack (the shipped lab file and profiles, the network logs in a directory).
//
// Time is a virtual clock stepped 1 ms per request and the seed is fixed, so two builds given the same
// arguments write byte-identical logs (--logs DIR keeps them for a diff; --responses FILE writes every response
// as it would go on the wire, for the same check of the answers). Prints ns/request per host: on the calling
// thread (what an I/O thread spends), and until the log writer thread has written every record too. The
// machine is shared, so count instructions with callgrind, collecting only the measured loop (the I/O thread's
// part) or the loop and the log writer (the whole cost):
//   valgrind --tool=callgrind --toggle-collect='*measure_requests*' bench_request_path --host worker -n 2000
//   valgrind --tool=callgrind --toggle-collect='*measure_requests*' --toggle-collect='*run_writer*'
//       bench_request_path --host worker -n 2000    (one command)
//
// Usage: bench_request_path [--host worker|lambda|apps_script|cloud_function|unknown|all] [-n REQUESTS]
//                           [--logs DIR] [--responses FILE] [--lab FILE] [--profiles FILE]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

#include <unistd.h>

#include <boost/beast/http/write.hpp>

#include "emulators/emulator_stack.hpp"
#include "emulators/network_logs.hpp"
#include "emulators/request_records.hpp"
#include "emulators/router.hpp"

using namespace sclab;
using namespace sclab::emulators;

namespace {

struct bench_host {
    std::string_view name;
    http::verb method;
    std::string_view target;
    std::vector<std::pair<std::string_view, std::string_view>> headers;  // Host first
};

// Representative beacons of the shipped lab, as clients send them.
std::vector<bench_host> bench_hosts() {
    return {
        // bench/run_emulator.sh: wrk sends only Host.
        {"worker", http::verb::get, "/", {{"Host", "df00tech-sentinel-test.argustest.workers.dev"}}},
        {"lambda", http::verb::get, "/",
         {{"Host", "q3vt6xk2c7lyd5nmwa4pbz8ehf0jru1s.lambda-url.us-east-1.on.aws"},
          {"User-Agent", "python-requests/2.31.0"}, {"X-Sclab-Run", "bench-run-1"}}},
        {"apps_script", http::verb::get,
         "/macros/s/AKfycbz8Xq2Lr5Tn0VwB3yHd7Kp1Mf4Gs9Jc6Ne_Ua-Wo2Ri5Zt8Qv1Ly4Hb7Dk0Px3Cg6Sm9/exec",
         {{"Host", "script.google.com"}, {"User-Agent", "Mozilla/4.0 (compatible; Win32; WinHttp.WinHttpRequest.5)"}}},
        {"cloud_function", http::verb::get, "/df00tech-beacon",
         {{"Host", "us-central1-df00tech-argus-test.cloudfunctions.net"}, {"User-Agent", "curl/8.5.0"}}},
        {"unknown", http::verb::get, "/", {{"Host", "beacon.example.com"}, {"User-Agent", "curl/8.5.0"}}},
    };
}

request make_request(const bench_host& h) {
    request req(h.method, h.target, 11);
    for (const auto& [name, value] : h.headers) req.set(name, value);
    return req;
}

// What https_session::send() adds to every answer before writing it.
void finish_like_session(response& res, const request& req) {
    if (res.find(http::field::date) == res.end()) res.set(http::field::date, platforms::http_date(0));
    if (!res.has_content_length() && !res.chunked()) res.prepare_payload();
    if (!req.keep_alive()) res.keep_alive(false);
}

// One request through the application path; returns the status for a sanity line. `responses`, when given,
// receives the response as serialised.
unsigned serve_one(router& routes, event_sink& sink, telemetry::virtual_clock& clock, const request& req,
                   const connection_info& conn, std::ostream* responses) {
    exchange_facts facts;
    facts.started = clock.now();
    facts.request_bytes = 120;
    const std::string host = routing_host(req[http::field::host]);
    request_handler& handler = routes.route(host, req);
    response res;
    res.version(11);
    if (req.body().size() > handler.body_limit(host, req)) handler.too_large(host, req, res);
    else handler.handle(host, req, conn, res);
    finish_like_session(res, req);
    if (responses != nullptr) *responses << res;
    facts.response_bytes = res.body().size() + 256;
    facts.elapsed = 250'000;
    request parsed = req;  // the session hands over the request its parser built
    sink.emit_access(conn, host, parsed, res, facts);
    clock.advance(1'000'000);
    return res.result_int();
}

// Kept out of line so callgrind's --toggle-collect can count this loop alone.
[[gnu::noinline]] unsigned measure_requests(router& routes, event_sink& sink, telemetry::virtual_clock& clock,
                                            const request& req, const connection_info& conn, long count,
                                            std::ostream* responses) {
    unsigned status = 0;
    for (long i = 0; i < count; ++i) status = serve_one(routes, sink, clock, req, conn, responses);
    return status;
}

[[noreturn]] void usage() {
    std::fprintf(stderr, "usage: bench_request_path [--host NAME|all] [-n REQUESTS] [--logs DIR] [--responses FILE] "
                         "[--lab FILE] [--profiles FILE]\n");
    std::exit(2);
}

}  // namespace

int main(int argc, char** argv) {
    std::string only = "all";
    long count = 200'000;
    std::string logs_dir, responses_path, lab_path = SCLAB_SOURCE_DIR "/emulators/labs/default.json",
                          profiles_path = SCLAB_SOURCE_DIR "/emulators/profiles/platforms.json";
    for (int i = 1; i < argc; ++i) {
        std::string_view arg = argv[i];
        if (i + 1 >= argc) usage();
        if (arg == "--host") only = argv[++i];
        else if (arg == "-n") count = std::strtol(argv[++i], nullptr, 10);
        else if (arg == "--logs") logs_dir = argv[++i];
        else if (arg == "--responses") responses_path = argv[++i];
        else if (arg == "--lab") lab_path = argv[++i];
        else if (arg == "--profiles") profiles_path = argv[++i];
        else usage();
    }
    if (count <= 0) usage();

    const bool keep_logs = !logs_dir.empty();
    if (!keep_logs)
        logs_dir = (std::filesystem::temp_directory_path() / ("sclab-request-path-" + std::to_string(::getpid()))).string();
    try {
        const lab_config lab = load_lab_config(lab_path);
        const auto profiles = platforms::load_platform_profiles(profiles_path);
        network_log_options log_options;
        log_options.directory = logs_dir;
        log_options.secrets = lab_secrets(lab);
        log_options.sensors = lab.sensors;
        network_logs logs(log_options);
        telemetry::virtual_clock clock(1'700'000'000'000'000'000);
        const telemetry::seeded_random random(1);
        emulator_stack stack(lab, profiles, logs, clock, random, [](const std::string&) {});

        std::ofstream responses_file;
        if (!responses_path.empty()) {
            responses_file.open(responses_path, std::ios::binary);
            if (!responses_file) throw std::runtime_error("cannot write " + responses_path);
        }
        std::ostream* responses = responses_path.empty() ? nullptr : &responses_file;
        std::printf("%-15s %10s %14s %18s %7s\n", "host", "requests", "ns/request I/O", "ns/request logged",
                    "status");
        bool any = false;
        std::uint64_t connection_id = 0;
        for (const bench_host& h : bench_hosts()) {
            if (only != "all" && only != h.name) continue;
            any = true;
            const request req = make_request(h);
            connection_info conn{"127.0.0.1", 50'000, "127.0.0.1", 8443, std::string(h.headers.front().second),
                                 ++connection_id, clock.now()};
            const auto start = std::chrono::steady_clock::now();
            unsigned status = measure_requests(stack.routes(), logs, clock, req, conn, count, responses);
            const auto served = std::chrono::steady_clock::now();
            logs.flush();
            const auto logged = std::chrono::steady_clock::now();
            const auto per_request = [count](auto d) {
                return std::chrono::duration<double, std::nano>(d).count() / static_cast<double>(count);
            };
            std::printf("%-15.*s %10ld %14.0f %18.0f %7u\n", static_cast<int>(h.name.size()), h.name.data(), count,
                        per_request(served - start), per_request(logged - start), status);
            // The connection's record at its close, as the session's destructor emits it (not measured: once per
            // connection), so the flow logs are compared too.
            connection_facts closed;
            closed.closed_at = clock.now();
            closed.bytes_from_client = 517 * static_cast<std::uint64_t>(count);
            closed.bytes_to_client = 933 * static_cast<std::uint64_t>(count);
            closed.requests = static_cast<std::uint64_t>(count);
            closed.segments = tcp_segment_counts{closed.requests + 3, closed.requests + 2};
            closed.tls_established = true;
            logs.emit_connection(conn, closed);
        }
        logs.close();
        if (!keep_logs) std::filesystem::remove_all(logs_dir);
        if (!any) usage();
    } catch (const std::exception& e) {
        std::fprintf(stderr, "bench_request_path: %s\n", e.what());
        return 2;
    }
    return 0;
}
