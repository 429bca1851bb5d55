// The memory format of a trial's model and batches (key memory_format): contiguous (NCHW) or
// channels-last (NHWC), and the fixed rule that `auto` follows. No LibTorch: the conversion
// itself is worker/models/memory_format.h.
#pragma once

namespace sweep::worker {

struct ModelConfig;

// Whether a model of `m` trains in channels-last: `m.memory_format` is "channels_last" (yes),
// "contiguous" (no) or "auto" (the rule of the CPU speed table in docs/benchmarks.md: yes for cnn
// and for resnet of width >= 0.25, whatever the image size; no for vit, TorchScript backbones and
// narrower resnets; never decided by a clock or the CPU, so that the same trial always sums in
// the same order). Throws std::invalid_argument naming the key on any other value, and on
// channels_last for a resnet narrower than 0.25 (LibTorch 1.13's oneDNN crashes there).
bool channels_last_for(const ModelConfig& m);

// "channels_last" or "contiguous": the name stored in the trials table.
const char* memory_format_name(bool channels_last);

}  // namespace sweep::worker
