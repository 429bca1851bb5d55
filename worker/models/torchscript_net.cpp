#include "worker/models/torchscript_net.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "core/errors.h"

namespace sweep::worker {
namespace {

// A backbone's answer to one zero image: its flattened features, and whether it needed the
// grayscale image repeated to 3 channels.
struct Probe {
  torch::Tensor features;
  bool repeat_gray = false;
};

// nn::Module names may not contain dots; the backbone's "layer1.0.conv1.weight" becomes
// "backbone_layer1_0_conv1_weight".
std::string flat_name(const std::string& name) {
  std::string s = "backbone_" + name;
  std::replace(s.begin(), s.end(), '.', '_');
  return s;
}

// "1x28x28".
std::string size_text(std::int64_t c, std::int64_t h, std::int64_t w) {
  return std::to_string(c) + "x" + std::to_string(h) + "x" + std::to_string(w);
}

// What the backbone's first weight says of the input it expects, as " (...)"; "" when it says
// nothing that the given size contradicts.
std::string expected_input(const torch::jit::Module& m, std::int64_t c) {
  for (const auto& p : m.named_parameters(true)) {
    const torch::Tensor& w = p.value;
    if (w.dim() == 4 && w.size(1) != c && !(c == 1 && w.size(1) == 3)) {
      return " (its first layer, " + p.name + ", is a convolution over " +
             std::to_string(w.size(1)) + " channels)";
    }
    if (w.dim() == 2) {
      const std::int64_t in = w.size(1);
      std::string size;
      for (std::int64_t ch : {c, std::int64_t{3}}) {
        const auto side = static_cast<std::int64_t>(std::llround(std::sqrt(double(in) / ch)));
        if (size.empty() && side * side * ch == in) size = size_text(ch, side, side);
        if (c != 1) break;  // only grayscale images are repeated to 3 channels
      }
      return " (its first layer, " + p.name + ", is a linear layer of " + std::to_string(in) +
             " inputs" +
             (size.empty() ? ")"
                           : ": it expects " + size +
                                 " images; set image_size or prepare the cache at that size)");
    }
    return "";
  }
  return "";
}

// The message of a LibTorch error without its stack: an error raised inside a TorchScript
// function ends with its "RuntimeError: ..." line; a plain one has its message first.
std::string torch_message(const std::exception& e) {
  const auto* c10 = dynamic_cast<const c10::Error*>(&e);
  const std::string text = c10 != nullptr ? c10->what_without_backtrace() : e.what();
  const auto at = text.rfind("RuntimeError: ");
  if (at != std::string::npos) return text.substr(at, text.find('\n', at) - at);
  return text.substr(0, text.find('\n'));
}

}  // namespace

namespace {

// Runs `backbone` (in eval mode) on one zero image of the given size, repeating a single
// channel to 3 when one is refused. Throws DataError naming `path`, the size and what the first
// layer expects.
Probe probe_backbone(torch::jit::Module& backbone, const std::string& path,
                     std::int64_t in_channels, std::int64_t rows, std::int64_t cols) {
  const std::string what = "key 'backbone': " + path;
  backbone.eval();
  Probe p;
  auto run = [&](bool repeat) {
    torch::NoGradGuard no_grad;
    torch::Tensor x = torch::zeros({1, in_channels, rows, cols});
    if (repeat) x = x.expand({1, 3, rows, cols});
    torch::jit::IValue y = backbone.forward({x});
    if (!y.isTensor()) throw DataError(what + ": the backbone does not return one tensor");
    return y.toTensor().flatten(1);
  };
  try {
    p.features = run(false);
    return p;
  } catch (const DataError&) {
    throw;
  } catch (const std::exception& first) {
    const std::string why = expected_input(backbone, in_channels) + ": " + torch_message(first);
    if (in_channels != 1) {
      throw DataError(what + ": does not take " + size_text(in_channels, rows, cols) + " images" +
                      why);
    }
    try {
      p.features = run(true);
      p.repeat_gray = true;
      return p;
    } catch (const std::exception&) {
      throw DataError(what + ": takes neither 1- nor 3-channel " + std::to_string(rows) + "x" +
                      std::to_string(cols) + " images" + why);
    }
  }
}

// Loads the TorchScript file `path` on the CPU. Throws DataError naming it.
torch::jit::Module load_backbone(const std::string& path) {
  if (path.empty()) throw DataError("model = torchscript needs key 'backbone' (a .pt file)");
  try {
    return torch::jit::load(path, torch::kCPU);
  } catch (const c10::Error& e) {
    throw DataError("key 'backbone': " + path +
                    ": cannot load it as TorchScript: " + e.what_without_backtrace());
  }
}

}  // namespace

void check_backbone_input(const std::string& path, std::int64_t in_channels, std::int64_t rows,
                          std::int64_t cols) {
  try {
    torch::jit::Module m = load_backbone(path);
    probe_backbone(m, path, in_channels, rows, cols);
  } catch (const DataError& e) {
    throw std::invalid_argument(e.what());
  }
}

TorchScriptNetImpl::TorchScriptNetImpl(const TorchScriptOptions& o) : frozen_(o.freeze_backbone) {
  backbone_ = load_backbone(o.backbone);
  // Parameters and buffers are shared with the backbone (same tensors), so the optimizer's
  // updates reach it and save/load of this module include them.
  for (const auto& p : backbone_.named_parameters(true)) {
    register_parameter(flat_name(p.name), p.value, !frozen_);
  }
  for (const auto& b : backbone_.named_buffers(true)) register_buffer(flat_name(b.name), b.value);
  const Probe probe = probe_backbone(backbone_, o.backbone, o.in_channels, o.rows, o.cols);
  repeat_gray_ = probe.repeat_gray;
  drop_ = register_module("head_dropout", torch::nn::Dropout(o.head_dropout));
  head_ = register_module("head", torch::nn::Linear(probe.features.size(1), o.classes));
  train(true);
}

torch::Tensor TorchScriptNetImpl::features(torch::Tensor x) {
  if (repeat_gray_) x = x.expand({x.size(0), 3, x.size(2), x.size(3)});
  torch::jit::IValue y = backbone_.forward({x});
  if (!y.isTensor()) throw DataError("the backbone does not return one tensor");
  return y.toTensor().flatten(1);
}

torch::Tensor TorchScriptNetImpl::forward(torch::Tensor x) {
  const torch::Tensor f = features(x);
  // The backbone's internals are opaque: its output features are one layer.
  if (probe() != nullptr) probe()->see("backbone", f);
  return head_(drop_(f));
}

std::vector<torch::Tensor> TorchScriptNetImpl::trainable_parameters() {
  if (!frozen_) return parameters();
  return head_->parameters();
}

void TorchScriptNetImpl::train(bool on) {
  torch::nn::Module::train(on);
  backbone_.train(on && !frozen_);
}

}  // namespace sweep::worker
