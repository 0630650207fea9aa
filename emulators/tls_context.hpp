// The server side of TLS: one context for every connection, with a certificate callback that picks (minting on
// first use) the lab CA's certificate for the name the client asked for.
#pragma once

#include <string>

#include <boost/asio/ssl/context.hpp>

#include "emulators/lab_ca.hpp"

namespace sclab::emulators {

class tls_server_context {
public:
    // `ca` must outlive the context and every connection made with it.
    explicit tls_server_context(lab_ca& ca);
    boost::asio::ssl::context& context() { return context_; }

    // Tells the certificate callback the local address a connection arrived on: its certificate carries that
    // address as an IP SAN when the client sends no usable SNI (clients that reach the emulator by address, such
    // as the AWS CLI with --endpoint-url). `local_ip` must outlive the handshake.
    static void set_connection_address(SSL* ssl, const std::string* local_ip);

private:
    boost::asio::ssl::context context_;
};

// The SNI a handshake carried (lowercased), or empty when the client sent none.
std::string tls_server_name(SSL* ssl);

}  // namespace sclab::emulators
