// The image cache that `sweep prepare` writes and `dataset = hdf5` trains from (documented in
// docs/photographs.md): images as uint8 N x 3 x S x S, one index row per image (id, patient, label,
// split, content hash), the skipped inputs, and the options used as attributes.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace sweep::results {

struct CacheInfo {
  std::int64_t size = 0;    // S
  std::string task;         // grade, binary or folder
  std::string source;       // where the images came from
  std::string class_names;  // comma-separated (folder layout), else ""
  std::int64_t classes = 0;
  bool lcn = false;
  double lcn_sigma = 0, val_fraction = 0, test_fraction = 0;
  double split_seed = 0;
  std::string program_version;
  std::int64_t train_count = 0, val_count = 0, test_count = 0;  // rows per split (when read)
};

struct CacheRow {
  std::string image_id, patient_id, split;
  std::int64_t label = 0;
  std::uint64_t hash = 0;  // of the prepared pixels
};

// Writes a cache to PATH.part, published as PATH by finish(); a writer destroyed before
// finish() removes the part file.
class ImageCacheWriter {
 public:
  // Starts `path`. Throws StoreError when `path` exists or cannot be created.
  ImageCacheWriter(const std::string& path, const CacheInfo& info);
  ~ImageCacheWriter();
  ImageCacheWriter(const ImageCacheWriter&) = delete;
  ImageCacheWriter& operator=(const ImageCacheWriter&) = delete;

  // Appends images (each 3 x S x S bytes, `rows.size()` of them packed in `planes`) and their
  // rows. Throws StoreError.
  void append(const std::vector<CacheRow>& rows, const std::vector<std::uint8_t>& planes);
  // Records an input that was left out and why. Throws StoreError.
  void skip(const std::string& image, const std::string& reason);
  // Closes the file and renames it to its path. Throws StoreError.
  void finish();

 private:
  struct File;
  std::string path_;
  std::unique_ptr<File> file_;
  std::int64_t size_ = 0;
};

struct ImageCache {
  CacheInfo info;
  std::vector<CacheRow> rows;
  std::vector<std::uint8_t> images;  // rows.size() x 3 x S x S
  std::vector<std::pair<std::string, std::string>> skipped;
};

// Reads images of a cache on demand, one open file for its whole life.
class ImageCacheReader {
 public:
  // Opens the cache at `path`. Throws StoreMissingError / StoreFormatError as read_cache_info.
  explicit ImageCacheReader(const std::string& path);
  ~ImageCacheReader();
  ImageCacheReader(const ImageCacheReader&) = delete;
  ImageCacheReader& operator=(const ImageCacheReader&) = delete;
  // The bytes (3 x S x S each) of the images at rows `rows` of the cache, in that order.
  // Throws StoreError on a row out of range or a failed read.
  std::vector<std::uint8_t> read(const std::vector<std::int64_t>& rows) const;

 private:
  struct Open;
  std::string path_;
  std::unique_ptr<Open> open_;
  std::int64_t size_ = 0, count_ = 0;
};

// Reads a whole cache. Throws StoreMissingError when `path` does not exist, StoreFormatError
// when it is not a cache of this format.
ImageCache read_image_cache(const std::string& path);

// The index rows of the cache at `path` (no images). Same errors as read_cache_info.
std::vector<CacheRow> read_image_cache_index(const std::string& path);

// Reads the attributes and the index (not the images; cheap, before a sweep starts) and
// returns the attributes with the rows per split, and the row count in `count`. Same errors.
CacheInfo read_cache_info(const std::string& path, std::int64_t* count);

}  // namespace sweep::results
