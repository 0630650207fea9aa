// Packet counts of a TCP connection as the kernel saw them (Linux TCP_INFO), for the PAN-OS and Zeek records:
// the application sees bytes, only the kernel sees segments.
#pragma once

#include <cstdint>
#include <optional>

namespace sclab::emulators {

struct tcp_segment_counts {
    std::uint64_t segments_in = 0;   // from the client, pure ACKs included (what a sensor counts as packets)
    std::uint64_t segments_out = 0;  // to the client
};

// nullopt when the socket is closed or the kernel does not report segment counts.
std::optional<tcp_segment_counts> read_tcp_segment_counts(int socket_fd);

}  // namespace sclab::emulators
