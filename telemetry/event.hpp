// The event model: the one vocabulary every stage of sclab speaks.
//
// An event is what one sensor recorded once: a process start, a connection, a DNS answer, a file write, a
// PowerShell script block, a proxy or firewall session, a request an emulator served, a cloud audit record.
// It is a flat value type so that writers and readers run at millions of events a second without
// allocation-heavy trees. Fields a kind does not use stay empty. Vendor-only fields that no detector needs
// (Sysmon's EventRecordID, Defender's ReportId, a PAN-OS serial) travel in `extra` under the vendor's own
// field name, so a round trip through that vendor's format keeps them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sclab::telemetry {

// Nanoseconds since the Unix epoch, UTC. Covers 1678..2262, and every format's precision (Sysmon: 100 ns).
using time_ns = std::int64_t;

enum class event_kind : std::uint8_t {
    process_creation,    // Sysmon EID 1, DeviceProcessEvents
    network_connection,  // Sysmon EID 3, DeviceNetworkEvents: an endpoint sensor saw a socket
    dns_query,           // Sysmon EID 22, DeviceEvents DnsQueryResponse
    file_creation,       // Sysmon EID 11
    script_block,        // PowerShell 4104
    network_session,     // a proxy, firewall or flow sensor saw a session (Squid, PAN-OS, LEEF, Zeek)
    http_request,        // a server (an emulator) answered a request
    cloud_audit,         // CloudTrail, Cloudflare audit log, Google Cloud audit log
};
inline constexpr int event_kind_count = 8;

std::string_view to_string(event_kind kind);
// Parses the names to_string gives; returns false for anything else.
bool parse_event_kind(std::string_view text, event_kind& out);

// A process as another event refers to it (the parent of a new process, the initiator of a connection).
struct process_ref {
    std::string guid;          // Sysmon ProcessGuid, "{xxxxxxxx-...}"
    std::uint64_t pid = 0;
    std::string image;         // full path, e.g. C:\Windows\System32\curl.exe
    std::string command_line;
    std::string user;          // DOMAIN\name
    time_ns creation_time = 0; // 0 when the sensor does not say

    bool operator==(const process_ref&) const = default;
};

// The acting process with everything endpoint sensors record about it.
struct process_info : process_ref {
    std::string current_directory;
    std::string integrity_level;  // Low, Medium, High, System
    std::string sha1, md5, sha256, imphash;
    std::string file_version, description, product, company, original_file_name;
    std::string logon_guid, logon_id;
    std::optional<std::uint32_t> terminal_session_id;
    std::optional<std::uint64_t> file_size;

    bool operator==(const process_info&) const = default;
};

struct endpoint {
    std::string ip;
    std::uint16_t port = 0;
    std::string hostname;   // what the sensor associates with the address: for Sysmon EID 3 a PTR name or "-"
    std::string port_name;  // Sysmon SourcePortName / DestinationPortName, e.g. "https"

    bool operator==(const endpoint&) const = default;
};

struct network_info {
    std::string transport;   // "tcp", "udp"
    std::string protocol;    // application protocol when known: "https", "http", "ssl", "dns"
    std::string direction;   // "outbound", "inbound"
    std::string action;      // what the sensor says happened: ConnectionSuccess, allow, TCP_TUNNEL, S0 ...
    endpoint source, destination;
    std::string server_name; // TLS SNI or HTTP Host the client asked for
    // Byte and packet counts from the initiator's point of view. Absent when the sensor does not count
    // (Defender, Sysmon): absent is not zero.
    std::optional<std::uint64_t> bytes_sent, bytes_received;
    std::optional<std::uint64_t> packets_sent, packets_received;
    std::optional<time_ns> duration;
    std::string session_id;  // Zeek uid, PAN-OS Session ID

    bool operator==(const network_info&) const = default;
};

struct http_info {
    std::string method;
    std::string url;          // full URL as the sensor logged it (Squid %ru, Defender RemoteUrl, LEEF url)
    std::uint16_t status = 0; // 0 when not logged
    std::string user_agent;
    std::string content_type; // response MIME type
    std::string request_id;   // platform request id the server answered with (x-amzn-RequestId, CF-RAY ...)

    bool operator==(const http_info&) const = default;
};

struct dns_info {
    std::string query_name;
    std::string query_type;    // "A", "AAAA", "CNAME" ... when the sensor records it
    std::string query_status;  // Sysmon QueryStatus: "0" is success
    std::string query_results; // Sysmon QueryResults, e.g. "type:  5 a.example;::ffff:1.2.3.4;"

    bool operator==(const dns_info&) const = default;
};

struct file_info {
    std::string target_filename;
    time_ns creation_time = 0;

    bool operator==(const file_info&) const = default;
};

struct script_block_info {
    std::string text;
    std::string id;            // ScriptBlockId GUID
    std::uint32_t message_number = 0;
    std::uint32_t message_total = 0;
    std::string path;

    bool operator==(const script_block_info&) const = default;
};

struct cloud_audit_info {
    std::string provider;        // "aws", "cloudflare", "gcp"
    std::string service;         // eventSource, serviceName (Cloudflare: empty)
    std::string action;          // eventName, ActionType, methodName
    bool success = true;
    std::string error_code, error_message;
    std::string actor_type;      // IAMUser, user, ...
    std::string actor_id;        // principalId, ActorID
    std::string actor_name;      // ARN or email
    std::string access_key_id;
    std::string actor_account;   // userIdentity.accountId
    std::string source_ip;
    std::string user_agent;
    std::string region;
    std::string account_id;      // recipientAccountId, OwnerID, project id
    std::string resource_type, resource_id, resource_name;
    std::string request_id, event_id;
    std::string interface_name;  // Cloudflare Interface: "API", "UI"
    std::string category;        // CloudTrail eventCategory; Google log: "activity", "data_access"
    std::string severity;        // Google LogEntry severity
    std::optional<bool> read_only, management_event;
    // Provider-specific JSON, kept as compact JSON text so every provider's shape survives.
    std::string request_parameters, response_elements, metadata, old_value, new_value;

    bool operator==(const cloud_audit_info&) const = default;
};

struct event {
    event_kind kind = event_kind::process_creation;
    time_ns time = 0;
    std::string host;        // Sysmon Computer, DeviceName; for network sensors the observer when known
    std::string user;        // the acting user: Sysmon User, proxy %un, PAN-OS source user
    std::string record_id;   // the sensor's own record number or id (EventRecordID, ReportId)
    std::string run_id;      // X-Sclab-Run of the request that caused it; only ECS carries it (scoring joins on it)

    process_info process;
    process_ref parent;
    network_info network;
    http_info http;
    dns_info dns;
    file_info file;
    script_block_info script;
    cloud_audit_info cloud;

    // Vendor fields with no place above, in the vendor's spelling, in order of first appearance.
    std::vector<std::pair<std::string, std::string>> extra;

    bool operator==(const event&) const = default;

    // The value of an extra field, or empty.
    std::string_view extra_value(std::string_view key) const;
    void set_extra(std::string key, std::string value);
};

}  // namespace sclab::telemetry
