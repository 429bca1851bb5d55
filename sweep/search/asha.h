// Asynchronous successive halving (ASHA; Li et al., "A System for Massively Parallel
// Hyperparameter Tuning", MLSys 2020): the scheduler's decisions as pure logic, with no MPI,
// no clock and no training, so that they are tested with simulated workers.
//
// Rungs train configurations to growing epoch budgets: min_epochs x eta^k, the last one
// max_epochs. When a worker frees up, the scheduler promotes the best not-yet-promoted
// configuration of the highest rung that has one among its top 1/eta (a promoted one continues
// from its saved state to the next rung's budget), else starts a new configuration at the
// bottom rung. No worker waits for a rung to fill.
#pragma once

#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

namespace sweep {

struct AshaSettings {
  int min_epochs = 1;        // budget of the bottom rung
  int max_epochs = 9;        // budget of the top rung
  int reduction_factor = 3;  // eta: a rung promotes its top 1/eta
  std::size_t configs = 0;   // configurations that may be started (the samples)
  bool higher_is_better = true;
};

// The epoch budget of each rung, bottom first: min_epochs x eta^k below max_epochs, then
// max_epochs. Throws std::invalid_argument when min_epochs < 1, max_epochs < min_epochs or
// eta < 2.
std::vector<int> rung_epochs(const AshaSettings& s);

// One piece of work: train configuration `config` from epoch `from_epoch` (0: from scratch,
// else from the state saved at that epoch) to `to_epoch`, the budget of rung `rung`.
struct AshaJob {
  std::size_t config = 0;
  int rung = 0;
  int from_epoch = 0;
  int to_epoch = 0;
  bool operator==(const AshaJob& o) const {
    return config == o.config && rung == o.rung && from_epoch == o.from_epoch &&
           to_epoch == o.to_epoch;
  }
};

class AshaScheduler {
 public:
  // Throws as rung_epochs.
  explicit AshaScheduler(const AshaSettings& s);

  // The job for a worker that is free now, marked running; nullopt when none can start until a
  // running job finishes (or ever: see finished_all).
  std::optional<AshaJob> next_job();
  // Records the result of a running job: the metric at its rung (NaN for a failed or diverged
  // trial, which is never promoted). Throws std::logic_error for a job that is not running.
  void finished(const AshaJob& job, double metric);
  // A running job that was cut short: it is handed out again by next_job.
  void abandoned(const AshaJob& job);
  // Records a rung result stored by an earlier run (resume), as if `config` had been started
  // and promoted up to rung `rung` and had finished it with `metric`; a result already known
  // for that config and rung is kept unless it is NaN. Configs without any restored result
  // start again from scratch. Call before handing out jobs. Throws std::out_of_range for a
  // config or rung outside the settings.
  void restore(std::size_t config, int rung, double metric);

  // True when nothing runs and nothing can start.
  bool finished_all() const;
  std::size_t running() const { return running_.size(); }
  std::size_t started_configs() const;
  // Epochs trained by finished jobs (each job counts to_epoch - from_epoch).
  long long epochs_spent() const { return epochs_spent_; }
  // The highest rung `config` finished, or -1.
  int rung_reached(std::size_t config) const;
  const std::vector<int>& rungs() const { return rungs_; }
  // The results of rung `k` in the order they came (restored ones first): config and metric.
  std::vector<std::pair<std::size_t, double>> results_at(int k) const;
  // The jobs running now, in the order they were handed out.
  const std::vector<AshaJob>& running_jobs() const { return running_; }

 private:
  struct Entry {
    std::size_t config;
    double metric;
  };
  // The best config of rung k among its top 1/eta that is neither promoted nor failed.
  std::optional<std::size_t> promotable(int k) const;
  bool better(const Entry& a, const Entry& b) const;

  AshaSettings settings_;
  std::vector<int> rungs_;
  std::vector<std::vector<Entry>> results_;  // per rung: finished configs and their metric
  std::vector<std::vector<bool>> promoted_;  // per rung: config -> promoted out of it
  std::vector<int> reached_;                 // per config: highest finished rung, -1 = none
  std::vector<AshaJob> running_;
  std::vector<AshaJob> retry_;  // abandoned jobs, handed out first
  std::vector<bool> started_;   // per config: started (or restored)
  long long epochs_spent_ = 0;
};

}  // namespace sweep
