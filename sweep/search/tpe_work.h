// search = tpe as a WorkSource: each free worker gets the trial the TPE model suggests from the
// results so far (the running trials imputed as the worst, so that workers do not crowd one
// point), trials made from the grid's axes by TrialBuilder, and resume from stored rows.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <optional>
#include <string>
#include <unordered_set>
#include <utility>
#include <vector>

#include "sweep/grid/grid.h"
#include "sweep/search/tpe.h"
#include "sweep/search/work_source.h"

namespace sweep {

// The TPE dimension of each axis of `grid`, in TrialBuilder's axis order: a list or choice()
// is categorical; uniform/loguniform of an integer key and int() are integers; of a float key,
// floats (log-scaled for loguniform).
std::vector<TpeParam> tpe_space(const std::vector<const GridEntry*>& axes);

// TPE over a grid's axes: the model's coordinates of trials, and new trials made from its
// suggestions by TrialBuilder. `grid` must outlive it.
class TpeSuggester {
 public:
  // Throws std::invalid_argument on a grid without axes.
  explicit TpeSuggester(const Grid& grid);

  // The values of the grid's axes in `params` (a stored row's keys), in axis order; nullopt
  // when one is missing.
  std::optional<std::vector<std::string>> axis_values(
      const std::vector<std::pair<std::string, std::string>>& params) const;
  // The model's coordinates of axis values; NaN where a value is outside its axis.
  std::vector<double> coordinates(const std::vector<std::string>& values) const;
  // The coordinates of a trial of this grid.
  std::vector<double> coordinates(const TrialSpec& spec) const;
  // The trial whose axes take `values`.
  TrialSpec build(const std::vector<std::string>& values) { return builder_.build(values); }

  // A new trial, number `t` of the sweep: the model's suggestion from `history` (random while
  // it has fewer than startup_trials finished trials), drawn again while `taken` says the
  // trial is in the sweep already (50 draws from the model, then 50 at random); nullopt when
  // none of 100 draws is new. Deterministic in (grid, search_seed, t, history). `from_model`
  // tells whether the model made it; `repeats` counts the dropped draws.
  std::optional<TrialSpec> suggest(const std::vector<TpeObservation>& history, std::size_t t,
                                   const std::function<bool(std::uint64_t)>& taken,
                                   bool& from_model, std::size_t& repeats);

 private:
  std::vector<std::string> values_of(const std::vector<double>& x) const;

  const Grid& grid_;
  TrialBuilder builder_;
  TpeSampler sampler_;
};

class TpeWork : public WorkSource {
 public:
  // `grid` (search = tpe, at least one axis) must outlive this. Throws std::invalid_argument
  // on a grid without axes.
  explicit TpeWork(const Grid& grid);

  // Takes a row stored by an earlier run (call in the file's order, before the first next()):
  // an ok or diverged row is a result the model learns from (a diverged one as the worst), a
  // pruned row one ranked after every completed trial (by its epochs, then val_acc), a
  // failed row counts against `samples` and is not learned from (with retry_failed it is run
  // again before anything new). A later row of the same trial replaces an earlier one.
  // `params`: the row's key values. Returns whether the row was taken.
  bool restore(const std::vector<std::pair<std::string, std::string>>& params,
               const TrialResult& stored, bool retry_failed);

  // A trial an earlier run saved mid-way (its state file's id and key values): handed out again
  // first, so that it continues from its state, counted as one of the sweep's trials. Call after
  // restore(), before the first next(). Returns false (and does nothing) when the values are
  // not a trial of this grid with that id, or the trial is already one of the sweep's.
  bool continue_saved(std::uint64_t id,
                      const std::vector<std::pair<std::string, std::string>>& params);

  std::optional<Job> next() override;
  bool exhausted() const override;
  void finished(const Job& job, const TrialResult& result) override;
  void abandoned(const Job& job) override;

  // Trials of the sweep so far: restored, running and finished this run (at most `samples`).
  std::size_t trials() const { return seen_.size(); }
  // Of the trials handed out this run, how many the model suggested (the rest were random).
  std::size_t from_model() const { return from_model_; }
  // Trials saved mid-way queued to continue (continue_saved) and not yet handed out.
  std::size_t saved() const { return saved_.size(); }
  // Failed trials queued to run again (restore with retry_failed) and not yet handed out.
  std::size_t retries() const { return retry_.size(); }
  // Suggestions dropped because they repeated a trial of the sweep.
  std::size_t repeats() const { return repeats_; }
  // True when no new trial could be found (100 draws in a row repeated earlier ones).
  bool space_exhausted() const { return gave_up_; }
  // True when `id` is a trial of this sweep.
  bool contains(std::uint64_t id) const { return seen_.count(id) > 0; }
  // The observations the next suggestion is made from: finished results in the order they
  // came, then the running trials in the order they were handed out.
  std::vector<TpeObservation> history() const;

 private:
  void learn(std::uint64_t id, const std::vector<double>& x, const TrialResult& r);

  const Grid& grid_;
  TpeSuggester suggester_;
  std::vector<std::pair<std::uint64_t, TpeObservation>> done_;          // finished, in order
  std::vector<std::pair<std::uint64_t, std::vector<double>>> running_;  // handed out
  std::unordered_set<std::uint64_t> seen_;                              // every trial of the sweep
  std::deque<TrialSpec> retry_;  // failed trials to run again first
  std::deque<TrialSpec> saved_;  // trials saved mid-way, to continue before anything else
  std::size_t from_model_ = 0, repeats_ = 0;
  bool gave_up_ = false;
};

}  // namespace sweep
