#include <gtest/gtest.h>

#include <cmath>

#include "sweep/grid.h"
#include "test_files.h"
#include "worker/worker.h"

namespace sweep::worker {
namespace {

class TrainerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    configure_runtime(1);
    dir_ = new std::string(test::make_temp_dir("train"));
    test::write_idx_set(*dir_, test::synthetic_images(600, 3, 1), test::synthetic_images(150, 3, 2),
                        true);
  }
  static std::vector<TrialSpec> trials(
      const std::vector<std::pair<std::string, std::string>>& overrides = {}) {
    Grid g = parse_grid_text("dataset = idx\ndata_dir = " + *dir_ +
                                 "\nepochs = 2\nfilters = 4\ndense_units = 16\nbatch_size = 32\n"
                                 "val_split = 0.2\nlearning_rate = 0.003\n",
                             "t.ini");
    apply_overrides(g, overrides);
    return expand(g);
  }
  static std::string* dir_;
};
std::string* TrainerTest::dir_ = nullptr;

TEST_F(TrainerTest, LearnsAndRecordsEverything) {
  DataCache cache;
  WorkerContext ctx{4, 1, "hostA"};
  // 3 epochs: with 2, one initialization in six (probed with seeds 0-5) is still at 0.7.
  TrialResult r = run_trial(trials({{"epochs", "3"}}).front(), cache, ctx);
  ASSERT_EQ(r.status, Status::kOk) << r.message;
  EXPECT_EQ(r.epochs_run, 3);
  ASSERT_EQ(r.epochs.size(), 3u);
  EXPECT_LT(r.epochs[2].train_loss, r.epochs[0].train_loss);
  EXPECT_GT(r.test_acc, 0.9);  // three bright bands are easy to tell apart
  EXPECT_GT(r.val_acc, 0.9);
  EXPECT_EQ(r.num_classes, 3);
  ASSERT_EQ(r.confusion.size(), 9u);
  std::int64_t total = 0;
  for (auto c : r.confusion) total += c;
  EXPECT_EQ(total, 150);  // the test set
  EXPECT_EQ(r.eval_split, "test");
  EXPECT_FALSE(std::isnan(r.macro_f1));
  EXPECT_GT(r.train_samples_per_s, 0);
  EXPECT_EQ(r.rank, 4);
  EXPECT_EQ(r.host, "hostA");
  EXPECT_EQ(r.device, "cpu");
}

TEST_F(TrainerTest, SameTrialSameMetricsAndDataLoadedOnce) {
  DataCache cache;
  WorkerContext ctx;
  auto t = trials({{"seed", "1,2"}});
  TrialResult a = run_trial(t[0], cache, ctx);
  TrialResult b = run_trial(t[1], cache, ctx);
  TrialResult a2 = run_trial(t[0], cache, ctx);
  EXPECT_EQ(cache.loads(), 1);
  EXPECT_EQ(a.val_loss, a2.val_loss);
  EXPECT_EQ(a.test_loss, a2.test_loss);
  EXPECT_EQ(a.epochs[0].train_loss, a2.epochs[0].train_loss);
  EXPECT_NE(a.epochs[0].train_loss, b.epochs[0].train_loss);  // another seed, another trial
}

TEST_F(TrainerTest, SubsetAndNoValidation) {
  DataCache cache;
  TrialResult r = run_trial(trials({{"train_subset", "90"}, {"val_split", "0"}}).front(), cache,
                            WorkerContext{});
  ASSERT_EQ(r.status, Status::kOk) << r.message;
  EXPECT_TRUE(std::isnan(r.val_acc));
  EXPECT_TRUE(std::isnan(r.epochs[0].val_loss));
  EXPECT_NEAR(r.epochs[0].train_acc * 90, std::round(r.epochs[0].train_acc * 90), 1e-9);
}

TEST_F(TrainerTest, FailuresAreResultsNotExceptions) {
  DataCache cache;
  auto spec = trials().front();
  for (auto& kv : spec.params) {
    if (kv.first == "data_dir") kv.second = "/nonexistent";
  }
  TrialResult r = run_trial(spec, cache, WorkerContext{});
  EXPECT_EQ(r.status, Status::kFailed);
  EXPECT_NE(r.message.find("no train-images-idx3-ubyte"), std::string::npos) << r.message;
  TrialResult tiny = run_trial(trials({{"train_subset", "2"}, {"val_split", "0.9"}}).front(), cache,
                               WorkerContext{});
  EXPECT_EQ(tiny.status, Status::kFailed);
  EXPECT_NE(tiny.message.find("leaves no training images"), std::string::npos) << tiny.message;
}

TEST_F(TrainerTest, TrainingInStepsEqualsTrainingInOneGo) {
  DataCache cache;
  WorkerContext ctx;
  const TrialSpec t = trials({{"epochs", "3"}}).front();
  const TrialResult whole = run_trial(t, cache, ctx);
  ASSERT_EQ(whole.status, Status::kOk) << whole.message;
  const std::string state = *dir_ + "/state.pt";
  TrainSpan first;
  first.to_epoch = 1;
  first.save_to = state;
  const TrialResult a = run_trial(t, cache, ctx, nullptr, first);
  ASSERT_EQ(a.status, Status::kOk) << a.message;
  EXPECT_EQ(a.epochs_run, 1);
  EXPECT_DOUBLE_EQ(a.epochs[0].train_loss, whole.epochs[0].train_loss);
  TrainSpan rest;
  rest.from_epoch = 1;
  rest.load_from = state;
  const TrialResult b = run_trial(t, cache, ctx, nullptr, rest);
  ASSERT_EQ(b.status, Status::kOk) << b.message;
  EXPECT_EQ(b.epochs_run, 3);
  ASSERT_EQ(b.epochs.size(), 2u);
  EXPECT_EQ(b.epochs[0].epoch, 2);
  EXPECT_DOUBLE_EQ(b.epochs[0].train_loss, whole.epochs[1].train_loss);
  EXPECT_DOUBLE_EQ(b.epochs[1].val_loss, whole.epochs[2].val_loss);
  EXPECT_DOUBLE_EQ(b.test_loss, whole.test_loss);
  EXPECT_EQ(b.confusion, whole.confusion);
  // A state saved at another epoch, or none, fails the trial with a message.
  TrainSpan wrong = rest;
  wrong.from_epoch = 2;
  const TrialResult w = run_trial(t, cache, ctx, nullptr, wrong);
  EXPECT_EQ(w.status, Status::kFailed);
  EXPECT_NE(w.message.find("holds the state at epoch 1, not 2"), std::string::npos) << w.message;
  wrong.load_from = *dir_ + "/missing.pt";
  const TrialResult m = run_trial(t, cache, ctx, nullptr, wrong);
  EXPECT_EQ(m.status, Status::kFailed);
  EXPECT_NE(m.message.find("cannot read the training state"), std::string::npos) << m.message;
}

}  // namespace
}  // namespace sweep::worker
