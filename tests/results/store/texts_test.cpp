// Format version 2: the trials table's texts kept once in table `texts`, their numbers in the
// rows; files of version 1 (texts in the rows) read and append as before.
#include "results/store/texts.h"

#include <gtest/gtest.h>
#include <hdf5.h>

#include <algorithm>
#include <cstdlib>
#include <string>
#include <vector>

#include "core/keys.h"
#include "results/h5/attributes.h"
#include "results/h5/table.h"
#include "results/store/store.h"
#include "results/store/store_schema.h"

namespace sweep::results {
namespace {

std::string temp_path(const std::string& name) {
  std::string tmpl = "/tmp/sweep-texts-XXXXXX";
  if (mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp");
  return tmpl + "/" + name;
}

TrialSpec spec_of(std::uint64_t id, const std::string& data_dir, const std::string& mean) {
  TrialSpec s;
  s.trial_id = id;
  for (const auto& k : known_keys()) {
    std::string v = k.default_value;
    if (k.name == "filters") v = std::to_string(id);
    if (k.name == "data_dir") v = data_dir;
    if (k.name == "mean") v = mean;
    s.params.emplace_back(k.name, v);
  }
  return s;
}

TrialResult result_of(std::uint64_t id, const std::string& message, const std::string& host) {
  TrialResult r;
  r.trial_id = id;
  r.status = message.empty() ? Status::kOk : Status::kFailed;
  r.message = message;
  r.host = host;
  r.device = "cpu";
  r.checkpoint = message.empty() ? "r.h5.checkpoints/" + std::to_string(id) + ".pt" : "";
  r.val_acc = 0.5 + 0.001 * static_cast<double>(id);
  return r;
}

std::vector<std::string> stored_texts(const std::string& path) {
  Handle f(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose, "open");
  return *read_texts(f.get());
}

std::size_t trial_row_bytes(const std::string& path) {
  Handle f(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose, "open");
  return native_layout(f.get(), "trials")->row_size();
}

// Every row of `s`'s trials table as scan_trials reads it (the file's own row layout).
std::vector<StoredTrial> scanned_trials(const Store& s) {
  std::vector<StoredTrial> out;
  s.scan_trials([&](const Store::TrialBlock& b) {
    for (std::size_t j = 0; j < b.count; ++j) b.reader->read(b.row(j), out.emplace_back());
  });
  return out;
}

// Turns the file at `path` (one Store::create made, no trials yet) into one as format version 1
// wrote it: texts in the rows, no texts table.
void make_version_1(const std::string& path) {
  Handle f(H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT), H5Fclose, "open");
  ASSERT_GE(H5Ldelete(f.get(), "trials", H5P_DEFAULT), 0);
  ASSERT_GE(H5Ldelete(f.get(), "texts", H5P_DEFAULT), 0);
  create_table(f.get(), "trials", legacy_trials_layout(), 128);
  ASSERT_GE(H5Adelete(f.get(), "format_version"), 0);
  write_attr(f.get(), "format_version", 1.0);
}

TEST(Texts, EachTextIsStoredOnceAndReadsBackInEveryRow) {
  const std::string path = temp_path("r.h5");
  {
    Store s = Store::create(path, StoreInfo{});
    for (std::uint64_t id = 1; id <= 6; ++id) {
      s.append(spec_of(id, "/data/digits", id % 2 ? "0.5" : ""),
               result_of(id, id == 3 ? "out of memory" : "", id <= 3 ? "node1" : "node2"));
    }
  }
  // data_dir, mean, 2 hosts, 1 message, 5 checkpoints; the empty text is never stored.
  const std::vector<std::string> texts = stored_texts(path);
  EXPECT_EQ(texts.size(), 10u);
  for (const char* t : {"/data/digits", "0.5", "node1", "node2", "out of memory"}) {
    EXPECT_EQ(std::count(texts.begin(), texts.end(), t), 1) << t;
  }
  Store s = Store::open_read(path);
  for (auto details : {Store::Details::kAll, Store::Details::kNone}) {
    const std::vector<StoredTrial> back = s.read_trials(details);
    ASSERT_EQ(back.size(), 6u);
    for (std::uint64_t id = 1; id <= 6; ++id) {
      const StoredTrial& t = back[id - 1];
      const TrialResult want =
          result_of(id, id == 3 ? "out of memory" : "", id <= 3 ? "node1" : "node2");
      EXPECT_EQ(t.param("data_dir"), "/data/digits");
      EXPECT_EQ(t.param("mean"), id % 2 ? "0.5" : "");
      EXPECT_EQ(t.param("train_csv"), "");
      EXPECT_EQ(t.result.message, want.message);
      EXPECT_EQ(t.result.host, want.host);
      EXPECT_EQ(t.result.checkpoint, want.checkpoint);
      EXPECT_EQ(t.result.device, "cpu");
    }
  }
  const std::vector<StoredTrial> picked = s.read_trial_rows({4, 2});
  ASSERT_EQ(picked.size(), 2u);
  EXPECT_EQ(picked[0].result.host, "node2");
  EXPECT_EQ(picked[1].result.message, "out of memory");
  std::vector<std::string> scanned;
  for (const StoredTrial& t : scanned_trials(s)) {
    scanned.push_back(t.result.host + " " + t.param("data_dir"));
  }
  EXPECT_EQ(scanned, (std::vector<std::string>{"node1 /data/digits", "node1 /data/digits",
                                               "node1 /data/digits", "node2 /data/digits",
                                               "node2 /data/digits", "node2 /data/digits"}));
}

TEST(Texts, AReopenedFileKeepsTheNumbersOfItsTexts) {
  const std::string path = temp_path("r.h5");
  Store::create(path, StoreInfo{}).append(spec_of(1, "/data", ""), result_of(1, "", "node1"));
  {
    Store s = Store::open_append(path);
    s.append(spec_of(2, "/data", ""), result_of(2, "", "node1"));
    s.append(spec_of(3, "/other", ""), result_of(3, "", "node1"));
  }
  // /data, node1, /other and three checkpoints: nothing stored twice across the reopen.
  EXPECT_EQ(stored_texts(path).size(), 6u);
  const std::vector<StoredTrial> back = Store::open_read(path).read_trials();
  ASSERT_EQ(back.size(), 3u);
  EXPECT_EQ(back[1].param("data_dir"), "/data");
  EXPECT_EQ(back[2].param("data_dir"), "/other");
  EXPECT_EQ(back[2].result.host, "node1");
}

TEST(Texts, TextsOfARowThatAKillLeftUnwrittenAreReusedNotDuplicated) {
  const std::string path = temp_path("r.h5");
  Store::create(path, StoreInfo{}).append(spec_of(1, "/data", ""), result_of(1, "", "node1"));
  {  // a kill after the texts of trial 2 reached the file, before its trial row
    Handle f(H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT), H5Fclose, "open");
    TextInterner texts(f.get());
    EXPECT_EQ(texts.ref("/data"), 1u);  // stored by trial 1
    const std::uint32_t lost = texts.ref("crashed here");
    EXPECT_EQ(texts.ref(""), 0u);
    TableAppender table(f.get(), kTextsTable, texts_layout());
    texts.write_pending(table);
    // and one text row extended but never written, as a kill inside the append can leave
    const std::vector<char> empty(texts_layout().row_size(), 0);
    table.append(empty.data(), 1);
    EXPECT_EQ(lost, 4u);  // after /data, node1 and trial 1's checkpoint
  }
  {
    Store s = Store::open_append(path);
    s.append(spec_of(2, "/data", ""), result_of(2, "crashed here", "node1"));
    s.append(spec_of(3, "/new", ""), result_of(3, "", "node1"));
  }
  const std::vector<std::string> texts = stored_texts(path);
  EXPECT_EQ(std::count(texts.begin(), texts.end(), "crashed here"), 1);
  EXPECT_EQ(texts.size(), 7u);  // 4, the empty row, /new and trial 3's checkpoint
  const std::vector<StoredTrial> back = Store::open_read(path).read_trials();
  ASSERT_EQ(back.size(), 3u);
  EXPECT_EQ(back[1].result.message, "crashed here");
  EXPECT_EQ(back[2].param("data_dir"), "/new");
}

TEST(Texts, LongTextsAreCutAsBeforeAndTheCutTextIsStoredOnce) {
  const std::string path = temp_path("r.h5");
  const std::string a = std::string(kTextLen, 'x') + "a", b = std::string(kTextLen, 'x') + "b";
  {
    Store s = Store::create(path, StoreInfo{});
    s.append(spec_of(1, "/d", ""), result_of(1, a, "n"));
    s.append(spec_of(2, "/d", ""), result_of(2, b, "n"));
  }
  EXPECT_EQ(stored_texts(path).size(), 3u);
  const std::vector<StoredTrial> back = Store::open_read(path).read_trials();
  ASSERT_EQ(back.size(), 2u);
  EXPECT_EQ(back[0].result.message, std::string(kTextLen, 'x'));
  EXPECT_EQ(back[1].result.message, std::string(kTextLen, 'x'));
}

TEST(Texts, ARowOfVersion2IsAFractionOfAVersion1Row) {
  const std::string path = temp_path("r.h5");
  Store::create(path, StoreInfo{}).append(spec_of(1, "/d", ""), result_of(1, "", "n"));
  const std::size_t v2 = trial_row_bytes(path), v1 = legacy_trials_layout().row_size();
  // Ten texts of 64 to 256 bytes each became 4-byte numbers.
  EXPECT_EQ(v1 - v2,
            7 * (kPathLen - 4) + 2 * (kListLen - 4) + (find_result_column("host")->width - 4));
  Handle f(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose, "open");
  EXPECT_EQ(read_num_attr(f.get(), "format_version"), 2.0);
}

TEST(Texts, AFileOfVersion1ReadsAndGrowsInItsOwnFormat) {
  const std::string path = temp_path("old.h5");
  { Store s = Store::create(path, StoreInfo{}); }
  make_version_1(path);
  {
    Store s = Store::open_append(path);
    s.append(spec_of(1, "/data/v1", "0.25"), result_of(1, "disk full", "old-node"));
    s.append(spec_of(2, "/data/v1", ""), result_of(2, "", "old-node"));
  }
  {
    Handle f(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose, "open");
    EXPECT_FALSE(has_table(f.get(), "texts"));
    EXPECT_EQ(native_layout(f.get(), "trials")->row_size(), legacy_trials_layout().row_size());
    EXPECT_EQ(read_num_attr(f.get(), "format_version"), 1.0);
  }
  Store s = Store::open_read(path);
  const std::vector<StoredTrial> back = s.read_trials();
  ASSERT_EQ(back.size(), 2u);
  EXPECT_EQ(back[0].param("data_dir"), "/data/v1");
  EXPECT_EQ(back[0].param("mean"), "0.25");
  EXPECT_EQ(back[0].result.message, "disk full");
  EXPECT_EQ(back[1].result.host, "old-node");
  EXPECT_EQ(back[1].result.checkpoint, "r.h5.checkpoints/2.pt");
  std::vector<std::string> hosts;
  for (const StoredTrial& t : scanned_trials(s)) hosts.push_back(t.result.host);
  EXPECT_EQ(hosts, (std::vector<std::string>{"old-node", "old-node"}));
}

TEST(Texts, ANumberTheReaderLacksReadsAsEmptyText) {
  RowLayout l({Column{"t", ColType::kText, 0, 0}});
  std::vector<char> row(l.row_size(), 0);
  l.set_text_ref(row.data(), 0, 2);
  EXPECT_EQ(l.get_text(row.data(), 0), "");  // no texts bound
  l.bind_texts(std::make_shared<std::vector<std::string>>(std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(l.get_text(row.data(), 0), "b");
  l.set_text_ref(row.data(), 0, 3);
  EXPECT_EQ(l.get_text(row.data(), 0), "");
  l.set_text_ref(row.data(), 0, 0);
  EXPECT_EQ(l.get_text(row.data(), 0), "");
}

}  // namespace
}  // namespace sweep::results
