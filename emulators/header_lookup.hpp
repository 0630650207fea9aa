// Header values of a request or response, looked up the way the request path can afford.
//
// Beast's find() descends a tree comparing names case-insensitively: some hundreds of instructions per lookup,
// and an access record wants several headers of every request. A message holds a dozen fields or so, each tagged
// with its field enum when the name is a known one, so one walk comparing enums (and, for names Beast does not
// know, lengths before letters) finds them all for the price of one lookup. Like find(), the first occurrence of
// a repeated header wins.
#pragma once

#include <array>
#include <cstddef>
#include <string_view>

#include <boost/beast/core/string.hpp>
#include <boost/beast/http/field.hpp>

namespace sclab::emulators {

// A header to look for: a field Beast knows by its enum, or any other by name (http::field::unknown).
struct header_key {
    boost::beast::http::field known = boost::beast::http::field::unknown;
    std::string_view name;

    header_key(boost::beast::http::field f) : known(f) {}  // NOLINT(google-explicit-constructor): a field is a key
    header_key(std::string_view n) : known(boost::beast::http::string_to_field(n)), name(n) {}  // NOLINT: so is a name
    header_key(const char* n) : header_key(std::string_view(n)) {}  // NOLINT
};

// The values of `keys` in `fields` (a Beast message or fields object), in the order of `keys`; an absent header
// has a null value (data() == nullptr), a present empty one an empty non-null value.
template <class Fields, std::size_t N>
std::array<std::string_view, N> header_values(const Fields& fields, const std::array<header_key, N>& keys) {
    std::array<std::string_view, N> values{};
    std::size_t missing = N;
    for (const auto& field : fields) {
        const boost::beast::http::field f = field.name();
        for (std::size_t i = 0; i < N; ++i) {
            if (values[i].data() != nullptr || keys[i].known != f) continue;
            if (f == boost::beast::http::field::unknown) {
                const std::string_view name = field.name_string();
                if (name.size() != keys[i].name.size() || !boost::beast::iequals(name, keys[i].name)) continue;
            }
            const std::string_view value = field.value();
            values[i] = value.data() != nullptr ? value : std::string_view("", 0);
            if (--missing == 0) return values;
            break;  // a field is one header
        }
    }
    return values;
}

// One header's value (empty when absent).
template <class Fields>
std::string_view header_value(const Fields& fields, header_key key) {
    return header_values(fields, std::array<header_key, 1>{key})[0];
}

}  // namespace sclab::emulators
