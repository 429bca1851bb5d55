// Successive halving as a WorkSource: the AshaScheduler's jobs as trials with training spans
// and state files, promotions ranked by validation accuracy, and resume from stored rung rows.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "sweep/grid/search_space.h"
#include "sweep/search/asha.h"
#include "sweep/search/work_source.h"

namespace sweep {

class AshaWork : public WorkSource {
 public:
  // `configs`: the sampled configurations (each with epochs = max_epochs); `state_dir`: where
  // the training states between rungs are written (it must exist and be visible to every
  // rank). Throws std::invalid_argument on bad settings (see rung_epochs).
  AshaWork(const TrialSet& configs, const SearchSettings& settings, std::string state_dir);

  // Takes a row stored by an earlier run into account: an ok row as the rung result with its
  // val_acc, a failed or diverged row as a result that is never promoted (with retry_failed,
  // failed rows are ignored, so that rung runs again). Rows of other trials are ignored.
  // Returns whether the row was taken. Call before the first next().
  bool restore(const TrialResult& stored, bool retry_failed);

  std::optional<Job> next() override;
  bool exhausted() const override { return scheduler_.finished_all(); }
  void finished(const Job& job, const TrialResult& result) override;
  void abandoned(const Job& job) override;

  // Jobs a full run is expected to take: each rung's share of the configurations.
  std::size_t expected_jobs() const;
  const AshaScheduler& scheduler() const { return scheduler_; }
  // The state file of `config` at `epoch`.
  std::string state_path(std::size_t config, int epoch) const;

 private:
  AshaJob to_asha(const Job& job) const;

  const TrialSet& configs_;
  std::map<std::uint64_t, std::size_t> index_;  // trial id -> config
  AshaScheduler scheduler_;
  std::string state_dir_;
  int eta_;
};

// The rung settings of `s` as AshaSettings for `configs` configurations.
AshaSettings asha_settings(const SearchSettings& s, std::size_t configs);

}  // namespace sweep
