// Apart from the other test files: <linux/tcp.h> clashes with <netinet/tcp.h>, which Asio includes.
#include "client_tcp_counts.hpp"

#include <linux/tcp.h>
#include <netinet/in.h>
#include <sys/socket.h>

namespace sclab::emulators::server_testing {

client_tcp_counts read_client_tcp_counts(int fd) {
    struct tcp_info info {};
    socklen_t size = sizeof info;
    if (::getsockopt(fd, IPPROTO_TCP, TCP_INFO, &info, &size) != 0) return {};
    // bytes_acked counts the SYN too (it takes one sequence number); bytes_received counts data only.
    return {info.tcpi_bytes_acked > 0 ? info.tcpi_bytes_acked - 1 : 0, info.tcpi_bytes_received};
}

}  // namespace sclab::emulators::server_testing
