// The network-side logs of the lab: what a proxy, a firewall, Zeek and the platforms' own audit trails would
// have recorded about the traffic the emulators served. An event_sink: the HTTPS server emits one http_request
// event per response and one network_session event per connection; the control planes emit cloud_audit events.
//
// Files in the log directory (appended to across runs; each written by the telemetry registry's writer):
//   access.ecs.jsonl        ECS, one record per request; the only file that carries the X-Sclab-Run id
//   access.squid.log        Squid native access log, one line per request
//   access.leef.log         QRadar LEEF, one event per request (EventID the Squid result code, cat=WebProxy)
//   traffic.panos.csv       PAN-OS TRAFFIC, one line per connection, at its close (real byte counts; rule, zones,
//                           interfaces and Log Action from network_log_options::sensors)
//   conn.log                Zeek conn.log, one line per connection, at its close (history and conn_state from how
//                           the connection ended)
//   audit.ecs.jsonl         ECS, every cloud_audit event with its run id
//   cloudtrail.jsonl        CloudTrail records (provider "aws"), one record per line (see live_log framing)
//   cloudflare-audit.jsonl  Cloudflare audit log records (provider "cloudflare"), one per line
//   gcp-audit.jsonl         Google Cloud audit LogEntries (provider "gcp"), one per line
// A format not registered in this build is skipped and reported by missing_formats().
#pragma once

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "emulators/http_types.hpp"
#include "emulators/lab_config.hpp"
#include "emulators/live_log.hpp"
#include "emulators/log_redaction.hpp"
#include "emulators/record_queue.hpp"
#include "emulators/request_records.hpp"

namespace sclab::emulators {

struct network_log_options {
    std::filesystem::path directory;
    // Every complete record is on disk at most this long after it was written.
    std::chrono::milliseconds flush_interval{250};
    // Strings no log may contain in clear (the lab file's API tokens, secret keys, bearer tokens).
    std::vector<std::string> secrets;
    // Where problems are reported (a format missing, the disk full). Default: standard error.
    std::function<void(const std::string&)> warn;
    // How the lab's sensors are set up (the lab file's "sensors"): the firewall's rule, zones and interfaces in
    // traffic.panos.csv.
    sensor_settings sensors;
};

class network_logs final : public event_sink {
public:
    // Creates the directory and opens every log whose format is registered. Throws telemetry::input_error when
    // the directory or a file cannot be created.
    explicit network_logs(network_log_options options);
    ~network_logs() override;
    network_logs(const network_logs&) = delete;
    network_logs& operator=(const network_logs&) = delete;

    // Thread-safe. Queues the event for the log writer thread and returns; waits only when the writer is a whole
    // queue behind. A write error (disk full) is reported once and the record dropped: the emulators keep serving.
    void emit(telemetry::event e) override;
    // The same for the HTTPS server's records, queued as what the server saw: the writer thread builds the events
    // (access_event, connection_event), so the I/O thread only copies a few strings (exchange_headers).
    void emit_access(const connection_info& conn, const std::string& host, const request& req, const response& res,
                     const exchange_facts& facts) override;
    void emit_connection(const connection_info& conn, const connection_facts& facts) override;
    // Writes every event emitted before the call and makes every complete record visible to readers.
    void flush();
    // Writes what is queued, stops the writer, writes footers, flushes and fsyncs every file. Later events are
    // dropped (counted). Idempotent.
    void close();

    // Formats this build does not have; their files are not written.
    const std::vector<std::string>& missing_formats() const { return missing_formats_; }
    // The path of the file written with `format` for `kind`, or empty when that log is not open.
    std::string path_of(std::string_view format, telemetry::event_kind kind) const;
    std::uint64_t dropped_events() const { return dropped_.load(); }

private:
    struct log_entry;
    // One queued record: an event a control plane built, or the raw material of the server's access and
    // connection records. A slot is reused for record after record (record_queue), so its strings stay allocated.
    struct log_record {
        enum class source : std::uint8_t { event, access, connection };
        source from = source::event;
        telemetry::event event;    // source::event
        connection_info conn;      // access, connection
        std::string host;          // access: the routing host
        exchange_headers headers;  // access
        exchange_facts exchange;   // access
        connection_facts facts;    // connection
    };
    // Queues what `fill` writes into a slot; counts it dropped once the logs are closed.
    template <class Fill>
    void enqueue(Fill&& fill);
    void write_record(log_record& r);  // the writer's until its next take: written in place
    void run_writer();                      // the writer thread: takes queued events, writes, flushes
    void write_event(telemetry::event& e);  // changes e's view fields (copy_view_fields)
    void flush_files();
    void report(const std::string& line);

    // At most this many records wait for the writer (some tens of megabytes at most); a sleeping writer is woken
    // once this many have piled up, otherwise at its flush interval.
    static constexpr std::size_t queue_capacity = 8192;
    static constexpr std::size_t queue_wake_batch = 256;

    network_log_options options_;
    secret_scrubber scrubber_;
    std::vector<std::unique_ptr<log_entry>> logs_;
    std::vector<std::string> missing_formats_;
    std::atomic<std::uint64_t> dropped_{0};
    std::atomic<bool> write_error_reported_{false};

    record_queue<log_record> queue_{queue_capacity, queue_wake_batch};
    telemetry::event original_;  // the writer's: the view fields of the event being written, as built
    std::mutex close_mutex_;
    bool closed_ = false;
    std::thread writer_;
};

}  // namespace sclab::emulators
