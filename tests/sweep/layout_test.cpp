#include "sweep/layout.h"

#include <gtest/gtest.h>

namespace sweep {
namespace {

TEST(Layout, CoresSharedAmongWorkersNotTheCoordinator) {
  // 2 cores, 3 ranks: the coordinator and 2 workers with 1 thread each.
  EXPECT_EQ(threads_per_worker({2, 2, 3, true}, 0), 1);
  // One rank alone trains with every core.
  EXPECT_EQ(threads_per_worker({2, 2, 1, false}, 0), 2);
  // 16 cores, 5 ranks with the coordinator: 4 workers x 4 threads.
  EXPECT_EQ(threads_per_worker({16, 16, 5, true}, 0), 4);
  // A node without the coordinator: 16 cores, 8 workers.
  EXPECT_EQ(threads_per_worker({16, 16, 8, false}, 0), 2);
}

TEST(Layout, NeverMoreThanBoundCoresNorLessThanOne) {
  EXPECT_EQ(threads_per_worker({16, 1, 2, false}, 0), 1);  // mpirun bound this rank to one core
  EXPECT_EQ(threads_per_worker({2, 2, 8, true}, 0), 1);    // oversubscribed
}

TEST(Layout, ThreadsOptionWins) { EXPECT_EQ(threads_per_worker({2, 2, 3, true}, 4), 4); }

}  // namespace
}  // namespace sweep
