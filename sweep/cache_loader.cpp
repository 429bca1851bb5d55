#include "sweep/cache_loader.h"

#include "results/image_cache.h"
#include "sweep/errors.h"

namespace sweep {
namespace {

worker::RawImages empty_images(std::int64_t size) {
  worker::RawImages r;
  r.channels = 3;
  r.rows = r.cols = size;
  return r;
}

}  // namespace

worker::SplitImages load_split_images(const std::string& path) {
  results::ImageCache c;
  try {
    c = results::read_image_cache(path);
  } catch (const StoreError& e) {
    throw DataError(std::string("dataset = hdf5: ") + e.what());
  }
  const std::int64_t s = c.info.size;
  const std::size_t bytes = static_cast<std::size_t>(3 * s * s);
  worker::SplitImages out;
  out.classes = c.info.classes;
  out.train = out.val = out.test = empty_images(s);
  for (std::size_t i = 0; i < c.rows.size(); ++i) {
    const std::string& split = c.rows[i].split;
    worker::RawImages& dst = split == "val" ? out.val : split == "test" ? out.test : out.train;
    dst.pixels.insert(dst.pixels.end(), c.images.begin() + i * bytes,
                      c.images.begin() + (i + 1) * bytes);
    dst.labels.push_back(c.rows[i].label);
    ++dst.count;
  }
  return out;
}

worker::DataInfo probe_cache(const std::string& path) {
  worker::DataInfo info;
  try {
    const results::CacheInfo c = results::read_cache_info(path, nullptr);
    info.channels = 3;
    info.rows = info.cols = c.size;
    info.train_count = c.train_count;
    info.test_count = c.test_count;
    info.description = "hdf5 " + path + " (" + std::to_string(c.val_count) + " validation images)";
  } catch (const StoreError& e) {
    throw DataError(std::string("dataset = hdf5: ") + e.what());
  }
  return info;
}

}  // namespace sweep
