// The block-by-block readers (rank_files, group_files, export_files, failed_in_stores) give
// what the whole-file functions give on the same trials: retries, several files, --where,
// --group-by, and files whose trials table lacks newer columns.
#include <gtest/gtest.h>
#include <hdf5.h>
#include <stdlib.h>

#include <algorithm>
#include <sstream>

#include "core/keys.h"
#include "results/analysis/export.h"
#include "results/analysis/failures.h"
#include "results/analysis/rank.h"
#include "results/h5/table.h"
#include "results/store/store.h"
#include "results/store/store_schema.h"

namespace sweep::results {
namespace {

std::string temp_dir() {
  std::string tmpl = "/tmp/sweep-stream-XXXXXX";
  if (mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp");
  return tmpl;
}

TrialSpec spec_with(std::uint64_t id, const std::string& filters, const std::string& seed) {
  TrialSpec s;
  s.trial_id = id;
  for (const auto& k : known_keys()) {
    std::string v = k.default_value;
    if (k.name == "filters") v = filters;
    if (k.name == "seed") v = seed;
    if (id == 2) {  // lists, a float, text with a comma: every kind of cell
      if (k.name == "normalize") v = "custom";
      if (k.name == "mean") v = "0.485 0.456 0.406";
      if (k.name == "std") v = "0.229 0.224 0.225";
      if (k.name == "learning_rate") v = "0.0003";
      if (k.name == "data_dir") v = "/data/a,b \"c\"";
    }
    s.params.emplace_back(k.name, v);
  }
  return s;
}

TrialResult result(std::uint64_t id, Status st, double val, double test, int rung = 0) {
  TrialResult r;
  r.trial_id = id;
  r.status = st;
  r.message = st == Status::kFailed ? "out of memory\nat step 3, \"batch\" 64" : "";
  r.val_acc = val;
  r.test_acc = test;
  r.val_loss = 1 - val;
  r.macro_f1 = test - 0.01;
  r.eval_split = id % 2 == 0 ? "test" : "val";
  r.epochs = {{1, 0.9, 0.5, 0.8, val, 1.5}};
  r.epochs_run = 1;
  if (st == Status::kOk) {
    r.robustness = {{"brightness", 0.5, test / 2, 0.25}, {"noise", 0.1, test, 0.5}};
    r.robust_acc = 0.75 * test;
    r.activations = {{"dense.relu", 8, test / 4}};
    r.calibration = {{13, 4, 0.9, 0.75}, {14, 6, 0.95, test}};
  }
  r.rung = rung;
  r.wall_seconds = 2.0 + static_cast<double>(id);
  r.host = "node" + std::to_string(id % 3);
  r.memory_format = "contiguous";
  return r;
}

// Two files: the first with a retried trial (failed, then ok), a trial that was ok and then
// failed (the ok copy wins, out of file order), a diverged and a failed one; the second repeats
// a trial of the first and adds others.
class Streaming : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string dir = temp_dir();
    a_ = dir + "/a.h5";
    b_ = dir + "/b.h5";
    Store a = Store::create(a_, StoreInfo{});
    a.append(spec_with(1, "8", "1"), result(1, Status::kFailed, 0, 0));
    a.append(spec_with(2, "16", "1"), result(2, Status::kOk, 0.81, 0.80));
    a.append(spec_with(3, "32", "1"), result(3, Status::kOk, 0.85, 0.79));
    a.append(spec_with(1, "8", "1"), result(1, Status::kOk, 0.83, 0.84));
    a.append(spec_with(3, "32", "1"), result(3, Status::kFailed, 0, 0));
    a.append(spec_with(4, "16", "2"), result(4, Status::kDiverged, 0.1, 0.1));
    a.append(spec_with(5, "8", "2"), result(5, Status::kFailed, 0, 0));
    Store b = Store::create(b_, StoreInfo{});
    b.append(spec_with(2, "16", "1"), result(2, Status::kOk, 0.90, 0.70));
    b.append(spec_with(6, "32", "2"), result(6, Status::kOk, 0.83, 0.86));
    b.append(spec_with(7, "16", "3"), result(7, Status::kFailed, 0, 0, 1));
  }
  std::vector<StoredTrial> all(Store::Details d = Store::Details::kNone) const {
    std::vector<StoredTrial> out;
    for (const auto& f : {a_, b_}) {
      for (auto& t : Store::open_read(f).read_trials(d)) out.push_back(std::move(t));
    }
    return out;
  }
  std::string a_, b_;
};

TEST_F(Streaming, RankAndGroupByGiveTheWholeFileTables) {
  std::vector<RankOptions> cases(7);
  cases[1].by = "test_acc";
  cases[2].where = parse_where("filters=16");
  cases[3].top = 0;
  cases[4].top = 1;
  cases[4].by = "wall_seconds";
  cases[5].group_by = "filters";
  cases[6].group_by = "status";
  cases[6].where = parse_where("seed=1");
  for (const RankOptions& o : cases) {
    const bool group = !o.group_by.empty();
    const std::string whole = group ? group_table(all(), o) : rank_table(all(), o);
    const std::string streamed = group ? group_files({a_, b_}, o) : rank_files({a_, b_}, o);
    EXPECT_EQ(streamed, whole) << o.by << " " << o.group_by;
  }
  // The table says what was read: trial 2's best copy is the later one, in the second file.
  const std::string t = rank_files({a_, b_}, RankOptions{});
  EXPECT_NE(t.find("ranked by val_acc (higher is better): 4 of 7 trials"), std::string::npos) << t;
  EXPECT_LT(t.find("0000000000000002"), t.find("0000000000000001")) << t;
  EXPECT_NE(t.find("filters"), std::string::npos);
  EXPECT_NE(t.find("seed"), std::string::npos);
  EXPECT_EQ(t.find("batch_size"), std::string::npos);
  RankOptions bad;
  bad.by = "colour";
  EXPECT_THROW(rank_files({a_}, bad), UsageError);
}

TEST_F(Streaming, ExportGivesTheWholeFileTextInCsvAndJson) {
  for (ExportFormat format : {ExportFormat::kCsv, ExportFormat::kJson}) {
    for (ExportRows rows : {ExportRows::kTrials, ExportRows::kEpochs, ExportRows::kRobustness,
                            ExportRows::kActivations, ExportRows::kCalibration}) {
      std::ostringstream streamed;
      export_files({a_, b_}, format, rows, streamed);
      const bool details = rows != ExportRows::kTrials;
      const std::string whole =
          export_trials(all(details ? Store::Details::kAll : Store::Details::kNone), format, rows);
      EXPECT_EQ(streamed.str(), whole) << static_cast<int>(format) << static_cast<int>(rows);
    }
  }
  // --robustness: a row per point of the kept copies, after the trial id.
  std::ostringstream points;
  export_files({a_, b_}, ExportFormat::kCsv, ExportRows::kRobustness, points);
  EXPECT_EQ(points.str().substr(0, points.str().find('\n')),
            "trial_id,split,perturbation,level,accuracy,macro_f1");
  // Trial 2 by its kept copy, the second file's (test accuracy 0.7).
  EXPECT_NE(points.str().find("\n0000000000000002,test,noise,0.1,0.7,0.5\n"), std::string::npos)
      << points.str();
  std::ostringstream layers;
  export_files({a_, b_}, ExportFormat::kCsv, ExportRows::kActivations, layers);
  EXPECT_EQ(layers.str().substr(0, layers.str().find('\n')),
            "trial_id,split,layer,units,dead_fraction");
  EXPECT_NE(layers.str().find("\n0000000000000002,test,dense.relu,8,0.175\n"), std::string::npos)
      << layers.str();
  std::ostringstream csv;
  export_files({a_, b_}, ExportFormat::kCsv, ExportRows::kTrials, csv);
  // One row per trial id (7; a failed trial's message holds a quoted line break); trial 3 by
  // its ok copy.
  const std::string text = csv.str();
  std::size_t rows = 0;
  for (auto at = text.find("\n0000"); at != std::string::npos; at = text.find("\n0000", at + 1)) {
    ++rows;
  }
  EXPECT_EQ(rows, 7u);
  EXPECT_NE(text.find("0000000000000003,ok,"), std::string::npos);
  // An empty file exports a header (CSV) or an empty array (JSON).
  const std::string empty = temp_dir() + "/e.h5";
  Store::create(empty, StoreInfo{});
  std::ostringstream json;
  export_files({empty}, ExportFormat::kJson, ExportRows::kTrials, json);
  EXPECT_EQ(json.str(), export_trials({}, ExportFormat::kJson, ExportRows::kTrials));
}

TEST_F(Streaming, FailuresOfTheStoresAreTheFailuresOfTheRows) {
  const Store a = Store::open_read(a_), b = Store::open_read(b_);
  auto every = [](std::uint64_t) { return true; };
  const std::vector<FailureGroup> streamed = failed_in_stores({&a, &b}, every);
  const std::vector<FailureGroup> whole = failed_trials(all(), every);
  ASSERT_EQ(streamed.size(), whole.size());
  ASSERT_EQ(streamed.size(), 1u);
  EXPECT_EQ(streamed[0].message, "out of memory");
  EXPECT_EQ(streamed[0].trials, whole[0].trials);
  EXPECT_EQ(streamed[0].trials, 2u);  // 5 and 7; 1 and 3 have ok copies
  EXPECT_EQ(streamed[0].first, whole[0].first);
  auto not_five = [](std::uint64_t id) { return id != 5; };
  EXPECT_EQ(failed_in_stores({&a, &b}, not_five)[0].trials, 1u);
}

TEST(StreamingCurves, EpochsOfFilesInOrderStreamAsTheWholeFileReaderGivesThem) {
  // No retried copy moves ahead (the curves are read through forward readers): more trials
  // than one block, each with its own curve, and a second file; a failed trial has none.
  const std::string dir = temp_dir();
  const std::string a = dir + "/a.h5", b = dir + "/b.h5";
  {
    Store s = Store::create(a, StoreInfo{});
    std::vector<TrialSpec> specs;
    std::vector<TrialResult> results;
    for (std::uint64_t id = 1; id <= 4500; ++id) {
      specs.push_back(spec_with(id, "8", std::to_string(id)));
      TrialResult r = result(id, id % 1000 == 0 ? Status::kFailed : Status::kOk, 0.5, 0.5);
      if (r.status == Status::kFailed) r.epochs.clear();
      for (int e = 2; e <= static_cast<int>(id % 3) + 1; ++e) {
        r.epochs.push_back({e, 0.5, 0.6, 0.7, static_cast<double>(id) / 1e4, 1.0});
      }
      results.push_back(r);
    }
    std::vector<Store::Item> items;
    for (std::size_t i = 0; i < specs.size(); ++i) items.push_back({&specs[i], &results[i]});
    s.append(items);
    Store::create(b, StoreInfo{})
        .append(spec_with(9000, "16", "1"), result(9000, Status::kOk, 0.9, 0.9));
  }
  std::vector<StoredTrial> whole;
  for (const auto& f : {a, b}) {
    for (auto& t : Store::open_read(f).read_trials(Store::Details::kAll)) {
      whole.push_back(std::move(t));
    }
  }
  for (ExportFormat format : {ExportFormat::kCsv, ExportFormat::kJson}) {
    std::ostringstream streamed;
    export_files({a, b}, format, ExportRows::kEpochs, streamed);
    const std::string got = streamed.str(),
                      want = export_trials(whole, format, ExportRows::kEpochs);
    // Not EXPECT_EQ: its diff of two texts of a megabyte would not end.
    const std::size_t at = static_cast<std::size_t>(
        std::mismatch(got.begin(), got.end(), want.begin(), want.end()).first - got.begin());
    EXPECT_TRUE(got == want) << static_cast<int>(format) << ": first difference at byte " << at
                             << ": '" << got.substr(at, 80) << "' vs '" << want.substr(at, 80)
                             << "'";
  }
}

TEST(StreamingOldFiles, ATrialsTableWithoutNewerColumnsReadsAsTheWholeFileReaderReadsIt) {
  // A file as an earlier version wrote it: its trials table lacks auc, qwk, ece, brier and
  // memory_format.
  const std::string path = temp_dir() + "/old.h5";
  {
    Store s = Store::create(path, StoreInfo{});
    s.append(spec_with(1, "8", "1"), result(1, Status::kOk, 0.8, 0.7));
  }
  {
    std::vector<Column> cols;
    for (const auto& c : legacy_trials_layout().columns()) {
      if (c.name != "auc" && c.name != "qwk" && c.name != "ece" && c.name != "brier" &&
          c.name != "memory_format") {
        cols.push_back({c.name, c.type, c.str_len, 0});
      }
    }
    const RowLayout old(cols);
    std::vector<char> row(old.row_size(), 0);
    old.set_u64(row.data(), old.index_of("trial_id"), 9);
    old.set_str(row.data(), old.index_of("status"), "ok");
    old.set_str(row.data(), old.index_of("filters"), "64");
    old.set_f64(row.data(), old.index_of("val_acc"), 0.9);
    old.set_str(row.data(), old.index_of("host"), "old-node");
    const hid_t f = H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
    ASSERT_GE(f, 0);
    ASSERT_GE(H5Ldelete(f, "trials", H5P_DEFAULT), 0);
    ASSERT_GE(H5Ldelete(f, "texts", H5P_DEFAULT), 0);  // format version 1: texts in the rows
    create_table(f, "trials", old, 64);
    append_rows(f, "trials", old, row.data(), 1);
    H5Fclose(f);
  }
  const std::vector<StoredTrial> whole = Store::open_read(path).read_trials(Store::Details::kNone);
  ASSERT_EQ(whole.size(), 1u);
  for (ExportFormat format : {ExportFormat::kCsv, ExportFormat::kJson}) {
    std::ostringstream streamed;
    export_files({path}, format, ExportRows::kTrials, streamed);
    EXPECT_EQ(streamed.str(), export_trials(whole, format, ExportRows::kTrials));
  }
  std::ostringstream csv;
  export_files({path}, ExportFormat::kCsv, ExportRows::kTrials, csv);
  EXPECT_NE(csv.str().find("old-node"), std::string::npos) << csv.str();
  RankOptions by_auc;
  by_auc.by = "auc";  // absent in the old file: not 0
  EXPECT_NE(rank_files({path}, by_auc).find("0 of 1 trials"), std::string::npos);
  RankOptions by_ece;
  by_ece.by = "ece";  // likewise
  EXPECT_NE(rank_files({path}, by_ece).find("0 of 1 trials"), std::string::npos);
  EXPECT_EQ(rank_files({path}, RankOptions{}), rank_table(whole, RankOptions{}));
}

}  // namespace
}  // namespace sweep::results
