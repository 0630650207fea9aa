#include "emulators/control/multipart.hpp"

#include <algorithm>

#include "telemetry/text.hpp"

namespace sclab::emulators::control {

namespace {

constexpr std::size_t max_header_bytes = 16 * 1024;  // all header lines of one part

bool is_boundary_char(char c) {
    // RFC 2046 bchars: DIGIT / ALPHA / ' ( ) + _ , - . / : = ? and space (not last)
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           std::string_view("'()+_,-./:=? ").find(c) != std::string_view::npos;
}

std::string_view trim(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
    return text;
}

std::string at(std::size_t offset) { return " at byte " + std::to_string(offset); }

// Splits `header; a=1; b="x; y"` into the value and its parameters (names lowercased). Quoted strings end at
// the next quote: form-data clients percent-encode quotes in names (RFC 7578 section 2), so there is no
// backslash escaping to undo.
struct header_params {
    std::string value;
    std::vector<std::pair<std::string, std::string>> params;
};

header_params split_params(std::string_view text, std::string_view what) {
    header_params out;
    const auto semi = text.find(';');
    out.value = telemetry::to_lower(trim(text.substr(0, semi)));
    if (semi == std::string_view::npos) return out;
    text.remove_prefix(semi + 1);
    while (true) {
        text = trim(text);
        if (text.empty()) break;
        const auto eq = text.find('=');
        if (eq == std::string_view::npos)
            throw multipart_error(std::string(what) + " parameter '" + std::string(text.substr(0, 40)) + "' has no '='");
        std::string name = telemetry::to_lower(trim(text.substr(0, eq)));
        text.remove_prefix(eq + 1);
        text = trim(text);
        std::string value;
        if (!text.empty() && text.front() == '"') {
            const auto close = text.find('"', 1);
            if (close == std::string_view::npos)
                throw multipart_error(std::string(what) + " parameter " + name + " has an unterminated quoted string");
            value = text.substr(1, close - 1);
            text.remove_prefix(close + 1);
            text = trim(text);
            if (!text.empty() && text.front() != ';')
                throw multipart_error(std::string(what) + " parameter " + name + " has text after its quoted value");
        } else {
            const auto next = text.find(';');
            value = trim(text.substr(0, next));
            text.remove_prefix(next == std::string_view::npos ? text.size() : next);
        }
        if (name.empty()) throw multipart_error(std::string(what) + " has a parameter without a name");
        if (std::any_of(out.params.begin(), out.params.end(), [&](const auto& p) { return p.first == name; }))
            throw multipart_error(std::string(what) + " repeats parameter " + name);
        out.params.emplace_back(std::move(name), std::move(value));
        if (!text.empty()) text.remove_prefix(1);  // the ';'
    }
    return out;
}

const std::string* param(const header_params& h, std::string_view name) {
    for (const auto& [k, v] : h.params)
        if (k == name) return &v;
    return nullptr;
}

void parse_part_headers(std::string_view headers, std::size_t offset, multipart_part& part) {
    bool have_disposition = false, have_type = false;
    while (!headers.empty()) {
        const auto end = headers.find("\r\n");
        const std::string_view line = headers.substr(0, end);
        headers.remove_prefix(end == std::string_view::npos ? headers.size() : end + 2);
        const auto colon = line.find(':');
        if (colon == std::string_view::npos || colon == 0)
            throw multipart_error("part header '" + std::string(line.substr(0, 60)) + "' is not 'Name: value'" + at(offset));
        const std::string name = telemetry::to_lower(line.substr(0, colon));
        const std::string_view value = trim(line.substr(colon + 1));
        if (name == "content-disposition") {
            if (have_disposition) throw multipart_error("part repeats Content-Disposition" + at(offset));
            have_disposition = true;
            const header_params h = split_params(value, "Content-Disposition");
            if (h.value != "form-data")
                throw multipart_error("part Content-Disposition is '" + h.value.substr(0, 40) + "', not form-data" + at(offset));
            const std::string* field = param(h, "name");
            if (!field) throw multipart_error("part Content-Disposition has no name parameter" + at(offset));
            part.name = *field;
            if (const std::string* file = param(h, "filename")) part.filename = *file;
        } else if (name == "content-type") {
            if (have_type) throw multipart_error("part repeats Content-Type" + at(offset));
            have_type = true;
            if (value.empty()) throw multipart_error("part Content-Type is empty" + at(offset));
            part.content_type = value;
        }
        // Other part headers (Content-Transfer-Encoding is deprecated by RFC 7578) are ignored.
        offset += line.size() + 2;
    }
    if (!have_disposition) throw multipart_error("part has no Content-Disposition header" + at(offset));
    if (!have_type) part.content_type = "text/plain";
}

}  // namespace

std::string multipart_boundary(std::string_view content_type) {
    const header_params h = split_params(content_type, "Content-Type");
    if (h.value != "multipart/form-data")
        throw multipart_error("Content-Type is '" + h.value.substr(0, 60) + "', not multipart/form-data");
    const std::string* boundary = param(h, "boundary");
    if (!boundary) throw multipart_error("multipart/form-data Content-Type has no boundary parameter");
    if (boundary->empty() || boundary->size() > 70 || boundary->back() == ' ' ||
        !std::all_of(boundary->begin(), boundary->end(), is_boundary_char))
        throw multipart_error("multipart boundary is not 1-70 characters allowed by RFC 2046");
    return *boundary;
}

std::vector<multipart_part> parse_multipart(std::string_view body, std::string_view boundary) {
    if (boundary.empty()) throw multipart_error("multipart boundary is empty");
    const std::string dash_boundary = "--" + std::string(boundary);
    const std::string delimiter = "\r\n" + dash_boundary;
    if (body.substr(0, dash_boundary.size()) != dash_boundary)
        throw multipart_error("body does not start with the boundary delimiter '" + dash_boundary.substr(0, 72) + "'");
    std::size_t pos = dash_boundary.size();
    std::vector<multipart_part> parts;
    while (true) {
        // After a delimiter: "--" closes the body, CRLF opens a part.
        if (body.substr(pos, 2) == "--") {
            if (parts.empty()) throw multipart_error("body has no parts");
            return parts;
        }
        if (body.substr(pos, 2) != "\r\n") {
            if (pos >= body.size()) throw multipart_error("body is truncated after a boundary delimiter" + at(pos));
            throw multipart_error("boundary delimiter is not followed by CRLF or '--'" + at(pos));
        }
        pos += 2;
        if (parts.size() == multipart_max_parts)
            throw multipart_error("body has more than " + std::to_string(multipart_max_parts) + " parts");

        multipart_part part;
        std::size_t headers_end;
        if (body.substr(pos, 2) == "\r\n") {
            headers_end = pos;  // no headers at all: caught below as a missing Content-Disposition
        } else {
            headers_end = body.find("\r\n\r\n", pos);
            if (headers_end == std::string_view::npos) throw multipart_error("part headers are truncated" + at(pos));
        }
        if (headers_end - pos > max_header_bytes)
            throw multipart_error("part headers are longer than " + std::to_string(max_header_bytes) + " bytes" + at(pos));
        parse_part_headers(body.substr(pos, headers_end - pos), pos, part);
        pos = headers_end + (headers_end == pos ? 2 : 4);

        const auto content_end = body.find(delimiter, pos);
        if (content_end == std::string_view::npos)
            throw multipart_error("part '" + part.name.substr(0, 60) + "' is truncated: no closing boundary" + at(pos));
        part.body = body.substr(pos, content_end - pos);
        parts.push_back(std::move(part));
        pos = content_end + delimiter.size();
    }
}

const multipart_part* find_part(const std::vector<multipart_part>& parts, std::string_view name) {
    for (const multipart_part& p : parts)
        if (p.name == name) return &p;
    return nullptr;
}

}  // namespace sclab::emulators::control
