#include <string>

#include "worker/model.h"
#include "worker/noop.h"
#include "worker/train_config.h"
#include "worker/worker.h"

namespace sweep::worker {

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

void check_trial_settings(const TrialSpec& spec, const DataInfo& info) {
  if (is_noop(spec)) return;
  check_model(train_config_of(spec).net, {info.channels, info.rows, info.cols, 10});
}

}  // namespace sweep::worker
