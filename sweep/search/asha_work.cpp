#include "sweep/search/asha_work.h"

#include <cmath>
#include <cstdio>

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
    : configs_(configs),
      scheduler_(asha_settings(settings, configs.size())),
      state_dir_(std::move(state_dir)),
      eta_(settings.reduction_factor) {
  for (std::size_t i = 0; i < configs.size(); ++i) index_[configs.id(i)] = i;
}

std::string AshaWork::state_path(std::size_t config, int epoch) const {
  return state_dir_ + "/" + trial_id_hex(configs_.id(config)) + "-e" + std::to_string(epoch) +
         ".pt";
}

bool AshaWork::restore(const TrialResult& stored, bool retry_failed) {
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
  if (!a) return std::nullopt;
  Job j;
  j.spec = configs_.spec(a->config);
  j.rung = a->rung;
  j.from_epoch = a->from_epoch;
  j.to_epoch = a->to_epoch;
  if (a->from_epoch > 0) j.load_from = state_path(a->config, a->from_epoch);
  if (a->rung + 1 < static_cast<int>(scheduler_.rungs().size())) {
    j.save_to = state_path(a->config, a->to_epoch);
  }
  return j;
}

AshaJob AshaWork::to_asha(const Job& job) const {
  return AshaJob{index_.at(job.spec.trial_id), job.rung, job.from_epoch, job.to_epoch};
}

void AshaWork::finished(const Job& job, const TrialResult& result) {
  scheduler_.finished(to_asha(job), result.status == Status::kOk ? result.val_acc : NAN);
  // A configuration leaves a rung once: the state it continued from is not needed again.
  if (!job.load_from.empty()) std::remove(job.load_from.c_str());
}

void AshaWork::abandoned(const Job& job) { scheduler_.abandoned(to_asha(job)); }

std::size_t AshaWork::expected_jobs() const {
  double n = 0, share = static_cast<double>(configs_.size());
  for (std::size_t k = 0; k < scheduler_.rungs().size(); ++k) {
    n += std::ceil(share);
    share /= eta_;
  }
  return static_cast<std::size_t>(n);
}

}  // namespace sweep
