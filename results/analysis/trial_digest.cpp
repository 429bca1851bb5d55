#include "results/analysis/trial_digest.h"

#include <algorithm>
#include <cstring>
#include <tuple>
#include <unordered_map>

#include "core/keys.h"
#include "results/analysis/rank.h"
#include "results/h5/table.h"
#include "results/store/store_schema.h"

namespace sweep::results {
namespace {

// A digest's ref for row `row` of file `file`.
constexpr int kRowBits = 40;
std::size_t ref_of(std::size_t file, std::size_t row) { return (file << kRowBits) | row; }
std::size_t file_of(std::size_t ref) { return ref >> kRowBits; }
std::size_t row_of(std::size_t ref) { return ref & ((std::size_t{1} << kRowBits) - 1); }

std::size_t key_index(const std::string& key) {
  const KeySpec* k = find_key(key);
  return k == nullptr ? known_keys().size() : static_cast<std::size_t>(k - known_keys().data());
}

// Finds the keys in trial ids whose values differ between the rows given to it. Within a
// file, equal values are equal bytes (fixed-width columns, zero-padded text), so a row is
// compared byte-wise with the file's first row, and that row as text with the first row of all.
class SweptFinder {
 public:
  SweptFinder() : swept_(known_keys().size(), false), first_(known_keys().size()) {}

  // The rows that follow come from another file (another layout).
  void next_file() { ref_row_.clear(); }

  void add(const Store::TrialBlock& b, std::size_t j) {
    const auto& keys = known_keys();
    const RowLayout& l = *b.layout;
    const char* p = b.row(j);
    if (ref_row_.empty()) {
      ref_row_.assign(p, p + l.row_size());
      for (std::size_t k = 0; k < keys.size(); ++k) {
        if (!keys[k].in_id) continue;
        const std::string v = b.reader->param(p, k);
        if (!have_first_) first_[k] = v;
        if (v != first_[k]) swept_[k] = true;
      }
      have_first_ = true;
      make_runs(b);
      return;
    }
    for (std::size_t r = 0; r < runs_.size(); ++r) {
      const Run& run = runs_[r];
      if (std::memcmp(p + run.offset, ref_row_.data() + run.offset, run.size) == 0) continue;
      for (const auto& [k, offset, size] : run.keys) {
        if (std::memcmp(p + offset, ref_row_.data() + offset, size) != 0) swept_[k] = true;
      }
      stale_ = true;
    }
    if (stale_) make_runs(b);
  }

  std::vector<std::string> keys() const {
    std::vector<std::string> out;
    for (std::size_t k = 0; k < swept_.size(); ++k) {
      if (swept_[k]) out.push_back(known_keys()[k].name);
    }
    return out;
  }

 private:
  // Adjacent columns of keys not yet found swept, compared with one memcmp.
  struct Run {
    std::size_t offset = 0, size = 0;
    std::vector<std::tuple<std::size_t, std::size_t, std::size_t>> keys;  // key, offset, size
  };
  void make_runs(const Store::TrialBlock& b) {
    std::vector<std::tuple<std::size_t, std::size_t, std::size_t>> cols;  // offset, size, key
    for (std::size_t k = 0; k < swept_.size(); ++k) {
      const int c = b.reader->key_column(k);
      if (!known_keys()[k].in_id || swept_[k] || c < 0) continue;
      const Column& col = b.layout->columns()[static_cast<std::size_t>(c)];
      cols.emplace_back(col.offset, column_bytes(col), k);
    }
    std::sort(cols.begin(), cols.end());
    runs_.clear();
    for (const auto& [offset, size, k] : cols) {
      if (runs_.empty() || runs_.back().offset + runs_.back().size != offset) {
        runs_.push_back(Run{offset, 0, {}});
      }
      runs_.back().size += size;
      runs_.back().keys.emplace_back(k, offset, size);
    }
    stale_ = false;
  }

  std::vector<bool> swept_;
  std::vector<Run> runs_;
  bool stale_ = false;
  std::vector<std::string> first_;  // the first row's values, as text
  bool have_first_ = false;
  std::vector<char> ref_row_;  // this file's first row, as stored
};

}  // namespace

std::size_t digest_ref(std::size_t store, std::size_t row) { return ref_of(store, row); }
std::size_t digest_store(std::size_t ref) { return file_of(ref); }
std::size_t digest_row(std::size_t ref) { return row_of(ref); }

TrialDigest digest_of(const TrialResult& r, std::size_t ref) {
  TrialDigest d;
  d.trial_id = r.trial_id;
  d.status = r.status;
  d.on_test = r.eval_split == "test";
  for (std::size_t m = 0; m < rank_metrics().size(); ++m) {
    d.metrics[m] = metric_value(r, rank_metrics()[m].first);
  }
  d.rung = r.rung;
  d.ref = ref;
  return d;
}

std::vector<TrialDigest> best_digests(const std::vector<TrialDigest>& all) {
  // By id (and file order within an id): sorting a million indices is much cheaper than a
  // hash map of a million nodes.
  std::vector<std::uint32_t> by_id(all.size());
  for (std::size_t i = 0; i < all.size(); ++i) by_id[i] = static_cast<std::uint32_t>(i);
  std::sort(by_id.begin(), by_id.end(), [&](std::uint32_t a, std::uint32_t b) {
    return all[a].trial_id != all[b].trial_id ? all[a].trial_id < all[b].trial_id : a < b;
  });
  std::vector<std::pair<std::uint32_t, std::uint32_t>> kept;  // first appearance, chosen copy
  kept.reserve(all.size());
  for (std::size_t i = 0; i < by_id.size();) {
    std::size_t end = i + 1;
    std::uint32_t chosen = by_id[i];
    for (; end < by_id.size() && all[by_id[end]].trial_id == all[by_id[i]].trial_id; ++end) {
      if (status_preference(all[by_id[end]].status) <= status_preference(all[chosen].status)) {
        chosen = by_id[end];
      }
    }
    kept.emplace_back(by_id[i], chosen);
    i = end;
  }
  std::sort(kept.begin(), kept.end());
  std::vector<TrialDigest> out;
  out.reserve(kept.size());
  for (const auto& [first, chosen] : kept) out.push_back(all[chosen]);
  return out;
}

std::vector<TrialDigest> best_matching(const std::vector<TrialDigest>& all) {
  std::vector<TrialDigest> out = best_digests(all);
  out.erase(
      std::remove_if(out.begin(), out.end(), [](const TrialDigest& d) { return !d.where_ok; }),
      out.end());
  return out;
}

DigestScan scan_digests(const std::vector<const Store*>& stores,
                        const std::vector<std::pair<std::string, std::string>>& where,
                        const std::string& group_by) {
  DigestScan scan;
  scan.stores = stores;
  std::unordered_map<std::string, std::uint32_t> group_index;
  const std::size_t group_key = key_index(group_by);
  std::vector<std::size_t> where_keys;
  for (const auto& kv : where) where_keys.push_back(key_index(kv.first));
  TrialResult r;
  SweptFinder swept;
  for (std::size_t f = 0; f < stores.size(); ++f) {
    swept.next_file();
    stores[f]->scan_trials([&](const Store::TrialBlock& b) {
      if (b.first == 0) scan.digests.reserve(scan.digests.size() + b.total);
      for (std::size_t j = 0; j < b.count; ++j) {
        const char* row = b.row(j);
        // Left unwritten by an interrupted append: skipped.
        if (!b.reader->read_result(row, r, /*texts=*/false)) continue;
        TrialDigest d = digest_of(r, ref_of(f, b.first + j));
        auto value_of = [&](std::size_t k, const std::string& key) {
          if (key == "status") return std::string(status_name(r.status));
          return k < known_keys().size() ? b.reader->param(row, k) : std::string();
        };
        for (std::size_t w = 0; w < where.size() && d.where_ok; ++w) {
          d.where_ok = same_value(value_of(where_keys[w], where[w].first), where[w].second);
        }
        if (!group_by.empty()) {
          auto [it, added] = group_index.emplace(value_of(group_key, group_by),
                                                 static_cast<std::uint32_t>(group_index.size()));
          if (added) scan.group_values.push_back(it->first);
          d.group = it->second;
        }
        if (d.where_ok) swept.add(b, j);
        scan.digests.push_back(d);
      }
    });
  }
  scan.swept_where_ok = swept.keys();
  return scan;
}

std::vector<std::string> swept_among(const DigestScan& scan,
                                     const std::vector<TrialDigest>& chosen) {
  const std::size_t matching = static_cast<std::size_t>(std::count_if(
      scan.digests.begin(), scan.digests.end(), [](const TrialDigest& d) { return d.where_ok; }));
  // Every row that matches --where is chosen (no trial was stored twice): the scan's answer.
  if (chosen.size() == matching) return scan.swept_where_ok;
  SweptFinder finder;
  for (std::size_t f = 0; f < scan.stores.size(); ++f) {
    std::vector<bool> wanted;
    for (const auto& d : chosen) {
      if (file_of(d.ref) != f) continue;
      const std::size_t row = row_of(d.ref);
      if (wanted.size() <= row) wanted.resize(row + 1, false);
      wanted[row] = true;
    }
    if (wanted.empty()) continue;
    finder.next_file();
    scan.stores[f]->scan_trials([&](const Store::TrialBlock& b) {
      for (std::size_t j = 0; j < b.count; ++j) {
        const std::size_t row = b.first + j;
        if (row < wanted.size() && wanted[row]) finder.add(b, j);
      }
    });
  }
  return finder.keys();
}

std::vector<StoredTrial> fetch_rows(const DigestScan& scan, const std::vector<std::size_t>& refs) {
  std::vector<StoredTrial> out(refs.size());
  for (std::size_t f = 0; f < scan.stores.size(); ++f) {
    std::vector<std::size_t> rows, at;
    for (std::size_t i = 0; i < refs.size(); ++i) {
      if (file_of(refs[i]) != f) continue;
      rows.push_back(row_of(refs[i]));
      at.push_back(i);
    }
    if (rows.empty()) continue;
    std::vector<StoredTrial> got = scan.stores[f]->read_trial_rows(rows);
    for (std::size_t i = 0; i < at.size(); ++i) out[at[i]] = std::move(got[i]);
  }
  return out;
}

std::vector<Store> open_all(const std::vector<std::string>& files) {
  std::vector<Store> out;
  out.reserve(files.size());
  for (const auto& f : files) out.push_back(Store::open_read(f));
  return out;
}

std::vector<const Store*> pointers_to(const std::vector<Store>& stores) {
  std::vector<const Store*> out;
  for (const auto& s : stores) out.push_back(&s);
  return out;
}

}  // namespace sweep::results
