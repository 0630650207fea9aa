// SigV4: the Authorization parser (good, bad, hostile input) and signatures checked against vectors that
// botocore 1.43 computed (an independent implementation) and AWS's documented get-vanilla example.
#include <gtest/gtest.h>

#include "emulators/control/sigv4.hpp"
#include "control_fixtures.hpp"

namespace sclab::emulators::control {
namespace {

using testing::make_request;

constexpr const char* vanilla_header =
    "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
    "SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31";

TEST(Sigv4Parse, ReadsEveryPart) {
    const sigv4_authorization a = parse_sigv4_authorization(vanilla_header);
    EXPECT_EQ(a.access_key_id, "AKIDEXAMPLE");
    EXPECT_EQ(a.date, "20150830");
    EXPECT_EQ(a.region, "us-east-1");
    EXPECT_EQ(a.service, "service");
    EXPECT_EQ(a.signed_headers, (std::vector<std::string>{"host", "x-amz-date"}));
    EXPECT_EQ(a.signature, "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
    EXPECT_EQ(a.scope(), "20150830/us-east-1/service/aws4_request");
}

TEST(Sigv4Parse, AcceptsCommasWithoutSpacesAndAnyComponentOrder) {
    const sigv4_authorization a = parse_sigv4_authorization(
        "AWS4-HMAC-SHA256 Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31,"
        "SignedHeaders=host,Credential=AKIDEXAMPLE/20150830/us-east-1/lambda/aws4_request");
    EXPECT_EQ(a.service, "lambda");
    EXPECT_EQ(a.signed_headers, std::vector<std::string>{"host"});
}

void expect_rejected(const std::string& header, const std::string& reason_part) {
    try {
        parse_sigv4_authorization(header);
        ADD_FAILURE() << "accepted: " << header;
    } catch (const sigv4_error& e) {
        EXPECT_NE(std::string(e.what()).find(reason_part), std::string::npos)
            << "message '" << e.what() << "' lacks '" << reason_part << "'";
    }
}

TEST(Sigv4Parse, RejectsMalformedHeadersWithAReason) {
    const std::string sig = "Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31";
    const std::string cred = "Credential=AKIDEXAMPLE/20150830/us-east-1/lambda/aws4_request";
    expect_rejected("", "does not start with the algorithm");
    expect_rejected("AWS4-HMAC-SHA1 " + cred + ", SignedHeaders=host, " + sig, "does not start with the algorithm");
    expect_rejected("AWS4-HMAC-SHA256", "needs a space");
    expect_rejected("AWS4-HMAC-SHA256 " + cred + ", " + sig, "requires 'SignedHeaders'");
    expect_rejected("AWS4-HMAC-SHA256 SignedHeaders=host", "requires 'Credential' parameter. Authorization header requires 'Signature'");
    expect_rejected("AWS4-HMAC-SHA256 " + cred + ", SignedHeaders=host, " + sig + ", " + sig, "repeats 'Signature'");
    expect_rejected("AWS4-HMAC-SHA256 " + cred + ", SignedHeaders=host, Token=x, " + sig, "'Token' is not one of");
    expect_rejected("AWS4-HMAC-SHA256 " + cred + " SignedHeaders=host, " + sig, "valid terminator");
    expect_rejected("AWS4-HMAC-SHA256 Credential=AKID/2015083/us-east-1/lambda/aws4_request, SignedHeaders=host, " + sig,
                    "is not yyyymmdd");
    expect_rejected("AWS4-HMAC-SHA256 Credential=akid/20150830/us-east-1/lambda/aws4_request, SignedHeaders=host, " + sig,
                    "access key id");
    expect_rejected("AWS4-HMAC-SHA256 Credential=AKID/20150830/US-EAST-1/lambda/aws4_request, SignedHeaders=host, " + sig,
                    "region");
    expect_rejected("AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/lambda/aws5_request, SignedHeaders=host, " + sig,
                    "terminator");
    expect_rejected("AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1//aws4_request, SignedHeaders=host, " + sig,
                    "service");
    expect_rejected("AWS4-HMAC-SHA256 " + cred + ", SignedHeaders=x-amz-date;host, " + sig, "must be sorted");
    expect_rejected("AWS4-HMAC-SHA256 " + cred + ", SignedHeaders=host;host, " + sig, "must be sorted");
    expect_rejected("AWS4-HMAC-SHA256 " + cred + ", SignedHeaders=x-amz-date, " + sig, "'Host' must be a 'SignedHeader'");
    expect_rejected("AWS4-HMAC-SHA256 " + cred + ", SignedHeaders=Host, " + sig, "not a lowercase header name");
    expect_rejected("AWS4-HMAC-SHA256 " + cred + ", SignedHeaders=host;;x, " + sig, "not a lowercase header name");
    expect_rejected("AWS4-HMAC-SHA256 " + cred + ", SignedHeaders=, " + sig, "SignedHeaders is empty");
    expect_rejected("AWS4-HMAC-SHA256 " + cred + ", SignedHeaders=host, Signature=5FA0", "not 64 lowercase hex");
    expect_rejected("AWS4-HMAC-SHA256 " + cred + ", SignedHeaders=host, Signature", "is not key=value");
}

TEST(Sigv4Parse, HostileInputIsRefusedQuicklyAndQuotedShort) {
    expect_rejected("AWS4-HMAC-SHA256 " + std::string(9000, ','), "longer than 8192");
    expect_rejected("AWS4-HMAC-SHA256 Credential=" + std::string(5000, '/'), "5 parts");
    expect_rejected(std::string("AWS4-HMAC-SHA256 Credential=AKID\0X/20150830/us-east-1/lambda/aws4_request", 66),
                    "access key id");
    try {
        parse_sigv4_authorization("AWS4-HMAC-SHA256 Credential=" + std::string(3000, 'A') + "/x/y/z/w");
        ADD_FAILURE();
    } catch (const sigv4_error& e) {
        EXPECT_LT(std::string(e.what()).size(), 200u) << "the message must not echo a huge header";
    }
    for (const char* junk : {"AWS4-HMAC-SHA256 ", "AWS4-HMAC-SHA256 =", "AWS4-HMAC-SHA256 ,,,", "AWS4-HMAC-SHA256 Credential="})
        EXPECT_THROW(parse_sigv4_authorization(junk), sigv4_error) << junk;
}

request signed_request(http::verb method, const std::string& target, const std::string& host, const std::string& body,
                       const std::string& authorization) {
    request req = make_request(method, target, host, body);
    req.erase(http::field::user_agent);  // not signed; SigV4 ignores unsigned headers either way
    req.set("X-Amz-Date", "20150830T123600Z");
    req.set(http::field::authorization, authorization);
    return req;
}

TEST(Sigv4Signature, MatchesAwsDocumentedGetVanilla) {
    const request req = signed_request(http::verb::get, "/", "example.amazonaws.com", "", vanilla_header);
    const auto auth = parse_sigv4_authorization(vanilla_header);
    EXPECT_EQ(sigv4_canonical_request(req, auth),
              "GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n"
              "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    EXPECT_TRUE(sigv4_signature_matches(req, auth, "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"));
    EXPECT_FALSE(sigv4_signature_matches(req, auth, "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEz"));
}

constexpr const char* lab_secret = "labsecret/EXAMPLE+key";

TEST(Sigv4Signature, MatchesBotocoreForAnInvokeWithBodyAndExtraHeaders) {
    const std::string header =
        "AWS4-HMAC-SHA256 Credential=AKIAEXAMPLEKEY000001/20150830/eu-west-1/lambda/aws4_request, "
        "SignedHeaders=content-type;host;x-amz-date;x-amz-invocation-type;x-amz-log-type, "
        "Signature=9d497ea35e15ad1e0c70d487f512912b17b73513a4247346911b6414eb99919c";
    request req = signed_request(http::verb::post, "/2015-03-31/functions/relay-fn/invocations",
                                 "lambda.eu-west-1.amazonaws.com", R"({"ping":1})", header);
    req.set("X-Amz-Invocation-Type", "RequestResponse");
    req.set("X-Amz-Log-Type", "  Tail ");  // surrounding spaces are trimmed by the canonical form
    req.set(http::field::content_type, "application/json");
    const auto auth = parse_sigv4_authorization(header);
    EXPECT_TRUE(sigv4_signature_matches(req, auth, lab_secret));
    req.body() = R"({"ping":2})";  // a changed body changes the payload hash
    EXPECT_FALSE(sigv4_signature_matches(req, auth, lab_secret));
}

TEST(Sigv4Signature, MatchesBotocoreForSortedEncodedQueryAndHostWithPort) {
    const std::string header =
        "AWS4-HMAC-SHA256 Credential=AKIAEXAMPLEKEY000001/20150830/us-east-1/lambda/aws4_request, "
        "SignedHeaders=host;x-amz-date, Signature=a480b4ec83b7969cbf7d322ae62535a2c20f98bb0c03e240e4f737323d74a607";
    const request req = signed_request(http::verb::get, "/2015-03-31/functions/?MaxItems=5&Marker=a%20b%2Bc",
                                       "127.0.0.1:8443", "", header);
    const auto auth = parse_sigv4_authorization(header);
    EXPECT_NE(sigv4_canonical_request(req, auth).find("\nMarker=a%20b%2Bc&MaxItems=5\n"), std::string::npos);
    EXPECT_TRUE(sigv4_signature_matches(req, auth, lab_secret));
}

TEST(Sigv4Signature, EncodesAnAlreadyEncodedPathAgainLikeBotocore) {
    const std::string header =
        "AWS4-HMAC-SHA256 Credential=AKIAEXAMPLEKEY000001/20150830/us-east-1/lambda/aws4_request, "
        "SignedHeaders=host;x-amz-date, Signature=c06f187f6a742ce42910fcce01ba3b92ad10336025fb360a5d91d7b9cd3e0beb";
    const request req = signed_request(
        http::verb::get,
        "/2015-03-31/functions/arn%3Aaws%3Alambda%3Aus-east-1%3A123456789012%3Afunction%3Arelay-fn",
        "lambda.us-east-1.amazonaws.com", "", header);
    const auto auth = parse_sigv4_authorization(header);
    EXPECT_NE(sigv4_canonical_request(req, auth).find("/functions/arn%253Aaws%253Alambda"), std::string::npos);
    EXPECT_TRUE(sigv4_signature_matches(req, auth, lab_secret));
}

TEST(Sigv4Signature, RequestProblemsAreErrorsNotMismatches) {
    const auto auth = parse_sigv4_authorization(vanilla_header);
    request no_date = make_request(http::verb::get, "/", "example.amazonaws.com");
    EXPECT_THROW(sigv4_signature_matches(no_date, auth, "k"), sigv4_error);
    request other_day = signed_request(http::verb::get, "/", "example.amazonaws.com", "", vanilla_header);
    other_day.set("X-Amz-Date", "20150831T000000Z");
    EXPECT_THROW(sigv4_signature_matches(other_day, auth, "k"), sigv4_error);
    request bad_date = signed_request(http::verb::get, "/", "example.amazonaws.com", "", vanilla_header);
    bad_date.set("X-Amz-Date", "2015-08-30T12:36:00Z");
    EXPECT_THROW(sigv4_signature_matches(bad_date, auth, "k"), sigv4_error);
    request no_host = signed_request(http::verb::get, "/", "example.amazonaws.com", "", vanilla_header);
    no_host.erase(http::field::host);
    EXPECT_THROW(sigv4_canonical_request(no_host, auth), sigv4_error);
}

}  // namespace
}  // namespace sclab::emulators::control
