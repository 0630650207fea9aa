// A running HTTPS server on 127.0.0.1 with a free port, a lab CA in a temporary directory and a fake platform
// that answers for *.workers.dev, for the server tests.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "emulators/https_server.hpp"
#include "emulators/lab_ca.hpp"
#include "emulators/router.hpp"
#include "tests/telemetry/test_files.hpp"

namespace sclab::emulators::server_testing {

// Answers for any host under .workers.dev. Body limit 1024; /slow takes 300 ms; /throw throws; /dated answers
// with its own Date, /close with Connection: close.
class fake_platform final : public request_handler {
public:
    bool owns(const std::string& host, const request&) const override { return host.ends_with(".workers.dev"); }
    std::uint64_t body_limit(const std::string&, const request&) const override { return 1024; }
    void too_large(const std::string&, const request&, response& res) const override {
        res.result(http::status::payload_too_large);
        res.set(http::field::content_type, "text/plain");
        res.body() = "fake platform: request body too large\n";
        res.prepare_payload();
    }
    void handle(const std::string& host, const request& req, const connection_info& conn, response& res) override {
        std::string_view target = req.target();
        if (target == "/slow") {
            slow_started.store(true);
            std::this_thread::sleep_for(std::chrono::milliseconds(300));
        }
        if (target == "/throw") throw std::runtime_error("fake failure");
        handled.fetch_add(1);
        res.result(http::status::ok);
        res.set(http::field::content_type, "text/plain;charset=UTF-8");
        res.set(http::field::server, "cloudflare");
        res.set("CF-RAY", "81a0cfa8cfc152a6-LHR");
        if (target == "/dated") res.set(http::field::date, "Sun, 06 Nov 1994 08:49:37 GMT");  // the server keeps it
        if (target == "/close") res.set(http::field::connection, "close");  // the handler ends the connection
        res.body() = "hello " + host + std::string(target) + " body=" + std::to_string(req.body().size()) +
                     " sni=" + conn.sni;
        res.prepare_payload();
    }

    std::atomic<int> handled{0};
    std::atomic<bool> slow_started{false};
};

// Keeps every event the server emits.
class recording_sink final : public event_sink {
public:
    void emit(telemetry::event e) override {
        std::lock_guard lock(mutex_);
        events_.push_back(std::move(e));
    }
    std::vector<telemetry::event> of_kind(telemetry::event_kind kind) const {
        std::lock_guard lock(mutex_);
        std::vector<telemetry::event> out;
        for (const auto& e : events_)
            if (e.kind == kind) out.push_back(e);
        return out;
    }

private:
    mutable std::mutex mutex_;
    std::vector<telemetry::event> events_;
};

// Short timeouts so that timeout tests run in about a second.
inline server_options fast_test_options() {
    server_options o;
    o.port = 0;
    o.limits.handshake_timeout = std::chrono::milliseconds(2000);
    o.limits.header_timeout = std::chrono::milliseconds(1000);
    o.limits.idle_timeout = std::chrono::milliseconds(1000);
    o.limits.body_timeout = std::chrono::milliseconds(2000);
    o.limits.shutdown_grace = std::chrono::milliseconds(2000);
    o.warn = [](const std::string&) {};
    return o;
}

struct server_fixture {
    explicit server_fixture(server_options options = fast_test_options(), event_sink* sink = nullptr)
        : ca(dir.root() / "state"), routes([](const std::string&) {}) {
        routes.add_platform(platform);
        server.emplace(std::move(options), ca, routes, sink != nullptr ? *sink : recorded);
        server->start();
    }
    ~server_fixture() {
        if (server) server->stop();
    }
    std::uint16_t port() const { return server->port(); }
    const std::string& ca_pem() const { return ca.certificate_pem(); }

    telemetry::testing::temp_dir dir;
    lab_ca ca;
    fake_platform platform;
    recording_sink recorded;
    router routes;
    std::optional<https_server> server;
};

}  // namespace sclab::emulators::server_testing
