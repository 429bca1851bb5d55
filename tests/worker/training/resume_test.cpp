// A trial resumed from its state (FILE.h5.state/TRIALID.state) after a kill between epochs, a
// stop inside an epoch, or with a corrupt state, against the same trial run uninterrupted: the
// same epoch rows, metrics and confusion, to the last bit (one thread, as the sweep's promise).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "../test_files.h"
#include "core/state_file.h"
#include "sweep/grid/grid.h"
#include "worker/worker.h"

namespace sweep::worker {
namespace {

class Resume : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    configure_runtime(1);
    dir_ = new std::string(test::make_temp_dir("resume"));
    test::write_idx_set(*dir_, test::synthetic_images(600, 3, 1), test::synthetic_images(150, 3, 2),
                        true);
  }
  // 3 epochs of 15 batches, with what draws random numbers inside an epoch (dropout,
  // augmentation) and what a state must carry across epochs (a per-batch schedule, Adam, the
  // best epoch's weights).
  static TrialSpec trial() {
    Grid g = parse_grid_text("dataset = idx\ndata_dir = " + *dir_ +
                                 "\nepochs = 3\nfilters = 4\ndense_units = 16\nbatch_size = 32\n"
                                 "val_split = 0.2\nlearning_rate = 0.003\ndropout = 0.3\n"
                                 "hflip = true\nrotation = 10\nschedule = cosine\n",
                             "t.ini");
    return expand(g).specs().front();
  }
  // Stops at the start of the `n`th batch (counting from 1 over the whole trial).
  static StopCheck stop_at(int n) {
    auto calls = std::make_shared<int>(0);
    return [calls, n] { return ++*calls >= n; };
  }
  // A span whose state file `name` does not exist yet.
  static TrainSpan fresh_span(const std::string& name) {
    TrainSpan span;
    span.state = *dir_ + "/" + name;
    std::filesystem::remove(span.state);
    return span;
  }
  static void expect_same(const TrialResult& a, const TrialResult& b) {
    ASSERT_EQ(a.status, Status::kOk) << a.message;
    ASSERT_EQ(a.epochs.size(), b.epochs.size());
    for (std::size_t i = 0; i < a.epochs.size(); ++i) {
      EXPECT_EQ(a.epochs[i].epoch, b.epochs[i].epoch);
      EXPECT_EQ(a.epochs[i].train_loss, b.epochs[i].train_loss) << "epoch " << i + 1;
      EXPECT_EQ(a.epochs[i].train_acc, b.epochs[i].train_acc) << "epoch " << i + 1;
      EXPECT_EQ(a.epochs[i].val_loss, b.epochs[i].val_loss) << "epoch " << i + 1;
      EXPECT_EQ(a.epochs[i].val_acc, b.epochs[i].val_acc) << "epoch " << i + 1;
    }
    EXPECT_EQ(a.val_loss, b.val_loss);
    EXPECT_EQ(a.test_loss, b.test_loss);
    EXPECT_EQ(a.test_acc, b.test_acc);
    EXPECT_EQ(a.best_epoch, b.best_epoch);
    EXPECT_EQ(a.confusion, b.confusion);
    EXPECT_EQ(a.epochs_run, b.epochs_run);
  }
  static std::string* dir_;
};
std::string* Resume::dir_ = nullptr;

TEST_F(Resume, AfterAKillBetweenEpochsTheTrialTrainsOnlyTheRestAndEndsTheSame) {
  DataCache cache;
  WorkerContext ctx;
  const TrialSpec t = trial();
  const TrialResult whole = run_trial(t, cache, ctx);
  ASSERT_EQ(whole.status, Status::kOk) << whole.message;
  const TrainSpan span = fresh_span(state_file_name(t.trial_id));
  // What a kill -9 at the start of epoch 3 leaves: the state written after epoch 2.
  const TrialResult cut = run_trial(t, cache, ctx, stop_at(31), span);
  ASSERT_EQ(cut.status, Status::kAbandoned) << cut.message;
  EXPECT_NE(cut.message.find("continues from its state at epoch 2"), std::string::npos)
      << cut.message;
  EXPECT_EQ(read_state_header(span.state).epoch, 2);
  EXPECT_EQ(read_state_header(span.state).batch, 0);
  const TrialResult resumed = run_trial(t, cache, ctx, nullptr, span);
  expect_same(resumed, whole);
  EXPECT_EQ(resumed.epochs_restored, 2);
}

TEST_F(Resume, AStopInsideAnEpochSavesThatBatchAndTheRestDrawsTheSameRandomNumbers) {
  DataCache cache;
  WorkerContext ctx;
  const TrialSpec t = trial();
  const TrialResult whole = run_trial(t, cache, ctx);
  const TrainSpan span = fresh_span("mid.state");
  // Stopped before batch 4 of epoch 2, and again before batch 11 of epoch 3 of the resumed run.
  const TrialResult first = run_trial(t, cache, ctx, stop_at(19), span);
  ASSERT_EQ(first.status, Status::kAbandoned) << first.message;
  EXPECT_NE(first.message.find("abandoned at epoch 2, batch 4"), std::string::npos)
      << first.message;
  EXPECT_NE(first.message.find("saved there"), std::string::npos) << first.message;
  EXPECT_EQ(read_state_header(span.state).epoch, 1);
  EXPECT_EQ(read_state_header(span.state).batch, 3);
  const TrialResult second = run_trial(t, cache, ctx, stop_at(12 + 10 + 1), span);
  ASSERT_EQ(second.status, Status::kAbandoned) << second.message;
  EXPECT_EQ(read_state_header(span.state).epoch, 2);
  EXPECT_EQ(read_state_header(span.state).batch, 10);
  const TrialResult resumed = run_trial(t, cache, ctx, nullptr, span);
  expect_same(resumed, whole);
  EXPECT_EQ(resumed.epochs_restored, 2);
}

TEST_F(Resume, ACorruptStateIsToldAndTheTrialTrainsFromTheStart) {
  DataCache cache;
  WorkerContext ctx;
  const TrialSpec t = trial();
  const TrialResult whole = run_trial(t, cache, ctx);
  const TrainSpan span = fresh_span("corrupt.state");
  ASSERT_EQ(run_trial(t, cache, ctx, stop_at(31), span).status, Status::kAbandoned);
  std::ifstream in(span.state, std::ios::binary);
  std::string bytes{std::istreambuf_iterator<char>(in), {}};
  in.close();
  bytes[bytes.size() - 100] = static_cast<char>(bytes[bytes.size() - 100] ^ 1);
  std::ofstream(span.state, std::ios::binary | std::ios::trunc).write(bytes.data(), bytes.size());
  testing::internal::CaptureStderr();
  const TrialResult again = run_trial(t, cache, ctx, nullptr, span);
  const std::string err = testing::internal::GetCapturedStderr();
  EXPECT_NE(err.find(span.state + ": the training state is corrupt"), std::string::npos) << err;
  EXPECT_NE(err.find("it trains from the start"), std::string::npos) << err;
  expect_same(again, whole);
  EXPECT_EQ(again.epochs_restored, 0);
  // A state of another trial likewise: told, never loaded.
  const TrialSpec other = [] {
    Grid g = parse_grid_text("dataset = idx\ndata_dir = " + *dir_ +
                                 "\nepochs = 3\nfilters = 4\ndense_units = 16\nbatch_size = 32\n"
                                 "val_split = 0.2\nlearning_rate = 0.004\n",
                             "o.ini");
    return expand(g).specs().front();
  }();
  std::filesystem::remove(span.state);  // the run above wrote its own states
  ASSERT_EQ(run_trial(t, cache, ctx, stop_at(31), span).status, Status::kAbandoned);
  testing::internal::CaptureStderr();
  const TrialResult o = run_trial(other, cache, ctx, nullptr, span);
  const std::string why = testing::internal::GetCapturedStderr();
  EXPECT_EQ(o.status, Status::kOk) << o.message;
  EXPECT_EQ(o.epochs_restored, 0);
  EXPECT_NE(why.find("holds the state of trial"), std::string::npos) << why;
}

TEST_F(Resume, WithStatesOnlyAtAStopAStopBetweenEpochsSavesTheEpochBefore) {
  DataCache cache;
  WorkerContext ctx;
  Grid g = parse_grid_text("dataset = idx\ndata_dir = " + *dir_ +
                               "\nepochs = 3\nfilters = 4\ndense_units = 16\nbatch_size = 32\n"
                               "val_split = 0.2\nlearning_rate = 0.003\nstate_every = 0\n",
                           "z.ini");
  const TrialSpec t = expand(g).specs().front();
  const TrialResult whole = run_trial(t, cache, ctx);
  const TrainSpan span = fresh_span("zero.state");
  // state_every = 0 writes nothing between epochs; a stop before epoch 3's first batch finds the
  // weights of epoch 2 and saves them.
  const TrialResult cut = run_trial(t, cache, ctx, stop_at(31), span);
  ASSERT_EQ(cut.status, Status::kAbandoned) << cut.message;
  EXPECT_EQ(read_state_header(span.state).epoch, 2);
  EXPECT_EQ(read_state_header(span.state).batch, 0);
  // The resumed trial tells the epoch hook (median stopping) the restored epochs too, in order.
  std::vector<int> told;
  const EpochHook hook = [&](const EpochMetrics& m) {
    told.push_back(m.epoch);
    return std::string();
  };
  const TrialResult resumed = run_trial(t, cache, ctx, nullptr, span, hook);
  expect_same(resumed, whole);
  EXPECT_EQ(told, (std::vector<int>{1, 2}));  // not the last epoch, as for any trial
  // A verdict on the state's epoch ends the trial there, pruned, without training on.
  const EpochHook prune_at_2 = [](const EpochMetrics& m) {
    return m.epoch == 2 ? std::string("pruned at 2") : std::string();
  };
  const TrialResult pruned = run_trial(t, cache, ctx, nullptr, span, prune_at_2);
  EXPECT_EQ(pruned.status, Status::kPruned) << pruned.message;
  EXPECT_EQ(pruned.epochs_run, 2);
  EXPECT_EQ(pruned.epochs_restored, 2);
}

TEST_F(Resume, StateMinutesSavesInsideEpochsAndAKillThereLosesOnlyTheBatchesSince) {
  DataCache cache;
  WorkerContext ctx;
  Grid g = parse_grid_text("dataset = idx\ndata_dir = " + *dir_ +
                               "\nepochs = 3\nfilters = 4\ndense_units = 16\nbatch_size = 32\n"
                               "val_split = 0.2\nlearning_rate = 0.003\ndropout = 0.3\n"
                               "hflip = true\nstate_every = 0\nstate_minutes = 0.00001\n",
                           "m.ini");
  const TrialSpec t = expand(g).specs().front();
  const TrialResult whole = run_trial(t, cache, ctx);
  const TrainSpan span = fresh_span("minutes.state");
  // Every batch is past the 0.6 ms mark: the trial saves before each; what is left when it ends
  // (a kill right after its last batch) is a state inside the last epoch.
  ASSERT_EQ(run_trial(t, cache, ctx, nullptr, span).status, Status::kOk);
  const StateHeader h = read_state_header(span.state);
  EXPECT_EQ(h.epoch, 2);
  EXPECT_EQ(h.batch, 14);  // before the last of 15 batches
  const TrialResult resumed = run_trial(t, cache, ctx, nullptr, span);
  expect_same(resumed, whole);
  EXPECT_EQ(resumed.epochs_restored, 2);
}

}  // namespace
}  // namespace sweep::worker
