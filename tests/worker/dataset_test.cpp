#include "worker/dataset.h"

#include <gtest/gtest.h>

#include "test_files.h"

namespace sweep::worker {
namespace {

TEST(ImageSet, InMemoryAndStreamedGiveTheSameNormalizedRows) {
  const RawImages raw = test::synthetic_images(20, 3, 9);
  torch::Tensor labels = torch::tensor(raw.labels, torch::kInt64);
  torch::Tensor pixels =
      torch::from_blob(const_cast<std::uint8_t*>(raw.pixels.data()), {20, 1, 28, 28}, torch::kUInt8)
          .clone();
  const ImageSet memory(pixels, labels);
  int reads = 0;
  const ImageSet streamed(
      {1, 28, 28},
      [&](const std::vector<std::int64_t>& rows) {
        ++reads;
        std::vector<std::uint8_t> out;
        for (std::int64_t r : rows) {
          out.insert(out.end(), raw.pixels.begin() + r * 784, raw.pixels.begin() + (r + 1) * 784);
        }
        return out;
      },
      labels);
  EXPECT_EQ(memory.size(), 20);
  EXPECT_EQ(streamed.size(), 20);
  const auto [mean, sd] = memory.pixel_stats();
  EXPECT_EQ(streamed.pixel_stats(), memory.pixel_stats());
  EXPECT_GT(reads, 0);
  const torch::Tensor all = images_to_tensor(raw, mean, sd);
  const torch::Tensor idx = torch::tensor({7, 2, 19}, torch::kInt64);
  EXPECT_TRUE(torch::equal(memory.rows(idx, mean, sd), all.index_select(0, idx)));
  EXPECT_TRUE(torch::equal(streamed.rows(idx, mean, sd), all.index_select(0, idx)));
  EXPECT_TRUE(torch::equal(memory.range(5, 4, mean, sd), all.narrow(0, 5, 4)));
  EXPECT_TRUE(torch::equal(streamed.range(5, 4, mean, sd), all.narrow(0, 5, 4)));
  EXPECT_FALSE(ImageSet().defined());
}

}  // namespace
}  // namespace sweep::worker
