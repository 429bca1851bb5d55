#include "sweep/commands/kept_checkpoints.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "core/errors.h"

namespace sweep {
namespace {

namespace fs = std::filesystem;

class KeptCheckpointsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = (fs::temp_directory_path() / ("kept-" + std::to_string(getpid()))).string();
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  // A result whose worker wrote its checkpoint file.
  TrialResult result(std::uint64_t id, double val_acc, Status st = Status::kOk) {
    TrialResult r;
    r.trial_id = id;
    r.status = st;
    r.val_acc = val_acc;
    r.checkpoint = checkpoint_path(dir_, id);
    std::ofstream(r.checkpoint) << "weights";
    return r;
  }
  bool exists(std::uint64_t id) const { return fs::exists(checkpoint_path(dir_, id)); }
  std::string dir_;
};

TEST_F(KeptCheckpointsTest, KeepsTheBestKAndDeletesTheRest) {
  KeptCheckpoints k(dir_, 2, "val_acc");
  k.add(result(1, 0.5));
  k.add(result(2, 0.7));
  EXPECT_TRUE(exists(1));
  k.add(result(3, 0.6));  // pushes trial 1 out
  EXPECT_FALSE(exists(1));
  EXPECT_EQ(k.kept(), (std::vector<std::uint64_t>{2, 3}));
  k.add(result(4, 0.1));  // never in
  EXPECT_FALSE(exists(4));
  k.add(result(5, 0.9, Status::kDiverged));  // not ok: never kept
  EXPECT_FALSE(exists(5));
  // A later rung of trial 3 with a better score replaces its earlier one.
  k.add(result(3, 0.95));
  EXPECT_EQ(k.kept(), (std::vector<std::uint64_t>{3, 2}));
  EXPECT_EQ(checkpoint_path(dir_, 3), dir_ + "/0000000000000003.pt");
}

TEST_F(KeptCheckpointsTest, LowerIsBetterMetricsAndTiesByIdAndLeftovers) {
  KeptCheckpoints k(dir_, 1, "val_loss");
  TrialResult a = result(7, 0), b = result(6, 0);
  a.val_loss = 0.3;
  b.val_loss = 0.3;
  k.add(a);
  k.add(b);
  EXPECT_EQ(k.kept(), (std::vector<std::uint64_t>{6}));  // a tie: the smaller id
  std::ofstream(dir_ + "/00000000000000aa.pt") << "a kill left me";
  std::ofstream(dir_ + "/0000000000000006.pt.part") << "half written";
  EXPECT_EQ(k.remove_unkept_files(), 2u);
  EXPECT_TRUE(exists(6));
  EXPECT_THROW(KeptCheckpoints(dir_, 1, "accuracy"), UsageError);
}

TEST_F(KeptCheckpointsTest, WithoutValidationTheTestAccuracyRanks) {
  KeptCheckpoints k(dir_, 1, "val_acc");
  TrialResult a = result(1, TrialResult::kNaN), b = result(2, TrialResult::kNaN);
  a.test_acc = 0.4;
  b.test_acc = 0.8;
  k.add(a);
  k.add(b);
  EXPECT_EQ(k.kept(), (std::vector<std::uint64_t>{2}));
}

}  // namespace
}  // namespace sweep
