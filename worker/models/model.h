// The models a trial can train, behind one interface, and the factory that builds them from
// a trial's ModelConfig.
#pragma once

#include <torch/torch.h>

#include <memory>
#include <string>
#include <vector>

#include "worker/config/model_shape.h"
#include "worker/config/train_config.h"
#include "worker/models/activation_probe.h"

namespace sweep::worker {

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
  // The probe its activation layers report to while it is set (null: none, as in training);
  // the caller owns it and clears it before it goes.
  void set_probe(ActivationProbe* p) { probe_ = p; }
  ActivationProbe* probe() const { return probe_; }

 private:
  bool channels_last_ = false;
  ActivationProbe* probe_ = nullptr;
};
using Classifier = std::shared_ptr<ClassifierImpl>;

// Builds the model `m.model` names for images of `shape`, with weights drawn from torch's
// current seed, in the memory format channels_last_for(m) picks. Throws
// std::invalid_argument naming the key on settings that cannot work for this shape (conv_blocks too
// deep for the image, resnet depth not 18 or 34, embed_dim not a multiple of heads, ...) and
// DataError on an unreadable TorchScript backbone.
Classifier make_model(const ModelConfig& m, const ModelShape& shape);

}  // namespace sweep::worker
