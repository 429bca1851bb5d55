// A trial's settings checked against its data's shape, and what it costs, without LibTorch: the
// checks before a sweep starts, the basis of the scheduler's longest-first order and of the
// memory check.
#pragma once

#include "core/trial.h"
#include "worker/data/raw_images.h"

namespace sweep::worker {

// Checks the model and normalization settings of `spec` against images of `info`'s shape
// without training: throws std::invalid_argument naming the key (e.g. "key 'conv_blocks': 6
// blocks halve a 28x28 image to nothing", a resnet depth other than 18 or 34, a missing
// backbone file, a normalization with 3 values for grayscale images). Nothing for model =
// noop. Running a TorchScript backbone on an image is worker::check_backbone_inputs.
void check_trial_settings(const TrialSpec& spec, const DataInfo& info);

// Multiply-adds per training sample (forward) of the model `spec` names on images of
// `info`'s shape; 0 for model = noop. Throws std::invalid_argument naming the key on settings
// that have no model (e.g. a resnet depth other than 18 or 34).
double model_macs_per_sample(const TrialSpec& spec, const DataInfo& info);

// The least memory a training of `spec` on images of `info`'s shape takes, in bytes: the
// model's float weights, their gradients, the optimizer's state (adam, adamw: 2 copies; sgd:
// 1 with momentum) and the copy of the best epoch's weights. Activations and batches come on
// top. 0 for model = noop. Throws as model_macs_per_sample.
double training_memory_floor(const TrialSpec& spec, const DataInfo& info);

}  // namespace sweep::worker
