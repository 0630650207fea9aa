// The lab file: the shipped default lab, and errors that name the file, the JSON path and the reason.
#include "emulators/lab_config.hpp"

#include <cctype>

#include <gtest/gtest.h>

#include "platform_test_support.hpp"
#include "telemetry/input_error.hpp"
#include "tests/telemetry/test_files.hpp"

namespace sclab::emulators {
namespace {

using namespace testing;

TEST(LabConfig, DefaultLabHoldsTheCatalogEndpoints) {
    lab_config lab = default_lab();
    EXPECT_EQ(lab.name, "default");
    ASSERT_EQ(lab.aws.size(), 1u);
    EXPECT_EQ(lab.aws[0].id, "123456789012");
    ASSERT_EQ(lab.aws[0].credentials.size(), 1u);
    EXPECT_EQ(lab.aws[0].credentials[0].access_key_id, "AKIAIOSFODNN7EXAMPLE");
    ASSERT_EQ(lab.aws[0].functions.size(), 3u);
    EXPECT_EQ(lab.aws[0].functions[0].url_id, "abcde12345fghij");
    EXPECT_EQ(lab.aws[0].functions[2].name, "df00tech-argus-enum-test");
    EXPECT_TRUE(lab.aws[0].functions[2].url_id.empty());
    EXPECT_EQ(lab.aws[0].functions[1].relay.task_bytes, 96u);
    EXPECT_EQ(lab.aws[0].functions[0].relay.task_bytes, 64u);  // relay defaults when the lab says nothing
    ASSERT_EQ(lab.aws[0].api_gateways.size(), 2u);
    EXPECT_TRUE(lab.aws[0].api_gateways[1].http_api);
    EXPECT_EQ(lab.aws[0].api_gateways[1].stage, "$default");
    ASSERT_EQ(lab.cloudflare.size(), 1u);
    EXPECT_EQ(lab.cloudflare[0].subdomain, "argustest");
    EXPECT_EQ(lab.cloudflare[0].workers.at(0).name, "df00tech-sentinel-test");
    EXPECT_EQ(lab.cloudflare[0].pages_projects.at(0), "df00tech-argus-pages");
    EXPECT_EQ(lab.google.apps_script.at(0).deployment_id.substr(0, 6), "AKfycb");
    EXPECT_EQ(lab.google.cloud_functions.at(0).project_id, "df00tech-argus-test");
    EXPECT_EQ(lab.google.cloud_functions.at(0).region, "us-central1");
    EXPECT_EQ(lab.google.cloud_run.at(0).host, "df00tech-relay-3xq7lz5kpa-uc.a.run.app");
    std::vector<std::string> suffixes;
    for (const generic_platform& g : lab.generic) {
        suffixes.push_back(g.domain_suffix);
        EXPECT_FALSE(g.server_header.empty()) << g.domain_suffix;
    }
    EXPECT_EQ(suffixes, (std::vector<std::string>{"cloudflareworkers.com", "azurewebsites.net", "azurecontainerapps.io",
                                                   "netlify.app", "vercel.app", "supabase.co", "deno.dev", "run.app"}));
}

TEST(LabConfig, RelayBlockIsRead) {
    lab_config lab = load_lab_config(test_data("lab_minimal.json"));
    ASSERT_EQ(lab.generic.size(), 1u);
    const relay_behaviour& r = lab.generic[0].relay;
    EXPECT_EQ(r.checkin_path, "/poll");
    EXPECT_EQ(r.result_path, "/push");
    EXPECT_EQ(r.task_bytes, 10u);
    EXPECT_EQ(r.ack_bytes, 2u);
    EXPECT_EQ(r.max_response_bytes, 100u);
    EXPECT_EQ(lab.generic[0].hosts, std::vector<std::string>{"x.deno.dev"});
    EXPECT_TRUE(lab.aws.empty());
}

TEST(LabConfig, SensorsDefaultToAnOrdinaryEgressFirewall) {
    telemetry::testing::temp_dir dir;
    const std::string path = dir.path("lab.json");
    telemetry::testing::write_file(path, R"({"name": "no sensors"})");
    const firewall_sensor fw = load_lab_config(path).sensors.firewall;
    EXPECT_EQ(fw.rule, "allow-web-egress");
    EXPECT_EQ(fw.from_zone, "trust");
    EXPECT_EQ(fw.to_zone, "untrust");
    EXPECT_EQ(fw.inbound_interface, "ethernet1/2");
    EXPECT_EQ(fw.outbound_interface, "ethernet1/1");
    EXPECT_EQ(fw.log_forwarding_profile, "default");
    EXPECT_EQ(default_lab().sensors.firewall.rule, "allow-web-egress");  // the shipped lab spells them out
}

TEST(LabConfig, SensorsBlockIsRead) {
    telemetry::testing::temp_dir dir;
    const std::string path = dir.path("lab.json");
    telemetry::testing::write_file(path, R"({"sensors": {"firewall": {"rule": "Lab C2 egress_1.0",
        "from_zone": "corp-lan", "to_zone": "internet", "inbound_interface": "ae1.100",
        "outbound_interface": "tunnel.7", "log_forwarding_profile": "to-qradar"}}})");
    const firewall_sensor fw = load_lab_config(path).sensors.firewall;
    EXPECT_EQ(fw.rule, "Lab C2 egress_1.0");
    EXPECT_EQ(fw.from_zone, "corp-lan");
    EXPECT_EQ(fw.to_zone, "internet");
    EXPECT_EQ(fw.inbound_interface, "ae1.100");
    EXPECT_EQ(fw.outbound_interface, "tunnel.7");
    EXPECT_EQ(fw.log_forwarding_profile, "to-qradar");

    telemetry::testing::write_file(path, R"({"sensors": {"firewall": {"to_zone": "dmz"}}})");  // the rest: defaults
    const firewall_sensor partial = load_lab_config(path).sensors.firewall;
    EXPECT_EQ(partial.to_zone, "dmz");
    EXPECT_EQ(partial.from_zone, "trust");
    EXPECT_EQ(partial.rule, "allow-web-egress");
}

// A bad value in "sensors": the message names the file, the JSON path and what PAN-OS accepts.
TEST(LabConfig, BadSensorValuesNameThePathAndTheReason) {
    struct bad_sensor {
        const char* json;
        const char* where;
        const char* reason;
    };
    const std::string long_rule(64, 'r');
    const bad_sensor cases[] = {
        {R"({"firewall": {"inbound_interface": "eth0"}})", "sensors.firewall.inbound_interface: ",
         "\"eth0\" is not a PAN-OS interface (ethernet<slot>/<port>"},
        {R"({"firewall": {"from_zone": "trust,dmz"}})", "sensors.firewall.from_zone: ", "is not a PAN-OS zone name"},
        {R"({"firewall": {"log_forwarding_profile": ""}})", "sensors.firewall.log_forwarding_profile: ",
         "is not a PAN-OS log forwarding profile name"},
        {R"({"firewall": {"rule": 7}})", "sensors.firewall.rule: ", "expected a string"},
        {R"({"firewall": {"zone": "trust"}})", "sensors.firewall.zone: ", "unknown key"},
        {R"({"proxy": {}})", "sensors.proxy: ", "unknown key"},
        {R"([])", "sensors: ", "expected an object"},
    };
    telemetry::testing::temp_dir dir;
    const std::string path = dir.path("lab.json");
    auto expect_rejected = [&](const std::string& sensors, const std::string& where, const std::string& reason) {
        telemetry::testing::write_file(path, R"({"name": "bad", "sensors": )" + sensors + "}");
        try {
            load_lab_config(path);
            ADD_FAILURE() << sensors << " was accepted";
        } catch (const telemetry::input_error& e) {
            EXPECT_EQ(e.file(), path);
            EXPECT_NE(e.reason().find(where), std::string::npos) << e.what();
            EXPECT_NE(e.reason().find(reason), std::string::npos) << e.what();
        }
    };
    for (const bad_sensor& b : cases) expect_rejected(b.json, b.where, b.reason);
    expect_rejected(R"({"firewall": {"rule": ")" + long_rule + R"("}})", "sensors.firewall.rule: ",
                    "is not a PAN-OS security rule name (1 to 63");
}

struct bad_lab {
    const char* file;
    const char* where;   // the JSON path the message must name
    const char* reason;  // a part of the reason
};

class LabConfigErrors : public ::testing::TestWithParam<bad_lab> {};

TEST_P(LabConfigErrors, NameTheFileThePathAndTheReason) {
    const bad_lab& b = GetParam();
    const std::string path = test_data(b.file);
    try {
        load_lab_config(path);
        FAIL() << b.file << " was accepted";
    } catch (const telemetry::input_error& e) {
        EXPECT_EQ(e.file(), path);
        std::string message = e.what();
        EXPECT_EQ(message.rfind(path + ": ", 0), 0u) << message;
        EXPECT_NE(e.reason().find(std::string(b.where)), std::string::npos) << message;
        EXPECT_NE(e.reason().find(b.reason), std::string::npos) << message;
    }
}

// Readable test names: the data file's stem ("lab_bad_url_id").
template <class T>
std::string file_stem(const ::testing::TestParamInfo<T>& info) {
    std::string name = info.param.file;
    name = name.substr(0, name.find('.'));
    for (char& c : name)
        if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
    return name;
}

INSTANTIATE_TEST_SUITE_P(
    Files, LabConfigErrors,
    ::testing::Values(
        bad_lab{"lab_bad_url_id.json", "aws[0].functions[2].url_id: ", "is not a Lambda URL id"},
        bad_lab{"lab_unknown_key.json", "aws[0].functions[0].urlid: ", "unknown key"},
        bad_lab{"lab_missing_subdomain.json", "cloudflare[1].subdomain: ", "missing"},
        bad_lab{"lab_bad_worker_name.json", "cloudflare[0].workers[1].name: ", "cannot be a workers.dev hostname label"},
        bad_lab{"lab_bad_worker_start.json", "cloudflare[0].workers[0].name: ", "is not a Worker script name"},
        bad_lab{"lab_bad_apps_script_id.json", "google.apps_script[1].deployment_id: ", "AKfycb"},
        bad_lab{"lab_duplicate_host.json", "google.cloud_run[1].host: ", "already served by google.cloud_run[0].host"},
        bad_lab{"lab_relay_too_big.json", "generic[0].relay.task_bytes: ", "out of range (0 to 1024)"},
        bad_lab{"lab_same_relay_paths.json", "generic[0].relay.result_path: ", "must differ from the check-in path"},
        bad_lab{"lab_syntax_error.json", "", "not valid JSON"},
        bad_lab{"lab_wrong_type.json", "aws: ", "expected an array, found an object"},
        bad_lab{"lab_bad_cloud_function.json", "google.cloud_functions[1].project_id: ", "is not a Google Cloud project id"},
        bad_lab{"lab_generic_host_outside_suffix.json", "generic[0].hosts[1]: ", "is not a hostname under vercel.app"},
        bad_lab{"lab_http_stage_on_rest.json", "aws[0].api_gateways[0].stage: ", "only for an HTTP API"},
        bad_lab{"no_such_lab_file.json", "", "cannot open the file"}),
    file_stem<bad_lab>);

}  // namespace
}  // namespace sclab::emulators
