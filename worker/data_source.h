// Which files a trial's data set comes from, and reading them as raw images.
#pragma once

#include <string>

#include "core/trial.h"
#include "worker/raw_images.h"

namespace sweep::worker {

// The keys that select a data set. Two trials with equal DataKeys share one loaded copy.
struct DataKey {
  std::string dataset, data_dir, train_csv, test_csv, cache, image_size, cache_memory;
  bool operator<(const DataKey& o) const;
  std::string describe() const;  // "idx DIR", "csv TRAIN [TEST]", "hdf5 CACHE", "folder DIR"
};

// The DataKey of `spec`.
DataKey data_key_of(const TrialSpec& spec);

// Reads headers only and returns counts and image shape. Throws DataError naming the file
// when a file is missing or malformed (e.g. "idx: no train-images-idx3-ubyte[.gz] in DIR").
// Not for dataset = hdf5 (the caller reads the cache's attributes).
DataInfo probe_data(const DataKey& key);

struct RawDataSet {
  RawImages train, test;  // test.count == 0 when there is no test set
  std::int64_t classes = 0;
};

// Reads the whole data set. Classes are max training label + 1 (at least 2). Throws DataError
// naming the file on malformed data or a test label outside the training classes.
RawDataSet load_raw(const DataKey& key);

}  // namespace sweep::worker
