// make_normalized_set DIR: writes, for the normalization test (tests/integration/normalize.sh),
// - DIR/folder/<class>/*.png: 3 classes of 16x16 RGB images whose channels sit at very
//   different levels (red bright, green dark, blue middle) with a faint class pattern on top
//   (horizontal stripes, vertical stripes, checkerboard; random phase, level jitter and noise);
// - DIR/backbone.pt: a TorchScript feature extractor (conv3x3, 8 filters, ReLU, global average
//   pooling) trained here on those images normalized per channel with their own statistics,
//   the way torchvision's models were trained on ImageNet's;
// - DIR/stats.ini: those statistics as `mean = ...` and `std = ...` lines;
// - DIR/linear_backbone.pt: a backbone whose first layer is linear over 3x20x20 images.
// Deterministic. Exits 2 on a usage error.
#include <torch/script.h>
#include <torch/torch.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>

#include "worker/data/image_decode.h"

namespace {

constexpr int kSide = 16, kPerClass = 80, kClasses = 3;
const double kLevel[3] = {0.8, 0.15, 0.5};  // each channel's level on the 0-1 scale

// Image `i` of class `c` as 3 x 16 x 16 floats on the 0-1 scale.
torch::Tensor image(int c, int i, torch::Generator& gen) {
  torch::Tensor y = torch::arange(kSide).view({kSide, 1}).expand({kSide, kSide});
  torch::Tensor x = torch::arange(kSide).view({1, kSide}).expand({kSide, kSide});
  const std::int64_t phase = i % 2;
  torch::Tensor pattern = c == 0 ? (y + phase) % 2 : c == 1 ? (x + phase) % 2 : (x + y + phase) % 2;
  pattern = pattern.to(torch::kFloat32) * 2 - 1;  // -1 or 1
  torch::Tensor img = torch::empty({3, kSide, kSide});
  for (int ch = 0; ch < 3; ++ch) {
    const double jitter = (torch::rand({1}, gen).item<double>() - 0.5) * 0.02;
    const double amplitude = ch == 0 ? 0.03 : 0;  // the pattern is in the red channel only
    img[ch] = kLevel[ch] + jitter + amplitude * pattern + 0.01 * torch::randn({kSide, kSide}, gen);
  }
  return img.clamp(0, 1);
}

sweep::worker::RgbImage to_rgb(const torch::Tensor& img) {
  torch::Tensor b = (img * 255).round().to(torch::kUInt8).permute({1, 2, 0}).contiguous();
  sweep::worker::RgbImage out;
  out.width = out.height = kSide;
  out.pixels.assign(b.data_ptr<std::uint8_t>(), b.data_ptr<std::uint8_t>() + b.numel());
  return out;
}

// "0.8 0.15 0.5" with full precision.
std::string list(const torch::Tensor& v) {
  std::string s;
  for (std::int64_t i = 0; i < v.numel(); ++i) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.17g", v[i].item<double>());
    s += (i ? " " : "") + std::string(buf);
  }
  return s;
}

void write_linear_backbone(const std::string& path) {
  torch::jit::Module m("LinearBackbone");
  m.register_parameter("weight", torch::randn({8, 3 * 20 * 20}) * 0.01, false);
  m.define(R"(
    def forward(self, x):
        return torch.relu(torch.matmul(x.flatten(1), self.weight.t()))
  )");
  m.save(path);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: make_normalized_set DIR\n";
    return 2;
  }
  namespace fs = std::filesystem;
  const std::string dir = argv[1];
  torch::manual_seed(11);
  torch::Generator gen = at::detail::createCPUGenerator(12);
  std::vector<torch::Tensor> images;
  std::vector<std::int64_t> labels;
  for (int c = 0; c < kClasses; ++c) {
    const std::string folder = dir + "/folder/class" + std::to_string(c);
    fs::create_directories(folder);
    for (int i = 0; i < kPerClass; ++i) {
      const sweep::worker::RgbImage rgb = to_rgb(image(c, i, gen));
      char name[32];
      std::snprintf(name, sizeof name, "/%03d.png", i);
      sweep::worker::write_png(folder + name, rgb);
      // Train on the bytes as written, as sweep reads them.
      images.push_back(torch::from_blob(const_cast<std::uint8_t*>(rgb.pixels.data()),
                                        {kSide, kSide, 3}, torch::kUInt8)
                           .permute({2, 0, 1})
                           .to(torch::kFloat32)
                           .div(255));
      labels.push_back(c);
    }
  }
  torch::Tensor x = torch::stack(images);
  torch::Tensor y = torch::tensor(labels, torch::kInt64);
  torch::Tensor mean = x.mean({0, 2, 3}, false, torch::kFloat64);
  torch::Tensor sd = x.to(torch::kFloat64).std({0, 2, 3}, false);
  torch::Tensor xn =
      (x - mean.to(torch::kFloat32).view({1, 3, 1, 1})) / sd.to(torch::kFloat32).view({1, 3, 1, 1});
  // The backbone (and a head only used here), trained on the normalized images.
  torch::Tensor w = (torch::randn({8, 3, 3, 3}) * 0.3).requires_grad_();
  torch::Tensor head = (torch::randn({kClasses, 8}) * 0.3).requires_grad_();
  torch::optim::Adam opt({w, head}, torch::optim::AdamOptions(0.02));
  auto features = [&](const torch::Tensor& in) {
    return torch::relu(torch::conv2d(in, w)).mean({2, 3});
  };
  for (int step = 0; step < 300; ++step) {
    opt.zero_grad();
    torch::Tensor loss = torch::cross_entropy_loss(features(xn).matmul(head.t()), y);
    loss.backward();
    opt.step();
  }
  const double acc =
      features(xn).matmul(head.t()).argmax(1).eq(y).to(torch::kFloat64).mean().item<double>();
  std::cout << "backbone trained: accuracy " << acc << " on its training images\n";
  torch::jit::Module m("Backbone");
  m.register_parameter("weight", w.detach().clone(), false);
  m.define(R"(
    def forward(self, x):
        return torch.relu(torch.conv2d(x, self.weight)).mean([2, 3])
  )");
  m.save(dir + "/backbone.pt");
  std::ofstream(dir + "/stats.ini") << "mean = " << list(mean) << "\nstd = " << list(sd) << "\n";
  write_linear_backbone(dir + "/linear_backbone.pt");
  return 0;
}
