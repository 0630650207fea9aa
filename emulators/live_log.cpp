#include "emulators/live_log.hpp"

#include <nlohmann/json.hpp>

namespace sclab::emulators {

namespace {

// Compact JSON of every record in `text`: the elements of a {"<key>":[...]} wrapper or of a top-level array, or
// the one object. Member order is kept (ordered_json), so records read as the writer wrote them.
void append_json_records_as_lines(std::string& out, const std::string& text) {
    using nlohmann::ordered_json;
    ordered_json doc = ordered_json::parse(text, nullptr, false);
    if (doc.is_discarded()) {
        // Not JSON after all: keep the bytes, one line, rather than lose the record.
        for (char c : text) out.push_back(c == '\n' || c == '\r' ? ' ' : c);
        out.push_back('\n');
        return;
    }
    const ordered_json* records = &doc;
    if (doc.is_object() && doc.size() == 1 && doc.begin().value().is_array()) records = &doc.begin().value();
    if (records->is_array()) {
        for (const auto& r : *records) {
            out += r.dump();
            out.push_back('\n');
        }
    } else {
        out += records->dump();
        out.push_back('\n');
    }
}

}  // namespace

live_log::live_log(const telemetry::format_info& format, std::string path, framing how,
                   const secret_scrubber& scrubber)
    : format_(format),
      framing_(how),
      scrubber_(scrubber),
      file_(std::move(path), telemetry::output_file::mode::append_records, file_flush_bytes),
      scratch_("/dev/null", telemetry::output_file::mode::append_records, scratch_bytes) {
    if (framing_ == framing::as_written) {
        writer_ = format_.open_writer(scratch_);
        std::lock_guard lock(mutex_);
        append_formatted();  // a header, for formats that have one
    }
}

live_log::~live_log() {
    try {
        close();
    } catch (...) {
        // Destructors must not throw; close() explicitly to see write errors.
    }
}

void live_log::append_formatted() {
    std::string& formatted = scratch_.buffer();
    if (scratch_.bytes_written() != scratch_spilled_) {
        // Part of the record went to /dev/null: what is left is a fragment, and fragments are never written.
        scratch_spilled_ = scratch_.bytes_written();
        ++oversized_;
        formatted.clear();
        return;
    }
    if (formatted.empty()) return;
    std::string& out = file_.buffer();
    const std::size_t from = out.size();
    if (framing_ == framing::json_record_per_line) append_json_records_as_lines(out, formatted);
    else out += formatted;
    formatted.clear();
    scrubber_.scrub(out, from);
    file_.record_done();
}

bool live_log::write(const telemetry::event& e) {
    if (!format_.carries(e.kind)) return false;
    std::lock_guard lock(mutex_);
    if (closed_) return false;
    bool written = false;
    if (framing_ == framing::as_written) {
        written = writer_->write(e);
    } else {
        auto writer = format_.open_writer(scratch_);
        written = writer->write(e);
        writer->finish();
    }
    const std::uint64_t spilled_before = oversized_;
    append_formatted();
    if (written && oversized_ == spilled_before) ++records_;
    return written;
}

void live_log::flush() {
    std::lock_guard lock(mutex_);
    if (!closed_) file_.flush();
}

void live_log::close() {
    std::lock_guard lock(mutex_);
    if (closed_) return;
    closed_ = true;
    if (writer_) {
        writer_->finish();
        append_formatted();
        writer_.reset();
    }
    file_.commit();
}

std::uint64_t live_log::records() const {
    std::lock_guard lock(mutex_);
    return records_;
}

std::uint64_t live_log::oversized_records() const {
    std::lock_guard lock(mutex_);
    return oversized_;
}

}  // namespace sclab::emulators
