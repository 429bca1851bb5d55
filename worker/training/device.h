// Where a trial trains: the key `device` (auto, cpu, cuda) and `trials_per_gpu`, resolved
// against the GPUs this process sees. Pure logic plus one query of LibTorch's CUDA runtime.
#pragma once

#include <torch/torch.h>

#include <string>

namespace sweep::worker {

// The device for worker number `local_worker` of its node (0-based, the coordinator not
// counted) when it sees `gpus` CUDA devices: "cpu" gives the CPU; "cuda" and "auto" give GPU
// (local_worker / trials_per_gpu) mod gpus, so that trials_per_gpu workers share each GPU;
// "auto" gives the CPU when there is no GPU or when the node's GPUs already have
// trials_per_gpu workers each. Throws DataError for "cuda" without a GPU, and
// std::invalid_argument for another request.
torch::Device pick_device(const std::string& requested, int local_worker, int trials_per_gpu,
                          int gpus);

// The device of `module`'s first parameter (the CPU when it has none).
torch::Device device_of(const torch::nn::Module& module);

}  // namespace sweep::worker
