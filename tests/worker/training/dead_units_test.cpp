// Dead units (worker/models/activation_probe.h, worker/training/dead_units.h): the probe on a tiny
// network whose weights make a known set of units never fire, the layers each model reports, and
// that probing changes no output.
#include "worker/training/dead_units.h"

#include <gtest/gtest.h>

#include "../backbone_file.h"
#include "../test_files.h"
#include "worker/models/activation_probe.h"
#include "worker/models/cnn.h"
#include "worker/models/model.h"

namespace sweep::worker {
namespace {

TEST(ActivationProbe, UnitsAreChannelsFeaturesOrTokenFeaturesAndFiringIsRemembered) {
  ActivationProbe p;
  // 2 images x 3 channels x 2 x 2: channel 0 fires in one pixel of one image only, channel 1
  // never (0 is not firing), channel 2 everywhere.
  torch::Tensor conv = torch::zeros({2, 3, 2, 2});
  conv[1][0][1][0] = 0.5;
  conv[0][1].fill_(-1);
  conv.select(1, 2).fill_(2);
  p.see("conv", conv);
  ASSERT_EQ(p.layers().size(), 1u);
  EXPECT_TRUE(torch::equal(p.layers()[0].fired, torch::tensor({true, false, true})));
  // A second batch where channel 1 fires: it is no longer dead.
  torch::Tensor more = torch::zeros({1, 3, 2, 2});
  more[0][1][0][0] = 1e-3;
  p.see("conv", more);
  EXPECT_TRUE(torch::equal(p.layers()[0].fired, torch::tensor({true, true, true})));
  // Tokens: B x T x U with the units last.
  torch::Tensor tokens = torch::full({2, 5, 4}, -0.1);
  tokens[1][4][3] = 0.2;
  p.see("mlp", tokens, /*units_last=*/true);
  const std::vector<ActivationLayer> d = dead_fractions(p.layers());
  ASSERT_EQ(d.size(), 2u);
  EXPECT_EQ(d[0], (ActivationLayer{"conv", 3, 0.0}));
  EXPECT_EQ(d[1], (ActivationLayer{"mlp", 4, 0.75}));
  EXPECT_THROW(p.see("conv", torch::zeros({1, 2, 2, 2})), std::invalid_argument);
}

TEST(ActivationProbe, ATinyCnnWithKnownDeadUnits) {
  CnnOptions o;
  o.rows = o.cols = 8;
  o.filters = 2;
  o.dense_units = 4;
  o.classes = 3;
  o.conv_blocks = 1;
  o.dropout = 0;
  Cnn net(o);
  {
    torch::NoGradGuard no_grad;
    // Every weight 0: a unit's output is its bias, whatever the image. Conv channel 1 and
    // dense units 1 and 3 have negative biases: they never fire.
    for (auto& w : net->parameters()) w.zero_();
    auto params = net->named_parameters();
    params["features.0.bias"].copy_(torch::tensor({0.5, -0.5}));
    params["features.2.bias"].copy_(torch::tensor({0.25, -2.0}));
    params["dense.bias"].copy_(torch::tensor({1.0, -1.0, 0.1, -0.1}));
  }
  torch::manual_seed(3);
  const ImageSet set(torch::randint(0, 256, {50, 1, 8, 8}, torch::kUInt8),
                     torch::zeros({50}, torch::kInt64));
  const torch::Tensor before = net->logits(set.range(0, 50, Normalization{}));
  const std::vector<ActivationLayer> d =
      dead_fractions(probe_activations(*net, set, torch::Tensor(), Normalization{}, 16));
  ASSERT_EQ(d.size(), 3u);
  EXPECT_EQ(d[0], (ActivationLayer{"features.relu1", 2, 0.5}));
  EXPECT_EQ(d[1], (ActivationLayer{"features.relu2", 2, 0.5}));
  EXPECT_EQ(d[2], (ActivationLayer{"dense.relu", 4, 0.5}));
  // The probe is gone afterwards and changed nothing.
  EXPECT_EQ(net->probe(), nullptr);
  EXPECT_TRUE(torch::equal(net->logits(set.range(0, 50, Normalization{})), before));
}

TEST(ActivationProbe, EveryModelReportsItsActivationLayers) {
  const ImageSet set(torch::randint(0, 256, {4, 1, 28, 28}, torch::kUInt8),
                     torch::zeros({4}, torch::kInt64));
  auto layers = [&](ModelConfig m) {
    m.memory_format = "contiguous";
    std::vector<std::string> names;
    for (const auto& l :
         probe_activations(*make_model(m, ModelShape{}), set, torch::Tensor(), Normalization{})) {
      names.push_back(l.name);
    }
    return names;
  };
  ModelConfig cnn;
  EXPECT_EQ(layers(cnn),
            (std::vector<std::string>{"features.relu1", "features.relu2", "features.relu3",
                                      "features.relu4", "dense.relu"}));
  ModelConfig resnet;
  resnet.model = "resnet";
  resnet.width = 0.25;
  const std::vector<std::string> r = layers(resnet);
  ASSERT_EQ(r.size(), 1u + 8 * 2);  // the stem, then 8 blocks of resnet-18 with 2 ReLUs each
  EXPECT_EQ(r.front(), "stem.relu1");
  EXPECT_EQ(r[1], "stage1.block1.relu1");
  EXPECT_EQ(r.back(), "stage4.block2.relu2");
  ModelConfig vit;
  vit.model = "vit";
  vit.depth = 2;
  vit.embed_dim = 16;
  vit.heads = 2;
  vit.mlp_dim = 32;
  EXPECT_EQ(layers(vit), (std::vector<std::string>{"stem.relu1", "stem.relu2", "stem.relu3",
                                                   "block1.gelu", "block2.gelu"}));
  // A TorchScript backbone is opaque: its output features are one layer.
  const std::string backbone = sweep::test::make_temp_dir("probe") + "/backbone.pt";
  sweep::test::write_backbone(backbone);
  ModelConfig ts;
  ts.model = "torchscript";
  ts.backbone = backbone;
  ts.memory_format = "contiguous";
  const ImageSet rgb(torch::randint(0, 256, {4, 3, 16, 16}, torch::kUInt8),
                     torch::zeros({4}, torch::kInt64));
  const std::vector<ActivationProbe::Layer> got = probe_activations(
      *make_model(ts, ModelShape{3, 16, 16, 10}), rgb, torch::Tensor(), Normalization{});
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].name, "backbone");
  EXPECT_EQ(got[0].fired.size(0), 64);  // 16 filters pooled to 2x2
}

}  // namespace
}  // namespace sweep::worker
