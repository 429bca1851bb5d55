#include "worker/idx_reader.h"

#include <gtest/gtest.h>

#include "core/errors.h"
#include "test_files.h"
#include "worker/data_source.h"

namespace sweep::worker {
namespace {

std::string message_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const DataError& e) {
    return e.what();
  }
  return "";
}

TEST(IdxReader, ReadsGzipAndRawAlike) {
  RawImages img = test::synthetic_images(7, 3, 1);
  for (bool gz : {true, false}) {
    std::string dir = test::make_temp_dir("idx");
    test::write_idx_set(dir, img, RawImages{}, gz);
    std::string path = find_idx_file(dir, "train-images-idx3-ubyte");
    EXPECT_EQ(path, dir + "/train-images-idx3-ubyte" + (gz ? ".gz" : ""));
    RawImages back = read_idx_images(path);
    read_idx_labels(find_idx_file(dir, "train-labels-idx1-ubyte"), back);
    EXPECT_EQ(back.count, 7);
    EXPECT_EQ(back.rows, 28);
    EXPECT_EQ(back.pixels, img.pixels);
    EXPECT_EQ(back.labels, img.labels);
  }
}

TEST(IdxReader, WrongMagic) {
  std::string dir = test::make_temp_dir("idx");
  std::string p = dir + "/x";
  test::write_file(p, test::idx_labels({1, 2}), false);
  EXPECT_EQ(message_of([&] { read_idx_images(p); }),
            p + ": wrong magic number 2049 (expected 2051, an IDX image file)");
}

TEST(IdxReader, TruncatedBodyAndHeader) {
  std::string dir = test::make_temp_dir("idx");
  auto bytes = test::idx_images(test::synthetic_images(3, 2, 1));
  bytes.resize(bytes.size() - 10);
  std::string p = dir + "/imgs.gz";
  test::write_file(p, bytes, true);
  EXPECT_EQ(message_of([&] { read_idx_images(p); }),
            p + ": truncated: header promises 3 images (2352 bytes) but the file holds 2342");
  std::string h = dir + "/short";
  test::write_file(h, {0, 0, 8}, false);
  EXPECT_EQ(message_of([&] { read_idx_images(h); }), h + ": truncated IDX header");
}

TEST(IdxReader, LabelCountMismatchAndMissingFile) {
  std::string dir = test::make_temp_dir("idx");
  RawImages img = test::synthetic_images(3, 2, 1);
  std::string p = dir + "/labels";
  test::write_file(p, test::idx_labels({0, 1}), false);
  EXPECT_EQ(message_of([&] { read_idx_labels(p, img); }), p + ": 2 labels for 3 images");
  EXPECT_EQ(message_of([&] { read_idx_images(dir + "/none"); }), dir + "/none: cannot open");
}

TEST(DataSource, TestLabelOutOfRange) {
  std::string dir = test::make_temp_dir("idx");
  RawImages train = test::synthetic_images(10, 3, 1);  // classes 0-2
  RawImages test_set = test::synthetic_images(4, 3, 2);
  test_set.labels[2] = 7;
  test::write_idx_set(dir, train, test_set, true);
  DataKey key{"idx", dir, "", "", "", "", ""};
  EXPECT_EQ(message_of([&] { load_raw(key); }),
            dir +
                "/t10k-images-idx3-ubyte.gz: label 7 of item 2 is out of range: the training set "
                "has 3 classes (0-2)");
}

TEST(DataSource, ProbeReadsHeadersAndNamesMissingFiles) {
  std::string dir = test::make_temp_dir("idx");
  test::write_idx_set(dir, test::synthetic_images(10, 3, 1), test::synthetic_images(4, 3, 2),
                      false);
  DataInfo info = probe_data(DataKey{"mnist", dir, "", "", "", "", ""});
  EXPECT_EQ(info.train_count, 10);
  EXPECT_EQ(info.test_count, 4);
  EXPECT_EQ(info.rows, 28);
  std::string empty = test::make_temp_dir("empty");
  EXPECT_EQ(message_of([&] {
              probe_data(DataKey{"idx", empty, "", "", "", "", ""});
            }),
            "dataset idx: no train-images-idx3-ubyte[.gz] in '" + empty + "' (key data_dir)");
}

}  // namespace
}  // namespace sweep::worker
