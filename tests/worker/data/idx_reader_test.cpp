#include "worker/data/idx_reader.h"

#include <gtest/gtest.h>

#include "../test_files.h"
#include "core/errors.h"
#include "worker/data/data_source.h"

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
            p + ": truncated: the header promises 3 images (2352 bytes after the header) but the "
                "file holds 2342");
  std::string h = dir + "/short";
  test::write_file(h, {0, 0, 8}, false);
  EXPECT_EQ(message_of([&] { read_idx_images(h); }), h + ": truncated IDX header");
}

TEST(IdxReader, HeaderPromisingMoreThanTheBodyFailsWithoutAllocatingIt) {
  // The case: a header of 8,004 images over a body of 127 (raw and gzip), and a
  // header of 2^31-1 images of 4096 x 4096, which must not make the reader allocate 36 PB.
  std::string dir = test::make_temp_dir("idx");
  for (bool gz : {false, true}) {
    auto bytes = test::idx_images(test::synthetic_images(127, 3, 1));
    bytes[6] = 8004 >> 8;
    bytes[7] = 8004 & 0xff;
    const std::string p = dir + "/lying" + (gz ? ".gz" : "");
    test::write_file(p, bytes, gz);
    EXPECT_EQ(message_of([&] { read_idx_images(p); }),
              p + ": truncated: the header promises 8004 images (6275136 bytes after the "
                  "header) but the file holds 99568");
  }
  std::vector<std::uint8_t> huge = {0, 0, 8, 3, 0x7f, 0xff, 0xff, 0xff, 0, 0, 16, 0, 0, 0, 16, 0};
  huge.resize(huge.size() + 1000, 7);
  const std::string p = dir + "/huge";
  test::write_file(p, huge, false);
  EXPECT_NE(message_of([&] { read_idx_images(p); }).find("truncated"), std::string::npos);
}

TEST(IdxReader, BytesAfterTheBodyAreAnError) {
  std::string dir = test::make_temp_dir("idx");
  auto bytes = test::idx_labels({1, 2, 3});
  bytes.push_back(4);
  const std::string p = dir + "/labels";
  test::write_file(p, bytes, false);
  RawImages img = test::synthetic_images(3, 2, 1);
  EXPECT_EQ(message_of([&] { read_idx_labels(p, img); }),
            p + ": holds more than the 3 labels its header promises (3 bytes after the header): "
                "a damaged header?");
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
                "/t10k-labels-idx1-ubyte.gz, item 2: label 7 is outside the 3 classes (0-2) of "
                "the training set");
}

TEST(DataSource, ACorruptLabelLeavingClassesEmptyIsNamedWithItsFirstItem) {
  // The case: one label 77 among the digits 0-9 made a 78-class model.
  std::string dir = test::make_temp_dir("idx");
  RawImages train = test::synthetic_images(40, 10, 1);  // classes 0-9
  train.labels[17] = 77;
  train.labels[31] = 77;
  test::write_idx_set(dir, train, RawImages{}, false);
  const std::string labels = dir + "/train-labels-idx1-ubyte";
  DataKey key{"idx", dir, "", "", "", "", ""};
  EXPECT_EQ(message_of([&] { load_raw(key); }),
            labels +
                ", item 17: label 77 leaves 67 class(es) below it without a training image "
                "(the first: 10); a corrupt label? If the data really have 78 classes, some "
                "without training images, set num_classes = 78");
  // dataset = mnist knows its 10 classes.
  key.dataset = "mnist";
  EXPECT_EQ(message_of([&] { load_raw(key); }),
            labels +
                ", item 17: label 77 is outside the 10 classes (0-9) of dataset = mnist (set "
                "dataset = idx and num_classes for other data)");
  // num_classes accepts classes without training images, and still bounds the labels.
  key.dataset = "idx";
  key.num_classes = 78;
  EXPECT_EQ(load_raw(key).classes, 78);
  key.num_classes = 50;
  EXPECT_EQ(message_of([&] { load_raw(key); }),
            labels +
                ", item 17: label 77 is outside the 50 classes (0-49) that num_classes = 50 "
                "sets");
}

TEST(DataSource, MnistHasTenClassesEvenWhenTheTrainingSetLacksSome) {
  std::string dir = test::make_temp_dir("idx");
  test::write_idx_set(dir, test::synthetic_images(12, 3, 1), RawImages{}, false);
  EXPECT_EQ(load_raw(DataKey{"mnist", dir, "", "", "", "", ""}).classes, 10);
  EXPECT_EQ(load_raw(DataKey{"idx", dir, "", "", "", "", ""}).classes, 3);
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
