#include "emulators/control/request_target.hpp"

namespace sclab::emulators::control {

namespace {
int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}
}  // namespace

bool percent_decode(std::string_view text, bool plus_is_space, std::string& out) {
    out.clear();
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '%') {
            if (i + 2 >= text.size()) return false;
            const int hi = hex_value(text[i + 1]);
            const int lo = hex_value(text[i + 2]);
            if (hi < 0 || lo < 0) return false;
            out.push_back(static_cast<char>(hi * 16 + lo));
            i += 2;
        } else if (c == '+' && plus_is_space) {
            out.push_back(' ');
        } else {
            out.push_back(c);
        }
    }
    return true;
}

std::optional<std::string> request_target::query_value(std::string_view name) const {
    for (const auto& [k, v] : query)
        if (k == name) return v;
    return std::nullopt;
}

std::optional<request_target> parse_request_target(std::string_view target) {
    if (target.empty() || target.front() != '/') return std::nullopt;
    request_target out;
    const auto question = target.find('?');
    out.raw_path = std::string(target.substr(0, question));
    if (question != std::string_view::npos) out.raw_query = std::string(target.substr(question + 1));

    std::string_view rest = std::string_view(out.raw_path).substr(1);
    std::string decoded;
    while (true) {
        const auto slash = rest.find('/');
        if (!percent_decode(rest.substr(0, slash), false, decoded)) return std::nullopt;
        out.segments.push_back(decoded);
        if (slash == std::string_view::npos) break;
        rest.remove_prefix(slash + 1);
    }

    std::string_view query = out.raw_query;
    while (!query.empty()) {
        const auto amp = query.find('&');
        const std::string_view pair = query.substr(0, amp);
        if (!pair.empty()) {
            const auto eq = pair.find('=');
            std::string key, value;
            if (!percent_decode(pair.substr(0, eq), true, key)) return std::nullopt;
            if (eq != std::string_view::npos && !percent_decode(pair.substr(eq + 1), true, value)) return std::nullopt;
            out.query.emplace_back(std::move(key), std::move(value));
        }
        if (amp == std::string_view::npos) break;
        query.remove_prefix(amp + 1);
    }
    return out;
}

}  // namespace sclab::emulators::control
