// A trial's training settings, typed, read from its TrialSpec.
#pragma once

#include <cstdint>

#include "sweep/trial.h"

namespace sweep::worker {

struct TrainConfig {
  std::int64_t epochs = 5, batch_size = 64, filters = 32, dense_units = 128;
  std::int64_t train_subset = 0;
  double learning_rate = 1e-3, dropout = 0.25, val_split = 0.1;
  std::uint64_t seed = 0;        // the user's `seed` key: picks the validation split
  std::uint64_t trial_seed = 0;  // from the trial id: initial weights, shuffling, dropout
};

// Reads the typed settings of `spec` (whose values are canonical). Throws std::exception on a
// value that does not parse, which can only happen for a spec that skipped grid checks.
TrainConfig train_config_of(const TrialSpec& spec);

// The seed of the validation split: a mix of the user's seed only, so that every trial of a
// sweep with the same `seed` validates on the same images and their metrics compare fairly.
std::uint64_t split_seed_of(std::uint64_t user_seed);

}  // namespace sweep::worker
