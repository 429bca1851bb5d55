#include "worker/config/train_config.h"

#include <sstream>
#include <string>

#include "core/keys.h"

namespace sweep::worker {
namespace {

std::int64_t int_of(const TrialSpec& s, const char* k) { return std::stoll(s.get(k)); }
double num_of(const TrialSpec& s, const char* k) { return std::stod(s.get(k)); }
bool flag_of(const TrialSpec& s, const char* k) { return s.get(k) == "true"; }

// The value of `k`, or its default in specs written before the key existed (checkpoints).
std::string value_or_default(const TrialSpec& s, const char* k) {
  for (const auto& [key, value] : s.params) {
    if (key == k) return value;
  }
  const KeySpec* spec = find_key(k);
  return spec != nullptr ? spec->default_value : "";
}

// "0.485 0.456 0.406" (a canonical number list) as numbers; "" gives none.
std::vector<double> numbers_of(const std::string& list) {
  std::vector<double> out;
  std::istringstream in(list);
  for (double v = 0; in >> v;) out.push_back(v);
  return out;
}

ModelConfig model_config_of(const TrialSpec& s) {
  ModelConfig m;
  m.model = s.get("model");
  m.filters = int_of(s, "filters");
  m.conv_blocks = int_of(s, "conv_blocks");
  m.dense_units = int_of(s, "dense_units");
  m.batch_norm = flag_of(s, "batch_norm");
  m.depth = int_of(s, "depth");
  m.width = num_of(s, "width");
  m.embed_dim = int_of(s, "embed_dim");
  m.heads = int_of(s, "heads");
  m.mlp_dim = int_of(s, "mlp_dim");
  m.dropout = num_of(s, "dropout");
  m.backbone = s.get("backbone");
  m.freeze_backbone = s.get("freeze") == "backbone";
  m.head_dropout = num_of(s, "head_dropout");
  // Checkpoints written before the key trained contiguous.
  m.memory_format = "contiguous";
  for (const auto& [key, value] : s.params) {
    if (key == "memory_format") m.memory_format = value;
  }
  return m;
}

}  // namespace

std::uint64_t trial_seed_of(std::uint64_t trial_id) {
  // Keep the torch seed positive and below 2^63 for every API that takes it.
  return trial_id & 0x7fffffffffffffffULL;
}

TrainConfig train_config_of(const TrialSpec& spec) {
  TrainConfig c;
  c.epochs = int_of(spec, "epochs");
  c.batch_size = int_of(spec, "batch_size");
  c.train_subset = int_of(spec, "train_subset");
  c.val_split = num_of(spec, "val_split");
  c.net = model_config_of(spec);
  c.optimizer = spec.get("optimizer");
  c.weight_decay = num_of(spec, "weight_decay");
  c.momentum = num_of(spec, "momentum");
  c.nesterov = flag_of(spec, "nesterov");
  c.schedule.kind = spec.get("schedule");
  c.schedule.learning_rate = num_of(spec, "learning_rate");
  c.schedule.step_size = int_of(spec, "step_size");
  c.schedule.patience = int_of(spec, "patience");
  c.schedule.factor = num_of(spec, "factor");
  c.schedule.max_lr = num_of(spec, "max_lr");
  c.schedule.pct_start = num_of(spec, "pct_start");
  c.label_smoothing = num_of(spec, "label_smoothing");
  c.grad_clip = num_of(spec, "grad_clip");
  c.class_weights = spec.get("class_weights") == "balanced";
  c.balanced_sampler = spec.get("sampler") == "balanced";
  c.bf16 = spec.get("precision") == "bf16";
  c.early_stop_patience = int_of(spec, "early_stop_patience");
  c.augment.hflip = flag_of(spec, "hflip");
  c.augment.vflip = flag_of(spec, "vflip");
  c.augment.rotation = num_of(spec, "rotation");
  c.augment.translate = num_of(spec, "translate");
  c.augment.brightness = num_of(spec, "brightness");
  c.augment.contrast = num_of(spec, "contrast");
  c.mistakes = std::stoll(value_or_default(spec, "mistakes"));
  c.test_eval_final = value_or_default(spec, "test_eval") == "final";
  c.robustness = parse_robustness(value_or_default(spec, "robustness"));
  c.dead_units = value_or_default(spec, "dead_units") == "true";
  c.state_every = std::stoi(value_or_default(spec, "state_every"));
  c.state_minutes = std::stod(value_or_default(spec, "state_minutes"));
  c.normalize.kind = value_or_default(spec, "normalize");
  c.normalize.mean = numbers_of(value_or_default(spec, "mean"));
  c.normalize.stddev = numbers_of(value_or_default(spec, "std"));
  c.seed = std::stoull(spec.get("seed"));
  c.trial_seed = trial_seed_of(spec.trial_id);
  return c;
}

std::uint64_t split_seed_of(std::uint64_t user_seed) {
  std::uint64_t z = user_seed + 0x9e3779b97f4a7c15ULL;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return (z ^ (z >> 31)) & 0x7fffffffffffffffULL;
}

}  // namespace sweep::worker
