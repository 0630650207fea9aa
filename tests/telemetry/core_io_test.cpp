// The shared I/O pieces: line_source, output_file, problem_log via line_event_reader.
#include <gtest/gtest.h>

#include <sys/stat.h>

#include <cstring>
#include <filesystem>
#include <thread>

#include "telemetry/byte_buffer.hpp"
#include "telemetry/format.hpp"
#include "telemetry/line_source.hpp"
#include "telemetry/output_file.hpp"
#include "test_files.hpp"

namespace sclab::telemetry {
namespace {

std::vector<std::string> all_lines(line_source& src, std::vector<bool>* unterminated = nullptr) {
    std::vector<std::string> out;
    std::string_view line;
    while (src.next(line)) {
        out.emplace_back(line);
        if (unterminated) unterminated->push_back(src.last_line_unterminated());
    }
    return out;
}

TEST(line_source, splits_lines_strips_crlf_and_flags_an_unterminated_last_line) {
    testing::temp_dir dir;
    testing::write_file(dir.path("a"), "one\r\ntwo\n\nthree");
    line_source src(dir.path("a"));
    std::vector<bool> cut;
    EXPECT_EQ(all_lines(src, &cut), (std::vector<std::string>{"one", "two", "", "three"}));
    EXPECT_EQ(cut, (std::vector<bool>{false, false, false, true}));
    EXPECT_EQ(src.line_number(), 4u);
}

TEST(byte_buffer, grows_keeping_its_bytes_and_never_shrinks) {
    byte_buffer buffer(4);
    std::memcpy(buffer.data(), "abcd", 4);
    buffer.resize(1000);
    ASSERT_EQ(buffer.size(), 1000u);
    EXPECT_EQ(std::string_view(buffer.data(), 4), "abcd");
    buffer[999] = 'z';
    buffer.resize(10);  // a smaller size is no request to shrink
    EXPECT_EQ(buffer.size(), 1000u);
    EXPECT_EQ(buffer[999], 'z');
    EXPECT_EQ(std::string_view(buffer.data(), 4), "abcd");
}

TEST(line_source, lines_longer_than_the_buffer_and_across_refills) {
    testing::temp_dir dir;
    std::string big(3u << 20, 'x');  // far past the initial buffer, so it doubles several times
    static_assert((3u << 20) > 8 * initial_read_buffer_bytes);
    std::string content;
    for (int i = 0; i < 5000; ++i) content += "line " + std::to_string(i) + "\n";
    content += big + "\nend\n";
    testing::write_file(dir.path("b"), content);
    line_source src(dir.path("b"));
    auto lines = all_lines(src);
    ASSERT_EQ(lines.size(), 5002u);
    EXPECT_EQ(lines[4999], "line 4999");
    EXPECT_EQ(lines[5000], big);
    EXPECT_EQ(lines[5001], "end");
}

TEST(line_source, refuses_a_line_over_the_limit_with_file_and_line) {
    testing::temp_dir dir;
    testing::write_file(dir.path("c"), "ok\n" + std::string(5u << 20, 'y') + "\n");
    line_source src(dir.path("c"), 2u << 20);
    std::string_view line;
    ASSERT_TRUE(src.next(line));
    try {
        src.next(line);
        FAIL() << "an over-long line was accepted";
    } catch (const input_error& e) {
        EXPECT_EQ(e.line(), 2u);
        EXPECT_NE(std::string(e.what()).find("longer than"), std::string::npos);
    }
}

TEST(line_source, missing_file_names_it) {
    try {
        line_source src("/nonexistent/sclab/file");
        FAIL();
    } catch (const input_error& e) {
        EXPECT_EQ(e.file(), "/nonexistent/sclab/file");
        EXPECT_NE(e.reason().find("cannot open"), std::string::npos);
    }
}

TEST(output_file, atomic_output_appears_only_on_commit) {
    testing::temp_dir dir;
    const std::string path = dir.path("out.txt");
    {
        output_file out(path);
        out.append("hello\n");
        out.flush();
        EXPECT_FALSE(std::filesystem::exists(path)) << "visible before commit";
        out.commit();
    }
    EXPECT_EQ(testing::read_file(path), "hello\n");
}

TEST(output_file, abandoned_atomic_output_leaves_nothing) {
    testing::temp_dir dir;
    testing::write_file(dir.path("keep.txt"), "old complete file\n");
    {
        output_file out(dir.path("keep.txt"));
        out.append("half of a new fi");
        out.flush();
    }  // destroyed without commit, as on an error
    EXPECT_EQ(testing::read_file(dir.path("keep.txt")), "old complete file\n") << "the previous file was clobbered";
    std::size_t files = 0;
    for (auto& entry : std::filesystem::directory_iterator(dir.root())) (void)entry, ++files;
    EXPECT_EQ(files, 1u) << "a partial file was left behind";
}

TEST(output_file, append_records_grows_in_place_with_whole_records) {
    testing::temp_dir dir;
    const std::string path = dir.path("live.log");
    {
        output_file out(path, output_file::mode::append_records, 8);
        out.append("record one\n");
        out.record_done();  // over 8 bytes: flushed
        EXPECT_EQ(testing::read_file(path), "record one\n");
        out.append("tw\n");
        out.record_done();  // under the threshold: buffered until flush or destruction
    }
    EXPECT_EQ(testing::read_file(path), "record one\ntw\n");
    {
        output_file out(path, output_file::mode::append_records);
        out.append("three\n");
        out.commit();
    }
    EXPECT_EQ(testing::read_file(path), "record one\ntw\nthree\n");
}

TEST(output_file, devices_and_pipes_are_written_in_place_not_replaced) {
    {
        output_file out("/dev/null");
        out.append("discarded\n");
        out.commit();
    }
    struct stat st {};
    ASSERT_EQ(::stat("/dev/null", &st), 0);
    EXPECT_TRUE(S_ISCHR(st.st_mode)) << "/dev/null was replaced by a regular file";
    testing::temp_dir dir;
    const std::string fifo = dir.path("fifo");
    ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
    std::string received;
    std::thread reader([&] { received = testing::read_file(fifo); });
    {
        output_file out(fifo);
        out.append("through the pipe\n");
        out.commit();
    }
    reader.join();
    EXPECT_EQ(received, "through the pipe\n");
    ASSERT_EQ(::stat(fifo.c_str(), &st), 0);
    EXPECT_TRUE(S_ISFIFO(st.st_mode));
}

TEST(output_file, unwritable_path_is_an_input_error) {
    EXPECT_THROW(output_file("/nonexistent/dir/x"), input_error);
}

}  // namespace
}  // namespace sclab::telemetry
