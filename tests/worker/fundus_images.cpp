#include "fundus_images.h"

#include <algorithm>
#include <cmath>
#include <utility>
#include <vector>

namespace sweep::test {

worker::RgbImage synthetic_fundus(int width, int height, int grade, std::uint32_t seed) {
  worker::RgbImage img;
  img.width = width;
  img.height = height;
  img.pixels.assign(static_cast<std::size_t>(width) * height * 3, 0);
  const double cx = width / 2.0, cy = height / 2.0, radius = 0.45 * height;
  std::uint32_t state = seed * 2654435761u + 1;
  auto noise = [&] {
    state = state * 1664525u + 1013904223u;
    return static_cast<int>((state >> 24) % 9) - 4;
  };
  // Spots: fixed positions from the seed, inside the disc.
  std::vector<std::pair<double, double>> spots;
  for (int s = 0; s < grade * 4; ++s) {
    const double a = 0.7 * s + seed, d = 0.2 + 0.5 * std::fmod(0.37 * s + 0.11 * seed, 1.0);
    spots.emplace_back(cx + std::cos(a) * d * radius, cy + std::sin(a) * d * radius);
  }
  for (int y = 0; y < height; ++y) {
    for (int x = 0; x < width; ++x) {
      const double dx = x - cx, dy = y - cy, r = std::sqrt(dx * dx + dy * dy);
      if (r > radius) continue;
      double red = 200 - 80 * r / radius, green = 90 - 30 * r / radius, blue = 40;
      const double angle = std::atan2(dy, dx);
      for (int v = 0; v < 5; ++v) {  // vessels: thin dark rays
        const double diff = std::remainder(angle - v * 1.256 - 0.3, 2 * M_PI);
        if (std::abs(diff) * r < 1.5 && r > 0.1 * radius) {
          red *= 0.55;
          green *= 0.5;
        }
      }
      for (const auto& [sx, sy] : spots) {
        if ((x - sx) * (x - sx) + (y - sy) * (y - sy) < 0.0009 * radius * radius) {
          red = 255;
          green = 240;
          blue = 150;
        }
      }
      std::uint8_t* p = img.pixels.data() + (static_cast<std::size_t>(y) * width + x) * 3;
      p[0] = static_cast<std::uint8_t>(std::clamp<int>(std::lround(red) + noise(), 0, 255));
      p[1] = static_cast<std::uint8_t>(std::clamp<int>(std::lround(green) + noise(), 0, 255));
      p[2] = static_cast<std::uint8_t>(std::clamp<int>(std::lround(blue) + noise(), 0, 255));
    }
  }
  return img;
}

}  // namespace sweep::test
