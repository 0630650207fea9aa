// Every handler of a lab, assembled in routing order: the three control planes (which route on any Host),
// then the platforms. `sclab emulate` serves it; the routing fuzzer drives it without a socket.
#pragma once

#include <memory>

#include "emulators/control/aws_lambda_api.hpp"
#include "emulators/control/cloudflare_api.hpp"
#include "emulators/control/google_admin.hpp"
#include "emulators/http_types.hpp"
#include "emulators/lab_config.hpp"
#include "emulators/platforms/platform_factory.hpp"
#include "emulators/platforms/platform_profile.hpp"
#include "emulators/router.hpp"
#include "telemetry/clock.hpp"
#include "telemetry/random.hpp"

namespace sclab::emulators {

class emulator_stack {
public:
    // `lab`, `profiles`, `sink` and `clock` must outlive the stack. Each part draws ids from its own fork of
    // `random`, so the same seed gives the same ids whatever else is added.
    emulator_stack(const lab_config& lab, const platforms::platform_profiles& profiles, event_sink& sink,
                   telemetry::clock_source& clock, const telemetry::seeded_random& random,
                   router::warning_sink warn = {});

    emulators::router& routes() { return routes_; }

private:
    std::unique_ptr<platforms::platform_set> platforms_;
    control::aws_lambda_api lambda_api_;
    control::cloudflare_api cloudflare_api_;
    control::google_admin google_admin_;
    emulators::router routes_;
};

}  // namespace sclab::emulators
