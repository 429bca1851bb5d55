// Benchmark helper: one training epoch of a trial, exactly as a worker runs it
// (TrialTraining::train_epoch: batch gathering, normalization, augmentation, forward, loss,
// backward, optimizer step), under LibTorch's profiler, for tests/bench/epoch_profile.sh.
//   sweep_epoch_profile TRACE.json THREADS [KEY=VALUE ...]
// writes the profiler's Chrome trace of the epoch (after one untimed warm-up epoch) to
// TRACE.json (- : no profile, the epoch timed only) and prints "epoch_seconds S samples N".
#include <torch/csrc/autograd/profiler_legacy.h>
#include <torch/torch.h>

#include <chrono>
#include <cstdio>
#include <string>

#include "core/keys.h"
#include "worker/tensors/dataset.h"
#include "worker/training/trial_training.h"
#include "worker/worker.h"

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: sweep_epoch_profile TRACE.json THREADS [KEY=VALUE ...]\n");
    return 2;
  }
  sweep::worker::configure_runtime(std::stoi(argv[2]));
  sweep::TrialSpec spec;
  for (const auto& k : sweep::known_keys()) spec.params.emplace_back(k.name, k.default_value);
  for (int i = 3; i < argc; ++i) {
    const std::string kv = argv[i];
    const auto eq = kv.find('=');
    bool known = false;
    for (auto& p : spec.params) {
      if (eq != std::string::npos && p.first == kv.substr(0, eq)) {
        p.second = kv.substr(eq + 1);
        known = true;
      }
    }
    if (!known) {
      std::fprintf(stderr, "sweep_epoch_profile: unknown KEY=VALUE '%s'\n", kv.c_str());
      return 2;
    }
  }
  sweep::worker::DataCache cache;
  const sweep::worker::LoadedData& data = cache.get(spec);
  sweep::worker::TrialTraining t(spec, data, torch::kCPU, nullptr);
  t.train_epoch(t.order(1), 1, {});  // warm-up: oneDNN primitives, allocator
  const torch::Tensor order = t.order(2);
  const auto t0 = std::chrono::steady_clock::now();
  if (std::string(argv[1]) == "-") {  // timed only, for comparing the profiler's own cost
    t.train_epoch(order, 2, {});
  } else {
    torch::autograd::profiler::RecordProfile profile(argv[1]);
    t.train_epoch(order, 2, {});
  }
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("epoch_seconds %.3f samples %lld\n", s, static_cast<long long>(order.size(0)));
  return 0;
}
