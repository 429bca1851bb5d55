#include "test_files.h"

#include <zlib.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <random>
#include <stdexcept>

namespace sweep::test {
namespace {
void put_be32(std::vector<std::uint8_t>& v, std::uint32_t x) {
  for (int s = 24; s >= 0; s -= 8) v.push_back(static_cast<std::uint8_t>(x >> s));
}
}  // namespace

std::string make_temp_dir(const std::string& tag) {
  std::string tmpl = std::string(std::getenv("TMPDIR") ? std::getenv("TMPDIR") : "/tmp") +
                     "/sweep-" + tag + "-XXXXXX";
  if (mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  return tmpl;
}

void write_file(const std::string& path, const std::vector<std::uint8_t>& bytes, bool gz) {
  if (gz) {
    gzFile f = gzopen(path.c_str(), "wb");
    if (f == nullptr) throw std::runtime_error("cannot write " + path);
    if (!bytes.empty()) gzwrite(f, bytes.data(), static_cast<unsigned>(bytes.size()));
    gzclose(f);
    return;
  }
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
}

std::vector<std::uint8_t> idx_images(const worker::RawImages& img) {
  std::vector<std::uint8_t> v;
  put_be32(v, 2051);
  put_be32(v, static_cast<std::uint32_t>(img.count));
  put_be32(v, static_cast<std::uint32_t>(img.rows));
  put_be32(v, static_cast<std::uint32_t>(img.cols));
  v.insert(v.end(), img.pixels.begin(), img.pixels.end());
  return v;
}

std::vector<std::uint8_t> idx_labels(const std::vector<std::int64_t>& labels) {
  std::vector<std::uint8_t> v;
  put_be32(v, 2049);
  put_be32(v, static_cast<std::uint32_t>(labels.size()));
  for (auto l : labels) v.push_back(static_cast<std::uint8_t>(l));
  return v;
}

worker::RawImages synthetic_images(std::int64_t n, std::int64_t classes, std::uint32_t seed) {
  std::mt19937 rng(seed);
  worker::RawImages img;
  img.count = n;
  img.rows = img.cols = 28;
  img.pixels.resize(static_cast<std::size_t>(n * 28 * 28));
  for (std::int64_t i = 0; i < n; ++i) {
    std::int64_t c = i % classes;
    img.labels.push_back(c);
    std::int64_t band = 2 + c * (24 / classes);
    for (std::int64_t r = 0; r < 28; ++r) {
      for (std::int64_t col = 0; col < 28; ++col) {
        int v = static_cast<int>(rng() % 60);
        if (r >= band && r < band + 3) v += 180;
        img.pixels[static_cast<std::size_t>((i * 28 + r) * 28 + col)] =
            static_cast<std::uint8_t>(v);
      }
    }
  }
  return img;
}

void write_idx_set(const std::string& dir, const worker::RawImages& train,
                   const worker::RawImages& test, bool gz) {
  const std::string ext = gz ? ".gz" : "";
  write_file(dir + "/train-images-idx3-ubyte" + ext, idx_images(train), gz);
  write_file(dir + "/train-labels-idx1-ubyte" + ext, idx_labels(train.labels), gz);
  if (test.count > 0) {
    write_file(dir + "/t10k-images-idx3-ubyte" + ext, idx_images(test), gz);
    write_file(dir + "/t10k-labels-idx1-ubyte" + ext, idx_labels(test.labels), gz);
  }
}

}  // namespace sweep::test
