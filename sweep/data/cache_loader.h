// The bridge from the results store's image cache reader to the worker's data sets: the worker
// reads no HDF5 itself, so `sweep` hands it this loader.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "worker/data/data_source.h"
#include "worker/data/raw_images.h"

namespace sweep {

// The train, val and test images of the image cache at `path` (rows by their split column),
// with the cache's class count: in memory, or with `stream` as readers that fetch the images
// asked for from the file. Throws DataError naming the path on a missing or foreign file.
worker::SplitImages load_split_images(const std::string& path, bool stream = false);

// The loader a rank's DataCache uses: cache_memory = load or stream as they say, auto streams
// a cache whose pixels exceed `share` bytes (see memory_share.h) and passes a line saying so
// to `note` (may be empty). Throws as load_split_images.
worker::SplitImagesLoader cache_loader(std::uint64_t share,
                                       std::function<void(const std::string&)> note);

// Counts and image shape of the cache at `path` from its attributes and index (cheap). Throws
// DataError naming the path on a missing or foreign file.
worker::DataInfo probe_cache(const std::string& path);

}  // namespace sweep
