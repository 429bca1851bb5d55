#include <map>

#include "sweep/errors.h"
#include "worker/data_source.h"
#include "worker/dataset.h"
#include "worker/worker.h"

namespace sweep::worker {
namespace {

torch::Tensor labels_tensor(const RawImages& raw) {
  return torch::tensor(raw.labels, torch::kInt64);
}

// The tensors of a data set: train (whose pixels set the normalization), optional val and test.
LoadedData to_loaded(const DataKey& key, const RawImages& train, const RawImages* val,
                     const RawImages& test, std::int64_t classes) {
  LoadedData d;
  d.classes = classes;
  // Mean and standard deviation of the training pixels, on the [0, 1] scale.
  double sum = 0, sq = 0;
  for (std::uint8_t p : train.pixels) {
    double v = p / 255.0;
    sum += v;
    sq += v * v;
  }
  double n = static_cast<double>(train.pixels.size());
  d.mean = sum / n;
  d.stddev = std::sqrt(std::max(1e-12, sq / n - d.mean * d.mean));
  d.train_x = images_to_tensor(train, d.mean, d.stddev);
  d.train_y = labels_tensor(train);
  if (val != nullptr && val->count > 0) {
    d.val_x = images_to_tensor(*val, d.mean, d.stddev);
    d.val_y = labels_tensor(*val);
  }
  if (test.count > 0) {
    d.test_x = images_to_tensor(test, d.mean, d.stddev);
    d.test_y = labels_tensor(test);
  }
  d.info.train_count = train.count;
  d.info.test_count = test.count;
  d.info.channels = train.channels;
  d.info.rows = train.rows;
  d.info.cols = train.cols;
  d.info.description = key.describe();
  return d;
}

LoadedData decode(const DataKey& key, const SplitImagesLoader& loader) {
  if (key.dataset == "hdf5") {
    if (!loader) throw DataError("dataset = hdf5: no image cache reader in this program");
    const SplitImages s = loader(key.cache);
    if (s.train.count == 0) throw DataError(key.cache + ": the cache has no training images");
    return to_loaded(key, s.train, &s.val, s.test, s.classes);
  }
  const RawDataSet raw = load_raw(key);
  return to_loaded(key, raw.train, nullptr, raw.test, raw.classes);
}

}  // namespace

torch::Tensor images_to_tensor(const RawImages& raw, double mean, double stddev) {
  auto bytes = torch::from_blob(const_cast<std::uint8_t*>(raw.pixels.data()),
                                {raw.count, raw.channels, raw.rows, raw.cols}, torch::kUInt8);
  return bytes.to(torch::kFloat32).div_(255.0).sub_(mean).div_(stddev).contiguous();
}

struct DataCache::Impl {
  std::map<DataKey, LoadedData> sets;
  SplitImagesLoader loader;
};

DataCache::DataCache(SplitImagesLoader loader) : impl_(std::make_unique<Impl>()) {
  impl_->loader = std::move(loader);
}
DataCache::~DataCache() = default;

const LoadedData& DataCache::get(const TrialSpec& spec) {
  DataKey key = data_key_of(spec);
  auto it = impl_->sets.find(key);
  if (it != impl_->sets.end()) return it->second;
  LoadedData d = decode(key, impl_->loader);
  ++loads_;
  return impl_->sets.emplace(key, std::move(d)).first->second;
}

}  // namespace sweep::worker
