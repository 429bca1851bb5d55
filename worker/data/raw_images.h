// Image data as decoded from disk, before it becomes tensors. No LibTorch here, so the readers
// can be used and tested on their own.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace sweep::worker {

// Reads the bytes (C x H x W each, in the order asked) of the rows `rows` of a stored image set.
using RowReader = std::function<std::vector<std::uint8_t>(const std::vector<std::int64_t>& rows)>;

struct RawImages {
  std::int64_t count = 0, channels = 1, rows = 0, cols = 0;
  std::vector<std::uint8_t> pixels;  // count x channels x rows x cols, row-major
  std::vector<std::int64_t> labels;  // count entries; empty when the source has no labels
  std::vector<std::int64_t> lines;   // CSV: the line of each row (for messages); else empty
  RowReader read;  // when set, `pixels` is empty and the images are read on demand
};

// Shape of a data set as found by reading headers only (cheap; used before a sweep starts).
struct DataInfo {
  std::int64_t train_count = 0, test_count = 0;  // test_count 0: no test set
  std::int64_t channels = 1, rows = 0, cols = 0;
  std::string description;  // e.g. "idx /usr/share/datasets/fashion-mnist"
};

// A data set that comes with its own validation split: an image cache of `sweep prepare`.
struct SplitImages {
  RawImages train, val, test;  // val.count or test.count may be 0
  std::int64_t classes = 0;
};

// Reads the image cache at `path` (supplied by the caller: the worker reads no HDF5 itself),
// as the key cache_memory (`memory`) says: "load" into memory, "stream" as row readers, or
// "auto" (the loader decides from the memory this process may use). Throws on an unreadable
// cache.
using SplitImagesLoader =
    std::function<SplitImages(const std::string& path, const std::string& memory)>;

}  // namespace sweep::worker
