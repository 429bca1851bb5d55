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

LoadedData decode(const DataKey& key) {
  RawDataSet raw = load_raw(key);
  LoadedData d;
  d.classes = raw.classes;
  // Mean and standard deviation of the training pixels, on the [0, 1] scale.
  double sum = 0, sq = 0;
  for (std::uint8_t p : raw.train.pixels) {
    double v = p / 255.0;
    sum += v;
    sq += v * v;
  }
  double n = static_cast<double>(raw.train.pixels.size());
  d.mean = sum / n;
  d.stddev = std::sqrt(std::max(1e-12, sq / n - d.mean * d.mean));
  d.train_x = images_to_tensor(raw.train, d.mean, d.stddev);
  d.train_y = labels_tensor(raw.train);
  if (raw.test.count > 0) {
    d.test_x = images_to_tensor(raw.test, d.mean, d.stddev);
    d.test_y = labels_tensor(raw.test);
  }
  d.info.train_count = raw.train.count;
  d.info.test_count = raw.test.count;
  d.info.channels = raw.train.channels;
  d.info.rows = raw.train.rows;
  d.info.cols = raw.train.cols;
  d.info.description = key.describe();
  return d;
}

}  // namespace

torch::Tensor images_to_tensor(const RawImages& raw, double mean, double stddev) {
  auto bytes = torch::from_blob(const_cast<std::uint8_t*>(raw.pixels.data()),
                                {raw.count, raw.channels, raw.rows, raw.cols}, torch::kUInt8);
  return bytes.to(torch::kFloat32).div_(255.0).sub_(mean).div_(stddev).contiguous();
}

struct DataCache::Impl {
  std::map<DataKey, LoadedData> sets;
};

DataCache::DataCache() : impl_(std::make_unique<Impl>()) {}
DataCache::~DataCache() = default;

const LoadedData& DataCache::get(const TrialSpec& spec) {
  DataKey key = data_key_of(spec);
  auto it = impl_->sets.find(key);
  if (it != impl_->sets.end()) return it->second;
  LoadedData d = decode(key);
  ++loads_;
  return impl_->sets.emplace(key, std::move(d)).first->second;
}

}  // namespace sweep::worker
