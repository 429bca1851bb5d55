// A trial's training settings, typed, read from its TrialSpec (see core/keys.cpp for each
// key's meaning and default).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/robustness.h"
#include "core/trial.h"

namespace sweep::worker {

struct ModelConfig {
  std::string model = "cnn";
  std::int64_t filters = 32, conv_blocks = 2, dense_units = 128;
  bool batch_norm = false;
  std::int64_t depth = 0;  // 0 = the model's default
  double width = 1;
  std::int64_t embed_dim = 64, heads = 4, mlp_dim = 128;
  double dropout = 0.25;
  std::string backbone;
  bool freeze_backbone = false;
  double head_dropout = 0;
  std::string memory_format = "auto";  // auto, contiguous, channels_last (memory_format_rule.h)
};

struct ScheduleConfig {
  std::string kind = "none";  // none, step, cosine, onecycle, plateau
  double learning_rate = 1e-3;
  std::int64_t step_size = 10, patience = 2;
  double factor = 0.1, max_lr = 0.01, pct_start = 0.3;
};

struct AugmentConfig {
  bool hflip = false, vflip = false;
  double rotation = 0, translate = 0, brightness = 0, contrast = 0;
  // True when any augmentation is on.
  bool any() const {
    return hflip || vflip || rotation > 0 || translate > 0 || brightness > 0 || contrast > 0;
  }
};

// The trial's pixel normalization (keys normalize, mean, std; see worker/tensors/normalization.h).
struct NormalizeConfig {
  std::string kind = "data";         // data, imagenet, none, custom
  std::vector<double> mean, stddev;  // custom only
};

struct TrainConfig {
  std::int64_t epochs = 5, batch_size = 64;
  std::int64_t train_subset = 0;
  double val_split = 0.1;
  ModelConfig net;
  std::string optimizer = "adam";
  double weight_decay = 0, momentum = 0.9;
  bool nesterov = false;
  ScheduleConfig schedule;
  double label_smoothing = 0, grad_clip = 0;
  bool class_weights = false, balanced_sampler = false, bf16 = false;
  std::int64_t early_stop_patience = 0;
  std::int64_t mistakes = 32;    // the most confident wrong predictions kept (0 = none)
  bool test_eval_final = false;  // the test set only for a trial's final result (key test_eval)
  std::vector<RobustnessCheck> robustness;  // evaluations on perturbed images (key robustness)
  bool dead_units = false;                  // the activations' dead units measured (dead_units)
  int state_every = 1;                      // epochs between saved states (0: only at a stop)
  double state_minutes = 10;                // minutes between states inside an epoch (0: never)
  AugmentConfig augment;
  NormalizeConfig normalize;
  std::uint64_t seed = 0;        // the user's `seed` key: picks the validation split
  std::uint64_t trial_seed = 0;  // from the trial id: initial weights, shuffling, dropout
};

// The seed of trial `trial_id`'s initial weights, shuffling, dropout and robustness noise: the
// id below 2^63 (positive for every torch API).
std::uint64_t trial_seed_of(std::uint64_t trial_id);

// Reads the typed settings of `spec` (whose values are canonical). Throws std::exception on a
// value that does not parse, which can only happen for a spec that skipped grid checks.
TrainConfig train_config_of(const TrialSpec& spec);

// The seed of the validation split: a mix of the user's seed only, so that every trial of a
// sweep with the same `seed` validates on the same images and their metrics compare fairly.
std::uint64_t split_seed_of(std::uint64_t user_seed);

}  // namespace sweep::worker
