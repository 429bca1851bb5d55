// A data set held by a process, decoded once (see DataCache): its images as bytes, in memory or
// read on demand from an image cache, turned into normalized float batches when used.
#pragma once

#include <torch/torch.h>

#include <array>

#include "worker/data/raw_images.h"
#include "worker/tensors/normalization.h"

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
  // The images in memory (uint8 N x C x H x W); undefined when they are read on demand.
  const torch::Tensor& pixels() const { return pixels_; }
  // The images `idx` (int64) as float32, normalized by `n` (normalize_bytes).
  torch::Tensor rows(const torch::Tensor& idx, const Normalization& n) const;
  // The images start .. start + len - 1, likewise.
  torch::Tensor range(std::int64_t start, std::int64_t len, const Normalization& n) const;
  // The bytes (uint8 C x H x W each) of the images `idx`.
  torch::Tensor bytes(const torch::Tensor& idx) const;
  // Mean and standard deviation of each channel's pixels on the 0-1 scale (read in blocks when
  // streamed); one value for grayscale.
  Normalization pixel_stats() const;

 private:
  torch::Tensor pixels_, labels_;
  std::array<std::int64_t, 3> shape_{};
  RowReader read_;
};

struct LoadedData {
  ImageSet train;  // always defined
  ImageSet val;    // the data set's own validation split (image cache), else undefined
  ImageSet test;   // undefined when there is no test set
  std::int64_t classes = 0;
  Normalization stats;  // of the training pixels per channel, on the 0-1 scale (normalize = data)
  DataInfo info;
};

// Pixels of `raw` as float32 N x C x H x W, normalized by `n`.
torch::Tensor images_to_tensor(const RawImages& raw, const Normalization& n);

}  // namespace sweep::worker
