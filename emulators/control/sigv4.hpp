// AWS Signature Version 4: the Authorization header parser, and the canonical request and signature as AWS
// documents them ("Create a signed AWS API request"), so the Lambda API can check what the AWS CLI sends.
//
// The parser is strict and runs on untrusted input (it is fuzzed): anything that is not exactly
// `AWS4-HMAC-SHA256 Credential=<key id>/<yyyymmdd>/<region>/<service>/aws4_request, SignedHeaders=<a;b;c>,
// Signature=<64 hex>` is a sigv4_error whose message says what is wrong, in the spirit of AWS's own
// IncompleteSignatureException messages.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "emulators/http_types.hpp"

namespace sclab::emulators::control {

class sigv4_error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct sigv4_authorization {
    std::string access_key_id;
    std::string date;     // yyyymmdd of the credential scope
    std::string region;
    std::string service;
    std::vector<std::string> signed_headers;  // lowercase, strictly ascending, always holds "host"
    std::string signature;                    // 64 lowercase hex digits

    // "<date>/<region>/<service>/aws4_request"
    std::string scope() const;
};

inline constexpr std::string_view sigv4_algorithm = "AWS4-HMAC-SHA256";

sigv4_authorization parse_sigv4_authorization(std::string_view header);

// The canonical request of `req` for the headers `auth` signed. Uses the target as the client sent it,
// encoded once more (the rule for every service but S3), the query re-encoded and sorted, and the payload
// hash from X-Amz-Content-Sha256 when present, else the SHA-256 of the body. Throws sigv4_error when a
// signed header is absent.
std::string sigv4_canonical_request(const request& req, const sigv4_authorization& auth);
std::string sigv4_string_to_sign(std::string_view amz_date, std::string_view scope,
                                 std::string_view canonical_request);
// Hex signature of `string_to_sign` with the key derived from `secret_access_key` and the scope of `auth`.
std::string sigv4_signature(std::string_view secret_access_key, const sigv4_authorization& auth,
                            std::string_view string_to_sign);

// True when `auth.signature` is what `secret_access_key` gives for `req`. Throws sigv4_error when the request
// lacks X-Amz-Date, or its date disagrees with the credential scope, or a signed header is absent.
// Clock skew is not checked (real AWS refuses requests more than 15 minutes off; a lab on a virtual clock
// must not).
bool sigv4_signature_matches(const request& req, const sigv4_authorization& auth,
                             std::string_view secret_access_key);

// RFC 3986 encoding as SigV4 wants it: everything but A-Z a-z 0-9 - _ . ~ (and '/' when keep_slash).
void sigv4_uri_encode(std::string& out, std::string_view text, bool keep_slash);

}  // namespace sclab::emulators::control
