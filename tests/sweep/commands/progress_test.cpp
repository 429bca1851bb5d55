#include "sweep/commands/progress.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

namespace sweep {
namespace {

TrialResult result(std::uint64_t id, Status s, double val, double test = TrialResult::kNaN) {
  TrialResult r;
  r.trial_id = id;
  r.status = s;
  r.val_acc = val;
  r.test_acc = test;
  return r;
}

// Everything a display wrote to its stream.
class Captured {
 public:
  Captured() : buf_(), f_(open_memstream(&buf_, &size_)) {}
  ~Captured() {
    std::fclose(f_);
    std::free(buf_);
  }
  std::FILE* file() { return f_; }
  std::string text() {
    std::fflush(f_);
    return std::string(buf_, size_);
  }

 private:
  char* buf_;
  std::size_t size_ = 0;
  std::FILE* f_;
};

TEST(ProgressTracker, CountsAndBestTrial) {
  ProgressTracker p(5);
  p.finished(result(1, Status::kOk, 0.5, 0.6));
  p.finished(result(2, Status::kFailed, TrialResult::kNaN));
  p.finished(result(3, Status::kOk, 0.9, 0.8));
  p.finished(result(4, Status::kOk, 0.99, 0.7));  // better validation, worse test: chosen
  p.finished(result(5, Status::kDiverged, 0.1));
  EXPECT_EQ(p.done(), 5u);
  EXPECT_EQ(p.failed(), 1u);
  EXPECT_EQ(p.diverged(), 1u);
  ASSERT_TRUE(p.has_best());
  EXPECT_EQ(p.best_trial(), 4u);
  EXPECT_DOUBLE_EQ(p.best_value(), 0.99);
  const std::string line = p.line(10);
  EXPECT_NE(line.find("best val_acc 0.9900 (test_acc 0.7000, trial 0000000000000004)"),
            std::string::npos)
      << line;
}

TEST(ProgressTracker, ValidationOutranksTestAccuracyOnly) {
  ProgressTracker p(3);
  p.finished(result(1, Status::kOk, TrialResult::kNaN, 0.95));  // no validation: by test_acc
  EXPECT_EQ(p.best_trial(), 1u);
  p.finished(result(2, Status::kOk, 0.5, 0.6));
  EXPECT_EQ(p.best_trial(), 2u);
  p.finished(result(3, Status::kOk, TrialResult::kNaN, 0.99));
  EXPECT_EQ(p.best_trial(), 2u);
}

TEST(FormatRate, ASlowRateIsNotShownAsZero) {
  // The case: a slow sweep printed "0 results/s stored in 7 writes".
  EXPECT_EQ(format_rate(0.23), "0.23");
  EXPECT_EQ(format_rate(3.46), "3.5");
  EXPECT_EQ(format_rate(12.4), "12");
  EXPECT_EQ(format_rate(5432.1), "5432");
  EXPECT_EQ(format_rate(0), "0");
}

TEST(ProgressTracker, RateAndEta) {
  ProgressTracker p(10);
  EXPECT_LT(p.eta_seconds(100), 0);
  EXPECT_EQ(p.trials_per_hour(100), 0);
  for (int i = 0; i < 4; ++i) p.finished(result(i, Status::kOk, 0.5));
  EXPECT_DOUBLE_EQ(p.trials_per_hour(120), 120.0);
  EXPECT_DOUBLE_EQ(p.eta_seconds(120), 180.0);  // 6 left at 30 s each
  p.set_running(2);
  const std::string line = p.line(120);
  EXPECT_NE(line.find("4/10 done, 2 running"), std::string::npos) << line;
  EXPECT_NE(line.find("best val_acc 0.5000 (trial 0000000000000000)"), std::string::npos) << line;
  EXPECT_NE(line.find("2m00s elapsed, ETA 3m00s, 120 trials/h"), std::string::npos) << line;
}

TEST(ProgressTracker, RunningTrialsShowTheirEpochsAndTheEtaComesFromEpochTimes) {
  // Two 20-epoch trials on two workers, 10 s an epoch: after each reported epoch 1, the line
  // shows both and the ETA is 19 epochs x 10 s (not "?", as before any trial finished).
  ProgressTracker p(2);
  p.set_running(2);
  EpochMetrics m;
  m.epoch = 1;
  m.val_acc = 0.71;
  m.seconds = 10;
  p.epoch(1, 20, m);
  m.val_acc = 0.68;
  p.epoch(2, 20, m);
  EXPECT_DOUBLE_EQ(p.eta_seconds(20), 190.0);
  const std::string line = p.line(20);
  EXPECT_NE(line.find("0/2 done, 2 running (epoch 1/20 val_acc 0.7100, epoch 1/20 val_acc "
                      "0.6800) | no result yet | 20s elapsed, ETA 3m10s"),
            std::string::npos)
      << line;
  // Four trials in all, one finishes pruned after 3 of its 20 epochs: the two pending ones have
  // 20 epochs each ahead.
  ProgressTracker q(4);
  q.set_running(2);
  q.epoch(1, 20, m);
  m.epoch = 2;
  q.epoch(1, 20, m);
  q.epoch(2, 20, m);
  TrialResult r = result(1, Status::kPruned, 0.6);
  r.epochs_run = 3;
  for (int e = 1; e <= 3; ++e) {
    EpochMetrics x;
    x.epoch = e;
    x.seconds = 10;
    r.epochs.push_back(x);
  }
  q.finished(r);
  q.set_running(2);  // the next trial started at once
  EXPECT_NE(q.line(40).find("1/4 done (1 pruned), 2 running (epoch 2/20"), std::string::npos)
      << q.line(40);
  // Left: 18 epochs of trial 2, 20 for the silent running one, 20 for the last pending one.
  EXPECT_DOUBLE_EQ(q.eta_seconds(40), (18 + 20 + 20) * 10.0 / 2);
}

TEST(ProgressTracker, TrialsSavedMidWayAreShownUntilTheyFinish) {
  ProgressTracker p(3);
  p.set_resuming(2);
  p.set_running(2);
  EXPECT_NE(p.line(1).find("2 running (2 saved mid-way, continuing)"), std::string::npos)
      << p.line(1);
  TrialResult fresh;
  fresh.trial_id = 1;
  fresh.status = Status::kOk;
  p.finished(fresh);  // trained from the start: not one of them
  EXPECT_NE(p.line(2).find("(2 saved mid-way, continuing)"), std::string::npos) << p.line(2);
  TrialResult resumed = fresh;
  resumed.trial_id = 2;
  resumed.epochs_restored = 3;
  p.finished(resumed);
  EXPECT_NE(p.line(3).find("(1 saved mid-way, continuing)"), std::string::npos) << p.line(3);
  resumed.trial_id = 3;
  p.finished(resumed);
  EXPECT_EQ(p.line(4).find("saved mid-way"), std::string::npos) << p.line(4);
}

TEST(ProgressTracker, LineBeforeAnyResultAndWithFailures) {
  ProgressTracker p(3);
  EXPECT_NE(p.line(5).find("0/3 done, 0 running | no result yet | 5s elapsed, ETA ?"),
            std::string::npos)
      << p.line(5);
  p.finished(result(7, Status::kFailed, TrialResult::kNaN));
  EXPECT_NE(p.line(5).find("1/3 done (1 failed)"), std::string::npos) << p.line(5);
}

TEST(FormatDuration, Units) {
  EXPECT_EQ(format_duration(0), "0s");
  EXPECT_EQ(format_duration(59.4), "59s");
  EXPECT_EQ(format_duration(192), "3m12s");
  EXPECT_EQ(format_duration(2 * 3600 + 5 * 60 + 10), "2h05m");
  EXPECT_EQ(format_duration(3 * 86400 + 4 * 3600), "3d04h");
  EXPECT_EQ(format_duration(-1), "?");
  EXPECT_EQ(format_duration(std::nan("")), "?");
}

TEST(ProgressDisplay, LogModeWritesOneLineEveryInterval) {
  Captured out;
  ProgressDisplay d(ProgressMode::kLog, 30, out.file());
  ProgressTracker p(4);
  EXPECT_FALSE(d.tick(p, 10));
  EXPECT_FALSE(d.tick(p, 20, true));  // a result does not make a log line due
  EXPECT_TRUE(d.tick(p, 30));
  EXPECT_FALSE(d.tick(p, 59));
  EXPECT_TRUE(d.tick(p, 61));
  const std::string text = out.text();
  EXPECT_EQ(text.find('\r'), std::string::npos);
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 2);
  EXPECT_EQ(text.rfind("progress: 0/4 done", 0), 0u) << text;
}

TEST(ProgressDisplay, TerminalRedrawsInPlaceAndKeepsPrintedLinesAbove) {
  Captured out;
  ProgressDisplay d(ProgressMode::kTerminal, 30, out.file(), 15);
  ProgressTracker p(4);
  EXPECT_TRUE(d.tick(p, 0));
  EXPECT_FALSE(d.tick(p, 0.2));
  EXPECT_TRUE(d.tick(p, 0.3, true));
  EXPECT_TRUE(d.tick(p, 0.9));
  d.print("trial line");
  d.finish();
  const std::string text = out.text();
  EXPECT_EQ(text.rfind("\r0/4 done, 0 ru\033[K", 0), 0u) << text;  // cut to 14 columns
  EXPECT_NE(text.find("\r\033[Ktrial line\n"), std::string::npos);
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 1);
}

TEST(ProgressDisplay, OffWritesNothing) {
  Captured out;
  ProgressDisplay d(ProgressMode::kOff, 30, out.file());
  ProgressTracker p(1);
  EXPECT_FALSE(d.tick(p, 100, true));
  d.finish();
  EXPECT_EQ(out.text(), "");
}

}  // namespace
}  // namespace sweep
