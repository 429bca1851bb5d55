#include "results/store/merge.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>

#include "core/errors.h"
#include "core/keys.h"
#include "results/store/store.h"

namespace sweep::results {
namespace {

std::string temp_dir() {
  std::string tmpl = "/tmp/sweep-merge-XXXXXX";
  if (mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp");
  return tmpl;
}

TrialSpec spec(std::uint64_t id) {
  TrialSpec s;
  s.trial_id = id;
  for (const auto& k : known_keys())
    s.params.emplace_back(k.name, k.name == "seed" ? std::to_string(id) : k.default_value);
  return s;
}

TrialResult result(std::uint64_t id, Status st, double acc) {
  TrialResult r;
  r.trial_id = id;
  r.status = st;
  r.test_acc = acc;
  r.epochs = {{1, 0.5, acc, 0.4, acc, 1.0}};
  r.epochs_run = 1;
  r.num_classes = 2;
  r.confusion = {3, 1, 0, 4};
  r.eval_split = "test";
  return r;
}

std::string make(const std::string& path, const std::string& shard,
                 const std::vector<std::pair<std::uint64_t, TrialResult>>& rows) {
  StoreInfo info;
  info.grid_text = "[grid]\nseed = 1, 2, 3\n";
  info.shard = shard;
  Store s = Store::create(path, info);
  for (const auto& [id, r] : rows) s.append(spec(id), r);
  return path;
}

TEST(Merge, DistinctTrialsConflictsAndProvenance) {
  const std::string d = temp_dir();
  std::string a =
      make(d + "/a.h5", "1-of-2",
           {{1, result(1, Status::kOk, 0.8)}, {2, result(2, Status::kFailed, TrialResult::kNaN)}});
  std::string b = make(d + "/b.h5", "2-of-2",
                       {{2, result(2, Status::kOk, 0.7)}, {3, result(3, Status::kOk, 0.9)}});
  std::string c = make(d + "/c.h5", "", {{3, result(3, Status::kOk, 0.9)}});
  MergeReport r = merge_files(d + "/all.h5", {a, b, c}, "sweep merge", "9.9");
  EXPECT_EQ(r.rows_read, 5u);
  EXPECT_EQ(r.written, 3u);
  EXPECT_EQ(r.identical_duplicates, 1u);
  ASSERT_EQ(r.conflicts.size(), 1u);
  EXPECT_NE(r.conflicts[0].find("trial 0000000000000002"), std::string::npos) << r.conflicts[0];
  EXPECT_NE(r.conflicts[0].find("kept " + b), std::string::npos)
      << r.conflicts[0];  // ok beats failed
  EXPECT_TRUE(r.warnings.empty());

  Store out = Store::open_read(d + "/all.h5");
  auto trials = out.read_trials();
  ASSERT_EQ(trials.size(), 3u);
  EXPECT_EQ(trials[1].result.trial_id, 2u);
  EXPECT_EQ(trials[1].result.status, Status::kOk);
  EXPECT_EQ(trials[1].result.test_acc, 0.7);
  EXPECT_EQ(trials[1].param("seed"), "2");
  ASSERT_EQ(trials[1].result.epochs.size(), 1u);  // the kept copy's epochs only
  EXPECT_EQ(trials[1].result.confusion, (std::vector<std::int64_t>{3, 1, 0, 4}));
  StoreInfo info = out.info();
  EXPECT_EQ(info.merged_from, a + "\t1-of-2\t2\n" + b + "\t2-of-2\t2\n" + c + "\t\t1\n");
  EXPECT_EQ(info.grid_text, "[grid]\nseed = 1, 2, 3\n");
  EXPECT_EQ(info.shard, "");
  EXPECT_EQ(info.command_line, "sweep merge");
}

TEST(Merge, EachKeptCopyComesWithItsOwnDetailsAcrossManyBatches) {
  // More trials than one batch and one detail block (4096): every trial's epochs, confusion
  // matrix and mistakes are its own, and a retried trial's details are the kept copy's.
  const std::string d = temp_dir();
  const std::string a = d + "/a.h5";
  {
    Store s = Store::create(a, StoreInfo{});
    std::vector<TrialSpec> specs;
    std::vector<TrialResult> results;
    for (std::uint64_t id = 1; id <= 5000; ++id) {
      specs.push_back(spec(id));
      TrialResult r = result(id, id % 7 == 0 ? Status::kFailed : Status::kOk, 0.5);
      r.epochs = {{1, 0.5, 0.1, 0.4, static_cast<double>(id), 1.0}};
      r.confusion = {static_cast<std::int64_t>(id), 1, 0, 4};
      r.mistakes = {{static_cast<std::int64_t>(id), 1, 0, 0.9}};
      r.robustness = {{"blur", 0.5, static_cast<double>(id), 0.5}};
      r.activations = {{"dense.relu", static_cast<std::int64_t>(id), 0.25}};
      r.calibration = {{14, static_cast<std::int64_t>(id), 0.95, 0.5}};
      results.push_back(r);
    }
    std::vector<Store::Item> items;
    for (std::size_t i = 0; i < specs.size(); ++i) items.push_back({&specs[i], &results[i]});
    s.append(items);
    TrialResult retry = result(7, Status::kOk, 0.6);  // row 5000: trial 7 again, now ok
    retry.epochs = {{1, 0.5, 0.1, 0.4, 77.0, 1.0}, {2, 0.4, 0.2, 0.3, 78.0, 1.0}};
    retry.epochs_run = 2;
    s.append(spec(7), retry);
  }
  const std::string b = make(d + "/b.h5", "", {{6000, result(6000, Status::kOk, 0.9)}});
  const MergeReport r = merge_files(d + "/all.h5", {a, b}, "", "");
  EXPECT_EQ(r.written, 5001u);
  const std::vector<StoredTrial> all = Store::open_read(d + "/all.h5").read_trials();
  ASSERT_EQ(all.size(), 5001u);
  std::size_t checked = 0;
  for (const StoredTrial& t : all) {
    const std::uint64_t id = t.result.trial_id;
    if (id == 6000) {
      EXPECT_EQ(&t, &all.back());  // the second input's trials after the first's
      continue;
    }
    EXPECT_EQ(t.param("seed"), std::to_string(id));
    if (id == 7) {
      EXPECT_EQ(t.result.status, Status::kOk);
      ASSERT_EQ(t.result.epochs.size(), 2u);
      EXPECT_EQ(t.result.epochs[1].val_acc, 78.0);
      EXPECT_EQ(t.result.confusion, (std::vector<std::int64_t>{3, 1, 0, 4}));
      EXPECT_TRUE(t.result.mistakes.empty());
      EXPECT_TRUE(t.result.robustness.empty());
      EXPECT_TRUE(t.result.activations.empty());
      EXPECT_TRUE(t.result.calibration.empty());
      continue;
    }
    ASSERT_EQ(t.result.epochs.size(), 1u) << id;
    EXPECT_EQ(t.result.epochs[0].val_acc, static_cast<double>(id));
    EXPECT_EQ(t.result.confusion,
              (std::vector<std::int64_t>{static_cast<std::int64_t>(id), 1, 0, 4}));
    ASSERT_EQ(t.result.mistakes.size(), 1u) << id;
    EXPECT_EQ(t.result.mistakes[0].row, static_cast<std::int64_t>(id));
    ASSERT_EQ(t.result.robustness.size(), 1u) << id;
    EXPECT_EQ(t.result.robustness[0].accuracy, static_cast<double>(id));
    ASSERT_EQ(t.result.activations.size(), 1u) << id;
    EXPECT_EQ(t.result.activations[0].units, static_cast<std::int64_t>(id));
    ASSERT_EQ(t.result.calibration.size(), 1u) << id;
    EXPECT_EQ(t.result.calibration[0].rows, static_cast<std::int64_t>(id));
    ++checked;
  }
  EXPECT_EQ(checked, 4999u);
}

TEST(Merge, RefusesExistingOutputAndBadInputsBeforeWriting) {
  const std::string d = temp_dir();
  std::string a = make(d + "/a.h5", "", {{1, result(1, Status::kOk, 0.8)}});
  EXPECT_THROW(merge_files(a, {a}, "", ""), StoreError);
  std::ofstream(d + "/junk.h5") << "junk";
  EXPECT_THROW(merge_files(d + "/out.h5", {a, d + "/junk.h5"}, "", ""), StoreFormatError);
  EXPECT_FALSE(file_exists(d + "/out.h5"));
}

TEST(Merge, WarnsAboutDifferentGrids) {
  const std::string d = temp_dir();
  std::string a = make(d + "/a.h5", "", {{1, result(1, Status::kOk, 0.8)}});
  StoreInfo other;
  other.grid_text = "epochs = 9\n";
  Store::create(d + "/b.h5", other).append(spec(5), result(5, Status::kOk, 0.5));
  MergeReport r = merge_files(d + "/out.h5", {a, d + "/b.h5"}, "", "");
  EXPECT_EQ(r.written, 2u);
  ASSERT_EQ(r.warnings.size(), 1u);
  EXPECT_EQ(r.warnings[0], d + "/b.h5 was made from a different grid file than " + a);
}

}  // namespace
}  // namespace sweep::results
