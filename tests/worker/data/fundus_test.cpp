#include "worker/data/fundus.h"

#include <gtest/gtest.h>

#include <fstream>

#include "../fundus_images.h"
#include "../test_files.h"
#include "core/errors.h"
#include "worker/data/image_decode.h"

namespace sweep::worker {
namespace {

RgbImage solid(int w, int h, std::uint8_t v) {
  RgbImage img;
  img.width = w;
  img.height = h;
  img.pixels.assign(static_cast<std::size_t>(w) * h * 3, v);
  return img;
}

TEST(ImageDecode, PngRoundTripsExactlyAndJpegClosely) {
  const std::string dir = test::make_temp_dir("decode");
  const RgbImage img = test::synthetic_fundus(120, 90, 2, 7);
  write_png(dir + "/a.png", img);
  const RgbImage png = decode_image(dir + "/a.png");
  EXPECT_EQ(png.width, 120);
  EXPECT_EQ(png.height, 90);
  EXPECT_EQ(png.pixels, img.pixels);
  write_jpeg(dir + "/a.jpeg", img, 95);
  const RgbImage jpg = decode_image(dir + "/a.jpeg");
  ASSERT_EQ(jpg.pixels.size(), img.pixels.size());
  double err = 0;
  for (std::size_t i = 0; i < img.pixels.size(); ++i)
    err += std::abs(jpg.pixels[i] - img.pixels[i]);
  EXPECT_LT(err / img.pixels.size(), 4.0);
  // The name does not matter, the bytes do.
  write_png(dir + "/png-named.jpeg", img);
  EXPECT_EQ(decode_image(dir + "/png-named.jpeg").pixels, img.pixels);
}

TEST(ImageDecode, JpegDecodedAtAReducedScaleWhenLargeEnough) {
  const std::string dir = test::make_temp_dir("scale");
  write_jpeg(dir + "/big.jpeg", test::synthetic_fundus(800, 600, 0, 1));
  const RgbImage full = decode_image(dir + "/big.jpeg");
  EXPECT_EQ(full.width, 800);
  const RgbImage quarter = decode_image(dir + "/big.jpeg", 150);  // 600/4 = 150 is enough
  EXPECT_EQ(quarter.width, 200);
  EXPECT_EQ(quarter.height, 150);
  const RgbImage half = decode_image(dir + "/big.jpeg", 151);
  EXPECT_GE(half.height, 151);
  EXPECT_LT(half.height, 600);
}

TEST(ImageDecode, CorruptTruncatedAndForeignFilesAreDataErrors) {
  const std::string dir = test::make_temp_dir("corrupt");
  write_jpeg(dir + "/ok.jpeg", test::synthetic_fundus(64, 64, 1, 2));
  std::ifstream in(dir + "/ok.jpeg", std::ios::binary);
  std::vector<std::uint8_t> bytes((std::istreambuf_iterator<char>(in)),
                                  std::istreambuf_iterator<char>());
  test::write_file(dir + "/truncated.jpeg", {bytes.begin(), bytes.begin() + bytes.size() / 2},
                   false);
  test::write_file(dir + "/text.jpeg", {'h', 'e', 'l', 'l', 'o'}, false);
  write_png(dir + "/ok.png", test::synthetic_fundus(64, 64, 1, 2));
  std::ifstream pin(dir + "/ok.png", std::ios::binary);
  std::vector<std::uint8_t> pbytes((std::istreambuf_iterator<char>(pin)),
                                   std::istreambuf_iterator<char>());
  test::write_file(dir + "/truncated.png", {pbytes.begin(), pbytes.begin() + pbytes.size() / 2},
                   false);
  for (const char* name : {"truncated.jpeg", "text.jpeg", "truncated.png", "missing.png"}) {
    try {
      decode_image(dir + "/" + name);
      ADD_FAILURE() << name << " decoded";
    } catch (const DataError& e) {
      EXPECT_NE(std::string(e.what()).find(name), std::string::npos) << e.what();
    }
  }
}

TEST(Fundus, CropFindsTheDiscAndPadsToASquare) {
  RgbImage img = solid(100, 60, 0);
  // A bright block at x 30..69, y 10..29 (40 x 20).
  for (int y = 10; y < 30; ++y) {
    for (int x = 30; x < 70; ++x) img.pixels[(y * 100 + x) * 3] = 255;
  }
  const RgbImage c = crop_dark_border(img);
  EXPECT_EQ(c.width, 40);
  EXPECT_EQ(c.height, 40);
  // The block is centred vertically: rows 10..29 of the square.
  EXPECT_EQ(c.pixels[(10 * 40 + 0) * 3], 255);
  EXPECT_EQ(c.pixels[(9 * 40 + 0) * 3], 0);
  EXPECT_EQ(c.pixels[(29 * 40 + 39) * 3], 255);
  EXPECT_EQ(c.pixels[(30 * 40 + 39) * 3], 0);
  const RgbImage dark = crop_dark_border(solid(30, 20, 5));
  EXPECT_EQ(dark.width, 30);
  EXPECT_EQ(dark.height, 30);
}

TEST(Fundus, AreaResizeAveragesAndKeepsFlatImagesFlat) {
  RgbImage img = solid(4, 4, 0);
  for (int i = 0; i < 16; ++i) img.pixels[i * 3] = static_cast<std::uint8_t>(i * 10);
  const RgbImage half = resize_area(img, 2);
  // Top-left output: the mean of 0, 10, 40, 50.
  EXPECT_EQ(half.pixels[0], 25);
  EXPECT_EQ(half.pixels[3 * 3], (100 + 110 + 140 + 150) / 4);
  const RgbImage third = resize_area(solid(7, 7, 77), 3);  // fractional areas
  for (auto v : third.pixels) EXPECT_EQ(v, 77);
  const RgbImage up = resize_area(solid(2, 2, 9), 5);
  for (auto v : up.pixels) EXPECT_EQ(v, 9);
}

TEST(Fundus, LocalContrastCentresFlatAreasAt128) {
  const RgbImage flat = local_contrast(solid(20, 20, 90), 2.0);
  for (auto v : flat.pixels) EXPECT_EQ(v, 128);
  RgbImage dot = solid(21, 21, 50);
  dot.pixels[(10 * 21 + 10) * 3] = 70;
  const RgbImage lcn = local_contrast(dot, 2.0);
  EXPECT_GT(lcn.pixels[(10 * 21 + 10) * 3], 180);  // the dot stands out
  EXPECT_EQ(lcn.pixels[(0 * 21 + 0) * 3], 128);    // far from it: flat
}

TEST(Fundus, PlanesAreChannelMajor) {
  RgbImage img = solid(2, 1, 0);
  img.pixels = {1, 2, 3, 4, 5, 6};
  EXPECT_EQ(to_planes(img), (std::vector<std::uint8_t>{1, 4, 2, 5, 3, 6}));
}

}  // namespace
}  // namespace sweep::worker
