// `sclab emulate`: parses the flags, builds the handlers from the lab file and the platform profiles, and runs
// the HTTPS server until SIGINT or SIGTERM.
#include "cli/emulate_command.hpp"

#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <set>

#include <boost/asio/ip/address.hpp>

#include "cli/options.hpp"
#include "emulators/emulator_stack.hpp"
#include "emulators/https_server.hpp"
#include "emulators/lab_ca.hpp"
#include "emulators/network_logs.hpp"
#include "emulators/platforms/platform_factory.hpp"
#include "emulators/platforms/platform_profile.hpp"
#include "emulators/router.hpp"
#include "telemetry/clock.hpp"
#include "telemetry/input_error.hpp"
#include "telemetry/random.hpp"

namespace sclab::cli {

namespace {

namespace fs = std::filesystem;
using emulators::lab_config;

void note(const std::string& line) { std::fprintf(stderr, "sclab emulate: %s\n", line.c_str()); }

fs::path executable_directory() {
    std::error_code ec;
    fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    return ec ? fs::current_path() : exe.parent_path();
}

#if defined(SCLAB_SOURCE_TREE) && defined(SCLAB_BUILD_TREE)
// True when `path` is `dir` or lies under it (both made canonical where they exist).
bool is_within(const fs::path& path, const fs::path& dir) {
    std::error_code ec;
    const fs::path p = fs::weakly_canonical(path, ec), d = fs::weakly_canonical(dir, ec);
    const auto [end, ignored] = std::mismatch(d.begin(), d.end(), p.begin(), p.end());
    return end == d.end();
}
#endif

// --FLAG FILE, else the shipped file (find_shipped_file); the error lists every place it looked.
std::string shipped_or_flag(const po::variables_map& vm, const char* flag, const std::string& relative) {
    if (vm.count(flag)) return vm[flag].as<std::string>();
    const shipped_file_search search = find_shipped_file(relative);
    if (!search.found.empty()) return search.found;
    std::string message = "cannot find the default " + relative + "; looked in:";
    for (const std::string& place : search.looked_in) message += "\n  " + place;
    message += "\ngive --" + std::string(flag) + " FILE, or set SCLAB_DATA_DIR to a directory holding labs/ and profiles/";
    throw telemetry::usage_error(message);
}

// The address hosts-file lines point at: the listen address, unless it is a wildcard.
std::string hosts_file_address(const boost::asio::ip::address& listen) {
    return listen.is_unspecified() ? "127.0.0.1" : listen.to_string();
}

void print_hosts(const lab_config& lab, const boost::asio::ip::address& listen) {
    std::set<std::string> hosts;
    for (const auto& h : emulators::platforms::lab_hostnames(lab)) hosts.insert(h);
    for (const auto& h : control_plane_hostnames(lab)) hosts.insert(h);
    const std::string address = hosts_file_address(listen);
    std::printf("# sclab lab '%s': hosts-file lines for lab machines (%s). Names under a generic platform's\n"
                "# domain (netlify.app, vercel.app, ...) all answer; hosts files hold no wildcards, so add the ones you use.\n",
                lab.name.c_str(), listen.is_unspecified() ? "the emulator listens on every address: replace 127.0.0.1 with the one lab machines reach"
                                                          : "the emulator's listen address");
    for (const auto& h : hosts) std::printf("%s %s\n", address.c_str(), h.c_str());
}

// Every connection is a file descriptor: take the hard limit, and keep the connection cap within it.
std::size_t fit_connection_cap(std::size_t wanted) {
    rlimit limit{};
    if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) return wanted;
    if (limit.rlim_cur < limit.rlim_max) {
        limit.rlim_cur = limit.rlim_max;
        ::setrlimit(RLIMIT_NOFILE, &limit);
    }
    constexpr std::size_t reserve = 64;  // logs, the listener, the CA files, stdio
    if (limit.rlim_cur != RLIM_INFINITY && wanted + reserve > limit.rlim_cur) {
        std::size_t fitted = limit.rlim_cur > reserve ? limit.rlim_cur - reserve : 1;
        note("--max-connections " + std::to_string(wanted) + " is over the open-file limit (" +
             std::to_string(limit.rlim_cur) + "); using " + std::to_string(fitted));
        return fitted;
    }
    return wanted;
}

std::string endpoint_text(const std::string& address, std::uint16_t port) {
    return (address.find(':') != std::string::npos ? "[" + address + "]" : address) + ":" + std::to_string(port);
}

}  // namespace

shipped_file_search find_shipped_file(const std::string& relative) {
    shipped_file_search search;
    const auto look = [&](const fs::path& data_dir, const std::string& why) {
        const fs::path candidate = data_dir / relative;
        std::error_code ec;
        if (search.found.empty() && fs::is_regular_file(candidate, ec)) search.found = candidate.string();
        search.looked_in.push_back(candidate.string() + " (" + why + ")");
    };
    if (const char* env = std::getenv("SCLAB_DATA_DIR"); env != nullptr && *env != '\0') look(env, "$SCLAB_DATA_DIR");
    const fs::path bin = executable_directory();
    look(bin.parent_path() / "share" / "sclab", "the binary's ../share/sclab");
#if defined(SCLAB_SOURCE_TREE) && defined(SCLAB_BUILD_TREE)
    // Only a binary running from its own build tree trusts the source tree it was built from: an installed or
    // copied binary must not pick up files from a checkout that may have moved on.
    if (is_within(bin, SCLAB_BUILD_TREE)) look(fs::path(SCLAB_SOURCE_TREE) / "emulators", "the source tree of this build");
    else search.looked_in.push_back(std::string("not the source tree: the binary is not in its build tree ") + SCLAB_BUILD_TREE);
#endif
    return search;
}

std::vector<std::string> control_plane_hostnames(const lab_config& lab) {
    std::set<std::string> hosts;
    for (const auto& account : lab.aws)
        for (const auto& f : account.functions) hosts.insert("lambda." + f.region + ".amazonaws.com");
    if (!lab.cloudflare.empty()) hosts.insert("api.cloudflare.com");
    hosts.insert(std::string(emulators::control::google_admin_host));
    return {hosts.begin(), hosts.end()};
}

int run_emulate_command(int argc, char** argv) {
    po::options_description options("options");
    options.add_options()
        ("lab", po::value<std::string>(),
         "the lab file (default: labs/default.json of the data directory, see above)")
        ("profiles", po::value<std::string>(),
         "the platform profiles, their pages/ beside them (default: profiles/platforms.json of the data "
         "directory, see above)")
        ("state", po::value<std::string>()->default_value("lab-state"),
         "directory of the lab CA (created on first start, reused after; its key is mode 0600)")
        ("logs", po::value<std::string>()->default_value("lab-logs"),
         "directory of the network-side logs (appended to): access.ecs.jsonl, access.squid.log, access.leef.log, "
         "traffic.panos.csv, conn.log, audit.ecs.jsonl, cloudtrail.jsonl, cloudflare-audit.jsonl, gcp-audit.jsonl")
        ("listen", po::value<std::string>()->default_value("127.0.0.1"),
         "address to listen on; anything but loopback exposes the lab's emulated clouds to the network")
        ("port", po::value<unsigned>()->default_value(8443), "TCP port; 0 picks a free one (printed when ready)")
        ("threads", po::value<unsigned>()->default_value(1), "server threads")
        ("plain-sends",
         "send each response with its own send() instead of batching the responses of a thread's connections "
         "into one io_uring system call (used when io_uring is unavailable anyway)")
        ("max-connections", po::value<std::size_t>()->default_value(10'000),
         "concurrent connections; beyond it new connections are closed at once (each idle one costs ~18 KiB)")
        ("seed", po::value<std::uint64_t>()->default_value(1), "seed of the ids the emulators hand out")
        ("print-ca", "print the lab CA certificate (PEM) and exit; creates the CA on first use")
        ("hosts", "print hosts-file lines for every host of the lab and exit");
    po::variables_map vm;
    if (!parse_options(argc, argv, "sclab emulate [--lab FILE] [--port N] [--listen ADDR] [--logs DIR] [--state DIR]",
                       "Serves the lab's emulated serverless platforms (workers.dev, Lambda function URLs, API Gateway,\n"
                       "Apps Script, Cloud Functions, Cloud Run and generic hosts) and their control planes\n"
                       "(Lambda API, Cloudflare API, Google admin) over HTTPS, with certificates from the lab CA.\n"
                       "Prints 'listening on ADDRESS:PORT' when ready; runs until SIGINT or SIGTERM, then lets\n"
                       "requests in flight finish and closes every log whole.\n\n"
                       "Reaching it: curl --cacert lab-state/lab-ca.pem --resolve HOST:8443:127.0.0.1 https://HOST:8443/\n"
                       "Clients that cannot pin names (AWS CLI --endpoint-url, wrangler's CLOUDFLARE_API_BASE_URL) use\n"
                       "https://127.0.0.1:8443 and trust the CA (AWS_CA_BUNDLE, NODE_EXTRA_CA_CERTS).\n\n"
                       "Data directory: the lab file and profiles that ship with sclab are looked for, in order, in\n"
                       "$SCLAB_DATA_DIR, in ../share/sclab beside the sclab binary (an installed sclab), and in the\n"
                       "source tree when sclab runs from its build directory. --lab and --profiles override them.\n"
                       "Exit codes: 0 stopped cleanly; 2 usage or input error (bad lab file, port in use).",
                       options, vm))
        return exit_ok;

    const std::string listen_text = vm["listen"].as<std::string>();
    boost::system::error_code ec;
    const auto listen = boost::asio::ip::make_address(listen_text, ec);
    if (ec) throw telemetry::usage_error("--listen: '" + listen_text + "' is not an IP address");
    const unsigned port = vm["port"].as<unsigned>();
    if (port > 65535) throw telemetry::usage_error("--port: " + std::to_string(port) + " is not a TCP port");
    if (vm["threads"].as<unsigned>() == 0) throw telemetry::usage_error("--threads must be at least 1");
    if (vm["max-connections"].as<std::size_t>() == 0) throw telemetry::usage_error("--max-connections must be at least 1");

    const std::string lab_path = shipped_or_flag(vm, "lab", "labs/default.json");
    const lab_config lab = emulators::load_lab_config(lab_path);
    if (vm.count("hosts")) {
        print_hosts(lab, listen);
        return exit_ok;
    }

    emulators::lab_ca ca(vm["state"].as<std::string>());
    if (ca.created()) note("created the lab CA " + ca.certificate_path().string() + " (clients must trust it)");
    if (vm.count("print-ca")) {
        std::fputs(ca.certificate_pem().c_str(), stdout);
        return exit_ok;
    }
    const std::string profiles_path = shipped_or_flag(vm, "profiles", "profiles/platforms.json");
    const auto profiles = emulators::platforms::load_platform_profiles(profiles_path);
    if (!listen.is_loopback())
        note("warning: listening on " + listen_text +
             ", not loopback: anyone who reaches it can use the lab's credentials and read the C2 traffic it relays; "
             "keep it inside the lab network");

    // SIGINT and SIGTERM are taken by sigwait() below, never by a thread of the server or the log flusher: they
    // are blocked here, before any thread starts, and every thread inherits the mask.
    sigset_t stop_signals;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGINT);
    sigaddset(&stop_signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

    emulators::network_log_options log_options;
    log_options.directory = vm["logs"].as<std::string>();
    log_options.secrets = lab_secrets(lab);
    log_options.sensors = lab.sensors;
    emulators::network_logs logs(log_options);

    telemetry::wall_clock clock;
    const telemetry::seeded_random random(vm["seed"].as<std::uint64_t>());
    emulators::emulator_stack stack(lab, profiles, logs, clock, random);
    emulators::router& routes = stack.routes();

    emulators::server_options server_options;
    server_options.listen_address = listen_text;
    server_options.port = static_cast<std::uint16_t>(port);
    server_options.threads = vm["threads"].as<unsigned>();
    server_options.batched_sends = vm.count("plain-sends") == 0;
    server_options.limits.max_connections = fit_connection_cap(vm["max-connections"].as<std::size_t>());
    server_options.clock = &clock;
    emulators::https_server server(server_options, ca, routes, logs);
    server.start();

    std::printf("sclab emulate: listening on %s\n", endpoint_text(server.address(), server.port()).c_str());
    std::fflush(stdout);
    note("lab '" + lab.name + "' from " + lab_path + "; CA " + ca.certificate_path().string() + "; logs in " +
         log_options.directory.string() + "; " + std::to_string(routes.handler_count()) + " handlers; " +
         (server.stats().sends_batched ? "responses sent in io_uring batches" : "one send() per response"));

    int received = 0;
    sigwait(&stop_signals, &received);
    note(std::string("stopping on ") + (received == SIGINT ? "SIGINT" : "SIGTERM") +
         ": finishing requests in flight, closing the logs");
    server.stop();
    logs.close();
    const auto stats = server.stats();
    note("served " + std::to_string(stats.responses) + " responses on " + std::to_string(stats.accepted) +
         " connections (" + std::to_string(stats.refused) + " refused at the connection cap)");
    return exit_ok;
}

}  // namespace sclab::cli
