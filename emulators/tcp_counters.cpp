// Kept apart because <linux/tcp.h>, which has the segment counters, clashes with <netinet/tcp.h> (used by Asio).
#include "emulators/tcp_counters.hpp"

#include <linux/tcp.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cstddef>

namespace sclab::emulators {

std::optional<tcp_segment_counts> read_tcp_segment_counts(int socket_fd) {
    if (socket_fd < 0) return std::nullopt;
    struct tcp_info info {};
    socklen_t size = sizeof info;
    if (::getsockopt(socket_fd, IPPROTO_TCP, TCP_INFO, &info, &size) != 0) return std::nullopt;
    // Kernels before 4.2 fill a shorter struct without the segment counters.
    if (size < offsetof(struct tcp_info, tcpi_segs_in) + sizeof info.tcpi_segs_in) return std::nullopt;
    return tcp_segment_counts{info.tcpi_segs_in, info.tcpi_segs_out};
}

}  // namespace sclab::emulators
