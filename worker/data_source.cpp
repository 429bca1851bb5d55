#include "worker/data_source.h"

#include <algorithm>
#include <tuple>

#include "core/errors.h"
#include "worker/csv_reader.h"
#include "worker/fundus.h"
#include "worker/idx_reader.h"
#include "worker/image_list.h"

namespace sweep::worker {
namespace {

bool is_idx(const std::string& dataset) {
  return dataset != "csv" && dataset != "hdf5" && dataset != "folder";
}

// An image folder (root/<class>/*.{jpg,png}) decoded and resized to size x size RGB, in the
// order of list_folder_images; a file that cannot be decoded is an error naming it.
RawImages read_folder(const std::string& root, int size, std::int64_t* classes) {
  const ImageList list = list_folder_images(root);
  RawImages raw;
  raw.channels = 3;
  raw.rows = raw.cols = size;
  for (const ImageEntry& e : list.entries) {
    const std::vector<std::uint8_t> planes =
        to_planes(resize_area(decode_image(e.path, size), size));
    raw.pixels.insert(raw.pixels.end(), planes.begin(), planes.end());
    raw.labels.push_back(e.label);
    ++raw.count;
  }
  *classes = static_cast<std::int64_t>(list.class_names.size());
  return raw;
}

std::string need_idx(const std::string& dir, const std::string& name) {
  std::string p = find_idx_file(dir, name);
  if (p.empty())
    throw DataError("dataset idx: no " + name + "[.gz] in '" + dir + "' (key data_dir)");
  return p;
}

void check_labels(const RawImages& set, std::int64_t classes, const std::string& what) {
  for (std::size_t i = 0; i < set.labels.size(); ++i) {
    if (set.labels[i] >= classes) {
      throw DataError(what + ": label " + std::to_string(set.labels[i]) + " of item " +
                      std::to_string(i) + " is out of range: the training set has " +
                      std::to_string(classes) + " classes (0-" + std::to_string(classes - 1) + ")");
    }
  }
}

}  // namespace

bool DataKey::operator<(const DataKey& o) const {
  return std::tie(dataset, data_dir, train_csv, test_csv, cache, image_size, cache_memory) <
         std::tie(o.dataset, o.data_dir, o.train_csv, o.test_csv, o.cache, o.image_size,
                  o.cache_memory);
}

std::string DataKey::describe() const {
  if (dataset == "hdf5") return "hdf5 " + cache;
  if (dataset == "folder") return "folder " + data_dir + " at " + image_size + " px";
  if (is_idx(dataset)) return dataset + " " + data_dir;
  return "csv " + train_csv + (test_csv.empty() ? "" : " " + test_csv);
}

DataKey data_key_of(const TrialSpec& spec) {
  return {spec.get("dataset"),     spec.get("data_dir"), spec.get("train_csv"),
          spec.get("test_csv"),    spec.get("cache"),    spec.get("image_size"),
          spec.get("cache_memory")};
}

DataInfo probe_data(const DataKey& key) {
  DataInfo info;
  info.description = key.describe();
  if (key.dataset == "folder") {
    info.train_count = static_cast<std::int64_t>(list_folder_images(key.data_dir).entries.size());
    info.channels = 3;
    info.rows = info.cols = std::stoll(key.image_size);
    return info;
  }
  if (is_idx(key.dataset)) {
    std::string ti = need_idx(key.data_dir, "train-images-idx3-ubyte");
    std::string tl = need_idx(key.data_dir, "train-labels-idx1-ubyte");
    info.train_count = read_idx_header(ti, &info.rows, &info.cols);
    std::int64_t nl = read_idx_header(tl, nullptr, nullptr);
    if (nl != info.train_count) {
      throw DataError(tl + ": " + std::to_string(nl) + " labels for " +
                      std::to_string(info.train_count) + " images");
    }
    std::string si = find_idx_file(key.data_dir, "t10k-images-idx3-ubyte");
    if (!si.empty()) {
      std::int64_t r = 0, c = 0;
      info.test_count = read_idx_header(si, &r, &c);
      if (r != info.rows || c != info.cols)
        throw DataError(si + ": image size differs from the training set");
      need_idx(key.data_dir, "t10k-labels-idx1-ubyte");
    }
    return info;
  }
  DataInfo train = probe_csv(key.train_csv, /*require_labels=*/true);
  info.train_count = train.train_count;
  info.rows = train.rows;
  info.cols = train.cols;
  if (!key.test_csv.empty()) {
    DataInfo test = probe_csv(key.test_csv, /*require_labels=*/true);
    if (test.rows != info.rows)
      throw DataError(key.test_csv + ": image size differs from the training set");
    info.test_count = test.train_count;
  }
  return info;
}

RawDataSet load_raw(const DataKey& key) {
  RawDataSet ds;
  if (key.dataset == "folder") {
    ds.train = read_folder(key.data_dir, std::stoi(key.image_size), &ds.classes);
    ds.classes = std::max<std::int64_t>(2, ds.classes);
    return ds;
  }
  std::string train_name, test_name;
  if (is_idx(key.dataset)) {
    train_name = need_idx(key.data_dir, "train-images-idx3-ubyte");
    ds.train = read_idx_images(train_name);
    read_idx_labels(need_idx(key.data_dir, "train-labels-idx1-ubyte"), ds.train);
    std::string si = find_idx_file(key.data_dir, "t10k-images-idx3-ubyte");
    if (!si.empty()) {
      test_name = si;
      ds.test = read_idx_images(si);
      read_idx_labels(need_idx(key.data_dir, "t10k-labels-idx1-ubyte"), ds.test);
    }
  } else {
    train_name = key.train_csv;
    ds.train = read_csv_images(key.train_csv, /*require_labels=*/true);
    if (!key.test_csv.empty()) {
      test_name = key.test_csv;
      ds.test = read_csv_images(key.test_csv, /*require_labels=*/true);
    }
  }
  if (ds.test.count > 0 && (ds.test.rows != ds.train.rows || ds.test.cols != ds.train.cols)) {
    throw DataError(test_name + ": image size differs from the training set");
  }
  std::int64_t max_label = *std::max_element(ds.train.labels.begin(), ds.train.labels.end());
  ds.classes = std::max<std::int64_t>(2, max_label + 1);
  if (ds.test.count > 0) check_labels(ds.test, ds.classes, test_name);
  return ds;
}

}  // namespace sweep::worker
