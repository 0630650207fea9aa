// The truth record: what really happened in a run, written by the runner and the generator next to the
// telemetry (truth.jsonl). Only scoring reads it; detectors never do, exactly as a SIEM never knows.
#pragma once

#include <memory>
#include <string>

#include "telemetry/event.hpp"
#include "telemetry/format.hpp"

namespace sclab::telemetry {

enum class truth_label : std::uint8_t { malicious, benign };

struct truth_record {
    std::string run_id;
    std::string technique;     // "T1583.007"; empty for benign corpora
    std::string atomic_test;   // catalog id of the atomic test, e.g. "T1583.007-1"; empty for benign
    std::string scenario;      // the scenario or benign profile that produced the activity
    truth_label label = truth_label::benign;
    std::string corpus;        // the corpus the record belongs to ("atomic", "fp-devtools", ...)
    // Entity keys scoring joins alerts on; empty means "any".
    std::string host, user, process_image, destination_host;
    time_ns start = 0, end = 0;  // inclusive span of the activity

    bool operator==(const truth_record&) const = default;
};

void append_truth_json(std::string& out, const truth_record& r);  // one line, with "\n"
truth_record parse_truth_json(std::string_view line);              // throws record_error

class truth_writer {
public:
    explicit truth_writer(output_file& out) : out_(out) {}
    void write(const truth_record& r);

private:
    output_file& out_;
};

class truth_reader {
public:
    truth_reader(std::string path, const read_options& options);
    bool next(truth_record& out);
    const problem_log& problems() const { return problems_; }

private:
    line_source source_;
    problem_log problems_;
};

}  // namespace sclab::telemetry
