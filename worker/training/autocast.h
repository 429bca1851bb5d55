// Turning bfloat16 autocast on for a scope (precision = bf16), on the CPU or CUDA.
#pragma once

#include <ATen/autocast_mode.h>
#include <torch/torch.h>

namespace sweep::worker {

// Turns on bfloat16 autocast on `device` for its lifetime when `on`; restores the previous
// state and clears the autocast cache when it ends.
class Autocast {
 public:
  Autocast(bool on, torch::Device device) : on_(on), cuda_(device.is_cuda()) {
    if (!on_) return;
    if (cuda_) {
      was_ = at::autocast::is_enabled();
      at::autocast::set_enabled(true);
      at::autocast::set_autocast_gpu_dtype(at::kBFloat16);
    } else {
      was_ = at::autocast::is_cpu_enabled();
      at::autocast::set_cpu_enabled(true);
      at::autocast::set_autocast_cpu_dtype(at::kBFloat16);
    }
  }
  ~Autocast() {
    if (!on_) return;
    if (cuda_) {
      at::autocast::set_enabled(was_);
    } else {
      at::autocast::set_cpu_enabled(was_);
    }
    at::autocast::clear_cache();
  }
  Autocast(const Autocast&) = delete;
  Autocast& operator=(const Autocast&) = delete;

 private:
  bool on_, cuda_, was_ = false;
};

}  // namespace sweep::worker
