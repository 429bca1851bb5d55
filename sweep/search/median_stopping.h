// The median stopping rule (stopping = median), as Optuna's MedianPruner and Ray Tune's
// MedianStoppingRule: a trial whose best validation accuracy so far is below the median of the
// completed trials' validation accuracy at the same epoch stops there. Pure logic.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "core/trial.h"
#include "sweep/search/work_source.h"

namespace sweep {

struct MedianStoppingSettings {
  int warmup = 0;              // stopping_warmup: no trial stops at an epoch <= this
  std::size_t min_trials = 5;  // stopping_min_trials: completed trials before any stops
};

class MedianStopping {
 public:
  explicit MedianStopping(MedianStoppingSettings s) : s_(s) {}

  // Records a finished trial: a completed one (status ok) becomes a reference with the
  // validation accuracy of each of its epochs; others (pruned, diverged, failed) are not (as
  // Optuna compares with COMPLETE trials only). A trial recorded before is not added again.
  void add(const TrialResult& r);

  // "" when the trial whose epochs so far are `so_far` (the last one the epoch just ended) goes
  // on; else why it stops: its best val_acc up to that epoch is below the median of the
  // references' val_acc at that epoch, at least one reference reached it, at least min_trials
  // completed, and the epoch is above the warmup. A trial without a validation accuracy (NaN)
  // stops once the rule applies, as Optuna prunes a NaN.
  std::string verdict(const std::vector<EpochMetrics>& so_far) const;

  // Completed trials recorded.
  std::size_t references() const { return ids_.size(); }

 private:
  MedianStoppingSettings s_;
  std::set<std::uint64_t> ids_;
  std::map<int, std::vector<double>> at_epoch_;  // epoch -> the references' val_acc there
};

// `inner`'s jobs, each marked to await a verdict after every epoch, and each finished result
// recorded in `rule` (which gives the verdicts through the coordinator's EpochReports).
class StoppingWork : public WorkSource {
 public:
  StoppingWork(WorkSource& inner, MedianStopping& rule) : inner_(inner), rule_(rule) {}
  std::optional<Job> next() override {
    std::optional<Job> j = inner_.next();
    if (j) j->await_verdict = true;
    return j;
  }
  bool exhausted() const override { return inner_.exhausted(); }
  void finished(const Job& job, const TrialResult& result) override {
    rule_.add(result);
    inner_.finished(job, result);
  }
  void abandoned(const Job& job) override { inner_.abandoned(job); }

 private:
  WorkSource& inner_;
  MedianStopping& rule_;
};

}  // namespace sweep
