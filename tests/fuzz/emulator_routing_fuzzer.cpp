// Arbitrary bytes as an HTTP request to the whole emulator (router, every platform, every control plane:
// their JSON, SigV4 and multipart parsing included), without a socket. Handlers may throw std::exception (the
// server turns it into a 500); crashes and sanitizer reports are the bugs this looks for.
#include <boost/beast/http.hpp>

#include "emulators/emulator_stack.hpp"
#include "emulators/lab_config.hpp"
#include "emulators/platforms/platform_profile.hpp"

using namespace sclab;

namespace {

class discarding_sink final : public emulators::event_sink {
public:
    void emit(telemetry::event) override {}
};

struct fuzz_lab {
    emulators::lab_config lab = emulators::load_lab_config(SCLAB_SOURCE_DIR "/emulators/labs/default.json");
    emulators::platforms::platform_profiles profiles =
        emulators::platforms::load_platform_profiles(SCLAB_SOURCE_DIR "/emulators/profiles/platforms.json");
    discarding_sink sink;
    telemetry::virtual_clock clock{1'700'000'000'000'000'000};
    emulators::emulator_stack stack{lab, profiles, sink, clock, telemetry::seeded_random(1), [](const std::string&) {}};
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static fuzz_lab lab;
    namespace http = boost::beast::http;
    http::request_parser<http::string_body, emulators::header_fields::allocator_type> parser;  // the server's fields
    parser.eager(true);
    parser.body_limit(8u << 20);
    boost::beast::error_code ec;
    parser.put(boost::asio::buffer(data, size), ec);
    if (ec || !parser.is_done()) return 0;
    emulators::request req = parser.release();
    const std::string host = emulators::routing_host(req[http::field::host]);
    emulators::request_handler& handler = lab.stack.routes().route(host, req);
    emulators::connection_info conn{.client_ip = "127.0.0.1", .client_port = 50000, .local_ip = "127.0.0.1",
                                    .local_port = 8443, .sni = host, .connection_id = 1, .connected_at = 0};
    emulators::response res;
    try {
        if (req.body().size() > handler.body_limit(host, req)) handler.too_large(host, req, res);
        else handler.handle(host, req, conn, res);
    } catch (const std::exception&) {
    }
    return 0;
}
