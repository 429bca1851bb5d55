// Converting a model to channels-last (NHWC); which models train so is
// worker/config/memory_format_rule.h, included here.
#pragma once

#include <torch/torch.h>

#include "worker/config/memory_format_rule.h"

namespace sweep::worker {

// Converts the 4-D parameters and buffers of `module` (conv weights) to channels-last, in
// place (their values unchanged). Call before an optimizer is built over them.
void to_channels_last(torch::nn::Module& module);

}  // namespace sweep::worker
