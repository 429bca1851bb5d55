// Decoding JPEG (libjpeg-turbo's TurboJPEG API) and PNG (libpng) files into RGB pixels, for
// preparing photographs (retina fundus images) once into a tensor cache. No LibTorch.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace sweep::worker {

// An 8-bit RGB image, rows of width x 3 bytes, top row first.
struct RgbImage {
  int width = 0, height = 0;
  std::vector<std::uint8_t> pixels;  // height x width x 3
};

// Decodes the JPEG or PNG file at `path` (told apart by their first bytes, not by the name)
// into RGB. A JPEG is decoded at the smallest of TurboJPEG's scales (1/8, 1/4, 3/8, 1/2, ...,
// 1) that keeps its shorter side at least `min_side` pixels (0: full size), which makes large
// photographs several times cheaper to shrink. Grayscale and RGBA inputs become RGB. Throws
// DataError naming the path on an unreadable, truncated or corrupt file or another format.
RgbImage decode_image(const std::string& path, int min_side = 0);

// Encoders for tests and tools: write `img` as a baseline JPEG of quality `quality` (4:2:0) or
// as a PNG. Throw DataError naming the path when the file cannot be written.
void write_jpeg(const std::string& path, const RgbImage& img, int quality = 90);
void write_png(const std::string& path, const RgbImage& img);

// The image `planes` (channels x height x width bytes, channels 1 or 3, as a data set holds
// it) as the bytes of a PNG file (grayscale or RGB), for thumbnails. Throws DataError on
// another channel count or when libpng fails.
std::vector<std::uint8_t> encode_png(const std::uint8_t* planes, int channels, int height,
                                     int width);

}  // namespace sweep::worker
