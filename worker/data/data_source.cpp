#include "worker/data/data_source.h"

#include <algorithm>
#include <tuple>

#include "core/errors.h"
#include "worker/data/csv_reader.h"
#include "worker/data/fundus.h"
#include "worker/data/idx_reader.h"
#include "worker/data/image_list.h"

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

// Where item `i` of `set` (read from `file`) is, for messages: "FILE:LINE" for CSV rows,
// "FILE, item I" (from 0) for IDX files.
std::string where(const RawImages& set, std::size_t i, const std::string& file) {
  if (i < set.lines.size()) return file + ":" + std::to_string(set.lines[i]);
  return file + ", item " + std::to_string(i);
}

// Every label of `set` is below `classes`; `why` says where that number comes from.
void check_labels(const RawImages& set, std::int64_t classes, const std::string& file,
                  const std::string& why) {
  for (std::size_t i = 0; i < set.labels.size(); ++i) {
    if (set.labels[i] < 0 || set.labels[i] >= classes) {
      throw DataError(where(set, i, file) + ": label " + std::to_string(set.labels[i]) +
                      " is outside the " + std::to_string(classes) + " classes (0-" +
                      std::to_string(classes - 1) + ") " + why);
    }
  }
}

// The classes of a training set whose count the data must tell: the largest label + 1, with a
// training image for every class below it. Throws DataError otherwise.
std::int64_t classes_from_labels(const RawImages& train, const std::string& file) {
  const std::int64_t max_label = *std::max_element(train.labels.begin(), train.labels.end());
  std::vector<std::int64_t> count(static_cast<std::size_t>(max_label) + 1, 0);
  for (std::int64_t l : train.labels) ++count[static_cast<std::size_t>(l)];
  std::int64_t first_missing = -1, missing = 0;
  for (std::int64_t c = 0; c <= max_label; ++c) {
    if (count[static_cast<std::size_t>(c)] > 0) continue;
    if (first_missing < 0) first_missing = c;
    ++missing;
  }
  if (missing == 0) return std::max<std::int64_t>(2, max_label + 1);
  // The label that implies the missing classes: the smallest one above the first gap.
  std::int64_t above = first_missing + 1;
  while (count[static_cast<std::size_t>(above)] == 0) ++above;
  const std::size_t first_row = static_cast<std::size_t>(
      std::find(train.labels.begin(), train.labels.end(), above) - train.labels.begin());
  throw DataError(
      where(train, first_row, file) + ": label " + std::to_string(above) + " leaves " +
      std::to_string(missing) + " class(es) below it without a training " +
      "image (the first: " + std::to_string(first_missing) +
      "); a corrupt label? If the data really have " + std::to_string(max_label + 1) +
      " classes, some without training images, set num_classes = " + std::to_string(max_label + 1));
}

}  // namespace

bool DataKey::operator<(const DataKey& o) const {
  return std::tie(dataset, data_dir, train_csv, test_csv, cache, image_size, cache_memory,
                  num_classes) < std::tie(o.dataset, o.data_dir, o.train_csv, o.test_csv, o.cache,
                                          o.image_size, o.cache_memory, o.num_classes);
}

std::string DataKey::describe() const {
  if (dataset == "hdf5") return "hdf5 " + cache;
  if (dataset == "folder") return "folder " + data_dir + " at " + image_size + " px";
  if (is_idx(dataset)) return dataset + " " + data_dir;
  return "csv " + train_csv + (test_csv.empty() ? "" : " " + test_csv);
}

bool is_noop(const TrialSpec& spec) { return spec.get("model") == "noop"; }

DataKey data_key_of(const TrialSpec& spec) {
  DataKey k{spec.get("dataset"),     spec.get("data_dir"), spec.get("train_csv"),
            spec.get("test_csv"),    spec.get("cache"),    spec.get("image_size"),
            spec.get("cache_memory")};
  k.num_classes = std::stoll(spec.get("num_classes"));
  return k;
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
  std::string train_name, test_name;  // where the labels are, for messages
  if (is_idx(key.dataset)) {
    ds.train = read_idx_images(need_idx(key.data_dir, "train-images-idx3-ubyte"));
    train_name = need_idx(key.data_dir, "train-labels-idx1-ubyte");
    read_idx_labels(train_name, ds.train);
    std::string si = find_idx_file(key.data_dir, "t10k-images-idx3-ubyte");
    if (!si.empty()) {
      ds.test = read_idx_images(si);
      test_name = need_idx(key.data_dir, "t10k-labels-idx1-ubyte");
      read_idx_labels(test_name, ds.test);
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
  std::string why;
  if (key.num_classes > 0) {
    ds.classes = key.num_classes;
    why = "that num_classes = " + std::to_string(key.num_classes) + " sets";
  } else if (key.dataset == "mnist" || key.dataset == "fashion_mnist") {
    ds.classes = 10;
    why = "of dataset = " + key.dataset + " (set dataset = idx and num_classes for other data)";
  } else {
    ds.classes = classes_from_labels(ds.train, train_name);
    why = "of the training set";
  }
  check_labels(ds.train, ds.classes, train_name, why);
  if (ds.test.count > 0) check_labels(ds.test, ds.classes, test_name, why);
  return ds;
}

}  // namespace sweep::worker
