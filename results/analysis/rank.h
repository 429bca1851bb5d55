// The ranked table of `sweep rank`: best trials first, the swept parameters and the metrics.
#pragma once

#include <string>
#include <vector>

#include "results/analysis/where.h"  // the --where filter of RankOptions
#include "results/store/store.h"

namespace sweep::results {

struct RankOptions {
  std::string by;        // metric to sort by; "" = val_acc when any trial has one, else test_acc
  std::size_t top = 10;  // rows shown; 0 = all
  std::vector<std::pair<std::string, std::string>> where;  // only trials with these values
  std::string group_by;  // a key: one row per value with the metric's best, mean and std
};

// Metrics `--by` accepts, and whether higher is better for each: the result columns that can
// rank (core/result_columns.h), in their order.
const std::vector<std::pair<std::string, bool>>& rank_metrics();

// The value of metric `name` (one of rank_metrics) of `r`; NaN when absent or unknown.
double metric_value(const TrialResult& r, const std::string& name);

// The metric to rank `trials` by: `by`, or when empty val_acc if any trial has one (trials
// are chosen on validation), else test_acc; with whether higher is better. Throws UsageError
// on an unknown metric.
std::pair<std::string, bool> resolve_metric(const std::vector<StoredTrial>& trials,
                                            const std::string& by);

// Whether ranking `trials` by `metric` chooses them on the test set: test_acc, test_loss, and
// macro_f1, auc and qwk when a trial computed them on the test set.
bool selects_on_test(const std::vector<StoredTrial>& trials, const std::string& metric);

// The line that says how trials ranked by `metric` were chosen: on validation, with test_acc
// as the held-out estimate; or on the test set, a warning that the best value is optimistic
// and how to choose on validation instead. "" when no ok trial has the metric.
std::string selection_note(const std::vector<StoredTrial>& trials, const std::string& metric);

// Whether `a` ranks before `b` by `metric`: the better value first, ties by the smaller trial
// id (as --keep-best and predict --from break them).
bool ranks_before(const TrialResult& a, const TrialResult& b, const std::string& metric,
                  bool higher);

// Formats the table: one row per trial id (best_per_trial: a retried trial counts once),
// finished trials with a value of the metric, best first (ties broken by trial id), showing the
// parameters whose values differ between trials, then a line counting failed and diverged trials.
// Filters by options.where first. Throws UsageError on an unknown metric.
std::string rank_table(const std::vector<StoredTrial>& trials, const RankOptions& options);

// rank_table of the trials of `files` (in that order), read block by block: the same table,
// in memory proportional to the number of trials (about 100 bytes each) instead of their
// rows; only the rows shown are read whole. Throws UsageError, StoreError.
std::string rank_files(const std::vector<std::string>& files, const RankOptions& options);
// rank_files of open stores (also one open for writing: the end of `sweep run`).
std::string rank_stores(const std::vector<const Store*>& stores, const RankOptions& options);
// rank_files of an earlier scan of stores (made with options.where;
// results/analysis/trial_digest.h).
struct DigestScan;
std::string rank_scan(const DigestScan& scan, const RankOptions& options);

// The --group-by table: for each value of options.group_by among the (filtered) trials, the
// number of finished trials with the metric and its best, mean and standard deviation, best
// value first. Throws UsageError on an unknown metric or key.
std::string group_table(const std::vector<StoredTrial>& trials, const RankOptions& options);

// group_table of the trials of `files`, read block by block as rank_files does. Throws
// UsageError, StoreError.
std::string group_files(const std::vector<std::string>& files, const RankOptions& options);

}  // namespace sweep::results
