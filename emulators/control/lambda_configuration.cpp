#include "emulators/control/lambda_configuration.hpp"

#include "emulators/control/audit_event.hpp"
#include "emulators/control/digest.hpp"
#include "telemetry/random.hpp"
#include "telemetry/time_format.hpp"

namespace sclab::emulators::control {

std::string lambda_function_arn(const aws_account& account, const lambda_function& function) {
    return "arn:aws:lambda:" + function.region + ":" + account.id + ":function:" + function.name;
}

std::string lambda_timestamp(telemetry::time_ns t) {
    std::string out;
    telemetry::append_iso8601(out, t, 3);  // ...T15:29:45.832Z
    out.pop_back();
    out += "+0000";
    return out;
}

void write_lambda_configuration(telemetry::json_writer& json, const aws_account& account,
                                const lambda_function& function, telemetry::time_ns last_modified) {
    // A stand-in deployment package: what the function would have been built from, hashed like AWS does.
    const std::string package = function.name + "\n" + function.runtime + "\n" + function.handler;
    const sha256_bytes package_hash = sha256(package);
    telemetry::seeded_random ids(telemetry::stable_hash(package));
    const std::uint64_t code_size = 300 + telemetry::stable_hash(function.name) % 4000;
    const std::string role =
        function.role.empty() ? "arn:aws:iam::" + account.id + ":role/" + function.name + "-role" : function.role;
    const std::string revision = random_uuid(ids);

    json.begin_object();
    json.field("FunctionName", function.name);
    json.field("FunctionArn", lambda_function_arn(account, function));
    json.field("Runtime", function.runtime);
    json.field("Role", role);
    json.field("Handler", function.handler);
    json.key("CodeSize").number(code_size);
    json.field("Description", function.description);
    json.key("Timeout").number(std::uint64_t{function.timeout_seconds});
    json.key("MemorySize").number(std::uint64_t{function.memory_mb});
    json.field("LastModified", lambda_timestamp(last_modified));
    json.field("CodeSha256",
               base64_encode(std::string_view(reinterpret_cast<const char*>(package_hash.data()), package_hash.size())));
    json.field("Version", "$LATEST");
    json.key("TracingConfig").begin_object().field("Mode", "PassThrough").end_object();
    json.field("RevisionId", revision);
    json.field("PackageType", "Zip");
    json.key("Architectures").begin_array().string("x86_64").end_array();
    json.key("EphemeralStorage").begin_object().key("Size").number(std::uint64_t{512}).end_object();
    json.key("SnapStart").begin_object().field("ApplyOn", "None").field("OptimizationStatus", "Off").end_object();
    json.key("LoggingConfig")
        .begin_object()
        .field("LogFormat", "Text")
        .field("LogGroup", "/aws/lambda/" + function.name)
        .end_object();
    json.end_object();
}

}  // namespace sclab::emulators::control
