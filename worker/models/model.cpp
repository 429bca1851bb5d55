#include "worker/models/model.h"

#include <filesystem>
#include <stdexcept>

#include "core/errors.h"
#include "worker/models/cnn.h"
#include "worker/models/memory_format.h"
#include "worker/models/resnet.h"
#include "worker/models/torchscript_net.h"
#include "worker/models/vit.h"

namespace sweep::worker {
namespace {

// Options `O` of a model with the image shape and class count of `s` filled in.
template <typename O>
O shaped(const ModelShape& s) {
  O o;
  o.in_channels = s.channels;
  o.rows = s.rows;
  o.cols = s.cols;
  o.classes = s.classes;
  return o;
}

// The model `m.model` names, built in the default (contiguous) memory format.
Classifier build_model(const ModelConfig& m, const ModelShape& s) {
  if (m.model == "cnn") {
    auto o = shaped<CnnOptions>(s);
    o.filters = m.filters;
    o.conv_blocks = m.conv_blocks;
    o.batch_norm = m.batch_norm;
    o.dense_units = m.dense_units;
    o.dropout = m.dropout;
    return Cnn(o).ptr();
  }
  if (m.model == "resnet") {
    auto o = shaped<ResNetOptions>(s);
    o.depth = resnet_depth(m);
    o.width = m.width;
    o.dropout = m.dropout;
    return ResNet(o).ptr();
  }
  if (m.model == "vit") {
    auto o = shaped<VitOptions>(s);
    o.depth = vit_depth(m);
    o.embed_dim = m.embed_dim;
    o.heads = m.heads;
    o.mlp_dim = m.mlp_dim;
    o.dropout = m.dropout;
    return Vit(o).ptr();
  }
  if (m.model == "torchscript") {
    auto o = shaped<TorchScriptOptions>(s);
    o.backbone = m.backbone;
    o.freeze_backbone = m.freeze_backbone;
    o.head_dropout = m.head_dropout;
    return TorchScriptNet(o).ptr();
  }
  throw std::invalid_argument("key 'model': unknown model '" + m.model + "'");
}

}  // namespace

Classifier make_model(const ModelConfig& m, const ModelShape& s) {
  check_model(m, s);
  const bool channels_last = channels_last_for(m);
  Classifier model = build_model(m, s);
  if (channels_last) to_channels_last(*model);
  model->set_channels_last(channels_last);
  return model;
}

}  // namespace sweep::worker
