// header_values: several headers of a message in one walk, with what Beast's find() would give for each.
#include "emulators/header_lookup.hpp"

#include <gtest/gtest.h>

#include "emulators/http_types.hpp"

namespace sclab::emulators {
namespace {

request sample_request() {
    request req{http::verb::get, "/", 11};
    req.set(http::field::user_agent, "curl/7.88.1");
    req.insert("x-sclab-RUN", "run-1");
    req.set(http::field::host, "a.b.workers.dev");
    req.insert("X-Sclab-Run", "run-2");  // a repeat: the first one counts
    req.insert("X-Empty", "");
    req.insert("x-longer-unknown-name", "other");
    return req;
}

TEST(HeaderValues, KnownAndUnknownNamesMatchCaseInsensitivelyInTheOrderAsked) {
    const request req = sample_request();
    const std::array<header_key, 4> keys = {"x-sclab-run", http::field::host, "USER-AGENT", "X-Longer-Unknown-Name"};
    const auto values = header_values(req, keys);
    EXPECT_EQ(values[0], "run-1");
    EXPECT_EQ(values[1], "a.b.workers.dev");
    EXPECT_EQ(values[2], "curl/7.88.1");
    EXPECT_EQ(values[3], "other");
}

TEST(HeaderValues, AgreeWithFindForEveryHeaderOfTheMessage) {
    const request req = sample_request();
    for (const auto& field : req) {
        const std::string_view name = field.name_string();
        const auto it = req.find(name);
        ASSERT_NE(it, req.end());
        EXPECT_EQ(header_value(req, name), it->value()) << name;
        EXPECT_EQ(header_value(req, field.name() == http::field::unknown ? header_key(name) : header_key(field.name())),
                  it->value())
            << name;
    }
}

TEST(HeaderValues, AbsentIsNullAndPresentButEmptyIsNot) {
    const request req = sample_request();
    const std::array<header_key, 3> keys = {"X-Empty", http::field::content_type, "X-Nowhere"};
    const auto values = header_values(req, keys);
    EXPECT_NE(values[0].data(), nullptr);
    EXPECT_TRUE(values[0].empty());
    EXPECT_EQ(values[1].data(), nullptr);
    EXPECT_EQ(values[2].data(), nullptr);
    EXPECT_TRUE(header_value(req, "X-Nowhere").empty());
}

TEST(HeaderValues, AnUnknownNameDoesNotMatchAKnownFieldOfTheSameLength) {
    request req{http::verb::get, "/", 11};
    req.set(http::field::accept, "*/*");  // "Accept": six letters, like "X-Test"
    req.insert("X-Test", "yes");
    const std::array<header_key, 2> keys = {"X-Test", http::field::accept};
    const auto values = header_values(req, keys);
    EXPECT_EQ(values[0], "yes");
    EXPECT_EQ(values[1], "*/*");
}

TEST(HeaderValues, WorkOnResponsesToo) {
    response res{http::status::ok, 11};
    res.set(http::field::content_type, "text/plain");
    res.insert("CF-RAY", "81a0cfa8cfc152a6-LHR");
    const std::array<header_key, 2> keys = {"cf-ray", http::field::content_type};
    const auto values = header_values(res, keys);
    EXPECT_EQ(values[0], "81a0cfa8cfc152a6-LHR");
    EXPECT_EQ(values[1], "text/plain");
}

}  // namespace
}  // namespace sclab::emulators
