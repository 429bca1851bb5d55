#include "worker/models/memory_format.h"

#include <gtest/gtest.h>

#include "worker/models/model.h"
#include "worker/training/optimizer.h"

namespace sweep::worker {
namespace {

ModelConfig config(const std::string& model, const std::string& format) {
  ModelConfig m;
  m.model = model;
  m.memory_format = format;
  if (model == "resnet") m.width = 0.25;  // the narrowest that channels-last can train
  if (model == "vit") {
    m.embed_dim = 16;
    m.heads = 2;
    m.mlp_dim = 16;
    m.depth = 1;
  }
  return m;
}

TEST(MemoryFormat, ExplicitSettingsWinAndUnknownOnesNameTheKey) {
  for (const char* model : {"cnn", "resnet", "vit", "torchscript"}) {
    EXPECT_TRUE(channels_last_for(config(model, "channels_last"))) << model;
    EXPECT_FALSE(channels_last_for(config(model, "contiguous"))) << model;
  }
  try {
    channels_last_for(config("cnn", "nhwc"));
    FAIL() << "no exception";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("memory_format"), std::string::npos) << e.what();
  }
}

TEST(MemoryFormat, ANarrowResnetStaysContiguousAndRefusesChannelsLast) {
  // LibTorch 1.13's oneDNN corrupts memory in its 1x1 stride-2 shortcuts over < 16 channels.
  ModelConfig narrow = config("resnet", "auto");
  narrow.width = 0.125;  // a first stage of 8 channels
  EXPECT_FALSE(channels_last_for(narrow));
  narrow.memory_format = "channels_last";
  try {
    check_model(narrow, {3, 48, 48, 5});
    FAIL() << "no exception";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("key 'memory_format': channels_last with resnet width "
                                         "0.125 (a first stage of 8 channels)"),
              std::string::npos)
        << e.what();
  }
}

TEST(MemoryFormat, AutoFollowsTheReadmeRule) {
  // The rule of the CPU speed table in docs/benchmarks.md: channels-last where it measured faster.
  EXPECT_TRUE(channels_last_for(config("cnn", "auto")));
  EXPECT_TRUE(channels_last_for(config("resnet", "auto")));
  EXPECT_FALSE(channels_last_for(config("vit", "auto")));
  EXPECT_FALSE(channels_last_for(config("torchscript", "auto")));
  EXPECT_FALSE(channels_last_for(config("noop", "auto")));
}

TEST(MemoryFormat, AChannelsLastModelHoldsAndComputesTheSameFunction) {
  for (const char* model : {"cnn", "resnet", "vit"}) {
    torch::manual_seed(3);
    Classifier a = make_model(config(model, "contiguous"), {3, 16, 16, 4});
    torch::manual_seed(3);
    Classifier b = make_model(config(model, "channels_last"), {3, 16, 16, 4});
    EXPECT_FALSE(a->channels_last());
    EXPECT_TRUE(b->channels_last());
    const auto pa = a->parameters(), pb = b->parameters();
    ASSERT_EQ(pa.size(), pb.size());
    int four_d = 0;
    for (std::size_t i = 0; i < pa.size(); ++i) {
      EXPECT_TRUE(torch::equal(pa[i], pb[i])) << model << " parameter " << i;
      if (pb[i].dim() != 4) continue;
      ++four_d;
      EXPECT_TRUE(pb[i].is_contiguous(at::MemoryFormat::ChannelsLast)) << model;
      // A real change of layout (a 1x1 kernel's is the same in both).
      if (pb[i].size(2) > 1) {
        EXPECT_FALSE(pb[i].is_contiguous()) << model;
      }
    }
    EXPECT_GT(four_d, 0) << model;
    a->eval();
    b->eval();
    const torch::Tensor x = torch::randn({5, 3, 16, 16});
    const torch::Tensor y = torch::tensor({0, 1, 2, 3, 0}, torch::kInt64);
    const torch::Tensor la = a->logits(x), lb = b->logits(x);
    EXPECT_TRUE(torch::allclose(la, lb, 1e-4, 1e-5)) << model;
    torch::nn::functional::cross_entropy(la, y).backward();
    torch::nn::functional::cross_entropy(lb, y).backward();
    for (std::size_t i = 0; i < pa.size(); ++i) {  // the same gradients, in each one's layout
      EXPECT_TRUE(torch::allclose(pa[i].grad(), pb[i].grad(), 1e-3, 1e-5))
          << model << " gradient " << i;
      if (pb[i].dim() == 4) {
        EXPECT_TRUE(pb[i].grad().is_contiguous(at::MemoryFormat::ChannelsLast));
      }
    }
  }
}

TEST(MemoryFormat, ClearedGradientsGiveTheSameStepsAsZeroedOnes) {
  torch::manual_seed(5);
  Classifier a = make_model(config("cnn", "contiguous"), {1, 8, 8, 3});
  torch::manual_seed(5);
  Classifier b = make_model(config("cnn", "contiguous"), {1, 8, 8, 3});
  TrainConfig c;
  auto oa = make_optimizer(c, a->parameters(), 0.01);
  auto ob = make_optimizer(c, b->parameters(), 0.01);
  a->eval();  // no dropout: both see the same function
  b->eval();
  for (int step = 0; step < 3; ++step) {
    const torch::Tensor x = torch::randn({4, 1, 8, 8});
    const torch::Tensor y = torch::tensor({0, 1, 2, 1}, torch::kInt64);
    oa->zero_grad();
    clear_gradients(*ob);
    for (const auto& p : b->parameters()) EXPECT_FALSE(p.grad().defined());
    torch::nn::functional::cross_entropy(a->logits(x), y).backward();
    torch::nn::functional::cross_entropy(b->logits(x), y).backward();
    oa->step();
    ob->step();
  }
  const auto pa = a->parameters(), pb = b->parameters();
  for (std::size_t i = 0; i < pa.size(); ++i) {
    EXPECT_TRUE(torch::equal(pa[i], pb[i])) << "parameter " << i;
  }
}

}  // namespace
}  // namespace sweep::worker
