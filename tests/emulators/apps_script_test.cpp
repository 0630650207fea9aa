// Google Apps Script web apps: FIDELITY.md section 2, "Google Apps Script": the 302 from script.google.com and
// the GET-only echo host that serves the content.
#include "emulators/platforms/apps_script.hpp"

#include <gtest/gtest.h>

#include "platform_test_support.hpp"

namespace sclab::emulators::platforms {
namespace {

using namespace testing;

constexpr const char* deployment = "AKfycbz8Xq2Lr5Tn0VwB3yHd7Kp1Mf4Gs9Jc6Ne_Ua-Wo2Ri5Zt8Qv1Ly4Hb7Dk0Px3Cg6Sm9";
constexpr const char* script_host = "script.google.com";
constexpr const char* echo_host = "script.googleusercontent.com";
constexpr const char* location_shape =
    "^https://script\\.googleusercontent\\.com/macros/echo\\?user_content_key=[A-Za-z0-9_-]{200,}&lib=M[A-Za-z0-9]{32}$";

std::string exec_path(const std::string& suffix = {}) { return std::string("/macros/s/") + deployment + "/exec" + suffix; }

struct apps_script_fixture : ::testing::Test {
    platform_env env;
    lab_config lab = default_lab();
    apps_script_platform platform{lab.google, shipped_profiles(), env.clock, env.random};

    response serve(request req, const std::string& host) {
        response res;
        EXPECT_TRUE(platform.owns(host, req)) << host;
        platform.handle(host, req, client_connection(), res);
        return res;
    }
    // Follows a 302 the way clients do: a GET of the Location on the echo host.
    response follow(const response& redirect) {
        std::string location = header(redirect, "Location");
        std::string prefix = std::string("https://") + echo_host;
        EXPECT_EQ(location.rfind(prefix, 0), 0u) << location;
        return serve(make_request(http::verb::get, location.substr(prefix.size()), echo_host), echo_host);
    }
};

TEST_F(apps_script_fixture, ExecAnswers302MovedTemporarilyWithTheDocumentedHeaders) {
    response res = serve(make_request(http::verb::get, exec_path(), script_host), script_host);
    EXPECT_EQ(res.result_int(), 302u);
    EXPECT_EQ(res.reason(), "Moved Temporarily");
    EXPECT_EQ(header(res, "Content-Type"), "text/html; charset=UTF-8");
    EXPECT_EQ(header(res, "Cache-Control"), "no-cache, no-store, max-age=0, must-revalidate");
    EXPECT_EQ(header(res, "Pragma"), "no-cache");
    EXPECT_EQ(header(res, "Expires"), "Mon, 01 Jan 1990 00:00:00 GMT");
    EXPECT_EQ(header(res, "X-Content-Type-Options"), "nosniff");
    EXPECT_EQ(header(res, "X-Frame-Options"), "SAMEORIGIN");
    EXPECT_EQ(header(res, "X-XSS-Protection"), "1; mode=block");
    EXPECT_EQ(header(res, "Server"), "GSE");
    EXPECT_EQ(header(res, "Date"), fixed_http_date);
    std::string location = header(res, "Location");
    EXPECT_TRUE(matches(location, location_shape)) << location;
    EXPECT_EQ(location.substr(location.find("&lib=") + 5), apps_script_library_key(deployment));
    // The HTML body links the same URL, with & escaped.
    std::string escaped = location;
    escaped.replace(escaped.find('&'), 1, "&amp;");
    EXPECT_NE(res.body().find("<A HREF=\"" + escaped + "\">here</A>"), std::string::npos) << res.body();
}

TEST_F(apps_script_fixture, TheEchoGetAfterTheRedirectReturnsTheTask) {
    response redirect = serve(make_request(http::verb::get, exec_path(), script_host), script_host);
    response content = follow(redirect);
    EXPECT_EQ(content.result_int(), 200u);
    EXPECT_EQ(content.body().size(), 64u);
    EXPECT_EQ(content.body().find_first_not_of("0123456789abcdef"), std::string::npos);
    EXPECT_EQ(header(content, "Content-Type"), "text/plain; charset=utf-8");
    EXPECT_EQ(header(content, "Access-Control-Allow-Origin"), "*");
    EXPECT_EQ(header(content, "Cache-Control"), "no-cache, no-store, max-age=0, must-revalidate");
    EXPECT_EQ(header(content, "Location"), "<absent>");
    // Fetching again within the content's lifetime gives the same content.
    EXPECT_EQ(follow(redirect).body(), content.body());
}

TEST_F(apps_script_fixture, PostWithPathInfoReachesTheResultPathAndTheEchoGivesTheAck) {
    response redirect = serve(make_request(http::verb::post, exec_path("/result"), script_host, "exfil"), script_host);
    ASSERT_EQ(redirect.result_int(), 302u);
    response ack = follow(redirect);
    EXPECT_EQ(ack.result_int(), 200u);
    EXPECT_EQ(ack.body().size(), 16u);
    // A POST to /exec itself is a check-in (doPost), with a task.
    EXPECT_EQ(follow(serve(make_request(http::verb::post, exec_path(), script_host, "hello"), script_host)).body().size(), 64u);
}

TEST_F(apps_script_fixture, EchoAcceptsGetOnly) {
    response redirect = serve(make_request(http::verb::get, exec_path(), script_host), script_host);
    std::string target = header(redirect, "Location").substr(std::string("https://").size() + std::string(echo_host).size());
    response res = serve(make_request(http::verb::post, target, echo_host, "x"), echo_host);
    EXPECT_EQ(res.result_int(), 405u);
    EXPECT_EQ(header(res, "Allow"), "GET, HEAD");
    EXPECT_NE(res.body().find("<title>Error 405 (Method Not Allowed)!!1</title>"), std::string::npos);
    EXPECT_NE(res.body().find("The request method <code>POST</code> is inappropriate for the URL <code>/macros/echo</code>."),
              std::string::npos);
    EXPECT_EQ(serve(make_request(http::verb::put, target, echo_host, "x"), echo_host).result_int(), 405u);
    EXPECT_EQ(serve(make_request(http::verb::get, target, echo_host), echo_host).result_int(), 200u);
}

TEST_F(apps_script_fixture, UnknownOrMismatchedOrExpiredContentIs404) {
    response redirect = serve(make_request(http::verb::get, exec_path(), script_host), script_host);
    std::string target = header(redirect, "Location").substr(std::string("https://").size() + std::string(echo_host).size());
    std::string wrong_lib = target.substr(0, target.find("&lib=")) + "&lib=MAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
    EXPECT_EQ(serve(make_request(http::verb::get, wrong_lib, echo_host), echo_host).result_int(), 404u);
    EXPECT_EQ(serve(make_request(http::verb::get, "/macros/echo?user_content_key=nope&lib=x", echo_host), echo_host).result_int(), 404u);
    EXPECT_EQ(platform.pending_content(), 1u);
    env.clock.advance(601'000'000'000);  // past content_ttl_seconds
    EXPECT_EQ(serve(make_request(http::verb::get, target, echo_host), echo_host).result_int(), 404u);
}

TEST_F(apps_script_fixture, UnknownDeploymentIsGoogleDrivesSorryPage) {
    response res = serve(make_request(http::verb::get, "/macros/s/AKfycbNoSuchDeployment0000/exec", script_host), script_host);
    EXPECT_EQ(res.result_int(), 404u);
    EXPECT_NE(res.body().find("Sorry, unable to open the file at this time."), std::string::npos);
    EXPECT_EQ(header(res, "Location"), "<absent>");
    EXPECT_EQ(serve(make_request(http::verb::get, "/somewhere", script_host), script_host).result_int(), 404u);
}

TEST_F(apps_script_fixture, DevAndWorkspaceFormsAreServedLikeExec) {
    std::string dev = std::string("/macros/s/") + deployment + "/dev";
    EXPECT_EQ(serve(make_request(http::verb::get, dev, script_host), script_host).result_int(), 302u);
    std::string workspace = std::string("/a/macros/df00tech.example/s/") + deployment + "/exec";
    EXPECT_EQ(serve(make_request(http::verb::get, workspace, script_host), script_host).result_int(), 302u);
}

TEST_F(apps_script_fixture, OtherMethodsOnExecAre405) {
    response res = serve(make_request(http::verb::put, exec_path(), script_host, "x"), script_host);
    EXPECT_EQ(res.result_int(), 405u);
    EXPECT_NE(res.body().find("<code>PUT</code>"), std::string::npos);
}

TEST_F(apps_script_fixture, AScriptThatThrowsShowsAnErrorPageWithoutRedirect) {
    request req = make_request(http::verb::get, exec_path(), script_host);
    req.set("X-Sclab-Fail", "exception");
    response res = serve(req, script_host);
    EXPECT_EQ(res.result_int(), 200u);
    EXPECT_EQ(header(res, "Location"), "<absent>");
    EXPECT_NE(res.body().find("Exception"), std::string::npos);
    EXPECT_EQ(platform.pending_content(), 0u);
}

TEST_F(apps_script_fixture, DeploymentsComeAndGo) {
    apps_script_deployment d;
    d.deployment_id = "AKfycbwNewlyDeployedWebApp_0123456789";
    d.relay.task_bytes = 5;
    platform.add_deployment(d);
    std::string path = "/macros/s/" + d.deployment_id + "/exec";
    EXPECT_EQ(follow(serve(make_request(http::verb::get, path, script_host), script_host)).body().size(), 5u);
    platform.remove_deployment(d.deployment_id);
    EXPECT_EQ(serve(make_request(http::verb::get, path, script_host), script_host).result_int(), 404u);
}

TEST_F(apps_script_fixture, LibraryKeyIsStablePerDeployment) {
    EXPECT_EQ(apps_script_library_key(deployment), apps_script_library_key(deployment));
    EXPECT_NE(apps_script_library_key(deployment), apps_script_library_key("AKfycbOther0000000000"));
    EXPECT_TRUE(matches(apps_script_library_key(deployment), "^M[A-Za-z0-9]{32}$"));
}

}  // namespace
}  // namespace sclab::emulators::platforms
