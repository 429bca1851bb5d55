// Test functions for search methods and a simulation of asynchronous workers evaluating them:
// shared by the TPE unit tests and tests/bench/tpe_functions.cpp (whose Python twin,
// tests/bench/tpe_functions.py, defines the same functions for Optuna).
#pragma once

#include <algorithm>
#include <cmath>
#include <functional>
#include <string>
#include <vector>

#include "sweep/search/tpe.h"

namespace sweep::testing {

struct TestFunction {
  std::string name;
  std::vector<TpeParam> space;
  std::function<double(const std::vector<double>&)> f;  // to minimize
  double minimum;
};

inline TpeParam float_param(double low, double high, bool log = false) {
  TpeParam p;
  p.kind = TpeParam::Kind::kFloat;
  p.low = low;
  p.high = high;
  p.log = log;
  return p;
}

// Branin-Hoo on [-5, 10] x [0, 15]; minimum 0.397887.
inline TestFunction branin() {
  return {"branin",
          {float_param(-5, 10), float_param(0, 15)},
          [](const std::vector<double>& x) {
            const double b = 5.1 / (4 * M_PI * M_PI), c = 5 / M_PI, t = 1 / (8 * M_PI);
            const double u = x[1] - b * x[0] * x[0] + c * x[0] - 6;
            return u * u + 10 * (1 - t) * std::cos(x[0]) + 10;
          },
          0.397887357729738};
}

// Hartmann-6 on [0, 1]^6; minimum -3.32237.
inline TestFunction hartmann6() {
  return {"hartmann6", std::vector<TpeParam>(6, float_param(0, 1)),
          [](const std::vector<double>& x) {
            static const double alpha[4] = {1.0, 1.2, 3.0, 3.2};
            static const double a[4][6] = {{10, 3, 17, 3.5, 1.7, 8},
                                           {0.05, 10, 17, 0.1, 8, 14},
                                           {3, 3.5, 1.7, 10, 17, 8},
                                           {17, 8, 0.05, 10, 0.1, 14}};
            static const double p[4][6] = {{1312, 1696, 5569, 124, 8283, 5886},
                                           {2329, 4135, 8307, 3736, 1004, 9991},
                                           {2348, 1451, 3522, 2883, 3047, 6650},
                                           {4047, 8828, 8732, 5743, 1091, 381}};
            double f = 0;
            for (int i = 0; i < 4; ++i) {
              double s = 0;
              for (int j = 0; j < 6; ++j) {
                const double d = x[j] - 1e-4 * p[i][j];
                s += a[i][j] * d * d;
              }
              f -= alpha[i] * std::exp(-s);
            }
            return f;
          },
          -3.32236801141551};
}

// A categorical, an integer, a float and a log-scaled float, as a learning-rate search has:
// choice(a, b, c, d) adding 0, 0.5, 1, 2; int(1, 20) best at 13; uniform(-5, 5) best at 1.3;
// loguniform(1e-5, 0.1) best at 1e-3. Minimum 0.
inline TestFunction mixed() {
  TpeParam c;
  c.kind = TpeParam::Kind::kCategorical;
  c.choices = 4;
  TpeParam k;
  k.kind = TpeParam::Kind::kInt;
  k.low = 1;
  k.high = 20;
  return {"mixed",
          {c, k, float_param(-5, 5), float_param(1e-5, 0.1, true)},
          [](const std::vector<double>& x) {
            static const double offset[4] = {0, 0.5, 1, 2};
            const double dk = (x[1] - 13) / 5, dx = x[2] - 1.3, dl = std::log10(x[3]) + 3;
            return offset[static_cast<int>(x[0])] + dk * dk + dx * dx + dl * dl;
          },
          0.0};
}

// The best value found after each evaluation (regret: minus the minimum) when `workers`
// workers evaluate `f` asynchronously, each evaluation taking 1 to 2 time units, and every free
// worker asks at once for the next point: TPE with the running points as the constant liar
// (`model` true) or uniformly random points (false). Deterministic in `seed`.
inline std::vector<double> simulate(const TestFunction& fn, std::size_t evaluations,
                                    std::size_t workers, std::uint64_t seed, bool model,
                                    TpeSettings settings = {}) {
  TpeSampler sampler(fn.space, settings);
  TpeRandom durations(seed * 7919 + 1);
  struct Running {
    double ends;
    std::size_t slot;  // index in `history`
  };
  std::vector<TpeObservation> history;
  std::vector<Running> running;
  std::vector<double> regret;
  double best = INFINITY, now = 0;
  std::size_t started = 0;
  while (regret.size() < evaluations) {
    while (running.size() < workers && started < evaluations) {
      TpeRandom rng(seed * 1000003 + started);
      TpeObservation o;
      o.x = model ? sampler.suggest(history, rng) : sampler.random_point(rng);
      o.state = TpeObservation::State::kRunning;
      history.push_back(o);
      running.push_back({now + 1 + durations.uniform(), history.size() - 1});
      ++started;
    }
    const auto first =
        std::min_element(running.begin(), running.end(),
                         [](const Running& a, const Running& b) { return a.ends < b.ends; });
    now = first->ends;
    // The history in the order results came: finished ones move to the end of the finished part.
    TpeObservation o = history[first->slot];
    history.erase(history.begin() + static_cast<long>(first->slot));
    for (Running& r : running) r.slot -= r.slot > first->slot;
    running.erase(first);
    o.state = TpeObservation::State::kComplete;
    o.loss = fn.f(o.x);
    const std::size_t finished = history.size() - running.size();
    history.insert(history.begin() + static_cast<long>(finished), o);
    for (Running& r : running) ++r.slot;
    best = std::min(best, o.loss);
    regret.push_back(best - fn.minimum);
  }
  return regret;
}

inline double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

}  // namespace sweep::testing
