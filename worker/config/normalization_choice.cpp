#include "worker/config/normalization_choice.h"

#include <cstdio>
#include <stdexcept>

namespace sweep::worker {
namespace {

std::string list_text(const std::vector<double>& v) {
  std::string s;
  for (double x : v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.4g", x);
    s += (s.empty() ? "" : " ") + std::string(buf);
  }
  return s;
}

}  // namespace

std::string Normalization::describe() const {
  return "mean " + list_text(mean) + " std " + list_text(stddev);
}

Normalization imagenet_normalization() { return {{0.485, 0.456, 0.406}, {0.229, 0.224, 0.225}}; }

Normalization choose_normalization(const NormalizeConfig& c, const Normalization& data,
                                   std::int64_t channels) {
  Normalization n;
  std::string key = "normalize";
  if (c.kind == "data") {
    n = data;
  } else if (c.kind == "imagenet") {
    n = imagenet_normalization();
  } else if (c.kind == "custom") {
    n = {c.mean, c.stddev};
    key = "mean";
  } else if (c.kind != "none") {
    throw std::invalid_argument("key 'normalize': unknown value '" + c.kind + "'");
  }
  const auto values = static_cast<std::int64_t>(n.mean.size());
  if (n.stddev.size() != n.mean.size() || (values != 1 && values != channels)) {
    throw std::invalid_argument(
        "key '" + key + "': normalize = " + c.kind + " gives " + std::to_string(values) +
        " value(s) per image and the images have " + std::to_string(channels) +
        " channel(s); give one value or one per channel" +
        (c.kind == "imagenet" ? " (for grayscale images with an ImageNet backbone: "
                                "normalize = custom, mean = 0.449, std = 0.226)"
                              : ""));
  }
  return n;
}

}  // namespace sweep::worker
