// Which units of a model's activation layers ever fire (key `dead_units`): a model with a probe
// set reports each ReLU/GELU output to it as it computes it; without one (training), nothing.
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <string>
#include <vector>

namespace sweep::worker {

// The units of each activation layer that exceeded 0 on some image seen. A unit is a channel of
// a convolution's output (over every position), a feature of a dense layer, or a feature of a
// transformer's MLP over every token; GELU(x) > 0 exactly when x > 0, so one rule serves both.
class ActivationProbe {
 public:
  struct Layer {
    std::string name;     // e.g. "block1.relu2", "stage3.block2.relu1", "block4.gelu"
    torch::Tensor fired;  // bool, one per unit: exceeded 0 on some image
  };

  // Records the output `y` of layer `name`: B x U (dense), B x U x H x W (convolution) or
  // B x T x U (tokens, `units_last`). Layers are kept in the order first seen; a layer seen
  // again (the next batch) must have as many units. Throws std::invalid_argument otherwise.
  void see(const std::string& name, const torch::Tensor& y, bool units_last = false);

  const std::vector<Layer>& layers() const { return layers_; }

 private:
  std::vector<Layer> layers_;
};

// Runs `s` on `x`, reporting the output of each ReLU module in it to `probe` (when not null) as
// layer `prefix` + "relu" + its number from 1 in `s`.
torch::Tensor forward_probed(torch::nn::Sequential& s, torch::Tensor x, ActivationProbe* probe,
                             const std::string& prefix);

}  // namespace sweep::worker
