// Live progress of a sweep on rank 0: what is done, running and failed, the best trial so far,
// elapsed time, ETA and throughput (ProgressTracker), and when to show it (ProgressDisplay):
// redrawn in place on a terminal, one log line every N seconds otherwise (Slurm/LSF logs).
// Pure logic: the caller passes the time, so both are tested without clocks or MPI.
#pragma once

#include <cstdint>
#include <cstdio>
#include <map>
#include <string>

#include "core/trial.h"

namespace sweep {

// Counts and the best result of one `sweep run`.
class ProgressTracker {
 public:
  // `total`: trials this run will train (those already stored are not counted).
  explicit ProgressTracker(std::size_t total);

  // Records a finished (stored) trial, no longer running: ok, pruned, failed or diverged. The
  // best is taken over ok trials by val_acc when the result has one, else by test_acc (as
  // `sweep rank` does).
  void finished(const TrialResult& r);
  // Records an epoch that the running trial `trial` (of `epochs` epochs) reported: shown in the
  // line (epochs done, latest val_acc) and the basis of the ETA from measured epoch times.
  void epoch(std::uint64_t trial, int epochs, const EpochMetrics& m);
  // How many trials are being trained now.
  void set_running(std::size_t running) { running_ = running; }
  // How many trials of this run continue from a state an earlier run saved: the line says so
  // until each has finished (a result with epochs_restored > 0).
  void set_resuming(std::size_t n) { resuming_ = n; }

  std::size_t total() const { return total_; }
  std::size_t done() const { return done_; }
  std::size_t failed() const { return failed_; }
  std::size_t diverged() const { return diverged_; }
  std::size_t pruned() const { return pruned_; }
  std::size_t running() const { return running_; }
  bool has_best() const { return !best_metric_.empty(); }
  double best_value() const { return best_value_; }
  std::uint64_t best_trial() const { return best_trial_; }

  // Trials finished per hour over `elapsed` seconds; 0 before the first one.
  double trials_per_hour(double elapsed) const;
  // Seconds still needed; negative when unknown. Once an epoch was reported or a trial finished
  // with epochs: the epochs left (of the running trials, and as many per trial as they have for
  // those not started) times the mean epoch time, shared by the running trials. Before that,
  // nothing is known.
  double eta_seconds(double elapsed) const;
  // One line, e.g. "12/48 done (1 failed), 2 running (epoch 3/20 val_acc 0.8412, epoch 5/20
  // val_acc 0.8610) | best val_acc 0.9050 (test_acc 0.9012, trial 0a1b...) | 3m12s elapsed,
  // ETA 9m36s, 225 trials/h".
  std::string line(double elapsed) const;

 private:
  std::size_t total_;
  struct Running {
    int epochs = 0, done = 0;
    double val_acc = 0;
  };
  std::size_t done_ = 0, failed_ = 0, diverged_ = 0, pruned_ = 0, running_ = 0, resuming_ = 0;
  std::map<std::uint64_t, Running> reporting_;  // running trials that reported an epoch
  double epoch_seconds_ = 0;                    // summed over the epochs seen
  std::size_t epochs_seen_ = 0;
  double epochs_per_trial_ = 0;  // the latest reporting trial's epochs
  std::string best_metric_;      // "" until an ok trial with a metric finishes
  double best_value_ = 0;
  double best_test_ = 0;  // the best trial's test_acc (NaN without a test set)
  std::uint64_t best_trial_ = 0;
};

// "45s", "3m12s", "2h05m", "3d04h"; "?" for a negative or non-finite value.
std::string format_duration(double seconds);

// A rate with enough digits to tell a slow one from zero: "5432", "12", "3.5", "0.25", "0".
std::string format_rate(double per_second);

// How progress is shown.
enum class ProgressMode {
  kOff,       // --quiet
  kTerminal,  // stdout is a terminal: one line redrawn in place
  kLog,       // stdout is a file or pipe: a line every `every` seconds
};

// Decides when the progress line is written and writes it to `out`.
class ProgressDisplay {
 public:
  // `every`: seconds between log lines (kLog). Terminal redraws come at most twice a second;
  // `width`: the terminal's columns, longer lines are cut (0: no limit).
  ProgressDisplay(ProgressMode mode, double every, std::FILE* out, std::size_t width = 0);

  // Writes the line when it is due at time `now` (seconds since the start); returns whether it
  // wrote. A result (`changed`) makes a terminal line due at once.
  bool tick(const ProgressTracker& p, double now, bool changed = false);
  // Writes `text` as its own line to `to` (nullptr: the display's stream), keeping a
  // terminal's progress line below it.
  void print(const std::string& text, std::FILE* to = nullptr);
  // Ends the display: a terminal's line is cleared (log mode writes nothing more).
  void finish();

 private:
  void clear_terminal_line();

  ProgressMode mode_;
  double every_;
  std::FILE* out_;
  std::size_t width_;
  double last_ = 0;
  bool drawn_ = false;  // a terminal line is on screen
};

}  // namespace sweep
