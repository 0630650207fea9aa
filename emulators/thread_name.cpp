#include "emulators/thread_name.hpp"

#include <pthread.h>

#include <algorithm>
#include <cstring>

namespace sclab::emulators {

void name_this_thread(std::string_view name) {
    char text[16];  // the kernel's limit, with the terminating NUL
    const std::size_t n = std::min(name.size(), sizeof text - 1);
    std::memcpy(text, name.data(), n);
    text[n] = '\0';
    pthread_setname_np(pthread_self(), text);  // a name is a courtesy: failing to set it changes nothing
}

}  // namespace sclab::emulators
