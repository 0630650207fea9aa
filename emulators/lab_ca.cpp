#include "emulators/lab_ca.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <utility>
#include <vector>

#include <openssl/pem.h>

#include "telemetry/input_error.hpp"

namespace sclab::emulators {

namespace {

using telemetry::input_error;

constexpr const char* certificate_file_name = "lab-ca.pem";
constexpr const char* key_file_name = "lab-ca-key.pem";
constexpr const char* organization = "sclab lab";

std::string errno_text() { return std::strerror(errno); }

evp_pkey_ptr generate_p256_key() {
    evp_pkey_ptr key(EVP_EC_gen("P-256"));
    if (!key) throw_openssl_error("generating an EC P-256 key");
    return key;
}

std::string memory_bio_text(BIO* bio) {
    char* data = nullptr;
    long size = BIO_get_mem_data(bio, &data);
    return std::string(data, static_cast<std::size_t>(size));
}

std::string key_pem(EVP_PKEY* key) {
    bio_ptr bio(BIO_new(BIO_s_mem()));
    if (!bio || PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) != 1)
        throw_openssl_error("encoding the lab CA key");
    return memory_bio_text(bio.get());
}

std::string certificate_pem_of(X509* cert) {
    bio_ptr bio(BIO_new(BIO_s_mem()));
    if (!bio || PEM_write_bio_X509(bio.get(), cert) != 1) throw_openssl_error("encoding the lab CA certificate");
    return memory_bio_text(bio.get());
}

std::string read_whole_file(const std::filesystem::path& path) {
    std::FILE* f = std::fopen(path.c_str(), "rb");
    if (f == nullptr) throw input_error(path.string(), 0, "cannot open: " + errno_text());
    std::string text;
    char chunk[4096];
    std::size_t n;
    while ((n = std::fread(chunk, 1, sizeof chunk, f)) > 0) text.append(chunk, n);
    std::fclose(f);
    return text;
}

// Temporary file, fsync, rename: a crash never leaves a half-written key or certificate under the final name.
// The key is created with `mode` from the start (O_EXCL), so it is never readable by others, not even briefly.
void write_file_atomically(const std::filesystem::path& path, const std::string& content, mode_t mode) {
    std::string temp = path.string() + ".partial-" + std::to_string(::getpid());
    int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
    if (fd < 0) throw input_error(temp, 0, "cannot create: " + errno_text());
    bool ok = ::fchmod(fd, mode) == 0;
    const char* p = content.data();
    std::size_t left = content.size();
    while (ok && left > 0) {
        ssize_t n = ::write(fd, p, left);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            ok = false;
            break;
        }
        p += n;
        left -= static_cast<std::size_t>(n);
    }
    ok = ok && ::fsync(fd) == 0;
    std::string error = ok ? std::string() : errno_text();
    ::close(fd);
    if (ok && std::rename(temp.c_str(), path.c_str()) != 0) {
        ok = false;
        error = errno_text();
    }
    if (!ok) {
        ::unlink(temp.c_str());
        throw input_error(path.string(), 0, "cannot write: " + error);
    }
}

void add_name_entry(X509_NAME* name, const char* field, const std::string& value) {
    if (X509_NAME_add_entry_by_txt(name, field, MBSTRING_UTF8, reinterpret_cast<const unsigned char*>(value.c_str()),
                                   -1, -1, 0) != 1)
        throw_openssl_error("building a certificate name");
}

// What differs between the CA certificate and a leaf; everything else (version 3, random serial, SHA-256
// signature, validity starting an hour ago to absorb clock skew between lab machines) is common.
struct certificate_spec {
    EVP_PKEY* subject_key = nullptr;
    std::string common_name;
    X509* issuer = nullptr;          // nullptr: self-signed
    EVP_PKEY* issuer_key = nullptr;  // the key that signs
    int validity_days = 0;
    // (NID, OpenSSL config value) in the order they are added; SKI before AKI so AKI can refer to it.
    std::vector<std::pair<int, std::string>> extensions;
};

x509_ptr build_certificate(const certificate_spec& spec) {
    x509_ptr cert(X509_new());
    if (!cert || X509_set_version(cert.get(), X509_VERSION_3) != 1) throw_openssl_error("creating a certificate");

    bignum_ptr serial(BN_new());
    if (!serial || BN_rand(serial.get(), 128, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) != 1 ||
        BN_to_ASN1_INTEGER(serial.get(), X509_get_serialNumber(cert.get())) == nullptr)
        throw_openssl_error("choosing a certificate serial number");

    if (X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600) == nullptr ||
        X509_time_adj_ex(X509_getm_notAfter(cert.get()), spec.validity_days, 0, nullptr) == nullptr)
        throw_openssl_error("setting a certificate's validity");
    // A leaf never outlives its CA (verifiers reject that chain).
    if (spec.issuer != nullptr && ASN1_TIME_compare(X509_get0_notAfter(cert.get()), X509_get0_notAfter(spec.issuer)) > 0 &&
        X509_set1_notAfter(cert.get(), X509_get0_notAfter(spec.issuer)) != 1)
        throw_openssl_error("setting a certificate's validity");

    X509_NAME* subject = X509_get_subject_name(cert.get());
    add_name_entry(subject, "O", organization);
    // X.509 caps a CN at 64 characters; longer DNS names live only in the SAN, which is what clients check.
    if (spec.common_name.size() <= 64) add_name_entry(subject, "CN", spec.common_name);
    X509_NAME* issuer_name = spec.issuer != nullptr ? X509_get_subject_name(spec.issuer) : subject;
    if (X509_set_issuer_name(cert.get(), issuer_name) != 1 || X509_set_pubkey(cert.get(), spec.subject_key) != 1)
        throw_openssl_error("filling a certificate");

    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, spec.issuer != nullptr ? spec.issuer : cert.get(), cert.get(), nullptr, nullptr, 0);
    for (const auto& [nid, value] : spec.extensions) {
        x509_extension_ptr ext(X509V3_EXT_nconf_nid(nullptr, &ctx, nid, value.c_str()));
        if (!ext || X509_add_ext(cert.get(), ext.get(), -1) != 1)
            throw_openssl_error(std::string("adding the certificate extension ") + OBJ_nid2sn(nid) + "=" + value);
    }
    if (X509_sign(cert.get(), spec.issuer_key, EVP_sha256()) <= 0) throw_openssl_error("signing a certificate");
    return cert;
}

std::string ca_common_name() {
    char host[33] = "lab";
    ::gethostname(host, sizeof host - 1);
    host[sizeof host - 1] = '\0';
    std::time_t now = std::time(nullptr);
    std::tm utc{};
    ::gmtime_r(&now, &utc);
    char date[16];
    std::strftime(date, sizeof date, "%Y-%m-%d", &utc);
    // Host and date tell one lab's CA from another's in a trust store.
    return std::string("sclab lab CA (") + host + ", " + date + ")";
}

x509_ptr make_ca_certificate(EVP_PKEY* key) {
    certificate_spec spec;
    spec.subject_key = key;
    spec.issuer_key = key;
    spec.common_name = ca_common_name();
    spec.validity_days = lab_ca::ca_validity_days;
    spec.extensions = {
        {NID_basic_constraints, "critical,CA:TRUE,pathlen:0"},
        {NID_key_usage, "critical,keyCertSign,cRLSign"},
        {NID_subject_key_identifier, "hash"},
        {NID_authority_key_identifier, "keyid:always"},
    };
    return build_certificate(spec);
}

void check_key_permissions(const std::filesystem::path& key_path) {
    struct stat st {};
    if (::stat(key_path.c_str(), &st) != 0) throw input_error(key_path.string(), 0, "cannot stat: " + errno_text());
    if ((st.st_mode & 077) != 0) {
        char mode[8];
        std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
        // Like ssh with a private key: whoever can read this key can impersonate every host lab clients trust.
        throw input_error(key_path.string(), 0,
                          std::string("permissions ") + mode +
                              " are too open: the lab CA key must be readable by its owner only (chmod 600 it)");
    }
}

}  // namespace

bool is_dns_name(std::string_view name) {
    if (name.empty() || name.size() > 253) return false;
    std::size_t label = 0;
    for (char c : name) {
        if (c == '.') {
            if (label == 0) return false;
            label = 0;
            continue;
        }
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
        if (!ok || ++label > 63) return false;
    }
    return label != 0;
}

bool is_ip_address(std::string_view text) {
    if (text.empty() || text.size() > 45) return false;
    std::string s(text);
    unsigned char buf[16];
    return ::inet_pton(AF_INET, s.c_str(), buf) == 1 || ::inet_pton(AF_INET6, s.c_str(), buf) == 1;
}

lab_ca::lab_ca(const std::filesystem::path& state_dir)
    : certificate_path_(state_dir / certificate_file_name), key_path_(state_dir / key_file_name) {
    std::error_code ec;
    if (!std::filesystem::exists(state_dir, ec)) {
        std::filesystem::create_directories(state_dir, ec);
        if (ec) throw input_error(state_dir.string(), 0, "cannot create the state directory: " + ec.message());
        std::filesystem::permissions(state_dir, std::filesystem::perms::owner_all, ec);
    }
    const bool have_certificate = std::filesystem::exists(certificate_path_, ec);
    const bool have_key = std::filesystem::exists(key_path_, ec);
    if (have_certificate != have_key) {
        const auto& missing = have_certificate ? key_path_ : certificate_path_;
        const auto& present = have_certificate ? certificate_path_ : key_path_;
        throw input_error(missing.string(), 0,
                          "the lab CA is incomplete: " + present.string() +
                              " exists but this file does not; remove both to create a new CA (clients must then "
                              "trust the new one)");
    }

    if (have_key) {
        check_key_permissions(key_path_);
        std::string key_text = read_whole_file(key_path_);
        bio_ptr key_bio(BIO_new_mem_buf(key_text.data(), static_cast<int>(key_text.size())));
        ca_key_.reset(PEM_read_bio_PrivateKey(key_bio.get(), nullptr, nullptr, nullptr));
        if (!ca_key_) throw input_error(key_path_.string(), 0, "not a PEM private key: " + openssl_error_reason());

        certificate_pem_ = read_whole_file(certificate_path_);
        bio_ptr cert_bio(BIO_new_mem_buf(certificate_pem_.data(), static_cast<int>(certificate_pem_.size())));
        ca_certificate_.reset(PEM_read_bio_X509(cert_bio.get(), nullptr, nullptr, nullptr));
        if (!ca_certificate_)
            throw input_error(certificate_path_.string(), 0, "not a PEM certificate: " + openssl_error_reason());
        if (X509_check_private_key(ca_certificate_.get(), ca_key_.get()) != 1)
            throw input_error(key_path_.string(), 0,
                              "this key does not belong to the certificate " + certificate_path_.string());
        if (X509_check_ca(ca_certificate_.get()) == 0)
            throw input_error(certificate_path_.string(), 0, "not a CA certificate (basicConstraints CA:TRUE missing)");
        if (X509_cmp_current_time(X509_get0_notAfter(ca_certificate_.get())) <= 0)
            throw input_error(certificate_path_.string(), 0,
                              "the lab CA has expired; remove it and its key to create a new one");
    } else {
        ca_key_ = generate_p256_key();
        ca_certificate_ = make_ca_certificate(ca_key_.get());
        certificate_pem_ = certificate_pem_of(ca_certificate_.get());
        write_file_atomically(key_path_, key_pem(ca_key_.get()), 0600);
        write_file_atomically(certificate_path_, certificate_pem_, 0644);
        created_ = true;
    }
    leaf_key_ = generate_p256_key();
}

lab_ca::~lab_ca() = default;

std::shared_ptr<const leaf_certificate> lab_ca::leaf_for_dns_name(std::string_view dns_name) {
    if (!is_dns_name(dns_name)) throw std::invalid_argument("not a DNS name: " + std::string(dns_name));
    std::string key = "DNS:";
    key += dns_name;
    return leaf_for(key, dns_name);
}

std::shared_ptr<const leaf_certificate> lab_ca::leaf_for_ip(std::string_view ip) {
    if (!is_ip_address(ip)) throw std::invalid_argument("not an IP address: " + std::string(ip));
    std::string key = "IP:";
    key += ip;
    return leaf_for(key, ip);
}

std::shared_ptr<const leaf_certificate> lab_ca::leaf_for(const std::string& cache_key, std::string_view name) {
    std::lock_guard lock(cache_mutex_);
    if (auto it = cache_.find(cache_key); it != cache_.end()) return it->second;

    certificate_spec spec;
    spec.subject_key = leaf_key_.get();
    spec.common_name = std::string(name);
    spec.issuer = ca_certificate_.get();
    spec.issuer_key = ca_key_.get();
    spec.validity_days = leaf_validity_days;
    spec.extensions = {
        {NID_basic_constraints, "critical,CA:FALSE"},
        {NID_key_usage, "critical,digitalSignature"},
        {NID_ext_key_usage, "serverAuth"},
        {NID_subject_alt_name, cache_key},  // "DNS:<name>" or "IP:<address>", both validated above
        {NID_subject_key_identifier, "hash"},
        {NID_authority_key_identifier, "keyid:always"},
    };
    auto leaf = std::make_shared<leaf_certificate>();
    leaf->certificate = build_certificate(spec);
    EVP_PKEY_up_ref(leaf_key_.get());
    leaf->key.reset(leaf_key_.get());

    if (cache_.size() >= cache_capacity) cache_.erase(cache_.begin());
    cache_.emplace(cache_key, leaf);
    return leaf;
}

}  // namespace sclab::emulators
