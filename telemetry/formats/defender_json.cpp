// Microsoft Defender advanced hunting rows as JSON lines: one row per line, as the advanced hunting API
// (`Results`) and Graph runHuntingQuery (`results`) return them, with the tables' real column names only.
// Three tables are carried (FIDELITY.md §3 "Microsoft Defender advanced hunting"; column lists and their order
// from Microsoft's schema reference, defender-xdr/advanced-hunting-*-table.md):
//   DeviceNetworkEvents                       <-> network_connection
//   DeviceProcessEvents                       <-> process_creation
//   DeviceEvents with ActionType DnsQueryResponse <-> dns_query
// Sentinel's copies of these tables add TimeGenerated, TenantId, Type, SourceSystem and MachineGroup: the reader
// takes them (Type names the table) and keeps them in `extra`; an event that carries them is written back with them.
//
// Values as the exports give them: Kusto strings are never null, so unknown strings are written ""; unknown
// int/long/datetime/bool values are null. datetime is ISO 8601 UTC with 7 fraction digits
// ("2020-02-05T01:10:26.2648757Z", the API examples in Microsoft's docs): the sensor's precision is 100 ns.
// Every column with no place in the event model travels in `extra` under its own name, so a round trip keeps it.
#include <algorithm>
#include <array>
#include <charconv>
#include <limits>
#include <span>
#include <unordered_map>
#include <vector>

#include "telemetry/format.hpp"
#include "telemetry/json_fast.hpp"
#include "telemetry/json_text.hpp"
#include "telemetry/time_format.hpp"

namespace sclab::telemetry {

namespace {

using nlohmann::json;

constexpr time_ns defender_precision = 100;  // 7 fraction digits

// ---- the schema ----------------------------------------------------------------------------------------

enum class column_type : std::uint8_t {
    string,    // never null: "" when unknown
    integer,   // int and long: null when unknown
    datetime,  // null when unknown
    boolean,   // null when unknown
    dynamic,   // AdditionalFields: a string holding JSON in advanced hunting, a JSON value in Sentinel
};

// The model field a column fills. The acting process (process.*) is the InitiatingProcess in DeviceNetworkEvents
// and DeviceEvents, and the new process in DeviceProcessEvents, whose InitiatingProcess is the parent.
enum class slot : std::uint8_t {
    extra,  // no model field: event.extra under the column's name
    time,
    host,
    action,     // network.action: ActionType
    record_id,  // ReportId
    user_domain,
    user_name,  // event.user (and process.user) as DOMAIN\name
    image,       // FolderPath: the full image path
    image_name,  // FileName: the last component of the image path
    sha1,
    sha256,
    md5,
    file_size,
    company,
    product,
    file_version,
    original_file_name,
    description,
    pid,
    command_line,
    creation_time,
    integrity_level,
    logon_id,    // LogonId (long) <-> Sysmon-style "0x3e7"
    session_id,  // process.terminal_session_id: the Windows session of the process
    parent_image,
    parent_image_name,
    parent_name_only,  // InitiatingProcessParentFileName: parent.image holds only the file name
    parent_pid,
    parent_command_line,
    parent_creation_time,
    parent_user_domain,
    parent_user_name,
    remote_ip,
    remote_port,
    local_ip,
    local_port,
    transport,    // Protocol
    url,          // RemoteUrl
    dns_details,  // AdditionalFields of a DnsQueryResponse row
};

struct column {
    std::string_view name;
    column_type type;
    slot target;
};

using enum column_type;

// FIDELITY.md's list (= defender-xdr/advanced-hunting-devicenetworkevents-table.md, 09/2024).
constexpr std::array network_columns = std::to_array<column>({
    {"Timestamp", datetime, slot::time},
    {"DeviceId", string, slot::extra},
    {"DeviceName", string, slot::host},
    {"ActionType", string, slot::action},
    {"RemoteIP", string, slot::remote_ip},
    {"RemotePort", integer, slot::remote_port},
    {"RemoteUrl", string, slot::url},
    {"LocalIP", string, slot::local_ip},
    {"LocalPort", integer, slot::local_port},
    {"Protocol", string, slot::transport},
    {"LocalIPType", string, slot::extra},
    {"RemoteIPType", string, slot::extra},
    {"InitiatingProcessSHA1", string, slot::sha1},
    {"InitiatingProcessSHA256", string, slot::sha256},
    {"InitiatingProcessMD5", string, slot::md5},
    {"InitiatingProcessFileName", string, slot::image_name},
    {"InitiatingProcessFileSize", integer, slot::file_size},
    {"InitiatingProcessVersionInfoCompanyName", string, slot::company},
    {"InitiatingProcessVersionInfoProductName", string, slot::product},
    {"InitiatingProcessVersionInfoProductVersion", string, slot::file_version},
    {"InitiatingProcessVersionInfoInternalFileName", string, slot::extra},
    {"InitiatingProcessVersionInfoOriginalFileName", string, slot::original_file_name},
    {"InitiatingProcessVersionInfoFileDescription", string, slot::description},
    {"InitiatingProcessId", integer, slot::pid},
    {"InitiatingProcessCommandLine", string, slot::command_line},
    {"InitiatingProcessCreationTime", datetime, slot::creation_time},
    {"InitiatingProcessFolderPath", string, slot::image},
    {"InitiatingProcessParentFileName", string, slot::parent_name_only},
    {"InitiatingProcessParentId", integer, slot::parent_pid},
    {"InitiatingProcessParentCreationTime", datetime, slot::parent_creation_time},
    {"InitiatingProcessAccountDomain", string, slot::user_domain},
    {"InitiatingProcessAccountName", string, slot::user_name},
    {"InitiatingProcessAccountSid", string, slot::extra},
    {"InitiatingProcessAccountUpn", string, slot::extra},
    {"InitiatingProcessAccountObjectId", string, slot::extra},
    {"InitiatingProcessIntegrityLevel", string, slot::integrity_level},
    {"InitiatingProcessTokenElevation", string, slot::extra},
    {"ReportId", integer, slot::record_id},
    {"AppGuardContainerId", string, slot::extra},
    {"AdditionalFields", dynamic, slot::extra},
    {"InitiatingProcessSessionId", integer, slot::session_id},
    {"IsInitiatingProcessRemoteSession", boolean, slot::extra},
    {"InitiatingProcessRemoteSessionDeviceName", string, slot::extra},
    {"InitiatingProcessRemoteSessionIP", string, slot::extra},
});

// defender-xdr/advanced-hunting-deviceprocessevents-table.md (the version with the session columns).
constexpr std::array process_columns = std::to_array<column>({
    {"Timestamp", datetime, slot::time},
    {"DeviceId", string, slot::extra},
    {"DeviceName", string, slot::host},
    {"ActionType", string, slot::action},
    {"FileName", string, slot::image_name},
    {"FolderPath", string, slot::image},
    {"SHA1", string, slot::sha1},
    {"SHA256", string, slot::sha256},
    {"MD5", string, slot::md5},
    {"FileSize", integer, slot::file_size},
    {"ProcessVersionInfoCompanyName", string, slot::company},
    {"ProcessVersionInfoProductName", string, slot::product},
    {"ProcessVersionInfoProductVersion", string, slot::file_version},
    {"ProcessVersionInfoInternalFileName", string, slot::extra},
    {"ProcessVersionInfoOriginalFileName", string, slot::original_file_name},
    {"ProcessVersionInfoFileDescription", string, slot::description},
    {"ProcessId", integer, slot::pid},
    {"ProcessCommandLine", string, slot::command_line},
    {"ProcessIntegrityLevel", string, slot::integrity_level},
    {"ProcessTokenElevation", string, slot::extra},
    {"ProcessCreationTime", datetime, slot::creation_time},
    {"AccountDomain", string, slot::user_domain},
    {"AccountName", string, slot::user_name},
    {"AccountSid", string, slot::extra},
    {"AccountUpn", string, slot::extra},
    {"AccountObjectId", string, slot::extra},
    {"LogonId", integer, slot::logon_id},
    {"InitiatingProcessAccountDomain", string, slot::parent_user_domain},
    {"InitiatingProcessAccountName", string, slot::parent_user_name},
    {"InitiatingProcessAccountSid", string, slot::extra},
    {"InitiatingProcessAccountUpn", string, slot::extra},
    {"InitiatingProcessAccountObjectId", string, slot::extra},
    {"InitiatingProcessLogonId", integer, slot::extra},
    {"InitiatingProcessIntegrityLevel", string, slot::extra},
    {"InitiatingProcessTokenElevation", string, slot::extra},
    {"InitiatingProcessSHA1", string, slot::extra},
    {"InitiatingProcessSHA256", string, slot::extra},
    {"InitiatingProcessMD5", string, slot::extra},
    {"InitiatingProcessFileName", string, slot::parent_image_name},
    {"InitiatingProcessFileSize", integer, slot::extra},
    {"InitiatingProcessVersionInfoCompanyName", string, slot::extra},
    {"InitiatingProcessVersionInfoProductName", string, slot::extra},
    {"InitiatingProcessVersionInfoProductVersion", string, slot::extra},
    {"InitiatingProcessVersionInfoInternalFileName", string, slot::extra},
    {"InitiatingProcessVersionInfoOriginalFileName", string, slot::extra},
    {"InitiatingProcessVersionInfoFileDescription", string, slot::extra},
    {"InitiatingProcessId", integer, slot::parent_pid},
    {"InitiatingProcessCommandLine", string, slot::parent_command_line},
    {"InitiatingProcessCreationTime", datetime, slot::parent_creation_time},
    {"InitiatingProcessFolderPath", string, slot::parent_image},
    {"InitiatingProcessParentId", integer, slot::extra},
    {"InitiatingProcessParentFileName", string, slot::extra},
    {"InitiatingProcessParentCreationTime", datetime, slot::extra},
    {"InitiatingProcessSignerType", string, slot::extra},
    {"InitiatingProcessSignatureStatus", string, slot::extra},
    {"ReportId", integer, slot::record_id},
    {"AppGuardContainerId", string, slot::extra},
    {"AdditionalFields", dynamic, slot::extra},
    {"InitiatingProcessSessionId", integer, slot::extra},
    {"IsInitiatingProcessRemoteSession", boolean, slot::extra},
    {"InitiatingProcessRemoteSessionDeviceName", string, slot::extra},
    {"InitiatingProcessRemoteSessionIP", string, slot::extra},
    {"CreatedProcessSessionId", integer, slot::session_id},
    {"IsProcessRemoteSession", boolean, slot::extra},
    {"ProcessRemoteSessionDeviceName", string, slot::extra},
    {"ProcessRemoteSessionIP", string, slot::extra},
});

// defender-xdr/advanced-hunting-deviceevents-table.md (09/2024). For DnsQueryResponse the file, account,
// registry and address columns have no documented meaning, so they stay vendor extras.
constexpr std::array device_event_columns = std::to_array<column>({
    {"Timestamp", datetime, slot::time},
    {"DeviceId", string, slot::extra},
    {"DeviceName", string, slot::host},
    {"ActionType", string, slot::action},
    {"FileName", string, slot::extra},
    {"FolderPath", string, slot::extra},
    {"SHA1", string, slot::extra},
    {"SHA256", string, slot::extra},
    {"MD5", string, slot::extra},
    {"FileSize", integer, slot::extra},
    {"AccountDomain", string, slot::extra},
    {"AccountName", string, slot::extra},
    {"AccountSid", string, slot::extra},
    {"RemoteUrl", string, slot::extra},
    {"RemoteDeviceName", string, slot::extra},
    {"ProcessId", integer, slot::extra},
    {"ProcessCommandLine", string, slot::extra},
    {"ProcessCreationTime", datetime, slot::extra},
    {"ProcessTokenElevation", string, slot::extra},
    {"LogonId", integer, slot::extra},
    {"RegistryKey", string, slot::extra},
    {"RegistryValueName", string, slot::extra},
    {"RegistryValueData", string, slot::extra},
    {"RemoteIP", string, slot::extra},
    {"RemotePort", integer, slot::extra},
    {"LocalIP", string, slot::extra},
    {"LocalPort", integer, slot::extra},
    {"FileOriginUrl", string, slot::extra},
    {"FileOriginIP", string, slot::extra},
    {"InitiatingProcessSHA1", string, slot::sha1},
    {"InitiatingProcessSHA256", string, slot::sha256},
    {"InitiatingProcessMD5", string, slot::md5},
    {"InitiatingProcessFileName", string, slot::image_name},
    {"InitiatingProcessFileSize", integer, slot::file_size},
    {"InitiatingProcessFolderPath", string, slot::image},
    {"InitiatingProcessId", integer, slot::pid},
    {"InitiatingProcessCommandLine", string, slot::command_line},
    {"InitiatingProcessCreationTime", datetime, slot::creation_time},
    {"InitiatingProcessAccountDomain", string, slot::user_domain},
    {"InitiatingProcessAccountName", string, slot::user_name},
    {"InitiatingProcessAccountSid", string, slot::extra},
    {"InitiatingProcessAccountUpn", string, slot::extra},
    {"InitiatingProcessAccountObjectId", string, slot::extra},
    {"InitiatingProcessVersionInfoCompanyName", string, slot::company},
    {"InitiatingProcessVersionInfoProductName", string, slot::product},
    {"InitiatingProcessVersionInfoProductVersion", string, slot::file_version},
    {"InitiatingProcessVersionInfoInternalFileName", string, slot::extra},
    {"InitiatingProcessVersionInfoOriginalFileName", string, slot::original_file_name},
    {"InitiatingProcessVersionInfoFileDescription", string, slot::description},
    {"InitiatingProcessParentId", integer, slot::parent_pid},
    {"InitiatingProcessParentFileName", string, slot::parent_name_only},
    {"InitiatingProcessParentCreationTime", datetime, slot::parent_creation_time},
    {"InitiatingProcessLogonId", integer, slot::logon_id},
    {"ReportId", integer, slot::record_id},
    {"AppGuardContainerId", string, slot::extra},
    {"AdditionalFields", dynamic, slot::dns_details},
    {"InitiatingProcessSessionId", integer, slot::session_id},
    {"IsInitiatingProcessRemoteSession", boolean, slot::extra},
    {"InitiatingProcessRemoteSessionDeviceName", string, slot::extra},
    {"InitiatingProcessRemoteSessionIP", string, slot::extra},
    {"CreatedProcessSessionId", integer, slot::extra},
    {"IsProcessRemoteSession", boolean, slot::extra},
    {"ProcessRemoteSessionDeviceName", string, slot::extra},
    {"ProcessRemoteSessionIP", string, slot::extra},
});

// Columns Sentinel's copy of every Defender table adds. Their order in a Log Analytics export is *unverified*;
// readers do not depend on it.
constexpr std::array sentinel_columns = std::to_array<column>({
    {"TimeGenerated", datetime, slot::extra},
    {"TenantId", string, slot::extra},
    {"Type", string, slot::extra},
    {"SourceSystem", string, slot::extra},
    {"MachineGroup", string, slot::extra},
});

struct table_schema {
    std::string_view name;
    event_kind kind;
    std::span<const column> columns;
    std::string_view only_action;     // the one ActionType carried ("" = any)
    std::string_view default_action;  // written when the event names none
    // Columns no other carried table has: they name the table when a row has no Type (a projected export).
    std::array<std::string_view, 3> telltales;
};

constexpr std::array<table_schema, 3> tables = {{
    {"DeviceNetworkEvents", event_kind::network_connection, network_columns, "", "",
     {"Protocol", "LocalIPType", "RemoteIPType"}},
    {"DeviceProcessEvents", event_kind::process_creation, process_columns, "", "ProcessCreated",
     {"ProcessIntegrityLevel", "ProcessVersionInfoOriginalFileName", "InitiatingProcessSignatureStatus"}},
    {"DeviceEvents", event_kind::dns_query, device_event_columns, "DnsQueryResponse", "DnsQueryResponse",
     {"RegistryKey", "RemoteDeviceName", "FileOriginUrl"}},
}};

const table_schema* table_named(std::string_view name) {
    for (const table_schema& t : tables)
        if (t.name == name) return &t;
    return nullptr;
}

const table_schema* table_for(event_kind kind) {
    for (const table_schema& t : tables)
        if (t.kind == kind) return &t;
    return nullptr;
}

// ---- mappings shared by the writer, the reader and retain ----------------------------------------------

// DNS details inside AdditionalFields. DnsQueryString is what hunting queries read (Microsoft's SC-200 labs,
// extractjson("$.DnsQueryString", AdditionalFields)); DnsQueryResult (an array of answers) exists too.
// DnsQueryType is *unverified*: seen only in third-party notes. Answers and status have no documented shape,
// so dns.query_results / dns.query_status are not carried.
constexpr std::string_view dns_query_string_key = "DnsQueryString";
constexpr std::string_view dns_query_type_key = "DnsQueryType";
constexpr std::string_view additional_fields = "AdditionalFields";

std::string_view file_name_of(std::string_view path) {
    std::size_t cut = path.find_last_of("\\/");
    return cut == std::string_view::npos ? path : path.substr(cut + 1);
}

bool has_folder(std::string_view image) { return image.find_first_of("\\/") != std::string_view::npos; }

// FolderPath holds the full image path; an image without a folder is only a file name, so FolderPath stays "".
std::string_view folder_path_column(std::string_view image) { return has_folder(image) ? image : std::string_view(); }
// FileName: the image's last component, unless the row said otherwise (kept in extra under the column's name).
std::string_view file_name_column(std::string_view image, std::string_view kept_name) {
    if (has_folder(image)) return kept_name.empty() ? file_name_of(image) : kept_name;
    return image.empty() ? kept_name : image;
}

// A FileName column worth keeping beside the FolderPath: one that is not the path's last component.
bool file_name_differs(std::string_view image, std::string_view name) {
    return has_folder(image) && !name.empty() && name != file_name_of(image);
}

struct account {
    std::string_view domain, name;
};
account split_account(std::string_view user) {
    std::size_t cut = user.find('\\');
    if (cut == std::string_view::npos) return {{}, user};
    return {user.substr(0, cut), user.substr(cut + 1)};
}
std::string join_account(std::string_view domain, std::string_view name) {
    std::string s;
    if (!domain.empty()) {
        s.reserve(domain.size() + 1 + name.size());
        s.append(domain).push_back('\\');
    }
    s.append(name);
    return s;
}
std::string normalized_account(std::string_view user) {
    const account a = split_account(user);
    return join_account(a.domain, a.name);
}
// Defender names one account for the acting process; the event's user is that account.
std::string_view acting_user(const event& e) { return e.user.empty() ? std::string_view(e.process.user) : e.user; }

std::string_view action_of(const table_schema& t, const event& e) {
    if (!t.only_action.empty()) return t.only_action;
    return e.network.action.empty() ? t.default_action : std::string_view(e.network.action);
}

// Protocol: Defender spells "Tcp" / "Udp"; the model says "tcp" / "udp". Variants (TcpV4 ...) are kept exactly.
bool equals_ci(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if ((a[i] | 0x20) != (b[i] | 0x20)) return false;
    return true;
}
std::string_view defender_protocol(std::string_view transport) {
    if (equals_ci(transport, "tcp")) return "Tcp";
    if (equals_ci(transport, "udp")) return "Udp";
    return transport;
}
std::string model_transport(std::string_view protocol) {
    if (equals_ci(protocol, "tcp")) return "tcp";
    if (equals_ci(protocol, "udp")) return "udp";
    return std::string(protocol);
}

// LogonId is a long; Sysmon and the model spell a logon id "0x3e7".
bool parse_logon_id(std::string_view text, std::uint64_t& out) {
    if (text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
        auto [p, ec] = std::from_chars(text.data() + 2, text.data() + text.size(), out, 16);
        return ec == std::errc() && p == text.data() + text.size();
    }
    return parse_uint(text, out);
}
std::string logon_id_text(std::uint64_t id) {
    char buf[24] = {'0', 'x'};
    auto [p, ec] = std::to_chars(buf + 2, buf + sizeof buf, id, 16);
    return std::string(buf, p);
}
std::string normalized_logon_id(std::string_view text) {
    std::uint64_t id = 0;
    return parse_logon_id(text, id) ? logon_id_text(id) : std::string();
}

std::string compact(const json& v) { return v.dump(-1, ' ', false, json::error_handler_t::replace); }

// Sentinel stores AdditionalFields as a JSON value: the compact text of `text` when it is a JSON object or
// array, else "".
std::string json_container_text(std::string_view text) {
    if (text.empty()) return {};
    json v = json::parse(text.begin(), text.end(), nullptr, false);
    return v.is_object() || v.is_array() ? compact(v) : std::string();
}

std::string iso_text(time_ns t) {
    std::string s;
    append_iso8601(s, t, 7);
    return s;
}

// A vendor extra as the writer writes it and the reader reads it back ("" = nothing comes back).
std::string normalized_extra(column_type type, std::string_view text, bool sentinel) {
    switch (type) {
        case column_type::string: return std::string(text);
        case column_type::integer: {
            std::int64_t n = 0;
            return parse_int(text, n) ? std::to_string(n) : std::string();
        }
        case column_type::datetime: {
            time_ns t = 0;
            return parse_iso8601(text, t) ? iso_text(t) : std::string();
        }
        case column_type::boolean: return text == "true" || text == "false" ? std::string(text) : std::string();
        case column_type::dynamic: {
            // Sentinel's dynamic columns come back as JSON values, re-serialised compactly.
            std::string value = sentinel ? json_container_text(text) : std::string();
            return value.empty() ? std::string(text) : value;
        }
    }
    return {};
}

json parse_object_or_null(std::string_view text) {
    if (text.empty()) return json();
    json v = json::parse(text.begin(), text.end(), nullptr, false);
    return v.is_object() ? v : json();
}

// Rows that came from Sentinel carry its columns, and are written back with them.
bool from_sentinel(const event& e) {
    return !e.extra_value("TenantId").empty() || table_named(e.extra_value("Type")) != nullptr;
}

// ---- writing -------------------------------------------------------------------------------------------

void put_string(std::string& out, std::string_view v) { append_json_string(out, v); }
void put_null(std::string& out) { out += "null"; }
void put_time(std::string& out, time_ns t) {
    out.push_back('"');
    append_iso8601(out, t, 7);
    out.push_back('"');
}
// 0 is "the sensor does not say" in the model (creation times, pids): null in the row.
void put_time_or_null(std::string& out, time_ns t) { t == 0 ? put_null(out) : put_time(out, t); }
void put_uint_or_null(std::string& out, std::uint64_t v) { v == 0 ? put_null(out) : append_uint(out, v); }
template <class T>
void put_optional(std::string& out, const std::optional<T>& v) {
    v ? append_uint(out, static_cast<std::uint64_t>(*v)) : put_null(out);
}

void put_dynamic(std::string& out, std::string_view text, bool sentinel) {
    const std::string value = sentinel ? json_container_text(text) : std::string();
    if (value.empty()) put_string(out, text);
    else out += value;
}

void put_extra(std::string& out, column_type type, std::string_view text, bool sentinel) {
    switch (type) {
        case column_type::string: put_string(out, text); return;
        case column_type::integer: {
            std::int64_t n = 0;
            parse_int(text, n) ? append_int(out, n) : put_null(out);
            return;
        }
        case column_type::datetime: {
            time_ns t = 0;
            parse_iso8601(text, t) ? put_time(out, t) : put_null(out);
            return;
        }
        case column_type::boolean:
            if (text == "true" || text == "false") out.append(text);
            else put_null(out);
            return;
        case column_type::dynamic: put_dynamic(out, text, sentinel); return;
    }
}

void put_dns_details(std::string& out, const event& e, bool sentinel, std::string& scratch) {
    scratch.clear();
    json_writer w(scratch);
    w.begin_object();
    w.field_if(dns_query_string_key, e.dns.query_name).field_if(dns_query_type_key, e.dns.query_type);
    std::string_view kept = e.extra_value(additional_fields);
    if (!kept.empty()) {
        json rest = parse_object_or_null(kept);
        if (rest.is_object())
            for (const auto& [k, v] : rest.items())
                if (k != dns_query_string_key && k != dns_query_type_key)
                    w.key(k).raw(compact(v));
    }
    w.end_object();
    if (scratch == "{}") scratch.clear();
    put_dynamic(out, scratch, sentinel);
}

void write_value(std::string& out, const table_schema& t, const column& c, const event& e, bool sentinel,
                 std::string& scratch) {
    const process_info& p = e.process;
    const process_ref& parent = e.parent;
    const network_info& n = e.network;
    switch (c.target) {
        case slot::extra: put_extra(out, c.type, e.extra_value(c.name), sentinel); return;
        case slot::time: put_time(out, e.time); return;
        case slot::host: put_string(out, e.host); return;
        case slot::action: put_string(out, action_of(t, e)); return;
        case slot::record_id: {
            std::uint64_t id = 0;
            parse_uint(e.record_id, id) ? append_uint(out, id) : put_null(out);
            return;
        }
        case slot::user_domain: put_string(out, split_account(acting_user(e)).domain); return;
        case slot::user_name: put_string(out, split_account(acting_user(e)).name); return;
        case slot::image: put_string(out, folder_path_column(p.image)); return;
        case slot::image_name: put_string(out, file_name_column(p.image, e.extra_value(c.name))); return;
        case slot::sha1: put_string(out, p.sha1); return;
        case slot::sha256: put_string(out, p.sha256); return;
        case slot::md5: put_string(out, p.md5); return;
        case slot::file_size: put_optional(out, p.file_size); return;
        case slot::company: put_string(out, p.company); return;
        case slot::product: put_string(out, p.product); return;
        case slot::file_version: put_string(out, p.file_version); return;
        case slot::original_file_name: put_string(out, p.original_file_name); return;
        case slot::description: put_string(out, p.description); return;
        case slot::pid: put_uint_or_null(out, p.pid); return;
        case slot::command_line: put_string(out, p.command_line); return;
        case slot::creation_time: put_time_or_null(out, p.creation_time); return;
        case slot::integrity_level: put_string(out, p.integrity_level); return;
        case slot::logon_id: {
            std::uint64_t id = 0;
            parse_logon_id(p.logon_id, id) ? append_uint(out, id) : put_null(out);
            return;
        }
        case slot::session_id: put_optional(out, p.terminal_session_id); return;
        case slot::parent_image: put_string(out, folder_path_column(parent.image)); return;
        case slot::parent_image_name: put_string(out, file_name_column(parent.image, e.extra_value(c.name))); return;
        case slot::parent_name_only: put_string(out, file_name_of(parent.image)); return;
        case slot::parent_pid: put_uint_or_null(out, parent.pid); return;
        case slot::parent_command_line: put_string(out, parent.command_line); return;
        case slot::parent_creation_time: put_time_or_null(out, parent.creation_time); return;
        case slot::parent_user_domain: put_string(out, split_account(parent.user).domain); return;
        case slot::parent_user_name: put_string(out, split_account(parent.user).name); return;
        case slot::remote_ip: put_string(out, n.destination.ip); return;
        case slot::remote_port: append_uint(out, n.destination.port); return;
        case slot::local_ip: put_string(out, n.source.ip); return;
        case slot::local_port: append_uint(out, n.source.port); return;
        case slot::transport: put_string(out, defender_protocol(n.transport)); return;
        case slot::url: put_string(out, e.http.url); return;
        case slot::dns_details: put_dns_details(out, e, sentinel, scratch); return;
    }
}

// `"Name":` (with the comma before every column but the first), built once: column names are plain ASCII.
std::vector<std::string> key_texts(std::span<const column> columns, bool first_has_comma) {
    std::vector<std::string> keys;
    for (const column& c : columns) {
        std::string k = keys.empty() && !first_has_comma ? "\"" : ",\"";
        keys.push_back(k.append(c.name).append("\":"));
    }
    return keys;
}
const std::vector<std::string>& key_texts_of(const table_schema& t) {
    static const std::array<std::vector<std::string>, tables.size()> keys = [] {
        std::array<std::vector<std::string>, tables.size()> k;
        for (std::size_t i = 0; i < tables.size(); ++i) k[i] = key_texts(tables[i].columns, false);
        return k;
    }();
    return keys[static_cast<std::size_t>(&t - tables.data())];
}

void write_row(std::string& out, const table_schema& t, const event& e, std::string& scratch) {
    static const std::vector<std::string> sentinel_keys = key_texts(sentinel_columns, true);
    const std::vector<std::string>& keys = key_texts_of(t);
    const bool sentinel = from_sentinel(e);
    out.push_back('{');
    for (std::size_t i = 0; i < t.columns.size(); ++i) {
        out.append(keys[i]);
        write_value(out, t, t.columns[i], e, sentinel, scratch);
    }
    if (sentinel) {
        for (std::size_t i = 0; i < sentinel_columns.size(); ++i) {
            const column& c = sentinel_columns[i];
            out.append(sentinel_keys[i]);
            if (c.name == "Type") {
                put_string(out, t.name);
            } else if (c.name == "TimeGenerated") {
                time_ns generated = 0;
                put_time(out, parse_iso8601(e.extra_value(c.name), generated) ? generated : e.time);
            } else {
                put_extra(out, c.type, e.extra_value(c.name), true);
            }
        }
    }
    out += "}\n";
}

class defender_writer final : public event_writer {
public:
    explicit defender_writer(output_file& out) : out_(out) {}
    bool write(const event& e) override {
        const table_schema* t = table_for(e.kind);
        if (t == nullptr) return false;
        write_row(out_.buffer(), *t, e, scratch_);
        out_.record_done();
        return true;
    }

private:
    output_file& out_;
    std::string scratch_;  // reused for AdditionalFields text
};

// ---- reading -------------------------------------------------------------------------------------------

// Every column name of the carried tables and Sentinel, numbered. A row's members are matched to columns in
// one pass (a DOM lookup per column would scan the row's 45-67 members once for each).
class column_ids {
public:
    static constexpr std::uint16_t none = 0xffff;

    static const column_ids& get() {
        static const column_ids ids;
        return ids;
    }
    std::size_t count() const { return names_.size(); }
    std::string_view name(std::uint16_t id) const { return names_[id]; }
    std::uint16_t id(std::string_view name) const {
        auto it = ids_.find(name);
        return it == ids_.end() ? none : it->second;
    }
    // The ids of a table's columns, and of Sentinel's, in column order.
    const std::vector<std::uint16_t>& of(const table_schema& t) const { return table_ids_[index_of(t)]; }
    const std::vector<std::uint16_t>& of_sentinel() const { return sentinel_ids_; }
    // True when the column `id` is one of the table's or Sentinel's.
    bool carried(const table_schema& t, std::uint16_t id) const {
        return id != none && (in_table_[index_of(t)][id] || in_sentinel_[id]);
    }

private:
    static std::size_t index_of(const table_schema& t) { return static_cast<std::size_t>(&t - tables.data()); }

    column_ids() {
        for (std::size_t i = 0; i < tables.size(); ++i) table_ids_[i] = add(tables[i].columns);
        sentinel_ids_ = add(sentinel_columns);
        for (std::size_t i = 0; i < tables.size(); ++i) {
            in_table_[i].assign(names_.size(), false);
            for (std::uint16_t id : table_ids_[i]) in_table_[i][id] = true;
        }
        in_sentinel_.assign(names_.size(), false);
        for (std::uint16_t id : sentinel_ids_) in_sentinel_[id] = true;
    }
    std::vector<std::uint16_t> add(std::span<const column> columns) {
        std::vector<std::uint16_t> ids;
        for (const column& c : columns) {
            auto [it, added] = ids_.emplace(c.name, static_cast<std::uint16_t>(names_.size()));
            if (added) names_.push_back(c.name);
            ids.push_back(it->second);
        }
        return ids;
    }

    std::unordered_map<std::string_view, std::uint16_t> ids_;
    std::vector<std::string_view> names_;
    std::array<std::vector<std::uint16_t>, tables.size()> table_ids_;
    std::vector<std::uint16_t> sentinel_ids_;
    std::array<std::vector<bool>, tables.size()> in_table_;
    std::vector<bool> in_sentinel_;
};

// One row's members by column id: the value (nullopt when absent or null) and whether the member is there at all.
class row_members {
public:
    void collect(json_element row) {
        const column_ids& ids = column_ids::get();
        values_.assign(ids.count(), std::nullopt);
        present_.assign(ids.count(), false);
        others_.clear();
        if (row.get_object().get(row_)) throw record_error("a Defender row is a JSON object");
        std::size_t position = 0;
        for (auto [key, value] : row_) {
            // The rows of one export share their column order: try the previous row's column here first.
            std::uint16_t id = position < order_.size() ? order_[position] : column_ids::none;
            if (id == column_ids::none || ids.name(id) != key) id = ids.id(key);
            if (position < order_.size()) order_[position] = id;
            else order_.push_back(id);
            ++position;
            if (id == column_ids::none) {
                if (!value.is_null()) others_.emplace_back(key, value);
            } else if (!present_[id]) {  // the first of duplicate members, as fj_member finds
                present_[id] = true;
                if (!value.is_null()) values_[id] = value;
            }
        }
    }
    // The column's value; nullopt when absent or null.
    std::optional<json_element> value(std::string_view name) const { return value_of(column_ids::get().id(name)); }
    std::optional<json_element> value_of(std::uint16_t id) const {
        return id == column_ids::none ? std::nullopt : values_[id];
    }
    // True when the row has the column, even null.
    bool has(std::string_view name) const {
        const std::uint16_t id = column_ids::get().id(name);
        return id != column_ids::none && present_[id];
    }
    // Non-null members that are no column of `t` nor Sentinel's, sorted by name (the order the reader always had).
    std::vector<std::pair<std::string_view, json_element>>& uncarried(const table_schema& t) {
        const column_ids& ids = column_ids::get();
        for (auto [key, value] : row_) {
            const std::uint16_t id = ids.id(key);
            if (id != column_ids::none && !ids.carried(t, id) && !value.is_null()) others_.emplace_back(key, value);
        }
        std::stable_sort(others_.begin(), others_.end(),
                         [](const auto& a, const auto& b) { return a.first < b.first; });
        // Of duplicate members the first is read, as for the columns.
        others_.erase(std::unique(others_.begin(), others_.end(),
                                  [](const auto& a, const auto& b) { return a.first == b.first; }),
                      others_.end());
        return others_;
    }
    bool any_uncarried(const table_schema& t) const {
        if (!others_.empty()) return true;
        const column_ids& ids = column_ids::get();
        for (std::size_t id = 0; id < present_.size(); ++id)
            if (values_[id] && !ids.carried(t, static_cast<std::uint16_t>(id))) return true;
        return false;
    }

private:
    simdjson::dom::object row_;
    std::vector<std::optional<json_element>> values_;  // by column id
    std::vector<bool> present_;                        // by column id
    std::vector<std::pair<std::string_view, json_element>> others_;
    std::vector<std::uint16_t> order_;  // the column ids of the previous row's members, in its order
};

std::string string_of(const std::optional<json_element>& v, std::string_view name) {
    return v ? std::string(fj_as_string(*v, name)) : std::string();
}

std::optional<std::uint64_t> uint_of(const std::optional<json_element>& v, std::string_view name) {
    return v ? std::optional<std::uint64_t>(fj_as_uint(*v, name)) : std::nullopt;
}

const table_schema* table_by_columns(const row_members& row) {
    for (const table_schema& t : tables)
        for (std::string_view telltale : t.telltales)
            if (row.has(telltale)) return &t;
    return nullptr;
}

const table_schema& identify_table(const row_members& row) {
    const std::string type = string_of(row.value("Type"), "Type");
    const std::string action = string_of(row.value("ActionType"), "ActionType");
    const table_schema* table = nullptr;
    if (!type.empty()) {
        table = table_named(type);
        if (table == nullptr)
            throw record_error("Type \"" + type +
                               "\" is not a table defender-json carries (DeviceNetworkEvents, DeviceProcessEvents, "
                               "DeviceEvents with ActionType DnsQueryResponse)");
    }
    if (table == nullptr) table = table_by_columns(row);
    if (table == nullptr) {
        if (action == "DnsQueryResponse") table = table_named("DeviceEvents");
        else if (action == "ProcessCreated") table = table_named("DeviceProcessEvents");
        else if (action.find("Connection") != std::string::npos) table = table_named("DeviceNetworkEvents");
    }
    if (table == nullptr)
        throw record_error("cannot tell which Defender table this row comes from: no Type column, and neither its "
                           "columns nor its ActionType \"" + action + "\" name one");
    if (!table->only_action.empty() && action != table->only_action)
        throw record_error(std::string(table->name) + " row with ActionType \"" + action + "\": only " +
                           std::string(table->only_action) + " rows are carried");
    return *table;
}

// Values a column gives that the reader combines after seeing every column.
struct row_parts {
    std::string domain, name, parent_domain, parent_name;
    std::string image_name, parent_image_name;  // the FileName columns, checked against the FolderPath ones
    std::string dns_rest;                       // AdditionalFields keys of a DNS row the model has no place for
};

template <class T>
std::optional<T> read_uint(const std::optional<json_element>& value, std::string_view key) {
    auto v = uint_of(value, key);
    if (v && *v > std::numeric_limits<T>::max())
        throw record_error("field \"" + std::string(key) + "\" is out of range: " + std::to_string(*v));
    return v ? std::optional<T>(static_cast<T>(*v)) : std::nullopt;
}

time_ns read_time(const std::optional<json_element>& value, std::string_view key) {
    const std::string text = string_of(value, key);
    time_ns t = 0;
    if (!text.empty() && !parse_iso8601(text, t))
        throw record_error("field \"" + std::string(key) + "\" is not an ISO 8601 UTC time: " + text);
    return t;
}

// The keys of a DnsQueryResponse AdditionalFields object the model has no place for, as canonical JSON
// ("" = none).
std::string dns_details_rest(json_element details) {
    std::string rest = canonical_json_without(details, {dns_query_string_key, dns_query_type_key});
    return rest == "{}" ? std::string() : rest;
}

// AdditionalFields of a DnsQueryResponse row: a string holding JSON (advanced hunting) or a JSON object
// (Sentinel). `inner` parses the string while the row's document stays alive.
void read_dns_details(const std::optional<json_element>& value, std::string_view key, event& e, row_parts& parts,
                      fast_json_parser& inner) {
    if (!value) return;
    json_element details = *value;
    std::string_view text;
    if (!details.get_string().get(text)) {
        if (text.empty()) return;
        try {
            details = inner.parse(text);
        } catch (const record_error& error) {
            throw record_error("field \"" + std::string(key) + "\": " + error.what());
        }
    }
    if (!details.is_object())
        throw record_error("field \"" + std::string(key) + "\" of a DnsQueryResponse row should be a JSON object");
    e.dns.query_name = fj_string(details, dns_query_string_key);
    if (auto type = fj_member(details, dns_query_type_key)) {  // a name ("A") or, perhaps, a number (unverified)
        std::uint64_t number = 0;
        e.dns.query_type = !type->get_uint64().get(number) ? std::to_string(number)
                                                           : std::string(fj_as_string(*type, dns_query_type_key));
    }
    parts.dns_rest = dns_details_rest(details);
}

void read_slot(const std::optional<json_element>& v, const column& c, event& e, row_parts& parts,
               fast_json_parser& inner) {
    process_info& p = e.process;
    network_info& n = e.network;
    auto str = [&] { return string_of(v, c.name); };
    switch (c.target) {
        case slot::extra: return;  // read after the model fields, in column order
        case slot::time: e.time = read_time(v, c.name); return;
        case slot::host: e.host = str(); return;
        case slot::action: n.action = str(); return;
        case slot::record_id:
            if (auto id = uint_of(v, c.name)) e.record_id = std::to_string(*id);
            return;
        case slot::user_domain: parts.domain = str(); return;
        case slot::user_name: parts.name = str(); return;
        case slot::image: p.image = str(); return;
        case slot::image_name: parts.image_name = str(); return;
        case slot::sha1: p.sha1 = str(); return;
        case slot::sha256: p.sha256 = str(); return;
        case slot::md5: p.md5 = str(); return;
        case slot::file_size: p.file_size = uint_of(v, c.name); return;
        case slot::company: p.company = str(); return;
        case slot::product: p.product = str(); return;
        case slot::file_version: p.file_version = str(); return;
        case slot::original_file_name: p.original_file_name = str(); return;
        case slot::description: p.description = str(); return;
        case slot::pid: p.pid = uint_of(v, c.name).value_or(0); return;
        case slot::command_line: p.command_line = str(); return;
        case slot::creation_time: p.creation_time = read_time(v, c.name); return;
        case slot::integrity_level: p.integrity_level = str(); return;
        case slot::logon_id:
            if (auto id = uint_of(v, c.name)) p.logon_id = logon_id_text(*id);
            return;
        case slot::session_id: p.terminal_session_id = read_uint<std::uint32_t>(v, c.name); return;
        case slot::parent_image: e.parent.image = str(); return;
        case slot::parent_image_name: parts.parent_image_name = str(); return;
        case slot::parent_name_only: e.parent.image = str(); return;
        case slot::parent_pid: e.parent.pid = uint_of(v, c.name).value_or(0); return;
        case slot::parent_command_line: e.parent.command_line = str(); return;
        case slot::parent_creation_time: e.parent.creation_time = read_time(v, c.name); return;
        case slot::parent_user_domain: parts.parent_domain = str(); return;
        case slot::parent_user_name: parts.parent_name = str(); return;
        case slot::remote_ip: n.destination.ip = str(); return;
        case slot::remote_port: n.destination.port = read_uint<std::uint16_t>(v, c.name).value_or(0); return;
        case slot::local_ip: n.source.ip = str(); return;
        case slot::local_port: n.source.port = read_uint<std::uint16_t>(v, c.name).value_or(0); return;
        case slot::transport: n.transport = model_transport(str()); return;
        case slot::url: e.http.url = str(); return;
        case slot::dns_details: read_dns_details(v, c.name, e, parts, inner); return;
    }
}

// An image from its FolderPath and FileName columns. Returns the FileName when it is not the path's last
// component (kept in extra), else "".
std::string resolve_image(std::string& image, std::string& name) {
    if (image.empty()) {
        image = std::move(name);
        return {};
    }
    return file_name_differs(image, name) ? std::move(name) : std::string();
}

// A JSON value kept in extra: strings as they are, anything else as canonical JSON text.
std::string extra_text_of(json_element v) {
    std::string_view text;
    return !v.get_string().get(text) ? std::string(text) : canonical_json(v);
}

std::string read_extra_text(const std::optional<json_element>& v, const column& c) {
    if (!v) return {};
    switch (c.type) {
        case column_type::string: return std::string(fj_as_string(*v, c.name));
        case column_type::integer: return std::to_string(fj_as_int(*v, c.name));
        case column_type::datetime: read_time(v, c.name); return std::string(fj_as_string(*v, c.name));
        case column_type::boolean: return fj_as_bool(*v, c.name) ? "true" : "false";
        case column_type::dynamic: return extra_text_of(*v);
    }
    return {};
}

void push_extra(event& e, std::string_view key, std::string value) {
    if (!value.empty()) e.extra.emplace_back(std::string(key), std::move(value));
}

void read_row(json_element row, event& e, row_members& members, fast_json_parser& inner) {
    members.collect(row);
    const table_schema& t = identify_table(members);
    const std::vector<std::uint16_t>& ids = column_ids::get().of(t);
    e.kind = t.kind;
    row_parts parts;
    for (std::size_t i = 0; i < t.columns.size(); ++i)
        read_slot(members.value_of(ids[i]), t.columns[i], e, parts, inner);
    if (!members.value("Timestamp")) {
        if (!members.value("TimeGenerated")) throw record_error("missing \"Timestamp\"");
        e.time = read_time(members.value("TimeGenerated"), "TimeGenerated");
    }
    e.user = join_account(parts.domain, parts.name);
    e.process.user = e.user;
    e.parent.user = join_account(parts.parent_domain, parts.parent_name);
    std::string kept_name = resolve_image(e.process.image, parts.image_name);
    std::string kept_parent_name = resolve_image(e.parent.image, parts.parent_image_name);

    // Extras in column order, so retain() can say exactly what comes back.
    for (std::size_t i = 0; i < t.columns.size(); ++i) {
        const column& c = t.columns[i];
        switch (c.target) {
            case slot::extra: push_extra(e, c.name, read_extra_text(members.value_of(ids[i]), c)); break;
            case slot::image_name: push_extra(e, c.name, std::move(kept_name)); break;
            case slot::parent_image_name: push_extra(e, c.name, std::move(kept_parent_name)); break;
            case slot::dns_details: push_extra(e, additional_fields, std::move(parts.dns_rest)); break;
            default: break;
        }
    }
    const std::vector<std::uint16_t>& sentinel_ids = column_ids::get().of_sentinel();
    for (std::size_t i = 0; i < sentinel_columns.size(); ++i)
        push_extra(e, sentinel_columns[i].name,
                   read_extra_text(members.value_of(sentinel_ids[i]), sentinel_columns[i]));
    // Columns of no carried schema (a newer column, a projected one) are kept, but the writer writes none.
    if (!members.any_uncarried(t)) return;
    for (const auto& [key, value] : members.uncarried(t)) push_extra(e, key, extra_text_of(value));
}

class defender_parser final : public line_parser {
public:
    bool parse(std::string_view line, event& out) override {
        if (line.find_first_not_of(" \t\r") == std::string_view::npos) return false;
        read_row(rows_.parse(line), out, members_, additional_fields_);
        return true;
    }

private:
    fast_json_parser rows_;
    fast_json_parser additional_fields_;  // AdditionalFields holds JSON text, parsed while the row is in use
    row_members members_;                 // reused: no allocation per row
};

// ---- what survives -------------------------------------------------------------------------------------

// A FileName column: the image when there is no FolderPath, else a differing name kept in extra.
void retain_file_name(std::string_view image, std::string_view column_name, const event& e, std::string& r_image,
                      event& r) {
    std::string_view kept = e.extra_value(column_name);
    if (image.empty()) r_image = kept;
    else if (file_name_differs(image, kept)) push_extra(r, column_name, std::string(kept));
}

// Copies what one column carries from `e` into `r`, as the reader will see it.
void retain_slot(const table_schema& t, const column& c, const event& e, event& r) {
    const process_info& p = e.process;
    const network_info& n = e.network;
    switch (c.target) {
        case slot::extra: {
            // Only vendor extras that are columns of this table come back; others have no column to travel in.
            push_extra(r, c.name, normalized_extra(c.type, e.extra_value(c.name), from_sentinel(e)));
            return;
        }
        case slot::time: r.time = truncate_time(e.time, defender_precision); return;
        case slot::host: r.host = e.host; return;
        case slot::action: r.network.action = action_of(t, e); return;
        case slot::record_id: {
            std::uint64_t id = 0;
            if (parse_uint(e.record_id, id)) r.record_id = std::to_string(id);
            return;
        }
        case slot::user_domain:
        case slot::user_name:
            r.user = r.process.user = normalized_account(acting_user(e));
            return;
        case slot::image:
            if (!p.image.empty()) r.process.image = p.image;
            return;
        case slot::image_name: retain_file_name(p.image, c.name, e, r.process.image, r); return;
        case slot::sha1: r.process.sha1 = p.sha1; return;
        case slot::sha256: r.process.sha256 = p.sha256; return;
        case slot::md5: r.process.md5 = p.md5; return;
        case slot::file_size: r.process.file_size = p.file_size; return;
        case slot::company: r.process.company = p.company; return;
        case slot::product: r.process.product = p.product; return;
        case slot::file_version: r.process.file_version = p.file_version; return;
        case slot::original_file_name: r.process.original_file_name = p.original_file_name; return;
        case slot::description: r.process.description = p.description; return;
        case slot::pid: r.process.pid = p.pid; return;
        case slot::command_line: r.process.command_line = p.command_line; return;
        case slot::creation_time: r.process.creation_time = truncate_time(p.creation_time, defender_precision); return;
        case slot::integrity_level: r.process.integrity_level = p.integrity_level; return;
        case slot::logon_id: r.process.logon_id = normalized_logon_id(p.logon_id); return;
        case slot::session_id: r.process.terminal_session_id = p.terminal_session_id; return;
        case slot::parent_image:
            if (!e.parent.image.empty()) r.parent.image = e.parent.image;
            return;
        case slot::parent_image_name: retain_file_name(e.parent.image, c.name, e, r.parent.image, r); return;
        case slot::parent_name_only: r.parent.image = file_name_of(e.parent.image); return;
        case slot::parent_pid: r.parent.pid = e.parent.pid; return;
        case slot::parent_command_line: r.parent.command_line = e.parent.command_line; return;
        case slot::parent_creation_time:
            r.parent.creation_time = truncate_time(e.parent.creation_time, defender_precision);
            return;
        case slot::parent_user_domain:
        case slot::parent_user_name: r.parent.user = normalized_account(e.parent.user); return;
        case slot::remote_ip: r.network.destination.ip = n.destination.ip; return;
        case slot::remote_port: r.network.destination.port = n.destination.port; return;
        case slot::local_ip: r.network.source.ip = n.source.ip; return;
        case slot::local_port: r.network.source.port = n.source.port; return;
        case slot::transport: r.network.transport = model_transport(defender_protocol(n.transport)); return;
        case slot::url: r.http.url = e.http.url; return;
        case slot::dns_details: {
            r.dns.query_name = e.dns.query_name;
            r.dns.query_type = e.dns.query_type;
            std::string_view kept = e.extra_value(additional_fields);
            if (kept.empty()) return;
            fast_json_parser parser;
            try {
                json_element rest = parser.parse(kept);
                if (rest.is_object()) push_extra(r, additional_fields, dns_details_rest(rest));
            } catch (const record_error&) {
                // not JSON: the writer drops it too
            }
            return;
        }
    }
}

// What a Defender row keeps of an event: only the fields some column carries (built up column by column, so
// this cannot drift from the column lists). Lost on the way: byte and packet counts (DeviceNetworkEvents has
// none), the TLS/HTTP name the client asked for, hostnames and port names of the endpoints, direction,
// process GUIDs, current directory, imphash, logon GUID, run_id; the parent's command line and user outside
// DeviceProcessEvents; parent.image keeps only its file name in DeviceNetworkEvents and DeviceEvents;
// DNS status and answers; times are cut to 100 ns; vendor extras that are not columns of the table.
event retain_defender(const event& e) {
    const table_schema* t = table_for(e.kind);
    event r;
    r.kind = e.kind;
    if (t == nullptr) return r;
    for (const column& c : t->columns) retain_slot(*t, c, e, r);
    if (from_sentinel(e)) {
        for (const column& c : sentinel_columns) {
            if (c.name == "Type") {
                push_extra(r, c.name, std::string(t->name));
            } else if (c.name == "TimeGenerated") {
                std::string generated = normalized_extra(c.type, e.extra_value(c.name), true);
                push_extra(r, c.name, generated.empty() ? iso_text(e.time) : std::move(generated));
            } else {
                push_extra(r, c.name, normalized_extra(c.type, e.extra_value(c.name), true));
            }
        }
    }
    return r;
}

std::unique_ptr<event_reader> open_defender_reader(const std::string& path, const read_options& options) {
    return std::make_unique<line_event_reader>(path, options, std::make_unique<defender_parser>());
}
std::unique_ptr<event_writer> open_defender_writer(output_file& out) { return std::make_unique<defender_writer>(out); }

}  // namespace

const format_info& defender_json_format() {
    static const format_info info{
        .name = "defender-json",
        .description = "Microsoft Defender advanced hunting rows, one JSON object per line: DeviceNetworkEvents, "
                       "DeviceProcessEvents, DeviceEvents DnsQueryResponse (Sentinel copies too)",
        .kinds = kinds_of({event_kind::process_creation, event_kind::network_connection, event_kind::dns_query}),
        .open_reader = open_defender_reader,
        .open_writer = open_defender_writer,
        .retain = retain_defender,
    };
    return info;
}

}  // namespace sclab::telemetry
