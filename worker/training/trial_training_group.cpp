// A trial trained by a group of ranks (ranks_per_trial > 1), data parallel: every member
// holds the data and the model, takes its slice of each batch (the union of the slices is the
// batch one rank would train), and the gradients are summed over the group in buckets while
// backward runs. Each member's slice loss is divided by the whole batch's normalizer, so the
// summed gradient is the one-rank gradient (up to the order of floating-point sums).
//
// Agreement: every step ends in one small sum of [failures, stop, loss, correct] over the
// members; a member whose part failed reports it there (fail()), and every member then throws
// the lowest failing member's message, so no member waits in a collective that another will
// not enter.
#include <ATen/CPUGeneratorImpl.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "core/errors.h"
#include "worker/tensors/augment.h"
#include "worker/training/autocast.h"
#include "worker/training/metrics.h"
#include "worker/training/mistakes.h"
#include "worker/training/optimizer.h"
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

std::pair<double, double> TrialTraining::train_epoch_group(const torch::Tensor& order, int epoch,
                                                           const StopCheck& stop) {
  torch::manual_seed(epoch_seed(c_.trial_seed, epoch, 2));
  at::Generator aug_gen = at::detail::createCPUGenerator(epoch_seed(c_.trial_seed, epoch, 3));
  const std::int64_t n = order.size(0), batch = c_.batch_size;
  auto loss_options = torch::nn::functional::CrossEntropyFuncOptions()
                          .label_smoothing(c_.label_smoothing)
                          .reduction(torch::kSum);
  if (class_weight_.defined()) loss_options.weight(class_weight_);
  const bool augmenting = c_.augment.any();
  double loss_sum = 0;
  std::int64_t correct = 0;
  for (std::int64_t s = 0, step = 0; s < n; s += batch, ++step) {
    const bool stopping = stop && stop();
    const std::int64_t len = std::min(batch, n - s);
    torch::Tensor bi = order.narrow(0, s, len);
    const auto [first, count] = member_slice(len, group_->rank(), group_->size());
    torch::Tensor loss, logits, yb;
    double slice_loss = 0;
    std::int64_t slice_correct = 0;
    if (failure_.empty() && !stopping) {
      try {
        set_learning_rate(*opt_, schedule_->lr(epoch, step));
        clear_gradients(*opt_);
        reducer_->begin();
        if (count > 0) {
          // Augmentation draws for the whole batch, as one rank does, so every image of it is
          // augmented the same whichever member trains it.
          torch::Tensor xb =
              augmenting ? augment_batch(d_.train.rows(bi, norm_), c_.augment, norm_, aug_gen)
                               .narrow(0, first, count)
                         : d_.train.rows(bi.narrow(0, first, count), norm_);
          yb = d_.train.labels().index_select(0, bi.narrow(0, first, count)).to(device_);
          {
            Autocast autocast(c_.bf16, device_);
            logits = model_->logits(xb.to(device_));
          }
          logits = logits.to(torch::kFloat32);
          // The whole batch's normalizer: its size, or the sum of its class weights.
          double norm = static_cast<double>(len);
          if (class_weight_.defined()) {
            norm = class_weight_.cpu()
                       .index_select(0, d_.train.labels().index_select(0, bi))
                       .sum()
                       .item<double>();
          }
          loss = torch::nn::functional::cross_entropy(logits, yb, loss_options) / norm;
          slice_loss = loss.item<double>();
          slice_correct = logits.detach().argmax(1).eq(yb).sum().item<std::int64_t>();
        } else if (augmenting) {
          // Keeps the augmentation draws in step with the others.
          augment_batch(d_.train.rows(bi, norm_), c_.augment, norm_, aug_gen);
        }
      } catch (const std::exception& e) {
        fail(e.what());
      }
    }
    // One small sum per step: failures, the leader's stop, the batch's loss and correct count.
    double totals[4] = {failure_.empty() ? 0.0 : 1.0, stopping ? 1.0 : 0.0, slice_loss,
                        static_cast<double>(slice_correct)};
    group_->sum(totals, 4);
    if (totals[0] > 0) sync();  // throws the lowest failing member's message on every member
    if (totals[1] > 0) {
      throw Abandoned("abandoned at epoch " + std::to_string(epoch) +
                      ": the sweep was stopped; it runs again on resume");
    }
    if (!std::isfinite(totals[2])) {
      throw Diverged("non-finite training loss at epoch " + std::to_string(epoch) + ", batch " +
                     std::to_string(step + 1));
    }
    try {
      if (loss.defined()) loss.backward();
    } catch (const std::exception& e) {
      fail(e.what());  // reported at the next agreement point; the sums go on regardless
    }
    reducer_->finish();  // every member takes part, with zeros where it has no gradient
    if (failure_.empty()) {
      if (c_.grad_clip > 0) {
        torch::nn::utils::clip_grad_norm_(model_->trainable_parameters(), c_.grad_clip);
      }
      opt_->step();
    }
    loss_sum += totals[2] * static_cast<double>(len);
    correct += static_cast<std::int64_t>(std::llround(totals[3]));
  }
  return {loss_sum / n, static_cast<double>(correct) / n};
}

void TrialTraining::sync_buffers() {
  // Batch norm's running statistics come from each member's slice; member 0's go to all
  // (as PyTorch's DistributedDataParallel broadcasts them), a sum where the others add zeros.
  std::vector<torch::Tensor> buffers = model_->buffers();
  std::size_t total = 0;
  for (const auto& b : buffers) total += static_cast<std::size_t>(b.numel());
  if (total == 0) return;
  std::vector<double> values(total, 0.0);
  if (group_->rank() == 0) {
    std::size_t at = 0;
    for (const auto& b : buffers) {
      torch::Tensor v = b.detach().to(torch::kCPU, torch::kFloat64).contiguous().reshape(-1);
      std::copy(v.data_ptr<double>(), v.data_ptr<double>() + v.numel(), values.begin() + at);
      at += static_cast<std::size_t>(v.numel());
    }
  }
  group_->sum(values.data(), values.size());
  torch::NoGradGuard no_grad;
  std::size_t at = 0;
  for (auto& b : buffers) {
    const auto n = b.numel();
    torch::Tensor v = torch::from_blob(values.data() + at, {n}, torch::kFloat64);
    b.copy_(v.to(b.scalar_type()).reshape(b.sizes()).to(b.device()));
    at += static_cast<std::size_t>(n);
  }
}

EvalResult TrialTraining::evaluate_group(const ImageSet& set, const torch::Tensor& idx,
                                         std::int64_t mistakes) {
  sync_buffers();
  const std::int64_t classes = d_.classes;
  const std::int64_t n = idx.defined() ? idx.size(0) : set.size();
  const auto [first, count] = member_slice(n, group_->rank(), group_->size());
  // [loss sum, confusion (classes^2), for 2 classes each row's score and label, then each
  // member's `mistakes` slots of (row, true, predicted, probability + 1; 0: empty)]: each
  // member fills its rows and slots, the sum over members is the whole set.
  const std::size_t conf = static_cast<std::size_t>(classes * classes);
  const std::size_t score_slots = classes == 2 ? 2 * static_cast<std::size_t>(n) : 0;
  const auto slots = static_cast<std::size_t>(mistakes);
  const std::size_t at_mistakes = 1 + conf + score_slots;
  std::vector<double> v(at_mistakes + 4 * slots * static_cast<std::size_t>(group_->size()), 0.0);
  try {
    if (count > 0) {
      torch::Tensor rows = idx.defined() ? idx.narrow(0, first, count)
                                         : torch::arange(first, first + count, torch::kInt64);
      const EvalResult mine = evaluate(*model_, set, rows, d_.classes, norm_, mistakes);
      double* slot = v.data() + at_mistakes + 4 * slots * static_cast<std::size_t>(group_->rank());
      for (const Mistake& m : mine.mistakes) {
        *slot++ = static_cast<double>(m.row);
        *slot++ = m.true_label;
        *slot++ = m.predicted;
        *slot++ = m.probability + 1;  // probabilities may be 0 in bf16; 0 marks an empty slot
      }
      v[0] = mine.loss * static_cast<double>(count);
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
  for (std::size_t s = at_mistakes; s + 3 < v.size(); s += 4) {
    if (v[s + 3] == 0) continue;
    r.mistakes.push_back({std::llround(v[s]), static_cast<std::int32_t>(std::llround(v[s + 1])),
                          static_cast<std::int32_t>(std::llround(v[s + 2])), v[s + 3] - 1});
  }
  keep_most_confident(r.mistakes, slots);
  return r;
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
