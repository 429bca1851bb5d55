#include "sweep/search/asha_work.h"

#include <cmath>
#include <cstdio>

#include "core/state_file.h"
#include "core/trial_id.h"

namespace sweep {

AshaSettings asha_settings(const SearchSettings& s, std::size_t configs) {
  AshaSettings a;
  a.min_epochs = s.min_epochs;
  a.max_epochs = s.max_epochs;
  a.reduction_factor = s.reduction_factor;
  a.configs = configs;
  a.higher_is_better = true;  // val_acc
  return a;
}

AshaWork::AshaWork(const TrialSet& configs, const SearchSettings& settings, std::string state_dir)
    : configs_(&configs),
      count_(configs.size()),
      scheduler_(asha_settings(settings, configs.size())),
      state_dir_(std::move(state_dir)),
      eta_(settings.reduction_factor) {
  for (std::size_t i = 0; i < configs.size(); ++i) index_[configs.id(i)] = i;
}

AshaWork::AshaWork(const Grid& config_grid, const SearchSettings& settings, std::string state_dir)
    : tpe_(std::make_unique<TpeSuggester>(config_grid)),
      count_(settings.samples),
      scheduler_(asha_settings(settings, settings.samples)),
      state_dir_(std::move(state_dir)),
      eta_(settings.reduction_factor) {}

TrialSpec AshaWork::spec_of(std::size_t config) const {
  return tpe_ ? suggested_.at(config) : configs_->spec(config);
}

std::string AshaWork::state_path(std::size_t config) const {
  const std::uint64_t id = tpe_ ? suggested_.at(config).trial_id : configs_->id(config);
  return state_dir_ + "/" + state_file_name(id);
}

std::optional<TrialSpec> AshaWork::suggest_config() {
  // As Optuna's TPE under its Hyperband pruner: every configuration is an observation, those
  // that finished the top rung as complete, the others as pruned at the highest rung they
  // finished (ranked by that rung, then by their val_acc there), those still at their first
  // rung as running (imputed as the worst).
  const int top = static_cast<int>(scheduler_.rungs().size()) - 1;
  std::vector<std::pair<int, double>> at(suggested_.size(), {-1, NAN});  // config -> rung, metric
  for (int k = 0; k <= top; ++k) {
    for (const auto& [config, metric] : scheduler_.results_at(k)) {
      if (config < at.size()) at[config] = {k, metric};
    }
  }
  std::vector<TpeObservation> history;
  for (std::size_t c = 0; c < at.size(); ++c) {
    if (at[c].first < 0) continue;
    TpeObservation o;
    o.x = tpe_->coordinates(suggested_[c]);
    o.loss = std::isnan(at[c].second) ? INFINITY : -at[c].second;  // val_acc: higher is better
    if (at[c].first < top) {
      o.state = TpeObservation::State::kPruned;
      o.step = at[c].first;
    }
    history.push_back(std::move(o));
  }
  for (const AshaJob& j : scheduler_.running_jobs()) {
    if (j.rung != 0 || j.config >= suggested_.size()) continue;
    TpeObservation o;
    o.x = tpe_->coordinates(suggested_[j.config]);
    o.state = TpeObservation::State::kRunning;
    history.push_back(std::move(o));
  }
  bool from_model = false;
  std::optional<TrialSpec> spec = tpe_->suggest(
      history, suggested_.size(), [&](std::uint64_t id) { return index_.count(id) > 0; },
      from_model, repeats_);
  from_model_ += spec && from_model;
  return spec;
}

bool AshaWork::restore(const TrialResult& stored, bool retry_failed,
                       const std::vector<std::pair<std::string, std::string>>& params) {
  if (tpe_ && index_.count(stored.trial_id) == 0 && suggested_.size() < count_) {
    // A configuration of an earlier run: the next one, in the order the file holds them.
    const std::optional<std::vector<std::string>> values = tpe_->axis_values(params);
    if (!values) return false;
    TrialSpec spec = tpe_->build(*values);
    if (spec.trial_id != stored.trial_id) return false;
    index_[spec.trial_id] = suggested_.size();
    suggested_.push_back(std::move(spec));
  }
  auto it = index_.find(stored.trial_id);
  if (it == index_.end() || stored.rung < 0 ||
      stored.rung >= static_cast<int>(scheduler_.rungs().size())) {
    return false;
  }
  if (stored.status == Status::kFailed && retry_failed) return false;
  scheduler_.restore(it->second, stored.rung, stored.status == Status::kOk ? stored.val_acc : NAN);
  return true;
}

std::optional<Job> AshaWork::next() {
  std::optional<AshaJob> a = scheduler_.next_job();
  // With TPE a configuration is made when it first starts (configurations start in order).
  while (a && tpe_ && a->config >= suggested_.size()) {
    std::optional<TrialSpec> spec = suggest_config();
    if (spec) {
      index_[spec->trial_id] = suggested_.size();
      suggested_.push_back(std::move(*spec));
      break;
    }
    // No new configuration can be found: this one ends unstarted, never promoted.
    TrialSpec none;
    none.trial_id = 0;
    suggested_.push_back(none);
    scheduler_.finished(*a, NAN);
    a = scheduler_.next_job();
  }
  if (!a) return std::nullopt;
  Job j;
  j.spec = spec_of(a->config);
  j.rung = a->rung;
  j.from_epoch = a->from_epoch;
  j.to_epoch = a->to_epoch;
  j.state = state_path(a->config);  // one file a configuration, rung after rung
  j.keep_state = a->rung + 1 < static_cast<int>(scheduler_.rungs().size());
  return j;
}

AshaJob AshaWork::to_asha(const Job& job) const {
  return AshaJob{index_.at(job.spec.trial_id), job.rung, job.from_epoch, job.to_epoch};
}

void AshaWork::finished(const Job& job, const TrialResult& result) {
  // The state of a configuration's last rung is deleted by TrialStates once stored; a lower
  // rung's stays for its promotion, until the sweep ends.
  scheduler_.finished(to_asha(job), result.status == Status::kOk ? result.val_acc : NAN);
}

void AshaWork::abandoned(const Job& job) { scheduler_.abandoned(to_asha(job)); }

std::size_t AshaWork::expected_jobs() const {
  double n = 0, share = static_cast<double>(count_);
  for (std::size_t k = 0; k < scheduler_.rungs().size(); ++k) {
    n += std::ceil(share);
    share /= eta_;
  }
  return static_cast<std::size_t>(n);
}

}  // namespace sweep
