#include "results/store/image_cache.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "core/errors.h"

namespace sweep::results {
namespace {

std::string temp_path(const std::string& name) {
  const auto dir = std::filesystem::temp_directory_path() / ("cache-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  const std::string p = (dir / name).string();
  std::filesystem::remove(p);
  return p;
}

TEST(ImageCache, WrittenInBatchesReadBackWhole) {
  const std::string path = temp_path("a.h5");
  CacheInfo info;
  info.size = 2;
  info.task = "grade";
  info.classes = 5;
  info.lcn = true;
  info.lcn_sigma = 1.5;
  info.val_fraction = 0.1;
  {
    ImageCacheWriter w(path, info);
    std::vector<std::uint8_t> one(12), two(24);
    for (int i = 0; i < 12; ++i) one[i] = static_cast<std::uint8_t>(i);
    for (int i = 0; i < 24; ++i) two[i] = static_cast<std::uint8_t>(100 + i);
    w.append({{"1_left", "1", "train", 3, 11}}, one);
    w.skip("2_left", "corrupt JPEG");
    w.append({{"1_right", "1", "train", 0, 12}, {"3_left", "3", "test", 4, 13}}, two);
    EXPECT_FALSE(std::filesystem::exists(path));  // only PATH.part until finished
    w.finish();
  }
  const ImageCache c = read_image_cache(path);
  EXPECT_EQ(c.info.size, 2);
  EXPECT_EQ(c.info.task, "grade");
  EXPECT_EQ(c.info.classes, 5);
  EXPECT_TRUE(c.info.lcn);
  EXPECT_EQ(c.info.lcn_sigma, 1.5);
  ASSERT_EQ(c.rows.size(), 3u);
  EXPECT_EQ(c.rows[2].image_id, "3_left");
  EXPECT_EQ(c.rows[2].split, "test");
  EXPECT_EQ(c.rows[2].label, 4);
  EXPECT_EQ(c.rows[1].hash, 12u);
  ASSERT_EQ(c.images.size(), 36u);
  EXPECT_EQ(c.images[11], 11);
  EXPECT_EQ(c.images[12], 100);
  EXPECT_EQ(c.skipped,
            (std::vector<std::pair<std::string, std::string>>{{"2_left", "corrupt JPEG"}}));
  std::int64_t n = 0;
  EXPECT_EQ(read_cache_info(path, &n).size, 2);
  EXPECT_EQ(n, 3);
  EXPECT_THROW(ImageCacheWriter(path, info), StoreError);  // never replaces a cache
}

TEST(ImageCache, UnfinishedWritesLeaveNothingAndForeignFilesAreRefused) {
  const std::string path = temp_path("b.h5");
  {
    CacheInfo info;
    info.size = 4;
    ImageCacheWriter w(path, info);
  }
  EXPECT_FALSE(std::filesystem::exists(path));
  EXPECT_FALSE(std::filesystem::exists(path + ".part"));
  EXPECT_THROW(read_image_cache(temp_path("none.h5")), StoreMissingError);
}

}  // namespace
}  // namespace sweep::results
