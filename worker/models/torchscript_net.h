// The model `torchscript`: a feature extractor that the user exported from Python
// (torch.jit.trace or torch.jit.script of, say, a pretrained torchvision ResNet without its
// fc layer), loaded with torch::jit::load, its output flattened, then dropout and a new
// linear(classes) head. Single-channel images are repeated to 3 channels when the backbone
// refuses one channel. Nothing is downloaded.
#pragma once

#include <torch/script.h>

#include "worker/models/model.h"

namespace sweep::worker {

struct TorchScriptOptions {
  std::string backbone;  // path of the .pt file
  std::int64_t in_channels = 1, rows = 28, cols = 28, classes = 10;
  bool freeze_backbone = false;  // train the head only; the backbone stays in eval mode
  double head_dropout = 0;
};

class TorchScriptNetImpl : public ClassifierImpl {
 public:
  // Loads the backbone and sizes the head with a forward pass of one zero image. Throws
  // DataError naming the file when it cannot be read or does not take such images.
  explicit TorchScriptNetImpl(const TorchScriptOptions& o);
  torch::Tensor forward(torch::Tensor x) override;
  // The head's parameters only when the backbone is frozen, else all.
  std::vector<torch::Tensor> trainable_parameters() override;
  // Sets this module's and the backbone's mode; a frozen backbone stays in eval mode.
  void train(bool on = true) override;

 private:
  torch::Tensor features(torch::Tensor x);

  torch::jit::Module backbone_;
  bool frozen_ = false, repeat_gray_ = false;
  torch::nn::Dropout drop_{nullptr};
  torch::nn::Linear head_{nullptr};
};
TORCH_MODULE(TorchScriptNet);

// Loads the backbone file `path` and runs it once on a zero image of `in_channels` x `rows` x
// `cols` (repeated to 3 channels when it refuses one), as a trial would. Throws
// std::invalid_argument naming the file, the size given, the size expected when the
// backbone's first layer tells it (a linear layer's inputs, a convolution's channels) and
// LibTorch's message, when it does not take such images or cannot be loaded.
void check_backbone_input(const std::string& path, std::int64_t in_channels, std::int64_t rows,
                          std::int64_t cols);

}  // namespace sweep::worker
