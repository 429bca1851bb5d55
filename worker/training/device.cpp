#include "worker/training/device.h"

#include <stdexcept>

#include "core/errors.h"
#include "worker/worker.h"

namespace sweep::worker {

torch::Device pick_device(const std::string& requested, int local_worker, int trials_per_gpu,
                          int gpus) {
  if (requested == "cpu") return torch::kCPU;
  if (requested != "auto" && requested != "cuda") {
    throw std::invalid_argument("device: unknown value '" + requested + "'");
  }
  if (gpus <= 0) {
    if (requested == "auto") return torch::kCPU;
    throw DataError(
        "device = cuda: this rank sees no CUDA device (Debian's LibTorch is built for the CPU "
        "only: build sweep against a CUDA LibTorch, see docs/performance.md; or no GPU is visible: "
        "check "
        "CUDA_VISIBLE_DEVICES)");
  }
  const int slot = std::max(0, local_worker) / std::max(1, trials_per_gpu);
  if (requested == "auto" && slot >= gpus) return torch::kCPU;
  return torch::Device(torch::kCUDA, static_cast<torch::DeviceIndex>(slot % gpus));
}

int visible_gpus() {
  return torch::cuda::is_available() ? static_cast<int>(torch::cuda::device_count()) : 0;
}

torch::Device device_of(const torch::nn::Module& module) {
  for (const auto& p : module.parameters()) return p.device();
  return torch::kCPU;
}

}  // namespace sweep::worker
