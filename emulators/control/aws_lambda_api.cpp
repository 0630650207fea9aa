#include "emulators/control/aws_lambda_api.hpp"

#include <algorithm>
#include <cstdio>

#include <nlohmann/json.hpp>

#include "emulators/control/audit_event.hpp"
#include "emulators/control/digest.hpp"
#include "emulators/control/lambda_configuration.hpp"
#include "emulators/control/lambda_invoke_payload.hpp"
#include "emulators/control/request_target.hpp"
#include "emulators/control/sigv4.hpp"
#include "emulators/header_lookup.hpp"
#include "emulators/platforms/relay.hpp"
#include "telemetry/json_text.hpp"
#include "telemetry/text.hpp"
#include "telemetry/time_format.hpp"

namespace sclab::emulators::control {

namespace {

constexpr std::string_view api_prefix = "/2015-03-31/functions";
constexpr std::string_view unknown_key_message = "The security token included in the request is invalid.";
constexpr std::string_view signature_mismatch_message =
    "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access "
    "Key and signing method. Consult the service documentation for details.";

bool is_lambda_host(std::string_view host) {
    // lambda.<region>.amazonaws.com
    constexpr std::string_view prefix = "lambda.", suffix = ".amazonaws.com";
    if (host.size() <= prefix.size() + suffix.size() || host.substr(0, prefix.size()) != prefix ||
        host.substr(host.size() - suffix.size()) != suffix)
        return false;
    const std::string_view region = host.substr(prefix.size(), host.size() - prefix.size() - suffix.size());
    return region.find('.') == std::string_view::npos;
}

// Errors raised before the request reaches Lambda (authentication) carry AWS's lowercase "message" body;
// Lambda's own errors carry {"Type":"User","Message":...}.
bool is_authentication_error(std::string_view error_type) {
    return error_type == "UnrecognizedClientException" || error_type == "InvalidSignatureException" ||
           error_type == "IncompleteSignatureException" || error_type == "MissingAuthenticationTokenException";
}

bool action_allowed(const aws_credential& credential, std::string_view action) {
    if (credential.allowed_actions.empty()) return true;
    return std::any_of(credential.allowed_actions.begin(), credential.allowed_actions.end(),
                       [&](const std::string& allowed) { return allowed == action || allowed == "lambda:*" || allowed == "*"; });
}

// A function reference as Lambda accepts it: name, name:qualifier, account:function:name[:qualifier] or the
// full ARN. Splits off the name and qualifier.
void split_function_ref(std::string_view ref, std::string& name, std::string& qualifier) {
    const auto marker = ref.find(":function:");
    if (marker != std::string_view::npos) ref.remove_prefix(marker + 10);
    const auto colon = ref.find(':');
    name = std::string(ref.substr(0, colon));
    qualifier = colon == std::string_view::npos ? std::string() : std::string(ref.substr(colon + 1));
}

// The log of one invocation, as X-Amz-Log-Type: Tail returns its last 4 KB; `failure` is the function's error.
std::string invoke_log(std::string_view request_id, std::string_view failure, std::uint32_t memory_mb) {
    std::string log = "START RequestId: ";
    log += request_id;
    log += " Version: $LATEST\n";
    if (!failure.empty()) {
        log += "[ERROR] Exception: ";
        log += failure;
        log += "\nTraceback (most recent call last):\n"
               "  File \"/var/task/lambda_function.py\", line 3, in lambda_handler\n";
    }
    log += "END RequestId: ";
    log += request_id;
    log += "\nREPORT RequestId: ";
    log += request_id;
    log += "\tDuration: 1.52 ms\tBilled Duration: 2 ms\tMemory Size: ";
    telemetry::append_uint(log, memory_mb);
    log += " MB\tMax Memory Used: 38 MB\t\n";
    return log;
}

// The payload of a function that failed, as Invoke returns it with X-Amz-Function-Error: Unhandled.
std::string unhandled_payload(std::string_view type, std::string_view message, std::string_view request_id) {
    std::string body;
    telemetry::json_writer json(body);
    json.begin_object()
        .field("errorMessage", message)
        .field("errorType", type)
        .field("requestId", request_id)
        .key("stackTrace")
        .begin_array()
        .string("  File \"/var/task/lambda_function.py\", line 3, in lambda_handler\n")
        .end_array()
        .end_object();
    return body;
}

}  // namespace

struct aws_lambda_api::call {
    std::string operation;     // GetFunction, ListFunctions, Invoke
    std::string iam_action;    // lambda:GetFunction ...
    std::string function_ref;  // as the path gave it
    std::string region;
    const aws_account* account = nullptr;        // the caller's account once authenticated
    const aws_credential* credential = nullptr;
    std::string request_id;
    telemetry::event audit;
};

aws_lambda_api::aws_lambda_api(std::vector<aws_account> accounts, event_sink& sink, telemetry::clock_source& clock,
                               telemetry::seeded_random random)
    : accounts_(std::move(accounts)), sink_(sink), clock_(clock), deployed_at_(clock.now()), random_(random) {}

bool aws_lambda_api::owns(const std::string& host, const request& header_only) const {
    const std::string_view target = header_only.target();
    if (target.substr(0, api_prefix.size()) == api_prefix &&
        (target.size() == api_prefix.size() || target[api_prefix.size()] == '/' || target[api_prefix.size()] == '?'))
        return true;
    return is_lambda_host(host);
}

std::uint64_t aws_lambda_api::body_limit(const std::string&, const request& header_only) const {
    const std::string_view target = header_only.target();
    const std::string_view path = target.substr(0, target.find('?'));
    constexpr std::string_view invocations = "/invocations";
    if (path.size() >= invocations.size() && path.substr(path.size() - invocations.size()) == invocations)
        return header_value(header_only, "x-amz-invocation-type") == "Event" ? lambda_async_payload_limit
                                                                             : lambda_sync_payload_limit;
    return 1024 * 1024;  // the other calls carry no body
}

void aws_lambda_api::too_large(const std::string& host, const request& header_only, response& res) const {
    std::string request_id;
    {
        std::lock_guard lock(mutex_);
        request_id = random_uuid(random_);
    }
    std::string body;
    telemetry::json_writer json(body);
    json.begin_object()
        .field("Type", "User")
        .field("message", "Request must be smaller than " + std::to_string(body_limit(host, header_only)) +
                              " bytes for the InvokeFunction operation")
        .end_object();
    res.version(header_only.version());
    res.set("x-amzn-RequestId", request_id);
    res.set("x-amzn-ErrorType", "RequestTooLargeException");
    set_json_body(res, http::status::payload_too_large, std::move(body));
}

void aws_lambda_api::fail(call& c, response& res, http::status status, std::string_view error_type,
                          std::string_view message, std::string_view audit_code) const {
    std::string body;
    telemetry::json_writer json(body);
    json.begin_object();
    if (is_authentication_error(error_type)) {
        json.field("message", message);
    } else {
        json.field("Type", "User").field("Message", message);
    }
    json.end_object();
    res.set("x-amzn-ErrorType", error_type);
    set_json_body(res, status, std::move(body));
    c.audit.cloud.success = false;
    c.audit.cloud.error_code = audit_code.empty() ? error_type : audit_code;
    c.audit.cloud.error_message = message;
}

void aws_lambda_api::handle(const std::string&, const request& req, const connection_info& conn, response& res) {
    call c;
    c.audit = new_audit_event(clock_.now(), "aws", conn, req);
    {
        std::lock_guard lock(mutex_);
        c.request_id = random_uuid(random_);
        c.audit.cloud.event_id = random_uuid(random_);
    }
    res.version(req.version());
    res.keep_alive(req.keep_alive());
    res.set("x-amzn-RequestId", c.request_id);

    const auto target = parse_request_target(req.target());
    const std::vector<std::string> no_segments;
    const std::vector<std::string>& s = target ? target->segments : no_segments;
    const bool under_api = s.size() >= 2 && s[0] == "2015-03-31" && s[1] == "functions";
    if (under_api && req.method() == http::verb::get && (s.size() == 2 || (s.size() == 3 && s[2].empty()))) {
        c.operation = "ListFunctions";
    } else if (under_api && req.method() == http::verb::get && s.size() == 3) {
        c.operation = "GetFunction";
        c.function_ref = s[2];
    } else if (under_api && req.method() == http::verb::post && s.size() == 4 && s[3] == "invocations") {
        c.operation = "Invoke";
        c.function_ref = s[2];
    }
    if (c.operation.empty()) {
        // Not a Lambda operation the lab serves; CloudTrail records nothing for an unknown operation.
        fail(c, res, http::status::not_found, "UnknownOperationException", "Unknown operation");
        return;
    }

    const bool is_invoke = c.operation == "Invoke";
    c.iam_action = is_invoke ? "lambda:InvokeFunction" : "lambda:" + c.operation;
    auto& cloud = c.audit.cloud;
    cloud.service = "lambda.amazonaws.com";
    // Management events carry the API version in their name; Invoke is a data event and does not.
    cloud.action = is_invoke ? "Invoke" : c.operation + "20150331";
    cloud.request_id = c.request_id;
    cloud.read_only = !is_invoke;
    cloud.management_event = !is_invoke;
    cloud.category = is_invoke ? "Data" : "Management";

    if (const auto denied = authenticate(c, req)) {
        fail(c, res, denied->status, denied->error_type, denied->message, denied->audit_code);
    } else if (c.operation == "ListFunctions") {
        list_functions(c, *target, res);
    } else if (c.operation == "GetFunction") {
        get_function(c, *target, res);
    } else {
        invoke(c, *target, req, res);
    }
    sink_.emit(c.audit);
}

std::optional<aws_lambda_api::denial> aws_lambda_api::authenticate(call& c, const request& req) const {
    auto& cloud = c.audit.cloud;
    const auto header = req.find(http::field::authorization);
    if (header == req.end())
        return denial{http::status::forbidden, "MissingAuthenticationTokenException", "Missing Authentication Token", {}};
    sigv4_authorization auth;
    try {
        auth = parse_sigv4_authorization(header->value());
    } catch (const sigv4_error& e) {
        return denial{http::status::bad_request, "IncompleteSignatureException", e.what(), {}};
    }
    c.region = auth.region;
    cloud.region = auth.region;
    cloud.access_key_id = auth.access_key_id;  // an identifier CloudTrail records; the secret and signature never
    if (auth.service != "lambda")
        return denial{http::status::forbidden, "InvalidSignatureException",
                      "Credential should be scoped to correct service: 'lambda'.", {}};

    for (const aws_account& account : accounts_)
        for (const aws_credential& credential : account.credentials)
            if (credential.access_key_id == auth.access_key_id) {
                c.account = &account;
                c.credential = &credential;
            }
    if (!c.credential) {
        // Recorded for the account that holds the named function, else the lab's first account.
        std::string name, qualifier;
        split_function_ref(c.function_ref, name, qualifier);
        for (const aws_account& account : accounts_)
            for (const lambda_function& function : account.functions)
                if (cloud.account_id.empty() && function.name == name) cloud.account_id = account.id;
        if (cloud.account_id.empty() && !accounts_.empty()) cloud.account_id = accounts_.front().id;
        return denial{http::status::forbidden, "UnrecognizedClientException", std::string(unknown_key_message), {}};
    }
    cloud.actor_type = "IAMUser";
    cloud.actor_id = c.credential->principal_id;
    cloud.actor_name = c.credential->user_arn;
    cloud.actor_account = c.account->id;
    cloud.account_id = c.account->id;
    const auto slash = c.credential->user_arn.rfind('/');
    if (slash != std::string::npos) c.audit.user = c.credential->user_arn.substr(slash + 1);

    if (!c.credential->secret_access_key.empty()) {
        try {
            if (!sigv4_signature_matches(req, auth, c.credential->secret_access_key))
                return denial{http::status::forbidden, "InvalidSignatureException", std::string(signature_mismatch_message), {}};
        } catch (const sigv4_error& e) {
            return denial{http::status::bad_request, "IncompleteSignatureException", e.what(), {}};
        }
    }
    if (!action_allowed(*c.credential, c.iam_action)) {
        std::string resource = "arn:aws:lambda:" + c.region + ":" + c.account->id + ":function:";
        if (c.function_ref.empty()) {
            resource += "*";
        } else {
            std::string name, qualifier;
            split_function_ref(c.function_ref, name, qualifier);
            resource += name;
        }
        return denial{http::status::forbidden, "AccessDeniedException",
                      "User: " + c.credential->user_arn + " is not authorized to perform: " + c.iam_action +
                          " on resource: " + resource + " because no identity-based policy allows the " +
                          c.iam_action + " action",
                      "AccessDenied"};
    }
    return std::nullopt;
}

const lambda_function* aws_lambda_api::find_function(call& c, const request_target& target, response& res) const {
    std::string name, qualifier;
    split_function_ref(c.function_ref, name, qualifier);
    if (const auto q = target.query_value("Qualifier")) qualifier = *q;
    const lambda_function* found = nullptr;
    for (const lambda_function& function : c.account->functions)
        if (function.name == name && function.region == c.region) found = &function;
    std::string arn = "arn:aws:lambda:" + c.region + ":" + c.account->id + ":function:" + name;
    if (!qualifier.empty() && qualifier != "$LATEST") {
        arn += ":" + qualifier;  // the lab publishes no versions or aliases
        found = nullptr;
    }
    // CloudTrail's resources[0]: {type, ARN}; the ARN is the resource's name in the event model.
    c.audit.cloud.resource_type = "AWS::Lambda::Function";
    c.audit.cloud.resource_name = arn;
    c.audit.cloud.resource_id = name;
    if (!found) fail(c, res, http::status::not_found, "ResourceNotFoundException", "Function not found: " + arn);
    return found;
}

void aws_lambda_api::list_functions(call& c, const request_target& target, response& res) const {
    // MaxItems/Marker paging: the marker is the name of the last function of the previous page.
    std::uint64_t max_items = 50;
    if (const auto m = target.query_value("MaxItems")) {
        if (!telemetry::parse_uint_max(*m, 10000, max_items) || max_items == 0) {
            fail(c, res, http::status::bad_request, "InvalidParameterValueException",
                 "1 validation error detected: Value '" + m->substr(0, 40) +
                     "' at 'maxItems' failed to satisfy constraint: Member must have value between 1 and 10000");
            return;
        }
    }
    const std::string marker = target.query_value("Marker").value_or("");
    std::vector<const lambda_function*> functions;
    for (const lambda_function& function : c.account->functions)
        if (function.region == c.region && function.name > marker) functions.push_back(&function);
    std::sort(functions.begin(), functions.end(), [](auto* a, auto* b) { return a->name < b->name; });
    const std::size_t count = std::min<std::size_t>(functions.size(), max_items);

    std::string body;
    telemetry::json_writer json(body);
    json.begin_object().key("Functions").begin_array();
    for (std::size_t i = 0; i < count; ++i) write_lambda_configuration(json, *c.account, *functions[i], deployed_at_);
    json.end_array();
    if (count < functions.size()) json.field("NextMarker", functions[count - 1]->name);
    json.end_object();
    set_json_body(res, http::status::ok, std::move(body));
}

void aws_lambda_api::get_function(call& c, const request_target& target, response& res) const {
    c.audit.cloud.request_parameters = "{\"functionName\":" + [&] {
        std::string quoted;
        telemetry::append_json_string(quoted, c.function_ref);
        return quoted;
    }() + "}";
    const lambda_function* function = find_function(c, target, res);
    if (!function) return;
    std::string body;
    telemetry::json_writer json(body);
    json.begin_object().key("Configuration");
    write_lambda_configuration(json, *c.account, *function, deployed_at_);
    json.key("Code")
        .begin_object()
        .field("RepositoryType", "S3")
        .field("Location", "https://awslambda-" + c.region + "-tasks.s3." + c.region + ".amazonaws.com/snapshots/" +
                               c.account->id + "/" + function->name)
        .end_object();
    json.end_object();
    set_json_body(res, http::status::ok, std::move(body));
}

bool aws_lambda_api::over_rate_limit(const std::string& arn, std::uint32_t per_second) {
    if (per_second == 0) return false;
    const telemetry::time_ns now = clock_.now();
    std::lock_guard lock(mutex_);
    auto& times = recent_invokes_[arn];
    while (!times.empty() && times.front() <= now - telemetry::ns_per_second) times.pop_front();
    if (times.size() >= per_second) return true;
    times.push_back(now);
    return false;
}

void aws_lambda_api::invoke(call& c, const request_target& target, const request& req, response& res) {
    const std::string invocation_type = [&] {
        const std::string_view v = header_value(req, "x-amz-invocation-type");
        return v.empty() ? std::string("RequestResponse") : std::string(v);
    }();
    const std::string log_type(header_value(req, "x-amz-log-type"));
    {
        std::string params;
        telemetry::json_writer json(params);
        std::string name, qualifier;
        split_function_ref(c.function_ref, name, qualifier);
        json.begin_object()
            .field("functionName", "arn:aws:lambda:" + c.region + ":" + c.account->id + ":function:" + name)
            .field("invocationType", invocation_type);
        if (!log_type.empty()) json.field("logType", log_type);
        json.end_object();
        c.audit.cloud.request_parameters = std::move(params);
    }
    if (invocation_type != "RequestResponse" && invocation_type != "Event" && invocation_type != "DryRun") {
        fail(c, res, http::status::bad_request, "InvalidParameterValueException",
             "1 validation error detected: Value '" + invocation_type.substr(0, 40) +
                 "' at 'invocationType' failed to satisfy constraint: Member must satisfy enum value set: "
                 "[Event, RequestResponse, DryRun]");
        return;
    }
    const lambda_function* function = find_function(c, target, res);
    if (!function) return;

    nlohmann::json payload;  // null for an empty body
    if (!req.body().empty()) {
        payload = nlohmann::json::parse(req.body(), nullptr, false);
        if (payload.is_discarded()) {
            fail(c, res, http::status::bad_request, "InvalidRequestContentException",
                 "Could not parse request body into json: Could not parse payload into json");
            return;
        }
    }
    if (invocation_type == "DryRun") {
        res.result(http::status::no_content);
        res.body().clear();
        res.prepare_payload();
        return;
    }
    if (over_rate_limit(c.audit.cloud.resource_name, function->invoke_rate_limit)) return throttled(c, res);

    // The function is the relay its Function URL runs (platforms::run_relay), so check-in and result answers and
    // their sizes are the same by either way in. An Event invocation runs it later; its answer goes nowhere.
    const invoke_relay_input input = relay_input_of_invoke(payload, req, function->relay);
    std::string trace_id;
    platforms::relay_answer answer;
    {
        std::lock_guard lock(mutex_);
        trace_id = random_.hex(24);
        if (invocation_type == "RequestResponse") answer = platforms::run_relay(function->relay, input.call(), random_);
    }
    // A throttled function is throttled on either way in: the Invoke API's 429, like over_rate_limit's.
    if (answer.failure == platforms::relay_failure::rate_limit) return throttled(c, res);
    char epoch_hex[9];
    std::snprintf(epoch_hex, sizeof epoch_hex, "%08llx",
                  static_cast<unsigned long long>(c.audit.time / telemetry::ns_per_second) & 0xffffffffULL);
    res.set("X-Amzn-Trace-Id", std::string("root=1-") + epoch_hex + "-" + trace_id + ";sampled=0");
    if (invocation_type == "Event") {
        res.result(http::status::accepted);
        res.body().clear();
        res.prepare_payload();
        return;
    }
    std::string body;
    std::string failure;  // the function's error, for the payload and the log's tail
    if (answer.failure != platforms::relay_failure::none) {
        // Every other failure is the function's: an exception, or a limit Lambda has no page for (a Function URL
        // answers them all with the same 502).
        failure = input.fail.empty() ? "sclab_raise requested" : "X-Sclab-Fail: " + input.fail.substr(0, 40) + " requested";
        body = unhandled_payload("Exception", failure, c.request_id);
    } else {
        // The function returns the response its Function URL turns into HTTP: statusCode and body.
        telemetry::json_writer json(body);
        json.begin_object().key("statusCode").number(std::uint64_t{answer.status}).field("body", answer.body).end_object();
        if (body.size() > lambda_response_payload_limit) {
            // *Unverified* wording, after public reports of the runtime's error for an oversized response.
            failure = "Response payload size (" + std::to_string(body.size()) +
                      " bytes) exceeded maximum allowed payload size (" +
                      std::to_string(lambda_response_payload_limit) + " bytes).";
            body = unhandled_payload("Function.ResponseSizeTooLarge", failure, c.request_id);
        }
    }
    if (!failure.empty()) res.set("X-Amz-Function-Error", "Unhandled");
    res.set("X-Amz-Executed-Version", "$LATEST");
    if (log_type == "Tail")
        res.set("X-Amz-Log-Result", base64_encode(invoke_log(c.request_id, failure, function->memory_mb)));
    set_json_body(res, http::status::ok, std::move(body));
}

void aws_lambda_api::throttled(call& c, response& res) const {
    res.set("x-amzn-ErrorType", "TooManyRequestsException");
    set_json_body(res, http::status::too_many_requests,
                  R"({"Reason":"ReservedFunctionConcurrentInvocationLimitExceeded","Type":"User","message":"Rate Exceeded."})");
    c.audit.cloud.success = false;
    c.audit.cloud.error_code = "TooManyRequestsException";
    c.audit.cloud.error_message = "Rate Exceeded.";
}

}  // namespace sclab::emulators::control
