// A data set held in memory as tensors, decoded once per process (see DataCache).
#pragma once

#include <torch/torch.h>

#include "worker/raw_images.h"

namespace sweep::worker {

struct LoadedData {
  torch::Tensor train_x;  // float32 N x C x H x W, normalized with the training set's mean/std
  torch::Tensor train_y;  // int64 N
  torch::Tensor test_x;   // undefined when there is no test set
  torch::Tensor test_y;
  torch::Tensor val_x;  // the data set's own validation split (image cache), else undefined
  torch::Tensor val_y;
  std::int64_t classes = 0;
  double mean = 0, stddev = 1;
  DataInfo info;
};

// Pixels of `raw` as float32 N x C x H x W on the 0-1 scale, normalized as (v - mean) / stddev.
torch::Tensor images_to_tensor(const RawImages& raw, double mean, double stddev);

}  // namespace sweep::worker
