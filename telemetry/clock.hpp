// Time is injected: live runs use the wall clock, fast and synthetic runs a virtual clock that jumps
// instead of sleeping, so a day of beacons takes a second and the same seed gives the same timestamps.
#pragma once

#include "telemetry/event.hpp"

namespace sclab::telemetry {

class clock_source {
public:
    virtual ~clock_source() = default;
    virtual time_ns now() = 0;
    // Returns once now() >= t.
    virtual void sleep_until(time_ns t) = 0;
};

class wall_clock final : public clock_source {
public:
    time_ns now() override;
    void sleep_until(time_ns t) override;
};

class virtual_clock final : public clock_source {
public:
    explicit virtual_clock(time_ns start) : now_(start) {}
    time_ns now() override { return now_; }
    void sleep_until(time_ns t) override {
        if (t > now_) now_ = t;
    }
    void advance(time_ns by) { now_ += by; }

private:
    time_ns now_;
};

}  // namespace sclab::telemetry
