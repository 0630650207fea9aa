// Thread names: what /proc shows for the emulator's threads (top -H, and bench/run_emulator.sh's CPU split).
#include "emulators/thread_name.hpp"

#include <sys/syscall.h>
#include <unistd.h>

#include <fstream>
#include <string>
#include <thread>

#include <gtest/gtest.h>

namespace sclab::emulators {
namespace {

std::string comm_of_this_thread() {
    std::ifstream in("/proc/self/task/" + std::to_string(::syscall(SYS_gettid)) + "/comm");
    std::string name;
    std::getline(in, name);
    return name;
}

TEST(ThreadName, ShowsInProcAndIsCutToTheKernelsFifteenBytes) {
    std::string short_name, long_name;
    std::thread([&] {
        name_this_thread("sclab-logs");
        short_name = comm_of_this_thread();
        name_this_thread("sclab-io-0123456789");
        long_name = comm_of_this_thread();
    }).join();
    EXPECT_EQ(short_name, "sclab-logs");
    EXPECT_EQ(long_name, "sclab-io-012345");
}

}  // namespace
}  // namespace sclab::emulators
