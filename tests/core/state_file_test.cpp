#include "core/state_file.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>

#include "core/errors.h"

namespace sweep {
namespace {

std::string message_of(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const DataError& e) {
    return e.what();
  }
  return "(no DataError)";
}

class StateFile : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/sweep-state-file-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  // A state file of `h` with `payload`, as the worker writes it.
  std::string write(const std::string& name, StateHeader h, const std::string& payload) {
    h.payload_bytes = payload.size();
    h.checksum = state_checksum(payload.data(), payload.size());
    const std::string path = dir_ + "/" + name;
    std::ofstream(path, std::ios::binary) << encode_state_header(h) << payload;
    return path;
  }
  std::string dir_;
};

TEST_F(StateFile, HeaderRoundTripsEveryField) {
  StateHeader h;
  h.trial_id = 0xf00dfeedbeef0001ULL;  // top bit set
  h.epoch = 3;
  h.batch = 17;
  const std::string path = write(state_file_name(h.trial_id), h, "0123456789");
  const StateHeader r = read_state_header(path);
  EXPECT_EQ(r.format, kStateFormat);
  EXPECT_EQ(r.trial_id, h.trial_id);
  EXPECT_EQ(r.epoch, 3);
  EXPECT_EQ(r.batch, 17);
  EXPECT_EQ(r.payload_bytes, 10u);
  EXPECT_EQ(r.checksum, state_checksum("0123456789", 10));
  EXPECT_EQ(encode_state_header(h).size(), kStateHeaderBytes);
  EXPECT_FALSE(r.batch_is_ms);
  EXPECT_EQ(state_position(r), "3 + 17 batches");
  h.batch_is_ms = true;
  const StateHeader ms = read_state_header(write("ms.state", h, "x"));
  EXPECT_TRUE(ms.batch_is_ms);
  EXPECT_EQ(state_position(ms), "3 + 17 ms");
  h.batch = 0;
  EXPECT_EQ(state_position(h), "3");
  // The trial's key values ride after the header: rank 0 hands a TPE trial out again from them.
  h.params = params_text({{"learning_rate", "0.003"}, {"model", "cnn"}, {"data_dir", "/a=b"}});
  const StateHeader p = read_state_header(write("p.state", h, "payload"));
  EXPECT_EQ(parse_params(p.params),
            (std::vector<std::pair<std::string, std::string>>{
                {"learning_rate", "0.003"}, {"model", "cnn"}, {"data_dir", "/a=b"}}));
  EXPECT_EQ(p.payload_bytes, 7u);
}

TEST_F(StateFile, TruncatedLongerForeignAndOtherFormatsAreRefusedNamingTheFile) {
  StateHeader h;
  h.trial_id = 42;
  const std::string path = write("a.state", h, std::string(100, 'x'));
  std::filesystem::resize_file(path, kStateHeaderBytes + 99);
  EXPECT_NE(message_of([&] { read_state_header(path); })
                .find(path + ": cannot read the training state (truncated: 155 bytes, 156 "
                             "expected)"),
            std::string::npos);
  std::filesystem::resize_file(path, 20);
  EXPECT_NE(message_of([&] { read_state_header(path); }).find("(truncated: 20 bytes)"),
            std::string::npos);
  write("b.state", h, "abc");
  std::ofstream(dir_ + "/b.state", std::ios::app) << "more";
  EXPECT_NE(
      message_of([&] { read_state_header(dir_ + "/b.state"); }).find("longer than its header says"),
      std::string::npos);
  std::ofstream(dir_ + "/c.state") << "PK\x03\x04 an archive of format 1 or 2";
  EXPECT_NE(message_of([&] {
              read_state_header(dir_ + "/c.state");
            }).find("another format (an earlier one; this sweep reads 3)"),
            std::string::npos);
  std::ofstream(dir_ + "/d.state") << "some text that is no state file at all, long enough ....";
  EXPECT_NE(message_of([&] {
              read_state_header(dir_ + "/d.state");
            }).find("not a training state of sweep"),
            std::string::npos);
  EXPECT_NE(message_of([&] { read_state_header(dir_ + "/none.state"); }).find("no such file"),
            std::string::npos);
}

TEST_F(StateFile, ChecksumSeesOneFlippedBitAnywhere) {
  std::string bytes(1000, '\0');
  for (std::size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<char>(i * 7);
  const std::uint64_t base = state_checksum(bytes.data(), bytes.size());
  for (std::size_t i = 0; i < bytes.size(); i += 37) {
    std::string b = bytes;
    b[i] = static_cast<char>(b[i] ^ 1);
    EXPECT_NE(state_checksum(b.data(), b.size()), base) << "byte " << i;
  }
  EXPECT_NE(state_checksum(bytes.data(), 999), base);  // the length counts
}

TEST_F(StateFile, NamesAndListingTellEachTrialAndWhyAStateCannotBeUsed) {
  EXPECT_EQ(state_file_name(0x2a), "000000000000002a.state");
  EXPECT_EQ(trial_of_state_file("000000000000002a.state"), 0x2aULL);
  EXPECT_EQ(trial_of_state_file("000000000000002a.state.part"), std::nullopt);
  EXPECT_EQ(trial_of_state_file("000000000000002A.state"), std::nullopt);
  EXPECT_EQ(trial_of_state_file("x.state"), std::nullopt);
  EXPECT_EQ(state_dir_of("a/b.h5"), "a/b.h5.state");
  StateHeader h;
  h.trial_id = 7;
  h.epoch = 2;
  write(state_file_name(7), h, "payload");
  h.trial_id = 8;
  write(state_file_name(9), h, "payload");  // a file named for another trial than it holds
  std::ofstream(dir_ + "/" + state_file_name(5)) << "garbage";
  std::ofstream(dir_ + "/" + state_file_name(7) + ".part") << "half";
  const std::vector<FoundState> found = list_states(dir_);
  ASSERT_EQ(found.size(), 3u);
  EXPECT_EQ(found[0].trial_id, 5u);
  EXPECT_FALSE(found[0].header);
  EXPECT_NE(found[0].error.find(state_file_name(5)), std::string::npos) << found[0].error;
  EXPECT_EQ(found[1].trial_id, 7u);
  ASSERT_TRUE(found[1].header);
  EXPECT_EQ(found[1].header->epoch, 2);
  EXPECT_FALSE(found[2].header);
  EXPECT_NE(found[2].error.find("another trial"), std::string::npos) << found[2].error;
  EXPECT_TRUE(list_states(dir_ + "/missing").empty());
}

}  // namespace
}  // namespace sweep
