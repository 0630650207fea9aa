// Where writers put their bytes. Two disciplines, so no reader ever takes a cut file for a whole one:
//  - atomic: bytes go to "<path>.partial-<pid>"; commit() renames it over <path>. An interrupted run leaves
//    only the .partial file (or nothing: the destructor removes it), never a <path> that reads as complete.
//    A path that is a device or a pipe (/dev/null, a FIFO) is written in place instead.
//  - append_records: for long-running logs (the emulators). The file grows in place; the buffer is only
//    flushed between records, so a reader tailing it never sees half a record.
// Writers append a whole record to buffer(), then call record_done().
#pragma once

#include <string>
#include <string_view>

namespace sclab::telemetry {

class output_file {
public:
    enum class mode { atomic, append_records };

    // path "-" writes standard output (neither atomic nor removable; the CLI says so in --help).
    explicit output_file(std::string path, mode m = mode::atomic, std::size_t flush_bytes = 1u << 20);
    ~output_file();
    output_file(const output_file&) = delete;
    output_file& operator=(const output_file&) = delete;

    std::string& buffer() { return buffer_; }
    void append(std::string_view bytes) { buffer_.append(bytes); }
    // Call after each complete record: flushes when the buffer is full.
    void record_done() {
        if (buffer_.size() >= flush_bytes_) flush();
    }
    // Writes the buffer out now (append_records: makes every complete record visible to readers).
    void flush();
    // Flushes, fsyncs and (atomic) renames into place. Afterwards nothing more may be written.
    void commit();

    const std::string& path() const { return path_; }
    std::uint64_t bytes_written() const { return bytes_written_; }

private:
    std::string path_, temp_path_;
    mode mode_;
    int fd_ = -1;
    bool owns_fd_ = false;
    bool committed_ = false;
    std::size_t flush_bytes_;
    std::string buffer_;
    std::uint64_t bytes_written_ = 0;
};

}  // namespace sclab::telemetry
