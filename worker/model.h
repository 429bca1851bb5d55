// The models a trial can train, behind one interface, and the factory that builds them from
// a trial's ModelConfig.
#pragma once

#include <torch/torch.h>

#include <memory>
#include <string>
#include <vector>

#include "worker/train_config.h"

namespace sweep::worker {

// What a model needs to know of the data.
struct ModelShape {
  std::int64_t channels = 1, rows = 28, cols = 28, classes = 10;
};

// An image classifier: B x C x H x W float in, B x classes logits out.
class ClassifierImpl : public torch::nn::Module {
 public:
  virtual torch::Tensor forward(torch::Tensor x) = 0;
  // The parameters the optimizer updates (all but a frozen backbone's).
  virtual std::vector<torch::Tensor> trainable_parameters() { return parameters(); }
  // forward() of `x` laid out in the model's memory format: what training, evaluation and
  // prediction call.
  torch::Tensor logits(const torch::Tensor& x) {
    return forward(channels_last_ ? x.contiguous(at::MemoryFormat::ChannelsLast) : x);
  }
  // Whether the model's conv weights and inputs are channels-last (set by make_model).
  bool channels_last() const { return channels_last_; }
  void set_channels_last(bool on) { channels_last_ = on; }

 private:
  bool channels_last_ = false;
};
using Classifier = std::shared_ptr<ClassifierImpl>;

// Builds the model `m.model` names for images of `shape`, with weights drawn from torch's
// current seed, in the memory format channels_last_for(m) picks. Throws
// std::invalid_argument naming the key on settings that cannot work for this shape (conv_blocks too
// deep for the image, resnet depth not 18 or 34, embed_dim not a multiple of heads, ...) and
// DataError on an unreadable TorchScript backbone.
Classifier make_model(const ModelConfig& m, const ModelShape& shape);

// The same checks as make_model without building anything big: throws std::invalid_argument
// naming the key. A torchscript backbone is only checked for existence.
void check_model(const ModelConfig& m, const ModelShape& shape);

// Multiply-adds per sample of a forward pass (an estimate for the scheduler's cost model).
double model_macs(const ModelConfig& m, const ModelShape& shape);

// Parameters of the model, counted without building it: exact for cnn, within a few percent
// for resnet and vit (their normalization layers' few parameters left out); for torchscript
// the backbone file's bytes / 4 (its float weights) plus the head.
double model_parameters(const ModelConfig& m, const ModelShape& shape);

}  // namespace sweep::worker
