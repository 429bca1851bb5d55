#include "worker/data/image_list.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "core/errors.h"

namespace sweep::worker {
namespace {

namespace fs = std::filesystem;

bool is_image_name(const fs::path& p) {
  std::string ext = p.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  return ext == ".jpeg" || ext == ".jpg" || ext == ".png";
}

std::vector<std::string> split_csv_line(const std::string& line) {
  std::vector<std::string> out;
  std::stringstream in(line);
  std::string cell;
  while (std::getline(in, cell, ',')) {
    while (!cell.empty() && (cell.back() == '\r' || cell.back() == ' ')) cell.pop_back();
    while (!cell.empty() && cell.front() == ' ') cell.erase(cell.begin());
    out.push_back(cell);
  }
  return out;
}

std::uint64_t mix(std::uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

}  // namespace

std::string patient_of(const std::string& image_id) {
  for (const std::string suffix : {"_left", "_right"}) {
    if (image_id.size() > suffix.size() &&
        image_id.compare(image_id.size() - suffix.size(), suffix.size(), suffix) == 0) {
      return image_id.substr(0, image_id.size() - suffix.size());
    }
  }
  return image_id;
}

ImageList list_kaggle_images(const std::string& images_dir, const std::string& labels_csv,
                             bool binary) {
  if (!fs::is_directory(images_dir)) throw DataError(images_dir + ": no such folder (--images)");
  std::map<std::string, std::string> files;  // image id -> path
  for (const auto& e : fs::directory_iterator(images_dir)) {
    if (!e.is_regular_file() || !is_image_name(e.path())) continue;
    const std::string id = e.path().stem().string();
    if (!files.emplace(id, e.path().string()).second) {
      throw DataError(e.path().string() + ": image id '" + id + "' is there twice");
    }
  }
  std::ifstream in(labels_csv);
  if (!in) throw DataError(labels_csv + ": cannot open (--labels)");
  std::string line;
  std::getline(in, line);
  const std::vector<std::string> head = split_csv_line(line);
  const auto col = [&](const char* name) {
    const auto it = std::find(head.begin(), head.end(), name);
    if (it == head.end()) {
      throw DataError(labels_csv + ":1: no '" + name + "' column (expected a header image,level)");
    }
    return static_cast<std::size_t>(it - head.begin());
  };
  const std::size_t image_col = col("image"), level_col = col("level");
  ImageList list;
  std::map<std::string, std::int64_t> labels;
  for (int n = 2; std::getline(in, line); ++n) {
    if (line.empty() || line == "\r") continue;
    const std::vector<std::string> cells = split_csv_line(line);
    const std::string where = labels_csv + ":" + std::to_string(n);
    if (cells.size() <= std::max(image_col, level_col))
      throw DataError(where + ": too few columns");
    const std::string& level = cells[level_col];
    if (level.size() != 1 || level[0] < '0' || level[0] > '4') {
      throw DataError(where + ": level '" + level + "' is not an integer 0-4");
    }
    if (!labels.emplace(cells[image_col], level[0] - '0').second) {
      throw DataError(where + ": image '" + cells[image_col] + "' is listed twice");
    }
  }
  for (const auto& [id, level] : labels) {
    const auto f = files.find(id);
    if (f == files.end()) {
      list.problems.emplace_back(id, "label row without an image file");
      continue;
    }
    list.entries.push_back(
        {id, f->second, patient_of(id), binary ? (level > 0 ? 1 : 0) : level, ""});
  }
  for (const auto& [id, path] : files) {
    if (labels.count(id) == 0) list.problems.emplace_back(id, "image without a label row");
  }
  std::sort(list.problems.begin(), list.problems.end());
  return list;
}

ImageList list_folder_images(const std::string& root) {
  if (!fs::is_directory(root)) throw DataError(root + ": no such folder (--images)");
  ImageList list;
  std::vector<fs::path> classes;
  for (const auto& e : fs::directory_iterator(root)) {
    if (e.is_directory()) classes.push_back(e.path());
  }
  std::sort(classes.begin(), classes.end());
  for (const fs::path& dir : classes) {
    std::vector<fs::path> images;
    for (const auto& e : fs::directory_iterator(dir)) {
      if (e.is_regular_file() && is_image_name(e.path())) images.push_back(e.path());
    }
    if (images.empty()) continue;
    std::sort(images.begin(), images.end());
    const auto label = static_cast<std::int64_t>(list.class_names.size());
    list.class_names.push_back(dir.filename().string());
    for (const fs::path& p : images) {
      const std::string id = dir.filename().string() + "/" + p.stem().string();
      list.entries.push_back({id, p.string(), id, label, ""});
    }
  }
  if (list.class_names.empty()) throw DataError(root + ": no subfolder holds .jpg or .png images");
  std::sort(list.entries.begin(), list.entries.end(),
            [](const ImageEntry& a, const ImageEntry& b) { return a.image_id < b.image_id; });
  return list;
}

void assign_splits(std::vector<ImageEntry>& entries, double val_fraction, double test_fraction,
                   std::uint64_t seed) {
  for (ImageEntry& e : entries) {
    std::uint64_t h = 14695981039346656037ULL;  // FNV-1a of the patient, then mixed with the seed
    for (unsigned char c : e.patient_id) h = (h ^ c) * 1099511628211ULL;
    const double u =
        static_cast<double>(mix(h ^ mix(seed + 0x9e3779b97f4a7c15ULL)) >> 11) * 0x1.0p-53;
    e.split = u < test_fraction ? "test" : u < test_fraction + val_fraction ? "val" : "train";
  }
}

}  // namespace sweep::worker
