// One log file that grows while the emulators run, written by a registered format's writer.
//
// Records are written whole: the writer formats into a private buffer, the record is scrubbed of secrets and
// only then appended to the file's buffer, which is flushed between records (output_file append_records mode).
// A reader tailing the file, or a crash, never sees half a record.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

#include "emulators/log_redaction.hpp"
#include "telemetry/format.hpp"

namespace sclab::emulators {

class live_log {
public:
    enum class framing {
        // Whatever the writer produces, header and footer included (Squid, PAN-OS, Zeek, ECS lines).
        as_written,
        // One JSON record per line: formats whose files wrap records in a document (CloudTrail's
        // {"Records":[...]}, JSON arrays) cannot be appended to and stay valid. Each record is written through a
        // fresh writer and unwrapped; the audit formats' readers accept one record per line.
        json_record_per_line,
    };

    // Opens (appending to) `path`. `scrubber` must outlive the log.
    live_log(const telemetry::format_info& format, std::string path, framing how, const secret_scrubber& scrubber);
    ~live_log();
    live_log(const live_log&) = delete;
    live_log& operator=(const live_log&) = delete;

    // Appends one record; thread-safe. False when the format cannot carry the event or the log is closed.
    // Throws telemetry::input_error when the file cannot be written (disk full).
    bool write(const telemetry::event& e);
    // Makes every complete record visible to readers.
    void flush();
    // Writes the format's footer, flushes and fsyncs. Later writes return false.
    void close();

    const std::string& path() const { return file_.path(); }
    std::uint64_t records() const;
    // Records lost because one alone was larger than the formatting buffer (never expected; reported).
    std::uint64_t oversized_records() const;

private:
    void append_formatted();  // moves the writer's output into the file's buffer; mutex_ held

    static constexpr std::size_t file_flush_bytes = 256 * 1024;
    static constexpr std::size_t scratch_bytes = 4u << 20;

    const telemetry::format_info& format_;
    const framing framing_;
    const secret_scrubber& scrubber_;
    mutable std::mutex mutex_;
    telemetry::output_file file_;
    // Where the writer formats. It points at /dev/null and is never flushed on purpose: only a record larger than
    // scratch_bytes could spill into it, and that loss is counted.
    telemetry::output_file scratch_;
    std::unique_ptr<telemetry::event_writer> writer_;  // as_written only: lives as long as the file
    bool closed_ = false;
    std::uint64_t scratch_spilled_ = 0;  // scratch_.bytes_written() when last checked
    std::uint64_t records_ = 0;
    std::uint64_t oversized_ = 0;
};

}  // namespace sclab::emulators
