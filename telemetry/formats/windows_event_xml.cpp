#include "telemetry/formats/windows_event_xml.hpp"

#include <algorithm>
#include <limits>

#include "telemetry/formats/field_text.hpp"
#include "telemetry/input_error.hpp"
#include "telemetry/text.hpp"
#include "telemetry/time_format.hpp"

namespace sclab::telemetry::windows_event {

namespace {

constexpr std::string_view event_xmlns = "http://schemas.microsoft.com/win/2004/08/events/event";
constexpr std::size_t quote_limit = 40;  // how much of an offending value an error message repeats

// ---- writing -------------------------------------------------------------------------------------------

void append_attribute(std::string& out, std::string_view name, std::string_view value) {
    out.push_back(' ');
    out += name;
    out += "='";
    append_xml_escaped(out, value);
    out.push_back('\'');
}

void append_number_element(std::string& out, std::string_view name, std::uint64_t value) {
    out.push_back('<');
    out += name;
    out.push_back('>');
    append_uint(out, value);
    out += "</";
    out += name;
    out.push_back('>');
}

void append_text_element(std::string& out, std::string_view name, std::string_view value) {
    out.push_back('<');
    out += name;
    out.push_back('>');
    append_event_text(out, value);
    out += "</";
    out += name;
    out.push_back('>');
}

// ---- scanning ------------------------------------------------------------------------------------------

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

bool is_name_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
           c == '.' || c == ':';
}

std::string quoted(std::string_view text) {
    std::string s = "'";
    s += text.substr(0, quote_limit);
    if (text.size() > quote_limit) s += "...";
    s += "'";
    return s;
}

// A position in the line. Every read is bounds-checked; every failure is a record_error with the column.
class cursor {
public:
    explicit cursor(std::string_view text) : s_(text) {}

    // The place in the event: a column when it is one line, else the line within the event too (the reader
    // reports the line the event starts on).
    [[noreturn]] void fail(const std::string& what) const {
        const std::string_view before = s_.substr(0, std::min(p_, s_.size()));
        const std::size_t last_nl = before.rfind('\n');
        if (last_nl == std::string_view::npos) throw record_error(what + " (column " + std::to_string(p_ + 1) + ")");
        const auto event_line = std::count(before.begin(), before.end(), '\n') + 1;
        throw record_error(what + " (line " + std::to_string(event_line) + " of the event, column " +
                           std::to_string(p_ - last_nl) + ")");
    }
    void skip_space() {
        while (p_ < s_.size() && is_space(s_[p_])) ++p_;
    }
    bool at_end() const { return p_ >= s_.size(); }
    bool eat(std::string_view literal) {
        if (!s_.substr(p_).starts_with(literal)) return false;
        p_ += literal.size();
        return true;
    }
    std::string_view name(const std::string& context) {
        const std::size_t start = p_;
        while (p_ < s_.size() && is_name_char(s_[p_])) ++p_;
        if (p_ == start) fail(context);
        return s_.substr(start, p_ - start);
    }
    // Inside a start tag: the next attribute, or false at '>' / '/>' (telling which in self_closing).
    bool attribute(std::string_view& name, std::string_view& raw_value, bool& self_closing) {
        skip_space();
        if (eat("/>")) {
            self_closing = true;
            return false;
        }
        if (eat(">")) {
            self_closing = false;
            return false;
        }
        name = this->name("expected an attribute, '>' or '/>' in a start tag");
        skip_space();
        if (!eat("=")) fail("expected '=' after attribute " + std::string(name));
        skip_space();
        if (at_end() || (s_[p_] != '\'' && s_[p_] != '"'))
            fail("value of attribute " + std::string(name) + " is not quoted");
        const char quote = s_[p_++];
        const std::size_t end = s_.find(quote, p_);
        if (end == std::string_view::npos) fail("value of attribute " + std::string(name) + " is not closed");
        raw_value = s_.substr(p_, end - p_);
        if (raw_value.find('<') != std::string_view::npos) fail("'<' in the value of attribute " + std::string(name));
        p_ = end + 1;
        return true;
    }
    // Skips the attributes of a start tag; returns whether it was self-closing.
    bool skip_attributes() {
        std::string_view n, v;
        bool self_closing = false;
        while (attribute(n, v, self_closing)) {
        }
        return self_closing;
    }
    // Character data up to the next '<'.
    std::string_view text() {
        const std::size_t lt = s_.find('<', p_);
        if (lt == std::string_view::npos) fail("element not closed");
        std::string_view t = s_.substr(p_, lt - p_);
        p_ = lt;
        return t;
    }
    void expect_end_tag(std::string_view element) {
        if (!eat("</") || !eat(element)) fail("expected </" + std::string(element) + ">");
        skip_space();
        if (!eat(">")) fail("expected '>' closing </" + std::string(element) + ">");
    }
    // The text of a simple element whose start tag (name and attributes) was just read.
    std::string_view element_text(std::string_view element, bool self_closing) {
        if (self_closing) return {};
        std::string_view t = text();
        expect_end_tag(element);
        return t;
    }
    // A start tag: '<' and its name. Fails with `context` when there is none.
    std::string_view start_tag(const char* context) {
        skip_space();
        if (!eat("<")) fail(context);
        return name(context);
    }
    // True, consuming it, when the next thing is the end tag of `element`.
    bool end_tag_next(std::string_view element) {
        skip_space();
        if (!s_.substr(p_).starts_with("</")) return false;
        expect_end_tag(element);
        return true;
    }
    // Skips past the next occurrence of `literal`.
    void skip_past(std::string_view literal) {
        const std::size_t at = s_.find(literal, p_);
        if (at == std::string_view::npos) fail("missing " + std::string(literal));
        p_ = at + literal.size();
    }

private:
    std::string_view s_;
    std::size_t p_ = 0;
};

std::uint32_t system_u32(cursor& c, std::string_view element, std::string_view text) {
    std::uint64_t v = 0;
    if (!parse_uint_max(text, std::numeric_limits<std::uint32_t>::max(), v))
        c.fail("bad <" + std::string(element) + "> " + quoted(text) + ": not a number");
    return static_cast<std::uint32_t>(v);
}

std::uint64_t system_u64(cursor& c, std::string_view what, std::string_view text) {
    std::uint64_t v = 0;
    if (!parse_uint(text, v)) c.fail("bad " + std::string(what) + " " + quoted(text) + ": not a number");
    return v;
}

// Plain text of a raw value: the view itself when it holds no entity, else unescaped into `storage`.
std::string_view plain(cursor& c, std::string_view raw, std::string& storage, std::string_view what) {
    if (raw.find('&') == std::string_view::npos) return raw;
    if (!xml_unescape(raw, storage)) c.fail(std::string(what) + " holds a bad character reference");
    return storage;
}

bool is_simple_system_element(std::string_view e) {
    return e == "EventID" || e == "Version" || e == "Level" || e == "Task" || e == "Opcode" || e == "Keywords" ||
           e == "EventRecordID" || e == "Channel" || e == "Computer";
}

enum system_slot { s_provider, s_guid, s_keywords, s_activity, s_channel, s_computer, s_sid, s_count };

void scan_system(cursor& c, system_block& s, std::array<std::string, s_count>& text) {
    enum : unsigned { has_provider = 1, has_event_id = 2, has_time = 4, has_computer = 8 };
    unsigned seen = 0;
    std::string_view attr, raw;
    while (!c.end_tag_next("System")) {
        const std::string_view element = c.start_tag("expected an element or </System> inside <System>");
        if (element == "Provider") {
            bool self_closing = false;
            while (c.attribute(attr, raw, self_closing)) {
                if (attr == "Name")
                    s.provider_name = plain(c, raw, text[s_provider], "Provider Name");
                else if (attr == "Guid")
                    s.provider_guid = plain(c, raw, text[s_guid], "Provider Guid");
            }
            c.element_text(element, self_closing);
            seen |= has_provider;
        } else if (element == "TimeCreated") {
            bool self_closing = false, has_system_time = false;
            while (c.attribute(attr, raw, self_closing)) {
                if (attr != "SystemTime") continue;
                if (!parse_iso8601(raw, s.time_created)) c.fail("bad TimeCreated SystemTime " + quoted(raw));
                has_system_time = true;
            }
            if (!has_system_time) c.fail("<TimeCreated> has no SystemTime");
            c.element_text(element, self_closing);
            seen |= has_time;
        } else if (element == "Correlation") {
            bool self_closing = false;
            while (c.attribute(attr, raw, self_closing))
                if (attr == "ActivityID") s.activity_id = plain(c, raw, text[s_activity], "Correlation ActivityID");
            c.element_text(element, self_closing);
        } else if (element == "Execution") {
            bool self_closing = false;
            while (c.attribute(attr, raw, self_closing)) {
                if (attr == "ProcessID")
                    s.process_id = system_u64(c, "Execution ProcessID", raw);
                else if (attr == "ThreadID")
                    s.thread_id = system_u64(c, "Execution ThreadID", raw);
            }
            c.element_text(element, self_closing);
        } else if (element == "Security") {
            bool self_closing = false;
            while (c.attribute(attr, raw, self_closing))
                if (attr == "UserID") s.user_sid = plain(c, raw, text[s_sid], "Security UserID");
            c.element_text(element, self_closing);
        } else {
            // The rest are simple elements with text (EventID may carry a Qualifiers attribute).
            if (!is_simple_system_element(element)) c.fail("unexpected <" + std::string(element) + "> inside <System>");
            const std::string_view t = c.element_text(element, c.skip_attributes());
            if (element == "EventID") {
                s.event_id = system_u32(c, element, t);
                seen |= has_event_id;
            } else if (element == "Version") {
                s.version = system_u32(c, element, t);
            } else if (element == "Level") {
                s.level = system_u32(c, element, t);
            } else if (element == "Task") {
                s.task = system_u32(c, element, t);
            } else if (element == "Opcode") {
                s.opcode = system_u32(c, element, t);
            } else if (element == "Keywords") {
                s.keywords = plain(c, t, text[s_keywords], "Keywords");
            } else if (element == "EventRecordID") {
                s.record_id = system_u64(c, "EventRecordID", t);
            } else if (element == "Channel") {
                s.channel = plain(c, t, text[s_channel], "Channel");
            } else {
                s.computer = plain(c, t, text[s_computer], "Computer");
                seen |= has_computer;
            }
        }
    }
    if (!(seen & has_provider)) c.fail("<System> has no <Provider>");
    if (!(seen & has_event_id)) c.fail("<System> has no <EventID>");
    if (!(seen & has_time)) c.fail("<System> has no <TimeCreated>");
    if (!(seen & has_computer)) c.fail("<System> has no <Computer>");
}

// A numeric extra as the writer would write it; 0 when absent or not a number.
std::uint64_t extra_number(const event& e, std::string_view key, std::uint64_t max) {
    const std::string* v = find_extra(e, key);
    std::uint64_t n = 0;
    return v != nullptr && parse_uint_max(*v, max, n) ? n : 0;
}

std::string number_text(std::uint64_t v) {
    std::string s;
    append_uint(s, v);
    return s;
}

void keep_number_unless(const event& from, std::string_view key, std::uint64_t max, std::uint64_t dflt, event& to) {
    const std::uint64_t v = extra_number(from, key, max);
    if (v != 0 && v != dflt) to.extra.emplace_back(key, number_text(v));
}

}  // namespace

// ---- writing -------------------------------------------------------------------------------------------

void append_event_text(std::string& out, std::string_view text) {
    std::size_t run = 0;  // start of the current run of bytes that need no escape
    for (std::size_t i = 0; i < text.size(); ++i) {
        const unsigned char c = static_cast<unsigned char>(text[i]);
        const bool plain = c == '\t' || (c >= 0x20 && c != '&' && c != '<' && c != '>');
        if (plain) continue;
        out.append(text.data() + run, i - run);
        run = i + 1;
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            default:
                out += "&#";
                append_uint(out, c);
                out.push_back(';');
        }
    }
    out.append(text.data() + run, text.size() - run);
}

void append_event_start(std::string& out, const system_block& s) {
    out += "<Event xmlns='";
    out += event_xmlns;
    out += "'><System><Provider";
    append_attribute(out, "Name", s.provider_name);
    append_attribute(out, "Guid", s.provider_guid);
    out += "/>";
    append_number_element(out, "EventID", s.event_id);
    append_number_element(out, "Version", s.version);
    append_number_element(out, "Level", s.level);
    append_number_element(out, "Task", s.task);
    append_number_element(out, "Opcode", s.opcode);
    append_text_element(out, "Keywords", s.keywords);
    out += "<TimeCreated SystemTime='";
    append_iso8601(out, s.time_created, 7);
    out += "'/>";
    append_number_element(out, "EventRecordID", s.record_id);
    out += "<Correlation";
    if (!s.activity_id.empty()) append_attribute(out, "ActivityID", s.activity_id);
    out += "/><Execution ProcessID='";
    append_uint(out, s.process_id);
    out += "' ThreadID='";
    append_uint(out, s.thread_id);
    out += "'/>";
    append_text_element(out, "Channel", s.channel);
    append_text_element(out, "Computer", s.computer);
    out += "<Security";
    if (!s.user_sid.empty()) append_attribute(out, "UserID", s.user_sid);
    out += "/></System><EventData>";
}

void append_data_open(std::string& out, std::string_view name) {
    out += "<Data Name='";
    append_xml_escaped(out, name);
    out += "'>";
}

void append_data(std::string& out, std::string_view name, std::string_view value) {
    append_data_open(out, name);
    append_event_text(out, value);
    append_data_close(out);
}

void append_event_end(std::string& out) { out += "</EventData></Event>\n"; }

// ---- reading -----------------------------------------------------------------------------------------

void scan_event(std::string_view line, scanned_event& out) {
    out.system = system_block{};
    out.data.clear();
    cursor c(line);
    if (c.start_tag("not a Windows event: expected a line starting with <Event") != "Event")
        c.fail("not a Windows event: expected a line starting with <Event");
    if (c.skip_attributes()) c.fail("empty <Event/>");
    if (c.start_tag("expected <System> after <Event>") != "System") c.fail("expected <System> first inside <Event>");
    if (c.skip_attributes()) c.fail("empty <System/>");
    scan_system(c, out.system, out.system_text_);

    if (c.start_tag("expected <EventData> after </System>") != "EventData")
        c.fail("expected <EventData> after </System> (this format reads EventData, not UserData)");
    std::size_t names_used = 0;
    if (!c.skip_attributes()) {
        while (!c.end_tag_next("EventData")) {
            if (c.start_tag("expected <Data> or </EventData> inside <EventData>") != "Data")
                c.fail("unexpected element inside <EventData>: only <Data Name='...'> belongs there");
            data_field field;
            bool named = false, self_closing = false;
            std::string_view attr, raw;
            while (c.attribute(attr, raw, self_closing)) {
                if (attr != "Name") continue;
                if (names_used == out.name_text_.size()) out.name_text_.emplace_back();
                // name_text_ only grows, and each line reuses its strings; views stay valid for the line.
                field.name = plain(c, raw, out.name_text_[names_used], "a Data Name");
                if (field.name.data() == out.name_text_[names_used].data()) ++names_used;
                named = true;
            }
            if (!named) c.fail("<Data> without a Name attribute");
            field.raw_value = c.element_text("Data", self_closing);
            out.data.push_back(field);
        }
    }
    c.skip_space();
    if (c.eat("<RenderingInfo")) c.skip_past("</RenderingInfo>");  // the rendered message: not data
    c.skip_space();
    if (!c.eat("</Event")) c.fail("expected </Event>");
    c.skip_space();
    if (!c.eat(">")) c.fail("expected '>' closing </Event>");
    c.skip_space();
    if (!c.at_end()) c.fail("unexpected text after </Event>");
}

void unescape_value(const data_field& field, std::string& out) {
    if (!xml_unescape(field.raw_value, out))
        throw record_error("Data '" + std::string(field.name) + "' holds a bad character reference");
}

std::string_view plain_value(const data_field& field, std::string& scratch) {
    if (field.raw_value.find('&') == std::string_view::npos) return field.raw_value;
    unescape_value(field, scratch);
    return scratch;
}

// ---- System values in `extra` ------------------------------------------------------------------------

void system_to_extra(const system_block& s, const system_defaults& d, event& e) {
    if (d.process_id_in_extra && s.process_id != 0)
        e.set_extra(std::string(extra_process_id), number_text(s.process_id));
    if (s.thread_id != 0) e.set_extra(std::string(extra_thread_id), number_text(s.thread_id));
    if (s.user_sid != d.user_sid) e.set_extra(std::string(extra_user_sid), std::string(s.user_sid));
    if (!s.activity_id.empty()) e.set_extra(std::string(extra_activity_id), std::string(s.activity_id));
    // An absent <Level> reads as 0 and means the default.
    if (s.level != 0 && s.level != d.level) e.set_extra(std::string(extra_level), number_text(s.level));
}

void system_from_extra(const event& e, const system_defaults& d, system_block& s) {
    constexpr std::uint64_t u64_max = std::numeric_limits<std::uint64_t>::max();
    if (d.process_id_in_extra) s.process_id = extra_number(e, extra_process_id, u64_max);
    s.thread_id = extra_number(e, extra_thread_id, u64_max);
    const std::string* sid = find_extra(e, extra_user_sid);
    s.user_sid = sid != nullptr ? std::string_view(*sid) : d.user_sid;
    s.activity_id = e.extra_value(extra_activity_id);
    const std::uint64_t level = extra_number(e, extra_level, std::numeric_limits<std::uint32_t>::max());
    s.level = level != 0 ? static_cast<std::uint32_t>(level) : d.level;
}

void retain_system_extra(const event& from, const system_defaults& d, event& to) {
    constexpr std::uint64_t u64_max = std::numeric_limits<std::uint64_t>::max();
    if (d.process_id_in_extra) keep_number_unless(from, extra_process_id, u64_max, 0, to);
    keep_number_unless(from, extra_thread_id, u64_max, 0, to);
    const std::string* sid = find_extra(from, extra_user_sid);
    if (sid != nullptr && *sid != d.user_sid) to.extra.emplace_back(extra_user_sid, *sid);
    const std::string_view activity = from.extra_value(extra_activity_id);
    if (!activity.empty()) to.extra.emplace_back(extra_activity_id, activity);
    keep_number_unless(from, extra_level, std::numeric_limits<std::uint32_t>::max(), d.level, to);
}

// ---- EventData through field codecs -------------------------------------------------------------------

void append_fields(std::string& out, const event& e, std::span<const field_codec> fields) {
    for (const field_codec& f : fields) {
        append_data_open(out, f.name);
        f.write(out, e);
        append_data_close(out);
    }
    for (const auto& [k, v] : e.extra) {
        if (!k.starts_with(extra_data_prefix)) continue;
        const std::string_view name = std::string_view(k).substr(extra_data_prefix.size());
        if (!is_known_field(fields, name)) append_data(out, name, v);
    }
}

void read_fields(const scanned_event& scanned, std::span<const field_codec> fields, event& e, read_context& ctx) {
    std::uint64_t seen = 0;
    std::size_t expected = 0;  // fields usually come in table order: try the next one first
    for (const data_field& d : scanned.data) {
        std::size_t i = expected < fields.size() && fields[expected].name == d.name ? expected : fields.size();
        for (std::size_t j = 0; i == fields.size() && j < fields.size(); ++j)
            if (fields[j].name == d.name) i = j;
        if (i == fields.size()) {
            std::string value;
            unescape_value(d, value);
            e.set_extra(std::string(extra_data_prefix) + std::string(d.name), std::move(value));
            continue;
        }
        if (seen & (std::uint64_t{1} << i)) throw record_error("Data '" + std::string(d.name) + "' appears twice");
        seen |= std::uint64_t{1} << i;
        fields[i].read(e, d, ctx);
        expected = i + 1;
    }
    for (std::size_t i = 0; i < fields.size(); ++i)
        if (fields[i].required && !(seen & (std::uint64_t{1} << i)))
            throw record_error("missing Data '" + std::string(fields[i].name) + "'");
}

bool is_known_field(std::span<const field_codec> fields, std::string_view name) {
    for (const field_codec& f : fields)
        if (f.name == name) return true;
    return false;
}

void retain_unknown_data(const event& from, std::span<const field_codec> fields, event& to) {
    for (const auto& [k, v] : from.extra)
        if (k.starts_with(extra_data_prefix) &&
            !is_known_field(fields, std::string_view(k).substr(extra_data_prefix.size())))
            to.extra.emplace_back(k, v);
}

std::uint64_t read_uint(const data_field& field, read_context& ctx, std::uint64_t max) {
    const std::string_view v = plain_value(field, ctx.scratch);
    std::uint64_t n = 0;
    if (!parse_uint_max(v, max, n))
        throw record_error("Data '" + std::string(field.name) + "' is not a number up to " + number_text(max) + ": " +
                           quote_value(v));
    return n;
}

bool read_bool(const data_field& field, read_context& ctx) {
    const std::string_view v = plain_value(field, ctx.scratch);
    if (v == "true") return true;
    if (v == "false") return false;
    throw record_error("Data '" + std::string(field.name) + "' is not true or false: " + quote_value(v));
}

std::string quote_value(std::string_view text) { return quoted(text); }

std::uint64_t record_id_number(std::string_view record_id) {
    std::uint64_t n = 0;
    return parse_uint(record_id, n) ? n : 0;
}

std::string record_id_text(std::uint64_t record_id) { return record_id == 0 ? std::string() : number_text(record_id); }

}  // namespace sclab::telemetry::windows_event
