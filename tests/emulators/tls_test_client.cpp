#include "tls_test_client.hpp"

#include <poll.h>

#include <chrono>

#include <boost/asio/connect.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <openssl/x509v3.h>

namespace sclab::emulators::server_testing {

namespace net = boost::asio;
using net::ip::tcp;

tls_test_client::tls_test_client(std::uint16_t port, const std::string& ca_pem, const std::string& server_name)
    : ctx_(net::ssl::context::tls_client), server_name_(server_name) {
    ctx_.add_certificate_authority(net::buffer(ca_pem));
    ctx_.set_verify_mode(net::ssl::verify_peer);
    stream_ = std::make_unique<net::ssl::stream<tcp::socket>>(ioc_, ctx_);
    SSL* ssl = stream_->native_handle();
    const std::string checked = server_name.empty() ? "127.0.0.1" : server_name;
    if (!server_name.empty() && server_name.find_first_not_of("0123456789.") != std::string::npos)
        SSL_set_tlsext_host_name(ssl, server_name.c_str());
    // Hostname (or IP) verification by OpenSSL itself, as curl does.
    X509_VERIFY_PARAM* param = SSL_get0_param(ssl);
    if (checked.find_first_not_of("0123456789.") == std::string::npos) X509_VERIFY_PARAM_set1_ip_asc(param, checked.c_str());
    else X509_VERIFY_PARAM_set1_host(param, checked.c_str(), 0);
    stream_->next_layer().connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
    stream_->handshake(net::ssl::stream_base::client);
}

tls_test_client::~tls_test_client() {
    boost::system::error_code ignored;
    stream_->next_layer().close(ignored);
}

http::response<http::string_body> tls_test_client::send(http::request<http::string_body> req) {
    if (req.find(http::field::host) == req.end()) req.set(http::field::host, server_name_);
    req.prepare_payload();
    http::write(*stream_, req);
    boost::beast::flat_buffer buffer;
    http::response<http::string_body> res;
    http::read(*stream_, buffer, res);
    return res;
}

http::response<http::string_body> tls_test_client::get(const std::string& target) {
    return send(http::request<http::string_body>(http::verb::get, target, 11));
}

void tls_test_client::write_raw(const std::string& bytes) { net::write(*stream_, net::buffer(bytes)); }

namespace {

// True when the TLS stream has bytes to read within `seconds` (already decrypted, or on the socket).
// (SO_RCVTIMEO cannot do this: Asio's blocking read polls again, without limit, after EAGAIN.)
bool readable_within(net::ssl::stream<tcp::socket>& stream, double seconds) {
    if (SSL_pending(stream.native_handle()) > 0) return true;
    pollfd p{stream.next_layer().native_handle(), POLLIN, 0};
    return ::poll(&p, 1, static_cast<int>(seconds * 1000)) == 1;
}

}  // namespace

// Reads for up to `seconds`, in non-blocking mode so that a TLS record without application data (a session
// ticket) or half a record cannot block the wait. Returns true when the server closed the connection.
bool tls_test_client::read_for(double seconds, std::string& out) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
    auto& sock = stream_->next_layer();
    sock.non_blocking(true);
    bool closed = false;
    char buf[4096];
    for (;;) {
        double left = std::chrono::duration<double>(deadline - std::chrono::steady_clock::now()).count();
        if (left <= 0 || !readable_within(*stream_, left)) break;
        boost::system::error_code ec;
        std::size_t n = stream_->read_some(net::buffer(buf), ec);
        out.append(buf, n);
        if (ec == net::error::would_block || ec == net::error::try_again) continue;
        if (ec) {
            closed = true;
            break;
        }
    }
    sock.non_blocking(false);
    return closed;
}

std::string tls_test_client::read_until_closed(double seconds) {
    std::string out;
    read_for(seconds, out);
    return out;
}

bool tls_test_client::closed_by_server(double wait_seconds) {
    std::string ignored;
    return read_for(wait_seconds, ignored);
}

std::string peer_certificate_subject_alt_names(SSL* ssl) {
    X509* cert = SSL_get1_peer_certificate(ssl);
    if (cert == nullptr) return {};
    std::string out;
    auto* names = static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr));
    for (int i = 0; names != nullptr && i < sk_GENERAL_NAME_num(names); ++i) {
        const GENERAL_NAME* n = sk_GENERAL_NAME_value(names, i);
        if (!out.empty()) out += ",";
        if (n->type == GEN_DNS) {
            out += "DNS:";
            out.append(reinterpret_cast<const char*>(ASN1_STRING_get0_data(n->d.dNSName)),
                       static_cast<std::size_t>(ASN1_STRING_length(n->d.dNSName)));
        } else if (n->type == GEN_IPADD) {
            const unsigned char* ip = ASN1_STRING_get0_data(n->d.iPAddress);
            if (ASN1_STRING_length(n->d.iPAddress) == 4)
                out += "IP:" + std::to_string(ip[0]) + "." + std::to_string(ip[1]) + "." + std::to_string(ip[2]) + "." +
                       std::to_string(ip[3]);
            else out += "IP:v6";
        }
    }
    GENERAL_NAMES_free(names);
    X509_free(cert);
    return out;
}

}  // namespace sclab::emulators::server_testing
