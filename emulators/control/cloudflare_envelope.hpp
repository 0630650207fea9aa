// The Cloudflare API v4 response envelope: {"success":bool,"errors":[{"code","message"}],"messages":[],"result":...}.
#pragma once

#include <string>
#include <string_view>

#include "emulators/http_types.hpp"

namespace sclab::emulators::control {

// 200 (or `status`) with `result_json` (JSON text the caller built; empty means null) as the result.
void cloudflare_success(response& res, std::string_view result_json, http::status status = http::status::ok,
                        std::string_view result_info_json = {});
// An error envelope: result null, one error.
void cloudflare_failure(response& res, http::status status, int code, std::string_view message);

// The authentication failure every v4 endpoint gives for a missing, unknown or unauthorised token.
inline void cloudflare_authentication_error(response& res, http::status status) {
    cloudflare_failure(res, status, 10000, "Authentication error");
}

}  // namespace sclab::emulators::control
