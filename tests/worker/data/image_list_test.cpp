#include "worker/data/image_list.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>

#include "../test_files.h"
#include "core/errors.h"

namespace sweep::worker {
namespace {

void touch(const std::string& path) { std::ofstream(path) << "x"; }

TEST(ImageList, PatientsAreTheIdWithoutTheEye) {
  EXPECT_EQ(patient_of("10_left"), "10");
  EXPECT_EQ(patient_of("10_right"), "10");
  EXPECT_EQ(patient_of("scan_7"), "scan_7");
  EXPECT_EQ(patient_of("_left"), "_left");
}

TEST(ImageList, KaggleLayoutPairsImagesWithLabelsAndListsTheRest) {
  const std::string dir = test::make_temp_dir("kaggle");
  for (const char* f : {"1_left.jpeg", "1_right.JPG", "2_left.png", "3_left.jpeg", "notes.txt"}) {
    touch(dir + "/" + f);
  }
  std::ofstream(dir + "/labels.csv")
      << "image,level\r\n1_left,0\r\n1_right,3\r\n2_left,1\r\n4_left,2\r\n";
  ImageList grade = list_kaggle_images(dir, dir + "/labels.csv", false);
  ASSERT_EQ(grade.entries.size(), 3u);
  EXPECT_EQ(grade.entries[0].image_id, "1_left");
  EXPECT_EQ(grade.entries[1].image_id, "1_right");
  EXPECT_EQ(grade.entries[1].label, 3);
  EXPECT_EQ(grade.entries[1].patient_id, "1");
  EXPECT_EQ(grade.problems, (std::vector<std::pair<std::string, std::string>>{
                                {"3_left", "image without a label row"},
                                {"4_left", "label row without an image file"}}));
  ImageList binary = list_kaggle_images(dir, dir + "/labels.csv", true);
  EXPECT_EQ(binary.entries[0].label, 0);
  EXPECT_EQ(binary.entries[1].label, 1);
  EXPECT_EQ(binary.entries[2].label, 1);
  std::ofstream(dir + "/bad.csv") << "image,level\n1_left,x\n";
  EXPECT_THROW(list_kaggle_images(dir, dir + "/bad.csv", false), DataError);
  std::ofstream(dir + "/twice.csv") << "image,level\n1_left,1\n1_left,2\n";
  EXPECT_THROW(list_kaggle_images(dir, dir + "/twice.csv", false), DataError);
  EXPECT_THROW(list_kaggle_images(dir + "/none", dir + "/labels.csv", false), DataError);
}

TEST(ImageList, FolderLayoutClassesAreSubfoldersInNameOrder) {
  const std::string dir = test::make_temp_dir("folder");
  for (const char* sub : {"/b_pneumonia", "/a_normal", "/empty"}) {
    std::filesystem::create_directories(dir + sub);
  }
  touch(dir + "/b_pneumonia/x.png");
  touch(dir + "/a_normal/y.jpg");
  touch(dir + "/a_normal/z.jpeg");
  ImageList l = list_folder_images(dir);
  EXPECT_EQ(l.class_names, (std::vector<std::string>{"a_normal", "b_pneumonia"}));
  ASSERT_EQ(l.entries.size(), 3u);
  EXPECT_EQ(l.entries[0].image_id, "a_normal/y");
  EXPECT_EQ(l.entries[2].label, 1);
  EXPECT_THROW(list_folder_images(dir + "/empty"), DataError);
}

TEST(ImageList, SplitsFollowPatientsAndFractions) {
  std::vector<ImageEntry> e;
  for (int p = 0; p < 2000; ++p) {
    for (const char* eye : {"_left", "_right"}) {
      const std::string id = std::to_string(p) + eye;
      e.push_back({id, "", patient_of(id), 0, ""});
    }
  }
  assign_splits(e, 0.2, 0.1, 7);
  std::map<std::string, int> count;
  for (std::size_t i = 0; i < e.size(); i += 2) {
    EXPECT_EQ(e[i].split, e[i + 1].split) << e[i].image_id;
    ++count[e[i].split];
  }
  EXPECT_NEAR(count["test"] / 2000.0, 0.1, 0.02);
  EXPECT_NEAR(count["val"] / 2000.0, 0.2, 0.03);
  std::vector<ImageEntry> other = e;
  assign_splits(other, 0.2, 0.1, 8);
  int moved = 0;
  for (std::size_t i = 0; i < e.size(); ++i) moved += e[i].split != other[i].split;
  EXPECT_GT(moved, 100);  // another seed, another split
}

}  // namespace
}  // namespace sweep::worker
