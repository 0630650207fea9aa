// A real TLS client for the server tests: Beast over asio's OpenSSL stream, trusting only the lab CA and
// checking the certificate's name, as curl --cacert would.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/http.hpp>

namespace sclab::emulators::server_testing {

namespace http = boost::beast::http;

class tls_test_client {
public:
    // Connects to 127.0.0.1:port and shakes hands. `server_name` is sent as SNI and checked against the
    // certificate (a DNS name or an IP address); empty sends no SNI and checks the certificate for 127.0.0.1.
    // Throws boost::system::system_error when the connection or the verification fails.
    tls_test_client(std::uint16_t port, const std::string& ca_pem, const std::string& server_name);
    ~tls_test_client();

    // One request on this connection (keep-alive); Host defaults to the server name.
    http::response<http::string_body> send(http::request<http::string_body> req);
    http::response<http::string_body> get(const std::string& target);

    // Raw bytes over TLS (for slowloris and malformed requests).
    void write_raw(const std::string& bytes);
    // Reads until the server closes or `seconds` pass; returns what arrived.
    std::string read_until_closed(double seconds);
    // True when the server closes the connection within `wait_seconds` (what arrives meanwhile is discarded).
    bool closed_by_server(double wait_seconds);

    boost::asio::ssl::stream<boost::asio::ip::tcp::socket>& stream() { return *stream_; }
    // Runs the stream's asynchronous operations (tests that read and write at the same time).
    boost::asio::io_context& io() { return ioc_; }
    const std::string& server_name() const { return server_name_; }

private:
    bool read_for(double seconds, std::string& out);

    boost::asio::io_context ioc_;
    boost::asio::ssl::context ctx_;
    std::unique_ptr<boost::asio::ssl::stream<boost::asio::ip::tcp::socket>> stream_;
    std::string server_name_;
};

// The subject alternative names of the certificate the server presented: "DNS:a.example,IP:127.0.0.1".
std::string peer_certificate_subject_alt_names(SSL* ssl);

}  // namespace sclab::emulators::server_testing
