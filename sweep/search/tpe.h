// The Tree-structured Parzen Estimator (Bergstra et al., 2011) as Optuna 3.1's TPESampler
// computes it by default (see TpeSettings::divide_by_bandwidth for the one choice to make)
// (independent sampling per parameter, a prior component, the magic clip, 24 expected-improvement
// candidates, gamma(n) = min(ceil(0.1 n), 25), weights ramping down for all but the newest 25
// trials), with the running trials imputed as the worst (Optuna's constant_liar). Pure logic on
// numbers: no keys, no files, no clock.
#pragma once

#include <cstdint>
#include <vector>

namespace sweep {

// One dimension of the search space, in the parameter's own units.
struct TpeParam {
  enum class Kind { kFloat, kInt, kCategorical };
  Kind kind = Kind::kFloat;
  bool log = false;          // kFloat, kInt: sampled on a log scale (low > 0)
  double low = 0, high = 0;  // kFloat, kInt: the bounds, inclusive
  std::size_t choices = 0;   // kCategorical: how many values (indices 0 .. choices-1)
};

// A trial the model learns from: its parameter values (a categorical's index; NaN where the
// trial does not use the parameter), in the order trials were handed out or finished.
struct TpeObservation {
  enum class State { kComplete, kPruned, kRunning };
  std::vector<double> x;
  State state = State::kComplete;
  double loss = 0;  // kComplete, kPruned: lower is better (kRunning: unused)
  int step = 0;     // kPruned: the last step (epoch) it reported; later steps rank better
};

struct TpeSettings {
  std::size_t startup_trials = 10;  // finished trials before the model is used
  std::size_t ei_candidates = 24;   // candidates drawn from l(x) per parameter
  double prior_weight = 1.0;
  // A continuous parameter's components as densities divided by their bandwidth, as Optuna
  // 3.5 and later compute them (optuna#5109). Off, as in Optuna 3.1: each component's density
  // is not divided by its bandwidth, so wide components (the prior, lone trials) weigh more;
  // measured better on Branin and Hartmann-6 and even on the mixed space
  // (tests/bench/tpe_functions.sh).
  bool divide_by_bandwidth = false;
};

// gamma(n) = min(ceil(0.1 n), 25): how many of n finished trials form the good group l(x).
std::size_t tpe_gamma(std::size_t n);

// The weights of n observations, oldest first: 1 each below 25, else a ramp from 1/n up to 1
// for the oldest n - 25 and 1 for the newest 25 (Optuna's default_weights).
std::vector<double> tpe_weights(std::size_t n);

// log(Phi(b) - Phi(a)) for a < b, Phi the standard normal CDF, accurate in both tails.
double log_gauss_mass(double a, double b);

// A draw from the standard normal truncated to [a, b] (a < b) from u in (0, 1).
double truncnorm_quantile(double a, double b, double u);

// Fixed-seed generator of uniform numbers in (0, 1) (splitmix64): the same seed gives the same
// numbers on any machine and compiler, unlike the std:: distributions.
class TpeRandom {
 public:
  explicit TpeRandom(std::uint64_t seed) : state_(seed) {}
  double uniform();  // in (0, 1)

 private:
  std::uint64_t state_;
};

class TpeSampler {
 public:
  // Throws std::invalid_argument on an empty space, low >= high (kInt: low > high), log with
  // low <= 0, or a categorical with no choices.
  TpeSampler(std::vector<TpeParam> space, TpeSettings settings);

  // How many observations count as finished (complete or pruned).
  static std::size_t finished(const std::vector<TpeObservation>& history);
  // True when `history` has at least startup_trials finished trials: suggest() uses the model.
  bool uses_model(const std::vector<TpeObservation>& history) const;

  // A point drawn uniformly (log-uniformly for log parameters) from `rng`.
  std::vector<double> random_point(TpeRandom& rng) const;

  // The next point to evaluate given `history`: random_point() during the startup phase, else
  // per parameter the candidate drawn from l(x) (the best gamma(n) trials) with the highest
  // l(x)/g(x), g(x) fitted on the rest and on the running trials. Deterministic in (history,
  // rng). Integers come back whole, categoricals as indices.
  std::vector<double> suggest(const std::vector<TpeObservation>& history, TpeRandom& rng) const;

  // The score suggest() ranks candidates by: log l(v) - log g(v) for value `v` (own units; a
  // categorical's index) of parameter `p`, with l and g fitted on the split of `history` that
  // suggest() makes. Throws std::logic_error while !uses_model(history).
  double score(std::size_t p, double v, const std::vector<TpeObservation>& history) const;

  const std::vector<TpeParam>& space() const { return space_; }

 private:
  // The indices of `history`'s good group l(x) (the best gamma(n)) and of the rest, each in
  // history order (oldest first, for the weights).
  void split(const std::vector<TpeObservation>& history, std::vector<std::size_t>& below,
             std::vector<std::size_t>& above) const;
  // Parameter p's values among `idx` (trials that do not use it left out).
  static std::vector<double> values_of(std::size_t p, const std::vector<std::size_t>& idx,
                                       const std::vector<TpeObservation>& history);
  double suggest_param(std::size_t p, const std::vector<std::size_t>& below,
                       const std::vector<std::size_t>& above,
                       const std::vector<TpeObservation>& history, TpeRandom& rng) const;

  std::vector<TpeParam> space_;
  TpeSettings settings_;
};

}  // namespace sweep
