#include "worker/models/cnn.h"

#include <gtest/gtest.h>

namespace sweep::worker {
namespace {

std::int64_t parameters(Cnn& m) {
  std::int64_t n = 0;
  for (const auto& p : m->parameters()) n += p.numel();
  return n;
}

TEST(Cnn, OutputShapeAndParameterCountOnMnist) {
  CnnOptions o;
  o.filters = 32;
  o.dense_units = 128;
  Cnn m(o);
  EXPECT_EQ(m->forward(torch::zeros({5, 1, 28, 28})).sizes(), (std::vector<std::int64_t>{5, 10}));
  // conv 1->32, 32->32, 32->64, 64->64 (3x3 + bias), dense 64*7*7 -> 128, out 128 -> 10.
  const std::int64_t expect = (9 * 1 * 32 + 32) + (9 * 32 * 32 + 32) + (9 * 32 * 64 + 64) +
                              (9 * 64 * 64 + 64) + (64 * 49 * 128 + 128) + (128 * 10 + 10);
  EXPECT_EQ(parameters(m), expect);
}

TEST(Cnn, OtherShapesAndClasses) {
  CnnOptions o;
  o.in_channels = 3;
  o.rows = 32;
  o.cols = 36;
  o.filters = 4;
  o.dense_units = 8;
  o.classes = 5;
  Cnn m(o);
  EXPECT_EQ(m->forward(torch::zeros({2, 3, 32, 36})).sizes(), (std::vector<std::int64_t>{2, 5}));
  o.rows = 3;
  EXPECT_THROW(Cnn{o}, std::invalid_argument);
}

TEST(Cnn, DropoutOnlyInTraining) {
  // Hundreds of active hidden units at p = 0.5: two training passes agree only if every mask
  // bit on them does (about 2^-500), whatever random stream this CPU's kernels draw. With 16
  // units, 4 images and p = 0.9 the masks could agree (about 1 in 600), and did on one CPU.
  torch::manual_seed(7);
  CnnOptions o;
  o.filters = 4;
  o.dense_units = 64;
  o.dropout = 0.5;
  Cnn m(o);
  auto x = torch::randn({16, 1, 28, 28});
  m->eval();
  EXPECT_TRUE(torch::equal(m->forward(x), m->forward(x)));
  m->train();
  EXPECT_FALSE(torch::equal(m->forward(x), m->forward(x)));
}

}  // namespace
}  // namespace sweep::worker
