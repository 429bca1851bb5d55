// The store under kills, cut-short appends, concurrent readers and writers, and damaged files:
// what survives, what is dropped on reopen, and how the file is laid out so that it can be.
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
#include "results/store/store.h"
#include "results/store/store_schema.h"
#include "tests/results/store/store_fixtures.h"

namespace sweep::results {
namespace {

TEST(Store, DetailsOfACutShortAppendAreDroppedOnReopen) {
  const std::string path = temp_path("r.h5");
  Store::create(path, StoreInfo{}).append(spec_with(1, "8"), ok_result(1));
  {  // what a kill between the detail rows and the trial row leaves: details of row 1
    Handle f(H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT), H5Fclose, "open");
    const RowLayout& el = epochs_layout();
    std::vector<char> rows(el.row_size() * 3, 0);
    for (int i = 0; i < 3; ++i) {
      el.set_u64(rows.data() + i * el.row_size(), 0, 2);
      el.set_i64(rows.data() + i * el.row_size(), el.index_of("trial_row"), 1);
    }
    append_rows(f.get(), "epochs", el, rows.data(), 3);
    ASSERT_EQ(row_count(f.get(), "epochs"), 5u);
    const RowLayout& rl = robustness_layout();
    std::vector<char> points(rl.row_size() * 4, 0);
    for (int i = 0; i < 4; ++i) {
      rl.set_u64(points.data() + i * rl.row_size(), 0, 2);
      rl.set_str(points.data() + i * rl.row_size(), 2, "blur");
      rl.set_i64(points.data() + i * rl.row_size(), rl.index_of("trial_row"), 1);
    }
    append_rows(f.get(), "robustness", rl, points.data(), 4);
    ASSERT_EQ(row_count(f.get(), "robustness"), 6u);
    const RowLayout& al = activations_layout();
    std::vector<char> layers(al.row_size(), 0);
    al.set_u64(layers.data(), 0, 2);
    al.set_str(layers.data(), 2, "stem.relu1");
    al.set_i64(layers.data(), al.index_of("trial_row"), 1);
    append_rows(f.get(), "activations", al, layers.data(), 1);
    const RowLayout& cl = calibration_layout();
    std::vector<char> bins(cl.row_size(), 0);
    cl.set_u64(bins.data(), 0, 2);
    cl.set_i64(bins.data(), cl.index_of("rows"), 5);
    cl.set_i64(bins.data(), cl.index_of("trial_row"), 1);
    append_rows(f.get(), "calibration", cl, bins.data(), 1);
  }
  Store s = Store::open_append(path);
  s.append(spec_with(2, "16"), ok_result(2));
  const std::vector<StoredTrial> trials = s.read_trials();
  ASSERT_EQ(trials.size(), 2u);
  EXPECT_EQ(trials[1].result.epochs.size(), 2u);  // the orphans are gone, not added
  EXPECT_EQ(trials[1].result.epochs[1].val_acc, 0.8);
  // The orphans name the row the new trial takes, with its id: kept, they would be its rows.
  EXPECT_EQ(trials[1].result.robustness, ok_result(2).robustness);
  EXPECT_EQ(trials[1].result.activations, ok_result(2).activations);
  EXPECT_EQ(trials[1].result.calibration, ok_result(2).calibration);
}

TEST(Store, ACutShortAppendIsFoundFromTheEndOfLargeTables) {
  // More trials and more orphan rows than one block of the recovery's backward reads (4096).
  const std::string path = temp_path("big.h5");
  {
    Store s = Store::create(path, StoreInfo{});
    std::vector<TrialSpec> specs;
    std::vector<TrialResult> results;
    for (std::uint64_t id = 1; id <= 4200; ++id) {
      specs.push_back(spec_with(id, "8"));
      results.push_back(ok_result(id));
    }
    std::vector<Store::Item> items;
    for (std::size_t i = 0; i < specs.size(); ++i) items.push_back({&specs[i], &results[i]});
    s.append(items);
  }
  {
    Handle f(H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT), H5Fclose, "open");
    const RowLayout& el = epochs_layout();
    std::vector<char> rows(el.row_size() * 5000, 0);
    for (int i = 0; i < 5000; ++i) {
      el.set_u64(rows.data() + i * el.row_size(), 0, 9999);
      el.set_i64(rows.data() + i * el.row_size(), el.index_of("trial_row"), 4200);
    }
    append_rows(f.get(), "epochs", el, rows.data(), 5000);
    ASSERT_EQ(row_count(f.get(), "epochs"), 4200u * 2 + 5000);
  }
  Store s = Store::open_append(path);
  s.append(spec_with(9999, "8"), ok_result(9999));  // row 4200, which the orphans name
  const std::vector<StoredTrial> trials = s.read_trials();
  ASSERT_EQ(trials.size(), 4201u);
  EXPECT_EQ(trials.back().result.epochs.size(), 2u);  // the 5000 orphans were dropped
  EXPECT_EQ(trials.back().result.mistakes, ok_result(9999).mistakes);
  EXPECT_EQ(trials.back().result.robustness, ok_result(9999).robustness);
  const std::vector<StoredTrial> lean = s.read_trials(Store::Details::kNone);
  ASSERT_EQ(lean.size(), 4201u);
  EXPECT_TRUE(lean.back().result.epochs.empty());
  EXPECT_TRUE(lean.back().result.confusion.empty());
  EXPECT_EQ(lean.back().result.test_acc, trials.back().result.test_acc);
  EXPECT_EQ(lean[4100].param("filters"), "8");
}

TEST(Store, WholeRowsComeWithTheirOwnDetailsAndSkipWhatAKillLeft) {
  const std::string path = temp_path("r.h5");
  {
    Store s = Store::create(path, StoreInfo{});
    for (std::uint64_t id = 1; id <= 4; ++id) {
      TrialResult r = ok_result(id);
      r.confusion = {static_cast<std::int64_t>(id), 10, 11, 39};
      s.append(spec_with(id, "8"), r);
    }
  }
  {  // a kill after trial 5's details, before its row: orphans naming row 4
    Handle f(H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT), H5Fclose, "open");
    const RowLayout& el = epochs_layout();
    std::vector<char> rows(el.row_size(), 0);
    el.set_u64(rows.data(), 0, 5);
    el.set_i64(rows.data(), el.index_of("trial_row"), 4);
    append_rows(f.get(), "epochs", el, rows.data(), 1);
  }
  const Store s = Store::open_read(path);
  const std::vector<StoredTrial> whole = s.read_trials();
  std::vector<StoredTrial> got;
  s.read_whole_rows({0, 2, 3, 4}, 2, [&](std::vector<StoredTrial>& batch) {
    EXPECT_LE(batch.size(), 2u);
    for (auto& t : batch) got.push_back(std::move(t));
  });
  ASSERT_EQ(got.size(), 4u);
  for (std::size_t i = 0; i < 3; ++i) {
    const StoredTrial& want = whole[i == 0 ? 0 : i + 1];
    EXPECT_EQ(got[i].result.trial_id, want.result.trial_id);
    EXPECT_EQ(got[i].result.epochs.size(), 2u);
    EXPECT_EQ(got[i].result.confusion, want.result.confusion);
    EXPECT_EQ(got[i].result.mistakes, want.result.mistakes);
    EXPECT_EQ(got[i].result.robustness, want.result.robustness);
    EXPECT_EQ(got[i].result.activations, want.result.activations);
    EXPECT_EQ(got[i].result.calibration, want.result.calibration);
    EXPECT_EQ(got[i].param("filters"), "8");
  }
  EXPECT_EQ(got[3].result.trial_id, 0u);  // past the end: the orphan epoch row is not a trial
  EXPECT_THROW(s.read_whole_rows({2, 1}, 4, [](std::vector<StoredTrial>&) {}),
               std::invalid_argument);
}

TEST(Store, ReadersSeeAFileWhileItIsWritten) {
  const std::string path = temp_path("r.h5");
  Store w = Store::create(path, StoreInfo{});
  w.append(spec_with(1, "8"), ok_result(1));
  EXPECT_EQ(Store::open_read(path).read_trials().size(), 1u);
  w.append(spec_with(2, "16"), ok_result(2));
  std::vector<StoredTrial> seen = Store::open_read(path).read_trials();
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[1].result.confusion, (std::vector<std::int64_t>{40, 10, 11, 39}));
}

TEST(Store, ASecondWriterIsRefused) {
  const std::string path = temp_path("r.h5");
  Store w = Store::create(path, StoreInfo{});
  EXPECT_THROW(Store::open_append(path), StoreLockedError);
}

TEST(Store, AKilledWriterLeavesEveryFlushedTrialAndTheFileResumes) {
  const std::string path = temp_path("r.h5");
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    Store w = Store::create(path, StoreInfo{});
    for (std::uint64_t id = 1; id <= 3; ++id) w.append(spec_with(id, "8"), ok_result(id));
    kill(getpid(), SIGKILL);
  }
  int status = 0;
  waitpid(child, &status, 0);
  ASSERT_TRUE(WIFSIGNALED(status));
  EXPECT_EQ(Store::open_read(path).read_trials().size(), 3u);
  Store::open_append(path).append(spec_with(4, "8"), ok_result(4));  // lock released by death
  std::vector<StoredTrial> after = Store::open_read(path).read_trials();
  ASSERT_EQ(after.size(), 4u);
  EXPECT_EQ(after[3].result.epochs.size(), 2u);
  // Closed cleanly now: a plain HDF5 open (what h5py does by default) works again.
  hid_t f = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  EXPECT_GE(f, 0);
  if (f >= 0) H5Fclose(f);
}

// Where a dataset's object header lies: its address and size in the file.
std::pair<haddr_t, hsize_t> header_of(const std::string& path, const char* table) {
  hid_t f = H5Fopen(path.c_str(), H5F_ACC_RDONLY | H5F_ACC_SWMR_READ, H5P_DEFAULT);
  H5O_info_t info{};
  const herr_t got =
      H5Oget_info_by_name2(f, table, &info, H5O_INFO_BASIC | H5O_INFO_HDR, H5P_DEFAULT);
  H5Fclose(f);
  if (got < 0) throw std::runtime_error(std::string("no object header for ") + table);
  return {info.addr, info.hdr.space.total};
}

TEST(Store, NoObjectHeaderStraddlesAPageOfThePageCache) {
  // kill -9 can cut a write between two 4 KiB pages; a header that spans two would be left
  // with a wrong checksum for good (it happened to the confusion table before paged files).
  const std::string path = temp_path("r.h5");
  {
    Store w = Store::create(path, StoreInfo{});
    for (std::uint64_t id = 1; id <= 150; ++id) w.append(spec_with(id, "8"), ok_result(id));
  }
  for (const char* table : {"trials", "epochs", "confusion", "per_class", "texts"}) {
    const auto [addr, size] = header_of(path, table);
    ASSERT_GT(size, 0u) << table;
    EXPECT_EQ(addr / 4096, (addr + size - 1) / 4096)
        << table << ": header at " << addr << ", " << size << " bytes";
  }
}

TEST(Store, AMillionTrialsFitTheChunkCountThatKeepsTheChunkIndexInPages) {
  // Up to 8,180 chunks a table, HDF5's extensible-array chunk index keeps its blocks under the
  // 4 KiB page (the kill -9 protection above). A million 10-class trials: 3 epoch rows, 10
  // per-class rows, 32 mistakes and the confusion matrix's nonzero cells, counted at 32 (its
  // diagonal and its common confusions).
  const std::string path = temp_path("r.h5");
  Store::create(path, StoreInfo{}).append(spec_with(1, "8"), ok_result(1));
  Handle f(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose, "open");
  // robustness: every default level; activations: a resnet-18's 17 layers; texts: one of its own
  // per trial (a checkpoint path each).
  const std::pair<const char*, double> rows_per_trial[] = {
      {"trials", 1},       {"epochs", 3},       {"per_class", 10},
      {"confusion", 32},   {"mistakes", 32},    {"robustness", 24},
      {"activations", 17}, {"calibration", 15}, {"texts", 1}};
  for (const auto& [table, per_trial] : rows_per_trial) {
    Handle d(H5Dopen2(f.get(), table, H5P_DEFAULT), H5Dclose, "open table");
    Handle plist(H5Dget_create_plist(d.get()), H5Pclose, "creation properties");
    hsize_t chunk = 0;
    ASSERT_EQ(H5Pget_chunk(plist.get(), 1, &chunk), 1) << table;
    EXPECT_GE(8180.0 * static_cast<double>(chunk) / per_trial, 1e6) << table << ": " << chunk;
  }
}

TEST(Store, ADamagedHeaderFailsReadsWithItsCauseInsteadOfHanging) {
  const std::string path = temp_path("r.h5");
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {  // a killed writer: readers must take the SWMR path, which retries
    Store w = Store::create(path, StoreInfo{});
    w.append(spec_with(1, "8"), ok_result(1));
    kill(getpid(), SIGKILL);
  }
  int status = 0;
  waitpid(child, &status, 0);
  ASSERT_TRUE(WIFSIGNALED(status));
  const auto [addr, size] = header_of(path, "confusion");
  {
    std::fstream io(path, std::ios::in | std::ios::out | std::ios::binary);
    io.seekg(static_cast<std::streamoff>(addr + size / 2));
    const char byte = static_cast<char>(io.get() ^ 0x5a);
    io.seekp(static_cast<std::streamoff>(addr + size / 2));
    io.put(byte);
  }
  try {
    Store::open_read(path).read_trials();
    FAIL() << "read a damaged table";
  } catch (const StoreError& e) {
    EXPECT_NE(std::string(e.what()).find(path + ": open table confusion"), std::string::npos)
        << e.what();
    EXPECT_NE(std::string(e.what()).find("checksum"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace sweep::results
