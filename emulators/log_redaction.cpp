#include "emulators/log_redaction.hpp"

#include <algorithm>
#include <array>

#include "telemetry/text.hpp"

namespace sclab::emulators {

namespace {

bool is_credential_name(std::string_view raw_name) {
    static constexpr std::array<std::string_view, 12> fragments = {
        "token", "key", "secret", "password", "passwd", "signature", "credential", "auth", "session", "jwt",
        "apikey", "pwd"};
    static constexpr std::array<std::string_view, 2> exact = {"sig", "code"};
    std::string name = telemetry::to_lower(raw_name);
    for (std::string_view f : exact)
        if (name == f) return true;
    for (std::string_view f : fragments)
        if (name.find(f) != std::string::npos) return true;
    return false;
}

// Everything after "scheme://" up to the first '/', '?' or '#'.
std::size_t authority_end(std::string_view url, std::size_t start) {
    std::size_t end = url.find_first_of("/?#", start);
    return end == std::string_view::npos ? url.size() : end;
}

}  // namespace

std::string redact_url(std::string_view url) {
    std::string out;
    out.reserve(url.size());
    std::size_t pos = 0;
    if (std::size_t scheme = url.find("://"); scheme != std::string_view::npos && url.find_first_of("/?#") > scheme) {
        std::size_t start = scheme + 3;
        std::size_t end = authority_end(url, start);
        std::size_t at = url.substr(start, end - start).rfind('@');
        out.append(url.substr(0, start));
        pos = at == std::string_view::npos ? start : start + at + 1;  // drop user:password@
    }
    std::size_t query = url.find('?', pos);
    std::size_t fragment = url.find('#', pos);
    if (query == std::string_view::npos || (fragment != std::string_view::npos && fragment < query)) {
        out.append(url.substr(pos));
        return out;
    }
    out.append(url.substr(pos, query + 1 - pos));
    std::size_t query_end = fragment == std::string_view::npos ? url.size() : fragment;
    std::size_t at = query + 1;
    while (at <= query_end) {
        std::size_t amp = url.find('&', at);
        if (amp == std::string_view::npos || amp > query_end) amp = query_end;
        std::string_view pair = url.substr(at, amp - at);
        std::size_t eq = pair.find('=');
        if (eq != std::string_view::npos && eq + 1 < pair.size() && is_credential_name(pair.substr(0, eq))) {
            out.append(pair.substr(0, eq + 1));
            out.append(redacted_marker);
        } else {
            out.append(pair);
        }
        if (amp < query_end) out.push_back('&');
        at = amp + 1;
    }
    out.append(url.substr(query_end));
    return out;
}

secret_scrubber::secret_scrubber(std::vector<std::string> secrets) {
    for (std::string& s : secrets)
        if (s.size() >= min_secret_length) secrets_.push_back(std::move(s));
    // Longest first, so a secret that contains another is replaced whole.
    std::sort(secrets_.begin(), secrets_.end(), [](const auto& a, const auto& b) { return a.size() > b.size(); });
    secrets_.erase(std::unique(secrets_.begin(), secrets_.end()), secrets_.end());
}

void secret_scrubber::scrub(std::string& text, std::size_t from) const {
    for (const std::string& secret : secrets_) {
        for (std::size_t at = text.find(secret, from); at != std::string::npos; at = text.find(secret, at)) {
            text.replace(at, secret.size(), redacted_marker);
            at += redacted_marker.size();
        }
    }
}

}  // namespace sclab::emulators
