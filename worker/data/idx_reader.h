// Reader for the MNIST IDX format (images: magic 2051, labels: magic 2049, big-endian),
// gzip-compressed or raw.
#pragma once

#include <cstdint>
#include <string>

#include "worker/data/raw_images.h"

namespace sweep::worker {

// Returns `dir/name` or `dir/name.gz`, whichever exists (raw first); "" when neither does.
std::string find_idx_file(const std::string& dir, const std::string& name);

// Reads an IDX image file (gzip or raw): count x 1 x rows x cols bytes.
// Throws DataError naming the file on a missing file, wrong magic, bad dimensions or a
// truncated body.
RawImages read_idx_images(const std::string& path);

// Reads an IDX label file into `labels` of an existing RawImages, checking the count matches.
// Throws DataError naming the file on a missing file, wrong magic, count mismatch or
// truncation.
void read_idx_labels(const std::string& path, RawImages& images);

// Reads only the header of an IDX file and returns the item count; checks the magic and, for
// images, returns rows and cols through the pointers (may be null). Throws DataError.
std::int64_t read_idx_header(const std::string& path, std::int64_t* rows, std::int64_t* cols);

}  // namespace sweep::worker
