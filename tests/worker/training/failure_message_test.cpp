#include "worker/training/failure_message.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <stdexcept>

namespace sweep::worker {
namespace {

TEST(FailureMessage, StackFramesAndBlankLinesGoTheRestIsJoined) {
  const std::string text =
      "DefaultCPUAllocator: not enough memory: you tried to allocate 1683627180032 bytes.\n"
      "Exception raised from malloc at ../c10/core/impl/alloc_cpu.cpp:72 (most recent call "
      "first):\n"
      "frame #0: <unknown function> + 0x8a5e2 (0x7f in /lib/libc10.so)\n"
      "frame #1: c10::alloc_cpu(unsigned long) + 0x12a (0x7f in /lib/libc10.so)\n"
      "\n"
      "  second line of the cause  \n";
  EXPECT_EQ(shorten_failure_text(text),
            "DefaultCPUAllocator: not enough memory: you tried to allocate 1683627180032 "
            "bytes.; second line of the cause");
  EXPECT_EQ(shorten_failure_text(std::string(50, 'x'), 10), "xxxxxxx...");
  EXPECT_EQ(failure_message(std::runtime_error("plain")), "plain");
}

TEST(FailureMessage, LibTorchErrorsLoseTheirBacktrace) {
  try {
    torch::ones({2}).view({3});
    FAIL() << "view did not throw";
  } catch (const std::exception& e) {
    const std::string m = failure_message(e);
    EXPECT_EQ(m.find("frame #"), std::string::npos) << m;
    EXPECT_NE(m.find("shape '[3]' is invalid for input of size 2"), std::string::npos) << m;
    EXPECT_LE(m.size(), 400u);
  }
}

}  // namespace
}  // namespace sweep::worker
