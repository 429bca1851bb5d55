#include "sweep/search/tpe_work.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <set>
#include <string>

#include "sweep/search/asha_work.h"

namespace sweep {
namespace {

Grid tpe_grid(std::size_t samples, const std::string& axes, std::uint64_t seed = 1) {
  Grid g = parse_grid_text("model = noop\ndataset = idx\ndata_dir = /x\nsearch = tpe\nsamples = " +
                               std::to_string(samples) + "\nsearch_seed = " + std::to_string(seed) +
                               "\n[grid]\n" + axes,
                           "t.ini");
  check_consistency(g);
  return g;
}

const char* kAxes =
    "learning_rate = loguniform(1e-5, 1e-1)\n"
    "train_subset = int(10, 500)\n"
    "batch_size = 16, 32, 64\n";

// A simulated validation accuracy, best at learning_rate 1e-3, train_subset 300, batch 32.
double accuracy(const TrialSpec& s) {
  const double lr = std::log10(std::stod(s.get("learning_rate"))) + 3;
  const double n = (std::stod(s.get("train_subset")) - 300) / 200;
  const double b = s.get("batch_size") == "32" ? 0 : 0.05;
  return 0.9 - 0.05 * lr * lr - 0.05 * n * n - b;
}

TrialResult result_of(const Job& j, Status status = Status::kOk) {
  TrialResult r;
  r.trial_id = j.spec.trial_id;
  r.status = status;
  r.val_acc = status == Status::kOk ? accuracy(j.spec) : NAN;
  return r;
}

std::vector<std::pair<std::string, std::string>> params_of(const TrialSpec& s) {
  std::vector<std::pair<std::string, std::string>> p;
  for (const char* k : {"learning_rate", "train_subset", "batch_size", "model"}) {
    p.emplace_back(k, s.get(k));
  }
  return p;
}

// One worker: each trial finishes before the next is asked for. Returns the jobs in order.
std::vector<Job> run_sequentially(TpeWork& w, std::size_t limit = 1000) {
  std::vector<Job> jobs;
  while (jobs.size() < limit) {
    std::optional<Job> j = w.next();
    if (!j) break;
    w.finished(*j, result_of(*j));
    jobs.push_back(*j);
  }
  return jobs;
}

TEST(TpeWork, SpaceOfEachKindOfAxis) {
  const Grid g = tpe_grid(5, std::string(kAxes) + "label_smoothing = uniform(0, 0.3)\n");
  TrialBuilder b(g);
  const std::vector<TpeParam> s = tpe_space(b.axes());
  ASSERT_EQ(s.size(), 4u);
  EXPECT_TRUE(s[0].kind == TpeParam::Kind::kFloat && s[0].log && s[0].low == 1e-5);
  EXPECT_TRUE(s[1].kind == TpeParam::Kind::kInt && !s[1].log && s[1].low == 10 && s[1].high == 500);
  EXPECT_TRUE(s[2].kind == TpeParam::Kind::kCategorical && s[2].choices == 3);
  EXPECT_TRUE(s[3].kind == TpeParam::Kind::kFloat && !s[3].log && s[3].high == 0.3);
}

TEST(TpeWork, HandsOutSamplesDistinctTrialsWithinTheSpace) {
  const Grid g = tpe_grid(40, kAxes);
  TpeWork w(g);
  const std::vector<Job> jobs = run_sequentially(w);
  ASSERT_EQ(jobs.size(), 40u);
  EXPECT_TRUE(w.exhausted());
  EXPECT_EQ(w.from_model(), 30u);  // after 10 random ones
  std::set<std::uint64_t> ids;
  for (const Job& j : jobs) {
    ids.insert(j.spec.trial_id);
    const double lr = std::stod(j.spec.get("learning_rate"));
    const int n = std::stoi(j.spec.get("train_subset"));
    EXPECT_TRUE(lr >= 1e-5 && lr <= 0.1) << lr;
    EXPECT_TRUE(n >= 10 && n <= 500) << n;
    EXPECT_NE(std::string("16 32 64").find(j.spec.get("batch_size")), std::string::npos);
    EXPECT_EQ(j.spec.get("model"), "noop");  // fixed keys as the grid sets them
  }
  EXPECT_EQ(ids.size(), 40u);
}

TEST(TpeWork, LearnsWhereTheAccuracyIs) {
  // The last 20 of 50 trials are closer to the best learning rate than the 10 random ones.
  const Grid g = tpe_grid(50, kAxes, 7);
  TpeWork w(g);
  const std::vector<Job> jobs = run_sequentially(w);
  auto mean_distance = [&](std::size_t from, std::size_t to) {
    double d = 0;
    for (std::size_t i = from; i < to; ++i) {
      d += std::abs(std::log10(std::stod(jobs[i].spec.get("learning_rate"))) + 3);
    }
    return d / static_cast<double>(to - from);
  };
  EXPECT_LT(mean_distance(30, 50), 0.5 * mean_distance(0, 10));
}

TEST(TpeWork, TheSameResultsGiveTheSameSuggestions) {
  const Grid g = tpe_grid(25, kAxes);
  TpeWork a(g), b(g);
  const std::vector<Job> ja = run_sequentially(a), jb = run_sequentially(b);
  ASSERT_EQ(ja.size(), jb.size());
  for (std::size_t i = 0; i < ja.size(); ++i) EXPECT_EQ(ja[i].spec.trial_id, jb[i].spec.trial_id);
  const Grid other = tpe_grid(25, kAxes, 2);
  TpeWork c(other);
  EXPECT_NE(run_sequentially(c).back().spec.trial_id, ja.back().spec.trial_id);
}

TEST(TpeWork, AResumeRefitsFromTheStoredRowsAndContinues) {
  const Grid g = tpe_grid(30, kAxes);
  TpeWork whole(g);
  const std::vector<Job> all = run_sequentially(whole);
  // A run stopped after 18 trials; the next run restores them from the file, in its order.
  TpeWork resumed(g);
  for (std::size_t i = 0; i < 18; ++i) {
    EXPECT_TRUE(resumed.restore(params_of(all[i].spec), result_of(all[i]), false));
  }
  EXPECT_EQ(resumed.trials(), 18u);
  const std::vector<Job> rest = run_sequentially(resumed);
  ASSERT_EQ(rest.size(), 12u);
  for (std::size_t i = 0; i < rest.size(); ++i) {
    EXPECT_EQ(rest[i].spec.trial_id, all[18 + i].spec.trial_id) << i;
  }
}

TEST(TpeWork, RaisingSamplesContinuesTheSearch) {
  const Grid small = tpe_grid(12, kAxes), large = tpe_grid(20, kAxes);
  TpeWork first(small);
  const std::vector<Job> jobs = run_sequentially(first);
  TpeWork more(large);
  for (const Job& j : jobs) more.restore(params_of(j.spec), result_of(j), false);
  const std::vector<Job> added = run_sequentially(more);
  EXPECT_EQ(added.size(), 8u);
  for (const Job& a : added) {
    for (const Job& j : jobs) EXPECT_NE(a.spec.trial_id, j.spec.trial_id);
  }
}

TEST(TpeWork, RunningTrialsAreImputedAndNeverHandedOutTwice) {
  const Grid g = tpe_grid(30, kAxes);
  TpeWork w(g);
  std::vector<Job> first = run_sequentially(w, 12);
  // Three workers ask at once: three different trials, all in the model's history as running.
  std::set<std::uint64_t> ids;
  for (int k = 0; k < 3; ++k) ids.insert(w.next()->spec.trial_id);
  EXPECT_EQ(ids.size(), 3u);
  const auto h = w.history();
  ASSERT_EQ(h.size(), 15u);
  EXPECT_EQ(std::count_if(
                h.begin(), h.end(),
                [](const TpeObservation& o) { return o.state == TpeObservation::State::kRunning; }),
            3);
}

TEST(TpeWork, ASmallSpaceEndsWhenEveryTrialIsTaken) {
  // 3 x 2 = 6 trials, 10 asked: each trial once, then no new trial can be found.
  const Grid g = tpe_grid(10, "batch_size = 16, 32, 64\nseed = 1, 2\n");
  TpeWork w(g);
  std::vector<Job> jobs;
  while (std::optional<Job> j = w.next()) {
    TrialResult r;
    r.trial_id = j->spec.trial_id;
    r.status = Status::kOk;
    r.val_acc = 0.5;
    w.finished(*j, r);
    jobs.push_back(*j);
  }
  EXPECT_EQ(jobs.size(), 6u);
  EXPECT_TRUE(w.space_exhausted());
  EXPECT_TRUE(w.exhausted());
  EXPECT_GT(w.repeats(), 0u);
}

TEST(TpeWork, FailedRowsCountAndRunAgainOnlyWhenAsked) {
  const Grid g = tpe_grid(5, kAxes);
  TpeWork first(g);
  const std::vector<Job> jobs = run_sequentially(first, 3);
  TpeWork keep(g), retry(g);
  for (std::size_t i = 0; i < jobs.size(); ++i) {
    const TrialResult r = result_of(jobs[i], i == 1 ? Status::kFailed : Status::kOk);
    keep.restore(params_of(jobs[i].spec), r, false);
    retry.restore(params_of(jobs[i].spec), r, true);
  }
  EXPECT_EQ(keep.trials(), 3u);
  EXPECT_EQ(keep.history().size(), 2u);  // the failed trial is not learned from
  EXPECT_EQ(run_sequentially(keep).size(), 2u);
  EXPECT_EQ(retry.retries(), 1u);
  const std::optional<Job> again = retry.next();
  ASSERT_TRUE(again);
  EXPECT_EQ(again->spec.trial_id, jobs[1].spec.trial_id);
}

TEST(TpeWork, AnAbandonedTrialIsSuggestedAfresh) {
  const Grid g = tpe_grid(4, kAxes);
  TpeWork w(g);
  const std::optional<Job> j = w.next();
  ASSERT_TRUE(j);
  EXPECT_EQ(w.trials(), 1u);
  w.abandoned(*j);
  EXPECT_EQ(w.trials(), 0u);
  EXPECT_FALSE(w.contains(j->spec.trial_id));
}

TEST(TpeWork, ATrialSavedMidWayIsHandedOutFirstOnResume) {
  const Grid g = tpe_grid(4, kAxes);
  TpeWork first(g);
  const std::vector<Job> jobs = run_sequentially(first, 3);
  // Resumed: jobs 0 and 1 stored, job 2 stopped and saved (its state names its key values).
  TpeWork w(g);
  for (std::size_t i = 0; i < 2; ++i) {
    w.restore(params_of(jobs[i].spec), result_of(jobs[i], Status::kOk), false);
  }
  EXPECT_FALSE(w.continue_saved(jobs[2].spec.trial_id + 1, params_of(jobs[2].spec)));  // not its id
  EXPECT_FALSE(w.continue_saved(jobs[0].spec.trial_id, params_of(jobs[0].spec)));      // stored
  EXPECT_TRUE(w.continue_saved(jobs[2].spec.trial_id, params_of(jobs[2].spec)));
  EXPECT_EQ(w.trials(), 3u);  // one of the sweep's samples
  EXPECT_EQ(w.saved(), 1u);
  const std::optional<Job> next = w.next();
  ASSERT_TRUE(next);
  EXPECT_EQ(next->spec.trial_id, jobs[2].spec.trial_id);
  EXPECT_EQ(w.saved(), 0u);
  EXPECT_EQ(run_sequentially(w).size(), 1u);  // then the one sample left
}

TEST(TpeWork, RowsOfOtherKeysAreNotTaken) {
  const Grid g = tpe_grid(4, kAxes);
  TpeWork w(g);
  TrialResult r;
  r.trial_id = 42;
  r.status = Status::kOk;
  EXPECT_FALSE(w.restore({{"learning_rate", "0.01"}}, r, false));  // no train_subset, batch_size
  EXPECT_EQ(w.trials(), 0u);
}

}  // namespace
}  // namespace sweep

namespace sweep {
namespace {

// Successive halving with TPE (as BOHB): one simulated worker, each rung job finishing before
// the next is asked for; the accuracy grows with the epochs trained. Returns the jobs.
std::vector<Job> run_halving(AshaWork& w, std::size_t limit = 100000) {
  std::vector<Job> jobs;
  while (jobs.size() < limit) {
    std::optional<Job> j = w.next();
    if (!j) break;
    TrialResult r = result_of(*j);
    r.val_acc -= 0.2 / j->to_epoch;
    r.epochs_run = j->to_epoch;
    w.finished(*j, r);
    jobs.push_back(*j);
  }
  return jobs;
}

Grid bohb_grid(std::size_t samples) {
  Grid g = tpe_grid(samples, kAxes);
  g.search.min_epochs = 1;
  g.search.max_epochs = 9;
  g.search.reduction_factor = 3;
  g.search.asha_origin = "t.ini:7";
  g.search.startup_trials = 6;
  check_consistency(g);
  return g;
}

TEST(TpeHalving, ConfigurationsAreSuggestedByTpeAndPromotedByRung) {
  const Grid g = bohb_grid(40);
  ASSERT_TRUE(g.search.halving());
  const Grid configs = halving_configs(g);
  AshaWork w(configs, g.search, "/tmp/state");
  const std::vector<Job> jobs = run_halving(w);
  std::set<std::uint64_t> started;
  std::vector<const Job*> bottom;
  for (const Job& j : jobs) {
    EXPECT_EQ(j.spec.get("epochs"), "9");  // each configuration's id is at max_epochs
    if (j.rung == 0) {
      EXPECT_TRUE(started.insert(j.spec.trial_id).second) << "a configuration started twice";
      bottom.push_back(&j);
    } else {
      EXPECT_EQ(started.count(j.spec.trial_id), 1u) << "a promotion of an unknown configuration";
    }
  }
  EXPECT_EQ(started.size(), 40u);
  EXPECT_TRUE(w.exhausted());
  EXPECT_EQ(w.from_model(), 34u);  // all but the first 6
  // The later configurations are nearer the best learning rate than the random first ones.
  auto mean_distance = [&](std::size_t from, std::size_t to) {
    double d = 0;
    for (std::size_t i = from; i < to; ++i) {
      d += std::abs(std::log10(std::stod(bottom[i]->spec.get("learning_rate"))) + 3);
    }
    return d / static_cast<double>(to - from);
  };
  EXPECT_LT(mean_distance(25, 40), 0.6 * mean_distance(0, 6));
}

TEST(TpeHalving, AResumeRestoresTheConfigurationsInFileOrderAndContinues) {
  const Grid g = bohb_grid(30);
  const Grid configs = halving_configs(g);
  AshaWork whole(configs, g.search, "/tmp/state");
  const std::vector<Job> all = run_halving(whole);
  AshaWork resumed(configs, g.search, "/tmp/state");
  const std::size_t stop = all.size() / 2;
  for (std::size_t i = 0; i < stop; ++i) {
    TrialResult r = result_of(all[i]);
    r.val_acc -= 0.2 / all[i].to_epoch;
    r.rung = all[i].rung;
    EXPECT_TRUE(resumed.restore(r, false, params_of(all[i].spec))) << i;
  }
  const std::vector<Job> rest = run_halving(resumed);
  ASSERT_EQ(rest.size(), all.size() - stop);
  for (std::size_t i = 0; i < rest.size(); ++i) {
    EXPECT_EQ(rest[i].spec.trial_id, all[stop + i].spec.trial_id) << i;
    EXPECT_EQ(rest[i].rung, all[stop + i].rung) << i;
  }
}

}  // namespace
}  // namespace sweep
