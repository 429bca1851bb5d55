#include <set>
#include <string>
#include <vector>

#include "worker/model.h"
#include "worker/noop.h"
#include "worker/normalization.h"
#include "worker/torchscript_net.h"
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
  const TrainConfig c = train_config_of(spec);
  check_model(c.net, {info.channels, info.rows, info.cols, 10});
  choose_normalization(c.normalize, Normalization{}, info.channels);
}

void check_backbone_inputs(const std::vector<TrialSpec>& trials, const DataInfo& info) {
  std::set<std::string> done;
  for (const auto& t : trials) {
    if (is_noop(t) || t.get("model") != "torchscript") continue;
    const std::string path = t.get("backbone");
    if (done.insert(path).second) check_backbone_input(path, info.channels, info.rows, info.cols);
  }
}

}  // namespace sweep::worker
