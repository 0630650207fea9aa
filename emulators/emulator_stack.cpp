#include "emulators/emulator_stack.hpp"

namespace sclab::emulators {

emulator_stack::emulator_stack(const lab_config& lab, const platforms::platform_profiles& profiles, event_sink& sink,
                               telemetry::clock_source& clock, const telemetry::seeded_random& random,
                               router::warning_sink warn)
    : platforms_(platforms::make_platform_handlers(lab, profiles, clock, random.fork("platforms"))),
      lambda_api_(lab.aws, sink, clock, random.fork("control/aws-lambda")),
      cloudflare_api_(lab.cloudflare, sink, clock, random.fork("control/cloudflare"), platforms_.get()),
      google_admin_(lab.google, sink, clock, random.fork("control/google-admin"), platforms_.get()),
      routes_(std::move(warn)) {
    routes_.add_control_plane(lambda_api_);
    routes_.add_control_plane(cloudflare_api_);
    routes_.add_control_plane(google_admin_);
    for (request_handler* h : platforms_->handlers()) routes_.add_platform(*h);
}

}  // namespace sclab::emulators
