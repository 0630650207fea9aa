#include "emulators/control/sigv4.hpp"

#include <algorithm>
#include <utility>

#include "emulators/control/digest.hpp"
#include "emulators/control/request_target.hpp"

namespace sclab::emulators::control {

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_lower_hex(char c) { return is_digit(c) || (c >= 'a' && c <= 'f'); }
bool is_region_char(char c) { return (c >= 'a' && c <= 'z') || is_digit(c) || c == '-'; }
bool is_key_id_char(char c) { return (c >= 'A' && c <= 'Z') || is_digit(c); }
// Header names as RFC 9110 tokens, lowercase (SigV4 signs lowercase names).
bool is_header_name_char(char c) {
    return (c >= 'a' && c <= 'z') || is_digit(c) || std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

template <class Pred>
bool all_of(std::string_view text, Pred pred) {
    return std::all_of(text.begin(), text.end(), pred);
}

std::string quoted(std::string_view text) {
    // Error messages quote what the client sent, cut short so a hostile header cannot flood the log.
    constexpr std::size_t max = 80;
    std::string out = "'";
    out.append(text.substr(0, max));
    if (text.size() > max) out += "...";
    out += "'";
    return out;
}

void parse_credential(std::string_view value, sigv4_authorization& out) {
    std::vector<std::string_view> parts;
    while (true) {
        const auto slash = value.find('/');
        parts.push_back(value.substr(0, slash));
        if (slash == std::string_view::npos) break;
        value.remove_prefix(slash + 1);
    }
    if (parts.size() != 5)
        throw sigv4_error("Credential should have 5 parts separated by '/' "
                          "(<access key id>/<yyyymmdd>/<region>/<service>/aws4_request), got " +
                          std::to_string(parts.size()));
    if (parts[0].empty() || parts[0].size() > 128 || !all_of(parts[0], is_key_id_char))
        throw sigv4_error("Credential access key id " + quoted(parts[0]) + " is not 1-128 characters of A-Z and 0-9");
    if (parts[1].size() != 8 || !all_of(parts[1], is_digit))
        throw sigv4_error("Credential date " + quoted(parts[1]) + " is not yyyymmdd");
    if (parts[2].empty() || parts[2].size() > 64 || !all_of(parts[2], is_region_char))
        throw sigv4_error("Credential region " + quoted(parts[2]) + " is not 1-64 characters of a-z, 0-9 and '-'");
    if (parts[3].empty() || parts[3].size() > 64 || !all_of(parts[3], is_region_char))
        throw sigv4_error("Credential service " + quoted(parts[3]) + " is not 1-64 characters of a-z, 0-9 and '-'");
    if (parts[4] != "aws4_request")
        throw sigv4_error("Credential should be scoped with a valid terminator: 'aws4_request', not " + quoted(parts[4]));
    out.access_key_id = parts[0];
    out.date = parts[1];
    out.region = parts[2];
    out.service = parts[3];
}

void parse_signed_headers(std::string_view value, sigv4_authorization& out) {
    if (value.empty()) throw sigv4_error("SignedHeaders is empty");
    while (true) {
        const auto semi = value.find(';');
        const std::string_view name = value.substr(0, semi);
        if (name.empty() || !all_of(name, is_header_name_char))
            throw sigv4_error("SignedHeaders entry " + quoted(name) + " is not a lowercase header name");
        if (!out.signed_headers.empty() && !(out.signed_headers.back() < name))
            throw sigv4_error("SignedHeaders must be sorted and without duplicates; " + quoted(name) +
                              " comes after " + quoted(out.signed_headers.back()));
        out.signed_headers.emplace_back(name);
        if (semi == std::string_view::npos) break;
        value.remove_prefix(semi + 1);
    }
    if (!std::binary_search(out.signed_headers.begin(), out.signed_headers.end(), std::string("host")))
        throw sigv4_error("'Host' must be a 'SignedHeader' in the AWS Authorization");
}

void parse_signature(std::string_view value, sigv4_authorization& out) {
    if (value.size() != 64 || !all_of(value, is_lower_hex))
        throw sigv4_error("Signature " + quoted(value) + " is not 64 lowercase hex digits");
    out.signature = value;
}

std::string_view trim(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
    return text;
}

// A header value as SigV4 canonicalises it: trimmed, inner runs of spaces collapsed to one.
void append_canonical_value(std::string& out, std::string_view value) {
    value = trim(value);
    bool in_space = false;
    for (char c : value) {
        if (c == ' ' || c == '\t') {
            in_space = true;
            continue;
        }
        if (in_space) out.push_back(' ');
        in_space = false;
        out.push_back(c);
    }
}

std::string canonical_query(std::string_view raw_query) {
    std::vector<std::pair<std::string, std::string>> pairs;
    std::string key, value;
    while (!raw_query.empty()) {
        const auto amp = raw_query.find('&');
        const std::string_view pair = raw_query.substr(0, amp);
        if (!pair.empty()) {
            const auto eq = pair.find('=');
            // '+' stays a literal plus: SigV4 clients send a space as %20.
            if (!percent_decode(pair.substr(0, eq), false, key) ||
                !percent_decode(eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1), false, value))
                throw sigv4_error("query string has a bad percent escape");
            std::string k, v;
            sigv4_uri_encode(k, key, false);
            sigv4_uri_encode(v, value, false);
            pairs.emplace_back(std::move(k), std::move(v));
        }
        if (amp == std::string_view::npos) break;
        raw_query.remove_prefix(amp + 1);
    }
    std::sort(pairs.begin(), pairs.end());
    std::string out;
    for (const auto& [k, v] : pairs) {
        if (!out.empty()) out.push_back('&');
        out += k;
        out.push_back('=');
        out += v;
    }
    return out;
}

}  // namespace

std::string sigv4_authorization::scope() const { return date + "/" + region + "/" + service + "/aws4_request"; }

sigv4_authorization parse_sigv4_authorization(std::string_view header) {
    if (header.size() > 8192) throw sigv4_error("Authorization header is longer than 8192 bytes");
    if (header.substr(0, sigv4_algorithm.size()) != sigv4_algorithm)
        throw sigv4_error("Authorization header does not start with the algorithm AWS4-HMAC-SHA256");
    header.remove_prefix(sigv4_algorithm.size());
    if (header.empty() || header.front() != ' ')
        throw sigv4_error("Authorization header needs a space after AWS4-HMAC-SHA256");

    sigv4_authorization out;
    bool have_credential = false, have_signed_headers = false, have_signature = false;
    while (true) {
        header = trim(header);
        const auto comma = header.find(',');
        const std::string_view component = trim(header.substr(0, comma));
        const auto eq = component.find('=');
        if (eq == std::string_view::npos)
            throw sigv4_error("Authorization component " + quoted(component) + " is not key=value");
        const std::string_view key = component.substr(0, eq);
        const std::string_view value = component.substr(eq + 1);
        bool* seen = nullptr;
        if (key == "Credential") {
            seen = &have_credential;
        } else if (key == "SignedHeaders") {
            seen = &have_signed_headers;
        } else if (key == "Signature") {
            seen = &have_signature;
        } else {
            throw sigv4_error("Authorization component " + quoted(key) +
                              " is not one of Credential, SignedHeaders, Signature");
        }
        if (*seen) throw sigv4_error("Authorization header repeats " + quoted(key));
        *seen = true;
        if (key == "Credential") parse_credential(value, out);
        else if (key == "SignedHeaders") parse_signed_headers(value, out);
        else parse_signature(value, out);
        if (comma == std::string_view::npos) break;
        header.remove_prefix(comma + 1);
    }
    std::string missing;
    if (!have_credential) missing += " Authorization header requires 'Credential' parameter.";
    if (!have_signed_headers) missing += " Authorization header requires 'SignedHeaders' parameter.";
    if (!have_signature) missing += " Authorization header requires 'Signature' parameter.";
    if (!missing.empty()) throw sigv4_error(missing.substr(1));
    return out;
}

void sigv4_uri_encode(std::string& out, std::string_view text, bool keep_slash) {
    static constexpr char hex[] = "0123456789ABCDEF";
    for (char ch : text) {
        const auto c = static_cast<unsigned char>(ch);
        const bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                                c == '-' || c == '_' || c == '.' || c == '~';
        if (unreserved || (keep_slash && c == '/')) {
            out.push_back(ch);
        } else {
            out.push_back('%');
            out.push_back(hex[c >> 4]);
            out.push_back(hex[c & 15]);
        }
    }
}

std::string sigv4_canonical_request(const request& req, const sigv4_authorization& auth) {
    const std::string_view target = req.target();
    const auto question = target.find('?');
    const std::string_view raw_path = target.substr(0, question);
    const std::string_view raw_query = question == std::string_view::npos ? std::string_view() : target.substr(question + 1);

    std::string out;
    out.reserve(512);
    out += req.method_string();
    out.push_back('\n');
    if (raw_path.empty()) out.push_back('/');
    else sigv4_uri_encode(out, raw_path, true);
    out.push_back('\n');
    out += canonical_query(raw_query);
    out.push_back('\n');
    for (const std::string& name : auth.signed_headers) {
        out += name;
        out.push_back(':');
        bool found = false;
        for (const auto& field : req) {
            if (!boost::beast::iequals(field.name_string(), name)) continue;
            if (found) out.push_back(',');
            append_canonical_value(out, field.value());
            found = true;
        }
        if (!found) throw sigv4_error("signed header " + quoted(name) + " is not in the request");
        out.push_back('\n');
    }
    out.push_back('\n');
    for (std::size_t i = 0; i < auth.signed_headers.size(); ++i) {
        if (i) out.push_back(';');
        out += auth.signed_headers[i];
    }
    out.push_back('\n');
    const auto content_hash = req.find("x-amz-content-sha256");
    if (content_hash != req.end()) out += content_hash->value();
    else out += sha256_hex(req.body());
    return out;
}

std::string sigv4_string_to_sign(std::string_view amz_date, std::string_view scope, std::string_view canonical_request) {
    std::string out;
    out += sigv4_algorithm;
    out.push_back('\n');
    out += amz_date;
    out.push_back('\n');
    out += scope;
    out.push_back('\n');
    out += sha256_hex(canonical_request);
    return out;
}

std::string sigv4_signature(std::string_view secret_access_key, const sigv4_authorization& auth,
                            std::string_view string_to_sign) {
    const auto as_view = [](const sha256_bytes& b) {
        return std::string_view(reinterpret_cast<const char*>(b.data()), b.size());
    };
    const std::string first_key = "AWS4" + std::string(secret_access_key);
    const sha256_bytes date_key = hmac_sha256(first_key, auth.date);
    const sha256_bytes region_key = hmac_sha256(as_view(date_key), auth.region);
    const sha256_bytes service_key = hmac_sha256(as_view(region_key), auth.service);
    const sha256_bytes signing_key = hmac_sha256(as_view(service_key), "aws4_request");
    return to_hex(hmac_sha256(as_view(signing_key), string_to_sign));
}

bool sigv4_signature_matches(const request& req, const sigv4_authorization& auth, std::string_view secret_access_key) {
    const auto date_header = req.find("x-amz-date");
    if (date_header == req.end()) throw sigv4_error("request has no X-Amz-Date header");
    const std::string_view amz_date = date_header->value();
    // yyyymmddThhmmssZ
    const bool shaped = amz_date.size() == 16 && amz_date[8] == 'T' && amz_date[15] == 'Z' &&
                        all_of(amz_date.substr(0, 8), is_digit) && all_of(amz_date.substr(9, 6), is_digit);
    if (!shaped) throw sigv4_error("X-Amz-Date " + quoted(amz_date) + " is not yyyymmddThhmmssZ");
    if (amz_date.substr(0, 8) != auth.date)
        throw sigv4_error("Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: " +
                          quoted(auth.date) + " != " + quoted(amz_date.substr(0, 8)));
    const std::string expected =
        sigv4_signature(secret_access_key, auth, sigv4_string_to_sign(amz_date, auth.scope(), sigv4_canonical_request(req, auth)));
    // Constant time is not needed in a lab, but costs nothing.
    unsigned char diff = expected.size() == auth.signature.size() ? 0 : 1;
    for (std::size_t i = 0; i < expected.size() && i < auth.signature.size(); ++i)
        diff |= static_cast<unsigned char>(expected[i] ^ auth.signature[i]);
    return diff == 0;
}

}  // namespace sclab::emulators::control
