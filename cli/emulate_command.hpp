// `sclab emulate`: serves the lab's fake serverless internet (workers.dev, Lambda URLs, Apps Script, Cloud
// Functions, their control planes) over HTTPS with the lab CA, and writes the network-side logs.
// The entry point, run_emulate_command, is declared in cli/commands.hpp; this header holds its helpers.
#pragma once

#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "emulators/lab_config.hpp"

namespace sclab::cli {

// A data file that ships with sclab: `<prefix>/share/sclab/<installed>` beside an installed binary, else
// `<dir>/<in_source>` for the first ancestor <dir> of the binary's directory that has it (a build directory
// inside the source tree). Empty when neither exists.
std::string find_shipped_file(const std::string& in_source, const std::string& installed);

// The control planes' hostnames for a lab: lambda.<region>.amazonaws.com for every region with a function,
// api.cloudflare.com when the lab has a Cloudflare account, the Google admin host.
std::vector<std::string> control_plane_hostnames(const emulators::lab_config& lab);

}  // namespace sclab::cli
