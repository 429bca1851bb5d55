#include "worker/data/csv_reader.h"

#include <gtest/gtest.h>

#include <fstream>

#include "../test_files.h"
#include "core/errors.h"

namespace sweep::worker {
namespace {

std::string write_csv(const std::string& text) {
  std::string p = test::make_temp_dir("csv") + "/train.csv";
  std::ofstream(p) << text;
  return p;
}

std::string message_of(const std::string& text, bool labels = true) {
  std::string p = write_csv(text);
  try {
    read_csv_images(p, labels);
  } catch (const DataError& e) {
    std::string m = e.what();
    return m.substr(m.find("train.csv"));
  }
  return "";
}

TEST(CsvReader, ReadsKaggleLayout) {
  std::string p = write_csv("label,pixel0,pixel1,pixel2,pixel3\r\n3,0,255,7,8\r\n1,1,2,3,4\r\n");
  RawImages img = read_csv_images(p, true);
  EXPECT_EQ(img.count, 2);
  EXPECT_EQ(img.rows, 2);
  EXPECT_EQ(img.cols, 2);
  EXPECT_EQ(img.labels, (std::vector<std::int64_t>{3, 1}));
  EXPECT_EQ(img.pixels, (std::vector<std::uint8_t>{0, 255, 7, 8, 1, 2, 3, 4}));
  DataInfo info = probe_csv(p, true);
  EXPECT_EQ(info.train_count, 2);
  EXPECT_EQ(info.rows, 2);
}

TEST(CsvReader, UnlabeledOnlyWhenAllowed) {
  std::string text = "pixel0,pixel1,pixel2,pixel3\n0,1,2,3\n";
  EXPECT_EQ(read_csv_images(write_csv(text), false).labels.size(), 0u);
  EXPECT_EQ(message_of(text),
            "train.csv:1: no 'label' column; a file without labels can only be predicted on");
}

TEST(CsvReader, BadInputNamesTheLine) {
  const std::string h = "label,pixel0,pixel1,pixel2,pixel3\n";
  EXPECT_EQ(message_of(h + "1,2,3,4\n"), "train.csv:2: expected 5 integer fields");
  EXPECT_EQ(message_of(h + "1,2,3,4,5\n1,2,3,4,5,6\n"), "train.csv:3: expected 5 integer fields");
  EXPECT_EQ(message_of(h + "1,2,x,4,5\n"), "train.csv:2: field 3 is not an integer");
  EXPECT_EQ(message_of(h + "1,2,300,4,5\n"), "train.csv:2: pixel value 300 is out of range 0-255");
  EXPECT_EQ(message_of(h + "-1,2,3,4,5\n"), "train.csv:2: label -1 is out of range 0-255");
  EXPECT_EQ(message_of("label,pixel0,pixel1,pixel2\n1,2,3,4\n"),
            "train.csv:1: 3 pixel columns do not make a square image");
  EXPECT_EQ(message_of("id,x\n"),
            "train.csv:1: expected a header starting with 'label,pixel0' or 'pixel0'");
  EXPECT_EQ(message_of(h), "train.csv: no data rows");
}

}  // namespace
}  // namespace sweep::worker
