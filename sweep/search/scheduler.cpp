#include "sweep/search/scheduler.h"

#include <algorithm>
#include <numeric>
#include <string>

#include "worker/config/trial_settings.h"

namespace sweep {

double estimate_cost(const TrialSpec& spec, const worker::DataInfo& info) {
  const double epochs = std::stod(spec.get("epochs"));
  if (spec.get("model") == "noop") return epochs * (std::stod(spec.get("sleep_ms")) + 0.01);
  const double subset = std::stod(spec.get("train_subset"));
  const double val = std::stod(spec.get("val_split"));
  const double batch = std::stod(spec.get("batch_size"));
  double n = static_cast<double>(info.train_count);
  if (subset > 0) n = std::min(n, subset);
  const double train = n * (1 - val);
  // Training costs ~3x a forward pass; evaluation of validation and test ~1x.
  const double macs = worker::model_macs_per_sample(spec, info);
  const double per_epoch = 3 * train * macs * (1 + 16 / batch) + n * val * macs;
  return epochs * per_epoch + static_cast<double>(info.test_count) * macs;
}

std::vector<std::size_t> longest_first(const std::vector<double>& costs) {
  std::vector<std::size_t> idx(costs.size());
  std::iota(idx.begin(), idx.end(), 0);
  std::stable_sort(idx.begin(), idx.end(),
                   [&](std::size_t a, std::size_t b) { return costs[a] > costs[b]; });
  return idx;
}

std::vector<std::size_t> pending_order(const std::vector<std::uint64_t>& ids,
                                       const std::vector<double>& costs,
                                       const std::vector<std::uint64_t>& done,
                                       const std::vector<std::size_t>* members) {
  std::vector<bool> in(ids.size(), members == nullptr);
  if (members != nullptr) {
    for (std::size_t i : *members) in[i] = true;
  }
  std::vector<std::size_t> out;
  for (std::size_t i : longest_first(costs)) {
    if (in[i] && !std::binary_search(done.begin(), done.end(), ids[i])) out.push_back(i);
  }
  return out;
}

std::vector<std::uint64_t> ids_to_skip(const std::vector<std::pair<std::uint64_t, Status>>& stored,
                                       bool retry_failed) {
  std::vector<std::uint64_t> skip;
  skip.reserve(stored.size());
  for (const auto& [id, status] : stored) {
    if (status != Status::kFailed || !retry_failed) skip.push_back(id);
  }
  return skip;
}

}  // namespace sweep
