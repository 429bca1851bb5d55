#include "sweep/data/cache_loader.h"

#include <map>
#include <memory>

#include "core/errors.h"
#include "results/store/image_cache.h"
#include "sweep/data/memory_share.h"

namespace sweep {
namespace {

worker::RawImages empty_images(std::int64_t size) {
  worker::RawImages r;
  r.channels = 3;
  r.rows = r.cols = size;
  return r;
}

}  // namespace

worker::SplitImages load_split_images(const std::string& path, bool stream) {
  results::ImageCache c;
  std::shared_ptr<const results::ImageCacheReader> reader;
  try {
    if (stream) {
      // The index only; images are read as batches ask for them.
      c.info = results::read_cache_info(path, nullptr);
      c.rows = results::read_image_cache_index(path);
      reader = std::make_shared<const results::ImageCacheReader>(path);
    } else {
      c = results::read_image_cache(path);
    }
  } catch (const StoreError& e) {
    throw DataError(std::string("dataset = hdf5: ") + e.what());
  }
  const std::int64_t s = c.info.size;
  const std::size_t bytes = static_cast<std::size_t>(3 * s * s);
  worker::SplitImages out;
  out.classes = c.info.classes;
  out.train = out.val = out.test = empty_images(s);
  std::map<std::string, std::vector<std::int64_t>> global;  // split -> rows of the cache
  for (std::size_t i = 0; i < c.rows.size(); ++i) {
    const std::string& split = c.rows[i].split;
    worker::RawImages& dst = split == "val" ? out.val : split == "test" ? out.test : out.train;
    if (!stream) {
      dst.pixels.insert(dst.pixels.end(), c.images.begin() + i * bytes,
                        c.images.begin() + (i + 1) * bytes);
    }
    dst.labels.push_back(c.rows[i].label);
    ++dst.count;
    global[split == "val" || split == "test" ? split : "train"].push_back(
        static_cast<std::int64_t>(i));
  }
  if (stream) {
    for (const char* split : {"train", "val", "test"}) {
      worker::RawImages& dst = split == std::string("val")    ? out.val
                               : split == std::string("test") ? out.test
                                                              : out.train;
      dst.read = [reader, rows = global[split]](const std::vector<std::int64_t>& local) {
        std::vector<std::int64_t> want;
        want.reserve(local.size());
        for (std::int64_t i : local) want.push_back(rows.at(static_cast<std::size_t>(i)));
        return reader->read(want);
      };
    }
  }
  return out;
}

worker::SplitImagesLoader cache_loader(std::uint64_t share,
                                       std::function<void(const std::string&)> note) {
  return [share, note](const std::string& path, const std::string& memory) {
    std::uint64_t bytes = 0;
    if (memory == "auto") {
      try {
        const results::CacheInfo c = results::read_cache_info(path, nullptr);
        bytes = static_cast<std::uint64_t>(c.train_count + c.val_count + c.test_count) * 3 *
                static_cast<std::uint64_t>(c.size) * static_cast<std::uint64_t>(c.size);
      } catch (const StoreError& e) {
        throw DataError(std::string("dataset = hdf5: ") + e.what());
      }
    }
    const bool stream = should_stream(memory, bytes, share);
    if (memory == "auto" && stream && note) {
      note(path + ": " + std::to_string(bytes >> 20) + " MiB of images, more than this rank's " +
           std::to_string(share >> 20) +
           " MiB share of memory; streaming batches from the file "
           "(cache_memory = auto)");
    }
    return load_split_images(path, stream);
  };
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
