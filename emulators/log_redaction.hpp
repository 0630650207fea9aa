// What keeps credentials out of the logs. The server never logs request headers (Authorization, X-Amz-*,
// cookies), only the User-Agent; these two functions cover the rest: tokens in URLs, and any lab credential
// that a handler might put into an audit record.
#pragma once

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
    std::vector<std::string> secrets_;
};

}  // namespace sclab::emulators
