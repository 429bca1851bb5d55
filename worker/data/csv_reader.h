// Reader for Kaggle Digit Recognizer CSVs: a header `label,pixel0,...,pixelN-1` (or without
// `label` for an unlabeled test file), then one image per row, pixels 0-255 row-major.
#pragma once

#include <string>

#include "worker/data/raw_images.h"

namespace sweep::worker {

// Reads the whole CSV. Images are square (N must be a perfect square). When
// `require_labels` is true a file without a leading `label` column is an error.
// Throws DataError "PATH:LINE: ..." on a missing file, a bad header, a row with the wrong
// number of fields, a non-integer field, a pixel outside 0-255 or a negative label.
RawImages read_csv_images(const std::string& path, bool require_labels);

// Reads the header and counts the data rows without parsing them. Returns the shape in
// `info` fields count/rows/cols (count in train_count). Throws DataError as above.
DataInfo probe_csv(const std::string& path, bool require_labels);

}  // namespace sweep::worker
