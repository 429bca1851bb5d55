#include "worker/data/fundus.h"

#include <algorithm>
#include <cmath>

namespace sweep::worker {

RgbImage crop_dark_border(const RgbImage& img, int threshold) {
  int top = img.height, bottom = -1, left = img.width, right = -1;
  for (int y = 0; y < img.height; ++y) {
    const std::uint8_t* row = img.pixels.data() + static_cast<std::size_t>(y) * img.width * 3;
    for (int x = 0; x < img.width; ++x) {
      const int v = (row[3 * x] + row[3 * x + 1] + row[3 * x + 2]) / 3;
      if (v <= threshold) continue;
      top = std::min(top, y);
      bottom = std::max(bottom, y);
      left = std::min(left, x);
      right = std::max(right, x);
    }
  }
  if (bottom < 0) {  // nothing bright: keep it all
    top = left = 0;
    bottom = img.height - 1;
    right = img.width - 1;
  }
  const int w = right - left + 1, h = bottom - top + 1, side = std::max(w, h);
  RgbImage out;
  out.width = out.height = side;
  out.pixels.assign(static_cast<std::size_t>(side) * side * 3, 0);
  const int dx = (side - w) / 2, dy = (side - h) / 2;
  for (int y = 0; y < h; ++y) {
    const std::uint8_t* src =
        img.pixels.data() + (static_cast<std::size_t>(top + y) * img.width + left) * 3;
    std::uint8_t* dst = out.pixels.data() + (static_cast<std::size_t>(dy + y) * side + dx) * 3;
    std::copy(src, src + static_cast<std::size_t>(w) * 3, dst);
  }
  return out;
}

namespace {

// Area weights of resampling n input samples to m: for output i, the (input index, weight)
// pairs covering [i * n / m, (i + 1) * n / m), weights summing to 1.
std::vector<std::vector<std::pair<int, double>>> area_weights(int n, int m) {
  std::vector<std::vector<std::pair<int, double>>> w(m);
  const double scale = static_cast<double>(n) / m;
  for (int i = 0; i < m; ++i) {
    const double a = i * scale, b = (i + 1) * scale;
    for (int j = static_cast<int>(std::floor(a)); j < std::min(n, static_cast<int>(std::ceil(b)));
         ++j) {
      const double cover = std::min<double>(b, j + 1) - std::max<double>(a, j);
      if (cover > 0) w[i].emplace_back(j, cover / scale);
    }
  }
  return w;
}

std::uint8_t to_byte(double v) {
  return static_cast<std::uint8_t>(std::clamp(std::lround(v), 0L, 255L));
}

}  // namespace

RgbImage resize_area(const RgbImage& img, int size) {
  const auto wx = area_weights(img.width, size), wy = area_weights(img.height, size);
  // Horizontal pass into doubles, then vertical.
  std::vector<double> tmp(static_cast<std::size_t>(img.height) * size * 3, 0);
  for (int y = 0; y < img.height; ++y) {
    for (int x = 0; x < size; ++x) {
      for (int c = 0; c < 3; ++c) {
        double s = 0;
        for (const auto& [j, w] : wx[x]) {
          s += w * img.pixels[(static_cast<std::size_t>(y) * img.width + j) * 3 + c];
        }
        tmp[(static_cast<std::size_t>(y) * size + x) * 3 + c] = s;
      }
    }
  }
  RgbImage out;
  out.width = out.height = size;
  out.pixels.resize(static_cast<std::size_t>(size) * size * 3);
  for (int y = 0; y < size; ++y) {
    for (int x = 0; x < size; ++x) {
      for (int c = 0; c < 3; ++c) {
        double s = 0;
        for (const auto& [j, w] : wy[y])
          s += w * tmp[(static_cast<std::size_t>(j) * size + x) * 3 + c];
        out.pixels[(static_cast<std::size_t>(y) * size + x) * 3 + c] = to_byte(s);
      }
    }
  }
  return out;
}

RgbImage local_contrast(const RgbImage& img, double sigma) {
  const int r = std::max(1, static_cast<int>(std::ceil(3 * sigma)));
  std::vector<double> k(2 * r + 1);
  double sum = 0;
  for (int i = -r; i <= r; ++i) sum += k[i + r] = std::exp(-0.5 * i * i / (sigma * sigma));
  for (double& v : k) v /= sum;
  const int w = img.width, h = img.height;
  auto at = [&](const std::vector<double>& p, int x, int y, int c) {
    x = std::clamp(x, 0, w - 1);
    y = std::clamp(y, 0, h - 1);
    return p[(static_cast<std::size_t>(y) * w + x) * 3 + c];
  };
  std::vector<double> src(img.pixels.begin(), img.pixels.end()), tmp(src.size()), blur(src.size());
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w; ++x) {
      for (int c = 0; c < 3; ++c) {
        double s = 0;
        for (int i = -r; i <= r; ++i) s += k[i + r] * at(src, x + i, y, c);
        tmp[(static_cast<std::size_t>(y) * w + x) * 3 + c] = s;
      }
    }
  }
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w; ++x) {
      for (int c = 0; c < 3; ++c) {
        double s = 0;
        for (int i = -r; i <= r; ++i) s += k[i + r] * at(tmp, x, y + i, c);
        blur[(static_cast<std::size_t>(y) * w + x) * 3 + c] = s;
      }
    }
  }
  RgbImage out = img;
  for (std::size_t i = 0; i < src.size(); ++i)
    out.pixels[i] = to_byte(4 * (src[i] - blur[i]) + 128);
  return out;
}

std::vector<std::uint8_t> to_planes(const RgbImage& img) {
  const std::size_t n = static_cast<std::size_t>(img.width) * img.height;
  std::vector<std::uint8_t> out(3 * n);
  for (std::size_t i = 0; i < n; ++i) {
    for (int c = 0; c < 3; ++c) out[c * n + i] = img.pixels[3 * i + c];
  }
  return out;
}

std::vector<std::uint8_t> prepare_photo(const std::string& path, int size, double lcn_sigma) {
  RgbImage img = resize_area(crop_dark_border(decode_image(path, size)), size);
  if (lcn_sigma > 0) img = local_contrast(img, lcn_sigma);
  return to_planes(img);
}

std::uint64_t content_hash(const std::vector<std::uint8_t>& bytes) {
  std::uint64_t h = 14695981039346656037ULL;
  for (std::uint8_t b : bytes) h = (h ^ b) * 1099511628211ULL;
  h = (h ^ (h >> 30)) * 0xbf58476d1ce4e5b9ULL;
  h = (h ^ (h >> 27)) * 0x94d049bb133111ebULL;
  return h ^ (h >> 31);
}

}  // namespace sweep::worker
