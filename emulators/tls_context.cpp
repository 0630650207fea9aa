#include "emulators/tls_context.hpp"

#include <openssl/ssl.h>

#include "telemetry/text.hpp"

namespace sclab::emulators {

namespace {

// The ex_data slot of an SSL object that points at its connection's local address.
int local_address_index() {
    static const int index = SSL_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
    return index;
}

// Runs during the handshake once the ClientHello (and so the SNI) is known: this is the SNI callback, in the
// form OpenSSL 3 recommends (SSL_CTX_set_cert_cb also runs when the client sends no SNI, which the older
// servername callback does not).
int select_certificate(SSL* ssl, void* arg) {
    auto* ca = static_cast<lab_ca*>(arg);
    try {
        std::shared_ptr<const leaf_certificate> leaf;
        std::string name = tls_server_name(ssl);
        if (is_ip_address(name)) {
            // RFC 6066 forbids IP literals in SNI, but some clients send them: the address they name is the one
            // they will check.
            leaf = ca->leaf_for_ip(name);
        } else if (is_dns_name(name)) {
            leaf = ca->leaf_for_dns_name(name);
        } else {
            const auto* local_ip = static_cast<const std::string*>(SSL_get_ex_data(ssl, local_address_index()));
            if (local_ip == nullptr || !is_ip_address(*local_ip)) return 0;
            leaf = ca->leaf_for_ip(*local_ip);
        }
        return SSL_use_cert_and_key(ssl, leaf->certificate.get(), leaf->key.get(), nullptr, 1) == 1 ? 1 : 0;
    } catch (...) {
        return 0;  // the handshake fails with an internal_error alert
    }
}

// ALPN: http/1.1 only. The server speaks HTTP/1.1 (Boost.Beast has no HTTP/2), so advertising h2 would make
// curl, browsers and Node switch to a protocol we cannot answer. Real edges (Cloudflare, Google) do offer h2;
// clients here negotiate http/1.1 instead, which changes nothing the network logs record except ALPN itself.
// A client that offers only h2 gets no ALPN answer and may still speak HTTP/1.1.
int select_alpn(SSL*, const unsigned char** out, unsigned char* outlen, const unsigned char* in, unsigned int inlen,
                void*) {
    static const unsigned char http11[] = "\x08http/1.1";
    unsigned char* selected = nullptr;
    if (SSL_select_next_proto(&selected, outlen, http11, sizeof http11 - 1, in, inlen) == OPENSSL_NPN_NEGOTIATED) {
        *out = selected;
        return SSL_TLSEXT_ERR_OK;
    }
    return SSL_TLSEXT_ERR_NOACK;
}

}  // namespace

tls_server_context::tls_server_context(lab_ca& ca) : context_(boost::asio::ssl::context::tls_server) {
    SSL_CTX* ctx = context_.native_handle();
    context_.set_options(boost::asio::ssl::context::default_workarounds | boost::asio::ssl::context::no_sslv2 |
                         boost::asio::ssl::context::no_sslv3 | boost::asio::ssl::context::single_dh_use);
    SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
    // Idle connections give their 16 KB read/write buffers back: what lets thousands of beaconing clients stay
    // connected cheaply.
    SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS);
    // No server-side session cache (its memory grows with every client); resumption still works with the
    // stateless tickets OpenSSL sends by default.
    SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
    SSL_CTX_set_cert_cb(ctx, select_certificate, &ca);
    SSL_CTX_set_alpn_select_cb(ctx, select_alpn, nullptr);
}

void tls_server_context::set_connection_address(SSL* ssl, const std::string* local_ip) {
    SSL_set_ex_data(ssl, local_address_index(), const_cast<std::string*>(local_ip));
}

std::string tls_server_name(SSL* ssl) {
    const char* name = SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name);
    if (name == nullptr) return {};
    std::string_view view(name);
    if (view.size() > 255) view = view.substr(0, 255);
    return telemetry::to_lower(view);
}

}  // namespace sclab::emulators
