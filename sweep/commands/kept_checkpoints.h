// sweep run --keep-best K: which trials keep their best-epoch checkpoint. Every job is asked
// to write one (FILE.h5.checkpoints/ID.pt); after each stored result, files of trials no
// longer among the K best by the metric are deleted. No MPI.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/trial.h"
#include "sweep/search/work_source.h"

namespace sweep {

// The folder of the checkpoints of results file `results_file`: "FILE.h5.checkpoints".
std::string checkpoint_dir_of(const std::string& results_file);

// The checkpoint file of trial `id` in `dir`: "DIR/<16 hex digits>.pt".
std::string checkpoint_path(const std::string& dir, std::uint64_t id);

class KeptCheckpoints {
 public:
  // Keeps the `k` best trials by `metric` (one of results::rank_metrics(); a trial without a
  // value of it, e.g. val_acc without validation, is ranked by test_acc). Throws UsageError
  // on an unknown metric.
  KeptCheckpoints(std::string dir, std::size_t k, const std::string& metric);

  // Records a stored result (a later result of the same trial, e.g. a higher rung, replaces the
  // earlier) and deletes the checkpoint files of trials that fell out of the K best. Results
  // without a checkpoint, or not ok, are never kept.
  void add(const TrialResult& r);

  // Deletes every .pt file in the folder that is not kept (left by a kill between a worker's
  // write and the store), after the stored results were add()ed on resume. Returns how many.
  std::size_t remove_unkept_files() const;

  // The kept trials, best first.
  std::vector<std::uint64_t> kept() const;

 private:
  double score(const TrialResult& r) const;

  std::string dir_;
  std::size_t k_;
  std::string metric_;
  bool higher_better_ = true;
  std::map<std::uint64_t, double> scores_;  // trials with a checkpoint and their metric
  std::vector<std::uint64_t> kept_;
};

// A WorkSource that asks every job of `inner` to write its checkpoint into `dir`.
class CheckpointingWork : public WorkSource {
 public:
  CheckpointingWork(WorkSource& inner, std::string dir) : inner_(inner), dir_(std::move(dir)) {}
  std::optional<Job> next() override;
  bool exhausted() const override { return inner_.exhausted(); }
  void finished(const Job& job, const TrialResult& r) override { inner_.finished(job, r); }
  void abandoned(const Job& job) override { inner_.abandoned(job); }

 private:
  WorkSource& inner_;
  std::string dir_;
};

}  // namespace sweep
