// Names the calling thread as `top -H`, ps -L and /proc/PID/task/TID/comm show it (Linux keeps 15 bytes of it):
// the emulator's threads are told apart there, and bench/run_emulator.sh splits the CPU time by them.
#pragma once

#include <string_view>

namespace sclab::emulators {

void name_this_thread(std::string_view name);

}  // namespace sclab::emulators
