#include "worker/config/trial_settings.h"

#include "worker/config/model_shape.h"
#include "worker/config/normalization_choice.h"
#include "worker/config/train_config.h"
#include "worker/data/data_source.h"

namespace sweep::worker {

void check_trial_settings(const TrialSpec& spec, const DataInfo& info) {
  if (is_noop(spec)) return;
  const TrainConfig c = train_config_of(spec);
  check_model(c.net, {info.channels, info.rows, info.cols, 10});
  choose_normalization(c.normalize, Normalization{}, info.channels);
}

double model_macs_per_sample(const TrialSpec& spec, const DataInfo& info) {
  if (is_noop(spec)) return 0;
  const TrainConfig c = train_config_of(spec);
  return model_macs(c.net, {info.channels, info.rows, info.cols, 10});
}

double training_memory_floor(const TrialSpec& spec, const DataInfo& info) {
  if (is_noop(spec)) return 0;
  const TrainConfig c = train_config_of(spec);
  const double states = c.optimizer == "sgd" ? (c.momentum > 0 ? 1 : 0) : 2;
  const double params = model_parameters(c.net, {info.channels, info.rows, info.cols, 10});
  return params * 4.0 * (3 + states);  // weights, gradients, best copy, optimizer state
}

}  // namespace sweep::worker
