#include "emulators/control/cloudflare_envelope.hpp"

#include "emulators/control/audit_event.hpp"
#include "telemetry/json_text.hpp"

namespace sclab::emulators::control {

void cloudflare_success(response& res, std::string_view result_json, http::status status,
                        std::string_view result_info_json) {
    std::string body;
    body.reserve(result_json.size() + 64);
    telemetry::json_writer json(body);
    json.begin_object();
    json.key("result").raw(result_json);
    json.key("success").boolean(true);
    json.key("errors").begin_array().end_array();
    json.key("messages").begin_array().end_array();
    if (!result_info_json.empty()) json.key("result_info").raw(result_info_json);
    json.end_object();
    set_json_body(res, status, std::move(body));
}

void cloudflare_failure(response& res, http::status status, int code, std::string_view message) {
    std::string body;
    telemetry::json_writer json(body);
    json.begin_object();
    json.key("result").null();
    json.key("success").boolean(false);
    json.key("errors").begin_array().begin_object();
    json.key("code").number(std::int64_t{code});
    json.field("message", message);
    json.end_object().end_array();
    json.key("messages").begin_array().end_array();
    json.end_object();
    set_json_body(res, status, std::move(body));
}

}  // namespace sclab::emulators::control
