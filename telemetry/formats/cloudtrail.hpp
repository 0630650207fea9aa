// AWS CloudTrail records (FIDELITY.md §2 "AWS Lambda"). The format itself is registered as "cloudtrail";
// this header only exposes the reader with a chosen read-buffer size, so tests can force records to
// straddle buffer refills.
#pragma once

#include <memory>
#include <string>

#include "telemetry/format.hpp"

namespace sclab::telemetry {

std::unique_ptr<event_reader> open_cloudtrail_reader(const std::string& path, const read_options& options,
                                                     std::size_t buffer_bytes);

}  // namespace sclab::telemetry
