#include "sweep/mpi/groups.h"

#include <gtest/gtest.h>

#include "core/errors.h"
#include "sweep/mpi/group_comm.h"

namespace sweep {
namespace {

using Groups = std::vector<std::vector<int>>;

TEST(Groups, OneNodeGroupsInRankOrderAndTheRestIdle) {
  const std::vector<int> one_node(6, 0);  // rank 0 coordinates, workers 1-5
  GroupLayout g = form_groups(one_node, 2);
  EXPECT_EQ(g.groups, (Groups{{1, 2}, {3, 4}}));
  EXPECT_EQ(g.idle, (std::vector<int>{5}));
  EXPECT_EQ(g.spanning, 0);
  EXPECT_EQ(g.group_of(4), 1);
  EXPECT_EQ(g.group_of(5), -1);
  EXPECT_EQ(g.group_of(0), -1);
  EXPECT_EQ(describe_groups(g, 2),
            "2 group(s) of 2 ranks, 1 worker rank(s) idle (not enough for a group of 2)");
  EXPECT_EQ(form_groups(one_node, 1).groups, (Groups{{1}, {2}, {3}, {4}, {5}}));
}

TEST(Groups, WithinNodesFirstThenAcrossThem) {
  // mpirun-nodes 2x3 -np 5: ranks 0-2 on the first node, 3-4 on the second.
  const std::vector<int> two_nodes = {0, 0, 0, 3, 3};
  EXPECT_EQ(form_groups(two_nodes, 2).groups, (Groups{{1, 2}, {3, 4}}));
  EXPECT_EQ(form_groups(two_nodes, 2).spanning, 0);
  const GroupLayout four = form_groups(two_nodes, 4);
  EXPECT_EQ(four.groups, (Groups{{1, 2, 3, 4}}));
  EXPECT_EQ(four.spanning, 1);
  EXPECT_EQ(describe_groups(four, 4), "1 group(s) of 4 ranks (1 across nodes)");
  // 3 workers on each of two nodes, groups of 2: one per node, then the two left over
  // together across the nodes.
  const GroupLayout six = form_groups({0, 0, 0, 0, 4, 4, 4}, 2);
  EXPECT_EQ(six.groups, (Groups{{1, 2}, {4, 5}, {3, 6}}));
  EXPECT_EQ(six.spanning, 1);
  EXPECT_TRUE(six.idle.empty());
}

TEST(Groups, TooFewWorkersMakeNoGroup) {
  const GroupLayout g = form_groups({0, 0, 0}, 4);
  EXPECT_TRUE(g.groups.empty());
  EXPECT_EQ(g.idle, (std::vector<int>{1, 2}));
}

TEST(Groups, InjectedFaultsParseOrNameTheVariable) {
  EXPECT_EQ(parse_injected_fault("").member, -1);
  const InjectedFault f = parse_injected_fault("member=1,agree=3");
  EXPECT_EQ(f.member, 1);
  EXPECT_EQ(f.agree, 3);
  EXPECT_THROW(parse_injected_fault("member=x,agree=3"), UsageError);
  EXPECT_THROW(parse_injected_fault("agree=3"), UsageError);
  const InjectedFault at = parse_injected_fault("member=0,at=step");
  EXPECT_EQ(at.member, 0);
  EXPECT_EQ(at.point, "step");
  EXPECT_EQ(at.count, 1);
  EXPECT_EQ(parse_injected_fault("member=1,at=reduce:4").count, 4);
  EXPECT_THROW(parse_injected_fault("member=1,at="), UsageError);
  EXPECT_THROW(parse_injected_fault("member=1,at=step:0"), UsageError);
  EXPECT_THROW(parse_injected_fault("member=1,where=step"), UsageError);
  const InjectedFault oom = parse_injected_fault("member=1,at=step:2,oom");
  EXPECT_EQ(oom.point, "step");
  EXPECT_EQ(oom.count, 2);
  EXPECT_TRUE(oom.out_of_memory);
  EXPECT_FALSE(at.out_of_memory);
  EXPECT_THROW(parse_injected_fault("member=1,agree=2,oom"), UsageError);
  EXPECT_THROW(parse_injected_fault("member=1,at=step,big"), UsageError);
  EXPECT_THROW(parse_injected_fault("member=1,oom"), UsageError);
  // Every named point is taken; another name, a number with more than digits, or a negative
  // member would never fire: refused, naming the points.
  for (const char* point : worker::kFaultPoints) {
    EXPECT_EQ(parse_injected_fault(std::string("member=0,at=") + point).point, point);
  }
  EXPECT_EQ(parse_injected_fault("member=2,at=share").point, "share");
  EXPECT_THROW(parse_injected_fault("member=1,at=stepp"), UsageError);
  EXPECT_THROW(parse_injected_fault("member=1x,at=step"), UsageError);
  EXPECT_THROW(parse_injected_fault("member=-1,at=step"), UsageError);
  EXPECT_THROW(parse_injected_fault("member=1,at=step:2x"), UsageError);
  EXPECT_THROW(parse_injected_fault("member=1,agree=0"), UsageError);
  try {
    parse_injected_fault("member=1,at=stepp");
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("POINT one of forward, backward,"), std::string::npos)
        << e.what();
    EXPECT_NE(std::string(e.what()).find("checkpoint, share), not 'member=1,at=stepp'"),
              std::string::npos)
        << e.what();
  }
}

TEST(Groups, TheGroupTimeoutIsPositiveSecondsOrNamesTheVariable) {
  EXPECT_EQ(parse_group_timeout(""), 120);
  EXPECT_EQ(parse_group_timeout("2.5"), 2.5);
  for (const char* bad : {"0", "-3", "ten", "5s"}) {
    try {
      parse_group_timeout(bad);
      ADD_FAILURE() << bad;
    } catch (const UsageError& e) {
      EXPECT_NE(std::string(e.what()).find("SWEEP_GROUP_TIMEOUT"), std::string::npos);
    }
  }
}

TEST(Groups, AWaitsDeadlineFollowsTheTrialsSlowestStep) {
  // docs/performance.md: 10 x SWEEP_GROUP_TIMEOUT until the first step is done (20 minutes by
  // default), then max(timeout, 20 x the slowest step); after a stop signal, the smaller of that
  // and max(10 s, 3 x the step).
  EXPECT_EQ(group_wait_limit(120, 0, false), 1200);
  EXPECT_EQ(group_wait_limit(120, 0, true), 1200);
  EXPECT_EQ(group_wait_limit(120, 0.5, false), 120);  // short steps: the floor
  EXPECT_EQ(group_wait_limit(120, 30, false), 600);   // long ones: 20 steps
  EXPECT_EQ(group_wait_limit(120, 0.5, true), 10);    // stopping: 10 s at least
  EXPECT_EQ(group_wait_limit(120, 30, true), 90);     // or 3 steps
  EXPECT_EQ(group_wait_limit(2, 0.01, true), 2);      // never longer than without the stop
  EXPECT_EQ(group_wait_limit(2, 0.01, false), 2);
}

TEST(Groups, AWaitPollsWithoutSleepingFor50msThenSleepsUpTo1ms) {
  // docs/performance.md: a member waiting in a sum polls it without sleeping for its first
  // 50 ms, then sleeps a little longer each time, up to 1 ms.
  EXPECT_EQ(group_poll_sleep_us(0, 0), 0);
  EXPECT_EQ(group_poll_sleep_us(0.0499, 0), 0);
  EXPECT_EQ(group_poll_sleep_us(0.05, 0), 20);
  EXPECT_EQ(group_poll_sleep_us(0.06, 1), 40);
  EXPECT_EQ(group_poll_sleep_us(0.06, 5), 640);
  EXPECT_EQ(group_poll_sleep_us(0.07, 6), 1000);  // 1280 capped
  EXPECT_EQ(group_poll_sleep_us(100, 1000000), 1000);
}

}  // namespace
}  // namespace sweep
