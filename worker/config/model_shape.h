// A model's size worked out from its settings alone, without LibTorch: the image shape it is
// built for, the checks of its settings against that shape, its multiply-adds and parameter
// count, and the stage arithmetic the resnet and vit builders share with them.
#pragma once

#include <cstdint>
#include <vector>

#include "worker/config/train_config.h"

namespace sweep::worker {

// What a model needs to know of the data.
struct ModelShape {
  std::int64_t channels = 1, rows = 28, cols = 28, classes = 10;
};

// The depth a resnet of `m` has (depth 0 means 18).
std::int64_t resnet_depth(const ModelConfig& m);

// The depth a vit of `m` has (depth 0 means 6).
std::int64_t vit_depth(const ModelConfig& m);

// Stage widths of a resnet of `width`: round(64 x width x 2^s), at least 4.
std::vector<std::int64_t> resnet_widths(double width);

// Blocks per stage for depth 18 or 34; throws std::invalid_argument naming key 'depth'
// otherwise.
std::vector<int> resnet_blocks(std::int64_t depth);

// Tokens per image side after the vit stem: ceil(side / 4).
std::int64_t vit_tokens_per_side(std::int64_t side);

// The checks make_model makes, without building anything: throws std::invalid_argument naming
// the key on settings that cannot work for this shape (conv_blocks too deep for the image,
// resnet depth not 18 or 34, embed_dim not a multiple of heads, an unknown memory format, a
// missing torchscript backbone file: checked for existence only).
void check_model(const ModelConfig& m, const ModelShape& shape);

// Multiply-adds per sample of a forward pass (an estimate for the scheduler's cost model).
// Throws std::invalid_argument as resnet_blocks does.
double model_macs(const ModelConfig& m, const ModelShape& shape);

// Parameters of the model, counted without building it: exact for cnn, within a few percent
// for resnet and vit (their normalization layers' few parameters left out); for torchscript
// the backbone file's bytes / 4 (its float weights) plus the head. Throws as model_macs.
double model_parameters(const ModelConfig& m, const ModelShape& shape);

}  // namespace sweep::worker
