// Shared Boost.Program_options handling for subcommands: --help, and bad flags as usage errors (exit 2).
#pragma once

#include <string>

#include <boost/program_options.hpp>

namespace sclab::cli {

namespace po = boost::program_options;

// Parses argv into `vm`. Returns false when --help was given (the help text is already printed).
// Throws telemetry::usage_error for unknown flags, missing values and the like.
bool parse_options(int argc, char** argv, const std::string& usage_line, const std::string& description,
                   const po::options_description& options, po::variables_map& vm,
                   const po::positional_options_description* positional = nullptr);

}  // namespace sclab::cli
