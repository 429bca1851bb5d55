// The ranked table of `sweep rank`: best trials first, the swept parameters and the metrics.
#pragma once

#include <string>
#include <vector>

#include "results/store.h"

namespace sweep::results {

struct RankOptions {
  std::string by;        // metric to sort by; "" = test_acc when any trial has one, else val_acc
  std::size_t top = 10;  // rows shown; 0 = all
};

// Metrics `--by` accepts, and whether higher is better for each.
const std::vector<std::pair<std::string, bool>>& rank_metrics();

// Formats the table: one row per trial id (best_per_trial: a retried trial counts once),
// finished trials with a value of the metric, best first (ties broken by trial id), showing the
// parameters whose values differ between trials, then a line counting failed and diverged trials.
// Throws UsageError on an unknown metric.
std::string rank_table(const std::vector<StoredTrial>& trials, const RankOptions& options);

}  // namespace sweep::results
