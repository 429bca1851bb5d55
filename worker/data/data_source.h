// Which files a trial's data set comes from, and reading them as raw images.
#pragma once

#include <cstdint>
#include <string>

#include "core/trial.h"
#include "worker/data/raw_images.h"

namespace sweep::worker {

// The keys that select a data set. Two trials with equal DataKeys share one loaded copy.
struct DataKey {
  std::string dataset, data_dir, train_csv, test_csv, cache, image_size, cache_memory;
  std::int64_t num_classes = 0;  // the key num_classes (0: from the data)
  bool operator<(const DataKey& o) const;
  std::string describe() const;  // "idx DIR", "csv TRAIN [TEST]", "hdf5 CACHE", "folder DIR"
};

// True when `spec` asks for model = noop: a trial that reads no data set (worker/training/noop.h).
bool is_noop(const TrialSpec& spec);

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

// Reads the whole data set and checks it whole: every IDX body against its header, every CSV
// row, every image of a folder. Classes: num_classes when set; 10 for mnist and fashion_mnist;
// else the largest training label + 1 (at least 2), where a class below it without a training
// image is an error naming the label above it and its first item or line (a corrupt label, or
// a data set that needs num_classes). Throws DataError naming the file and the item or line on
// malformed data or a label outside the classes.
RawDataSet load_raw(const DataKey& key);

}  // namespace sweep::worker
