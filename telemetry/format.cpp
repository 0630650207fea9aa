#include "telemetry/format.hpp"

namespace sclab::telemetry {

void problem_log::report(const std::string& file, std::uint64_t line, std::string reason) {
    if (options_.strict) throw input_error(file, line, std::move(reason));
    ++skipped_;
    if (kept_.size() < options_.problems_kept) kept_.emplace_back(file, line, std::move(reason));
}

line_event_reader::line_event_reader(std::string path, const read_options& options,
                                     std::unique_ptr<line_parser> parser)
    : source_(std::move(path)), problems_(options), parser_(std::move(parser)) {}

bool line_event_reader::next(event& out) {
    std::string_view line;
    while (source_.next(line)) {
        if (source_.last_line_unterminated()) {
            problems_.report(source_.name(), source_.line_number(),
                             "truncated last line (no newline at end of file): the writer was cut off");
            continue;
        }
        out = event{};
        try {
            if (parser_->parse(line, out)) return true;
        } catch (const record_error& e) {
            problems_.report(source_.name(), source_.line_number(), e.what());
        }
    }
    if (!finished_) {
        finished_ = true;
        try {
            parser_->finish();
        } catch (const record_error& e) {
            problems_.report(source_.name(), source_.line_number(), e.what());
        }
    }
    return false;
}

}  // namespace sclab::telemetry
