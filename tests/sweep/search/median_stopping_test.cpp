#include "sweep/search/median_stopping.h"

#include <gtest/gtest.h>

#include <cmath>

namespace sweep {
namespace {

std::vector<EpochMetrics> curve(const std::vector<double>& val_acc) {
  std::vector<EpochMetrics> c;
  for (std::size_t i = 0; i < val_acc.size(); ++i) {
    EpochMetrics m;
    m.epoch = static_cast<int>(i) + 1;
    m.val_acc = val_acc[i];
    c.push_back(m);
  }
  return c;
}

TrialResult trial(std::uint64_t id, const std::vector<double>& val_acc, Status s = Status::kOk) {
  TrialResult r;
  r.trial_id = id;
  r.status = s;
  r.epochs = curve(val_acc);
  return r;
}

TEST(MedianStopping, StopsATrialBelowTheMedianOfCompletedOnesAtThatEpoch) {
  MedianStopping rule({0, 3});
  rule.add(trial(1, {0.5, 0.6, 0.7}));
  rule.add(trial(2, {0.6, 0.7, 0.8}));
  EXPECT_EQ(rule.verdict(curve({0.1})), "");  // 2 completed of the 3 needed
  rule.add(trial(3, {0.7, 0.8, 0.9}));
  EXPECT_EQ(rule.verdict(curve({0.6})), "");   // at the median: goes on
  EXPECT_EQ(rule.verdict(curve({0.65})), "");  // above it
  const std::string why = rule.verdict(curve({0.59}));
  EXPECT_EQ(why,
            "stopped at epoch 1 by the median rule: best val_acc 0.5900 below the median 0.6000 "
            "of 3 completed trials there");
  // Its best so far counts, not its last epoch: 0.75 at epoch 1 beats epoch 2's median 0.7.
  EXPECT_EQ(rule.verdict(curve({0.75, 0.5})), "");
  EXPECT_NE(rule.verdict(curve({0.55, 0.65})), "");
}

TEST(MedianStopping, EvenCountsTakeTheMeanOfTheMiddleTwo) {
  MedianStopping rule({0, 1});
  rule.add(trial(1, {0.4}));
  rule.add(trial(2, {0.6}));
  EXPECT_EQ(rule.verdict(curve({0.5})), "");
  EXPECT_NE(rule.verdict(curve({0.49})), "");
}

TEST(MedianStopping, WarmupEpochsAndEpochsNoReferenceReachedNeverStop) {
  MedianStopping rule({2, 1});
  rule.add(trial(1, {0.9, 0.9, 0.9}));
  EXPECT_EQ(rule.verdict(curve({0.1})), "");
  EXPECT_EQ(rule.verdict(curve({0.1, 0.1})), "");
  EXPECT_NE(rule.verdict(curve({0.1, 0.1, 0.1})), "");
  EXPECT_EQ(rule.verdict(curve({0.1, 0.1, 0.1, 0.1})), "");  // no reference has epoch 4
}

TEST(MedianStopping, OnlyCompletedTrialsAreReferencesAndEachCountsOnce) {
  MedianStopping rule({0, 2});
  rule.add(trial(1, {0.9}));
  rule.add(trial(1, {0.9}));  // the same trial again
  rule.add(trial(2, {0.1}, Status::kPruned));
  rule.add(trial(3, {0.1}, Status::kDiverged));
  rule.add(trial(4, {0.1}, Status::kFailed));
  EXPECT_EQ(rule.references(), 1u);
  EXPECT_EQ(rule.verdict(curve({0.2})), "");
  rule.add(trial(5, {0.9}));
  EXPECT_NE(rule.verdict(curve({0.2})), "");
}

TEST(MedianStopping, ATrialWithoutValidationAccuracyStopsOnceTheRuleApplies) {
  MedianStopping rule({0, 1});
  rule.add(trial(1, {0.5}));
  EXPECT_NE(rule.verdict(curve({NAN})), "");
}

// A work source that hands out three trials.
class Three : public WorkSource {
 public:
  std::optional<Job> next() override {
    if (n_ == 3) return std::nullopt;
    Job j;
    j.spec.trial_id = ++n_;
    return j;
  }
  bool exhausted() const override { return n_ == 3; }
  void finished(const Job&, const TrialResult&) override { ++finished_; }
  void abandoned(const Job&) override {}
  int n_ = 0, finished_ = 0;
};

TEST(MedianStopping, StoppingWorkMarksJobsAndRecordsResults) {
  Three inner;
  MedianStopping rule({0, 1});
  StoppingWork work(inner, rule);
  const std::optional<Job> j = work.next();
  ASSERT_TRUE(j);
  EXPECT_TRUE(j->await_verdict);
  work.finished(*j, trial(j->spec.trial_id, {0.8}));
  EXPECT_EQ(inner.finished_, 1);
  EXPECT_EQ(rule.references(), 1u);
  EXPECT_FALSE(work.exhausted());
}

}  // namespace
}  // namespace sweep
