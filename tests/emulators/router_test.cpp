// Routing: control planes on any Host, platforms by Host, 421 naming the host for the rest.
#include "emulators/router.hpp"

#include <gtest/gtest.h>

namespace sclab::emulators {
namespace {

// Owns requests by host, or by path prefix on any host.
class stub_handler final : public request_handler {
public:
    stub_handler(std::string host, std::string path_prefix = {})
        : host_(std::move(host)), path_prefix_(std::move(path_prefix)) {}
    bool owns(const std::string& host, const request& req) const override {
        if (!path_prefix_.empty()) return std::string_view(req.target()).starts_with(path_prefix_);
        return host == host_;
    }
    std::uint64_t body_limit(const std::string&, const request&) const override { return 1; }
    void too_large(const std::string&, const request&, response& res) const override { res.result(413); }
    void handle(const std::string&, const request&, const connection_info&, response& res) override {
        res.result(200);
        res.body() = host_ + path_prefix_;
    }

private:
    std::string host_, path_prefix_;
};

request get(const std::string& target) { return request(http::verb::get, target, 11); }

TEST(RoutingHost, LowercaseWithoutPortOrTrailingDot) {
    EXPECT_EQ(routing_host("Beacon.ACME.workers.dev"), "beacon.acme.workers.dev");
    EXPECT_EQ(routing_host("script.google.com:8443"), "script.google.com");
    EXPECT_EQ(routing_host("script.google.com.:443"), "script.google.com");
    EXPECT_EQ(routing_host("[::1]:8443"), "::1");
    EXPECT_EQ(routing_host("::1"), "::1");
    EXPECT_EQ(routing_host("127.0.0.1:8443"), "127.0.0.1");
    EXPECT_EQ(routing_host(""), "");
}

TEST(Router, ControlPlanePathsRouteOnAnyHost) {
    stub_handler lambda_api("lambda.us-east-1.amazonaws.com", "/2015-03-31/functions");
    stub_handler platform("127.0.0.1");  // a platform that would also claim the IP
    router r([](const std::string&) {});
    r.add_platform(platform);
    r.add_control_plane(lambda_api);  // added after, still asked first
    EXPECT_EQ(&r.route("127.0.0.1", get("/2015-03-31/functions/")), &lambda_api);
    EXPECT_EQ(&r.route("anything.example", get("/2015-03-31/functions/f/invocations")), &lambda_api);
    EXPECT_EQ(&r.route("127.0.0.1", get("/other")), &platform);
}

TEST(Router, PlatformsByHostInOrder) {
    stub_handler first("a.workers.dev"), second("a.workers.dev"), third("b.pages.dev");
    router r([](const std::string&) {});
    r.add_platform(first);
    r.add_platform(second);
    r.add_platform(third);
    EXPECT_EQ(&r.route("a.workers.dev", get("/")), &first);
    EXPECT_EQ(&r.route("b.pages.dev", get("/")), &third);
}

TEST(Router, UnknownHostGets421NamingTheHostAndOneLogLine) {
    stub_handler platform("known.workers.dev");
    std::vector<std::string> lines;
    router r([&](const std::string& line) { lines.push_back(line); });
    r.add_platform(platform);
    request req = get("/x");
    connection_info conn;
    conn.client_ip = "10.1.2.3";
    for (int i = 0; i < 3; ++i) {
        request_handler& h = r.route("unknown.example", req);
        EXPECT_NE(&h, &platform);
        response res;
        h.handle("unknown.example", req, conn, res);
        EXPECT_EQ(res.result(), http::status::misdirected_request);
        EXPECT_NE(res.body().find("\"unknown.example\""), std::string::npos) << res.body();
        EXPECT_EQ(res[http::field::content_length], std::to_string(res.body().size()));
    }
    ASSERT_EQ(lines.size(), 1u);  // the first time only
    EXPECT_NE(lines[0].find("unknown.example"), std::string::npos);
    EXPECT_NE(lines[0].find("10.1.2.3"), std::string::npos);
    EXPECT_NE(lines[0].find("421"), std::string::npos);
}

TEST(Router, MisdirectedHostIsMadePrintable) {
    router r([](const std::string&) {});
    request req = get("/");
    response res;
    r.route("bad\x01host", req).handle("bad\x01host", req, connection_info{}, res);
    EXPECT_NE(res.body().find("bad?host"), std::string::npos);
}

}  // namespace
}  // namespace sclab::emulators
