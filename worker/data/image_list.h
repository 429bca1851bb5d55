// Which photographs `sweep prepare` reads, with their labels, patients and splits. No LibTorch.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace sweep::worker {

struct ImageEntry {
  std::string image_id;    // the file name without its extension, e.g. "10_left"
  std::string path;        // the file
  std::string patient_id;  // "10" for "10_left" and "10_right"; else the image id
  std::int64_t label = 0;  // grade 0-4 (task grade), 0/1 (task binary) or the class index
  std::string split;       // "train", "val" or "test"
};

struct ImageList {
  std::vector<ImageEntry> entries;       // sorted by image id
  std::vector<std::string> class_names;  // layout folder: the class of each label; else empty
  // Problems that skip an item: "IMAGE: no label row", "IMAGE: label row without an image file".
  std::vector<std::pair<std::string, std::string>> problems;
};

// The Kaggle diabetic-retinopathy layout: `images_dir` holds IMAGE.jpeg/.jpg/.png files and
// `labels_csv` has a header with columns `image` and `level` (0-4). With `binary`, the label
// is level > 0. An image without a label row and a row without an image are listed in
// `problems` and left out. Throws DataError naming the file on a missing folder, an unreadable
// CSV, a CSV without those columns, a level that is not an integer 0-4, or an image id twice.
ImageList list_kaggle_images(const std::string& images_dir, const std::string& labels_csv,
                             bool binary);

// The folder layout: `root/<class name>/*.{jpg,jpeg,png}`; classes are the subfolders in name
// order, labelled 0, 1, ...; an image's id is "CLASS/NAME". Throws DataError on a missing
// folder or one without subfolders holding images.
ImageList list_folder_images(const std::string& root);

// The patient of a Kaggle image id: the part before a trailing "_left" or "_right", else the
// whole id.
std::string patient_of(const std::string& image_id);

// Assigns each entry's split by its patient: u = a hash of (patient, seed) in [0, 1); test when
// u < test_fraction, val when u < test_fraction + val_fraction, else train. Both eyes of a
// patient always share a split.
void assign_splits(std::vector<ImageEntry>& entries, double val_fraction, double test_fraction,
                   std::uint64_t seed);

}  // namespace sweep::worker
