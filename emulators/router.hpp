// Which handler answers a request. Control planes come first and route on ANY Host (clients such as the AWS CLI
// with --endpoint-url or wrangler with CLOUDFLARE_API_BASE_URL reach them by IP address; their owns() looks at
// the path); then the platforms, by Host. A host nobody owns gets 421 Misdirected Request naming the host.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "emulators/http_types.hpp"

namespace sclab::emulators {

// The Host header as handlers compare it: lowercase, without port, trailing dot or IPv6 brackets.
// "API.Example.COM.:8443" -> "api.example.com", "[::1]:8443" -> "::1".
std::string routing_host(std::string_view host_header);
// The same into `out`, whose buffer is reused (the session routes every request).
void assign_routing_host(std::string& out, std::string_view host_header);

class router {
public:
    // Receives one line per host that got a 421 (the first time only, so a client hammering an unknown host
    // cannot flood the console). Default: standard error.
    using warning_sink = std::function<void(const std::string&)>;
    explicit router(warning_sink warn = {});
    ~router();
    router(const router&) = delete;
    router& operator=(const router&) = delete;

    // Handlers are not owned; they must outlive the router. Order of addition is order of asking.
    void add_control_plane(request_handler& handler);
    void add_platform(request_handler& handler);

    // The first control plane that owns the request, else the first platform that owns `host`, else the
    // built-in handler that answers 421. Thread-safe once all handlers are added.
    request_handler& route(const std::string& host, const request& header_only);

    std::size_t handler_count() const { return control_planes_.size() + platforms_.size(); }

private:
    class misdirected_handler;
    std::vector<request_handler*> control_planes_;
    std::vector<request_handler*> platforms_;
    std::unique_ptr<misdirected_handler> misdirected_;
};

}  // namespace sclab::emulators
