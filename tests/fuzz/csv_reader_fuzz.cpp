// Fuzz target: the Kaggle CSV reader. The first byte says whether labels are required; the
// rest is the file. Reading succeeds with consistent counts (pixels = count x side^2, a label
// 0-255 per row when labelled, a line number per row) or throws DataError.
#include <cstdint>

#include "core/errors.h"
#include "tests/fuzz/fuzz_file.h"
#include "worker/data/csv_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const bool require_labels = (data[0] & 1) != 0;
  const std::string path = sweep::fuzz::write_input("csv", data + 1, size - 1);
  try {
    const sweep::worker::RawImages img = sweep::worker::read_csv_images(path, require_labels);
    if (img.pixels.size() != static_cast<std::size_t>(img.count * img.rows * img.cols)) {
      __builtin_trap();
    }
    if (!img.labels.empty() && static_cast<std::int64_t>(img.labels.size()) != img.count) {
      __builtin_trap();
    }
    for (std::int64_t l : img.labels) {
      if (l < 0 || l > 255) __builtin_trap();
    }
    if (static_cast<std::int64_t>(img.lines.size()) != img.count) __builtin_trap();
    const sweep::worker::DataInfo info = sweep::worker::probe_csv(path, require_labels);
    if (info.train_count != img.count || info.rows != img.rows) __builtin_trap();
  } catch (const sweep::DataError&) {
  }
  return 0;
}
