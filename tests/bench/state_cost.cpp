// Benchmark helper: what a trial's saved state costs, for tests/bench/state_cost.sh.
//   sweep_state_cost DIR C H W BATCH [KEY=VALUE ...]
// builds the model the keys describe for images of C x H x W, trains BATCH-image steps with its
// optimizer (Adam by default) on random images, then writes its state as a trial does (weights,
// optimizer, the best epoch's copy, counters, rows) to DIR/cost.state, and prints
// "state_bytes B", "save_seconds S" (the median of 5 writes, fsync included) and
// "step_seconds T" (the median of 5 timed training steps after one warm-up).
#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "core/keys.h"
#include "worker/config/train_config.h"
#include "worker/models/model.h"
#include "worker/training/optimizer.h"
#include "worker/training/training_state.h"

namespace {

using Clock = std::chrono::steady_clock;

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 6) {
    std::fprintf(stderr, "usage: sweep_state_cost DIR C H W BATCH [KEY=VALUE ...]\n");
    return 2;
  }
  torch::set_num_threads(1);
  const std::string dir = argv[1];
  const std::int64_t c = std::stoll(argv[2]), h = std::stoll(argv[3]), w = std::stoll(argv[4]);
  const std::int64_t batch = std::stoll(argv[5]);
  sweep::TrialSpec spec;
  for (const auto& k : sweep::known_keys()) spec.params.emplace_back(k.name, k.default_value);
  for (int i = 6; i < argc; ++i) {
    const std::string kv = argv[i];
    const auto eq = kv.find('=');
    for (auto& p : spec.params) {
      if (eq != std::string::npos && p.first == kv.substr(0, eq)) p.second = kv.substr(eq + 1);
    }
  }
  const sweep::worker::TrainConfig cfg = sweep::worker::train_config_of(spec);
  torch::manual_seed(1);
  sweep::worker::Classifier model = sweep::worker::make_model(cfg.net, {c, h, w, 10});
  auto opt = sweep::worker::make_optimizer(cfg, model->trainable_parameters(), 1e-3);
  model->train();
  const torch::Tensor x = torch::rand({batch, c, h, w});
  const torch::Tensor y = torch::randint(0, 10, {batch}, torch::kInt64);
  std::vector<double> steps;
  for (int i = 0; i < 6; ++i) {
    const auto t0 = Clock::now();
    opt->zero_grad();
    torch::nn::functional::cross_entropy(model->logits(x), y).backward();
    opt->step();
    if (i > 0) steps.push_back(std::chrono::duration<double>(Clock::now() - t0).count());
  }
  sweep::worker::TrainingState s;
  s.trial_id = 1;
  s.epoch = 1;
  s.best = {1, 0.5, sweep::worker::snapshot_of(*model, *opt, 1)};
  s.epochs.resize(1);
  s.epochs[0].epoch = 1;
  std::vector<double> saves;
  std::size_t bytes = 0;
  for (int i = 0; i < 5; ++i) {
    const auto t0 = Clock::now();
    bytes = sweep::worker::save_state(dir + "/cost.state", *model, *opt, s);
    saves.push_back(std::chrono::duration<double>(Clock::now() - t0).count());
  }
  std::remove((dir + "/cost.state").c_str());
  std::printf("state_bytes %zu\nsave_seconds %.4f\nstep_seconds %.4f\n", bytes, median(saves),
              median(steps));
  return 0;
}
