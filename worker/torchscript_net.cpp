#include "worker/torchscript_net.h"

#include <algorithm>

#include "core/errors.h"

namespace sweep::worker {
namespace {

// nn::Module names may not contain dots; the backbone's "layer1.0.conv1.weight" becomes
// "backbone_layer1_0_conv1_weight".
std::string flat_name(const std::string& name) {
  std::string s = "backbone_" + name;
  std::replace(s.begin(), s.end(), '.', '_');
  return s;
}

}  // namespace

TorchScriptNetImpl::TorchScriptNetImpl(const TorchScriptOptions& o) : frozen_(o.freeze_backbone) {
  const std::string what = "key 'backbone': " + o.backbone;
  if (o.backbone.empty()) throw DataError("model = torchscript needs key 'backbone' (a .pt file)");
  try {
    backbone_ = torch::jit::load(o.backbone, torch::kCPU);
  } catch (const c10::Error& e) {
    throw DataError(what + ": cannot load it as TorchScript: " + e.what_without_backtrace());
  }
  // Parameters and buffers are shared with the backbone (same tensors), so the optimizer's
  // updates reach it and save/load of this module include them.
  for (const auto& p : backbone_.named_parameters(true)) {
    register_parameter(flat_name(p.name), p.value, !frozen_);
  }
  for (const auto& b : backbone_.named_buffers(true)) register_buffer(flat_name(b.name), b.value);
  backbone_.eval();
  torch::Tensor probe = torch::zeros({1, o.in_channels, o.rows, o.cols});
  torch::Tensor out;
  try {
    torch::NoGradGuard no_grad;
    out = features(probe);
  } catch (const std::exception& first) {
    if (o.in_channels != 1) {
      throw DataError(what + ": does not take " + std::to_string(o.in_channels) + "x" +
                      std::to_string(o.rows) + "x" + std::to_string(o.cols) + " images");
    }
    repeat_gray_ = true;
    try {
      torch::NoGradGuard no_grad;
      out = features(probe);
    } catch (const std::exception&) {
      throw DataError(what + ": takes neither 1- nor 3-channel " + std::to_string(o.rows) + "x" +
                      std::to_string(o.cols) + " images");
    }
  }
  drop_ = register_module("head_dropout", torch::nn::Dropout(o.head_dropout));
  head_ = register_module("head", torch::nn::Linear(out.size(1), o.classes));
  train(true);
}

torch::Tensor TorchScriptNetImpl::features(torch::Tensor x) {
  if (repeat_gray_) x = x.expand({x.size(0), 3, x.size(2), x.size(3)});
  torch::jit::IValue y = backbone_.forward({x});
  if (!y.isTensor()) throw DataError("the backbone does not return one tensor");
  return y.toTensor().flatten(1);
}

torch::Tensor TorchScriptNetImpl::forward(torch::Tensor x) { return head_(drop_(features(x))); }

std::vector<torch::Tensor> TorchScriptNetImpl::trainable_parameters() {
  if (!frozen_) return parameters();
  return head_->parameters();
}

void TorchScriptNetImpl::train(bool on) {
  torch::nn::Module::train(on);
  backbone_.train(on && !frozen_);
}

}  // namespace sweep::worker
