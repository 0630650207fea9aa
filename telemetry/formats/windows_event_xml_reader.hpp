// The reader every Windows-event format (sysmon-xml, powershell-4104) uses: events come from the
// event_splitter, whatever the file's line layout, and each goes to the format's parser whole. Strict and
// lenient handling as in line_event_reader; every problem names the line its event starts on.
#pragma once

#include <memory>
#include <string>

#include "telemetry/format.hpp"
#include "telemetry/formats/windows_event_xml_splitter.hpp"

namespace sclab::telemetry::windows_event {

// `parser` gets one complete <Event>...</Event> per call (possibly spanning lines); it is a line_parser only
// because that interface already says what is needed (parse one record, throw record_error when malformed).
class event_xml_reader final : public event_reader {
public:
    event_xml_reader(std::string path, const read_options& options, std::unique_ptr<line_parser> parser,
                     std::size_t buffer_bytes = event_splitter::default_buffer_bytes);
    bool next(event& out) override;
    const problem_log& problems() const override { return problems_; }

private:
    event_splitter splitter_;
    problem_log problems_;
    std::unique_ptr<line_parser> parser_;
};

}  // namespace sclab::telemetry::windows_event
