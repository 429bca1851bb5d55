// Fuzz target: the labels CSV of `sweep prepare` (Kaggle diabetic retinopathy: a header with
// `image` and `level`, one row per image). The first byte says whether the task is binary;
// the rest is the CSV, read against a folder of four images. It either lists images whose
// labels fit the task and whose ids are distinct, or throws DataError.
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <set>

#include "core/errors.h"
#include "tests/fuzz/fuzz_file.h"
#include "worker/data/image_list.h"

namespace {

std::string image_folder() {
  static const std::string dir = [] {
    const std::string d = std::filesystem::temp_directory_path().string() + "/sweep-fuzz-images-" +
                          std::to_string(getpid());
    std::filesystem::create_directories(d);
    for (const char* f : {"10_left.jpeg", "10_right.jpeg", "11_left.png", "12.jpg"}) {
      std::ofstream(d + "/" + f) << "x";
    }
    return d;
  }();
  return dir;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const bool binary = (data[0] & 1) != 0;
  const std::string csv = sweep::fuzz::write_input("labels.csv", data + 1, size - 1);
  try {
    const sweep::worker::ImageList list =
        sweep::worker::list_kaggle_images(image_folder(), csv, binary);
    std::set<std::string> ids;
    for (const auto& e : list.entries) {
      if (e.label < 0 || e.label > (binary ? 1 : 4)) __builtin_trap();
      if (!ids.insert(e.image_id).second) __builtin_trap();
    }
  } catch (const sweep::DataError&) {
  }
  return 0;
}
