#include "worker/models/activation_probe.h"

#include <stdexcept>

namespace sweep::worker {

void ActivationProbe::see(const std::string& name, const torch::Tensor& y, bool units_last) {
  if (y.dim() < 2) throw std::invalid_argument("activation " + name + ": not a batch of units");
  torch::NoGradGuard no_grad;
  const std::int64_t unit_dim = units_last ? y.dim() - 1 : 1;
  // Each unit's largest value over every other dimension.
  const torch::Tensor per_unit =
      y.detach().movedim(unit_dim, 0).reshape({y.size(unit_dim), -1}).amax(1).cpu();
  const torch::Tensor fired = per_unit > 0;
  for (Layer& l : layers_) {
    if (l.name != name) continue;
    if (l.fired.size(0) != fired.size(0)) {
      throw std::invalid_argument("activation " + name + ": " + std::to_string(fired.size(0)) +
                                  " units, " + std::to_string(l.fired.size(0)) + " before");
    }
    l.fired = l.fired.logical_or(fired);
    return;
  }
  layers_.push_back({name, fired});
}

torch::Tensor forward_probed(torch::nn::Sequential& s, torch::Tensor x, ActivationProbe* probe,
                             const std::string& prefix) {
  if (probe == nullptr) return s->forward(x);
  int relu = 0;
  for (auto& m : *s) {
    x = m.forward(x);
    if (m.ptr()->as<torch::nn::ReLUImpl>() != nullptr) {
      probe->see(prefix + "relu" + std::to_string(++relu), x);
    }
  }
  return x;
}

}  // namespace sweep::worker
