#include "results/store/image_cache.h"

#include <cstdio>
#include <filesystem>

#include "core/errors.h"
#include "results/h5/attributes.h"
#include "results/h5/file_access.h"
#include "results/h5/h5.h"
#include "results/h5/table.h"

namespace sweep::results {
namespace {

constexpr const char* kFormat = "sweep-image-cache";
constexpr double kFormatVersion = 1;

Column col(const std::string& name, ColType t, std::size_t len = 0) { return {name, t, len, 0}; }

const RowLayout& index_layout() {
  static const RowLayout l({col("image_id", ColType::kStr, 128),
                            col("patient_id", ColType::kStr, 128), col("label", ColType::kI64),
                            col("split", ColType::kStr, 8), col("hash", ColType::kU64)});
  return l;
}

const RowLayout& skipped_layout() {
  static const RowLayout l({col("image", ColType::kStr, 256), col("reason", ColType::kStr, 256)});
  return l;
}

Handle open_images(hid_t f) {
  return Handle(H5Dopen2(f, "images", H5P_DEFAULT), H5Dclose, "open the images");
}

}  // namespace

struct ImageCacheWriter::File {
  Handle h;
};

ImageCacheWriter::ImageCacheWriter(const std::string& path, const CacheInfo& info)
    : path_(path), size_(info.size) {
  silence_hdf5_errors();
  if (std::filesystem::exists(path))
    throw StoreError(path + ": exists; remove it or choose another --out");
  const std::string part = path + ".part";
  std::remove(part.c_str());
  file_ = std::make_unique<File>();
  file_->h = create_file(part);
  hid_t f = file_->h.get();
  write_attr(f, "format", std::string(kFormat));
  write_attr(f, "format_version", kFormatVersion);
  write_attr(f, "size", static_cast<double>(info.size));
  write_attr(f, "task", info.task);
  write_attr(f, "source", info.source);
  write_attr(f, "class_names", info.class_names);
  write_attr(f, "classes", static_cast<double>(info.classes));
  write_attr(f, "lcn", info.lcn ? 1.0 : 0.0);
  write_attr(f, "lcn_sigma", info.lcn_sigma);
  write_attr(f, "val_fraction", info.val_fraction);
  write_attr(f, "test_fraction", info.test_fraction);
  write_attr(f, "split_seed", info.split_seed);
  write_attr(f, "program_version", info.program_version);
  const hsize_t s = static_cast<hsize_t>(info.size);
  hsize_t dims[4] = {0, 3, s, s}, maxdims[4] = {H5S_UNLIMITED, 3, s, s}, chunk[4] = {1, 3, s, s};
  Handle space(H5Screate_simple(4, dims, maxdims), H5Sclose, "create the images' dataspace");
  Handle dcpl(H5Pcreate(H5P_DATASET_CREATE), H5Pclose, "create the images' properties");
  check(H5Pset_chunk(dcpl.get(), 4, chunk), "chunk the images");
  Handle ds(
      H5Dcreate2(f, "images", H5T_STD_U8LE, space.get(), H5P_DEFAULT, dcpl.get(), H5P_DEFAULT),
      H5Dclose, "create the images");
  create_table(f, "index", index_layout(), 256);
  create_table(f, "skipped", skipped_layout(), 64);
}

ImageCacheWriter::~ImageCacheWriter() {
  if (file_) {
    file_.reset();
    std::remove((path_ + ".part").c_str());
  }
}

void ImageCacheWriter::append(const std::vector<CacheRow>& rows,
                              const std::vector<std::uint8_t>& planes) {
  if (rows.empty()) return;
  hid_t f = file_->h.get();
  const hsize_t s = static_cast<hsize_t>(size_), n = rows.size();
  if (planes.size() != n * 3 * s * s) throw StoreError(path_ + ": image bytes do not match rows");
  Handle ds = open_images(f);
  Handle space(H5Dget_space(ds.get()), H5Sclose, "get the images' dataspace");
  hsize_t dims[4];
  check(H5Sget_simple_extent_dims(space.get(), dims, nullptr), "get the images' size");
  hsize_t grown[4] = {dims[0] + n, 3, s, s}, start[4] = {dims[0], 0, 0, 0}, count[4] = {n, 3, s, s};
  check(H5Dset_extent(ds.get(), grown), "extend the images");
  Handle fspace(H5Dget_space(ds.get()), H5Sclose, "get the images' dataspace");
  check(H5Sselect_hyperslab(fspace.get(), H5S_SELECT_SET, start, nullptr, count, nullptr),
        "select images");
  Handle mspace(H5Screate_simple(4, count, nullptr), H5Sclose, "create the images' memory space");
  check(
      H5Dwrite(ds.get(), H5T_NATIVE_UINT8, mspace.get(), fspace.get(), H5P_DEFAULT, planes.data()),
      "write images");
  const RowLayout& l = index_layout();
  std::vector<char> packed(l.row_size() * n, 0);
  for (std::size_t i = 0; i < n; ++i) {
    char* p = packed.data() + i * l.row_size();
    l.set_str(p, 0, rows[i].image_id);
    l.set_str(p, 1, rows[i].patient_id);
    l.set_i64(p, 2, rows[i].label);
    l.set_str(p, 3, rows[i].split);
    l.set_u64(p, 4, rows[i].hash);
  }
  append_rows(f, "index", l, packed.data(), n);
}

void ImageCacheWriter::skip(const std::string& image, const std::string& reason) {
  const RowLayout& l = skipped_layout();
  std::vector<char> row(l.row_size(), 0);
  l.set_str(row.data(), 0, image);
  l.set_str(row.data(), 1, reason);
  append_rows(file_->h.get(), "skipped", l, row.data(), 1);
}

void ImageCacheWriter::finish() {
  check(H5Fflush(file_->h.get(), H5F_SCOPE_GLOBAL), path_ + ": flush");
  file_.reset();
  publish_file(path_ + ".part", path_);
}

CacheInfo read_cache_info(const std::string& path, std::int64_t* count) {
  silence_hdf5_errors();
  if (!std::filesystem::exists(path)) throw StoreMissingError(path + ": no such image cache");
  Handle f = open_file_for_read(path);
  if (!has_attr(f.get(), "format") || read_str_attr(f.get(), "format") != kFormat) {
    throw StoreFormatError(path + ": not an image cache of sweep prepare");
  }
  CacheInfo info;
  info.size = static_cast<std::int64_t>(read_num_attr(f.get(), "size"));
  info.task = read_str_attr(f.get(), "task");
  info.source = read_str_attr(f.get(), "source");
  info.class_names = read_str_attr(f.get(), "class_names");
  info.classes = static_cast<std::int64_t>(read_num_attr(f.get(), "classes"));
  info.lcn = read_num_attr(f.get(), "lcn") != 0;
  info.lcn_sigma = read_num_attr(f.get(), "lcn_sigma");
  info.val_fraction = read_num_attr(f.get(), "val_fraction");
  info.test_fraction = read_num_attr(f.get(), "test_fraction");
  info.split_seed = read_num_attr(f.get(), "split_seed");
  info.program_version = read_str_attr(f.get(), "program_version");
  if (info.size < 1 || info.size > 4096 || info.classes < 2) {
    throw StoreFormatError(path + ": bad attributes: size " + std::to_string(info.size) +
                           ", classes " + std::to_string(info.classes));
  }
  std::size_t n = 0;
  const RowLayout& l = index_layout();
  const std::vector<char> rows = read_rows(f.get(), "index", l, &n);
  for (std::size_t i = 0; i < n; ++i) {
    const char* row = rows.data() + i * l.row_size();
    const std::string split = l.get_text(row, 3);
    const std::int64_t label = l.get_i64(row, 2);
    const std::string at =
        path + ": index row " + std::to_string(i) + " (image '" + l.get_text(row, 0) + "'): ";
    if (split != "train" && split != "val" && split != "test") {
      throw StoreFormatError(at + "split '" + split + "' is not train, val or test");
    }
    if (label < 0 || label >= info.classes) {
      throw StoreFormatError(at + "label " + std::to_string(label) + " is outside the cache's " +
                             std::to_string(info.classes) + " classes");
    }
    ++(split == "val" ? info.val_count : split == "test" ? info.test_count : info.train_count);
  }
  Handle images = open_images(f.get());
  Handle space(H5Dget_space(images.get()), H5Sclose, path + ": the images' dataspace");
  hsize_t dims[4] = {0, 0, 0, 0};
  if (H5Sget_simple_extent_ndims(space.get()) != 4 ||
      H5Sget_simple_extent_dims(space.get(), dims, nullptr) != 4 || dims[0] != n || dims[1] != 3 ||
      dims[2] != static_cast<hsize_t>(info.size) || dims[3] != static_cast<hsize_t>(info.size)) {
    throw StoreFormatError(path + ": the images are " + std::to_string(dims[0]) + " x " +
                           std::to_string(dims[1]) + " x " + std::to_string(dims[2]) + " x " +
                           std::to_string(dims[3]) + ", the index and size promise " +
                           std::to_string(n) + " x 3 x " + std::to_string(info.size) + " x " +
                           std::to_string(info.size));
  }
  if (count != nullptr) *count = static_cast<std::int64_t>(n);
  return info;
}

std::vector<CacheRow> read_image_cache_index(const std::string& path) {
  read_cache_info(path, nullptr);
  Handle f = open_file_for_read(path);
  std::size_t n = 0;
  const RowLayout& l = index_layout();
  std::vector<char> rows = read_rows(f.get(), "index", l, &n);
  std::vector<CacheRow> out;
  for (std::size_t i = 0; i < n; ++i) {
    const char* p = rows.data() + i * l.row_size();
    out.push_back(
        {l.get_text(p, 0), l.get_text(p, 1), l.get_text(p, 3), l.get_i64(p, 2), l.get_u64(p, 4)});
  }
  return out;
}

ImageCache read_image_cache(const std::string& path) {
  ImageCache c;
  c.info = read_cache_info(path, nullptr);
  c.rows = read_image_cache_index(path);
  Handle f = open_file_for_read(path);
  const std::size_t n = c.rows.size();
  const std::size_t s = static_cast<std::size_t>(c.info.size);
  c.images.resize(n * 3 * s * s);
  if (n > 0) {
    Handle ds = open_images(f.get());
    check(H5Dread(ds.get(), H5T_NATIVE_UINT8, H5S_ALL, H5S_ALL, H5P_DEFAULT, c.images.data()),
          path + ": read the images");
  }
  std::size_t k = 0;
  const RowLayout& sl = skipped_layout();
  std::vector<char> sk = read_rows(f.get(), "skipped", sl, &k);
  for (std::size_t i = 0; i < k; ++i) {
    const char* p = sk.data() + i * sl.row_size();
    c.skipped.emplace_back(sl.get_text(p, 0), sl.get_text(p, 1));
  }
  return c;
}

struct ImageCacheReader::Open {
  Handle file, images;
};

ImageCacheReader::ImageCacheReader(const std::string& path) : path_(path) {
  size_ = read_cache_info(path, &count_).size;
  open_ = std::make_unique<Open>();
  open_->file = open_file_for_read(path);
  open_->images = open_images(open_->file.get());
}

ImageCacheReader::~ImageCacheReader() = default;

std::vector<std::uint8_t> ImageCacheReader::read(const std::vector<std::int64_t>& rows) const {
  const hsize_t s = static_cast<hsize_t>(size_);
  const std::size_t bytes = static_cast<std::size_t>(3 * s * s);
  std::vector<std::uint8_t> out(rows.size() * bytes);
  Handle fspace(H5Dget_space(open_->images.get()), H5Sclose, path_ + ": images' dataspace");
  hsize_t count[4] = {1, 3, s, s};
  Handle mspace(H5Screate_simple(4, count, nullptr), H5Sclose, path_ + ": memory space");
  for (std::size_t i = 0; i < rows.size(); ++i) {
    if (rows[i] < 0 || rows[i] >= count_) {
      throw StoreError(path_ + ": image row " + std::to_string(rows[i]) + " out of range");
    }
    hsize_t start[4] = {static_cast<hsize_t>(rows[i]), 0, 0, 0};
    check(H5Sselect_hyperslab(fspace.get(), H5S_SELECT_SET, start, nullptr, count, nullptr),
          path_ + ": select an image");
    check(H5Dread(open_->images.get(), H5T_NATIVE_UINT8, mspace.get(), fspace.get(), H5P_DEFAULT,
                  out.data() + i * bytes),
          path_ + ": read an image");
  }
  return out;
}

}  // namespace sweep::results
