#include "sweep/data/memory_share.h"

#include <gtest/gtest.h>

#include <stdexcept>

namespace sweep {
namespace {

TEST(MemoryShare, ReadsMemAvailableInBytes) {
  const std::string meminfo =
      "MemTotal:       24563628 kB\nMemFree:         1000000 kB\nMemAvailable:   20000000 kB\n";
  EXPECT_EQ(parse_mem_available(meminfo), std::uint64_t{20000000} * 1024);
  EXPECT_FALSE(parse_mem_available("MemTotal: 5 kB\n"));
  EXPECT_FALSE(parse_mem_available("MemAvailable: lots\n"));
}

TEST(MemoryShare, FindsTheCgroupV2Path) {
  EXPECT_EQ(parse_cgroup_path("0::/system.slice/slurmstepd.scope/job_12/step_0\n"),
            "/system.slice/slurmstepd.scope/job_12/step_0");
  EXPECT_FALSE(parse_cgroup_path("12:memory:/user.slice\n11:cpu:/\n"));  // cgroup v1
}

TEST(MemoryShare, RoomUnderACgroupLimit) {
  EXPECT_EQ(cgroup_room("4294967296\n", "1073741824\n"), std::uint64_t{3221225472});
  EXPECT_EQ(cgroup_room("100\n", "200\n"), std::uint64_t{0});  // over the limit already
  EXPECT_FALSE(cgroup_room("max\n", "1073741824\n"));          // no limit
}

TEST(MemoryShare, HalfTheMemoryPerRank) {
  EXPECT_EQ(memory_share(24000, 3), 4000u);
  EXPECT_EQ(memory_share(24000, 0), 12000u);  // never divides by zero
}

TEST(MemoryShare, AutoStreamsOnlyWhatDoesNotFit) {
  EXPECT_FALSE(should_stream("auto", 1000, 1000));
  EXPECT_TRUE(should_stream("auto", 1001, 1000));
  EXPECT_TRUE(should_stream("stream", 1, 1000));
  EXPECT_FALSE(should_stream("load", 5000, 1000));
  EXPECT_THROW(should_stream("lazy", 1, 1), std::invalid_argument);
}

TEST(MemoryShare, ThisMachineHasSomeAvailableMemory) {
  const std::optional<std::uint64_t> a = available_memory();
  ASSERT_TRUE(a.has_value()) << "/proc/meminfo could not be read";
  EXPECT_GT(*a, 0u);
}

}  // namespace
}  // namespace sweep
