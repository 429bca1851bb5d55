#include "worker/tensors/augment.h"

#include <ATen/CPUGeneratorImpl.h>
#include <gtest/gtest.h>

namespace sweep::worker {
namespace {

at::Generator gen(std::uint64_t seed) { return at::detail::createCPUGenerator(seed); }

const Normalization kNorm{{0.3}, {0.2}};

// Normalized images with mean 0.3, stddev 0.2 on the pixel scale.
torch::Tensor images(std::int64_t n) {
  torch::manual_seed(5);
  return (torch::rand({n, 1, 8, 8}) - 0.3) / 0.2;
}

TEST(Augment, NothingOnReturnsTheBatchItself) {
  torch::Tensor x = images(4);
  at::Generator g = gen(1);
  EXPECT_TRUE(augment_batch(x, AugmentConfig{}, kNorm, g).is_same(x));
}

TEST(Augment, FlipsGiveEachImageOrItsMirror) {
  torch::Tensor x = images(64);
  AugmentConfig a;
  a.hflip = true;
  at::Generator g = gen(2);
  torch::Tensor y = augment_batch(x, a, kNorm, g);
  int flipped = 0;
  for (std::int64_t i = 0; i < 64; ++i) {
    const bool same = torch::equal(y[i], x[i]);
    const bool mirror = torch::equal(y[i], x[i].flip({2}));
    EXPECT_TRUE(same || mirror) << i;
    flipped += mirror ? 1 : 0;
  }
  EXPECT_GT(flipped, 16);
  EXPECT_LT(flipped, 48);
}

TEST(Augment, SameSeedSameBatchAndShiftsMoveContent) {
  torch::Tensor x = images(8);
  AugmentConfig a;
  a.rotation = 20;
  a.translate = 0.25;
  a.brightness = 0.3;
  a.contrast = 0.3;
  at::Generator g1 = gen(3), g2 = gen(3), g3 = gen(4);
  torch::Tensor y1 = augment_batch(x, a, kNorm, g1);
  torch::Tensor y2 = augment_batch(x, a, kNorm, g2);
  torch::Tensor y3 = augment_batch(x, a, kNorm, g3);
  EXPECT_TRUE(torch::equal(y1, y2));
  EXPECT_FALSE(torch::equal(y1, y3));
  EXPECT_EQ(y1.sizes(), x.sizes());
  // Pixel values stay within [0, 1].
  torch::Tensor pixels = y1 * 0.2 + 0.3;
  EXPECT_GE(pixels.min().item<float>(), -1e-5);
  EXPECT_LE(pixels.max().item<float>(), 1 + 1e-5);
}

TEST(Augment, BrightnessKeepsBlackBlack) {
  torch::Tensor black = torch::full({4, 1, 8, 8}, -0.3 / 0.2);  // pixel 0 normalized
  AugmentConfig a;
  a.brightness = 0.5;
  at::Generator g = gen(6);
  torch::Tensor y = augment_batch(black, a, kNorm, g);
  EXPECT_TRUE(torch::allclose(y, black, 1e-5, 1e-5));
}

TEST(Augment, PerChannelNormalizationKeepsEachChannelsBlackAndRange) {
  const Normalization rgb{{0.5, 0.4, 0.3}, {0.25, 0.2, 0.1}};
  // Pixel 0 in every channel: normalized, each channel has its own value.
  torch::Tensor black = normalize_bytes(torch::zeros({4, 3, 8, 8}, torch::kUInt8), rgb);
  EXPECT_FLOAT_EQ(black[0][0][0][0].item<float>(), -2.0f);
  EXPECT_FLOAT_EQ(black[0][2][0][0].item<float>(), -3.0f);
  AugmentConfig a;
  a.brightness = 0.5;
  a.rotation = 15;
  at::Generator g = gen(7);
  EXPECT_TRUE(torch::allclose(augment_batch(black, a, rgb, g), black, 1e-5, 1e-5));
  torch::manual_seed(8);
  torch::Tensor x = normalize_bytes(torch::randint(0, 256, {6, 3, 8, 8}, torch::kUInt8), rgb);
  a.contrast = 0.4;
  torch::Tensor pixels = to_unit_scale(augment_batch(x, a, rgb, g), rgb);
  EXPECT_GE(pixels.min().item<float>(), -1e-5);
  EXPECT_LE(pixels.max().item<float>(), 1 + 1e-5);
}

}  // namespace
}  // namespace sweep::worker
