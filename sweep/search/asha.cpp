#include "sweep/search/asha.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace sweep {

std::vector<int> rung_epochs(const AshaSettings& s) {
  if (s.min_epochs < 1 || s.max_epochs < s.min_epochs || s.reduction_factor < 2) {
    throw std::invalid_argument(
        "ASHA needs 1 <= min_epochs <= max_epochs and reduction_factor >= 2");
  }
  std::vector<int> r;
  for (long long e = s.min_epochs; e < s.max_epochs; e *= s.reduction_factor) {
    r.push_back(static_cast<int>(e));
  }
  r.push_back(s.max_epochs);
  return r;
}

AshaScheduler::AshaScheduler(const AshaSettings& s)
    : settings_(s),
      rungs_(rung_epochs(s)),
      results_(rungs_.size()),
      promoted_(rungs_.size(), std::vector<bool>(s.configs, false)),
      reached_(s.configs, -1),
      started_(s.configs, false) {}

bool AshaScheduler::better(const Entry& a, const Entry& b) const {
  const bool an = std::isnan(a.metric), bn = std::isnan(b.metric);
  if (an != bn) return bn;  // a value beats none
  if (!an && a.metric != b.metric) {
    return settings_.higher_is_better ? a.metric > b.metric : a.metric < b.metric;
  }
  return a.config < b.config;
}

std::optional<std::size_t> AshaScheduler::promotable(int k) const {
  std::vector<Entry> sorted = results_[k];
  const std::size_t top = sorted.size() / static_cast<std::size_t>(settings_.reduction_factor);
  if (top == 0) return std::nullopt;
  std::sort(sorted.begin(), sorted.end(),
            [this](const Entry& a, const Entry& b) { return better(a, b); });
  for (std::size_t i = 0; i < top; ++i) {
    if (!promoted_[k][sorted[i].config] && !std::isnan(sorted[i].metric)) return sorted[i].config;
  }
  return std::nullopt;
}

std::optional<AshaJob> AshaScheduler::next_job() {
  if (!retry_.empty()) {
    AshaJob j = retry_.front();
    retry_.erase(retry_.begin());
    running_.push_back(j);
    return j;
  }
  for (int k = static_cast<int>(rungs_.size()) - 2; k >= 0; --k) {
    if (auto c = promotable(k)) {
      promoted_[k][*c] = true;
      AshaJob j{*c, k + 1, rungs_[k], rungs_[k + 1]};
      running_.push_back(j);
      return j;
    }
  }
  auto next = std::find(started_.begin(), started_.end(), false);
  if (next == started_.end()) return std::nullopt;
  *next = true;
  AshaJob j{static_cast<std::size_t>(next - started_.begin()), 0, 0, rungs_[0]};
  running_.push_back(j);
  return j;
}

void AshaScheduler::finished(const AshaJob& job, double metric) {
  auto it = std::find(running_.begin(), running_.end(), job);
  if (it == running_.end()) throw std::logic_error("ASHA: a result for a job that is not running");
  running_.erase(it);
  results_[job.rung].push_back({job.config, metric});
  reached_[job.config] = std::max(reached_[job.config], job.rung);
  epochs_spent_ += job.to_epoch - job.from_epoch;
}

void AshaScheduler::abandoned(const AshaJob& job) {
  auto it = std::find(running_.begin(), running_.end(), job);
  if (it == running_.end()) throw std::logic_error("ASHA: abandoning a job that is not running");
  running_.erase(it);
  retry_.push_back(job);
}

void AshaScheduler::restore(std::size_t config, int rung, double metric) {
  if (config >= settings_.configs || rung < 0 || rung >= static_cast<int>(rungs_.size())) {
    throw std::out_of_range("ASHA: a stored result outside the configs or rungs");
  }
  started_[config] = true;
  for (int k = 0; k < rung; ++k) promoted_[k][config] = true;
  auto& at = results_[rung];
  auto it = std::find_if(at.begin(), at.end(), [&](const Entry& e) { return e.config == config; });
  if (it != at.end()) {
    if (std::isnan(it->metric)) it->metric = metric;
    return;
  }
  at.push_back({config, metric});
  reached_[config] = std::max(reached_[config], rung);
  epochs_spent_ += rungs_[rung] - (rung == 0 ? 0 : rungs_[rung - 1]);
}

bool AshaScheduler::finished_all() const {
  if (!running_.empty() || !retry_.empty()) return false;
  if (std::find(started_.begin(), started_.end(), false) != started_.end()) return false;
  for (int k = 0; k + 1 < static_cast<int>(rungs_.size()); ++k) {
    if (promotable(k)) return false;
  }
  return true;
}

std::size_t AshaScheduler::started_configs() const {
  return static_cast<std::size_t>(std::count(started_.begin(), started_.end(), true));
}

int AshaScheduler::rung_reached(std::size_t config) const { return reached_.at(config); }

std::vector<std::pair<std::size_t, double>> AshaScheduler::results_at(int k) const {
  std::vector<std::pair<std::size_t, double>> out;
  for (const Entry& e : results_.at(static_cast<std::size_t>(k)))
    out.emplace_back(e.config, e.metric);
  return out;
}

}  // namespace sweep
