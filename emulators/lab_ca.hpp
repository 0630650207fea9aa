// The lab's certificate authority. Clients that trust it (curl --cacert, NODE_EXTRA_CA_CERTS, AWS_CA_BUNDLE,
// a lab machine's trust store) verify the emulators' certificates for real, hostname check included, so the
// TLS they speak is the TLS they would speak to the real platforms.
//
// The CA (EC P-256, self-signed, CA:TRUE, keyCertSign) lives in a state directory and is created on first
// start; later starts reuse it, so a CA imported once stays valid. Leaf certificates are minted on demand,
// one per name the clients ask for, and cached in memory.
#pragma once

#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "emulators/openssl_handles.hpp"

namespace sclab::emulators {

// A server certificate and its key, ready for SSL_use_cert_and_key.
struct leaf_certificate {
    x509_ptr certificate;
    evp_pkey_ptr key;  // one leaf key per process, shared by every leaf (minting then costs one signature)
};

// True for a name usable as a DNS SAN: ASCII letters, digits, '-', '_' and dots; labels of 1..63 characters,
// at most 253 in all, no leading or trailing dot. (SNI carries exactly such names; anything else is treated
// as "no usable SNI".)
bool is_dns_name(std::string_view name);
// True for a textual IPv4 or IPv6 address.
bool is_ip_address(std::string_view text);

class lab_ca {
public:
    // Loads the CA from `state_dir`, or creates it there when the directory holds none (the directory is
    // created with mode 0700, the key file with 0600). Throws telemetry::input_error naming the file for a
    // damaged or half-present CA or a key file others can read.
    explicit lab_ca(const std::filesystem::path& state_dir);
    ~lab_ca();
    lab_ca(const lab_ca&) = delete;
    lab_ca& operator=(const lab_ca&) = delete;

    // True when this construction created the CA (first start).
    bool created() const { return created_; }
    const std::filesystem::path& certificate_path() const { return certificate_path_; }
    const std::filesystem::path& key_path() const { return key_path_; }
    // The CA certificate in PEM, for --print-ca and for clients' trust stores.
    const std::string& certificate_pem() const { return certificate_pem_; }
    X509* certificate() const { return ca_certificate_.get(); }

    // A certificate for `dns_name` (lowercase; must satisfy is_dns_name) or for the IP address `ip` (an IP SAN).
    // Minted on first use, then cached; thread-safe. The cache holds at most `cache_capacity` names; past that an
    // arbitrary entry is dropped (a client sending random SNI names cannot grow memory without bound).
    std::shared_ptr<const leaf_certificate> leaf_for_dns_name(std::string_view dns_name);
    std::shared_ptr<const leaf_certificate> leaf_for_ip(std::string_view ip);

    static constexpr std::size_t cache_capacity = 4096;
    static constexpr int ca_validity_days = 3650;
    // 397 days: the longest validity Apple and the browsers accept for a server certificate.
    static constexpr int leaf_validity_days = 397;

private:
    std::shared_ptr<const leaf_certificate> leaf_for(const std::string& cache_key, std::string_view san);

    std::filesystem::path certificate_path_, key_path_;
    bool created_ = false;
    evp_pkey_ptr ca_key_;
    x509_ptr ca_certificate_;
    std::string certificate_pem_;
    evp_pkey_ptr leaf_key_;

    std::mutex cache_mutex_;
    std::unordered_map<std::string, std::shared_ptr<const leaf_certificate>> cache_;
};

}  // namespace sclab::emulators
