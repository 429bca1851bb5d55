#include "sweep/search/asha.h"

#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <queue>
#include <stdexcept>

namespace sweep {
namespace {

AshaSettings settings(std::size_t configs, int min_epochs = 1, int max_epochs = 9, int eta = 3) {
  AshaSettings s;
  s.configs = configs;
  s.min_epochs = min_epochs;
  s.max_epochs = max_epochs;
  s.reduction_factor = eta;
  return s;
}

// A simulated learning curve: configuration c approaches its quality q(c) as it trains.
double quality(std::size_t c) {
  return 0.5 + 0.4 * std::fmod(std::sin(c * 12.9898) * 43758.5453 + 1e6, 1.0);
}
double curve(std::size_t c, int epoch) { return quality(c) * (1 - std::exp(-epoch / 3.0)); }

struct Decision {
  int worker;
  AshaJob job;
};

// Runs W simulated workers until the scheduler is done: a job takes as long as its epochs;
// a free worker asks for a job at once. Checks on the way that a worker only goes idle when
// every config has started. Returns the decisions in order.
std::vector<Decision> simulate(AshaScheduler& s, int workers, std::size_t stop_after = 0) {
  using Event = std::pair<double, int>;  // finish time, worker
  std::priority_queue<Event, std::vector<Event>, std::greater<Event>> events;
  std::map<int, AshaJob> busy;
  std::vector<int> idle;
  std::vector<Decision> log;
  double now = 0;
  auto give = [&](int w) {
    auto j = s.next_job();
    if (!j) {
      idle.push_back(w);
      return;
    }
    log.push_back({w, *j});
    busy[w] = *j;
    events.push({now + (j->to_epoch - j->from_epoch), w});
  };
  for (int w = 0; w < workers; ++w) give(w);
  std::size_t results = 0;
  while (!events.empty()) {
    auto [t, w] = events.top();
    events.pop();
    now = t;
    const AshaJob j = busy[w];
    busy.erase(w);
    s.finished(j, curve(j.config, j.to_epoch));
    if (stop_after != 0 && ++results == stop_after) return log;
    std::vector<int> waiting;
    waiting.swap(idle);
    waiting.insert(waiting.begin(), w);
    for (int v : waiting) give(v);
    // Nobody idles while a new configuration could still start.
    if (!idle.empty()) {
      EXPECT_EQ(s.started_configs(), 27u);
    }
  }
  return log;
}

TEST(Asha, RungBudgets) {
  EXPECT_EQ(rung_epochs(settings(1, 1, 9, 3)), (std::vector<int>{1, 3, 9}));
  EXPECT_EQ(rung_epochs(settings(1, 1, 10, 3)), (std::vector<int>{1, 3, 9, 10}));
  EXPECT_EQ(rung_epochs(settings(1, 2, 16, 2)), (std::vector<int>{2, 4, 8, 16}));
  EXPECT_EQ(rung_epochs(settings(1, 5, 5, 3)), (std::vector<int>{5}));
  EXPECT_THROW(rung_epochs(settings(1, 0, 9, 3)), std::invalid_argument);
  EXPECT_THROW(rung_epochs(settings(1, 3, 2, 3)), std::invalid_argument);
  EXPECT_THROW(rung_epochs(settings(1, 1, 9, 1)), std::invalid_argument);
}

TEST(Asha, PromotesTheBestOfTheTopThirdBeforeStartingNewConfigs) {
  AshaScheduler s(settings(9));
  std::vector<AshaJob> first;
  for (int i = 0; i < 3; ++i) first.push_back(*s.next_job());
  EXPECT_EQ(first[2], (AshaJob{2, 0, 0, 1}));
  s.finished(first[0], 0.5);
  EXPECT_EQ(*s.next_job(), (AshaJob{3, 0, 0, 1}));  // 1 result: top third is empty
  s.finished(first[1], 0.9);
  s.finished(first[2], 0.7);
  EXPECT_EQ(*s.next_job(), (AshaJob{1, 1, 1, 3}));  // 3 results: the best is promoted
  EXPECT_EQ(*s.next_job(), (AshaJob{4, 0, 0, 1}));  // already promoted: a new config
  EXPECT_EQ(s.running(), 3u);
}

TEST(Asha, HighestRungFirstAndFailedTrialsNeverPromoted) {
  AshaScheduler s(settings(20));
  std::vector<AshaJob> r0;
  for (int i = 0; i < 6; ++i) r0.push_back(*s.next_job());
  const double m[] = {NAN, 0.1, 0.2, 0.3, 0.4, 0.5};
  for (int i = 0; i < 3; ++i) s.finished(r0[i], m[i]);
  // Top third of {NaN, 0.1, 0.2} is 0.2 (NaN ranks last).
  const AshaJob p1 = *s.next_job();
  EXPECT_EQ(p1, (AshaJob{2, 1, 1, 3}));
  for (int i = 3; i < 6; ++i) s.finished(r0[i], m[i]);
  s.finished(p1, 0.6);
  // Rung 1 has one result (needs 3 for a promotion); rung 0: top 2 of 6 are 0.5, 0.4.
  EXPECT_EQ(*s.next_job(), (AshaJob{5, 1, 1, 3}));
  EXPECT_EQ(*s.next_job(), (AshaJob{4, 1, 1, 3}));
  EXPECT_EQ(s.next_job()->rung, 0);
  AshaScheduler f(settings(3));
  std::vector<AshaJob> j;
  for (int i = 0; i < 3; ++i) j.push_back(*f.next_job());
  for (const auto& x : j) f.finished(x, NAN);
  EXPECT_FALSE(f.next_job());
  EXPECT_TRUE(f.finished_all());
}

TEST(Asha, SimulatedSweepSpendsAThirdOfTheGridAndFindsTheBest) {
  AshaScheduler s(settings(27));
  const auto log = simulate(s, 4);
  EXPECT_TRUE(s.finished_all());
  EXPECT_FALSE(s.next_job());
  long long epochs = 0;
  std::map<std::pair<std::size_t, int>, int> runs;
  for (const auto& d : log) {
    epochs += d.job.to_epoch - d.job.from_epoch;
    EXPECT_EQ(d.job.from_epoch, d.job.rung == 0 ? 0 : s.rungs()[d.job.rung - 1]);
    const int times = ++runs[{d.job.config, d.job.rung}];
    EXPECT_EQ(times, 1) << "config " << d.job.config << " rung " << d.job.rung;
  }
  EXPECT_EQ(s.epochs_spent(), epochs);
  EXPECT_LE(epochs, 27 * 9 / 3);  // the grid trains all 27 to 9 epochs
  std::size_t best = 0;
  for (std::size_t c = 1; c < 27; ++c) {
    if (quality(c) > quality(best)) best = c;
  }
  EXPECT_EQ(s.rung_reached(best), 2);
  EXPECT_EQ(s.started_configs(), 27u);
}

TEST(Asha, IdenticalEventsGiveIdenticalDecisions) {
  AshaScheduler a(settings(27)), b(settings(27));
  const auto la = simulate(a, 3), lb = simulate(b, 3);
  ASSERT_EQ(la.size(), lb.size());
  for (std::size_t i = 0; i < la.size(); ++i) {
    EXPECT_EQ(la[i].worker, lb[i].worker);
    EXPECT_EQ(la[i].job, lb[i].job);
  }
}

TEST(Asha, AbandonedJobsComeBackFirst) {
  AshaScheduler s(settings(9));
  const AshaJob a = *s.next_job();
  s.next_job();
  s.abandoned(a);
  EXPECT_EQ(s.running(), 1u);
  EXPECT_EQ(*s.next_job(), a);
  EXPECT_THROW(s.finished(AshaJob{7, 0, 0, 1}, 0.5), std::logic_error);
  EXPECT_THROW(s.restore(9, 0, 0.5), std::out_of_range);
}

TEST(Asha, ResumeFromStoredResultsFinishesWithoutRepeatingThem) {
  AshaScheduler first(settings(27));
  simulate(first, 4, 20);  // "killed" after 20 results
  // What the results file would hold: every finished rung result.
  AshaScheduler resumed(settings(27));
  std::vector<std::pair<std::size_t, int>> stored;
  for (std::size_t c = 0; c < 27; ++c) {
    for (int k = 0; k <= first.rung_reached(c); ++k) {
      resumed.restore(c, k, curve(c, first.rungs()[k]));
      stored.emplace_back(c, k);
    }
  }
  EXPECT_EQ(resumed.epochs_spent(), first.epochs_spent());
  const auto log = simulate(resumed, 4);
  for (const auto& d : log) {
    for (const auto& [c, k] : stored) {
      EXPECT_FALSE(d.job.config == c && d.job.rung == k)
          << "config " << c << " rung " << k << " ran again";
    }
  }
  EXPECT_TRUE(resumed.finished_all());
  EXPECT_EQ(resumed.started_configs(), 27u);
}

}  // namespace
}  // namespace sweep
