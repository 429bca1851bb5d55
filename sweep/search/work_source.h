// Where the coordinator loops get their jobs: a fixed list of whole trials (grid and random
// search) or a scheduler that decides as results come in (successive halving).
#pragma once

#include <optional>
#include <vector>

#include "core/trial.h"
#include "core/trial_set.h"
#include "sweep/search/job.h"

namespace sweep {

class WorkSource {
 public:
  virtual ~WorkSource() = default;
  // The job for a worker that is free now; nullopt when none can start now.
  virtual std::optional<Job> next() = 0;
  // True when next() will never give a job again, whatever running jobs report.
  virtual bool exhausted() const = 0;
  // The result of a job handed out by next() (ok, failed or diverged), already stored.
  virtual void finished(const Job& job, const TrialResult& result) = 0;
  // A job handed out by next() that a stop cut short (not stored).
  virtual void abandoned(const Job& job) = 0;
};

// The whole trials `order` (indices into `trials`), in that order, each once.
class TrialList : public WorkSource {
 public:
  TrialList(const TrialSet& trials, const std::vector<std::size_t>& order)
      : trials_(trials), order_(order) {}
  std::optional<Job> next() override {
    if (next_ >= order_.size()) return std::nullopt;
    Job j;
    j.spec = trials_.spec(order_[next_++]);
    return j;
  }
  bool exhausted() const override { return next_ >= order_.size(); }
  void finished(const Job&, const TrialResult&) override {}
  void abandoned(const Job&) override {}  // abandoned trials run on resume

 private:
  const TrialSet& trials_;
  const std::vector<std::size_t>& order_;
  std::size_t next_ = 0;
};

}  // namespace sweep
