#include "telemetry/truth.hpp"

#include "telemetry/json_text.hpp"
#include "telemetry/time_format.hpp"

namespace sclab::telemetry {

void append_truth_json(std::string& out, const truth_record& r) {
    json_writer w(out);
    w.begin_object()
        .field("run_id", r.run_id)
        .field("label", r.label == truth_label::malicious ? "malicious" : "benign")
        .field("technique", r.technique)
        .field("atomic_test", r.atomic_test)
        .field("scenario", r.scenario)
        .field("corpus", r.corpus);
    w.key("entity").begin_object();
    w.field("host", r.host).field("user", r.user).field("process_image", r.process_image);
    w.field("destination_host", r.destination_host).end_object();
    std::string t;
    append_iso8601(t, r.start, 9);
    w.field("start", t);
    t.clear();
    append_iso8601(t, r.end, 9);
    w.field("end", t).end_object();
    out.push_back('\n');
}

namespace {
time_ns required_time(const nlohmann::json& j, std::string_view key) {
    std::string s = json_get_string(j, key);
    time_ns t = 0;
    if (s.empty()) throw record_error("missing \"" + std::string(key) + "\"");
    if (!parse_iso8601(s, t)) throw record_error("\"" + std::string(key) + "\" is not an ISO 8601 UTC time: " + s);
    return t;
}
}  // namespace

truth_record parse_truth_json(std::string_view line) {
    nlohmann::json j = parse_json_record(line);
    if (!j.is_object()) throw record_error("a truth record is a JSON object");
    truth_record r;
    r.run_id = json_get_string(j, "run_id");
    if (r.run_id.empty()) throw record_error("missing \"run_id\"");
    std::string label = json_get_string(j, "label");
    if (label == "malicious") r.label = truth_label::malicious;
    else if (label == "benign") r.label = truth_label::benign;
    else throw record_error("\"label\" must be \"malicious\" or \"benign\", not \"" + label + "\"");
    r.technique = json_get_string(j, "technique");
    r.atomic_test = json_get_string(j, "atomic_test");
    r.scenario = json_get_string(j, "scenario");
    r.corpus = json_get_string(j, "corpus");
    if (const nlohmann::json* e = json_member(j, "entity")) {
        r.host = json_get_string(*e, "host");
        r.user = json_get_string(*e, "user");
        r.process_image = json_get_string(*e, "process_image");
        r.destination_host = json_get_string(*e, "destination_host");
    }
    r.start = required_time(j, "start");
    r.end = required_time(j, "end");
    if (r.end < r.start) throw record_error("\"end\" is before \"start\"");
    return r;
}

void truth_writer::write(const truth_record& r) {
    append_truth_json(out_.buffer(), r);
    out_.record_done();
}

truth_reader::truth_reader(std::string path, const read_options& options)
    : source_(std::move(path)), problems_(options) {}

bool truth_reader::next(truth_record& out) {
    std::string_view line;
    while (source_.next(line)) {
        if (source_.last_line_unterminated()) {
            problems_.report(source_.name(), source_.line_number(), "truncated last line (no newline at end of file)");
            continue;
        }
        if (line.empty()) continue;
        try {
            out = parse_truth_json(line);
            return true;
        } catch (const record_error& e) {
            problems_.report(source_.name(), source_.line_number(), e.what());
        }
    }
    return false;
}

}  // namespace sclab::telemetry
