// The subcommands of `sclab`. Each takes the arguments after its name and returns the exit code:
// 0 all is well, 1 a check failed (a detection regression), 2 a usage or input error.
#pragma once

namespace sclab::cli {

inline constexpr int exit_ok = 0;
inline constexpr int exit_check_failed = 1;
inline constexpr int exit_usage = 2;

int run_convert_command(int argc, char** argv);
int run_emulate_command(int argc, char** argv);

}  // namespace sclab::cli
