#include "worker/models/vit.h"

#include <cmath>
#include <stdexcept>

#include "worker/config/model_shape.h"

namespace sweep::worker {
namespace {

void add_conv_bn_relu(torch::nn::Sequential& s, std::int64_t in, std::int64_t out,
                      std::int64_t stride) {
  s->push_back(torch::nn::Conv2d(
      torch::nn::Conv2dOptions(in, out, 3).stride(stride).padding(1).bias(false)));
  s->push_back(torch::nn::BatchNorm2d(out));
  s->push_back(torch::nn::ReLU());
}

// x + drop(attention(LN(x))), then x + drop(mlp(LN(x))).
class BlockImpl : public torch::nn::Module {
 public:
  BlockImpl(std::int64_t dim, std::int64_t heads, std::int64_t mlp, double dropout)
      : heads_(heads) {
    ln1_ = register_module("ln1", torch::nn::LayerNorm(torch::nn::LayerNormOptions({dim})));
    qkv_ = register_module("qkv", torch::nn::Linear(dim, 3 * dim));
    proj_ = register_module("proj", torch::nn::Linear(dim, dim));
    ln2_ = register_module("ln2", torch::nn::LayerNorm(torch::nn::LayerNormOptions({dim})));
    fc1_ = register_module("fc1", torch::nn::Linear(dim, mlp));
    fc2_ = register_module("fc2", torch::nn::Linear(mlp, dim));
    drop_ = register_module("dropout", torch::nn::Dropout(dropout));
  }
  // The block's output; its MLP's GELU output goes to `probe` (when set) as NAME.gelu.
  torch::Tensor forward(torch::Tensor x, ActivationProbe* probe = nullptr,
                        const std::string& name = "") {
    const std::int64_t b = x.size(0), t = x.size(1), d = x.size(2), hd = d / heads_;
    torch::Tensor qkv = qkv_(ln1_(x)).reshape({b, t, 3, heads_, hd}).permute({2, 0, 3, 1, 4});
    torch::Tensor q = qkv[0], k = qkv[1], v = qkv[2];  // b x heads x t x hd
    torch::Tensor att = torch::softmax(q.matmul(k.transpose(-2, -1)) / std::sqrt(double(hd)), -1);
    torch::Tensor y = drop_(att).matmul(v).transpose(1, 2).reshape({b, t, d});
    x = x + drop_(proj_(y));
    const torch::Tensor hidden = torch::gelu(fc1_(ln2_(x)));
    if (probe != nullptr) probe->see(name + ".gelu", hidden, /*units_last=*/true);
    return x + drop_(fc2_(drop_(hidden)));
  }

 private:
  std::int64_t heads_;
  torch::nn::LayerNorm ln1_{nullptr}, ln2_{nullptr};
  torch::nn::Linear qkv_{nullptr}, proj_{nullptr}, fc1_{nullptr}, fc2_{nullptr};
  torch::nn::Dropout drop_{nullptr};
};
TORCH_MODULE(Block);

}  // namespace

VitImpl::VitImpl(const VitOptions& o) {
  if (o.embed_dim % o.heads != 0 || o.embed_dim < 2) {
    throw std::invalid_argument("key 'embed_dim': " + std::to_string(o.embed_dim) +
                                " is not a multiple of heads = " + std::to_string(o.heads));
  }
  if (o.depth < 1) throw std::invalid_argument("key 'depth': vit needs at least 1 block");
  const std::int64_t half = o.embed_dim / 2;
  stem_ = torch::nn::Sequential();
  add_conv_bn_relu(stem_, o.in_channels, half, 2);
  add_conv_bn_relu(stem_, half, half, 2);
  add_conv_bn_relu(stem_, half, o.embed_dim, 1);
  register_module("stem", stem_);
  const std::int64_t tokens = vit_tokens_per_side(o.rows) * vit_tokens_per_side(o.cols);
  cls_ = register_parameter("cls", torch::zeros({1, 1, o.embed_dim}));
  pos_ = register_parameter("pos", torch::randn({1, tokens + 1, o.embed_dim}) * 0.02);
  blocks_ = torch::nn::ModuleList();
  for (std::int64_t i = 0; i < o.depth; ++i) {
    blocks_->push_back(Block(o.embed_dim, o.heads, o.mlp_dim, o.dropout));
  }
  register_module("blocks", blocks_);
  norm_ = register_module("norm", torch::nn::LayerNorm(torch::nn::LayerNormOptions({o.embed_dim})));
  drop_ = register_module("dropout", torch::nn::Dropout(o.dropout));
  head_ = register_module("head", torch::nn::Linear(o.embed_dim, o.classes));
}

torch::Tensor VitImpl::forward(torch::Tensor x) {
  torch::Tensor t =
      forward_probed(stem_, x, probe(), "stem.").flatten(2).transpose(1, 2);  // b x tokens x d
  t = torch::cat({cls_.expand({t.size(0), 1, t.size(2)}), t}, 1) + pos_;
  t = drop_(t);
  for (std::size_t i = 0; i < blocks_->size(); ++i) {
    t = blocks_[i]->as<BlockImpl>()->forward(t, probe(), "block" + std::to_string(i + 1));
  }
  return head_(drop_(norm_(t.select(1, 0))));
}

}  // namespace sweep::worker
