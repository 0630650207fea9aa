// multipart/form-data: the body wrangler 4.50 really sends (captured), and broken and hostile bodies.
#include <gtest/gtest.h>

#include "emulators/control/multipart.hpp"

namespace sclab::emulators::control {
namespace {

// Captured from `wrangler deploy` (undici's FormData), module shortened.
const std::string wrangler_boundary = "----formdata-undici-089376610167";
const std::string wrangler_body =
    "------formdata-undici-089376610167\r\n"
    "Content-Disposition: form-data; name=\"metadata\"\r\n\r\n"
    "{\"main_module\":\"index.js\",\"bindings\":[],\"compatibility_date\":\"2024-09-23\",\"compatibility_flags\":[]}\r\n"
    "------formdata-undici-089376610167\r\n"
    "Content-Disposition: form-data; name=\"index.js\"; filename=\"index.js\"\r\n"
    "Content-Type: application/javascript+module\r\n\r\n"
    "export default { async fetch() { return new Response(\"hi\"); } };\n\r\n"
    "------formdata-undici-089376610167--\r\n";

TEST(Multipart, BoundaryFromContentType) {
    EXPECT_EQ(multipart_boundary("multipart/form-data; boundary=" + wrangler_boundary), wrangler_boundary);
    EXPECT_EQ(multipart_boundary("Multipart/Form-Data;boundary=\"a b:c\""), "a b:c");
    EXPECT_EQ(multipart_boundary("multipart/form-data; charset=utf-8; boundary=xyz"), "xyz");
}

TEST(Multipart, BadContentTypesAreRefused) {
    EXPECT_THROW(multipart_boundary("application/json"), multipart_error);
    EXPECT_THROW(multipart_boundary("multipart/form-data"), multipart_error);
    EXPECT_THROW(multipart_boundary("multipart/form-data; boundary="), multipart_error);
    EXPECT_THROW(multipart_boundary("multipart/form-data; boundary=" + std::string(71, 'a')), multipart_error);
    EXPECT_THROW(multipart_boundary("multipart/form-data; boundary=\"ends with space \""), multipart_error);
    EXPECT_THROW(multipart_boundary("multipart/form-data; boundary=a\"b"), multipart_error);
    EXPECT_THROW(multipart_boundary("multipart/form-data; boundary=\"unterminated"), multipart_error);
    EXPECT_THROW(multipart_boundary("multipart/form-data; boundary=a; boundary=b"), multipart_error);
}

TEST(Multipart, ParsesWhatWranglerSends) {
    const auto parts = parse_multipart(wrangler_body, wrangler_boundary);
    ASSERT_EQ(parts.size(), 2u);
    EXPECT_EQ(parts[0].name, "metadata");
    EXPECT_FALSE(parts[0].filename.has_value());
    EXPECT_EQ(parts[0].content_type, "text/plain");
    EXPECT_EQ(parts[0].body.substr(0, 15), "{\"main_module\":");
    EXPECT_EQ(parts[1].name, "index.js");
    EXPECT_EQ(parts[1].filename, std::optional<std::string>("index.js"));
    EXPECT_EQ(parts[1].content_type, "application/javascript+module");
    EXPECT_EQ(parts[1].body, "export default { async fetch() { return new Response(\"hi\"); } };\n");
    EXPECT_EQ(find_part(parts, "index.js"), &parts[1]);
    EXPECT_EQ(find_part(parts, "other"), nullptr);
}

TEST(Multipart, KeepsBinaryContentAndLookalikeBoundariesInsideParts) {
    // A delimiter is CRLF + "--boundary"; the same text without the CRLF, or cut short, is content.
    const std::string content = std::string("a\0b--boundary", 14) + "\r\n--boundar\r\n-boundary";
    const std::string body = "--boundary\r\nContent-Disposition: form-data; name=\"bin\"; filename=\"x.wasm\"\r\n"
                             "Content-Type: application/wasm\r\n\r\n" + content + "\r\n--boundary--";
    const auto parts = parse_multipart(body, "boundary");
    ASSERT_EQ(parts.size(), 1u);
    EXPECT_EQ(parts[0].body, content);
}

void expect_error(const std::string& body, const std::string& boundary, const std::string& reason_part) {
    try {
        parse_multipart(body, boundary);
        ADD_FAILURE() << "accepted: " << body;
    } catch (const multipart_error& e) {
        EXPECT_NE(std::string(e.what()).find(reason_part), std::string::npos)
            << "message '" << e.what() << "' lacks '" << reason_part << "'";
    }
}

TEST(Multipart, WrongBoundaryIsRefused) {
    expect_error(wrangler_body, "----formdata-undici-000000000000", "does not start with the boundary delimiter");
    expect_error("preamble\r\n" + wrangler_body, wrangler_boundary, "does not start with the boundary delimiter");
}

TEST(Multipart, TruncatedBodiesSayWhere) {
    const std::string cut_in_content = wrangler_body.substr(0, wrangler_body.find("export default") + 10);
    expect_error(cut_in_content, wrangler_boundary, "part 'index.js' is truncated: no closing boundary");
    const std::string cut_in_headers = wrangler_body.substr(0, wrangler_body.find("Content-Type: application"));
    expect_error(cut_in_headers, wrangler_boundary, "part headers are truncated");
    const std::string no_close = wrangler_body.substr(0, wrangler_body.rfind("--\r\n"));
    expect_error(no_close, wrangler_boundary, "truncated after a boundary delimiter");
    expect_error("--b\r\nContent-Disposition: form-data; name=\"x\"\r\n\r\nvalue", "b", "truncated");
}

TEST(Multipart, MalformedPartsAreRefused) {
    expect_error("--b--", "b", "no parts");
    expect_error("--bX\r\n", "b", "not followed by CRLF or '--'");
    expect_error("--b\r\n\r\nvalue\r\n--b--", "b", "no Content-Disposition");
    expect_error("--b\r\nContent-Type: text/plain\r\n\r\nv\r\n--b--", "b", "no Content-Disposition");
    expect_error("--b\r\nContent-Disposition: attachment; name=\"x\"\r\n\r\nv\r\n--b--", "b", "not form-data");
    expect_error("--b\r\nContent-Disposition: form-data; filename=\"x\"\r\n\r\nv\r\n--b--", "b", "no name parameter");
    expect_error("--b\r\nContent-Disposition: form-data; name=\"x\r\n\r\nv\r\n--b--", "b", "unterminated quoted string");
    expect_error("--b\r\nContent-Disposition: form-data; name=\"x\"junk\r\n\r\nv\r\n--b--", "b", "text after its quoted value");
    expect_error("--b\r\nContent-Disposition: form-data; name=x; name=y\r\n\r\nv\r\n--b--", "b", "repeats parameter name");
    expect_error("--b\r\nContent-Disposition: form-data; name\r\n\r\nv\r\n--b--", "b", "has no '='");
    expect_error("--b\r\nno colon here\r\n\r\nv\r\n--b--", "b", "is not 'Name: value'");
    expect_error("--b\r\nContent-Disposition: form-data; name=a\r\nContent-Disposition: form-data; name=b\r\n\r\nv\r\n--b--",
                 "b", "repeats Content-Disposition");
}

TEST(Multipart, HostileBodiesAreBounded) {
    std::string many;
    for (int i = 0; i < 1001; ++i) many += "--b\r\nContent-Disposition: form-data; name=p\r\n\r\nv\r\n";
    many += "--b--";
    expect_error(many, "b", "more than 1000 parts");
    const std::string huge_headers = "--b\r\nX-Pad: " + std::string(20000, 'a') +
                                     "\r\nContent-Disposition: form-data; name=p\r\n\r\nv\r\n--b--";
    expect_error(huge_headers, "b", "longer than 16384 bytes");
    for (const std::string& junk : {std::string(), std::string("--"), std::string("--b"), std::string("--b\r"),
                                   std::string("--b\r\n"), std::string("--b\r\n\r\n"), std::string(1, '\0')})
        EXPECT_THROW(parse_multipart(junk, "b"), multipart_error) << junk;
    EXPECT_THROW(parse_multipart("--\r\n", ""), multipart_error);
}

}  // namespace
}  // namespace sclab::emulators::control
