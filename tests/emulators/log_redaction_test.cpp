// Credentials never reach a log in clear: tokens in URLs and known lab secrets are replaced by REDACTED.
#include "emulators/log_redaction.hpp"

#include <algorithm>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "telemetry/random.hpp"

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

// The scrubber's own search is word-at-a-time; this is the plain one it must agree with.
std::string scrubbed_the_plain_way(std::string text, std::vector<std::string> secrets, std::size_t from) {
    std::sort(secrets.begin(), secrets.end(), [](const auto& a, const auto& b) { return a.size() > b.size(); });
    for (const std::string& secret : secrets)
        for (std::size_t at = text.find(secret, from); at != std::string::npos; at = text.find(secret, at)) {
            text.replace(at, secret.size(), redacted_marker);
            at += redacted_marker.size();
        }
    return text;
}

// Texts of up to `max_length` filler bytes with secrets planted (with probability `plant` at each step; whole with
// probability `whole`, else `cut(random, secret)`), scrubbed from a random offset by `secrets`' scrubber and by the
// plain search: they must agree. Returns how many of the texts had something replaced.
template <class Cut>
int texts_replaced(const std::vector<std::string>& secrets, std::string_view filler, std::uint64_t seed,
                   std::size_t max_length, double plant, double whole, Cut cut) {
    const secret_scrubber scrubber(secrets);
    telemetry::seeded_random random(seed);
    int replaced = 0;
    for (int round = 0; round < 20000; ++round) {
        std::string text;
        const std::size_t length = random.uniform_int(0, max_length);
        while (text.size() < length) {
            if (random.bernoulli(plant)) {
                const std::string& s = secrets[random.uniform_int(0, secrets.size() - 1)];
                text += random.bernoulli(whole) ? s : cut(random, s);
            } else {
                text.push_back(filler[random.uniform_int(0, filler.size() - 1)]);
            }
        }
        const std::size_t from = random.bernoulli(0.5) ? 0 : random.uniform_int(0, text.size());
        std::string expected = scrubbed_the_plain_way(text, secrets, from);
        std::string actual = text;
        scrubber.scrub(actual, from);
        EXPECT_EQ(actual, expected) << "text \"" << text << "\" from " << from;
        if (actual != expected) return -1;
        replaced += actual != text;
    }
    return replaced;
}

TEST(SecretScrubber, AgreesWithAPlainSearchAtEveryPositionAndLength) {
    // Secrets that share first and last bytes with the filler and with each other, planted at every alignment,
    // overlapping, cut short and at both ends of texts from 0 to 80 bytes.
    const int replaced = texts_replaced(
        {"sclab-token-s", "s-secret-s", "ssssssss", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"}, "s-sclab-tokens-wJ/Y ssss",
        7, 80, 0.3, 0.8,
        [](telemetry::seeded_random& random, const std::string& s) { return s.substr(0, random.uniform_int(1, s.size() - 1)); });
    EXPECT_GT(replaced, 5000);  // the texts did hold secrets
}

TEST(SecretScrubber, FindsLongSecretsAtEveryOffsetInLongRecords) {
    // Only long secrets: the scrubber then samples one window every (shortest length - 7) = 13 bytes, so this
    // checks that no offset, length or record size slips between two samples (the test above samples every byte).
    const int replaced = texts_replaced(
        {"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "sclab-lab-cloudflare-api-token-do-not-use-elsewhere",
         "sclab-lab-google-20"},
        "sclab-lab-\"{}:,google EXAMPLE", 11, 600, 0.02, 0.7, [](telemetry::seeded_random& random, const std::string& s) {
            return s.substr(random.uniform_int(0, 3), random.uniform_int(1, s.size() - 4));
        });
    EXPECT_GT(replaced, 5000);
}

}  // namespace
}  // namespace sclab::emulators
