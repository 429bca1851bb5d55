#include "sweep/search/median_stopping.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace sweep {

void MedianStopping::add(const TrialResult& r) {
  if (r.status != Status::kOk || !ids_.insert(r.trial_id).second) return;
  for (const EpochMetrics& e : r.epochs) {
    if (!std::isnan(e.val_acc)) at_epoch_[e.epoch].push_back(e.val_acc);
  }
}

std::string MedianStopping::verdict(const std::vector<EpochMetrics>& so_far) const {
  if (so_far.empty() || ids_.size() < std::max<std::size_t>(s_.min_trials, 1)) return "";
  const int epoch = so_far.back().epoch;
  if (epoch <= s_.warmup) return "";
  const auto it = at_epoch_.find(epoch);
  if (it == at_epoch_.end() || it->second.empty()) return "";
  std::vector<double> v = it->second;
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  const double median = n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
  double best = NAN;
  for (const EpochMetrics& e : so_far) {
    if (!std::isnan(e.val_acc) && (std::isnan(best) || e.val_acc > best)) best = e.val_acc;
  }
  if (!std::isnan(best) && best >= median) return "";
  char why[200];
  std::snprintf(why, sizeof why,
                "stopped at epoch %d by the median rule: best val_acc %.4f below the median "
                "%.4f of %zu completed trials there",
                epoch, best, median, n);
  return why;
}

}  // namespace sweep
