// The Google admin endpoint: create, update and delete Cloud Functions and Apps Script deployments, and the
// Admin Activity audit record each change writes (FIDELITY.md section 2, Google Cloud Functions).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "emulators/control/google_admin.hpp"
#include "control_fixtures.hpp"
#include "telemetry/clock.hpp"

namespace sclab::emulators::control {
namespace {

using testing::client_at;
using testing::make_request;
using testing::recording_sink;

constexpr const char* admin_token = "google-admin-token";
const std::string functions_path = "/sclab/google/v1/projects/lab-project/locations/us-central1/functions";

class recording_listener final : public deployment_listener {
public:
    void worker_deployed(const std::string&, const std::string&, const cloudflare_worker&) override {}
    void worker_removed(const std::string&, const std::string&) override {}
    void apps_script_deployed(const apps_script_deployment& d) override { log.push_back("script+" + d.deployment_id); }
    void apps_script_removed(const std::string& id) override { log.push_back("script-" + id); }
    void cloud_function_deployed(const cloud_function& f) override {
        log.push_back("function+" + f.name + "/" + std::to_string(f.relay.task_bytes));
    }
    void cloud_function_removed(const std::string&, const std::string&, const std::string& name) override {
        log.push_back("function-" + name);
    }
    std::vector<std::string> log;
};

google_lab lab() {
    google_lab g;
    g.admin_tokens = {admin_token};
    g.admin_email = "admin@lab.example";
    g.apps_script = {{"AKfycbExisting", "script-project-1", "owner@lab.example", {}}};
    return g;
}

class GoogleAdmin : public ::testing::Test {
protected:
    response call(http::verb method, const std::string& target, const std::string& body = {},
                  const std::string& bearer = admin_token, const std::string& host = "127.0.0.1") {
        request req = make_request(method, target, host, body);
        req.set(http::field::user_agent, "curl/8.0.1");
        if (!bearer.empty()) req.set(http::field::authorization, "Bearer " + bearer);
        EXPECT_TRUE(admin.owns(host, req));
        response res;
        admin.handle(host, req, client_at("198.51.100.9"), res);
        return res;
    }
    static nlohmann::json json(const response& res) { return nlohmann::json::parse(res.body()); }

    recording_sink sink;
    recording_listener listener;
    telemetry::virtual_clock clock{1'700'000'000'000'000'000};
    google_admin admin{lab(), sink, clock, telemetry::seeded_random(3), &listener};
};

TEST_F(GoogleAdmin, CreateFunctionWritesAnAdminActivityRecord) {
    const response res = call(http::verb::post, functions_path, R"({"name":"relay-fn","relay":{"task_bytes":99}})");
    ASSERT_EQ(res.result(), http::status::ok) << res.body();
    EXPECT_EQ(json(res)["response"]["httpsTrigger"]["url"], "https://us-central1-lab-project.cloudfunctions.net/relay-fn");
    ASSERT_EQ(sink.events.size(), 1u);
    const telemetry::event& e = sink.events[0];
    EXPECT_EQ(e.kind, telemetry::event_kind::cloud_audit);
    const auto& a = e.cloud;
    EXPECT_EQ(a.provider, "gcp");
    EXPECT_EQ(a.service, "cloudfunctions.googleapis.com");
    EXPECT_EQ(a.action, "google.cloud.functions.v1.CloudFunctionsService.CreateFunction");
    EXPECT_TRUE(a.success);
    EXPECT_EQ(a.severity, "NOTICE");
    EXPECT_EQ(a.category, "activity");
    EXPECT_EQ(a.actor_name, "admin@lab.example");
    EXPECT_EQ(a.source_ip, "198.51.100.9");
    EXPECT_EQ(a.user_agent, "curl/8.0.1");
    EXPECT_EQ(a.account_id, "lab-project");
    EXPECT_EQ(a.region, "us-central1");
    EXPECT_EQ(a.resource_type, "cloud_function");
    EXPECT_EQ(a.resource_id, "relay-fn");
    EXPECT_EQ(a.resource_name, "projects/lab-project/locations/us-central1/functions/relay-fn");
    EXPECT_EQ(a.read_only, std::optional<bool>(false));
    EXPECT_EQ(a.event_id.size(), 12u);
    const auto authorization = nlohmann::json::parse(e.extra_value("protoPayload.authorizationInfo"));
    EXPECT_EQ(authorization, nlohmann::json::parse(R"([{"resource":"projects/lab-project/locations/us-central1/functions/relay-fn",
        "permission":"cloudfunctions.functions.create","granted":true,"permissionType":"ADMIN_WRITE"}])"));
    const auto request = nlohmann::json::parse(a.request_parameters);
    EXPECT_EQ(request["@type"], "type.googleapis.com/google.cloud.functions.v1.CreateFunctionRequest");
    EXPECT_EQ(request["location"], "projects/lab-project/locations/us-central1");
    EXPECT_FALSE(testing::contains(testing::all_audit_text(e), admin_token));
    EXPECT_EQ(listener.log, std::vector<std::string>{"function+relay-fn/99"});
}

TEST_F(GoogleAdmin, UpdateAndDeleteFunctionAreRecordedAndAnUnknownFunctionIsNotFound) {
    ASSERT_EQ(call(http::verb::post, functions_path, R"({"name":"relay-fn"})").result(), http::status::ok);
    EXPECT_EQ(call(http::verb::patch, functions_path + "/relay-fn", R"({"relay":{"task_bytes":7}})").result(), http::status::ok);
    EXPECT_EQ(json(call(http::verb::get, functions_path))["functions"].size(), 1u);
    EXPECT_EQ(call(http::verb::delete_, functions_path + "/relay-fn").result(), http::status::ok);
    EXPECT_EQ(json(call(http::verb::get, functions_path))["functions"].size(), 0u);
    ASSERT_EQ(sink.events.size(), 3u) << "reads write no record";
    EXPECT_EQ(sink.events[1].cloud.action, "google.cloud.functions.v1.CloudFunctionsService.UpdateFunction");
    EXPECT_EQ(sink.events[2].cloud.action, "google.cloud.functions.v1.CloudFunctionsService.DeleteFunction");
    EXPECT_EQ(nlohmann::json::parse(sink.events[2].extra_value("protoPayload.authorizationInfo"))[0]["permission"],
              "cloudfunctions.functions.delete");
    EXPECT_EQ(listener.log, (std::vector<std::string>{"function+relay-fn/64", "function+relay-fn/7", "function-relay-fn"}));

    const response missing = call(http::verb::delete_, functions_path + "/relay-fn");
    EXPECT_EQ(missing.result(), http::status::not_found);
    EXPECT_EQ(json(missing)["error"]["status"], "NOT_FOUND");
    const auto& a = sink.events.back().cloud;
    EXPECT_FALSE(a.success);
    EXPECT_EQ(a.severity, "ERROR");
    EXPECT_EQ(a.error_code, "5");
}

TEST_F(GoogleAdmin, BadRequestsAreRefusedWithoutChangingAnything) {
    EXPECT_EQ(call(http::verb::post, functions_path, R"({"nome":"x"})").result(), http::status::bad_request);
    EXPECT_EQ(call(http::verb::post, functions_path, "not json").result(), http::status::bad_request);
    EXPECT_EQ(call(http::verb::post, functions_path, R"({"name":"9starts-with-digit"})").result(), http::status::bad_request);
    EXPECT_EQ(call(http::verb::post, functions_path, R"({"name":"ok","relay":{"task_bytes":-1}})").result(),
              http::status::bad_request);
    EXPECT_EQ(json(call(http::verb::get, functions_path))["functions"].size(), 0u);
    EXPECT_EQ(sink.events.back().cloud.error_code, "3");
    ASSERT_EQ(call(http::verb::post, functions_path, R"({"name":"dup"})").result(), http::status::ok);
    const response again = call(http::verb::post, functions_path, R"({"name":"dup"})");
    EXPECT_EQ(again.result(), http::status::conflict);
    EXPECT_EQ(sink.events.back().cloud.error_code, "6");
}

TEST_F(GoogleAdmin, AppsScriptDeploymentsAreCreatedAndDeletedWithAuditRecords) {
    const response created = call(http::verb::post, "/sclab/google/v1/projects/script-project-1/deployments", "{}");
    ASSERT_EQ(created.result(), http::status::ok) << created.body();
    const std::string id = json(created)["deploymentId"];
    EXPECT_EQ(id.rfind("AKfycb", 0), 0u);
    EXPECT_EQ(id.size(), 72u);
    EXPECT_EQ(json(created)["entryPoints"][0]["webApp"]["url"], "https://script.google.com/macros/s/" + id + "/exec");
    const auto& a = sink.events.back().cloud;
    EXPECT_EQ(a.service, "script.googleapis.com");
    EXPECT_EQ(a.action, "script.projects.deployments.create");
    EXPECT_EQ(a.resource_name, "projects/script-project-1/deployments/" + id);
    EXPECT_EQ(a.category, "activity");
    EXPECT_EQ(json(call(http::verb::get, "/sclab/google/v1/projects/script-project-1/deployments"))["deployments"].size(), 2u);

    EXPECT_EQ(call(http::verb::delete_, "/sclab/google/v1/projects/script-project-1/deployments/AKfycbExisting").result(),
              http::status::ok);
    EXPECT_EQ(sink.events.back().cloud.action, "script.projects.deployments.delete");
    EXPECT_EQ(sink.events.back().cloud.resource_id, "AKfycbExisting");
    EXPECT_EQ(listener.log, (std::vector<std::string>{"script+" + id, "script-AKfycbExisting"}));
    // A deployment of another script project is not found under this one.
    EXPECT_EQ(call(http::verb::delete_, "/sclab/google/v1/projects/other/deployments/" + id).result(), http::status::not_found);
}

TEST_F(GoogleAdmin, AuthenticationIsRequiredAndFailuresWriteNothing) {
    for (const std::string& bearer : {std::string(), std::string("wrong")}) {
        const response res = call(http::verb::post, functions_path, R"({"name":"x"})", bearer);
        EXPECT_EQ(res.result(), http::status::unauthorized);
        EXPECT_EQ(json(res)["error"]["status"], "UNAUTHENTICATED");
    }
    EXPECT_TRUE(sink.events.empty());
}

TEST_F(GoogleAdmin, OwnsItsHostAndPrefixOnly) {
    EXPECT_TRUE(admin.owns("admin.sclab.internal", make_request(http::verb::get, "/anything", "admin.sclab.internal")));
    EXPECT_TRUE(admin.owns("10.0.0.1", make_request(http::verb::get, functions_path, "10.0.0.1")));
    EXPECT_FALSE(admin.owns("10.0.0.1", make_request(http::verb::get, "/client/v4/accounts", "10.0.0.1")));
    const response res = call(http::verb::get, "/anything", {}, admin_token, "admin.sclab.internal");
    EXPECT_EQ(res.result(), http::status::not_found);
}

}  // namespace
}  // namespace sclab::emulators::control
