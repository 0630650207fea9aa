// The registry of formats: one line per format. Each format's file defines `const format_info& NAME_format()`.
#include <vector>

#include "telemetry/format.hpp"

// clang-format off
#define SCLAB_FORMATS(X) \
    X(ecs_json) \
    X(cloudtrail) \
    X(cloudflare_audit) \
    X(gcp_audit) \
    X(sysmon_xml) \
    X(powershell_4104) \
    X(squid) \
    X(squid_upload) \
    X(panos_traffic) \
    X(leef) \
    X(zeek_conn) \
    X(defender_json)
// clang-format on

namespace sclab::telemetry {

#define SCLAB_DECLARE_FORMAT(name) const format_info& name##_format();
SCLAB_FORMATS(SCLAB_DECLARE_FORMAT)

std::span<const format_info* const> all_formats() {
#define SCLAB_LIST_FORMAT(name) &name##_format(),
    static const std::vector<const format_info*> formats = {SCLAB_FORMATS(SCLAB_LIST_FORMAT)};
    return formats;
}

const format_info* find_format(std::string_view name) {
    for (const format_info* f : all_formats())
        if (f->name == name) return f;
    return nullptr;
}

}  // namespace sclab::telemetry
