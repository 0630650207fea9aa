#include "emulators/router.hpp"

#include <cstdio>
#include <mutex>
#include <unordered_set>

#include "telemetry/text.hpp"

namespace sclab::emulators {

void assign_routing_host(std::string& out, std::string_view host) {
    if (!host.empty() && host.front() == '[') {
        std::size_t close = host.find(']');
        host = close == std::string_view::npos ? host.substr(1) : host.substr(1, close - 1);
    } else if (std::size_t colon = host.find(':'); colon != std::string_view::npos &&
                                                   host.find(':', colon + 1) == std::string_view::npos) {
        host = host.substr(0, colon);  // one colon: a port; more: a bare IPv6 address, kept whole
    }
    while (!host.empty() && host.back() == '.') host.remove_suffix(1);
    telemetry::assign_lower(out, host);
}

std::string routing_host(std::string_view host) {
    std::string out;
    assign_routing_host(out, host);
    return out;
}

// The answer for a host no handler owns: 421, which tells a client it reached a server that does not serve
// that name (RFC 9110 15.5.20), with the host in the body so a person reading curl's output knows which name
// is missing from the lab file.
class router::misdirected_handler final : public request_handler {
public:
    explicit misdirected_handler(warning_sink warn) : warn_(std::move(warn)) {}

    bool owns(const std::string&, const request&) const override { return true; }
    // The body is never looked at; a small limit means a large upload to a wrong host is refused at once.
    std::uint64_t body_limit(const std::string&, const request&) const override { return 64 * 1024; }
    void too_large(const std::string& host, const request&, response& res) const override { answer(host, res); }
    void handle(const std::string& host, const request&, const connection_info& conn, response& res) override {
        answer(host, res);
        if (first_time(host)) {
            warn_("421 Misdirected Request for host '" + printable(host) + "' from " + conn.client_ip +
                  ": no platform or control plane in the lab owns it (further requests for it are not reported)");
        }
    }

private:
    static std::string printable(std::string_view text) {
        std::string out;
        for (char c : text.substr(0, 255)) out.push_back(c >= 0x20 && c < 0x7f ? c : '?');
        return out;
    }
    static void answer(const std::string& host, response& res) {
        res.result(http::status::misdirected_request);
        res.set(http::field::content_type, "text/plain; charset=utf-8");
        res.body() = "421 Misdirected Request: no emulated platform or control plane in this lab serves the host \"" +
                     printable(host) + "\".\n";
        res.prepare_payload();
    }
    bool first_time(const std::string& host) {
        std::lock_guard lock(mutex_);
        if (reported_.size() >= max_reported) return false;
        return reported_.insert(host).second;
    }

    static constexpr std::size_t max_reported = 1000;
    warning_sink warn_;
    std::mutex mutex_;
    std::unordered_set<std::string> reported_;
};

router::router(warning_sink warn) {
    if (!warn) warn = [](const std::string& line) { std::fprintf(stderr, "sclab emulate: %s\n", line.c_str()); };
    misdirected_ = std::make_unique<misdirected_handler>(std::move(warn));
}

router::~router() = default;

void router::add_control_plane(request_handler& handler) { control_planes_.push_back(&handler); }
void router::add_platform(request_handler& handler) { platforms_.push_back(&handler); }

request_handler& router::route(const std::string& host, const request& header_only) {
    for (request_handler* h : control_planes_)
        if (h->owns(host, header_only)) return *h;
    for (request_handler* h : platforms_)
        if (h->owns(host, header_only)) return *h;
    return *misdirected_;
}

}  // namespace sclab::emulators
