#include "cli/options.hpp"

#include <iostream>

#include "telemetry/input_error.hpp"

namespace sclab::cli {

bool parse_options(int argc, char** argv, const std::string& usage_line, const std::string& description,
                   const po::options_description& options, po::variables_map& vm,
                   const po::positional_options_description* positional) {
    po::options_description all(options);
    all.add_options()("help,h", "show this help");
    try {
        po::command_line_parser parser(argc, argv);
        parser.options(all);
        if (positional != nullptr) parser.positional(*positional);
        po::store(parser.run(), vm);
        if (vm.count("help")) {
            std::cout << "usage: " << usage_line << "\n\n" << description << "\n\n" << all << "\n";
            return false;
        }
        po::notify(vm);
    } catch (const po::error& e) {
        throw telemetry::usage_error(e.what());
    }
    return true;
}

}  // namespace sclab::cli
