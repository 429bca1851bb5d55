#include "worker/training/robustness_eval.h"

#include <ATen/CPUGeneratorImpl.h>

#include <cstring>
#include <limits>
#include <string>

#include "core/class_metrics.h"
#include "core/trial_id.h"
#include "worker/tensors/perturb.h"

namespace sweep::worker {
namespace {

// The seed of image `row`'s noise at `level`: a hash of the trial's seed, the level's bits and
// the row, so that it depends on nothing else.
std::uint64_t noise_seed(std::uint64_t seed, double level, std::int64_t row) {
  Hash64 h;
  h.add("robustness-noise");
  for (std::uint64_t v : {seed, static_cast<std::uint64_t>(row)}) {
    h.add(std::string_view(reinterpret_cast<const char*>(&v), sizeof v));
  }
  std::uint64_t bits = 0;
  std::memcpy(&bits, &level, sizeof bits);
  h.add(std::string_view(reinterpret_cast<const char*>(&bits), sizeof bits));
  return h.finish();
}

}  // namespace

PixelTransform perturbation_transform(Perturbation p, double level, std::uint64_t seed) {
  if (p != Perturbation::kNoise) {
    return [p, level](const torch::Tensor& unit, const torch::Tensor&) {
      at::Generator unused = at::detail::createCPUGenerator(0);
      return perturb(unit, p, level, unused);
    };
  }
  return [level, seed](const torch::Tensor& unit, const torch::Tensor& rows) {
    const torch::Tensor r = rows.to(torch::kCPU, torch::kInt64).contiguous();
    const std::int64_t* row = r.data_ptr<std::int64_t>();
    std::vector<torch::Tensor> out;
    out.reserve(static_cast<std::size_t>(unit.size(0)));
    for (std::int64_t i = 0; i < unit.size(0); ++i) {
      at::Generator gen = at::detail::createCPUGenerator(noise_seed(seed, level, row[i]));
      out.push_back(perturb(unit.narrow(0, i, 1), Perturbation::kNoise, level, gen));
    }
    return torch::cat(out, 0);
  };
}

std::vector<RobustnessPoint> evaluate_robustness(
    const std::vector<RobustnessCheck>& checks, std::uint64_t seed, std::int64_t classes,
    const std::function<EvalResult(const PixelTransform&)>& eval) {
  std::vector<RobustnessPoint> points;
  for (const RobustnessCheck& c : checks) {
    for (double level : c.levels) {
      const EvalResult e = eval(perturbation_transform(c.kind, level, seed));
      RobustnessPoint x;
      x.perturbation = perturbation_name(c.kind);
      x.level = level;
      x.accuracy = e.accuracy;
      x.macro_f1 = macro_f1(e.confusion, classes);
      points.push_back(x);
    }
  }
  return points;
}

double mean_accuracy(const std::vector<RobustnessPoint>& points) {
  if (points.empty()) return std::numeric_limits<double>::quiet_NaN();
  double sum = 0;
  for (const RobustnessPoint& x : points) sum += x.accuracy;
  return sum / static_cast<double>(points.size());
}

}  // namespace sweep::worker
