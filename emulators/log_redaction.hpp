// What keeps credentials out of the logs. The server never logs request headers (Authorization, X-Amz-*,
// cookies), only the User-Agent; these two functions cover the rest: tokens in URLs, and any lab credential
// that a handler might put into an audit record.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace sclab::emulators {

inline constexpr std::string_view redacted_marker = "REDACTED";

// The URL with user:password@ removed and the value of every query parameter whose name looks like a credential
// (token, key, secret, password, signature, credential, auth, session, sig, code, ...) replaced by REDACTED.
// Names and the rest of the URL stay as they were, so detections on host and path still work.
std::string redact_url(std::string_view url);
// The same, in place; a URL with neither userinfo nor a query (the common case) is left alone without a copy.
void redact_url_in_place(std::string& url);

// Replaces every occurrence of known secrets (the lab file's API tokens, secret keys, bearer tokens) with
// REDACTED. Secrets shorter than min_secret_length are ignored: they would match ordinary text.
class secret_scrubber {
public:
    static constexpr std::size_t min_secret_length = 8;
    explicit secret_scrubber(std::vector<std::string> secrets = {});
    // Scrubs text[from, end) in place.
    void scrub(std::string& text, std::size_t from = 0) const;
    bool empty() const { return secrets_.empty(); }

private:
    // Whether any secret occurs in text[from, end). Every log record is scrubbed and almost none holds a secret,
    // so this is the common path: it looks at one 8-byte window every `stride_` bytes (the shortest secret's
    // length - 7: every occurrence of every secret contains a whole sampled window) and looks the window up
    // among the 8-byte pieces of all secrets, instead of searching for each secret in turn.
    bool may_hold_secret(std::string_view text, std::size_t from) const;

    struct piece {
        std::uint64_t bytes = 0;                // the 8 bytes of secrets_[secret] at `offset`
        std::uint32_t secret = no_secret;
        std::uint32_t offset = 0;
    };
    static constexpr std::uint32_t no_secret = ~std::uint32_t{0};

    std::vector<std::string> secrets_;  // longest first
    std::vector<piece> pieces_;          // open addressing, a power of two in size, at most half full
    int piece_bits_ = 0;
    std::size_t stride_ = 1;
};

}  // namespace sclab::emulators
