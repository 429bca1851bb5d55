#include "worker/tensors/dataset.h"

#include <gtest/gtest.h>

#include "../test_files.h"

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
  const Normalization n = memory.pixel_stats();
  ASSERT_EQ(n.mean.size(), 1u);
  EXPECT_EQ(streamed.pixel_stats().mean, n.mean);
  EXPECT_EQ(streamed.pixel_stats().stddev, n.stddev);
  EXPECT_GT(reads, 0);
  const torch::Tensor all = images_to_tensor(raw, n);
  const torch::Tensor idx = torch::tensor({7, 2, 19}, torch::kInt64);
  EXPECT_TRUE(torch::equal(memory.rows(idx, n), all.index_select(0, idx)));
  EXPECT_TRUE(torch::equal(streamed.rows(idx, n), all.index_select(0, idx)));
  EXPECT_TRUE(torch::equal(memory.range(5, 4, n), all.narrow(0, 5, 4)));
  EXPECT_TRUE(torch::equal(streamed.range(5, 4, n), all.narrow(0, 5, 4)));
  EXPECT_FALSE(ImageSet().defined());
}

TEST(ImageSet, ColorStatisticsPerChannelAreTheSameStreamed) {
  torch::manual_seed(9);
  // 600 images (more than one block of streamed reads), each channel at its own level.
  torch::Tensor pixels = torch::randint(0, 64, {600, 3, 4, 4}, torch::kUInt8);
  pixels.select(1, 0).add_(180);
  pixels.select(1, 2).add_(90);
  const torch::Tensor labels = torch::zeros({600}, torch::kInt64);
  const ImageSet memory(pixels, labels);
  const ImageSet streamed(
      {3, 4, 4},
      [&](const std::vector<std::int64_t>& rows) {
        torch::Tensor b = pixels.index_select(0, torch::tensor(rows, torch::kInt64)).contiguous();
        return std::vector<std::uint8_t>(b.data_ptr<std::uint8_t>(),
                                         b.data_ptr<std::uint8_t>() + b.numel());
      },
      labels);
  const Normalization n = memory.pixel_stats();
  ASSERT_EQ(n.mean.size(), 3u);
  EXPECT_EQ(streamed.pixel_stats().mean, n.mean);
  EXPECT_EQ(streamed.pixel_stats().stddev, n.stddev);
  const torch::Tensor unit = pixels.to(torch::kFloat64) / 255;
  for (int c = 0; c < 3; ++c) {
    EXPECT_NEAR(n.mean[c], unit.select(1, c).mean().item<double>(), 1e-9) << c;
    EXPECT_NEAR(n.stddev[c], unit.select(1, c).std(false).item<double>(), 1e-9) << c;
  }
  EXPECT_GT(n.mean[0], n.mean[2]);
  EXPECT_GT(n.mean[2], n.mean[1]);
  const torch::Tensor idx = torch::tensor({3, 599, 0}, torch::kInt64);
  EXPECT_TRUE(torch::equal(streamed.rows(idx, n), memory.rows(idx, n)));
  EXPECT_NEAR(memory.range(0, 600, n).select(1, 1).mean().item<double>(), 0, 1e-4);
}

}  // namespace
}  // namespace sweep::worker
