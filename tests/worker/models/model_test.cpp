#include "worker/models/model.h"

#include <gtest/gtest.h>

#include "../backbone_file.h"
#include "../test_files.h"
#include "core/errors.h"
#include "worker/training/optimizer.h"

namespace sweep::worker {
namespace {

std::int64_t count_parameters(ClassifierImpl& m) {
  std::int64_t n = 0;
  for (const auto& p : m.parameters()) n += p.numel();
  return n;
}

ModelConfig config(const std::string& model) {
  ModelConfig m;
  m.model = model;
  return m;
}

TEST(Models, ResNetMatchesTheKnownCifarParameterCounts) {
  // The CIFAR-style ResNet-18/34 (3x3 stem, 10 classes) have 11,173,962 and 21,282,122
  // parameters, as counted by the widely used PyTorch CIFAR implementations.
  ModelConfig m = config("resnet");
  Classifier r18 = make_model(m, {3, 32, 32, 10});
  EXPECT_EQ(count_parameters(*r18), 11173962);
  m.depth = 34;
  Classifier r34 = make_model(m, {3, 32, 32, 10});
  EXPECT_EQ(count_parameters(*r34), 21282122);
  m.depth = 50;
  EXPECT_THROW(make_model(m, {3, 32, 32, 10}), std::invalid_argument);
}

TEST(Models, EveryModelGivesLogitsForSmallAndLargeImages) {
  torch::manual_seed(0);
  ModelConfig cnn = config("cnn");
  cnn.filters = 4;
  cnn.dense_units = 8;
  cnn.conv_blocks = 3;
  cnn.batch_norm = true;
  ModelConfig resnet = config("resnet");
  resnet.width = 0.0625;
  ModelConfig vit = config("vit");
  vit.embed_dim = 16;
  vit.heads = 2;
  vit.mlp_dim = 16;
  vit.depth = 2;
  for (const ModelConfig& m : {cnn, resnet, vit}) {
    for (const ModelShape& s : {ModelShape{1, 28, 28, 10}, ModelShape{3, 96, 80, 5}}) {
      Classifier net = make_model(m, s);
      torch::Tensor y = net->forward(torch::randn({2, s.channels, s.rows, s.cols}));
      EXPECT_EQ(y.sizes(), (std::vector<std::int64_t>{2, s.classes})) << m.model;
      EXPECT_GT(model_macs(m, s), 0) << m.model;
    }
  }
}

TEST(Models, ParameterCountWithoutBuildingMatchesTheBuiltModel) {
  ModelConfig cnn = config("cnn");
  cnn.filters = 6;
  cnn.dense_units = 20;
  ModelConfig cnn_bn = cnn;
  cnn_bn.batch_norm = true;
  cnn_bn.conv_blocks = 3;
  ModelConfig resnet = config("resnet");
  resnet.width = 0.125;
  ModelConfig resnet34 = resnet;
  resnet34.depth = 34;
  ModelConfig vit = config("vit");
  vit.embed_dim = 32;
  vit.heads = 4;
  vit.mlp_dim = 64;
  vit.depth = 3;
  for (const ModelConfig& m : {cnn, cnn_bn, resnet, resnet34, vit}) {
    for (const ModelShape& s : {ModelShape{1, 28, 28, 10}, ModelShape{3, 96, 80, 5}}) {
      const double built = static_cast<double>(count_parameters(*make_model(m, s)));
      const double counted = model_parameters(m, s);
      if (m.model == "cnn") {
        EXPECT_EQ(counted, built) << m.model << " " << s.rows;
      } else {
        EXPECT_NEAR(counted / built, 1.0, 0.05) << m.model << " " << s.rows;  // norms left out
      }
    }
  }
  // The trial: filters 4096 and dense_units 1048576 on 28 x 28: 210 billion weights.
  ModelConfig huge = config("cnn");
  huge.filters = 4096;
  huge.dense_units = 1048576;
  EXPECT_GT(model_parameters(huge, {1, 28, 28, 10}), 2e11);
}

TEST(Models, BadSettingsNameTheirKey) {
  ModelConfig cnn = config("cnn");
  cnn.conv_blocks = 5;  // 28 -> 14 -> 7 -> 3 -> 1 -> 0
  try {
    check_model(cnn, {1, 28, 28, 10});
    FAIL() << "no error";
  } catch (const std::invalid_argument& e) {
    EXPECT_EQ(std::string(e.what()), "key 'conv_blocks': 5 blocks halve a 28x28 image to nothing");
  }
  cnn.conv_blocks = 4;
  EXPECT_NO_THROW(check_model(cnn, {1, 28, 28, 10}));
  ModelConfig vit = config("vit");
  vit.embed_dim = 30;
  vit.heads = 4;
  EXPECT_THROW(check_model(vit, {1, 28, 28, 10}), std::invalid_argument);
  ModelConfig ts = config("torchscript");
  ts.backbone = "/nonexistent/backbone.pt";
  EXPECT_THROW(check_model(ts, {1, 28, 28, 10}), std::invalid_argument);
}

TEST(Models, VitTokensComeFromTheStem) {
  ModelConfig vit = config("vit");
  vit.embed_dim = 8;
  vit.heads = 2;
  vit.depth = 1;
  Classifier net = make_model(vit, {1, 28, 28, 10});
  for (const auto& p : net->named_parameters()) {
    if (p.key() == "pos") {
      EXPECT_EQ(p.value().sizes(), (std::vector<std::int64_t>{1, 50, 8}));
    }
    if (p.key() == "cls") {
      EXPECT_EQ(p.value().sizes(), (std::vector<std::int64_t>{1, 1, 8}));
    }
  }
}

TEST(Models, TorchScriptBackboneWithNewHeadFrozenOrNot) {
  const std::string dir = test::make_temp_dir("backbone");
  ModelConfig m = config("torchscript");
  m.backbone = dir + "/backbone.pt";
  test::write_backbone(m.backbone);
  m.head_dropout = 0.2;
  // Grayscale images are repeated to the 3 channels the backbone takes.
  for (bool frozen : {true, false}) {
    m.freeze_backbone = frozen;
    torch::manual_seed(2);
    Classifier net = make_model(m, {1, 12, 12, 4});
    const std::int64_t head = 64 * 4 + 4;
    EXPECT_EQ(count_parameters(*net), 16 * 27 + 32 + head);
    std::int64_t trainable = 0;
    for (const auto& p : net->trainable_parameters()) trainable += p.numel();
    EXPECT_EQ(trainable, frozen ? head : count_parameters(*net));
    TrainConfig c;
    auto opt = make_optimizer(c, net->trainable_parameters(), 0.1);
    torch::Tensor before;
    for (const auto& p : net->named_parameters()) {
      if (p.key() == "backbone_weight") before = p.value().clone();
    }
    torch::Tensor before_mean;
    for (const auto& b : net->named_buffers()) {
      if (b.key() == "backbone_running_mean") before_mean = b.value().clone();
    }
    net->train();
    torch::Tensor x = torch::randn({8, 1, 12, 12});
    torch::Tensor loss = torch::nn::functional::cross_entropy(
        net->forward(x), torch::tensor({0, 1, 2, 3, 0, 1, 2, 3}));
    loss.backward();
    opt->step();
    for (const auto& p : net->named_parameters()) {
      if (p.key() != "backbone_weight") continue;
      EXPECT_EQ(torch::equal(p.value(), before), frozen) << "frozen " << frozen;
    }
    // A frozen backbone's batch norm stays in eval mode: its running statistics do not move.
    for (const auto& b : net->named_buffers()) {
      if (b.key() != "backbone_running_mean") continue;
      EXPECT_EQ(torch::equal(b.value(), before_mean), frozen) << "frozen " << frozen;
    }
    EXPECT_EQ(net->forward(x).sizes(), (std::vector<std::int64_t>{8, 4}));
  }
  m.backbone = dir + "/not-a-model.pt";
  test::write_file(m.backbone, {1, 2, 3}, false);
  EXPECT_THROW(make_model(m, {1, 12, 12, 4}), DataError);
}

}  // namespace
}  // namespace sweep::worker
