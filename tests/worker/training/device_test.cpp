#include "worker/training/device.h"

#include <gtest/gtest.h>

#include <stdexcept>

#include "core/errors.h"
#include "worker/worker.h"

namespace sweep::worker {
namespace {

TEST(Device, CpuWhenAskedOrWhenThereIsNoGpu) {
  EXPECT_EQ(pick_device("cpu", 0, 1, 4), torch::Device(torch::kCPU));
  EXPECT_EQ(pick_device("auto", 3, 1, 0), torch::Device(torch::kCPU));
  EXPECT_THROW(pick_device("cuda", 0, 1, 0), DataError);
  EXPECT_THROW(pick_device("tpu", 0, 1, 4), std::invalid_argument);
}

TEST(Device, WorkersShareGpusInGroupsOfTrialsPerGpu) {
  // 2 GPUs, 2 workers per GPU: workers 0,1 on GPU 0; 2,3 on GPU 1.
  EXPECT_EQ(pick_device("auto", 0, 2, 2), torch::Device(torch::kCUDA, 0));
  EXPECT_EQ(pick_device("auto", 1, 2, 2), torch::Device(torch::kCUDA, 0));
  EXPECT_EQ(pick_device("auto", 2, 2, 2), torch::Device(torch::kCUDA, 1));
  EXPECT_EQ(pick_device("auto", 3, 2, 2), torch::Device(torch::kCUDA, 1));
  // auto: a worker beyond the GPUs' share trains on the CPU; cuda: it shares a GPU anyway.
  EXPECT_EQ(pick_device("auto", 4, 2, 2), torch::Device(torch::kCPU));
  EXPECT_EQ(pick_device("cuda", 4, 2, 2), torch::Device(torch::kCUDA, 0));
  // One GPU per rank (CUDA_VISIBLE_DEVICES set by jobscripts/gpu-bind.sh): always device 0.
  EXPECT_EQ(pick_device("cuda", 5, 1, 1), torch::Device(torch::kCUDA, 0));
}

TEST(Device, DeviceOfIsWhereAModulesParametersAreAndTheCpuWithoutAny) {
  torch::nn::Linear l(2, 3);
  EXPECT_EQ(device_of(*l), torch::Device(torch::kCPU));
  l->to(torch::kFloat64);  // moved, still on the CPU
  EXPECT_EQ(device_of(*l), torch::Device(torch::kCPU));
  torch::nn::Sequential empty;  // no parameters to ask
  EXPECT_EQ(device_of(*empty), torch::Device(torch::kCPU));
}

TEST(Device, AModuleMovedToEachVisibleGpuReportsThatGpu) {
  if (visible_gpus() == 0) {
    GTEST_SKIP() << "no GPU visible to this LibTorch (Debian's libtorch is CPU-only): nothing to "
                    "move a module to";
  }
  for (int i = 0; i < visible_gpus(); ++i) {
    torch::nn::Linear l(2, 3);
    l->to(torch::Device(torch::kCUDA, static_cast<c10::DeviceIndex>(i)));
    EXPECT_EQ(device_of(*l), torch::Device(torch::kCUDA, static_cast<c10::DeviceIndex>(i)));
  }
}

}  // namespace
}  // namespace sweep::worker
