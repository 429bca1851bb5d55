// Helpers that write small IDX and CSV files for the worker tests.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "worker/data/raw_images.h"

namespace sweep::test {

// A fresh empty folder under the system temp folder.
std::string make_temp_dir(const std::string& tag);

// Writes `bytes` to `path`, gzip-compressed when `gz` is true.
void write_file(const std::string& path, const std::vector<std::uint8_t>& bytes, bool gz);

// The IDX encodings of images (magic 2051) and labels (magic 2049).
std::vector<std::uint8_t> idx_images(const worker::RawImages& img);
std::vector<std::uint8_t> idx_labels(const std::vector<std::int64_t>& labels);

// `n` learnable 28x28 images of `classes` classes: class c has a bright horizontal band at a
// position that depends on c, plus deterministic noise.
worker::RawImages synthetic_images(std::int64_t n, std::int64_t classes, std::uint32_t seed);

// Writes train (and t10k when test.count > 0) IDX files into `dir`.
void write_idx_set(const std::string& dir, const worker::RawImages& train,
                   const worker::RawImages& test, bool gz);

}  // namespace sweep::test
