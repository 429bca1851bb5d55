#include "sweep/data/mistake_images.h"

#include <gtest/gtest.h>

#include "core/keys.h"

namespace sweep {
namespace {

TEST(Base64, Rfc4648Vectors) {
  EXPECT_EQ(base64(""), "");
  EXPECT_EQ(base64("f"), "Zg==");
  EXPECT_EQ(base64("fo"), "Zm8=");
  EXPECT_EQ(base64("foo"), "Zm9v");
  EXPECT_EQ(base64("foob"), "Zm9vYg==");
  EXPECT_EQ(base64("fooba"), "Zm9vYmE=");
  EXPECT_EQ(base64("foobar"), "Zm9vYmFy");
  EXPECT_EQ(base64(std::string("\xff\xfe\x00", 3)), "//4A");
}

TEST(MistakeImageReader, AMissingDataSetGivesANoteNotAnError) {
  results::StoredTrial t;
  for (const auto& k : known_keys()) t.params.emplace_back(k.name, k.default_value);
  for (auto& [k, v] : t.params) {
    if (k == "dataset") v = "mnist";
    if (k == "data_dir") v = "/nonexistent/digits";
    if (k == "num_classes") v = "10";
  }
  t.result.eval_split = "test";
  t.result.mistakes = {{3, 1, 7, 0.9}};
  MistakeImageReader reader;
  const results::MistakeImages got = reader(t);
  EXPECT_TRUE(got.images.empty());
  EXPECT_NE(got.note.find("/nonexistent/digits"), std::string::npos) << got.note;
  EXPECT_NE(got.note.find("without images"), std::string::npos) << got.note;
}

}  // namespace
}  // namespace sweep
