#include "telemetry/clock.hpp"

#include <chrono>
#include <thread>

namespace sclab::telemetry {

time_ns wall_clock::now() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

void wall_clock::sleep_until(time_ns t) {
    for (time_ns n = now(); n < t; n = now()) std::this_thread::sleep_for(std::chrono::nanoseconds(t - n));
}

}  // namespace sclab::telemetry
