#include "worker/train_config.h"

#include <string>

namespace sweep::worker {

TrainConfig train_config_of(const TrialSpec& spec) {
  TrainConfig c;
  c.epochs = std::stoll(spec.get("epochs"));
  c.batch_size = std::stoll(spec.get("batch_size"));
  c.filters = std::stoll(spec.get("filters"));
  c.dense_units = std::stoll(spec.get("dense_units"));
  c.train_subset = std::stoll(spec.get("train_subset"));
  c.learning_rate = std::stod(spec.get("learning_rate"));
  c.dropout = std::stod(spec.get("dropout"));
  c.val_split = std::stod(spec.get("val_split"));
  c.seed = std::stoull(spec.get("seed"));
  // Keep the torch seed positive and below 2^63 for every API that takes it.
  c.trial_seed = spec.trial_id & 0x7fffffffffffffffULL;
  return c;
}

std::uint64_t split_seed_of(std::uint64_t user_seed) {
  std::uint64_t z = user_seed + 0x9e3779b97f4a7c15ULL;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return (z ^ (z >> 31)) & 0x7fffffffffffffffULL;
}

}  // namespace sweep::worker
