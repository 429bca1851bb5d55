#include "worker/training/training_state.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>

#include "../test_files.h"
#include "core/errors.h"
#include "worker/config/train_config.h"
#include "worker/training/optimizer.h"

namespace sweep::worker {
namespace {

// A small cnn and its Adam optimizer, after one step so that Adam has state to save.
struct Net {
  Classifier model;
  std::unique_ptr<torch::optim::Optimizer> opt;

  explicit Net(std::uint64_t seed) {
    torch::manual_seed(seed);
    ModelConfig m;
    m.model = "cnn";
    m.filters = 2;
    m.dense_units = 4;
    model = make_model(m, {1, 28, 28, 3});
    TrainConfig c;
    c.optimizer = "adam";
    opt = make_optimizer(c, model->trainable_parameters(), 0.01);
    opt->zero_grad();
    model->forward(torch::rand({2, 1, 28, 28})).sum().backward();
    opt->step();
  }
};

std::vector<torch::Tensor> weights(ClassifierImpl& m) {
  std::vector<torch::Tensor> w;
  for (const auto& p : m.parameters()) w.push_back(p.detach().clone());
  return w;
}

bool same_weights(const std::vector<torch::Tensor>& a, const std::vector<torch::Tensor>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (!torch::equal(a[i], b[i])) return false;
  }
  return true;
}

// A state at epoch 2 of trial `id`, its rows' numbers distinct from each other.
TrainingState state_of(std::uint64_t id, ClassifierImpl& m, torch::optim::Optimizer& opt) {
  TrainingState s;
  s.trial_id = id;
  s.epoch = 2;
  s.position.batch = 7;
  s.position.loss_sum = 1.25;
  s.position.correct = 99;
  s.position.seconds = 4.5;
  s.position.dropout_rng = std::string("\x01\x00\x02", 3);
  s.position.augment_rng = "aug";
  s.schedule = {0.5, 3};
  s.early_stop = {1, 0.25};
  s.best.epoch = 1;
  s.best.val_acc = 0.75;
  s.best.snapshot = snapshot_of(m, opt, 1);
  for (int e = 1; e <= 2; ++e) {
    EpochMetrics r;
    r.epoch = e;
    r.train_loss = 1.0 / e;
    r.train_acc = 0.1 * e;
    r.val_loss = 2.0 / e;
    r.val_acc = 0.2 * e;
    r.seconds = 3.0 * e;
    s.epochs.push_back(r);
  }
  return s;
}

std::string read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

std::string message_of(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const DataError& e) {
    return e.what();
  }
  return "(no DataError)";
}

class TrainingStateFile : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = test::make_temp_dir("state"); }
  std::string dir_;
  // An id with its top bit set: stored in a signed 64-bit tensor, it must come back whole.
  static constexpr std::uint64_t kId = 0xf00dfeedbeef0001ULL;
};

TEST_F(TrainingStateFile, RoundTripsWeightsOptimizerCountersAndEveryEpochRow) {
  Net saved(1);
  const std::string path = dir_ + "/t.state";
  save_state(path, *saved.model, *saved.opt, state_of(kId, *saved.model, *saved.opt));
  EXPECT_FALSE(std::filesystem::exists(path + ".part"));
  Net loaded(2);
  ASSERT_FALSE(same_weights(weights(*saved.model), weights(*loaded.model)));
  const TrainingState s = load_state(path, *loaded.model, *loaded.opt, kId);
  EXPECT_TRUE(same_weights(weights(*saved.model), weights(*loaded.model)));
  EXPECT_EQ(s.trial_id, kId);
  EXPECT_EQ(s.epoch, 2);
  EXPECT_EQ(s.schedule, (std::vector<double>{0.5, 3}));
  EXPECT_EQ(s.early_stop, (std::vector<double>{1, 0.25}));
  EXPECT_EQ(s.best.epoch, 1);
  EXPECT_EQ(s.best.val_acc, 0.75);
  ASSERT_EQ(s.epochs.size(), 2u);
  EXPECT_EQ(s.epochs[1].epoch, 2);
  EXPECT_EQ(s.epochs[1].train_loss, 0.5);
  EXPECT_EQ(s.epochs[1].train_acc, 0.2);
  EXPECT_EQ(s.epochs[1].val_loss, 1.0);
  EXPECT_EQ(s.epochs[1].val_acc, 0.4);
  EXPECT_EQ(s.epochs[1].seconds, 6.0);
  EXPECT_EQ(s.position.batch, 7);
  EXPECT_EQ(s.position.loss_sum, 1.25);
  EXPECT_EQ(s.position.correct, 99);
  EXPECT_EQ(s.position.seconds, 4.5);
  EXPECT_EQ(s.position.dropout_rng, std::string("\x01\x00\x02", 3));
  EXPECT_EQ(s.position.augment_rng, "aug");
  // The optimizer's state came back too: one more identical step gives identical weights.
  for (Net* n : {&saved, &loaded}) {
    torch::manual_seed(9);
    n->opt->zero_grad();
    n->model->forward(torch::rand({2, 1, 28, 28})).sum().backward();
    n->opt->step();
  }
  EXPECT_TRUE(same_weights(weights(*saved.model), weights(*loaded.model)));
}

TEST_F(TrainingStateFile, AStateOfAnotherTrialIsRefusedAndNothingLoaded) {
  Net saved(1);
  const std::string path = dir_ + "/t.state";
  save_state(path, *saved.model, *saved.opt, state_of(kId, *saved.model, *saved.opt));
  Net other(2);
  const auto before = weights(*other.model);
  const std::string why = message_of([&] { load_state(path, *other.model, *other.opt, kId + 1); });
  EXPECT_NE(why.find(path), std::string::npos) << why;
  EXPECT_NE(why.find("holds the state of trial f00dfeedbeef0001, not of trial f00dfeedbeef0002"),
            std::string::npos)
      << why;
  EXPECT_TRUE(same_weights(before, weights(*other.model)));
  // Its header alone (what `sweep status` and rank 0 read) names the trial and the epoch.
  const StateHeader h = read_state_header(path);
  EXPECT_EQ(h.trial_id, kId);
  EXPECT_EQ(h.epoch, 2);
  EXPECT_EQ(h.batch, 7);
}

TEST_F(TrainingStateFile, ACorruptStateIsRefusedByItsChecksumAndNothingLoaded) {
  Net saved(1);
  const std::string path = dir_ + "/t.state";
  save_state(path, *saved.model, *saved.opt, state_of(kId, *saved.model, *saved.opt));
  std::string bytes = read_bytes(path);
  // One flipped bit in the middle of the weights: an archive LibTorch would read without a word.
  bytes[bytes.size() / 2] = static_cast<char>(bytes[bytes.size() / 2] ^ 0x10);
  std::ofstream(path, std::ios::binary | std::ios::trunc).write(bytes.data(), bytes.size());
  Net other(2);
  const auto before = weights(*other.model);
  const std::string why = message_of([&] { load_state(path, *other.model, *other.opt, kId); });
  EXPECT_NE(why.find(path + ": the training state is corrupt (its checksum does not match)"),
            std::string::npos)
      << why;
  EXPECT_TRUE(same_weights(before, weights(*other.model)));
}

TEST_F(TrainingStateFile, ATruncatedOrMissingStateIsRefusedNamingTheFile) {
  Net saved(1);
  const std::string path = dir_ + "/t.state";
  save_state(path, *saved.model, *saved.opt, state_of(kId, *saved.model, *saved.opt));
  std::string bytes = read_bytes(path);
  ASSERT_GT(bytes.size(), 1000u);
  for (std::size_t keep : {bytes.size() - 1, bytes.size() / 2, std::size_t{10}, std::size_t{0}}) {
    std::ofstream(path, std::ios::binary | std::ios::trunc).write(bytes.data(), keep);
    Net other(2);
    const std::string why = message_of([&] { load_state(path, *other.model, *other.opt, kId); });
    EXPECT_NE(why.find(path + ": "), std::string::npos) << keep << " bytes: " << why;
  }
  std::remove(path.c_str());
  Net other(2);
  const std::string why = message_of([&] { load_state(path, *other.model, *other.opt, kId); });
  EXPECT_NE(why.find(path + ": cannot read the training state"), std::string::npos) << why;
}

TEST_F(TrainingStateFile, StatesOfEarlierFormatsAreRefusedAsAnotherVersions) {
  // Format 1, as sweep wrote it before 2026-12-06: a bare archive, no format, trial id or rows
  // (format 2 was a bare archive too).
  Net saved(1);
  const std::string path = dir_ + "/old.state";
  torch::serialize::OutputArchive root;
  root.write("current", bytes_tensor(snapshot_of(*saved.model, *saved.opt, 2)));
  root.write("schedule", torch::zeros({0}, torch::kFloat64));
  root.write("early_stop", torch::zeros({0}, torch::kFloat64));
  root.write("best", torch::tensor({0.0, -1.0}, torch::kFloat64));
  root.write("best_snapshot", torch::zeros({0}, torch::kUInt8));
  root.save_to(path);
  Net other(2);
  const auto before = weights(*other.model);
  const std::string why = message_of([&] { load_state(path, *other.model, *other.opt, kId); });
  EXPECT_NE(why.find(path + ": a training state of another format (an earlier one; this sweep "
                            "reads 3)"),
            std::string::npos)
      << why;
  EXPECT_TRUE(same_weights(before, weights(*other.model)));
  // A later format (a header this version does not know) likewise.
  StateHeader later;
  later.format = kStateFormat + 1;
  later.trial_id = kId;
  std::ofstream(path, std::ios::binary | std::ios::trunc) << encode_state_header(later);
  const std::string newer = message_of([&] { load_state(path, *other.model, *other.opt, kId); });
  EXPECT_NE(newer.find(path + ": a training state of another format (4; this sweep reads 3), "
                              "written by another version of sweep"),
            std::string::npos)
      << newer;
}

TEST_F(TrainingStateFile, ALeftOverPartFileIsNeverReadAndTheNextSaveReplacesIt) {
  // What a kill in the middle of a save leaves: the previous state whole, a partial .part.
  Net saved(1);
  const std::string path = dir_ + "/t.state";
  save_state(path, *saved.model, *saved.opt, state_of(kId, *saved.model, *saved.opt));
  std::ofstream(path + ".part", std::ios::binary) << "half a state";
  Net other(2);
  EXPECT_EQ(load_state(path, *other.model, *other.opt, kId).epoch, 2);
  TrainingState next = state_of(kId, *saved.model, *saved.opt);
  next.epochs.push_back(next.epochs.back());
  next.epochs.back().epoch = next.epoch = 3;
  save_state(path, *saved.model, *saved.opt, next);
  EXPECT_FALSE(std::filesystem::exists(path + ".part"));
  EXPECT_EQ(load_state(path, *other.model, *other.opt, kId).epochs.size(), 3u);
  // A directory that cannot be written: DataError naming the file, no .part left behind.
  const std::string missing = dir_ + "/no/such/dir/t.state";
  const std::string why = message_of([&] { save_state(missing, *saved.model, *saved.opt, next); });
  EXPECT_NE(why.find(missing + ": cannot write the training state"), std::string::npos) << why;
}

}  // namespace
}  // namespace sweep::worker
