#include "sweep/commands/kept_checkpoints.h"

#include <algorithm>
#include <cmath>
#include <filesystem>

#include "core/errors.h"
#include "core/trial_id.h"
#include "results/analysis/rank.h"

namespace sweep {

std::string checkpoint_dir_of(const std::string& results_file) {
  return results_file + ".checkpoints";
}

std::string checkpoint_path(const std::string& dir, std::uint64_t id) {
  return dir + "/" + trial_id_hex(id) + ".pt";
}

KeptCheckpoints::KeptCheckpoints(std::string dir, std::size_t k, const std::string& metric)
    : dir_(std::move(dir)), k_(k), metric_(metric) {
  for (const auto& [name, higher] : results::rank_metrics()) {
    if (name == metric) {
      higher_better_ = higher;
      return;
    }
  }
  std::string known;
  for (const auto& m : results::rank_metrics()) known += " " + m.first;
  throw UsageError("--keep-by: unknown metric '" + metric + "'; one of" + known);
}

double KeptCheckpoints::score(const TrialResult& r) const {
  double v = results::metric_value(r, metric_);
  if (std::isnan(v)) v = results::metric_value(r, "test_acc");
  return higher_better_ || std::isnan(v) ? v : -v;
}

void KeptCheckpoints::add(const TrialResult& r) {
  scores_.erase(r.trial_id);
  const double s = score(r);
  if (r.status == Status::kOk && !r.checkpoint.empty() && !std::isnan(s)) scores_[r.trial_id] = s;
  std::vector<std::pair<double, std::uint64_t>> order;
  for (const auto& [id, v] : scores_) order.emplace_back(v, id);
  // Best first; equal scores: the smaller id first, so the choice never depends on the order
  // in which results came.
  std::sort(order.begin(), order.end(), [](const auto& a, const auto& b) {
    return a.first != b.first ? a.first > b.first : a.second < b.second;
  });
  std::vector<std::uint64_t> kept;
  for (std::size_t i = 0; i < order.size(); ++i) {
    if (i < k_) {
      kept.push_back(order[i].second);
    } else {
      std::error_code ignored;  // already gone is fine
      std::filesystem::remove(checkpoint_path(dir_, order[i].second), ignored);
      scores_.erase(order[i].second);
    }
  }
  if (r.status != Status::kOk && !r.checkpoint.empty()) {
    std::error_code ignored;
    std::filesystem::remove(r.checkpoint, ignored);
  }
  kept_ = kept;
}

std::size_t KeptCheckpoints::remove_unkept_files() const {
  std::size_t removed = 0;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir_, ec)) {
    const std::string name = entry.path().filename().string();
    const bool is_kept = std::any_of(kept_.begin(), kept_.end(), [&](std::uint64_t id) {
      return name == trial_id_hex(id) + ".pt";
    });
    if (!is_kept && entry.is_regular_file()) {
      std::error_code ignored;
      removed += std::filesystem::remove(entry.path(), ignored) ? 1 : 0;
    }
  }
  return removed;
}

std::vector<std::uint64_t> KeptCheckpoints::kept() const { return kept_; }

std::optional<Job> CheckpointingWork::next() {
  std::optional<Job> j = inner_.next();
  if (j) j->checkpoint_to = checkpoint_path(dir_, j->spec.trial_id);
  return j;
}

}  // namespace sweep
