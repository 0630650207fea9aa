// Random events of every kind from a fixed seed, with every field the model has filled, for round trips.
#pragma once

#include "telemetry/event.hpp"
#include "telemetry/random.hpp"

namespace sclab::telemetry::testing {

enum class text_style {
    plain,  // letters, digits and "-_." only: every format carries these unescaped
    rich,   // adds spaces, quotes, <>&, '=', '|', ',', ';', '\\', '/', tabs and non-ASCII UTF-8: tests escaping
};

struct random_event_options {
    text_style style = text_style::plain;
    bool with_extras = false;  // add vendor extras (only formats that carry any key, like ECS, keep them)
};

event random_event(event_kind kind, seeded_random& rng, const random_event_options& options = {});
std::string random_text(seeded_random& rng, text_style style, std::size_t min_len = 1, std::size_t max_len = 24);

}  // namespace sclab::telemetry::testing
