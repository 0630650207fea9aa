// What the client's kernel counted on a TCP connection: the reference the server's byte counts must match.
#pragma once

#include <cstdint>

namespace sclab::emulators::server_testing {

struct client_tcp_counts {
    std::uint64_t bytes_acked = 0;     // sent by the client and acknowledged by the server
    std::uint64_t bytes_received = 0;  // received from the server
};

client_tcp_counts read_client_tcp_counts(int fd);

}  // namespace sclab::emulators::server_testing
