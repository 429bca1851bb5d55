#include "worker/data/image_decode.h"

#include <png.h>
#include <turbojpeg.h>

#include <cstring>
#include <fstream>
#include <iterator>
#include <memory>

#include "core/errors.h"

namespace sweep::worker {
namespace {

std::vector<unsigned char> read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw DataError(path + ": cannot open");
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Owns a TurboJPEG handle.
struct TjHandle {
  explicit TjHandle(tjhandle h) : h(h) {}
  ~TjHandle() {
    if (h != nullptr) tjDestroy(h);
  }
  TjHandle(const TjHandle&) = delete;
  TjHandle& operator=(const TjHandle&) = delete;
  tjhandle h;
};

RgbImage decode_jpeg(const std::string& path, const std::vector<unsigned char>& bytes,
                     int min_side) {
  TjHandle tj(tjInitDecompress());
  if (tj.h == nullptr) throw DataError(path + ": cannot start the JPEG decoder");
  int w = 0, h = 0, subsamp = 0, colorspace = 0;
  if (tjDecompressHeader3(tj.h, bytes.data(), static_cast<unsigned long>(bytes.size()), &w, &h,
                          &subsamp, &colorspace) != 0) {
    throw DataError(path + ": not a readable JPEG: " + tjGetErrorStr2(tj.h));
  }
  // The smallest scale that keeps the shorter side at least min_side.
  int count = 0;
  tjscalingfactor* factors = tjGetScalingFactors(&count);
  tjscalingfactor best{1, 1};
  for (int i = 0; i < count && min_side > 0; ++i) {
    const tjscalingfactor f = factors[i];
    if (f.num > f.denom) continue;  // no upscaling
    const int side = std::min(TJSCALED(w, f), TJSCALED(h, f));
    if (side >= min_side && f.num * best.denom < best.num * f.denom) best = f;
  }
  RgbImage img;
  img.width = TJSCALED(w, best);
  img.height = TJSCALED(h, best);
  img.pixels.resize(static_cast<std::size_t>(img.width) * img.height * 3);
  // A truncated or corrupt file is an error, not a warning: a half-grey image is not data.
  if (tjDecompress2(tj.h, bytes.data(), static_cast<unsigned long>(bytes.size()), img.pixels.data(),
                    img.width, 0, img.height, TJPF_RGB,
                    TJFLAG_ACCURATEDCT | TJFLAG_STOPONWARNING) != 0) {
    throw DataError(path + ": corrupt JPEG: " + tjGetErrorStr2(tj.h));
  }
  return img;
}

RgbImage decode_png(const std::string& path, const std::vector<unsigned char>& bytes) {
  png_image png;
  std::memset(&png, 0, sizeof png);
  png.version = PNG_IMAGE_VERSION;
  if (png_image_begin_read_from_memory(&png, bytes.data(), bytes.size()) == 0) {
    throw DataError(path + ": not a readable PNG: " + png.message);
  }
  png.format = PNG_FORMAT_RGB;
  RgbImage img;
  img.width = static_cast<int>(png.width);
  img.height = static_cast<int>(png.height);
  img.pixels.resize(PNG_IMAGE_SIZE(png));
  if (png_image_finish_read(&png, nullptr, img.pixels.data(), 0, nullptr) == 0 ||
      PNG_IMAGE_FAILED(png)) {
    const std::string why = png.message;
    png_image_free(&png);
    throw DataError(path + ": corrupt PNG: " + why);
  }
  return img;
}

}  // namespace

RgbImage decode_image(const std::string& path, int min_side) {
  const std::vector<unsigned char> bytes = read_bytes(path);
  if (bytes.size() >= 3 && bytes[0] == 0xFF && bytes[1] == 0xD8 && bytes[2] == 0xFF) {
    return decode_jpeg(path, bytes, min_side);
  }
  static const unsigned char kPng[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
  if (bytes.size() >= 8 && std::memcmp(bytes.data(), kPng, 8) == 0) return decode_png(path, bytes);
  throw DataError(path + ": neither a JPEG nor a PNG file");
}

void write_jpeg(const std::string& path, const RgbImage& img, int quality) {
  TjHandle tj(tjInitCompress());
  unsigned char* out = nullptr;
  unsigned long size = 0;
  if (tj.h == nullptr || tjCompress2(tj.h, img.pixels.data(), img.width, 0, img.height, TJPF_RGB,
                                     &out, &size, TJSAMP_420, quality, TJFLAG_ACCURATEDCT) != 0) {
    if (out != nullptr) tjFree(out);
    throw DataError(path + ": cannot encode the JPEG");
  }
  std::unique_ptr<unsigned char, void (*)(unsigned char*)> owned(out, tjFree);
  std::ofstream f(path, std::ios::binary);
  f.write(reinterpret_cast<const char*>(out), static_cast<std::streamsize>(size));
  if (!f.flush()) throw DataError(path + ": cannot write");
}

void write_png(const std::string& path, const RgbImage& img) {
  png_image png;
  std::memset(&png, 0, sizeof png);
  png.version = PNG_IMAGE_VERSION;
  png.width = static_cast<png_uint_32>(img.width);
  png.height = static_cast<png_uint_32>(img.height);
  png.format = PNG_FORMAT_RGB;
  if (png_image_write_to_file(&png, path.c_str(), 0, img.pixels.data(), 0, nullptr) == 0) {
    throw DataError(path + ": cannot write the PNG: " + png.message);
  }
}

std::vector<std::uint8_t> encode_png(const std::uint8_t* planes, int channels, int height,
                                     int width) {
  if (channels != 1 && channels != 3) {
    throw DataError("PNG: images of " + std::to_string(channels) + " channels cannot be shown");
  }
  const std::size_t plane = static_cast<std::size_t>(height) * static_cast<std::size_t>(width);
  std::vector<std::uint8_t> interleaved(plane * static_cast<std::size_t>(channels));
  for (std::size_t i = 0; i < plane; ++i) {
    for (int c = 0; c < channels; ++c) interleaved[i * channels + c] = planes[c * plane + i];
  }
  png_image png;
  std::memset(&png, 0, sizeof png);
  png.version = PNG_IMAGE_VERSION;
  png.width = static_cast<png_uint_32>(width);
  png.height = static_cast<png_uint_32>(height);
  png.format = channels == 1 ? PNG_FORMAT_GRAY : PNG_FORMAT_RGB;
  png_alloc_size_t size = 0;
  if (png_image_write_to_memory(&png, nullptr, &size, 0, interleaved.data(), 0, nullptr) == 0) {
    throw DataError(std::string("PNG: cannot encode: ") + png.message);
  }
  std::vector<std::uint8_t> out(size);
  if (png_image_write_to_memory(&png, out.data(), &size, 0, interleaved.data(), 0, nullptr) == 0) {
    throw DataError(std::string("PNG: cannot encode: ") + png.message);
  }
  out.resize(size);
  return out;
}

}  // namespace sweep::worker
