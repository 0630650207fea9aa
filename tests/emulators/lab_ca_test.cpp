// The lab CA: created once with a private key file, reused on later starts, and leaf certificates that a client
// trusting only the CA verifies for the right name and for no other.
#include "emulators/lab_ca.hpp"

#include <sys/stat.h>

#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <openssl/pem.h>

#include "telemetry/input_error.hpp"
#include "tests/telemetry/test_files.hpp"

namespace sclab::emulators {
namespace {

using telemetry::testing::temp_dir;

// OpenSSL's own chain verification with a hostname (or IP) check, as a TLS client does it.
// Returns the X509_V_* result (X509_V_OK on success).
int verify(const lab_ca& ca, X509* leaf, const std::string& name, bool is_ip = false) {
    x509_store_ptr store(X509_STORE_new());
    X509_STORE_add_cert(store.get(), ca.certificate());
    x509_store_ctx_ptr ctx(X509_STORE_CTX_new());
    X509_STORE_CTX_init(ctx.get(), store.get(), leaf, nullptr);
    X509_STORE_CTX_set_purpose(ctx.get(), X509_PURPOSE_SSL_SERVER);
    X509_VERIFY_PARAM* param = X509_STORE_CTX_get0_param(ctx.get());
    // X509_STRICT: the checks recent clients apply (AKI present, key usage consistent...).
    X509_VERIFY_PARAM_set_flags(param, X509_V_FLAG_X509_STRICT);
    if (is_ip) X509_VERIFY_PARAM_set1_ip_asc(param, name.c_str());
    else X509_VERIFY_PARAM_set1_host(param, name.c_str(), 0);
    X509_verify_cert(ctx.get());
    return X509_STORE_CTX_get_error(ctx.get());
}

mode_t file_mode(const std::filesystem::path& p) {
    struct stat st {};
    ::stat(p.c_str(), &st);
    return st.st_mode & 07777;
}

TEST(LabCa, FirstStartCreatesCaWithPrivateKeyFile) {
    temp_dir dir;
    const auto state = dir.root() / "state";
    lab_ca ca(state);
    EXPECT_TRUE(ca.created());
    EXPECT_TRUE(std::filesystem::exists(ca.certificate_path()));
    EXPECT_EQ(file_mode(ca.key_path()), 0600u);
    EXPECT_EQ(file_mode(state), 0700u);
    EXPECT_NE(ca.certificate_pem().find("-----BEGIN CERTIFICATE-----"), std::string::npos);

    X509* cert = ca.certificate();
    EXPECT_EQ(X509_check_ca(cert), 1);
    EXPECT_NE(X509_get_key_usage(cert) & KU_KEY_CERT_SIGN, 0u);
    EXPECT_EQ(X509_check_issued(cert, cert), X509_V_OK);  // self-signed
    EVP_PKEY* key = X509_get0_pubkey(cert);
    ASSERT_NE(key, nullptr);
    EXPECT_TRUE(EVP_PKEY_is_a(key, "EC"));
    char group[64] = {};
    EVP_PKEY_get_group_name(key, group, sizeof group, nullptr);
    EXPECT_STREQ(group, "prime256v1");
}

TEST(LabCa, LaterStartsReuseTheSameCa) {
    temp_dir dir;
    std::string first_pem;
    {
        lab_ca ca(dir.root());
        first_pem = ca.certificate_pem();
    }
    lab_ca again(dir.root());
    EXPECT_FALSE(again.created());
    EXPECT_EQ(again.certificate_pem(), first_pem);
    // And it still signs: a leaf from the reloaded key verifies against the first run's certificate.
    auto leaf = again.leaf_for_dns_name("abc.lambda-url.us-east-1.on.aws");
    EXPECT_EQ(verify(again, leaf->certificate.get(), "abc.lambda-url.us-east-1.on.aws"), X509_V_OK);
}

TEST(LabCa, RefusesAKeyOthersCanRead) {
    temp_dir dir;
    { lab_ca ca(dir.root()); }
    ::chmod((dir.root() / "lab-ca-key.pem").c_str(), 0644);
    try {
        lab_ca ca(dir.root());
        FAIL() << "a world-readable CA key was accepted";
    } catch (const telemetry::input_error& e) {
        EXPECT_NE(std::string(e.what()).find("lab-ca-key.pem"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("0644"), std::string::npos) << e.what();
    }
}

TEST(LabCa, RefusesAHalfPresentCa) {
    temp_dir dir;
    { lab_ca ca(dir.root()); }
    std::filesystem::remove(dir.root() / "lab-ca-key.pem");
    EXPECT_THROW(lab_ca{dir.root()}, telemetry::input_error);
}

TEST(LabCa, RefusesAGarbledKeyWithOpensslsReason) {
    temp_dir dir;
    { lab_ca ca(dir.root()); }
    telemetry::testing::write_file((dir.root() / "lab-ca-key.pem").string(), "not a key\n");
    ::chmod((dir.root() / "lab-ca-key.pem").c_str(), 0600);
    try {
        lab_ca ca(dir.root());
        FAIL();
    } catch (const telemetry::input_error& e) {
        EXPECT_NE(std::string(e.what()).find("not a PEM private key"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("routines"), std::string::npos) << "no OpenSSL reason: " << e.what();
    }
}

TEST(LabCa, LeafVerifiesForItsNameOnly) {
    temp_dir dir;
    lab_ca ca(dir.root());
    auto leaf = ca.leaf_for_dns_name("beacon.acme-corp.workers.dev");
    X509* cert = leaf->certificate.get();
    EXPECT_EQ(verify(ca, cert, "beacon.acme-corp.workers.dev"), X509_V_OK);
    EXPECT_EQ(verify(ca, cert, "other.acme-corp.workers.dev"), X509_V_ERR_HOSTNAME_MISMATCH);
    EXPECT_EQ(verify(ca, cert, "127.0.0.1", true), X509_V_ERR_IP_ADDRESS_MISMATCH);
    EXPECT_EQ(X509_check_ca(cert), 0);
    EXPECT_NE(X509_get_extended_key_usage(cert) & XKU_SSL_SERVER, 0u);
    EXPECT_TRUE(EVP_PKEY_is_a(X509_get0_pubkey(cert), "EC"));
    EXPECT_EQ(X509_check_private_key(cert, leaf->key.get()), 1);
    // A leaf never outlives its CA.
    EXPECT_LE(ASN1_TIME_compare(X509_get0_notAfter(cert), X509_get0_notAfter(ca.certificate())), 0);
}

TEST(LabCa, LeafForAnIpAddressCarriesAnIpSan) {
    temp_dir dir;
    lab_ca ca(dir.root());
    auto leaf = ca.leaf_for_ip("127.0.0.1");
    EXPECT_EQ(verify(ca, leaf->certificate.get(), "127.0.0.1", true), X509_V_OK);
    EXPECT_EQ(verify(ca, leaf->certificate.get(), "10.0.0.1", true), X509_V_ERR_IP_ADDRESS_MISMATCH);
    auto v6 = ca.leaf_for_ip("::1");
    EXPECT_EQ(verify(ca, v6->certificate.get(), "::1", true), X509_V_OK);
}

TEST(LabCa, AnotherCaDoesNotVerifyTheLeaf) {
    temp_dir a, b;
    lab_ca ca(a.root()), stranger(b.root());
    auto leaf = stranger.leaf_for_dns_name("script.google.com");
    EXPECT_NE(verify(ca, leaf->certificate.get(), "script.google.com"), X509_V_OK);
}

TEST(LabCa, LongNamesLiveOnlyInTheSan) {
    temp_dir dir;
    lab_ca ca(dir.root());
    std::string name = std::string(63, 'a') + "." + std::string(40, 'b') + ".on.aws";  // over the 64-char CN cap
    auto leaf = ca.leaf_for_dns_name(name);
    EXPECT_EQ(verify(ca, leaf->certificate.get(), name), X509_V_OK);
}

TEST(LabCa, RejectsNamesThatAreNotDnsNames) {
    temp_dir dir;
    lab_ca ca(dir.root());
    EXPECT_THROW(ca.leaf_for_dns_name("bad name.example"), std::invalid_argument);
    EXPECT_THROW(ca.leaf_for_dns_name("a,DNS:evil.example"), std::invalid_argument);
    EXPECT_THROW(ca.leaf_for_ip("300.1.1.1"), std::invalid_argument);
    EXPECT_FALSE(is_dns_name(""));
    EXPECT_FALSE(is_dns_name(".example.com"));
    EXPECT_FALSE(is_dns_name("example..com"));
    EXPECT_FALSE(is_dns_name(std::string(64, 'a') + ".com"));
    EXPECT_TRUE(is_dns_name(std::string(63, 'a') + ".com"));
    EXPECT_TRUE(is_dns_name("_dmarc.example.com"));
}

TEST(LabCa, CachesLeavesAndMintsOncePerNameUnderConcurrency) {
    temp_dir dir;
    lab_ca ca(dir.root());
    std::vector<std::shared_ptr<const leaf_certificate>> seen(8);
    std::vector<std::thread> threads;
    for (std::size_t i = 0; i < seen.size(); ++i)
        threads.emplace_back([&, i] { seen[i] = ca.leaf_for_dns_name("same.pages.dev"); });
    for (auto& t : threads) t.join();
    for (const auto& leaf : seen) EXPECT_EQ(leaf.get(), seen[0].get());
    EXPECT_NE(ca.leaf_for_dns_name("other.pages.dev").get(), seen[0].get());
}

}  // namespace
}  // namespace sclab::emulators
