// Successive halving as a WorkSource: the AshaScheduler's jobs as trials with training spans
// and state files, promotions ranked by validation accuracy, and resume from stored rung rows.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "sweep/grid/search_space.h"
#include "sweep/search/asha.h"
#include "sweep/search/tpe_work.h"
#include "sweep/search/work_source.h"

namespace sweep {

class AshaWork : public WorkSource {
 public:
  // `configs`: the sampled configurations (each with epochs = max_epochs); `state_dir`: where
  // the training states between rungs are written (it must exist and be visible to every
  // rank). Throws std::invalid_argument on bad settings (see rung_epochs).
  AshaWork(const TrialSet& configs, const SearchSettings& settings, std::string state_dir);

  // search = tpe with successive halving: `settings.samples` configurations of `config_grid`
  // (halving_configs of the sweep's grid; it must outlive this), each suggested by TPE when it
  // starts at the bottom rung, as Optuna's TPE does under its Hyperband pruner: configurations
  // that finished the top rung are complete results, the others count as pruned at the
  // highest rung they finished (ranked by rung, then val_acc), the ones still at the bottom as
  // running; random until startup_trials configurations have a result. Promotions as above.
  AshaWork(const Grid& config_grid, const SearchSettings& settings, std::string state_dir);

  // Takes a row stored by an earlier run into account: an ok row as the rung result with its
  // val_acc, a failed or diverged row as a result that is never promoted (with retry_failed,
  // failed rows are ignored, so that rung runs again). Rows of other trials are ignored; with
  // TPE a row of a new trial becomes the next configuration (its `params` give its values).
  // Returns whether the row was taken. Call before the first next(), in file order.
  bool restore(const TrialResult& stored, bool retry_failed,
               const std::vector<std::pair<std::string, std::string>>& params = {});

  std::optional<Job> next() override;
  bool exhausted() const override { return scheduler_.finished_all(); }
  void finished(const Job& job, const TrialResult& result) override;
  void abandoned(const Job& job) override;

  // Jobs a full run is expected to take: each rung's share of the configurations.
  std::size_t expected_jobs() const;
  const AshaScheduler& scheduler() const { return scheduler_; }
  // Configurations there may be (the samples).
  std::size_t configs() const { return count_; }
  // With TPE: configurations the model suggested in this run (the rest were random).
  std::size_t from_model() const { return from_model_; }
  // The state file of `config` (STATE_DIR/TRIALID.state, all its rungs).
  std::string state_path(std::size_t config) const;

 private:
  AshaJob to_asha(const Job& job) const;
  TrialSpec spec_of(std::size_t config) const;
  // With TPE: the configuration `config` (the next new one), suggested now; nullopt when no
  // new one can be found.
  std::optional<TrialSpec> suggest_config();

  const TrialSet* configs_ = nullptr;  // fixed configurations (search = asha)
  std::unique_ptr<TpeSuggester> tpe_;  // or suggested ones (search = tpe)
  std::vector<TrialSpec> suggested_;   // with TPE: config -> its trial
  std::size_t count_ = 0;
  std::size_t from_model_ = 0, repeats_ = 0;
  std::map<std::uint64_t, std::size_t> index_;  // trial id -> config
  AshaScheduler scheduler_;
  std::string state_dir_;
  int eta_;
};

// The rung settings of `s` as AshaSettings for `configs` configurations.
AshaSettings asha_settings(const SearchSettings& s, std::size_t configs);

}  // namespace sweep
