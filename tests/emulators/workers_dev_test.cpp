// Cloudflare Workers and Pages: FIDELITY.md section 2, "Cloudflare Workers and Pages".
#include "emulators/platforms/workers_dev.hpp"

#include <gtest/gtest.h>

#include "platform_test_support.hpp"

namespace sclab::emulators::platforms {
namespace {

using namespace testing;

constexpr const char* worker_host = "df00tech-sentinel-test.argustest.workers.dev";
constexpr const char* cf_ray = "^[0-9a-f]{16}-[A-Z]{3}$";

struct workers_fixture : ::testing::Test {
    platform_env env;
    lab_config lab = default_lab();
    workers_dev_platform platform{lab.cloudflare, shipped_profiles(), env.clock, env.random};

    response serve(request req, const std::string& host = worker_host) {
        response res;
        EXPECT_TRUE(platform.owns(host, req)) << host;
        platform.handle(host, req, client_connection(), res);
        return res;
    }
};

TEST_F(workers_fixture, OwnsWorkersOfTheLabSubdomainsAndPagesProjects) {
    request r = make_request(http::verb::get, "/", worker_host);
    EXPECT_TRUE(platform.owns(worker_host, r));
    EXPECT_TRUE(platform.owns("not-deployed.argustest.workers.dev", r));  // the subdomain answers for any name
    EXPECT_FALSE(platform.owns("df00tech-sentinel-test.othersub.workers.dev", r));
    EXPECT_FALSE(platform.owns("argustest.workers.dev", r));
    EXPECT_FALSE(platform.owns("a.b.argustest.workers.dev", r));
    EXPECT_TRUE(platform.owns("df00tech-argus-pages.pages.dev", r));
    EXPECT_TRUE(platform.owns("3f2a91bc.df00tech-argus-pages.pages.dev", r));  // a preview deployment
    EXPECT_FALSE(platform.owns("x.3f2a91bc.df00tech-argus-pages.pages.dev", r));
    EXPECT_FALSE(platform.owns("unknown-project.pages.dev", r));
}

TEST_F(workers_fixture, CheckinAnswersWithEveryWorkerHeaderInCaptureOrder) {
    response res = serve(make_request(http::verb::get, "/", worker_host));
    EXPECT_EQ(res.result_int(), 200u);
    EXPECT_EQ(header_names(res), (std::vector<std::string>{"Date", "Content-Type", "Content-Length", "Connection",
                                                            "Report-To", "NEL", "Server", "CF-RAY", "alt-svc"}));
    EXPECT_EQ(header(res, "Date"), fixed_http_date);
    EXPECT_EQ(header(res, "Content-Type"), "text/plain;charset=UTF-8");
    EXPECT_EQ(header(res, "Content-Length"), "64");
    EXPECT_EQ(header(res, "Connection"), "keep-alive");
    EXPECT_TRUE(matches(header(res, "Report-To"),
                        R"(^\{"endpoints":\[\{"url":"https:\\/\\/a\.nel\.cloudflare\.com\\/report\\/v4\?s=[A-Za-z0-9%]{150,}"\}\],"group":"cf-nel","max_age":604800\}$)"))
        << header(res, "Report-To");
    EXPECT_EQ(header(res, "NEL"), R"({"success_fraction":0,"report_to":"cf-nel","max_age":604800})");
    EXPECT_EQ(header(res, "Server"), "cloudflare");
    EXPECT_TRUE(matches(header(res, "CF-RAY"), cf_ray)) << header(res, "CF-RAY");
    EXPECT_EQ(header(res, "alt-svc"), R"(h3=":443"; ma=86400)");
    EXPECT_EQ(header(res, "cf-cache-status"), "<absent>");
    EXPECT_EQ(res.body().size(), 64u);
}

TEST_F(workers_fixture, RayIdsChangePerRequestAndTheColoStaysForTheRun) {
    std::string first = header(serve(make_request(http::verb::get, "/", worker_host)), "CF-RAY");
    std::string second = header(serve(make_request(http::verb::get, "/", worker_host)), "CF-RAY");
    EXPECT_NE(first.substr(0, 16), second.substr(0, 16));
    EXPECT_EQ(first.substr(17), second.substr(17));
}

TEST_F(workers_fixture, ResultUploadIsAcknowledgedWithAckBytes) {
    response res = serve(make_request(http::verb::post, "/result", worker_host, std::string(3000, 'r')));
    EXPECT_EQ(res.result_int(), 200u);
    EXPECT_EQ(res.body().size(), 16u);
    EXPECT_EQ(header(res, "Content-Length"), "16");
}

TEST_F(workers_fixture, ClientMayAskForAResponseSizeBoundedByTheLab) {
    request req = make_request(http::verb::get, "/", worker_host);
    req.set("X-Sclab-Response-Bytes", "5000");
    EXPECT_EQ(serve(req).body().size(), 5000u);
    req.set("X-Sclab-Response-Bytes", "99999999");
    EXPECT_EQ(serve(req).body().size(), 1u << 20);  // relay_behaviour::max_response_bytes default
}

TEST_F(workers_fixture, ConnectionCloseAndHeadAreReflected) {
    request req = make_request(http::verb::get, "/", worker_host);
    req.keep_alive(false);
    EXPECT_EQ(header(serve(req), "Connection"), "close");
    response head = serve(make_request(http::verb::head, "/", worker_host));
    EXPECT_EQ(head.result_int(), 200u);
    EXPECT_TRUE(head.body().empty());
    EXPECT_EQ(header(head, "Content-Length"), "64");
}

TEST_F(workers_fixture, WorkerFailuresAreCloudflareErrorPages) {
    struct expected {
        const char* fail;
        unsigned status;
        const char* code;
        const char* title;
    };
    for (const expected& e : {expected{"exception", 500, "1101", "Worker threw exception"},
                              expected{"cpu-limit", 503, "1102", "Worker exceeded resource limits"},
                              expected{"rate-limit", 429, "1015", "You are being rate limited"},
                              expected{"daily-limit", 429, "1027", "This website has been temporarily rate limited"}}) {
        request req = make_request(http::verb::get, "/", worker_host);
        req.set("X-Sclab-Fail", e.fail);
        response res = serve(req);
        EXPECT_EQ(res.result_int(), e.status) << e.fail;
        EXPECT_EQ(header(res, "Content-Type"), "text/html; charset=UTF-8");
        EXPECT_EQ(header(res, "Server"), "cloudflare");
        std::string ray = header(res, "CF-RAY");
        ASSERT_TRUE(matches(ray, cf_ray));
        const std::string& body = res.body();
        EXPECT_NE(body.find(std::string("<span class=\"cf-error-code\">") + e.code + "</span>"), std::string::npos) << e.fail;
        EXPECT_NE(body.find(std::string("<title>") + e.title + " | " + worker_host + " | Cloudflare</title>"),
                  std::string::npos);
        EXPECT_NE(body.find("Ray ID: " + ray.substr(0, 16)), std::string::npos);  // the page names the same ray
        EXPECT_NE(body.find("2023-11-14 22:13:20 UTC"), std::string::npos);
        EXPECT_NE(body.find("Your IP: 10.20.30.40"), std::string::npos);
        EXPECT_EQ(header(res, "Content-Length"), std::to_string(body.size()));
    }
}

TEST_F(workers_fixture, BodyOverOneHundredMegabytesGetsCloudflares413) {
    request req = make_request(http::verb::post, "/result", worker_host);
    EXPECT_EQ(platform.body_limit(worker_host, req), 100ull * 1024 * 1024);
    response res;
    platform.too_large(worker_host, req, res);
    EXPECT_EQ(res.result_int(), 413u);
    EXPECT_EQ(header(res, "Server"), "cloudflare");
    EXPECT_TRUE(matches(header(res, "CF-RAY"), cf_ray));
    EXPECT_NE(res.body().find("<title>413 Request Entity Too Large</title>"), std::string::npos);
    EXPECT_NE(res.body().find("<hr><center>cloudflare</center>"), std::string::npos);
}

TEST_F(workers_fixture, UrlOverSixteenKilobytesIs414) {
    response res = serve(make_request(http::verb::get, "/?" + std::string(16 * 1024, 'a'), worker_host));
    EXPECT_EQ(res.result_int(), 414u);
    EXPECT_EQ(header(res, "Server"), "cloudflare");
    EXPECT_EQ(serve(make_request(http::verb::get, "/" + std::string(16 * 1024 - 2, 'a'), worker_host)).result_int(), 404u);
}

TEST_F(workers_fixture, HeadersOver128KilobytesAreRefused) {
    request req = make_request(http::verb::get, "/", worker_host);
    for (int i = 0; i < 4; ++i) req.set("X-Padding-" + std::to_string(i), std::string(33 * 1024, 'p'));  // Beast caps one field
    response res = serve(req);
    EXPECT_EQ(res.result_int(), 400u);
    EXPECT_NE(res.body().find("Request Header Or Cookie Too Large"), std::string::npos);
}

TEST_F(workers_fixture, UnknownWorkerOnAKnownSubdomainIs404) {
    response res = serve(make_request(http::verb::get, "/", "not-deployed.argustest.workers.dev"),
                         "not-deployed.argustest.workers.dev");
    EXPECT_EQ(res.result_int(), 404u);
    EXPECT_TRUE(matches(header(res, "CF-RAY"), cf_ray));
}

TEST_F(workers_fixture, PagesProjectsAnswerWithPagesHeaders) {
    const std::string host = "df00tech-argus-pages.pages.dev";
    response res = serve(make_request(http::verb::get, "/", host), host);
    EXPECT_EQ(res.result_int(), 200u);
    EXPECT_EQ(header(res, "Server"), "cloudflare");
    EXPECT_TRUE(matches(header(res, "CF-RAY"), cf_ray));
    EXPECT_EQ(header(res, "access-control-allow-origin"), "*");
    EXPECT_EQ(header(res, "x-content-type-options"), "nosniff");
    EXPECT_EQ(res.body().size(), 64u);
}

TEST_F(workers_fixture, DeployedWorkersAnswerAndRemovedOnesDoNot) {
    cloudflare_worker w;
    w.name = "fresh-deploy";
    w.relay.task_bytes = 7;
    platform.add_worker("3f9a1c6e2b7d4e8fa0c5b1d2e3f40516", "argustest", w);
    const std::string host = "fresh-deploy.argustest.workers.dev";
    EXPECT_EQ(serve(make_request(http::verb::get, "/", host), host).body().size(), 7u);
    platform.remove_worker("3f9a1c6e2b7d4e8fa0c5b1d2e3f40516", "fresh-deploy");
    EXPECT_EQ(serve(make_request(http::verb::get, "/", host), host).result_int(), 404u);

    platform.add_worker("00000000000000000000000000000001", "newsub", w);  // a new account's subdomain
    EXPECT_TRUE(platform.owns("fresh-deploy.newsub.workers.dev", make_request(http::verb::get, "/", host)));
}

// Script names may hold underscores, host labels may not: such a worker has no workers.dev address (the server
// answers 421 for the name), whether it was in the lab file or deployed later.
TEST_F(workers_fixture, AWorkerWhoseNameCannotBeAHostLabelIsNotReachable) {
    cloudflare_worker w;
    w.name = "under_score";
    platform.add_worker("3f9a1c6e2b7d4e8fa0c5b1d2e3f40516", "argustest", w);
    const std::string host = "under_score.argustest.workers.dev";
    EXPECT_FALSE(platform.owns(host, make_request(http::verb::get, "/", host)));
    EXPECT_TRUE(platform.owns("under-score.argustest.workers.dev", make_request(http::verb::get, "/", host)));
}

}  // namespace
}  // namespace sclab::emulators::platforms
