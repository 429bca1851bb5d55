#include "sweep/search/tpe.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>

namespace sweep {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
const double kLogSqrt2Pi = 0.5 * std::log(2 * M_PI);

// log(Phi(x)), Phi the standard normal CDF.
double log_ndtr(double x) {
  if (x > 6) return std::log1p(-0.5 * std::erfc(x / M_SQRT2));
  if (x > -20) return std::log(0.5 * std::erfc(-x / M_SQRT2));
  // The asymptotic series of Mills' ratio, accurate to ~1e-10 relative here.
  const double x2 = x * x;
  const double series =
      1 - 1 / x2 + 3 / (x2 * x2) - 15 / (x2 * x2 * x2) + 105 / (x2 * x2 * x2 * x2);
  return -0.5 * x2 - std::log(-x) - kLogSqrt2Pi + std::log(series);
}

// log(exp(a) - exp(b)) for a >= b.
double log_diff(double a, double b) {
  if (b == -kInf) return a;
  return a + std::log1p(-std::exp(b - a));
}

// log(exp(a) + exp(b)).
double log_sum(double a, double b) {
  const double m = std::max(a, b);
  if (m == -kInf) return m;
  return m + std::log(std::exp(a - m) + std::exp(b - m));
}

// The x with log(Phi(x)) = y (y <= 0): safeguarded Newton steps on the increasing log_ndtr.
double ndtri_exp(double y) {
  if (y >= 0) return kInf;
  double lo = -40, hi = 40;
  double x = y > std::log(0.5) ? 0.0 : -std::sqrt(-2 * y);
  for (int i = 0; i < 200; ++i) {
    const double f = log_ndtr(x) - y;
    if (f > 0) {
      hi = x;
    } else {
      lo = x;
    }
    // d/dx log Phi(x) = pdf(x) / Phi(x)
    const double slope = std::exp(-0.5 * x * x - kLogSqrt2Pi - log_ndtr(x));
    double next = x - f / slope;
    if (!(next > lo && next < hi)) next = 0.5 * (lo + hi);
    if (std::abs(next - x) < 1e-13 * std::max(1.0, std::abs(x))) return next;
    x = next;
  }
  return x;
}

// Log-sum-exp of `v`.
double log_sum_exp(const std::vector<double>& v) {
  double m = -kInf;
  for (double x : v) m = std::max(m, x);
  if (m == -kInf) return m;
  double s = 0;
  for (double x : v) s += std::exp(x - m);
  return m + std::log(s);
}

// The index drawn from `weights` (summing to 1) by u in (0, 1).
std::size_t pick(const std::vector<double>& weights, double u) {
  double c = 0;
  for (std::size_t i = 0; i + 1 < weights.size(); ++i) {
    c += weights[i];
    if (u < c) return i;
  }
  return weights.size() - 1;
}

// The mixture weights of n observations plus the prior (last), summing to 1.
std::vector<double> mixture_weights(std::size_t n, double prior_weight) {
  std::vector<double> w = tpe_weights(n);
  w.push_back(prior_weight);
  const double s = std::accumulate(w.begin(), w.end(), 0.0);
  for (double& x : w) x /= s;
  return w;
}

// A Parzen estimator of one numeric parameter in its transformed space (log for log
// parameters): truncated normals at the observations and a prior over the whole range.
class NumericParzen {
 public:
  NumericParzen(const TpeParam& p, const std::vector<double>& observed, double prior_weight,
                bool divide_by_bandwidth)
      : param_(p) {
    if (p.kind == TpeParam::Kind::kInt && !p.log) {
      step_ = 1;
      low_ = p.low - 0.5;
      high_ = p.high + 0.5;
    } else if (p.kind == TpeParam::Kind::kInt) {
      low_ = std::log(p.low - 0.5);
      high_ = std::log(p.high + 0.5);
    } else if (p.log) {
      low_ = std::log(p.low);
      high_ = std::log(p.high);
    } else {
      low_ = p.low;
      high_ = p.high;
    }
    const std::size_t n = observed.size();
    weights_ = mixture_weights(n, prior_weight);
    mus_.reserve(n + 1);
    for (double v : observed) mus_.push_back(to_space(v));
    mus_.push_back(0.5 * (low_ + high_));
    // Each observation's bandwidth: the larger gap to its neighbours (the range's ends count as
    // neighbours, except for the outermost observations once there are two or more).
    std::vector<std::size_t> order(mus_.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return mus_[a] < mus_[b]; });
    std::vector<double> ends;
    ends.push_back(low_);
    for (std::size_t i : order) ends.push_back(mus_[i]);
    ends.push_back(high_);
    std::vector<double> sorted_sigma(mus_.size());
    for (std::size_t k = 0; k < mus_.size(); ++k) {
      sorted_sigma[k] = std::max(ends[k + 1] - ends[k], ends[k + 2] - ends[k + 1]);
    }
    if (ends.size() >= 4) {  // consider_endpoints = False
      sorted_sigma.front() = ends[2] - ends[1];
      sorted_sigma.back() = ends[ends.size() - 2] - ends[ends.size() - 3];
    }
    sigmas_.assign(mus_.size(), 0);
    const double range = high_ - low_;
    const double min_sigma = range / std::min(100.0, 1.0 + static_cast<double>(mus_.size()));
    for (std::size_t k = 0; k < order.size(); ++k) {
      sigmas_[order[k]] = std::clamp(sorted_sigma[k], min_sigma, range);  // the magic clip
    }
    sigmas_.back() = range;  // the prior
    // Per component what does not depend on the point: its weight and truncation (and, for a
    // density, the normal's constant and, unless Optuna 3.1's way is asked for, its bandwidth).
    for (std::size_t k = 0; k < mus_.size(); ++k) {
      const double s = sigmas_[k];
      double n =
          std::log(weights_[k]) - log_gauss_mass((low_ - mus_[k]) / s, (high_ - mus_[k]) / s);
      if (step_ == 0) n -= kLogSqrt2Pi + (divide_by_bandwidth ? std::log(s) : 0.0);
      log_norm_.push_back(n);
    }
  }

  // A value in the parameter's own units (whole for integers), drawn from the mixture.
  double sample(TpeRandom& rng) const {
    const std::size_t k = pick(weights_, rng.uniform());
    const double mu = mus_[k], s = sigmas_[k];
    const double z = truncnorm_quantile((low_ - mu) / s, (high_ - mu) / s, rng.uniform());
    return from_space(mu + s * z);
  }

  // The log density (a log probability for integers without log) of `v` in own units.
  double log_pdf(double v) const {
    const double x = to_space(v);
    terms_.resize(mus_.size());
    for (std::size_t k = 0; k < mus_.size(); ++k) {
      const double mu = mus_[k], s = sigmas_[k];
      if (step_ > 0) {
        const double lo = std::max(x - step_ / 2, low_), hi = std::min(x + step_ / 2, high_);
        terms_[k] = log_gauss_mass((lo - mu) / s, (hi - mu) / s) + log_norm_[k];
      } else {
        const double z = (x - mu) / s;
        terms_[k] = -0.5 * z * z + log_norm_[k];
      }
    }
    return log_sum_exp(terms_);
  }

 private:
  double to_space(double v) const { return param_.log ? std::log(v) : v; }
  double from_space(double x) const {
    if (param_.kind == TpeParam::Kind::kFloat) {
      return std::clamp(param_.log ? std::exp(x) : x, param_.low, param_.high);
    }
    const double v = param_.log ? std::round(std::exp(x)) : std::round(x - param_.low) + param_.low;
    return std::clamp(v, param_.low, param_.high);
  }

  TpeParam param_;
  double low_ = 0, high_ = 0, step_ = 0;
  std::vector<double> mus_, sigmas_, weights_, log_norm_;
  mutable std::vector<double> terms_;  // log_pdf's scratch
};

// A Parzen estimator of one categorical parameter: per observation a distribution peaked at its
// choice (prior_weight / (n + 1) on every choice, 1 more on its own), and a uniform prior.
class CategoricalParzen {
 public:
  CategoricalParzen(std::size_t choices, const std::vector<double>& observed, double prior_weight) {
    const std::size_t n = observed.size();
    weights_ = mixture_weights(n, prior_weight);
    const double base = prior_weight / static_cast<double>(n + 1);
    probs_.assign(n + 1, std::vector<double>(choices, base));
    for (std::size_t i = 0; i < n; ++i) probs_[i][static_cast<std::size_t>(observed[i])] += 1;
    for (auto& row : probs_) {
      const double s = std::accumulate(row.begin(), row.end(), 0.0);
      for (double& p : row) p /= s;
    }
  }

  double sample(TpeRandom& rng) const {
    const std::size_t k = pick(weights_, rng.uniform());
    return static_cast<double>(pick(probs_[k], rng.uniform()));
  }

  double log_pdf(double v) const {
    const auto c = static_cast<std::size_t>(v);
    double p = 0;
    for (std::size_t k = 0; k < probs_.size(); ++k) p += weights_[k] * probs_[k][c];
    return std::log(p);
  }

 private:
  std::vector<double> weights_;
  std::vector<std::vector<double>> probs_;
};

// The rank of an observation in the split: complete ones first (by loss), then pruned ones
// (later steps first, then by loss), then the running ones (the constant liar: the worst).
struct SplitKey {
  int tier;
  double step, loss;
  bool operator<(const SplitKey& o) const {
    if (tier != o.tier) return tier < o.tier;
    if (step != o.step) return step < o.step;
    return loss < o.loss;
  }
};

SplitKey split_key(const TpeObservation& o) {
  const double loss = std::isnan(o.loss) ? kInf : o.loss;
  switch (o.state) {
    case TpeObservation::State::kComplete:
      return {0, 0, loss};
    case TpeObservation::State::kPruned:
      return {1, -static_cast<double>(o.step), loss};
    case TpeObservation::State::kRunning:
      break;
  }
  return {2, 0, 0};
}

}  // namespace

std::size_t tpe_gamma(std::size_t n) { return std::min<std::size_t>((n + 9) / 10, 25); }

std::vector<double> tpe_weights(std::size_t n) {
  std::vector<double> w(n, 1.0);
  if (n < 25) return w;
  const std::size_t ramp = n - 25;
  const double from = 1.0 / static_cast<double>(n);
  for (std::size_t i = 0; i < ramp; ++i) {
    w[i] = ramp == 1 ? from
                     : from + (1.0 - from) * static_cast<double>(i) / static_cast<double>(ramp - 1);
  }
  return w;
}

double log_gauss_mass(double a, double b) {
  if (b <= 0) return log_diff(log_ndtr(b), log_ndtr(a));
  if (a > 0) return log_gauss_mass(-b, -a);
  // Around the centre: 1 minus both tails, without cancellation near 1.
  return std::log1p(-0.5 * std::erfc(-a / M_SQRT2) - 0.5 * std::erfc(b / M_SQRT2));
}

double truncnorm_quantile(double a, double b, double u) {
  if (a > 0) return -truncnorm_quantile(-b, -a, 1 - u);
  // Phi(x) = Phi(a) + u (Phi(b) - Phi(a)), in logs.
  const double log_phi = log_sum(log_ndtr(a), std::log(u) + log_gauss_mass(a, b));
  return std::clamp(ndtri_exp(std::min(log_phi, 0.0)), a, b);
}

double TpeRandom::uniform() {
  std::uint64_t x = (state_ += 0x9e3779b97f4a7c15ULL);
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  x ^= x >> 31;
  return (static_cast<double>(x >> 11) + 0.5) * 0x1.0p-53;
}

TpeSampler::TpeSampler(std::vector<TpeParam> space, TpeSettings settings)
    : space_(std::move(space)), settings_(settings) {
  if (space_.empty()) throw std::invalid_argument("TPE needs at least one parameter to search");
  for (const TpeParam& p : space_) {
    if (p.kind == TpeParam::Kind::kCategorical) {
      if (p.choices == 0) throw std::invalid_argument("a categorical parameter without choices");
      continue;
    }
    if (p.kind == TpeParam::Kind::kInt ? p.low > p.high : p.low >= p.high) {
      throw std::invalid_argument("a parameter's low bound is not below its high bound");
    }
    if (p.log && p.low <= 0) throw std::invalid_argument("a log parameter's low bound is <= 0");
  }
  if (settings_.ei_candidates == 0) settings_.ei_candidates = 1;
}

std::size_t TpeSampler::finished(const std::vector<TpeObservation>& history) {
  return static_cast<std::size_t>(std::count_if(
      history.begin(), history.end(),
      [](const TpeObservation& o) { return o.state != TpeObservation::State::kRunning; }));
}

bool TpeSampler::uses_model(const std::vector<TpeObservation>& history) const {
  return finished(history) >= std::max<std::size_t>(settings_.startup_trials, 1);
}

std::vector<double> TpeSampler::random_point(TpeRandom& rng) const {
  std::vector<double> x;
  for (const TpeParam& p : space_) {
    const double u = rng.uniform();
    switch (p.kind) {
      case TpeParam::Kind::kCategorical:
        x.push_back(std::min(static_cast<double>(p.choices) - 1,
                             std::floor(u * static_cast<double>(p.choices))));
        break;
      case TpeParam::Kind::kInt:
        if (p.log) {
          const double lo = std::log(p.low - 0.5), hi = std::log(p.high + 0.5);
          x.push_back(std::clamp(std::round(std::exp(lo + u * (hi - lo))), p.low, p.high));
        } else {
          x.push_back(std::min(p.high, p.low + std::floor(u * (p.high - p.low + 1))));
        }
        break;
      case TpeParam::Kind::kFloat:
        x.push_back(p.log ? std::exp(std::log(p.low) + u * (std::log(p.high) - std::log(p.low)))
                          : p.low + u * (p.high - p.low));
        break;
    }
  }
  return x;
}

void TpeSampler::split(const std::vector<TpeObservation>& history, std::vector<std::size_t>& below,
                       std::vector<std::size_t>& above) const {
  std::vector<std::size_t> order(history.size());
  std::iota(order.begin(), order.end(), 0);
  std::vector<SplitKey> keys;
  keys.reserve(history.size());
  for (const TpeObservation& o : history) keys.push_back(split_key(o));
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return keys[a] < keys[b]; });
  const std::size_t n_below = tpe_gamma(finished(history));
  below.assign(order.begin(), order.begin() + static_cast<long>(n_below));
  above.assign(order.begin() + static_cast<long>(n_below), order.end());
  std::sort(below.begin(), below.end());  // oldest first, for the weights
  std::sort(above.begin(), above.end());
}

std::vector<double> TpeSampler::values_of(std::size_t p, const std::vector<std::size_t>& idx,
                                          const std::vector<TpeObservation>& history) {
  std::vector<double> v;
  for (std::size_t i : idx) {
    if (p < history[i].x.size() && !std::isnan(history[i].x[p])) v.push_back(history[i].x[p]);
  }
  return v;
}

std::vector<double> TpeSampler::suggest(const std::vector<TpeObservation>& history,
                                        TpeRandom& rng) const {
  if (!uses_model(history)) return random_point(rng);
  std::vector<std::size_t> below, above;
  split(history, below, above);
  std::vector<double> x;
  for (std::size_t p = 0; p < space_.size(); ++p) {
    x.push_back(suggest_param(p, below, above, history, rng));
  }
  return x;
}

double TpeSampler::score(std::size_t p, double v,
                         const std::vector<TpeObservation>& history) const {
  if (!uses_model(history)) {
    throw std::logic_error("TpeSampler::score: fewer finished trials than startup_trials");
  }
  std::vector<std::size_t> below, above;
  split(history, below, above);
  const TpeParam& param = space_.at(p);
  if (param.kind == TpeParam::Kind::kCategorical) {
    const CategoricalParzen l(param.choices, values_of(p, below, history), settings_.prior_weight);
    const CategoricalParzen g(param.choices, values_of(p, above, history), settings_.prior_weight);
    return l.log_pdf(v) - g.log_pdf(v);
  }
  const NumericParzen l(param, values_of(p, below, history), settings_.prior_weight,
                        settings_.divide_by_bandwidth);
  const NumericParzen g(param, values_of(p, above, history), settings_.prior_weight,
                        settings_.divide_by_bandwidth);
  return l.log_pdf(v) - g.log_pdf(v);
}

double TpeSampler::suggest_param(std::size_t p, const std::vector<std::size_t>& below,
                                 const std::vector<std::size_t>& above,
                                 const std::vector<TpeObservation>& history, TpeRandom& rng) const {
  auto values = [&](const std::vector<std::size_t>& idx) { return values_of(p, idx, history); };
  const TpeParam& param = space_[p];
  auto best_of = [&](const auto& l, const auto& g) {
    double best = 0, best_score = -kInf;
    for (std::size_t c = 0; c < settings_.ei_candidates; ++c) {
      const double v = l.sample(rng);
      const double score = l.log_pdf(v) - g.log_pdf(v);
      if (c == 0 || score > best_score) {
        best = v;
        best_score = score;
      }
    }
    return best;
  };
  if (param.kind == TpeParam::Kind::kCategorical) {
    const CategoricalParzen l(param.choices, values(below), settings_.prior_weight);
    const CategoricalParzen g(param.choices, values(above), settings_.prior_weight);
    return best_of(l, g);
  }
  const NumericParzen l(param, values(below), settings_.prior_weight,
                        settings_.divide_by_bandwidth);
  const NumericParzen g(param, values(above), settings_.prior_weight,
                        settings_.divide_by_bandwidth);
  return best_of(l, g);
}

}  // namespace sweep
