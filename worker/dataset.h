// A data set held by a process, decoded once (see DataCache): its images as bytes, in memory or
// read on demand from an image cache, turned into normalized float batches when used.
#pragma once

#include <torch/torch.h>

#include <array>

#include "worker/raw_images.h"

namespace sweep::worker {

// The images and labels of one part of a data set (train, val or test).
class ImageSet {
 public:
  ImageSet() = default;
  // Images in memory: uint8 N x C x H x W, labels int64 N.
  ImageSet(torch::Tensor pixels, torch::Tensor labels);
  // Images read on demand: `read` returns the bytes of the rows asked for (C x H x W each).
  ImageSet(std::array<std::int64_t, 3> shape, RowReader read, torch::Tensor labels);

  bool defined() const { return labels_.defined(); }
  std::int64_t size() const { return labels_.defined() ? labels_.size(0) : 0; }
  const torch::Tensor& labels() const { return labels_; }
  // The images `idx` (int64) as float32, (pixel / 255 - mean) / stddev.
  torch::Tensor rows(const torch::Tensor& idx, double mean, double stddev) const;
  // The images start .. start + len - 1, likewise.
  torch::Tensor range(std::int64_t start, std::int64_t len, double mean, double stddev) const;
  // Mean and standard deviation of all pixels on the 0-1 scale (read in blocks when streamed).
  std::pair<double, double> pixel_stats() const;

 private:
  torch::Tensor bytes(const torch::Tensor& idx) const;

  torch::Tensor pixels_, labels_;
  std::array<std::int64_t, 3> shape_{};
  RowReader read_;
};

struct LoadedData {
  ImageSet train;  // always defined
  ImageSet val;    // the data set's own validation split (image cache), else undefined
  ImageSet test;   // undefined when there is no test set
  std::int64_t classes = 0;
  double mean = 0, stddev = 1;  // of the training pixels, on the 0-1 scale
  DataInfo info;
};

// Pixels of `raw` as float32 N x C x H x W on the 0-1 scale, normalized as (v - mean) / stddev.
torch::Tensor images_to_tensor(const RawImages& raw, double mean, double stddev);

}  // namespace sweep::worker
