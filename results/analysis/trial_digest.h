// Stored trials reduced to what `sweep rank` and `rank --group-by` need, about 100 bytes each,
// so that the trials of a file of a million rows fit in memory where their rows do not; and
// the scan of results files that builds them block by block.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "core/result_columns.h"
#include "results/store/store.h"

namespace sweep::results {

struct TrialDigest {
  std::uint64_t trial_id = 0;
  Status status = Status::kFailed;
  bool on_test = false;     // eval_split is "test": macro_f1, auc and qwk are on the test set
  bool where_ok = true;     // it matches --where
  std::uint32_t group = 0;  // --group-by: the index of its value among DigestScan::group_values
  std::int32_t rung = 0;    // successive halving: the rung of this row
  std::array<double, kRankableColumnCount> metrics{};  // in rank_metrics() order
  std::size_t ref = 0;  // where its whole row is: an index into a vector, or file and row
};

// The ref scan_digests gives row `row` of its store `store`, and back.
std::size_t digest_ref(std::size_t store, std::size_t row);
std::size_t digest_store(std::size_t ref);
std::size_t digest_row(std::size_t ref);

// The digest of `r` (where_ok true, group 0).
TrialDigest digest_of(const TrialResult& r, std::size_t ref);

// The value of metric index `m` (into rank_metrics()).
inline double digest_metric(const TrialDigest& d, std::size_t m) { return d.metrics[m]; }

// One digest per trial id, in the order ids first appear: the copy with the best status, and
// of copies with equal status the last one (best_per_trial's rule).
std::vector<TrialDigest> best_digests(const std::vector<TrialDigest>& all);

// The digests of best_digests(all) that match --where (where_ok).
std::vector<TrialDigest> best_matching(const std::vector<TrialDigest>& all);

// resolve_metric, selects_on_test and selection_note (results/analysis/rank.h) over digests.
std::pair<std::string, bool> resolve_metric_of(const std::vector<TrialDigest>& trials,
                                               const std::string& by);
bool selects_on_test_of(const std::vector<TrialDigest>& trials, const std::string& metric);
std::string selection_note_of(const std::vector<TrialDigest>& trials, const std::string& metric);

// The digests of the rows of results files.
struct DigestScan {
  std::vector<const Store*> stores;
  std::vector<TrialDigest> digests;         // every written row of every file, in file order
  std::vector<std::string> group_values;    // the values of the --group-by key, by group index
  std::vector<std::string> swept_where_ok;  // swept_among the rows that match --where
};

// Reads the trials tables of `stores` (which must outlive the scan) in blocks (details are not
// read): one digest per written row, with where_ok from `where` and, when `group_by` is not "",
// its group. Memory: one block of rows and the digests. Throws StoreError.
DigestScan scan_digests(const std::vector<const Store*>& stores,
                        const std::vector<std::pair<std::string, std::string>>& where,
                        const std::string& group_by);

// The keys that make trial ids (in the schema's order) whose stored values differ between
// the trials `chosen` (digests of `scan`), as swept_keys says of StoredTrials. Reads the
// tables again, unless `chosen` are all the rows that match --where. Throws StoreError.
std::vector<std::string> swept_among(const DigestScan& scan,
                                     const std::vector<TrialDigest>& chosen);

// The whole rows (without details) of `refs` (digests' refs of `scan`), in the order given.
// Throws StoreError.
std::vector<StoredTrial> fetch_rows(const DigestScan& scan, const std::vector<std::size_t>& refs);

// Opens each of `files` read-only (Store::open_read, which throws on a bad file).
std::vector<Store> open_all(const std::vector<std::string>& files);

// Pointers to `stores`' elements.
std::vector<const Store*> pointers_to(const std::vector<Store>& stores);

}  // namespace sweep::results
