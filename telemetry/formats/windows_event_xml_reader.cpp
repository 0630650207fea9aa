#include "telemetry/formats/windows_event_xml_reader.hpp"

namespace sclab::telemetry::windows_event {

event_xml_reader::event_xml_reader(std::string path, const read_options& options,
                                   std::unique_ptr<line_parser> parser, std::size_t buffer_bytes)
    : splitter_(std::move(path), buffer_bytes), problems_(options), parser_(std::move(parser)) {}

bool event_xml_reader::next(event& out) {
    std::string_view text;
    while (splitter_.next(text, problems_)) {
        out = event{};
        try {
            if (parser_->parse(text, out)) return true;
        } catch (const record_error& e) {
            if (!splitter_.resplit_after_parse_failure(problems_))
                problems_.report(splitter_.name(), splitter_.event_line(), e.what());
        }
    }
    return false;
}

}  // namespace sclab::telemetry::windows_event
