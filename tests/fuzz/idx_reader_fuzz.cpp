// Fuzz target: the IDX reader (raw or gzip, told apart by the bytes). The input is read as an
// image file and as a label file; each read either succeeds with a body that matches its
// header or throws DataError. The reader must never allocate more than the file holds.
#include <cstdint>

#include "core/errors.h"
#include "tests/fuzz/fuzz_file.h"
#include "worker/data/idx_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string path = sweep::fuzz::write_input("idx", data, size);
  sweep::worker::RawImages images;
  try {
    images = sweep::worker::read_idx_images(path);
    const auto want = static_cast<std::size_t>(images.count * images.rows * images.cols);
    if (images.pixels.size() != want) __builtin_trap();
  } catch (const sweep::DataError&) {
    images = sweep::worker::RawImages{};
    images.count = 1;
  }
  try {
    sweep::worker::read_idx_labels(path, images);
    if (static_cast<std::int64_t>(images.labels.size()) != images.count) __builtin_trap();
  } catch (const sweep::DataError&) {
  }
  try {
    std::int64_t rows = 0, cols = 0;
    sweep::worker::read_idx_header(path, &rows, &cols);
  } catch (const sweep::DataError&) {
  }
  return 0;
}
