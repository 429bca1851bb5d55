// The model `vit`: a small vision transformer. A convolutional stem of three conv3x3-BN-ReLU
// (stride 2, 2, 1; embed_dim/2, embed_dim/2, embed_dim channels) turns an H x W image into
// ceil(H/4) x ceil(W/4) tokens; a class token and learnable position embeddings are added;
// `depth` pre-LayerNorm blocks (multi-head self-attention, then a GELU MLP of mlp_dim units,
// each with dropout and a residual); a final LayerNorm and linear(classes) on the class token.
#pragma once

#include "worker/models/model.h"

namespace sweep::worker {

struct VitOptions {
  std::int64_t in_channels = 1, rows = 28, cols = 28, classes = 10;
  std::int64_t depth = 6, embed_dim = 64, heads = 4, mlp_dim = 128;
  double dropout = 0;
};

class VitImpl : public ClassifierImpl {
 public:
  // Throws std::invalid_argument when embed_dim is not a multiple of heads or depth < 1.
  explicit VitImpl(const VitOptions& o);
  torch::Tensor forward(torch::Tensor x) override;

 private:
  torch::nn::Sequential stem_{nullptr};
  torch::nn::ModuleList blocks_{nullptr};
  torch::nn::LayerNorm norm_{nullptr};
  torch::nn::Dropout drop_{nullptr};
  torch::nn::Linear head_{nullptr};
  torch::Tensor cls_, pos_;
};
TORCH_MODULE(Vit);

}  // namespace sweep::worker
