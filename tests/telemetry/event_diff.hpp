// Field-by-field comparison of events for readable test failures.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "telemetry/event.hpp"

namespace sclab::telemetry::testing {

// Every field of the model as (dotted name, text), in a fixed order.
std::vector<std::pair<std::string, std::string>> flatten(const event& e);
// "" when equal, else one line per differing field: "name: expected <a>, got <b>".
std::string diff_events(const event& expected, const event& actual);

}  // namespace sclab::telemetry::testing

namespace sclab::telemetry {
void PrintTo(const event& e, std::ostream* os);
}
