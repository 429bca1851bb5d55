// make_fundus DIR PATIENTS [WIDTH HEIGHT]: writes a synthetic Kaggle diabetic-retinopathy set
// for the prepare tests: DIR/images/<p>_left.jpeg and <p>_right.jpeg (every third patient as
// PNG) for patients 1..PATIENTS with grades 0-4, DIR/trainLabels.csv, and the faults a real set
// has: a truncated JPEG (1_left), a text file named .jpeg (2_right), a label row without an
// image (999_left), an image without a label row (998_left), and an exact copy of one patient's
// image under another patient's name (the leakage check must find it when they land in
// different splits). Also DIR/folder/<class>/*.png, a 3-class folder layout of 4 images each.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>

#include "fundus_images.h"
#include "worker/data/image_decode.h"

int main(int argc, char** argv) {
  if (argc != 3 && argc != 5) {
    std::cerr << "usage: make_fundus DIR PATIENTS [WIDTH HEIGHT]\n";
    return 2;
  }
  namespace fs = std::filesystem;
  const std::string dir = argv[1];
  const int patients = std::stoi(argv[2]);
  const int w = argc == 5 ? std::stoi(argv[3]) : 400, h = argc == 5 ? std::stoi(argv[4]) : 300;
  fs::create_directories(dir + "/images");
  std::ofstream csv(dir + "/trainLabels.csv");
  csv << "image,level\n";
  for (int p = 1; p <= patients; ++p) {
    for (const char* eye : {"left", "right"}) {
      const std::string id = std::to_string(p) + "_" + eye;
      const int grade = (p * 7 + (eye[0] == 'l' ? 0 : 3)) % 5;
      const auto img = sweep::test::synthetic_fundus(
          w, h, grade, static_cast<std::uint32_t>(p * 2 + (eye[0] == 'l')));
      if (p % 3 == 0) {
        sweep::worker::write_png(dir + "/images/" + id + ".png", img);
      } else {
        sweep::worker::write_jpeg(dir + "/images/" + id + ".jpeg", img);
      }
      csv << id << "," << grade << "\n";
    }
  }
  csv << "999_left,2\n";  // no image
  {
    const auto img = sweep::test::synthetic_fundus(w, h, 1, 998);
    sweep::worker::write_jpeg(dir + "/images/998_left.jpeg", img);  // no label row
  }
  // Faults: truncate 1_left, replace 2_right by text.
  const std::string first = dir + "/images/1_left.jpeg";
  fs::resize_file(first, fs::file_size(first) / 3);
  std::ofstream(dir + "/images/2_right.jpeg") << "not a picture";
  // Leakage: the last patient's left eye copied as patient 1000's left eye (another patient).
  const std::string last = std::to_string(patients) + "_left";
  const std::string ext = patients % 3 == 0 ? ".png" : ".jpeg";
  fs::copy_file(dir + "/images/" + last + ext, dir + "/images/1000_left" + ext,
                fs::copy_options::overwrite_existing);
  csv << "1000_left,0\n";
  for (int c = 0; c < 3; ++c) {
    const std::string cls = dir + "/folder/class_" + std::string(1, static_cast<char>('a' + c));
    fs::create_directories(cls);
    for (int i = 0; i < 4; ++i) {
      sweep::worker::write_png(
          cls + "/img" + std::to_string(i) + ".png",
          sweep::test::synthetic_fundus(64, 64, c * 2, static_cast<std::uint32_t>(c * 10 + i)));
    }
  }
  return 0;
}
