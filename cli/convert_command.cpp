// `sclab convert`: any format to any format that can carry the events, streaming, atomic output.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <iostream>
#include <map>

#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "telemetry/format.hpp"

namespace sclab::cli {

namespace {

using telemetry::event_kind;
using telemetry::format_info;

void list_formats() {
    std::printf("format             carries\n");
    for (const format_info* f : telemetry::all_formats()) {
        std::string kinds;
        for (int k = 0; k < telemetry::event_kind_count; ++k) {
            if (!f->carries(static_cast<event_kind>(k))) continue;
            if (!kinds.empty()) kinds += ", ";
            kinds += telemetry::to_string(static_cast<event_kind>(k));
        }
        std::printf("%-18.*s %s\n%-18s %.*s\n", static_cast<int>(f->name.size()), f->name.data(), kinds.c_str(), "",
                    static_cast<int>(f->description.size()), f->description.data());
    }
}

const format_info& require_format(const std::string& name, const char* flag) {
    const format_info* f = telemetry::find_format(name);
    if (f == nullptr) {
        std::string known;
        for (const format_info* g : telemetry::all_formats()) known += (known.empty() ? "" : ", ") + std::string(g->name);
        throw telemetry::usage_error(std::string(flag) + ": unknown format '" + name + "' (known: " + known + ")");
    }
    return *f;
}

// Progress on stderr about once a second, only when a person is watching.
class progress_line {
public:
    progress_line() : enabled_(::isatty(2) != 0), start_(std::chrono::steady_clock::now()), last_(start_) {}
    void tick(std::uint64_t events) {
        if (!enabled_ || (events & 0xFFFF) != 0) return;
        auto now = std::chrono::steady_clock::now();
        if (now - last_ < std::chrono::seconds(1)) return;
        last_ = now;
        double secs = std::chrono::duration<double>(now - start_).count();
        std::fprintf(stderr, "\rconverted %llu events (%.0f/s)", static_cast<unsigned long long>(events), events / secs);
        shown_ = true;
    }
    ~progress_line() {
        if (shown_) std::fputc('\n', stderr);
    }

private:
    bool enabled_, shown_ = false;
    std::chrono::steady_clock::time_point start_, last_;
};

}  // namespace

int run_convert_command(int argc, char** argv) {
    po::options_description options("options");
    options.add_options()
        ("from,f", po::value<std::string>(), "input format (see --list)")
        ("to,t", po::value<std::string>(), "output format (see --list)")
        ("input,i", po::value<std::vector<std::string>>()->default_value({"-"}, "-"),
         "input file, repeatable; - is standard input")
        ("output,o", po::value<std::string>()->default_value("-"),
         "output file, written atomically (temporary file, then rename); - is standard output")
        ("lenient", "skip malformed records, count them and report the first ones, instead of stopping at the first")
        ("list", "list the formats and the event kinds each carries");
    po::positional_options_description positional;
    positional.add("input", -1);
    po::variables_map vm;
    if (!parse_options(argc, argv, "sclab convert --from FMT --to FMT [-o OUT] [IN...]",
                       "Reads events in one format and writes them in another. Events of a kind the output format\n"
                       "cannot carry (say, process starts into zeek-conn) are counted and reported, not written.\n"
                       "Exit codes: 0 converted; 2 usage or input error (nothing is left at the output path).",
                       options, vm, &positional))
        return exit_ok;
    if (vm.count("list")) {
        list_formats();
        return exit_ok;
    }
    if (!vm.count("from") || !vm.count("to")) throw telemetry::usage_error("--from and --to are both required");
    const format_info& from = require_format(vm["from"].as<std::string>(), "--from");
    const format_info& to = require_format(vm["to"].as<std::string>(), "--to");
    const auto& inputs = vm["input"].as<std::vector<std::string>>();
    const telemetry::read_options read_opts{.strict = vm.count("lenient") == 0};

    telemetry::output_file out(vm["output"].as<std::string>());
    auto writer = to.open_writer(out);
    std::uint64_t written = 0;
    std::map<event_kind, std::uint64_t> not_carried;
    std::uint64_t skipped = 0;
    progress_line progress;
    telemetry::event e;
    for (const std::string& input : inputs) {
        auto reader = from.open_reader(input, read_opts);
        while (reader->next(e)) {
            if (writer->write(e)) ++written;
            else ++not_carried[e.kind];
            progress.tick(written);
        }
        const auto& problems = reader->problems();
        skipped += problems.skipped();
        for (const auto& p : problems.kept()) std::fprintf(stderr, "sclab convert: skipped %s\n", p.what());
        if (problems.skipped() > problems.kept().size())
            std::fprintf(stderr, "sclab convert: ... and %llu more malformed records in %s\n",
                         static_cast<unsigned long long>(problems.skipped() - problems.kept().size()), input.c_str());
    }
    for (const auto& [kind, n] : not_carried)
        std::fprintf(stderr, "sclab convert: %llu %s events not written: %.*s cannot carry them\n",
                     static_cast<unsigned long long>(n), std::string(telemetry::to_string(kind)).c_str(),
                     static_cast<int>(to.name.size()), to.name.data());
    if (written == 0 && !not_carried.empty())
        throw telemetry::usage_error("nothing to write: " + std::string(to.name) + " can carry none of the input's events");
    writer->finish();
    out.commit();
    if (skipped > 0)
        std::fprintf(stderr, "sclab convert: wrote %llu events; skipped %llu malformed records (--lenient)\n",
                     static_cast<unsigned long long>(written), static_cast<unsigned long long>(skipped));
    return exit_ok;
}

}  // namespace sclab::cli
