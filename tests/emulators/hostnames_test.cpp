// The hostname and id matchers of emulators/platforms/hostnames.cpp. They are hand-written for speed (the router
// asks them on every request) but must accept exactly what the regexes of FIDELITY.md section 2 accept: each is
// checked on hand-picked names that must and must not match, then against std::regex on thousands of names
// mutated from valid ones (a character changed, added or removed, at the edges where the regexes' classes and
// lengths change).
#include "emulators/platforms/hostnames.hpp"

#include <regex>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "telemetry/random.hpp"

namespace sclab::emulators::platforms {
namespace {

bool has_value(std::optional<lambda_url_parts> p) { return p.has_value(); }
bool has_value(std::optional<api_gateway_parts> p) { return p.has_value(); }

struct matcher_case {
    const char* name;
    bool (*matcher)(std::string_view);
    const char* regex;  // the shape the matcher implements
    std::vector<std::string> valid;
    std::vector<std::string> invalid;
};

std::vector<matcher_case> cases() {
    return {
        {"is_host_label", is_host_label, "^[a-z0-9-]{1,63}$",
         {"a", "-", "0", "argustest", "df00tech-sentinel-test", std::string(63, 'z')},
         {"", "A", "a.b", "a_b", std::string(64, 'a'), "caf\xc3\xa9"}},
        {"is_workers_dev_host", is_workers_dev_host, R"(^[a-z0-9-]{1,63}\.[a-z0-9-]{1,63}\.workers\.dev$)",
         {"df00tech-sentinel-test.argustest.workers.dev", "a.b.workers.dev", "-.-.workers.dev",
          std::string(63, 'a') + "." + std::string(63, 'b') + ".workers.dev"},
         {"argustest.workers.dev", "a.b.c.workers.dev", ".b.workers.dev", "a..workers.dev", "A.b.workers.dev",
          "a.b.workers.dev.", "a.b.workersxdev", "a.b.pages.dev", std::string(64, 'a') + ".b.workers.dev",
          "a.b_c.workers.dev", "workers.dev", ".workers.dev"}},
        {"is_worker_script_name", is_worker_script_name, R"(^[A-Za-z]([A-Za-z0-9_-]{0,61}[A-Za-z0-9])?$)",
         {"a", "Z", "ab", "df00tech-sentinel-test", "a_b-c9", "a" + std::string(61, '_') + "b"},
         {"", "9", "-a", "_a", "a-", "a_", "a.b", "a" + std::string(63, 'b'), "a b"}},
        {"is_pages_project_name", is_pages_project_name, "^[a-z0-9]([a-z0-9-]{0,56}[a-z0-9])?$",
         {"a", "9", "df00tech-argus-pages", "a-b", std::string(58, 'p')},
         {"", "-", "-a", "a-", "A", "a_b", "a.b", std::string(59, 'p')}},
        {"is_cloudflare_account_id", is_cloudflare_account_id, "^[0-9a-f]{32}$",
         {"3f9a1c6e2b7d4e8fa0c5b1d2e3f40516", std::string(32, '0'), std::string(32, 'f')},
         {"3f9a1c6e2b7d4e8fa0c5b1d2e3f4051", "3f9a1c6e2b7d4e8fa0c5b1d2e3f405167", "3F9A1C6E2B7D4E8FA0C5B1D2E3F40516",
          std::string(32, 'g')}},
        {"is_aws_account_id", is_aws_account_id, "^[0-9]{12}$",
         {"123456789012", "000000000000"},
         {"12345678901", "1234567890123", "12345678901a", ""}},
        {"is_aws_region", is_aws_region, R"(^[a-z]{2}(-gov)?-[a-z]+-\d$)",
         {"us-east-1", "eu-central-1", "us-gov-west-1", "us-gov-1", "ap-southeast-2", "aa-b-0"},
         {"", "us-east-10", "use-east-1", "u-east-1", "us-east1", "us--1", "us-East-1", "us-gov--1", "us-gov-west-",
          "us-east-1-", "-us-east-1", "us-gov-gov-west-1"}},
        {"is_lambda_function_name", is_lambda_function_name, "^[A-Za-z0-9_-]{1,64}$",
         {"df00tech-argus-poller", "_", "-", "A", std::string(64, 'x')},
         {"", "a.b", "a b", "a:b", std::string(65, 'x')}},
        {"is_lambda_url_id", is_lambda_url_id, "^[a-z0-9]{1,63}$",
         {"abcde12345fghij", "q3vt6xk2c7lyd5nmwa4pbz8ehf0jru1s", "0", std::string(63, 'a')},
         {"", "abc-def", "ABC", "a.b", std::string(64, 'a')}},
        {"is_api_gateway_id", is_api_gateway_id, "^[a-z0-9]{10}$",
         {"a1b2c3d4e5", "h7k2m9p4q1", "0000000000"},
         {"a1b2c3d4e", "a1b2c3d4e5f", "A1B2C3D4E5", "a1b2c3d4-5"}},
        {"parse_lambda_url_host", [](std::string_view h) { return has_value(parse_lambda_url_host(h)); },
         R"(^[a-z0-9]{1,63}\.lambda-url\.[a-z]{2}(-gov)?-[a-z]+-\d\.on\.aws$)",
         {"abcde12345fghij.lambda-url.us-east-1.on.aws", "q3vt6xk2c7lyd5nmwa4pbz8ehf0jru1s.lambda-url.eu-west-2.on.aws",
          "a.lambda-url.us-gov-west-1.on.aws", std::string(63, 'a') + ".lambda-url.us-east-1.on.aws"},
         {"abc.lambda-url.us-east-1.amazonaws.com", "abc.lambda-url.us-east-1.on.aws.", ".lambda-url.us-east-1.on.aws",
          "ab-c.lambda-url.us-east-1.on.aws", "abc.lambda-url.useast1.on.aws", "abc.lambda.url.us-east-1.on.aws",
          "abc.lambda-url.lambda-url.us-east-1.on.aws", "x.abc.lambda-url.us-east-1.on.aws",
          std::string(64, 'a') + ".lambda-url.us-east-1.on.aws", "lambda-url.us-east-1.on.aws"}},
        {"parse_api_gateway_host", [](std::string_view h) { return has_value(parse_api_gateway_host(h)); },
         R"(^[a-z0-9]{10}\.execute-api\.[a-z]{2}(-gov)?-[a-z]+-\d\.amazonaws\.com$)",
         {"a1b2c3d4e5.execute-api.us-east-1.amazonaws.com", "h7k2m9p4q1.execute-api.us-gov-east-1.amazonaws.com"},
         {"a1b2c3d4e.execute-api.us-east-1.amazonaws.com", "a1b2c3d4e5.execute-api.us-east-1.on.aws",
          "a1b2c3d4e5.execute-api.us-east-1.amazonaws.com.", "a1b2c3d4e5.executeapi.us-east-1.amazonaws.com",
          "a1b2c3d4e5.execute-api.amazonaws.com", "lambda.us-east-1.amazonaws.com"}},
        {"is_apps_script_deployment_id", is_apps_script_deployment_id, "^AKfycb[A-Za-z0-9_-]{10,200}$",
         {"AKfycbz8Xq2Lr5Tn0VwB3yHd7Kp1Mf4Gs9Jc6Ne_Ua-Wo2Ri5Zt8Qv1Ly4Hb7Dk0Px3Cg6Sm9", "AKfycb0123456789",
          "AKfycb" + std::string(200, '_')},
         {"AKfycb012345678", "akfycb0123456789", "AKfycx0123456789", "AKfycb01234.6789", "AKfycb" + std::string(201, 'a'),
          "AKfycb"}},
        {"is_gcp_project_id", is_gcp_project_id, "^[a-z][a-z0-9-]{4,28}[a-z0-9]$",
         {"df00tech-argus-test", "abcdef", "a----9", "a" + std::string(28, '-') + "b"},
         {"abcde", "1bcdef", "abcde-", "Abcdef", "abc_def", "a" + std::string(29, 'b') + "c"}},
        {"is_gcp_region", is_gcp_region, "^[a-z]+-[a-z]+[0-9]+$",
         {"us-central1", "europe-west10", "a-b0"},
         {"us-central", "uscentral1", "-central1", "us-1", "us-central1a", "us-cen-tral1", "US-central1", ""}},
        {"is_cloud_function_name", is_cloud_function_name, "^[A-Za-z][A-Za-z0-9_-]{0,62}$",
         {"df00tech-beacon", "a", "a-", "B_" + std::string(61, '9')},
         {"", "9a", "-a", "a.b", "a" + std::string(63, 'b')}},
        {"is_cloud_run_host", is_cloud_run_host,
         R"(^([a-z0-9-]{1,63}\.a\.run\.app|[a-z0-9-]{1,63}\.[a-z]+-[a-z]+[0-9]+\.run\.app)$)",
         {"df00tech-relay-3xq7lz5kpa-uc.a.run.app", "svc-123456789.us-central1.run.app", "-.a.run.app"},
         {"a.run.app", "x.b.run.app", "x.y.a.run.app", "svc.us-central.run.app", "Svc.a.run.app",
          std::string(64, 's') + ".a.run.app", "svc.a.run.app.", "svc.a.run.apps"}},
    };
}

// The characters whose classes the shapes distinguish, and the separators of hostnames.
constexpr std::string_view mutation_chars = "aAfgzZ09-_.:/ \xff";

std::string mutated(const std::string& text, telemetry::seeded_random& random) {
    std::string out = text;
    const int edits = static_cast<int>(random.uniform_int(1, 3));
    for (int i = 0; i < edits; ++i) {
        const char c = mutation_chars[random.uniform_int(0, mutation_chars.size() - 1)];
        // Edits land near the edges half the time: the first and last characters have their own classes.
        std::size_t at = random.bernoulli(0.5) ? random.uniform_int(0, out.size())
                                               : (random.bernoulli(0.5) ? std::min<std::size_t>(1, out.size())
                                                                        : out.size() - std::min<std::size_t>(1, out.size()));
        switch (random.uniform_int(0, 3)) {
        case 0: out.insert(out.begin() + static_cast<std::ptrdiff_t>(at), c); break;
        case 1:
            if (at < out.size()) out.erase(out.begin() + static_cast<std::ptrdiff_t>(at));
            break;
        case 2:
            if (at < out.size()) out[at] = c;
            break;
        case 3: out.insert(at, std::string(random.uniform_int(1, 70), c)); break;  // crosses the length limits
        }
    }
    return out;
}

TEST(hostnames, HandPickedNamesMatchOrNot) {
    for (const matcher_case& m : cases()) {
        for (const std::string& v : m.valid) EXPECT_TRUE(m.matcher(v)) << m.name << " should accept \"" << v << "\"";
        for (const std::string& v : m.invalid) EXPECT_FALSE(m.matcher(v)) << m.name << " should refuse \"" << v << "\"";
    }
}

TEST(hostnames, HandPickedCasesAgreeWithTheRegexes) {  // the cases themselves are right
    for (const matcher_case& m : cases()) {
        const std::regex re(m.regex);
        for (const std::string& v : m.valid) EXPECT_TRUE(std::regex_match(v, re)) << m.name << ": \"" << v << "\"";
        for (const std::string& v : m.invalid) EXPECT_FALSE(std::regex_match(v, re)) << m.name << ": \"" << v << "\"";
    }
}

TEST(hostnames, MutatedNamesAgreeWithTheRegexes) {
    telemetry::seeded_random random(20240611);
    for (const matcher_case& m : cases()) {
        const std::regex re(m.regex);
        int accepted = 0, refused = 0;
        for (int round = 0; round < 3000; ++round) {
            const std::string& seed = m.valid[random.uniform_int(0, m.valid.size() - 1)];
            std::string name = random.bernoulli(0.1) ? seed : mutated(seed, random);
            const bool expected = std::regex_match(name, re);
            ASSERT_EQ(m.matcher(name), expected) << m.name << " on \"" << name << "\" (regex " << m.regex << ")";
            (expected ? accepted : refused) += 1;
        }
        // The mutations must exercise both answers, or the comparison proves little.
        EXPECT_GT(accepted, 100) << m.name;
        EXPECT_GT(refused, 100) << m.name;
    }
}

TEST(hostnames, ParsedPartsAreTheRegexGroups) {
    auto lambda = parse_lambda_url_host("q3vt6xk2c7lyd5nmwa4pbz8ehf0jru1s.lambda-url.us-gov-west-1.on.aws");
    ASSERT_TRUE(lambda);
    EXPECT_EQ(lambda->url_id, "q3vt6xk2c7lyd5nmwa4pbz8ehf0jru1s");
    EXPECT_EQ(lambda->region, "us-gov-west-1");
    auto api = parse_api_gateway_host("a1b2c3d4e5.execute-api.eu-central-1.amazonaws.com");
    ASSERT_TRUE(api);
    EXPECT_EQ(api->api_id, "a1b2c3d4e5");
    EXPECT_EQ(api->region, "eu-central-1");
}

TEST(hostnames, DomainNamesAndSuffixes) {
    EXPECT_TRUE(is_domain_name("df00tech-relay.netlify.app"));
    EXPECT_FALSE(is_domain_name("netlify"));
    EXPECT_FALSE(is_domain_name("-a.netlify.app"));
    EXPECT_FALSE(is_domain_name("a-.netlify.app"));
    EXPECT_FALSE(is_domain_name("a..app"));
    EXPECT_TRUE(host_under("a.b.netlify.app", "netlify.app"));
    EXPECT_FALSE(host_under("netlify.app", "netlify.app"));
    EXPECT_FALSE(host_under("xnetlify.app", "netlify.app"));
}

}  // namespace
}  // namespace sclab::emulators::platforms
