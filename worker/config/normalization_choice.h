// Which normalization a trial's pixels get (key `normalize`, and `mean`/`std` for custom),
// chosen and checked without LibTorch; applying it to tensors is worker/tensors/normalization.h.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "worker/config/train_config.h"

namespace sweep::worker {

// (pixel / 255 - mean) / std, with one mean and std for all channels or one per channel.
struct Normalization {
  std::vector<double> mean{0.0}, stddev{1.0};  // on the 0-1 scale; equal lengths, 1 or C
  // "mean 0.286 std 0.353" or "mean 0.485 0.456 0.406 std 0.229 0.224 0.225".
  std::string describe() const;
};

// The statistics of ImageNet that torchvision's pretrained models expect.
Normalization imagenet_normalization();

// The normalization a trial uses on images of `channels` channels, `data` being the training
// set's per-channel statistics. Throws std::invalid_argument naming the key when the choice
// has a number of values other than 1 or `channels` (imagenet on grayscale data, a custom
// list of 3 for 1 channel).
Normalization choose_normalization(const NormalizeConfig& c, const Normalization& data,
                                   std::int64_t channels);

}  // namespace sweep::worker
