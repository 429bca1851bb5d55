// Benchmark helper: the machine's GEMM roof as LibTorch reaches it, and the training FLOPs of a
// trial's model, for tests/bench/layout.sh.
//   sweep_roof THREADS [KEY=VALUE ...]
// prints "gemm_gflops G" (the best of 20 timed 1024x1024 float matmuls at THREADS intra-op
// threads) and "train_flops_per_sample F" (6 x the multiply-accumulates of one forward pass
// of the model the keys describe on a 1x28x28 image: forward 2 FLOPs per MAC, backward
// twice that).
#include <torch/torch.h>

#include <chrono>
#include <cstdio>
#include <string>

#include "core/keys.h"
#include "worker/config/trial_settings.h"

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: sweep_roof THREADS [KEY=VALUE ...]\n");
    return 2;
  }
  torch::set_num_threads(std::stoi(argv[1]));
  const std::int64_t n = 1024;
  torch::Tensor a = torch::randn({n, n}), b = torch::randn({n, n});
  double best = 0;
  for (int rep = 0; rep < 21; ++rep) {
    const auto t0 = std::chrono::steady_clock::now();
    torch::Tensor c = torch::mm(a, b);
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (rep > 0) best = std::max(best, 2.0 * n * n * n / s / 1e9);  // the first warms up
  }
  sweep::TrialSpec spec;
  for (const auto& k : sweep::known_keys()) spec.params.emplace_back(k.name, k.default_value);
  for (int i = 2; i < argc; ++i) {
    const std::string kv = argv[i];
    const auto eq = kv.find('=');
    for (auto& p : spec.params) {
      if (eq != std::string::npos && p.first == kv.substr(0, eq)) p.second = kv.substr(eq + 1);
    }
  }
  sweep::worker::DataInfo info;
  info.channels = 1;
  info.rows = info.cols = 28;
  std::printf("gemm_gflops %.2f\ntrain_flops_per_sample %.0f\n", best,
              6 * sweep::worker::model_macs_per_sample(spec, info));
  return 0;
}
