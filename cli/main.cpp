// `sclab`: argument parsing and wiring only. Each subcommand lives in its own file.
#include <cstdio>
#include <cstring>
#include <exception>
#include <string_view>

#include "cli/commands.hpp"
#include "telemetry/input_error.hpp"

namespace {

struct subcommand {
    std::string_view name;
    std::string_view summary;
    int (*run)(int, char**);  // nullptr: not built yet
};

const subcommand subcommands[] = {
    {"emulate", "serve the fake serverless internet of the lab over HTTPS (workers.dev, Lambda URLs, ...)",
#ifdef SCLAB_HAVE_EMULATE
     sclab::cli::run_emulate_command
#else
     nullptr
#endif
    },
    {"run", "play the atomic scenarios against the emulators and write endpoint telemetry and truth", nullptr},
    {"generate", "write benign and background telemetry (false-positive corpora) at scale", nullptr},
    {"verify", "replay telemetry through the detectors and score them against the truth", nullptr},
    {"lab", "the whole lab end to end: emulate, run, generate, verify, report", nullptr},
    {"convert", "convert telemetry between formats (any format to any format that can carry it)",
     sclab::cli::run_convert_command},
};

void print_usage(std::FILE* to) {
    std::fprintf(to,
                 "sclab: a lab harness for detections of serverless command-and-control (T1583.007, T1584.007)\n\n"
                 "usage: sclab <command> [options]     sclab <command> --help\n\ncommands:\n");
    for (const subcommand& c : subcommands)
        std::fprintf(to, "  %-9.*s %.*s%s\n", static_cast<int>(c.name.size()), c.name.data(),
                     static_cast<int>(c.summary.size()), c.summary.data(), c.run ? "" : " (not built yet)");
    std::fprintf(to,
                 "\nexit codes: 0 all is well, 1 a check failed (a detection regression), 2 a usage or input error\n");
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        print_usage(stderr);
        return sclab::cli::exit_usage;
    }
    std::string_view command = argv[1];
    if (command == "--help" || command == "-h" || command == "help") {
        print_usage(stdout);
        return sclab::cli::exit_ok;
    }
    if (command == "--version") {
        std::printf("sclab 0.1.0\n");
        return sclab::cli::exit_ok;
    }
    for (const subcommand& c : subcommands) {
        if (c.name != command) continue;
        if (c.run == nullptr) {
            std::fprintf(stderr, "sclab %.*s: not built yet; this release has: convert%s\n",
                         static_cast<int>(c.name.size()), c.name.data(),
#ifdef SCLAB_HAVE_EMULATE
                         ", emulate"
#else
                         ""
#endif
            );
            return sclab::cli::exit_usage;
        }
        try {
            return c.run(argc - 1, argv + 1);
        } catch (const sclab::telemetry::input_error& e) {
            std::fprintf(stderr, "sclab %s: %s\n", argv[1], e.what());
        } catch (const sclab::telemetry::usage_error& e) {
            std::fprintf(stderr, "sclab %s: %s (see sclab %s --help)\n", argv[1], e.what(), argv[1]);
        } catch (const std::exception& e) {
            std::fprintf(stderr, "sclab %s: %s\n", argv[1], e.what());
        }
        return sclab::cli::exit_usage;
    }
    std::fprintf(stderr, "sclab: unknown command '%s'\n\n", argv[1]);
    print_usage(stderr);
    return sclab::cli::exit_usage;
}
