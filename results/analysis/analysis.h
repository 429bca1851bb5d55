// Statistics over the trials of a sweep, shared by `sweep rank --group-by` and `sweep report`:
// which keys were swept, the metric per value of a key, and how much of the metric's variance
// each key explains.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "results/store/store.h"

namespace sweep::results {

// The value of `key` in trial `t`: a parameter, or its status for key "status".
std::string trial_value(const StoredTrial& t, const std::string& key);

// The keys that make trial ids (in the key schema's order) whose values differ between
// `trials`: the axes of the sweep, as far as the stored trials show.
std::vector<std::string> swept_keys(const std::vector<StoredTrial>& trials);

// The metric among the trials that have one value of a key.
struct GroupStats {
  std::string value;
  std::size_t trials = 0;  // all trials with the value
  std::size_t ranked = 0;  // ok trials with a value of the metric
  double best = 0, mean = 0,
         sd = 0;  // over the ranked ones; NaN when there are none (sd: 0 for one)
};

// One GroupStats per value of `key` among `trials`, in increasing order of the value (as
// numbers when every value is one, else as text). `metric` is one of rank_metrics();
// `higher`: whether higher is better (for `best`).
std::vector<GroupStats> group_stats(const std::vector<StoredTrial>& trials, const std::string& key,
                                    const std::string& metric, bool higher);

// group_stats over trials given as (group, metric) items: the trial's value of the key is
// group_values[group], its metric NaN unless it is ok and has one.
std::vector<GroupStats> group_stats_of(const std::vector<std::string>& group_values,
                                       const std::vector<std::pair<std::size_t, double>>& items,
                                       bool higher);

// The share of the metric's variance (over ok trials with a value of it) that the main effect
// of a key explains: the between-group sum of squares of its values over the total sum of
// squares, in [0, 1]. On a full grid the shares of all keys sum to at most 1; the rest is
// interactions and noise. All 0 when the metric does not vary or fewer than 2 trials have it.
struct KeyImportance {
  std::string key;
  double share = 0;
};

// KeyImportance of every key in `keys`, largest share first (ties: the order of `keys`).
std::vector<KeyImportance> importance(const std::vector<StoredTrial>& trials,
                                      const std::vector<std::string>& keys,
                                      const std::string& metric);

}  // namespace sweep::results
