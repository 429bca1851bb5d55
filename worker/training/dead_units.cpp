#include "worker/training/dead_units.h"

#include <stdexcept>

#include "worker/training/device.h"

namespace sweep::worker {
namespace {

// Sets eval mode and `probe` for its lifetime, then restores the mode and clears the probe.
class Probing {
 public:
  Probing(ClassifierImpl& m, ActivationProbe* probe) : m_(m), was_training_(m.is_training()) {
    m_.eval();
    m_.set_probe(probe);
  }
  ~Probing() {
    m_.set_probe(nullptr);
    m_.train(was_training_);
  }
  Probing(const Probing&) = delete;
  Probing& operator=(const Probing&) = delete;

 private:
  ClassifierImpl& m_;
  bool was_training_;
};

}  // namespace

std::vector<ActivationProbe::Layer> probe_activations(ClassifierImpl& model, const ImageSet& set,
                                                      const torch::Tensor& idx,
                                                      const Normalization& norm,
                                                      std::int64_t batch) {
  torch::InferenceMode guard;
  ActivationProbe probe;
  Probing probing(model, &probe);
  const torch::Device device = device_of(model);
  const std::int64_t n = idx.defined() ? idx.size(0) : set.size();
  for (std::int64_t s = 0; s < n; s += batch) {
    const std::int64_t len = std::min(batch, n - s);
    const torch::Tensor xb =
        idx.defined() ? set.rows(idx.narrow(0, s, len), norm) : set.range(s, len, norm);
    model.logits(xb.to(device));
  }
  if (probe.layers().empty()) {
    throw std::invalid_argument("dead_units: the model reports no activation layer");
  }
  return probe.layers();
}

std::vector<ActivationLayer> dead_fractions(const std::vector<ActivationProbe::Layer>& layers) {
  std::vector<ActivationLayer> out;
  for (const ActivationProbe::Layer& l : layers) {
    const std::int64_t units = l.fired.size(0);
    const std::int64_t alive = l.fired.sum().item<std::int64_t>();
    out.push_back(
        {l.name, units,
         units > 0 ? static_cast<double>(units - alive) / static_cast<double>(units) : 0.0});
  }
  return out;
}

}  // namespace sweep::worker
