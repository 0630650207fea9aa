// Credentials never reach a log in clear: tokens in URLs and known lab secrets are replaced by REDACTED.
#include "emulators/log_redaction.hpp"

#include <gtest/gtest.h>

namespace sclab::emulators {
namespace {

TEST(RedactUrl, CredentialQueryValuesAreRedacted) {
    EXPECT_EQ(redact_url("https://h.example/p?token=abc&x=1&api_key=k&Signature=s"),
              "https://h.example/p?token=REDACTED&x=1&api_key=REDACTED&Signature=REDACTED");
    EXPECT_EQ(redact_url("https://h/p?X-Amz-Security-Token=t&X-Amz-Credential=AKIA%2F&X-Amz-Date=20240101"),
              "https://h/p?X-Amz-Security-Token=REDACTED&X-Amz-Credential=REDACTED&X-Amz-Date=20240101");
    EXPECT_EQ(redact_url("https://script.googleusercontent.com/macros/echo?user_content_key=AbC&lib=M1"),
              "https://script.googleusercontent.com/macros/echo?user_content_key=REDACTED&lib=M1");
    EXPECT_EQ(redact_url("https://h/cb?code=xyz&state=1"), "https://h/cb?code=REDACTED&state=1");
}

TEST(RedactUrl, EverythingElseStaysAsItWas) {
    EXPECT_EQ(redact_url("https://a.b.workers.dev/"), "https://a.b.workers.dev/");
    EXPECT_EQ(redact_url("https://h/p?q=1&flag&=v&empty="), "https://h/p?q=1&flag&=v&empty=");
    EXPECT_EQ(redact_url("https://h/p?token=a#frag"), "https://h/p?token=REDACTED#frag");
    EXPECT_EQ(redact_url("/relative?password=p"), "/relative?password=REDACTED");
    EXPECT_EQ(redact_url("https://h/p?"), "https://h/p?");
}

TEST(RedactUrl, UserinfoIsDropped) {
    EXPECT_EQ(redact_url("https://user:secret@h.example:8443/p"), "https://h.example:8443/p");
    EXPECT_EQ(redact_url("https://h.example/p@q"), "https://h.example/p@q");  // '@' in the path is not userinfo
}

TEST(SecretScrubber, ReplacesEveryOccurrenceAfterTheOffset) {
    secret_scrubber s({"cf-token-0123456789", "short", "wJalrXUtnFEMI/K7MDENG"});
    std::string text = "keep cf-token-0123456789 | x cf-token-0123456789 wJalrXUtnFEMI/K7MDENG short";
    s.scrub(text, 5);
    EXPECT_EQ(text, "keep REDACTED | x REDACTED REDACTED short");  // "short" is too short to be a secret
    std::string before = "cf-token-0123456789";
    s.scrub(before, 1);  // starts inside the secret: not a whole occurrence after the offset
    EXPECT_EQ(before, "cf-token-0123456789");
}

TEST(SecretScrubber, LongestSecretWins) {
    secret_scrubber s({"abcdefgh", "abcdefgh-ijkl"});
    std::string text = "x abcdefgh-ijkl y";
    s.scrub(text);
    EXPECT_EQ(text, "x REDACTED y");
}

}  // namespace
}  // namespace sclab::emulators
