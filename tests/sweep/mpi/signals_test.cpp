#include "sweep/mpi/signals.h"

#include <gtest/gtest.h>

#include <csignal>

namespace sweep {
namespace {

using Clock = StopState::Clock;
using std::chrono::seconds;

TEST(StopState, GraceThenAbandon) {
  StopState s(30);
  const Clock::time_point t0 = Clock::now();
  EXPECT_FALSE(s.update(0, 0, t0));
  EXPECT_FALSE(s.stopping());
  EXPECT_FALSE(s.abandon(t0 + seconds(1000)));
  EXPECT_TRUE(s.update(1, 0, t0));  // a SIGTERM
  EXPECT_TRUE(s.stopping());
  EXPECT_FALSE(s.abandon(t0 + seconds(29)));
  EXPECT_TRUE(s.abandon(t0 + seconds(30)));
}

TEST(StopState, RepeatedTermsKeepTheGraceButASecondInterruptEndsIt) {
  StopState s(30);
  const Clock::time_point t0 = Clock::now();
  s.update(1, 0, t0);
  EXPECT_TRUE(s.update(3, 0, t0 + seconds(2)));  // mpirun and Slurm send SIGTERM again
  EXPECT_FALSE(s.abandon(t0 + seconds(5)));      // grace counts from the first one
  EXPECT_TRUE(s.update(4, 1, t0 + seconds(6)));
  EXPECT_FALSE(s.abandon(t0 + seconds(6)));
  EXPECT_TRUE(s.update(5, 2, t0 + seconds(7)));  // Ctrl-C twice
  EXPECT_TRUE(s.abandon(t0 + seconds(7)));
}

TEST(StopState, ZeroGraceAbandonsAtOnce) {
  StopState s(0);
  s.update(1, 1);
  EXPECT_TRUE(s.abandon());
}

TEST(StopSignals, CountsSignalsAndKeepsTheProcessAlive) {
  StopSignals signals;
  EXPECT_EQ(signals.count(), 0);
  std::raise(SIGUSR1);  // would end the process without the handler
  std::raise(SIGINT);
  EXPECT_EQ(signals.count(), 2);
  EXPECT_EQ(signals.interrupts(), 1);
  EXPECT_EQ(signals.last(), SIGINT);
  EXPECT_STREQ(signal_name(SIGUSR1), "SIGUSR1");
}

}  // namespace
}  // namespace sweep
