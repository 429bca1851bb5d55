#include "results/store.h"

#include <gtest/gtest.h>
#include <hdf5.h>

#include <cmath>
#include <cstdlib>
#include <fstream>

#include "sweep/errors.h"
#include "sweep/keys.h"

namespace sweep::results {
namespace {

std::string temp_path(const std::string& name) {
  std::string tmpl = "/tmp/sweep-store-XXXXXX";
  if (mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp");
  return tmpl + "/" + name;
}

TrialSpec spec_with(std::uint64_t id, const std::string& filters) {
  TrialSpec s;
  s.trial_id = id;
  for (const auto& k : known_keys())
    s.params.emplace_back(k.name, k.name == "filters" ? filters : k.default_value);
  return s;
}

TrialResult ok_result(std::uint64_t id) {
  TrialResult r;
  r.trial_id = id;
  r.status = Status::kOk;
  r.epochs = {{1, 0.9, 0.7, 0.8, 0.75, 2.0}, {2, 0.5, 0.85, 0.6, 0.8, 2.1}};
  r.val_loss = 0.6;
  r.val_acc = 0.8;
  r.test_loss = 0.65;
  r.test_acc = 0.79;
  r.macro_f1 = 0.78;
  r.num_classes = 2;
  r.confusion = {40, 10, 11, 39};
  r.eval_split = "test";
  r.epochs_run = 2;
  r.wall_seconds = 4.5;
  r.train_samples_per_s = 1234.5;
  r.rank = 2;
  r.threads = 1;
  r.host = "node7";
  r.device = "cpu";
  r.started_unix = 1700000000;
  r.finished_unix = 1700000004.5;
  return r;
}

TEST(Store, RoundTripOfTrialsEpochsConfusionAndAttributes) {
  const std::string path = temp_path("r.h5");
  StoreInfo info;
  info.grid_path = "grids/g.ini";
  info.grid_text = "[grid]\nfilters = 8, 16\n";
  info.command_line = "sweep run grids/g.ini";
  info.program_version = "0.1.0";
  info.dataset = "idx /data";
  info.shard = "2-of-4";
  info.created_unix = 17.5;
  {
    Store s = Store::create(path, info);
    s.append(spec_with(11, "8"), ok_result(11));
    TrialResult failed;
    failed.trial_id = 12;
    failed.status = Status::kFailed;
    failed.message = std::string(400, 'x');  // longer than the column: truncated
    s.append(spec_with(12, "16"), failed);
  }
  Store s = Store::open_read(path);
  StoreInfo back = s.info();
  EXPECT_EQ(back.grid_text, info.grid_text);
  EXPECT_EQ(back.command_line, info.command_line);
  EXPECT_EQ(back.program_version, "0.1.0");
  EXPECT_EQ(back.dataset, "idx /data");
  EXPECT_EQ(back.created_unix, 17.5);
  EXPECT_EQ(back.shard, "2-of-4");
  auto trials = s.read_trials();
  ASSERT_EQ(trials.size(), 2u);
  const TrialResult& a = trials[0].result;
  TrialResult want = ok_result(11);
  EXPECT_EQ(a.trial_id, 11u);
  EXPECT_EQ(a.status, Status::kOk);
  EXPECT_EQ(trials[0].param("filters"), "8");
  EXPECT_EQ(trials[0].param("learning_rate"), "0.001");
  EXPECT_EQ(trials[0].param("dataset"), "fashion_mnist");
  EXPECT_EQ(a.test_acc, want.test_acc);
  EXPECT_EQ(a.macro_f1, want.macro_f1);
  EXPECT_EQ(a.confusion, want.confusion);
  EXPECT_EQ(a.eval_split, "test");
  ASSERT_EQ(a.epochs.size(), 2u);
  EXPECT_EQ(a.epochs[1].val_acc, 0.8);
  EXPECT_EQ(a.epochs[1].seconds, 2.1);
  EXPECT_EQ(a.host, "node7");
  EXPECT_EQ(a.rank, 2);
  EXPECT_EQ(a.train_samples_per_s, 1234.5);
  const TrialResult& b = trials[1].result;
  EXPECT_EQ(b.status, Status::kFailed);
  EXPECT_EQ(b.message, std::string(256, 'x'));
  EXPECT_TRUE(std::isnan(b.test_acc));
  EXPECT_TRUE(b.epochs.empty());
  EXPECT_EQ(s.stored_ids(), (std::set<std::uint64_t>{11, 12}));
}

TEST(Store, AppendAfterReopen) {
  const std::string path = temp_path("r.h5");
  Store::create(path, StoreInfo{}).append(spec_with(1, "8"), ok_result(1));
  Store::open_append(path).append(spec_with(2, "16"), ok_result(2));
  EXPECT_EQ(Store::open_read(path).stored_ids(), (std::set<std::uint64_t>{1, 2}));
}

TEST(Store, RefusesToOverwriteAndForeignFiles) {
  const std::string path = temp_path("r.h5");
  Store::create(path, StoreInfo{});
  EXPECT_THROW(Store::create(path, StoreInfo{}), StoreError);
  const std::string text = temp_path("notes.h5");
  std::ofstream(text) << "hello";
  EXPECT_THROW(Store::open_append(text), StoreFormatError);
  const std::string other = temp_path("other.h5");
  H5Fclose(H5Fcreate(other.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT));
  try {
    Store::open_append(other);
    FAIL() << "opened a foreign HDF5 file";
  } catch (const StoreFormatError& e) {
    EXPECT_EQ(std::string(e.what()),
              other + ": not a sweep results file (no format = sweep-results attribute)");
  }
  EXPECT_THROW(Store::open_read(temp_path("missing.h5")), StoreError);
}

}  // namespace
}  // namespace sweep::results
