// Each TorchScript backbone of a sweep run on one image before anything trains; the checks of a
// trial's settings that need no LibTorch are worker/config/trial_settings.h.
#include <set>
#include <string>
#include <vector>

#include "worker/config/train_config.h"
#include "worker/data/data_source.h"
#include "worker/models/torchscript_net.h"
#include "worker/worker.h"

namespace sweep::worker {

void check_backbone_inputs(const std::vector<TrialSpec>& trials, const DataInfo& info) {
  std::set<std::string> done;
  for (const auto& t : trials) {
    if (is_noop(t) || t.get("model") != "torchscript") continue;
    const std::string path = t.get("backbone");
    if (done.insert(path).second) check_backbone_input(path, info.channels, info.rows, info.cols);
  }
}

}  // namespace sweep::worker
