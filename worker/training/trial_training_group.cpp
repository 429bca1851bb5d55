// What a trial trained by a group of ranks (ranks_per_trial > 1) adds to the one epoch loop
// (TrialTraining::train_epoch, trial_training.cpp, where training alone is a group of one): the
// agreement points, batch-norm statistics shared from member 0, evaluation in shares, and the
// check that the members' weights agree. Data parallel: every member holds the data and the
// model, takes its slice of each batch (the union of the slices is the batch one rank would
// train), and the gradients are summed over the group in buckets while backward runs.
//
// Agreement: every step has one small sum of [failures, stop, loss, correct] over the members,
// started after the forward pass and waited for after the gradient sums; a member whose part
// failed reports it there (fail()), and every member then throws the lowest failing member's
// message, so no member waits in a collective that another will not enter.
#include <algorithm>
#include <cmath>
#include <vector>

#include "core/calibration.h"
#include "core/errors.h"
#include "worker/training/dead_units.h"
#include "worker/training/metrics.h"
#include "worker/training/mistakes.h"
#include "worker/training/trial_training.h"

namespace sweep::worker {
namespace {

// A failure any member reported, thrown alike on every member.
class GroupFailure : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace

void TrialTraining::sync() {
  const std::string why = group_->agree(failure_);
  failure_.clear();
  if (!why.empty()) throw GroupFailure(why);
}

void TrialTraining::sync_buffers() {
  // Batch norm's running statistics come from each member's slice; member 0's go to all
  // (as PyTorch's DistributedDataParallel broadcasts them), a sum where the others add zeros.
  // A failure on the way is recorded (the evaluation's agreement reports it): every member
  // enters the sum.
  std::vector<torch::Tensor> buffers = model_->buffers();
  std::size_t total = 0;
  for (const auto& b : buffers) total += static_cast<std::size_t>(b.numel());
  if (total == 0) return;
  std::vector<double> values(total, 0.0);
  try {
    if (group_->rank() == 0) {
      std::size_t at = 0;
      for (const auto& b : buffers) {
        torch::Tensor v = b.detach().to(torch::kCPU, torch::kFloat64).contiguous().reshape(-1);
        std::copy(v.data_ptr<double>(), v.data_ptr<double>() + v.numel(), values.begin() + at);
        at += static_cast<std::size_t>(v.numel());
      }
    }
  } catch (const std::exception& e) {
    fail(e.what());
  }
  group_->sum(values.data(), values.size());
  try {
    fault_point("buffers");
    torch::NoGradGuard no_grad;
    std::size_t at = 0;
    for (auto& b : buffers) {
      const auto n = b.numel();
      torch::Tensor v = torch::from_blob(values.data() + at, {n}, torch::kFloat64);
      b.copy_(v.to(b.scalar_type()).reshape(b.sizes()).to(b.device()));
      at += static_cast<std::size_t>(n);
    }
  } catch (const std::exception& e) {
    fail(e.what());
  }
}

EvalResult TrialTraining::evaluate_group(const ImageSet& set, const torch::Tensor& idx,
                                         std::int64_t mistakes, const PixelTransform* transform) {
  sync_buffers();
  const std::int64_t classes = d_.classes;
  const std::int64_t n = idx.defined() ? idx.size(0) : set.size();
  const auto [first, count] = member_slice(n, group_->rank(), group_->size());
  // [loss sum, confusion (classes^2), for 2 classes each row's score and label, the calibration
  // sums, then each member's `mistakes` slots of (row, true, predicted, probability + 1; 0:
  // empty)]: each member fills its rows and slots, the sum over members is the whole set.
  const std::size_t conf = static_cast<std::size_t>(classes * classes);
  const std::size_t score_slots = classes == 2 ? 2 * static_cast<std::size_t>(n) : 0;
  const auto slots = static_cast<std::size_t>(mistakes);
  const std::size_t at_calibration = 1 + conf + score_slots;
  const std::size_t at_mistakes = at_calibration + Calibration::kSums;
  std::vector<double> v(at_mistakes + 4 * slots * static_cast<std::size_t>(group_->size()), 0.0);
  try {
    fault_point("evaluate");
    if (count > 0) {
      torch::Tensor rows = idx.defined() ? idx.narrow(0, first, count)
                                         : torch::arange(first, first + count, torch::kInt64);
      const EvalResult mine =
          evaluate(*model_, set, rows, d_.classes, norm_, mistakes, kEvalBatch, transform);
      double* slot = v.data() + at_mistakes + 4 * slots * static_cast<std::size_t>(group_->rank());
      for (const Mistake& m : mine.mistakes) {
        *slot++ = static_cast<double>(m.row);
        *slot++ = m.true_label;
        *slot++ = m.predicted;
        *slot++ = m.probability + 1;  // probabilities may be 0 in bf16; 0 marks an empty slot
      }
      v[0] = mine.loss * static_cast<double>(count);
      const std::vector<double> calibration = mine.calibration.to_sums();
      std::copy(calibration.begin(), calibration.end(),
                v.begin() + static_cast<std::ptrdiff_t>(at_calibration));
      for (std::size_t i = 0; i < conf; ++i) v[1 + i] = static_cast<double>(mine.confusion[i]);
      if (classes == 2) {
        for (std::int64_t i = 0; i < count; ++i) {
          const auto at = static_cast<std::size_t>(i);
          v[1 + conf + static_cast<std::size_t>(first + i)] = mine.scores[at];
          v[1 + conf + static_cast<std::size_t>(n + first + i)] =
              static_cast<double>(mine.labels[at]);
        }
      }
    }
  } catch (const std::exception& e) {
    fail(e.what());
  }
  sync();
  group_->sum(v.data(), v.size());
  EvalResult r;
  r.confusion.resize(conf);
  std::int64_t diag = 0;
  for (std::size_t i = 0; i < conf; ++i) r.confusion[i] = std::llround(v[1 + i]);
  for (std::int64_t c = 0; c < classes; ++c) diag += r.confusion[c * classes + c];
  r.loss = n > 0 ? v[0] / static_cast<double>(n) : 0;
  r.accuracy = n > 0 ? static_cast<double>(diag) / static_cast<double>(n) : 0;
  if (classes == 2) {
    std::vector<double> scores(v.begin() + 1 + conf, v.begin() + 1 + conf + n);
    std::vector<std::int64_t> labels;
    for (std::int64_t i = 0; i < n; ++i) labels.push_back(std::llround(v[1 + conf + n + i]));
    r.auc = roc_auc(scores, labels);
  }
  r.calibration = Calibration::from_sums(
      std::vector<double>(v.begin() + static_cast<std::ptrdiff_t>(at_calibration),
                          v.begin() + static_cast<std::ptrdiff_t>(at_mistakes)));
  for (std::size_t s = at_mistakes; s + 3 < v.size(); s += 4) {
    if (v[s + 3] == 0) continue;
    r.mistakes.push_back({std::llround(v[s]), static_cast<std::int32_t>(std::llround(v[s + 1])),
                          static_cast<std::int32_t>(std::llround(v[s + 2])), v[s + 3] - 1});
  }
  keep_most_confident(r.mistakes, slots);
  return r;
}

std::vector<ActivationLayer> TrialTraining::dead_units_group(const ImageSet& set,
                                                             const torch::Tensor& idx) {
  sync_buffers();
  const std::int64_t n = idx.defined() ? idx.size(0) : set.size();
  const auto [first, count] = member_slice(n, group_->rank(), group_->size());
  // Each member's share (an empty share probes the set's first image, which is in the set too:
  // every member then knows the layers); the flags of units that fired, summed over members.
  std::vector<ActivationProbe::Layer> layers;
  std::vector<double> fired;
  try {
    fault_point("evaluate");
    const std::int64_t from = count > 0 ? first : 0,
                       len = count > 0 ? count : std::min<std::int64_t>(1, n);
    const torch::Tensor rows =
        idx.defined() ? idx.narrow(0, from, len) : torch::arange(from, from + len, torch::kInt64);
    layers = probe_activations(*model_, set, rows, norm_);
    for (const auto& l : layers) {
      const torch::Tensor f = l.fired.to(torch::kFloat64).contiguous();
      fired.insert(fired.end(), f.data_ptr<double>(), f.data_ptr<double>() + f.numel());
    }
  } catch (const std::exception& e) {
    fail(e.what());
  }
  sync();  // every member has its layers (the same model's), or all throw here
  group_->sum(fired.data(), fired.size());
  // Local from here: a failure is told at the trial's next agreement point, on every member.
  try {
    std::size_t at = 0;
    for (auto& l : layers) {
      const auto units = static_cast<std::size_t>(l.fired.size(0));
      l.fired =
          torch::from_blob(fired.data() + at, {static_cast<std::int64_t>(units)}, torch::kFloat64)
              .gt(0);
      at += units;
    }
    return dead_fractions(layers);
  } catch (const std::exception& e) {
    fail(e.what());
    return {};
  }
}

void TrialTraining::check_members_agree(int epoch) {
  if (group_ == nullptr) return;
  double sum = 0;
  try {
    for (const auto& p : model_->parameters()) {
      sum += p.detach().to(torch::kCPU, torch::kFloat64).sum().item<double>();
    }
  } catch (const std::exception& e) {
    fail(e.what());
  }
  double leader[1] = {group_->rank() == 0 ? sum : 0.0};
  group_->sum(leader, 1);
  if (failure_.empty() && sum != leader[0]) {
    fail("member " + std::to_string(group_->rank()) + "'s weights differ from member 0's after " +
         "epoch " + std::to_string(epoch) + " (checksums " + std::to_string(sum) + " and " +
         std::to_string(leader[0]) + ")");
  }
  sync();
}

}  // namespace sweep::worker
