#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>

#include "../test_files.h"
#include "core/errors.h"
#include "core/state_file.h"
#include "sweep/grid/grid.h"
#include "worker/predict/predict.h"
#include "worker/worker.h"

namespace sweep::worker {
namespace {

class RunTrial : public ::testing::Test {
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
    return expand(g).specs();
  }
  static std::string* dir_;
};
std::string* RunTrial::dir_ = nullptr;

TEST_F(RunTrial, LearnsAndRecordsEverything) {
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
  // The most confident mistakes (at most the key's 32): wrong, on test rows, most confident
  // first, as many as the confusion matrix's off-diagonal cells when fewer.
  std::int64_t wrong = total - r.confusion[0] - r.confusion[4] - r.confusion[8];
  EXPECT_EQ(static_cast<std::int64_t>(r.mistakes.size()), std::min<std::int64_t>(wrong, 32));
  for (std::size_t i = 0; i < r.mistakes.size(); ++i) {
    const Mistake& m = r.mistakes[i];
    EXPECT_NE(m.true_label, m.predicted);
    EXPECT_TRUE(m.row >= 0 && m.row < 150) << m.row;
    EXPECT_GT(m.probability, 1.0 / 3 - 1e-9);  // the largest of 3 probabilities
    if (i > 0) {
      EXPECT_LE(m.probability, r.mistakes[i - 1].probability);
    }
  }
  EXPECT_FALSE(std::isnan(r.macro_f1));
  // Calibration on the test set: a model that is right over 90% of the time and sure of it.
  EXPECT_TRUE(r.ece >= 0 && r.ece < 0.5) << r.ece;
  EXPECT_TRUE(r.brier >= 0 && r.brier < 0.5) << r.brier;
  EXPECT_GT(r.train_samples_per_s, 0);
  EXPECT_EQ(r.rank, 4);
  EXPECT_EQ(r.host, "hostA");
  EXPECT_EQ(r.device, "cpu");
}

TEST_F(RunTrial, SameTrialSameMetricsAndDataLoadedOnce) {
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

TEST_F(RunTrial, TheMemoryFormatIsRecordedAndKeepsTrialsReproducible) {
  DataCache cache;
  const TrialSpec cl = trials({{"memory_format", "channels_last"}, {"epochs", "3"}}).front();
  const TrialSpec nchw = trials({{"memory_format", "contiguous"}, {"epochs", "3"}}).front();
  EXPECT_EQ(cl.trial_id, nchw.trial_id);  // not part of what a trial means
  const TrialResult a = run_trial(cl, cache, {});
  const TrialResult a2 = run_trial(cl, cache, {});
  const TrialResult b = run_trial(nchw, cache, {});
  ASSERT_EQ(a.status, Status::kOk) << a.message;
  ASSERT_EQ(b.status, Status::kOk) << b.message;
  EXPECT_EQ(a.memory_format, "channels_last");
  EXPECT_EQ(b.memory_format, "contiguous");
  EXPECT_EQ(a.test_loss, a2.test_loss);  // same trial, same threads, same setting
  EXPECT_EQ(a.epochs[1].train_loss, a2.epochs[1].train_loss);
  EXPECT_NEAR(a.epochs[0].train_loss, b.epochs[0].train_loss, 1e-3);  // sums in another order
  EXPECT_NEAR(a.test_acc, b.test_acc, 0.05);  // the same trial, trained as well
  EXPECT_GT(a.test_acc, 0.9);
}

TEST_F(RunTrial, SubsetAndNoValidation) {
  DataCache cache;
  TrialResult r = run_trial(trials({{"train_subset", "90"}, {"val_split", "0"}}).front(), cache,
                            WorkerContext{});
  ASSERT_EQ(r.status, Status::kOk) << r.message;
  EXPECT_TRUE(std::isnan(r.val_acc));
  EXPECT_TRUE(std::isnan(r.epochs[0].val_loss));
  EXPECT_NEAR(r.epochs[0].train_acc * 90, std::round(r.epochs[0].train_acc * 90), 1e-9);
}

TEST_F(RunTrial, FailuresAreResultsNotExceptions) {
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

TEST_F(RunTrial, TrainingInStepsEqualsTrainingInOneGo) {
  DataCache cache;
  WorkerContext ctx;
  // With the per-batch schedule, plateau-free state, augmentation and the best-epoch copy,
  // everything a state file must carry between spans.
  const TrialSpec t = trials({{"epochs", "3"},
                              {"schedule", "cosine"},
                              {"hflip", "true"},
                              {"rotation", "10"},
                              {"brightness", "0.2"}})
                          .front();
  const TrialResult whole = run_trial(t, cache, ctx);
  ASSERT_EQ(whole.status, Status::kOk) << whole.message;
  const std::string state = *dir_ + "/state.pt";
  TrainSpan first;
  first.to_epoch = 1;
  first.state = state;
  first.keep_state = true;
  const TrialResult a = run_trial(t, cache, ctx, nullptr, first);
  ASSERT_EQ(a.status, Status::kOk) << a.message;
  EXPECT_EQ(a.epochs_run, 1);
  EXPECT_DOUBLE_EQ(a.epochs[0].train_loss, whole.epochs[0].train_loss);
  const std::string state1 = *dir_ + "/state1.pt";  // the state at epoch 1, kept aside
  std::filesystem::copy_file(state, state1, std::filesystem::copy_options::overwrite_existing);
  TrainSpan rest;
  rest.from_epoch = 1;
  rest.state = state;
  const TrialResult b = run_trial(t, cache, ctx, nullptr, rest);
  ASSERT_EQ(b.status, Status::kOk) << b.message;
  EXPECT_EQ(b.epochs_run, 3);
  ASSERT_EQ(b.epochs.size(), 2u);
  EXPECT_EQ(b.epochs[0].epoch, 2);
  EXPECT_DOUBLE_EQ(b.epochs[0].train_loss, whole.epochs[1].train_loss);
  EXPECT_DOUBLE_EQ(b.epochs[1].val_loss, whole.epochs[2].val_loss);
  EXPECT_DOUBLE_EQ(b.test_loss, whole.test_loss);
  EXPECT_EQ(b.confusion, whole.confusion);
  EXPECT_EQ(b.epochs_restored, 0);
  // The rest wrote its state at epoch 2 (state_every = 1; none at the last epoch).
  EXPECT_EQ(read_state_header(state).epoch, 2);
  // A state older than the span's start, or none, fails the trial with a message.
  TrainSpan wrong = rest;
  wrong.state = state1;
  wrong.from_epoch = 2;
  const TrialResult w = run_trial(t, cache, ctx, nullptr, wrong);
  EXPECT_EQ(w.status, Status::kFailed);
  EXPECT_NE(w.message.find("holds the state at epoch 1, and this job trains epochs 3..3"),
            std::string::npos)
      << w.message;
  wrong.state = *dir_ + "/missing.pt";
  const TrialResult m = run_trial(t, cache, ctx, nullptr, wrong);
  EXPECT_EQ(m.status, Status::kFailed);
  EXPECT_NE(m.message.find("cannot read the training state"), std::string::npos) << m.message;
  // Another trial's state (same model, another learning rate) is refused, never trained on.
  const TrialSpec other = trials({{"epochs", "3"}, {"learning_rate", "0.004"}}).front();
  const TrialResult o = run_trial(other, cache, ctx, nullptr, rest);
  EXPECT_EQ(o.status, Status::kFailed);
  EXPECT_NE(o.message.find("holds the state of trial"), std::string::npos) << o.message;
}

// test_eval = final: a lower rung's result and a pruned trial's are evaluated on the
// validation split only (their confusion and mistakes too); the final result on the test set,
// as with test_eval = all, and identical to it.
TEST_F(RunTrial, TestEvalFinalKeepsTheTestSetForTheFinalResult) {
  DataCache cache;
  WorkerContext ctx;
  const TrialSpec all = trials({{"epochs", "3"}}).front();
  const TrialSpec final_only = trials({{"epochs", "3"}, {"test_eval", "final"}}).front();
  EXPECT_EQ(all.trial_id, final_only.trial_id);  // not part of the trial id
  const std::string state = *dir_ + "/test_eval.pt";
  TrainSpan rung;
  rung.to_epoch = 1;
  rung.state = state;
  rung.keep_state = true;
  const TrialResult low_all = run_trial(all, cache, ctx, nullptr, rung);
  ASSERT_EQ(low_all.status, Status::kOk) << low_all.message;
  EXPECT_EQ(low_all.eval_split, "test");
  EXPECT_FALSE(std::isnan(low_all.test_acc));
  const TrialResult low = run_trial(final_only, cache, ctx, nullptr, rung);
  ASSERT_EQ(low.status, Status::kOk) << low.message;
  EXPECT_EQ(low.eval_split, "val");
  EXPECT_TRUE(std::isnan(low.test_acc));
  EXPECT_TRUE(std::isnan(low.test_loss));
  EXPECT_DOUBLE_EQ(low.val_acc, low_all.val_acc);
  std::int64_t total = 0;
  for (auto c : low.confusion) total += c;
  EXPECT_EQ(total, 120);  // the validation split: 20% of 600
  for (const Mistake& m : low.mistakes) EXPECT_TRUE(m.row >= 0 && m.row < 600) << m.row;
  TrainSpan top;
  top.from_epoch = 1;
  top.state = state;
  const TrialResult high = run_trial(final_only, cache, ctx, nullptr, top);
  ASSERT_EQ(high.status, Status::kOk) << high.message;
  EXPECT_EQ(high.eval_split, "test");
  const TrialResult whole = run_trial(all, cache, ctx);
  EXPECT_DOUBLE_EQ(high.test_acc, whole.test_acc);
  EXPECT_EQ(high.confusion, whole.confusion);
  // Stopped by the epoch hook (median stopping): pruned, on validation only.
  const EpochHook stop_at_1 = [](const EpochMetrics& m) {
    return m.epoch == 1 ? std::string("stopped") : std::string();
  };
  const TrialResult pruned = run_trial(final_only, cache, ctx, nullptr, {}, stop_at_1);
  EXPECT_EQ(pruned.status, Status::kPruned);
  EXPECT_EQ(pruned.eval_split, "val");
  EXPECT_TRUE(std::isnan(pruned.test_acc));
  const TrialResult pruned_all = run_trial(all, cache, ctx, nullptr, {}, stop_at_1);
  EXPECT_EQ(pruned_all.status, Status::kPruned);
  EXPECT_EQ(pruned_all.eval_split, "test");
  EXPECT_DOUBLE_EQ(pruned_all.val_acc, pruned.val_acc);
}

TEST_F(RunTrial, PlateauAndEarlyStopStateCarriesOverSpans) {
  DataCache cache;
  WorkerContext ctx;
  const TrialSpec t = trials({{"epochs", "4"},
                              {"learning_rate", "0.05"},
                              {"schedule", "plateau"},
                              {"patience", "1"},
                              {"early_stop_patience", "3"}})
                          .front();
  const TrialResult whole = run_trial(t, cache, ctx);
  ASSERT_EQ(whole.status, Status::kOk) << whole.message;
  const std::string state = *dir_ + "/plateau.pt";
  TrainSpan first;
  first.to_epoch = 2;
  first.state = state;
  first.keep_state = true;
  ASSERT_EQ(run_trial(t, cache, ctx, nullptr, first).status, Status::kOk);
  TrainSpan rest;
  rest.from_epoch = 2;
  rest.state = state;
  const TrialResult b = run_trial(t, cache, ctx, nullptr, rest);
  ASSERT_EQ(b.status, Status::kOk) << b.message;
  EXPECT_EQ(b.epochs_run, whole.epochs_run);
  EXPECT_DOUBLE_EQ(b.epochs.back().val_loss, whole.epochs.back().val_loss);
  EXPECT_EQ(b.best_epoch, whole.best_epoch);
  EXPECT_DOUBLE_EQ(b.test_loss, whole.test_loss);
}

TEST_F(RunTrial, FinalMetricsAreThoseOfTheBestValidationEpoch) {
  DataCache cache;
  // A high learning rate makes validation accuracy go up and down.
  const TrialResult r =
      run_trial(trials({{"epochs", "5"}, {"learning_rate", "0.05"}}).front(), cache, {});
  ASSERT_EQ(r.status, Status::kOk) << r.message;
  int best = 0;
  for (const auto& e : r.epochs) {
    if (best == 0 || e.val_acc > r.epochs[best - 1].val_acc) best = e.epoch;
  }
  EXPECT_EQ(r.best_epoch, best);
  EXPECT_DOUBLE_EQ(r.val_acc, r.epochs[best - 1].val_acc);
  EXPECT_DOUBLE_EQ(r.val_loss, r.epochs[best - 1].val_loss);
}

TEST_F(RunTrial, EarlyStoppingEndsAfterPatienceEpochsWithoutImprovement) {
  DataCache cache;
  const TrialResult r = run_trial(
      trials({{"epochs", "12"}, {"learning_rate", "0.05"}, {"early_stop_patience", "1"}}).front(),
      cache, {});
  ASSERT_EQ(r.status, Status::kOk) << r.message;
  ASSERT_LT(r.epochs_run, 12) << "with patience 1 and a noisy rate, some epoch fails to improve";
  // It stopped at the first epoch whose validation loss was not below every earlier one.
  double best = r.epochs[0].val_loss;
  for (std::size_t i = 1; i + 1 < r.epochs.size(); ++i) {
    EXPECT_LT(r.epochs[i].val_loss, best)
        << "epoch " << i + 1 << " did not improve, yet it went on";
    best = r.epochs[i].val_loss;
  }
  EXPECT_GE(r.epochs.back().val_loss, best);
}

TEST_F(RunTrial, EveryModelOptimizerAndLossOptionTrains) {
  DataCache cache;
  const std::vector<std::vector<std::pair<std::string, std::string>>> variants = {
      {{"model", "cnn"}, {"batch_norm", "true"}, {"conv_blocks", "3"}},
      {{"model", "resnet"}, {"width", "0.0625"}},
      {{"model", "vit"}, {"embed_dim", "16"}, {"heads", "2"}, {"mlp_dim", "16"}, {"depth", "1"}},
      {{"optimizer", "sgd"},
       {"learning_rate", "0.05"},
       {"nesterov", "true"},
       {"schedule", "step"},
       {"step_size", "1"}},
      {{"optimizer", "adamw"}, {"weight_decay", "0.01"}, {"schedule", "onecycle"}},
      {{"class_weights", "balanced"},
       {"sampler", "balanced"},
       {"label_smoothing", "0.1"},
       {"grad_clip", "1"}},
      {{"precision", "bf16"}},
      {{"vflip", "true"}, {"translate", "0.1"}, {"contrast", "0.3"}},
  };
  for (const auto& v : variants) {
    std::string name;
    for (const auto& [k, val] : v) name += k + "=" + val + " ";
    const TrialResult r = run_trial(trials(v).front(), cache, {});
    ASSERT_EQ(r.status, Status::kOk) << name << r.message;
    EXPECT_TRUE(std::isfinite(r.test_loss)) << name;
    EXPECT_GT(r.test_acc, 0.5) << name << "(3 classes: chance is 1/3)";
    EXPECT_FALSE(std::isnan(r.qwk)) << name;
  }
}

TEST_F(RunTrial, BinaryTasksGetRocAuc) {
  const std::string dir = test::make_temp_dir("binary");
  test::write_idx_set(dir, test::synthetic_images(300, 2, 3), test::synthetic_images(100, 2, 4),
                      false);
  Grid g = parse_grid_text("dataset = idx\ndata_dir = " + dir +
                               "\nepochs = 2\nfilters = 4\ndense_units = 16\nbatch_size = 32\n",
                           "b.ini");
  DataCache cache;
  const TrialResult r = run_trial(expand(g).front(), cache, {});
  ASSERT_EQ(r.status, Status::kOk) << r.message;
  EXPECT_EQ(r.num_classes, 2);
  EXPECT_GT(r.auc, 0.9);  // two bands are easy to tell apart
  EXPECT_LE(r.auc, 1.0);
  // Multi-class trials have none.
  EXPECT_TRUE(std::isnan(run_trial(trials().front(), cache, {}).auc));
}

TEST_F(RunTrial, KeptCheckpointPredictsTheStoredTestMetrics) {
  DataCache cache;
  TrainSpan span;
  span.checkpoint_to = *dir_ + "/kept/best.pt";
  // In channels-last, as the trial trained: predict rebuilds the model in the same layout.
  const TrialResult r =
      run_trial(trials({{"epochs", "3"}, {"memory_format", "channels_last"}}).front(), cache, {},
                nullptr, span);
  EXPECT_EQ(r.memory_format, "channels_last");
  ASSERT_EQ(r.status, Status::kOk) << r.message;
  EXPECT_EQ(r.checkpoint, span.checkpoint_to);
  const Predictions p = predict_data(span.checkpoint_to, *dir_);
  EXPECT_EQ(p.source, "IDX test set in " + *dir_);
  EXPECT_EQ(p.predicted.size(), 150u);
  EXPECT_EQ(p.epoch, r.best_epoch);
  EXPECT_DOUBLE_EQ(p.accuracy, r.test_acc);
  EXPECT_EQ(p.confusion, r.confusion);
  // The trial's calibration error, computed again here from the kept model's confidences:
  // 15 bins (b/15, (b+1)/15], each |right - summed confidence|, over the images.
  double gap[15] = {};
  for (std::size_t i = 0; i < p.predicted.size(); ++i) {
    const int b = std::clamp(static_cast<int>(std::ceil(p.confidence[i] * 15)) - 1, 0, 14);
    gap[b] += (p.predicted[i] == p.labels[i] ? 1.0 : 0.0) - p.confidence[i];
  }
  double ece = 0;
  for (double g : gap) ece += std::fabs(g);
  EXPECT_NEAR(r.ece, ece / 150, 1e-9);
  EXPECT_TRUE(r.brier >= 0 && r.brier <= 2) << r.brier;
  EXPECT_THROW(predict_data(*dir_ + "/kept/missing.pt", *dir_), DataError);
}

}  // namespace
}  // namespace sweep::worker
