// The jobs of one `sweep run` on rank 0: the WorkSource its search kind needs (the plan's trial
// list, successive halving, TPE, or TPE feeding successive halving) with what the file already
// holds restored into it, stacked with the wrappers its settings ask for (kept checkpoints,
// median stopping) and the trial states every sweep keeps. One object owns them all, so that a
// reader sees the stack in one place.
#pragma once

#include <cstddef>
#include <optional>

#include "sweep/commands/kept_checkpoints.h"
#include "sweep/commands/run_prepare.h"
#include "sweep/grid/grid.h"
#include "sweep/search/asha_work.h"
#include "sweep/search/median_stopping.h"
#include "sweep/search/tpe_work.h"
#include "sweep/search/trial_states.h"
#include "sweep/search/work_source.h"

namespace sweep {

class SweepWork {
 public:
  // Builds the source for `p.kind`, restores `p.stored` into it (retrying failed trials when
  // `retry_failed`), and stacks the checkpointing and stopping wrappers. `p` must outlive it.
  SweepWork(const Prepared& p, bool retry_failed);
  SweepWork(const SweepWork&) = delete;
  SweepWork& operator=(const SweepWork&) = delete;

  // Where the coordinator takes its jobs.
  WorkSource& source() { return *source_; }
  // The jobs this run expects to finish: trials left (list), rung jobs left (halving, at least
  // 1), samples left plus retries (tpe).
  std::size_t total() const { return total_; }
  // Results of earlier runs restored into the source (halving: rung results; tpe: trials).
  std::size_t restored() const { return restored_; }
  // The median stopping rule, fed with the stored results (used only with stopping = median).
  const MedianStopping& rule() const { return rule_; }

  // The successive-halving source (kAsha, kTpeHalving), else nullptr.
  const AshaWork* asha() const { return asha_ ? &*asha_ : nullptr; }
  // The TPE source (kTpe), else nullptr.
  const TpeWork* tpe() const { return tpe_ ? &*tpe_ : nullptr; }
  // Whether every job of the sweep has run (false while jobs are left or were abandoned).
  bool all_done(std::size_t done) const;

 private:
  std::optional<Grid> config_grid_;  // kTpeHalving: the configurations' grid
  std::optional<AshaWork> asha_;
  std::optional<TpeWork> tpe_;
  std::optional<TrialList> list_;
  std::optional<TrialStates> states_;
  std::optional<CheckpointingWork> checkpointing_;
  MedianStopping rule_;
  std::optional<StoppingWork> stopping_;
  WorkSource* source_ = nullptr;
  std::size_t restored_ = 0, total_ = 0;
};

}  // namespace sweep
