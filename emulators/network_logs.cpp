#include "emulators/network_logs.hpp"

#include <algorithm>
#include <cstdio>

#include "emulators/thread_name.hpp"
#include "telemetry/input_error.hpp"
#include "telemetry/random.hpp"

namespace sclab::emulators {

namespace {

using telemetry::event;
using telemetry::event_kind;

// How a sensor would have recorded what the server saw: the vendor's own values for the fields the generic event
// leaves open, and what the lab file says of the sensor's setup. (The HTTPS server knows requests and
// connections, not which sensor watches them.)
using sensor_view = void (*)(event&, const sensor_settings&);

// Squid logs a request when it completes (%ts is the log time, %tr the time it took), and one it forwarded to
// the origin (decrypted by ssl-bump, as these are) as TCP_MISS. *Unverified* for every Squid setup: a cache hit
// would be TCP_HIT, but the emulators' answers are never cacheable.
void as_squid(event& e, const sensor_settings&) {
    if (e.network.duration) e.time += *e.network.duration;
    if (e.network.action.empty()) e.network.action = "TCP_MISS";
}

// A proxy's LEEF feed keeps the proxy's result code as EventID, with the category QRadar's proxy DSMs give a web
// request: IBM's Blue Coat SG DSM maps every event to Event ID = the result code (TCP_DENIED ...) and Event
// Category "WebProxy" (QRadar DSM guide, "Blue Coat SG sample event messages"), and a LEEF event's EventID and cat
// are the two columns of QRadar's QID map (LEEF guide, "Predefined LEEF event attributes", cat). *Unverified*
// that a Squid feed sent as LEEF carries this cat: no DSM documents one (QRadar's Squid DSM reads Squid's native
// syslog lines). Both strings fit the small-string buffer and the scratch event's extras keep their capacity:
// no allocation per record.
void as_leef(event& e, const sensor_settings&) {
    if (e.network.action.empty()) e.network.action = "TCP_MISS";
    if (e.extra_value("cat").empty()) e.set_extra("cat", "WebProxy");
}

// PAN-OS writes a TRAFFIC "end" log when the session ends: Generated Time is the end, Start Time = end - Elapsed.
// Rule, zones, interfaces and Log Action come from the firewall's configuration (the lab file's sensors.firewall),
// under the PAN-OS syslog field names telemetry/formats/panos_traffic.cpp reads them by; a value the event
// already has is kept.
void as_panos(event& e, const sensor_settings& sensors) {
    if (e.network.duration) e.time += *e.network.duration;
    if (e.network.action.empty()) e.network.action = "allow";
    if (e.extra_value("session_end_reason").empty()) e.set_extra("session_end_reason", "tcp-fin");
    const firewall_sensor& fw = sensors.firewall;
    using field = std::pair<std::string_view, std::string_view>;
    for (const auto& [key, value] : {field{"rule", fw.rule}, field{"from", fw.from_zone}, field{"to", fw.to_zone},
                                     field{"inbound_if", fw.inbound_interface},
                                     field{"outbound_if", fw.outbound_interface},
                                     field{"logset", fw.log_forwarding_profile}})
        if (e.extra_value(key).empty()) e.set_extra(std::string(key), std::string(value));
}

// Zeek: conn_state from how the connection ended (Conn::Info in base/protocols/conn/main.zeek,
// https://docs.zeek.org/en/current/scripts/base/protocols/conn/main.zeek.html): RSTR "responder sent a RST" for
// a connection the server reset (refused at the connection cap), RSTO "connection established, originator
// aborted (sent a RST)" for a client's reset, otherwise SF "normal establishment and termination": both sides
// closed with FIN. (The server closes without waiting for the client's FIN; every HTTP client answers one with
// its own, so SF rather than S3 "close attempt by responder seen, no reply from originator".) The history
// letters come with the event (connection_event). A uid in Zeek's shape, "C" and 17 base62 characters, derived
// from the connection.
void as_zeek(event& e, const sensor_settings&) {
    if (e.network.action.empty()) {
        const std::string_view end_reason = e.extra_value("session_end_reason");
        e.network.action = end_reason == "tcp-rst-from-server"   ? "RSTR"
                           : end_reason == "tcp-rst-from-client" ? "RSTO"
                                                                 : "SF";
    }
    static constexpr char base62[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    std::uint64_t a = telemetry::stable_hash(std::to_string(e.time) + "/" + e.network.session_id);
    std::uint64_t b = telemetry::stable_hash(e.network.session_id + "/" + std::to_string(e.time));
    std::string uid = "C";
    for (int i = 0; i < 17; ++i) {
        std::uint64_t& word = i < 9 ? a : b;
        uid.push_back(base62[word % 62]);
        word /= 62;
    }
    e.network.session_id = std::move(uid);
}

// Copies every field a view above (or write_event, leaving the run id out) may change: the writer keeps these of
// the event as built, writes the logs that change them into the event itself, and puts them back between two such
// logs (an event is ninety strings; this is five). A view that writes another field must copy it here too.
void copy_view_fields(event& to, const event& from) {
    to.time = from.time;
    to.run_id = from.run_id;
    to.network.action = from.network.action;
    to.network.session_id = from.network.session_id;
    to.extra = from.extra;
}

struct log_layout {
    std::string_view format;
    std::string_view file;
    event_kind kind;
    std::string_view provider;  // cloud_audit only: the provider whose records go here; empty: all
    bool keeps_run_id;          // only the ECS files carry X-Sclab-Run (scoring joins on it; no sensor sees it)
    live_log::framing framing;
    sensor_view view;           // nullptr: the event as the server emitted it
};

constexpr live_log::framing as_written = live_log::framing::as_written;
constexpr live_log::framing per_line = live_log::framing::json_record_per_line;

constexpr log_layout layouts[] = {
    {"ecs-json", "access.ecs.jsonl", event_kind::http_request, "", true, as_written, nullptr},
    {"squid", "access.squid.log", event_kind::http_request, "", false, as_written, as_squid},
    {"leef", "access.leef.log", event_kind::http_request, "", false, as_written, as_leef},
    {"panos-traffic", "traffic.panos.csv", event_kind::network_session, "", false, as_written, as_panos},
    {"zeek-conn", "conn.log", event_kind::network_session, "", false, as_written, as_zeek},
    {"ecs-json", "audit.ecs.jsonl", event_kind::cloud_audit, "", true, as_written, nullptr},
    {"cloudtrail", "cloudtrail.jsonl", event_kind::cloud_audit, "aws", false, per_line, nullptr},
    {"cloudflare-audit", "cloudflare-audit.jsonl", event_kind::cloud_audit, "cloudflare", false, per_line, nullptr},
    {"gcp-audit", "gcp-audit.jsonl", event_kind::cloud_audit, "gcp", false, per_line, nullptr},
};

}  // namespace

struct network_logs::log_entry {
    const log_layout& layout;
    live_log log;
};

network_logs::network_logs(network_log_options options)
    : options_(std::move(options)), scrubber_(options_.secrets) {
    if (!options_.warn)
        options_.warn = [](const std::string& line) { std::fprintf(stderr, "sclab emulate: %s\n", line.c_str()); };
    std::error_code ec;
    std::filesystem::create_directories(options_.directory, ec);
    if (ec) throw telemetry::input_error(options_.directory.string(), 0, "cannot create the log directory: " + ec.message());

    for (const log_layout& layout : layouts) {
        const telemetry::format_info* format = telemetry::find_format(layout.format);
        if (format == nullptr || !format->carries(layout.kind)) {
            std::string name(layout.format);
            if (std::find(missing_formats_.begin(), missing_formats_.end(), name) == missing_formats_.end())
                missing_formats_.push_back(name);
            continue;
        }
        std::string path = (options_.directory / layout.file).string();
        logs_.push_back(std::unique_ptr<log_entry>(new log_entry{layout, live_log(*format, path, layout.framing, scrubber_)}));
    }
    if (!missing_formats_.empty()) {
        std::string names;
        for (const auto& n : missing_formats_) names += (names.empty() ? "" : ", ") + n;
        report("this build has no writer for " + names + "; those logs are not written");
    }
    writer_ = std::thread([this] {
        name_this_thread("sclab-logs");
        run_writer();
    });
}

network_logs::~network_logs() {
    try {
        close();
    } catch (...) {
    }
}

template <class Fill>
void network_logs::enqueue(Fill&& fill) {
    if (!queue_.push(std::forward<Fill>(fill))) dropped_.fetch_add(1);  // closed
}

void network_logs::emit(event e) {
    enqueue([&](log_record& slot) {
        slot.from = log_record::source::event;
        slot.event = std::move(e);
    });
}

void network_logs::emit_access(const connection_info& conn, const std::string& host, const request& req,
                               const response& res, const exchange_facts& facts) {
    enqueue([&](log_record& slot) {
        slot.from = log_record::source::access;
        slot.conn = conn;
        slot.host = host;
        slot.headers.copy_from(req, res);
        slot.exchange = facts;
    });
}

void network_logs::emit_connection(const connection_info& conn, const connection_facts& facts) {
    enqueue([&](log_record& slot) {
        slot.from = log_record::source::connection;
        slot.conn = conn;
        slot.facts = facts;
    });
}

void network_logs::run_writer() {
    auto next_flush = std::chrono::steady_clock::now() + options_.flush_interval;
    for (;;) {
        const auto now = std::chrono::steady_clock::now();
        const auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(std::max(next_flush - now, std::chrono::steady_clock::duration::zero()));
        const auto batch = queue_.take(wait);
        for (log_record& r : batch) write_record(r);
        if (std::chrono::steady_clock::now() >= next_flush) {
            flush_files();
            next_flush = std::chrono::steady_clock::now() + options_.flush_interval;
        }
        queue_.written(batch.size());
        if (batch.empty() && queue_.closed()) return;  // closed and drained
    }
}

void network_logs::write_record(log_record& r) {
    try {
        switch (r.from) {
        case log_record::source::event: return write_event(r.event);
        case log_record::source::access: {
            event e = access_event(r.conn, r.host, r.headers, r.exchange);
            return write_event(e);
        }
        case log_record::source::connection: {
            event e = connection_event(r.conn, r.facts);
            return write_event(e);
        }
        }
    } catch (const std::exception& ex) {  // out of memory building the event: the writer must go on
        dropped_.fetch_add(1);
        if (!write_error_reported_.exchange(true))
            report(std::string("cannot build a log record (further errors are counted, not shown): ") + ex.what());
    }
}

void network_logs::write_event(event& e) {
    // A log that changes something (a sensor view, the run id left out) is written from `e` changed in place;
    // the fields it changes are kept in original_ and put back before the next log.
    bool saved = false;    // original_ holds e's view fields as built
    bool changed = false;  // e's view fields differ from original_
    for (auto& entry : logs_) {
        const log_layout& layout = entry->layout;
        if (layout.kind != e.kind) continue;
        if (!layout.provider.empty() && layout.provider != e.cloud.provider) continue;
        if (changed) {
            copy_view_fields(e, original_);
            changed = false;
        }
        if (layout.view != nullptr || (!layout.keeps_run_id && !e.run_id.empty())) {
            if (!saved) copy_view_fields(original_, e);
            saved = changed = true;
            if (!layout.keeps_run_id) e.run_id.clear();
            if (layout.view != nullptr) layout.view(e, options_.sensors);
        }
        try {
            entry->log.write(e);
        } catch (const std::exception& ex) {
            dropped_.fetch_add(1);
            if (!write_error_reported_.exchange(true))
                report(std::string("cannot write a log record (further errors are counted, not shown): ") + ex.what());
        }
    }
}

void network_logs::flush() {
    queue_.wait_until_written();
    flush_files();
}

void network_logs::flush_files() {
    for (auto& entry : logs_) {
        try {
            entry->log.flush();
        } catch (const std::exception& ex) {
            if (!write_error_reported_.exchange(true)) report(std::string("cannot flush a log: ") + ex.what());
        }
    }
}

void network_logs::close() {
    {
        std::lock_guard lock(close_mutex_);
        if (closed_) return;
        closed_ = true;
    }
    queue_.close();
    if (writer_.joinable()) writer_.join();
    std::string first_error;
    for (auto& entry : logs_) {
        try {
            entry->log.close();
        } catch (const std::exception& ex) {
            if (first_error.empty()) first_error = ex.what();
        }
    }
    if (!first_error.empty()) throw std::runtime_error("closing the network logs: " + first_error);
}

std::string network_logs::path_of(std::string_view format, telemetry::event_kind kind) const {
    for (const auto& entry : logs_)
        if (entry->layout.format == format && entry->layout.kind == kind) return entry->log.path();
    return {};
}

void network_logs::report(const std::string& line) { options_.warn(line); }

}  // namespace sclab::emulators
