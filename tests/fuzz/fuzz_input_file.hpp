// Readers take paths (they stream files), so each fuzz input is written to a file in /dev/shm first.
#pragma once

#include <fcntl.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <string>

namespace sclab::fuzzing {

inline const std::string& fuzz_input_path() {
    static const std::string path = "/dev/shm/sclab-fuzz-" + std::to_string(::getpid());
    return path;
}

inline void write_fuzz_input(const std::uint8_t* data, std::size_t size) {
    int fd = ::open(fuzz_input_path().c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd < 0) std::abort();
    while (size > 0) {
        ssize_t n = ::write(fd, data, size);
        if (n <= 0) std::abort();
        data += n;
        size -= static_cast<std::size_t>(n);
    }
    ::close(fd);
}

}  // namespace sclab::fuzzing
