#include "results/store/store.h"

#include <gtest/gtest.h>
#include <hdf5.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <fstream>

#include "core/errors.h"
#include "core/keys.h"
#include "results/h5/table.h"
#include "results/store/store_schema.h"
#include "tests/core/distinct_result.h"
#include "tests/results/store/store_fixtures.h"

namespace sweep::results {
namespace {

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
  EXPECT_EQ(trials[0].param("mistakes"), "");  // a key without a column has no stored value
  EXPECT_EQ(a.test_acc, want.test_acc);
  EXPECT_EQ(a.macro_f1, want.macro_f1);
  EXPECT_EQ(a.confusion, want.confusion);
  EXPECT_EQ(a.mistakes, want.mistakes);
  EXPECT_EQ(a.robustness, want.robustness);
  EXPECT_EQ(a.robust_acc, 0.625);
  EXPECT_EQ(a.activations, want.activations);
  EXPECT_EQ(a.calibration, want.calibration);
  EXPECT_EQ(trials[0].param("robustness"), "");  // not a column either
  EXPECT_EQ(a.eval_split, "test");
  ASSERT_EQ(a.epochs.size(), 2u);
  EXPECT_EQ(a.epochs[1].val_acc, 0.8);
  EXPECT_EQ(a.epochs[1].seconds, 2.1);
  EXPECT_EQ(a.host, "node7");
  EXPECT_EQ(a.memory_format, "channels_last");
  EXPECT_EQ(a.rank, 2);
  EXPECT_EQ(a.train_samples_per_s, 1234.5);
  EXPECT_EQ(a.sync_seconds, 2.5);
  const TrialResult& b = trials[1].result;
  EXPECT_EQ(b.status, Status::kFailed);
  EXPECT_EQ(b.message, std::string(256, 'x'));
  EXPECT_TRUE(std::isnan(b.test_acc));
  EXPECT_TRUE(b.epochs.empty());
  EXPECT_EQ(s.stored_status(), (std::vector<std::pair<std::uint64_t, Status>>{
                                   {11, Status::kOk}, {12, Status::kFailed}}));
}

TEST(Store, EveryResultColumnRoundTripsApartThroughAFile) {
  const std::string path = temp_path("columns.h5");
  const TrialResult r = testing::distinct_result(77);
  Store::create(path, StoreInfo{}).append(spec_with(77, "16"), r);
  const std::vector<StoredTrial> back = Store::open_read(path).read_trials();
  ASSERT_EQ(back.size(), 1u);
  EXPECT_SAME_RESULT_COLUMNS(r, back[0].result);
}

TEST(Store, OnlyConfusionCellsThatAreNotZeroAreStoredAndTheMatrixReadsWhole) {
  const std::string path = temp_path("r.h5");
  TrialResult r = ok_result(1);
  r.num_classes = 3;
  r.confusion = {9, 0, 1, 0, 10, 0, 0, 2, 8};
  TrialResult empty = ok_result(2);
  empty.num_classes = 2;
  empty.confusion = {0, 0, 0, 0};  // no test images: no rows, and still a 2x2 matrix
  {
    Store s = Store::create(path, StoreInfo{});
    s.append(spec_with(1, "8"), r);
    s.append(spec_with(2, "16"), empty);
  }
  {
    Handle f(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose, "open");
    EXPECT_EQ(row_count(f.get(), "confusion"), 5u);
  }
  const std::vector<StoredTrial> trials = Store::open_read(path).read_trials();
  ASSERT_EQ(trials.size(), 2u);
  EXPECT_EQ(trials[0].result.confusion, r.confusion);
  EXPECT_EQ(trials[1].result.confusion, empty.confusion);
}

TEST(Store, EveryValueOfAChoiceKeyFitsItsColumn) {
  // Choice columns are as wide as their longest choice or alias: none is ever cut.
  const std::string path = temp_path("c.h5");
  Store s = Store::create(path, StoreInfo{});
  std::uint64_t id = 0;
  std::vector<std::pair<std::string, std::string>> written;
  for (const auto& k : known_keys()) {
    if (k.type != KeyType::kChoice || !k.column) continue;
    std::vector<std::string> values = k.choices;
    for (const auto& a : k.aliases) {
      values.push_back(a.substr(0, a.find('=')));
      values.push_back(a.substr(a.find('=') + 1));
    }
    for (const auto& v : values) {
      TrialSpec spec = spec_with(++id, "8");
      for (auto& kv : spec.params) {
        if (kv.first == k.name) kv.second = v;
      }
      s.append(spec, ok_result(id));
      written.emplace_back(k.name, v);
    }
  }
  ASSERT_GT(written.size(), 30u);
  const std::vector<StoredTrial> rows = s.read_trials(Store::Details::kNone);
  ASSERT_EQ(rows.size(), written.size());
  for (std::size_t i = 0; i < rows.size(); ++i) {
    EXPECT_EQ(rows[i].param(written[i].first), written[i].second) << written[i].first;
  }
  EXPECT_EQ(choice_width(*find_key("model")), 16u);  // "torchscript"
}

TEST(Store, AppendAfterReopen) {
  const std::string path = temp_path("r.h5");
  Store::create(path, StoreInfo{}).append(spec_with(1, "8"), ok_result(1));
  Store::open_append(path).append(spec_with(2, "16"), ok_result(2));
  EXPECT_EQ(Store::open_read(path).stored_status(),
            (std::vector<std::pair<std::uint64_t, Status>>{{1, Status::kOk}, {2, Status::kOk}}));
}

TEST(Store, RetriedTrialKeepsItsOwnDetailsAndTheBestCopyWins) {
  const std::string path = temp_path("r.h5");
  Store s = Store::create(path, StoreInfo{});
  TrialResult failed;
  failed.trial_id = 5;
  failed.status = Status::kFailed;
  failed.message = "out of memory";
  failed.epochs = {{1, 2.0, 0.1, 2.0, 0.1, 1.0}};
  s.append(spec_with(5, "8"), failed);
  s.append(spec_with(5, "8"), ok_result(5));
  const std::vector<StoredTrial> rows = s.read_trials();
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].result.epochs.size(), 1u);  // not mixed with the retry's two epochs
  EXPECT_EQ(rows[1].result.epochs.size(), 2u);
  EXPECT_EQ(rows[0].result.confusion, std::vector<std::int64_t>{});
  EXPECT_EQ(rows[1].result.confusion, (std::vector<std::int64_t>{40, 10, 11, 39}));
  EXPECT_TRUE(rows[0].result.mistakes.empty());  // the retry's mistakes stay with its row
  EXPECT_EQ(rows[1].result.mistakes.size(), 2u);
  const std::vector<StoredTrial> best = best_per_trial(rows);
  ASSERT_EQ(best.size(), 1u);
  EXPECT_EQ(best[0].result.status, Status::kOk);
  EXPECT_EQ(s.stored_status(), (std::vector<std::pair<std::uint64_t, Status>>{{5, Status::kOk}}));
}

TEST(Store, BestPerTrialPrefersOkThenTheLatestCopy) {
  auto copy = [](std::uint64_t id, Status st, double acc) {
    StoredTrial t;
    t.result.trial_id = id;
    t.result.status = st;
    t.result.test_acc = acc;
    return t;
  };
  std::vector<StoredTrial> in = {copy(1, Status::kOk, 0.5),     copy(2, Status::kFailed, 0),
                                 copy(1, Status::kFailed, 0),   copy(2, Status::kFailed, 1),
                                 copy(3, Status::kDiverged, 0), copy(3, Status::kOk, 0.7)};
  std::vector<StoredTrial> out = best_per_trial(in);
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[0].result.test_acc, 0.5);  // ok beats a later failure
  EXPECT_EQ(out[1].result.test_acc, 1);    // of two failures, the later
  EXPECT_EQ(out[2].result.status, Status::kOk);
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
