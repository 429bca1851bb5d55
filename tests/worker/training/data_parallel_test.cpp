// The pieces of data-parallel training that need no MPI: the batch slices, the loss
// normalization that makes the members' summed gradients the one-rank gradient, and the
// gradient reducer's buckets, with a group faked in process.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <vector>

#include "worker/training/gradient_reducer.h"
#include "worker/training/trial_training.h"

namespace sweep::worker {
namespace {

// A group of `size` members in one process: sums multiply by `size`, as if every member
// had the same values; records the sizes of the sums in the order they were started.
class FakeGroup : public TrialGroup {
 public:
  explicit FakeGroup(int size) : size_(size) {}
  int rank() const override { return 0; }
  int size() const override { return size_; }
  void sum(double* data, std::size_t n) override {
    for (std::size_t i = 0; i < n; ++i) data[i] *= size_;
  }
  class Done : public PendingSum {
   public:
    void wait() override {}
  };
  std::unique_ptr<PendingSum> start_sum(float* data, std::size_t n) override {
    started.push_back(n);
    for (std::size_t i = 0; i < n; ++i) data[i] *= static_cast<float>(size_);
    return std::make_unique<Done>();
  }
  std::unique_ptr<PendingSum> start_sum_doubles(double* data, std::size_t n) override {
    sum(data, n);
    return std::make_unique<Done>();
  }
  void progress() override {}
  std::string agree(const std::string& failure) override { return failure; }
  std::vector<std::size_t> started;

 private:
  int size_;
};

TEST(DataParallel, MemberSlicesCoverTheBatchOnce) {
  for (std::int64_t len : {1, 7, 64}) {
    for (int size : {1, 2, 3, 4}) {
      std::int64_t next = 0;
      for (int r = 0; r < size; ++r) {
        const auto [first, count] = member_slice(len, r, size);
        EXPECT_EQ(first, next);
        EXPECT_GE(count, 0);
        EXPECT_LE(count, (len + size - 1) / size);
        next = first + count;
      }
      EXPECT_EQ(next, len);
    }
  }
}

TEST(DataParallel, SliceLossesOverTheWholeBatchNormalizerSumToTheMeanLoss) {
  // With class weights and label smoothing the mean divides by the batch's summed target
  // weights; each member's summed slice loss over that is its share, and the shares add up.
  torch::manual_seed(3);
  torch::Tensor logits = torch::randn({10, 4});
  torch::Tensor y = torch::randint(0, 4, {10}, torch::kInt64);
  torch::Tensor w = torch::tensor({0.5, 1.0, 2.0, 0.1}, torch::kFloat32);
  namespace F = torch::nn::functional;
  const double mean =
      F::cross_entropy(logits, y, F::CrossEntropyFuncOptions().weight(w).label_smoothing(0.1))
          .item<double>();
  const double norm = w.index_select(0, y).sum().item<double>();
  double shares = 0;
  for (int r = 0; r < 3; ++r) {
    const auto [first, count] = member_slice(10, r, 3);
    shares +=
        F::cross_entropy(
            logits.narrow(0, first, count), y.narrow(0, first, count),
            F::CrossEntropyFuncOptions().weight(w).label_smoothing(0.1).reduction(torch::kSum))
            .item<double>() /
        norm;
  }
  EXPECT_NEAR(shares, mean, 1e-6 * mean);
}

TEST(DataParallel, TheReducerSumsEveryGradientInBucketsStartedInOrder) {
  torch::manual_seed(1);
  torch::nn::Sequential net(torch::nn::Linear(20, 30), torch::nn::ReLU(), torch::nn::Linear(30, 5));
  torch::Tensor x = torch::randn({8, 20});
  auto loss_of = [&] { return net->forward(x).pow(2).mean(); };
  loss_of().backward();
  std::vector<torch::Tensor> alone;
  for (const auto& p : net->parameters()) alone.push_back(p.grad().clone());
  for (auto& p : net->parameters()) p.mutable_grad() = torch::Tensor();

  FakeGroup group(2);
  // How many sums had started when the first layer's weight got its gradient (a hook put
  // before the reducer's, so it sees the moment before that gradient's own bucket starts).
  std::size_t started_before_first_layer = 0;
  net->parameters()[0].register_hook(
      [&](const torch::Tensor&) { started_before_first_layer = group.started.size(); });
  GradientReducer reducer(net->parameters(), group, 64);  // small buckets: several of them
  EXPECT_EQ(reducer.buckets(), 3u);  // {bias 2, weight 2}, {bias 1}, {weight 1}
  reducer.begin();
  loss_of().backward();
  // The overlap: every bucket started inside backward, the last layer's before the first
  // layer's gradient was computed.
  EXPECT_EQ(reducer.started_in_backward(), reducer.buckets());
  EXPECT_GE(started_before_first_layer, 1u);
  reducer.finish();
  const auto params = net->parameters();
  for (std::size_t k = 0; k < params.size(); ++k) {
    EXPECT_TRUE(torch::allclose(params[k].grad(), alone[k] * 2)) << k;
  }
  // The buckets were started in their order, built from the last parameter: the first holds
  // the last layer's bias (5) and weight (150, which fills it past 64 bytes) and 2 flags.
  ASSERT_EQ(group.started.size(), reducer.buckets());
  EXPECT_EQ(group.started.front(), 5u + 150 + 2);

  // A member with no rows in a batch takes part with zeros and sums the others' gradients.
  group.started.clear();
  for (auto& p : net->parameters()) p.mutable_grad().zero_();
  reducer.begin();
  reducer.finish();
  EXPECT_EQ(group.started.size(), reducer.buckets());
  for (const auto& p : net->parameters()) EXPECT_EQ(p.grad().abs().sum().item<double>(), 0.0);
}

TEST(DataParallel, BucketsHoldAbout1MiBByDefault) {
  // docs/performance.md: the gradients are summed in buckets of about 1 MiB. Four parameters
  // of 512 KiB each: two to a bucket (a bucket is closed once it holds 1 MiB or more).
  std::vector<torch::Tensor> params;
  for (int k = 0; k < 4; ++k) params.push_back(torch::zeros({128, 1024}, torch::requires_grad()));
  FakeGroup group(2);
  GradientReducer reducer(params, group);
  EXPECT_EQ(reducer.buckets(), 2u);
  reducer.finish();
  ASSERT_EQ(group.started.size(), 2u);
  EXPECT_EQ(group.started[0], 2u * 128 * 1024 + 2);  // two gradients and their two flags
}

}  // namespace
}  // namespace sweep::worker
