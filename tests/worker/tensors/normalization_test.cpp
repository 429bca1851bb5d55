#include "worker/tensors/normalization.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <stdexcept>

#include "../backbone_file.h"
#include "core/trial.h"
#include "sweep/grid/grid.h"
#include "worker/models/torchscript_net.h"
#include "worker/training/checkpoint.h"
#include "worker/training/training_state.h"

namespace sweep::worker {
namespace {

torch::Tensor random_bytes(std::vector<std::int64_t> shape, std::uint64_t seed) {
  torch::manual_seed(seed);
  return torch::randint(0, 256, shape, torch::kUInt8);
}

TEST(ChannelStats, OneValuePerChannelOfTheWholeSet) {
  // Channel 0 all 255, channel 1 half 0 and half 255, channel 2 all 51.
  torch::Tensor b = torch::zeros({2, 3, 4, 4}, torch::kUInt8);
  b.select(1, 0).fill_(255);
  b[1][1].fill_(255);
  b.select(1, 2).fill_(51);
  ChannelStats stats;
  stats.add(b.narrow(0, 0, 1));  // in two blocks, as a streamed set is read
  stats.add(b.narrow(0, 1, 1));
  const Normalization n = stats.result();
  ASSERT_EQ(n.mean.size(), 3u);
  EXPECT_DOUBLE_EQ(n.mean[0], 1.0);
  EXPECT_DOUBLE_EQ(n.mean[1], 0.5);
  EXPECT_NEAR(n.mean[2], 0.2, 1e-12);
  EXPECT_NEAR(n.stddev[0], 1e-6, 1e-9);  // a constant channel: the floor, not 0
  EXPECT_NEAR(n.stddev[1], 0.5, 1e-12);
  EXPECT_NEAR(n.stddev[2], 1e-6, 1e-6);
  EXPECT_THROW(stats.add(torch::zeros({1, 1, 4, 4}, torch::kUInt8)), std::invalid_argument);
  EXPECT_EQ(ChannelStats().result().mean, std::vector<double>{0.0});
}

TEST(ChannelStats, GrayscaleKeepsTheOneMeanOfAllPixels) {
  const torch::Tensor b = random_bytes({7, 1, 9, 9}, 3);
  ChannelStats stats;
  stats.add(b);
  const Normalization n = stats.result();
  // The sums of sweep 0.x's single-value statistics, in the same order: bit-identical.
  double sum = 0, sq = 0;
  const std::uint8_t* p = b.data_ptr<std::uint8_t>();
  for (std::int64_t i = 0; i < b.numel(); ++i)
    sum += p[i] / 255.0, sq += (p[i] / 255.0) * (p[i] / 255.0);
  const double mean = sum / b.numel();
  ASSERT_EQ(n.mean.size(), 1u);
  EXPECT_EQ(n.mean[0], mean);
  EXPECT_EQ(n.stddev[0], std::sqrt(sq / b.numel() - mean * mean));
}

TEST(Normalize, OneValueIsTheScalarFormulaAndSeveralArePerChannel) {
  const torch::Tensor gray = random_bytes({4, 1, 5, 5}, 4);
  const Normalization one{{0.3}, {0.2}};
  EXPECT_TRUE(torch::equal(normalize_bytes(gray, one),
                           gray.to(torch::kFloat32).div_(255.0).sub_(0.3).div_(0.2)));
  const torch::Tensor rgb = random_bytes({4, 3, 5, 5}, 5);
  const Normalization three{{0.1, 0.5, 0.9}, {0.2, 0.4, 0.8}};
  const torch::Tensor x = normalize_bytes(rgb, three);
  for (int c = 0; c < 3; ++c) {
    const torch::Tensor want =
        (rgb.select(1, c).to(torch::kFloat32) / 255 - three.mean[c]) / three.stddev[c];
    EXPECT_TRUE(torch::allclose(x.select(1, c), want, 1e-5, 1e-6)) << c;
  }
  EXPECT_TRUE(torch::allclose(to_unit_scale(x, three), rgb.to(torch::kFloat32) / 255, 1e-5, 1e-6));
  EXPECT_TRUE(torch::allclose(from_unit_scale(to_unit_scale(x, three), three), x, 1e-5, 1e-5));
}

TEST(Normalize, TheKeysChooseAndCountsMustFit) {
  const Normalization data{{0.4, 0.5, 0.6}, {0.1, 0.2, 0.3}};
  NormalizeConfig c;
  EXPECT_EQ(choose_normalization(c, data, 3).mean, data.mean);
  c.kind = "imagenet";
  EXPECT_EQ(choose_normalization(c, data, 3).stddev, (std::vector<double>{0.229, 0.224, 0.225}));
  try {
    choose_normalization(c, Normalization{}, 1);
    FAIL() << "imagenet accepted for grayscale images";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("key 'normalize'"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("1 channel"), std::string::npos) << e.what();
  }
  c.kind = "none";
  EXPECT_EQ(choose_normalization(c, data, 3).mean, std::vector<double>{0.0});
  EXPECT_EQ(choose_normalization(c, data, 3).stddev, std::vector<double>{1.0});
  c.kind = "custom";
  c.mean = {0.5};
  c.stddev = {0.25};
  EXPECT_EQ(choose_normalization(c, data, 3).mean, std::vector<double>{0.5});  // one for all
  c.mean = {0.5, 0.5};
  c.stddev = {0.25, 0.25};
  EXPECT_THROW(choose_normalization(c, data, 3), std::invalid_argument);
  c.mean = {0.5, 0.5, 0.5};
  EXPECT_THROW(choose_normalization(c, data, 3), std::invalid_argument);  // 3 means, 2 stds
}

class CheckpointNormalization : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ =
        std::filesystem::temp_directory_path() / ("sweep_norm_test_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::filesystem::path dir_;
};

TEST_F(CheckpointNormalization, PerChannelValuesRoundTripAndFormatOneIsRead) {
  const TrialSpec spec =
      expand(parse_grid_text("filters = 2\nconv_blocks = 1\ndense_units = 4\n", "t.ini")).front();
  const ModelShape shape{3, 8, 8, 2};
  const TrainConfig c = train_config_of(spec);
  Classifier model = make_model(c.net, shape);
  torch::optim::SGD opt(model->parameters(), 0.1);
  CheckpointInfo info;
  info.trial_id = spec.trial_id;
  info.params = spec.params;
  info.norm = {{0.485, 0.456, 0.406}, {0.229, 0.224, 0.225}};
  info.shape = shape;
  const std::string path = (dir_ / "c.pt").string();
  write_checkpoint(path, info, snapshot_of(*model, opt, 1));
  const LoadedCheckpoint back = load_checkpoint(path);
  EXPECT_EQ(back.info.norm.mean, info.norm.mean);
  EXPECT_EQ(back.info.norm.stddev, info.norm.stddev);
  // A checkpoint of format 1 (one mean and std in "numbers") still loads.
  torch::serialize::InputArchive in;
  in.load_from(path);
  torch::serialize::OutputArchive old;
  for (const char* k : {"trial_id", "params", "shape", "snapshot"}) {
    torch::Tensor t;
    in.read(k, t);
    old.write(k, t);
  }
  old.write("format", torch::tensor(std::int64_t{1}));
  old.write("numbers", torch::tensor({1.0, 0.5, 0.25, 0.125}, torch::kFloat64));
  const std::string v1 = (dir_ / "v1.pt").string();
  old.save_to(v1);
  const LoadedCheckpoint one = load_checkpoint(v1);
  EXPECT_EQ(one.info.norm.mean, std::vector<double>{0.25});
  EXPECT_EQ(one.info.norm.stddev, std::vector<double>{0.125});
}

TEST_F(CheckpointNormalization, ABackboneOfAnotherInputSizeIsNamedBeforeTraining) {
  const std::string conv = (dir_ / "conv.pt").string();
  test::write_backbone(conv);  // 3 channels in, any size
  EXPECT_NO_THROW(check_backbone_input(conv, 3, 12, 12));
  EXPECT_NO_THROW(check_backbone_input(conv, 1, 12, 12));  // repeated to 3 channels
  try {
    check_backbone_input(conv, 2, 12, 12);
    FAIL() << "2 channels accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("convolution over 3 channels"), std::string::npos)
        << e.what();
  }
  torch::jit::Module m("Linear");
  m.register_parameter("weight", torch::zeros({4, 3 * 7 * 7}), false);
  m.define(R"(
    def forward(self, x):
        return torch.matmul(x.flatten(1), self.weight.t())
  )");
  const std::string linear = (dir_ / "linear.pt").string();
  m.save(linear);
  EXPECT_NO_THROW(check_backbone_input(linear, 3, 7, 7));
  try {
    check_backbone_input(linear, 3, 12, 12);
    FAIL() << "12x12 accepted";
  } catch (const std::invalid_argument& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find(linear), std::string::npos) << what;
    EXPECT_NE(what.find("3x12x12"), std::string::npos) << what;
    EXPECT_NE(what.find("expects 3x7x7 images"), std::string::npos) << what;
    EXPECT_EQ(what.find("Exception raised from"), std::string::npos) << what;  // no stack
  }
  EXPECT_THROW(check_backbone_input((dir_ / "none.pt").string(), 3, 7, 7), std::invalid_argument);
}

}  // namespace
}  // namespace sweep::worker
