// A trained model checked on perturbed images (key `robustness`): one evaluation pass per
// perturbation and level, on the 0-1 pixels before normalization, deterministic from the trial.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "core/robustness.h"
#include "core/trial.h"
#include "worker/training/evaluate.h"

namespace sweep::worker {

// The transform (PixelTransform) that applies `p` at `level` to a batch. Noise is drawn for each
// image from a generator seeded by `seed`, the level and the image's row, so an
// image gets the same noise whatever the batches or the shares of a group it is evaluated in.
PixelTransform perturbation_transform(Perturbation p, double level, std::uint64_t seed);

// Evaluates every level of every check with `eval` (one call each, given the level's transform;
// it returns the evaluation of the final model on the trial's evaluation split) and returns the
// points in the order asked, accuracy from the evaluation and macro F1 from its confusion
// matrix over `classes` classes. Throws what `eval` throws.
std::vector<RobustnessPoint> evaluate_robustness(
    const std::vector<RobustnessCheck>& checks, std::uint64_t seed, std::int64_t classes,
    const std::function<EvalResult(const PixelTransform&)>& eval);

// The mean accuracy of `points` (column robust_acc); NaN when there are none.
double mean_accuracy(const std::vector<RobustnessPoint>& points);

}  // namespace sweep::worker
