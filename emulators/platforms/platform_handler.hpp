// What every emulated platform shares: its compiled profile, the run's clock and its own random stream, the
// standard request values its templates use, the profile's limits (413, and 414/431-style answers for the URL
// and header limits when the profile sets them), and serving the relay with the platform's failure pages.
//
// Thread-safety: handle() and too_large() serialise on mutex_ (the random stream must be drawn in one order, and
// they share one template scope and the formatted Date);
// platforms whose endpoints change at run time (deployments) guard their tables with their own mutex, because
// the server calls owns() from any thread.
#pragma once

#include <cstdint>
#include <limits>
#include <mutex>
#include <string>
#include <vector>

#include "emulators/http_types.hpp"
#include "emulators/lab_config.hpp"
#include "emulators/platforms/platform_profile.hpp"
#include "emulators/platforms/relay.hpp"
#include "telemetry/clock.hpp"
#include "telemetry/random.hpp"

namespace sclab::emulators::platforms {

class platform_handler : public request_handler {
public:
    // The "body_bytes" limit of the profile that answers for `host`.
    std::uint64_t body_limit(const std::string& host, const request& header_only) const override;
    // The "too_large" response of the profile that answers for `host`.
    void too_large(const std::string& host, const request& header_only, response& res) const override;

protected:
    // `code_values`: names the platform's own code sets in its scopes, beyond profile_renderer::standard_values().
    platform_handler(const platform_profile& profile, std::vector<std::string> code_values,
                     telemetry::clock_source& clock, telemetry::seeded_random random);

    // The profile that answers for `host`; platforms with two faces (Workers and Pages, REST and HTTP APIs, Apps
    // Script and its echo host) override it so body_limit() and too_large() speak for the right one.
    virtual const profile_renderer& renderer_for(const std::string& host) const;

    // Sets the platform's own values for `host` in a new scope (e.g. the generic platforms' Server header).
    virtual void add_host_values(const std::string& host, template_scope& scope) const;

    // The platform's one scope, reset to the standard values of this request, add_host_values() and `renderer`'s
    // ids. Call with mutex_ held; the scope is valid until the next call.
    template_scope& new_scope(const profile_renderer& renderer, const std::string& host, const request& req,
                              const connection_info* conn) const;

    // Answers with the profile's "uri_too_long" / "headers_too_large" / "too_large" response when the request is
    // over the profile's url_bytes, header_bytes or body_bytes limit (the server normally refuses an oversized body
    // before handle(); this keeps a direct call honest). True when it answered.
    bool refuse_oversized(const profile_renderer& renderer, const request& req, template_scope& scope,
                          response& res) const;

    // Runs the relay and renders its answer with the "relay" response (the platform must require() it), or the
    // platform's failure page ("function_error", "function_cpu_limit", "function_rate_limit",
    // "function_daily_limit", falling back to "function_error"), or "response_too_large" when the answer is over
    // the profile's "response_bytes" limit.
    void serve_relay(const profile_renderer& renderer, const relay_behaviour& behaviour, const relay_call& call,
                     template_scope& scope, response& res, bool head) const;
    // The response name for a relay answer, as serve_relay() chooses it (platforms that keep the answer for later,
    // such as Apps Script, render it themselves).
    std::string_view response_for(const profile_renderer& renderer, const relay_answer& answer) const;

    telemetry::clock_source& clock_;
    mutable std::mutex mutex_;
    mutable telemetry::seeded_random random_;  // declared before renderer_: the renderer draws its colo from it
    profile_renderer renderer_;

private:
    // Sets ${date} and ${utc_time}, formatted once per second of the clock (mutex_ held).
    void set_times(template_scope& scope) const;

    // Reused by every request (mutex_ held), so its values keep their buffers.
    mutable template_scope scope_{random_, 0};
    // The second date_ and utc_time_ were formatted for (none yet: no clock reads the lowest time_ns).
    mutable telemetry::time_ns times_second_ = std::numeric_limits<telemetry::time_ns>::min();
    mutable std::string date_, utc_time_;
};

// telemetry::append_xml_escaped (for HTML text and attributes), a run at a time: characters no XML escaping
// touches (letters, digits, -._~/:?=%+,;#@) are appended in runs, and only the others go through it one by one.
// Paths and URLs are mostly such runs, and it appends a character at a time.
void append_html_escaped(std::string& out, std::string_view text);

// The path of a request target without its query ("/a/b?x=1" -> "/a/b").
std::string_view target_path(std::string_view target);
// The query of a request target without the '?' ("" when there is none).
std::string_view target_query(std::string_view target);

}  // namespace sclab::emulators::platforms
