#include "worker/config/model_shape.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <stdexcept>
#include <string>

#include "worker/config/memory_format_rule.h"

namespace sweep::worker {

std::int64_t resnet_depth(const ModelConfig& m) { return m.depth == 0 ? 18 : m.depth; }

std::int64_t vit_depth(const ModelConfig& m) { return m.depth == 0 ? 6 : m.depth; }

std::vector<std::int64_t> resnet_widths(double width) {
  std::vector<std::int64_t> w;
  for (int s = 0; s < 4; ++s) {
    w.push_back(std::max<std::int64_t>(4, std::llround(64.0 * width * (1 << s))));
  }
  return w;
}

std::vector<int> resnet_blocks(std::int64_t depth) {
  if (depth == 18) return {2, 2, 2, 2};
  if (depth == 34) return {3, 4, 6, 3};
  throw std::invalid_argument("key 'depth': resnet has depth 18 or 34 (or 0 for 18), not " +
                              std::to_string(depth));
}

std::int64_t vit_tokens_per_side(std::int64_t side) { return (side + 3) / 4; }

void check_model(const ModelConfig& m, const ModelShape& s) {
  channels_last_for(m);  // throws on a layout that cannot work for this model
  const std::string size = std::to_string(s.rows) + "x" + std::to_string(s.cols);
  if (m.model == "cnn" && (std::min(s.rows, s.cols) >> m.conv_blocks) < 1) {
    throw std::invalid_argument("key 'conv_blocks': " + std::to_string(m.conv_blocks) +
                                " blocks halve a " + size + " image to nothing");
  }
  if (m.model == "resnet") resnet_blocks(resnet_depth(m));
  if (m.model == "vit") {
    if (m.embed_dim % m.heads != 0 || m.embed_dim % 2 != 0) {
      throw std::invalid_argument(
          "key 'embed_dim': " + std::to_string(m.embed_dim) +
          " must be even and a multiple of heads = " + std::to_string(m.heads));
    }
  }
  if (m.model == "torchscript") {
    if (m.backbone.empty()) {
      throw std::invalid_argument("key 'backbone': model = torchscript needs a TorchScript file");
    }
    if (!std::filesystem::is_regular_file(m.backbone)) {
      throw std::invalid_argument("key 'backbone': no such file '" + m.backbone + "'");
    }
  }
}

double model_macs(const ModelConfig& m, const ModelShape& s) {
  const double c = static_cast<double>(s.channels);
  double hw = static_cast<double>(s.rows * s.cols);
  if (m.model == "cnn") {
    double macs = 0, in = c, f = static_cast<double>(m.filters);
    for (std::int64_t b = 0; b < m.conv_blocks; ++b) {
      macs += hw * 9 * (in * f + f * f);
      in = f;
      f *= 2;
      hw /= 4;
    }
    return macs + hw * in * m.dense_units + m.dense_units * s.classes;
  }
  if (m.model == "resnet") {
    const std::vector<int> blocks = resnet_blocks(resnet_depth(m));
    const std::vector<std::int64_t> w = resnet_widths(m.width);
    if (std::max(s.rows, s.cols) > 64) hw /= 16;
    double macs = hw * 9 * c * w[0];
    for (int st = 0; st < 4; ++st) {
      if (st > 0) hw /= 4;
      macs += blocks[st] * hw * 18.0 * w[st] * w[st];
    }
    return macs;
  }
  if (m.model == "vit") {
    const double d = static_cast<double>(m.embed_dim);
    const double t = vit_tokens_per_side(s.rows) * vit_tokens_per_side(s.cols) + 1.0;
    const double stem = (hw / 4) * 9 * (c * d / 2) + (hw / 16) * 9 * (d * d / 4 + d * d / 2);
    const double block = t * (4 * d * d + 2 * d * m.mlp_dim) + 2 * t * t * d;
    return stem + vit_depth(m) * block;
  }
  return 1.8e9 * hw / (224.0 * 224.0);  // torchscript: unknown; about a ResNet-18 per pixel
}

double model_parameters(const ModelConfig& m, const ModelShape& s) {
  const double c = static_cast<double>(s.channels), k = static_cast<double>(s.classes);
  if (m.model == "cnn") {
    double n = 0, in = c, f = static_cast<double>(m.filters);
    std::int64_t rows = s.rows, cols = s.cols;
    const double per_channel = m.batch_norm ? 2 : 1;  // BN's weight and bias, or a conv bias
    for (std::int64_t b = 0; b < m.conv_blocks; ++b) {
      n += 9 * in * f + 9 * f * f + 2 * per_channel * f;
      in = f;
      f *= 2;
      rows /= 2;
      cols /= 2;
    }
    const double flat = in * static_cast<double>(rows * cols),
                 d = static_cast<double>(m.dense_units);
    return n + flat * d + d + d * k + k;
  }
  if (m.model == "resnet") {
    const std::vector<int> blocks = resnet_blocks(resnet_depth(m));
    const std::vector<std::int64_t> w = resnet_widths(m.width);
    double n = (std::max(s.rows, s.cols) > 64 ? 49.0 : 9.0) * c * w[0];
    double in = static_cast<double>(w[0]);
    for (int st = 0; st < 4; ++st) {
      const double out = static_cast<double>(w[st]);
      for (int b = 0; b < blocks[st]; ++b) {
        n += 9 * in * out + 9 * out * out + (in != out ? in * out : 0);
        in = out;
      }
    }
    return n + in * k + k;
  }
  if (m.model == "vit") {
    const double d = static_cast<double>(m.embed_dim), h = d / 2;
    const double t = vit_tokens_per_side(s.rows) * vit_tokens_per_side(s.cols) + 1.0;
    const double stem = 9 * c * h + 9 * h * h + 9 * h * d;
    const double block = 4 * d * d + 4 * d + 2 * d * m.mlp_dim + m.mlp_dim + d;
    return stem + (t + 1) * d + vit_depth(m) * block + d * k + k;
  }
  std::error_code ec;
  const auto bytes = std::filesystem::file_size(m.backbone, ec);
  return (ec ? 0.0 : static_cast<double>(bytes) / 4) + k;  // the head's features are unknown
}

}  // namespace sweep::worker
