// A request target split the way the control-plane APIs route it: decoded path segments and query parameters.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sclab::emulators::control {

struct request_target {
    std::string raw_path;   // as sent, still percent-encoded (SigV4 signs this form)
    std::string raw_query;  // after '?', as sent; empty when there is none
    std::vector<std::string> segments;  // decoded path segments; "/a//b/" gives {"a", "", "b", ""}
    std::vector<std::pair<std::string, std::string>> query;  // decoded, in order

    // The first value of query parameter `name`, if present.
    std::optional<std::string> query_value(std::string_view name) const;
};

// Splits and percent-decodes `target`. Returns nullopt for a target that is not origin-form ("/...") or
// carries a bad percent escape; the caller answers 400.
std::optional<request_target> parse_request_target(std::string_view target);

// Percent-decoding: false on a '%' not followed by two hex digits. `plus_is_space` for query components.
bool percent_decode(std::string_view text, bool plus_is_space, std::string& out);

}  // namespace sclab::emulators::control
