// Image data as decoded from disk, before it becomes tensors. No LibTorch here, so the readers
// can be used and tested on their own.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace sweep::worker {

struct RawImages {
  std::int64_t count = 0, channels = 1, rows = 0, cols = 0;
  std::vector<std::uint8_t> pixels;  // count x channels x rows x cols, row-major
  std::vector<std::int64_t> labels;  // count entries; empty when the source has no labels
};

// Shape of a data set as found by reading headers only (cheap; used before a sweep starts).
struct DataInfo {
  std::int64_t train_count = 0, test_count = 0;  // test_count 0: no test set
  std::int64_t channels = 1, rows = 0, cols = 0;
  std::string description;  // e.g. "idx /usr/share/datasets/fashion-mnist"
};

}  // namespace sweep::worker
