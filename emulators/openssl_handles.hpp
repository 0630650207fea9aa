// Owning handles for the OpenSSL objects the lab CA and the TLS context use, and the one way errors from
// OpenSSL become exceptions: with OpenSSL's own reason, so "cannot read the lab CA key" says why.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

namespace sclab::emulators {

namespace detail {
template <class T, auto Free>
struct openssl_free {
    void operator()(T* p) const noexcept { Free(p); }
};
}  // namespace detail

using evp_pkey_ptr = std::unique_ptr<EVP_PKEY, detail::openssl_free<EVP_PKEY, EVP_PKEY_free>>;
using x509_ptr = std::unique_ptr<X509, detail::openssl_free<X509, X509_free>>;
using x509_extension_ptr = std::unique_ptr<X509_EXTENSION, detail::openssl_free<X509_EXTENSION, X509_EXTENSION_free>>;
using x509_store_ptr = std::unique_ptr<X509_STORE, detail::openssl_free<X509_STORE, X509_STORE_free>>;
using x509_store_ctx_ptr = std::unique_ptr<X509_STORE_CTX, detail::openssl_free<X509_STORE_CTX, X509_STORE_CTX_free>>;
using bio_ptr = std::unique_ptr<BIO, detail::openssl_free<BIO, BIO_free_all>>;
using bignum_ptr = std::unique_ptr<BIGNUM, detail::openssl_free<BIGNUM, BN_free>>;

// Throws std::runtime_error "<doing>: <OpenSSL's reason>" and clears OpenSSL's error queue.
[[noreturn]] void throw_openssl_error(std::string_view doing);

// The oldest reason in OpenSSL's error queue (empty when there is none); clears the queue.
std::string openssl_error_reason();

}  // namespace sclab::emulators
