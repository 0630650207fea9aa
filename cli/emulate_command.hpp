// `sclab emulate`: serves the lab's fake serverless internet (workers.dev, Lambda URLs, Apps Script, Cloud
// Functions, their control planes) over HTTPS with the lab CA, and writes the network-side logs.
// The entry point, run_emulate_command, is declared in cli/commands.hpp; this header holds its helpers.
#pragma once

#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "emulators/lab_config.hpp"

namespace sclab::cli {

// A data file that ships with sclab, `relative` to a data directory ("labs/default.json",
// "profiles/platforms.json"), looked for in order in: $SCLAB_DATA_DIR; `<bin>/../share/sclab` (an installed
// sclab); `<source>/emulators` when the binary runs from its own build tree. `found` is empty when none has it;
// `looked_in` names every place, for the error.
struct shipped_file_search {
    std::string found;
    std::vector<std::string> looked_in;
};
shipped_file_search find_shipped_file(const std::string& relative);

// The control planes' hostnames for a lab: lambda.<region>.amazonaws.com for every region with a function,
// api.cloudflare.com when the lab has a Cloudflare account, the Google admin host.
std::vector<std::string> control_plane_hostnames(const emulators::lab_config& lab);

}  // namespace sclab::cli
