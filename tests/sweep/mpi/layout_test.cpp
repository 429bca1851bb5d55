#include "sweep/mpi/layout.h"

#include <gtest/gtest.h>

namespace sweep {
namespace {

TEST(Layout, CoresSharedAmongWorkersNotTheCoordinator) {
  // 2 cores, 3 ranks: the coordinator and 2 workers with 1 thread each.
  EXPECT_EQ(threads_per_worker({2, 2, 3, true, 0}, 0), 1);
  // One rank alone trains with every core.
  EXPECT_EQ(threads_per_worker({2, 2, 1, false, 0}, 0), 2);
  // 16 cores, 5 ranks with the coordinator: 4 workers x 4 threads.
  EXPECT_EQ(threads_per_worker({16, 16, 5, true, 0}, 0), 4);
  // A node without the coordinator: 16 cores, 8 workers.
  EXPECT_EQ(threads_per_worker({16, 16, 8, false, 0}, 0), 2);
}

TEST(Layout, NeverMoreThanBoundCoresNorLessThanOne) {
  EXPECT_EQ(threads_per_worker({16, 1, 2, false, 0}, 0), 1);  // mpirun bound this rank to one core
  EXPECT_EQ(threads_per_worker({2, 2, 8, true, 0}, 0), 1);    // oversubscribed
}

TEST(Layout, ThreadsOptionWins) { EXPECT_EQ(threads_per_worker({2, 2, 3, true, 0}, 4), 4); }

}  // namespace
}  // namespace sweep

namespace sweep {
namespace {

TEST(Layout, PlanDescribesWorkersThreadsAndTheAdvice) {
  EXPECT_EQ(describe_layout(2, 3, 0),
            "layout (this node: 2 cores): 3 ranks: rank 0 coordinates, 2 worker(s) x 1 "
            "thread(s)");
  // Fewer workers than cores: each gets several threads, and the advice follows.
  const std::string two = describe_layout(16, 5, 0);
  EXPECT_NE(two.find("4 worker(s) x 4 thread(s)"), std::string::npos) << two;
  EXPECT_NE(two.find("recommended: mpirun -np 17"), std::string::npos) << two;
  // Workers that cannot all have a core, or cores no worker uses, are said.
  EXPECT_NE(describe_layout(2, 5, 0).find("4 threads share 2 cores"), std::string::npos);
  EXPECT_NE(describe_layout(16, 6, 0).find("1 core(s) idle"), std::string::npos);
  // Alone (or 1 rank): one trial at a time with every core.
  EXPECT_NE(describe_layout(8, 0, 0).find("alone, sweep run trains one trial at a time with 8"),
            std::string::npos);
  EXPECT_EQ(describe_layout(8, 1, 0), describe_layout(8, 0, 0));
  EXPECT_NE(describe_layout(8, 0, 2).find("with 2 thread(s)"), std::string::npos);
}

}  // namespace
}  // namespace sweep
