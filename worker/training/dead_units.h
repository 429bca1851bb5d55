// Dead units of a trained model (key `dead_units`): per activation layer, the fraction of units
// that never exceed 0 on any image of a set.
#pragma once

#include <torch/torch.h>

#include <vector>

#include "core/trial.h"
#include "worker/models/activation_probe.h"
#include "worker/models/model.h"
#include "worker/tensors/dataset.h"
#include "worker/training/evaluate.h"

namespace sweep::worker {

// Runs `model` (in eval and inference mode, its mode restored afterwards) on the images `idx` of
// `set` (all when undefined), normalized by `norm`, in batches of `batch`, and returns which
// units of each of its activation layers fired (ActivationProbe). Throws std::invalid_argument
// when the model reports no activation layer.
std::vector<ActivationProbe::Layer> probe_activations(ClassifierImpl& model, const ImageSet& set,
                                                      const torch::Tensor& idx,
                                                      const Normalization& norm,
                                                      std::int64_t batch = kEvalBatch);

// Each layer's units and the fraction of them that never fired.
std::vector<ActivationLayer> dead_fractions(const std::vector<ActivationProbe::Layer>& layers);

}  // namespace sweep::worker
