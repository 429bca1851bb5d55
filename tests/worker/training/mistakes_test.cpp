#include "worker/training/mistakes.h"

#include <gtest/gtest.h>

namespace sweep::worker {
namespace {

TEST(Mistakes, OnlyWrongPredictionsMostConfidentFirstTiesByRow) {
  // 5 images, 3 classes: rows 10..14.
  const torch::Tensor prob = torch::tensor({{0.7, 0.2, 0.1},    // row 10: true 1, predicted 0
                                            {0.1, 0.8, 0.1},    // row 11: true 1, right
                                            {0.2, 0.2, 0.6},    // row 12: true 0, predicted 2
                                            {0.1, 0.1, 0.8},    // row 13: true 1, predicted 2
                                            {0.05, 0.15, 0.8}}  // row 14: true 0, predicted 2
                                           ,
                                           torch::kFloat32);
  const torch::Tensor labels = torch::tensor({1, 1, 0, 1, 0}, torch::kInt64);
  const torch::Tensor rows = torch::arange(10, 15, torch::kInt64);
  std::vector<Mistake> m;
  add_mistakes(prob, labels, rows, 3, m);
  ASSERT_EQ(m.size(), 3u);
  EXPECT_EQ(m[0].row, 13);  // 0.8, the tie with row 14 goes to the lower row
  EXPECT_EQ(m[1].row, 14);
  EXPECT_EQ(m[2].row, 10);  // 0.7
  EXPECT_EQ(m[0].true_label, 1);
  EXPECT_EQ(m[0].predicted, 2);
  EXPECT_FLOAT_EQ(static_cast<float>(m[2].probability), 0.7f);
  // A second batch adds candidates; the kept set is the same whatever the batching.
  std::vector<Mistake> in_two;
  add_mistakes(prob.narrow(0, 3, 2), labels.narrow(0, 3, 2), rows.narrow(0, 3, 2), 3, in_two);
  add_mistakes(prob.narrow(0, 0, 3), labels.narrow(0, 0, 3), rows.narrow(0, 0, 3), 3, in_two);
  EXPECT_EQ(in_two, m);
  std::vector<Mistake> none;
  add_mistakes(prob, labels, rows, 0, none);
  EXPECT_TRUE(none.empty());
}

TEST(Mistakes, KeepMostConfidentCutsAndOrders) {
  std::vector<Mistake> m = {{5, 0, 1, 0.5}, {2, 0, 1, 0.9}, {1, 1, 0, 0.5}, {9, 1, 0, 0.6}};
  keep_most_confident(m, 3);
  ASSERT_EQ(m.size(), 3u);
  EXPECT_EQ(m[0].row, 2);
  EXPECT_EQ(m[1].row, 9);
  EXPECT_EQ(m[2].row, 1);  // 0.5: row 1 before row 5
}

}  // namespace
}  // namespace sweep::worker
