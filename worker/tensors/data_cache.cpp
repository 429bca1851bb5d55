#include <map>
#include <numeric>

#include "core/errors.h"
#include "worker/data/data_source.h"
#include "worker/tensors/dataset.h"
#include "worker/tensors/shared_data.h"
#include "worker/worker.h"

namespace sweep::worker {
namespace {

constexpr std::int64_t kStatsBlock = 256;  // rows per read when streamed pixels are summed

// The part `raw` as an image set (undefined when it is empty and `keep_empty` is false).
ImageSet image_set(const RawImages& raw) {
  if (raw.count == 0) return {};
  torch::Tensor labels = torch::tensor(raw.labels, torch::kInt64);
  if (raw.read) return ImageSet({raw.channels, raw.rows, raw.cols}, raw.read, labels);
  torch::Tensor pixels =
      torch::from_blob(const_cast<std::uint8_t*>(raw.pixels.data()),
                       {raw.count, raw.channels, raw.rows, raw.cols}, torch::kUInt8)
          .clone();
  return ImageSet(pixels, labels);
}

// The data set's parts: train (whose pixels set the normalization), optional val and test.
LoadedData to_loaded(const DataKey& key, const RawImages& train, const RawImages* val,
                     const RawImages& test, std::int64_t classes) {
  LoadedData d;
  d.classes = classes;
  d.train = image_set(train);
  if (val != nullptr) d.val = image_set(*val);
  d.test = image_set(test);
  d.stats = d.train.pixel_stats();
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
    const SplitImages s = loader(key.cache, key.cache_memory);
    if (s.train.count == 0) throw DataError(key.cache + ": the cache has no training images");
    return to_loaded(key, s.train, &s.val, s.test, s.classes);
  }
  const RawDataSet raw = load_raw(key);
  return to_loaded(key, raw.train, nullptr, raw.test, raw.classes);
}

}  // namespace

ImageSet::ImageSet(torch::Tensor pixels, torch::Tensor labels)
    : pixels_(std::move(pixels)), labels_(std::move(labels)) {}

ImageSet::ImageSet(std::array<std::int64_t, 3> shape, RowReader read, torch::Tensor labels)
    : labels_(std::move(labels)), shape_(shape), read_(std::move(read)) {}

torch::Tensor ImageSet::bytes(const torch::Tensor& idx) const {
  if (pixels_.defined()) return pixels_.index_select(0, idx);
  torch::Tensor i = idx.to(torch::kInt64).contiguous();
  const std::vector<std::int64_t> rows(i.data_ptr<std::int64_t>(),
                                       i.data_ptr<std::int64_t>() + i.numel());
  std::vector<std::uint8_t> b = read_(rows);
  const std::int64_t n = static_cast<std::int64_t>(rows.size());
  if (static_cast<std::int64_t>(b.size()) != n * shape_[0] * shape_[1] * shape_[2]) {
    throw DataError("image cache: a read returned the wrong number of bytes");
  }
  return torch::from_blob(b.data(), {n, shape_[0], shape_[1], shape_[2]}, torch::kUInt8).clone();
}

torch::Tensor ImageSet::rows(const torch::Tensor& idx, const Normalization& n) const {
  return normalize_bytes(bytes(idx), n);
}

torch::Tensor ImageSet::range(std::int64_t start, std::int64_t len, const Normalization& n) const {
  if (pixels_.defined()) return normalize_bytes(pixels_.narrow(0, start, len), n);
  return rows(torch::arange(start, start + len, torch::kInt64), n);
}

Normalization ImageSet::pixel_stats() const {
  ChannelStats stats;
  if (pixels_.defined()) {
    if (size() > 0) stats.add(pixels_);
  } else {
    for (std::int64_t s = 0; s < size(); s += kStatsBlock) {
      stats.add(bytes(torch::arange(s, std::min(size(), s + kStatsBlock), torch::kInt64)));
    }
  }
  return stats.result();
}

torch::Tensor images_to_tensor(const RawImages& raw, const Normalization& n) {
  auto bytes = torch::from_blob(const_cast<std::uint8_t*>(raw.pixels.data()),
                                {raw.count, raw.channels, raw.rows, raw.cols}, torch::kUInt8);
  return normalize_bytes(bytes, n);
}

struct DataCache::Impl {
  std::map<DataKey, LoadedData> sets;
  SplitImagesLoader loader;
  TrialGroup* share = nullptr;
};

DataCache::DataCache(SplitImagesLoader loader) : impl_(std::make_unique<Impl>()) {
  impl_->loader = std::move(loader);
}
DataCache::~DataCache() = default;

void DataCache::share_within(TrialGroup* group) { impl_->share = group; }

const LoadedData& DataCache::get(const TrialSpec& spec) {
  DataKey key = data_key_of(spec);
  auto it = impl_->sets.find(key);
  if (it != impl_->sets.end()) return it->second;
  TrialGroup* share = impl_->share;
  LoadedData d = share != nullptr && share->node_size() > 1
                     ? load_shared([&] { return decode(key, impl_->loader); }, *share)
                     : decode(key, impl_->loader);
  ++loads_;
  return impl_->sets.emplace(key, std::move(d)).first->second;
}

}  // namespace sweep::worker
