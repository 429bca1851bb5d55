// Each test-time perturbation on known images: what it must do to the pixels.
#include "worker/tensors/perturb.h"

#include <ATen/CPUGeneratorImpl.h>
#include <gtest/gtest.h>

#include <stdexcept>

namespace sweep::worker {
namespace {

at::Generator gen(std::uint64_t seed) { return at::detail::createCPUGenerator(seed); }

// Pixels in [0.2, 0.6]: brightness and contrast up to 1.5 stay inside [0, 1].
torch::Tensor images(std::int64_t n, std::int64_t c = 3, std::int64_t side = 16) {
  torch::manual_seed(7);
  return torch::rand({n, c, side, side}) * 0.4 + 0.2;
}

TEST(Perturb, NamesAndLevelsAsDocumented) {
  ASSERT_EQ(all_perturbations().size(), 5u);
  for (Perturbation p : all_perturbations()) {
    EXPECT_EQ(parse_perturbation(perturbation_name(p)), p);
  }
  EXPECT_FALSE(parse_perturbation("fog").has_value());
  EXPECT_EQ(perturbation_levels(Perturbation::kBrightness),
            (std::vector<double>{0.2, 0.4, 0.6, 0.8, 1.0, 1.2, 1.5}));
  EXPECT_EQ(perturbation_levels(Perturbation::kNoise), (std::vector<double>{0.02, 0.05, 0.1, 0.2}));
  EXPECT_EQ(perturbation_levels(Perturbation::kBlur), (std::vector<double>{0.5, 1, 2}));
  EXPECT_EQ(perturbation_levels(Perturbation::kRotation), (std::vector<double>{5, 15, 30}));
}

TEST(Perturb, BrightnessScalesEveryPixelAndOneChangesNothing) {
  const torch::Tensor y = images(4);
  at::Generator g = gen(1);
  EXPECT_TRUE(torch::allclose(perturb(y, Perturbation::kBrightness, 0.5, g), y / 2));
  // Exactly the images at 1.0: the clean accuracy, bit for bit.
  EXPECT_TRUE(torch::equal(perturb(y, Perturbation::kBrightness, 1.0, g), y));
  // Above 1, clamped at white.
  EXPECT_LE(perturb(y * 2, Perturbation::kBrightness, 1.5, g).max().item<float>(), 1.0f);
  EXPECT_GT(perturb(y * 2, Perturbation::kBrightness, 1.5, g).max().item<float>(), 0.99f);
}

TEST(Perturb, ContrastKeepsEachImagesMeanAndScalesItsSpread) {
  const torch::Tensor y = images(4);
  at::Generator g = gen(1);
  for (double level : {0.2, 0.6, 1.5}) {
    const torch::Tensor z = perturb(y, Perturbation::kContrast, level, g);
    EXPECT_TRUE(torch::allclose(z.mean({1, 2, 3}), y.mean({1, 2, 3}), 1e-5, 1e-6)) << level;
    EXPECT_TRUE(torch::allclose(z.std({1, 2, 3}), y.std({1, 2, 3}) * level, 1e-4, 1e-6)) << level;
  }
}

TEST(Perturb, NoiseHasTheAskedStandardDeviationAndIsSeeded) {
  const torch::Tensor y = torch::full({8, 1, 64, 64}, 0.5f);  // far from 0 and 1: no clamping
  for (double sd : {0.02, 0.05, 0.1}) {
    at::Generator g = gen(3);
    const torch::Tensor d = perturb(y, Perturbation::kNoise, sd, g) - y;
    EXPECT_NEAR(d.std().item<double>(), sd, 0.03 * sd) << sd;  // 32,768 pixels
    EXPECT_NEAR(d.mean().item<double>(), 0.0, 0.05 * sd) << sd;
  }
  at::Generator a = gen(9), b = gen(9), c = gen(10);
  const torch::Tensor first = perturb(y, Perturbation::kNoise, 0.1, a);
  EXPECT_TRUE(torch::equal(first, perturb(y, Perturbation::kNoise, 0.1, b)));
  EXPECT_FALSE(torch::equal(first, perturb(y, Perturbation::kNoise, 0.1, c)));
}

TEST(Perturb, BlurKeepsFlatImagesAndSpreadsAPoint) {
  at::Generator g = gen(1);
  const torch::Tensor flat = torch::full({2, 3, 12, 12}, 0.4f);
  EXPECT_TRUE(torch::allclose(perturb(flat, Perturbation::kBlur, 2, g), flat, 1e-5, 1e-6));
  torch::Tensor point = torch::zeros({1, 1, 21, 21});
  point[0][0][10][10] = 1;
  const torch::Tensor z = perturb(point, Perturbation::kBlur, 1, g);
  EXPECT_NEAR(z.sum().item<double>(), 1.0, 1e-5);  // the light stays, spread around
  EXPECT_NEAR(z[0][0][10][10].item<double>(), 1 / (2 * 3.14159265 * 1), 0.01);  // the peak
  EXPECT_TRUE(torch::allclose(z, z.flip({2}), 1e-6, 1e-7));                     // symmetric
  EXPECT_TRUE(torch::allclose(z, z.transpose(2, 3), 1e-6, 1e-7));
  EXPECT_EQ(z.sizes(), point.sizes());
  EXPECT_THROW(perturb(point, Perturbation::kBlur, 0, g), std::invalid_argument);
}

TEST(Perturb, RotationByZeroIsTheIdentityAndByNinetyTurnsTheImage) {
  const torch::Tensor y = images(2, 1, 9);
  at::Generator g = gen(1);
  EXPECT_TRUE(torch::allclose(perturb(y, Perturbation::kRotation, 0, g), y, 1e-5, 1e-6));
  // A quarter turn of a square image lands on the pixel grid: a 90-degree rotation of the array.
  const torch::Tensor q = perturb(y, Perturbation::kRotation, 90, g);
  const bool one_way = torch::allclose(q, torch::rot90(y, 1, {2, 3}), 1e-4, 1e-5);
  const bool other_way = torch::allclose(q, torch::rot90(y, -1, {2, 3}), 1e-4, 1e-5);
  EXPECT_TRUE(one_way || other_way);
  // 30 degrees moves pixels, and corners fill with black.
  const torch::Tensor r = perturb(y, Perturbation::kRotation, 30, g);
  EXPECT_FALSE(torch::allclose(r, y, 1e-2, 1e-2));
  EXPECT_LT(r[0][0][0][0].item<float>(), y[0][0][0][0].item<float>());
}

TEST(Perturb, ANegativeLevelIsRefused) {
  at::Generator g = gen(1);
  EXPECT_THROW(perturb(images(1), Perturbation::kNoise, -0.1, g), std::invalid_argument);
}

}  // namespace
}  // namespace sweep::worker
