#include "worker/training/trial_training.h"

#include <ATen/CPUGeneratorImpl.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <mutex>

#include "core/errors.h"
#include "worker/models/memory_format.h"
#include "worker/tensors/augment.h"
#include "worker/training/autocast.h"
#include "worker/training/checkpoint.h"
#include "worker/training/dead_units.h"
#include "worker/training/optimizer.h"

namespace sweep::worker {
namespace {

// The training and validation rows of the training tensors. A data set with its own
// validation split (`own_val`) keeps all rows for training.
std::pair<torch::Tensor, torch::Tensor> make_split(std::int64_t available, const TrainConfig& c,
                                                   bool own_val) {
  const std::int64_t n = c.train_subset > 0 ? std::min(c.train_subset, available) : available;
  auto gen = at::detail::createCPUGenerator(split_seed_of(c.seed));
  torch::Tensor perm = torch::randperm(n, gen, torch::kInt64);
  const std::int64_t n_val = own_val ? 0 : std::llround(c.val_split * static_cast<double>(n));
  if (n - n_val < 1) {
    throw DataError("val_split " + std::to_string(c.val_split) + " leaves no training images of " +
                    std::to_string(n));
  }
  return {perm.narrow(0, n_val, n - n_val), perm.narrow(0, 0, n_val)};
}

// A generator's state as bytes, and back (the dropout and augmentation streams of a stop
// inside an epoch).
std::string generator_state(at::Generator gen) {
  std::lock_guard<std::mutex> lock(gen.mutex());
  return tensor_bytes(gen.get_state());
}

void set_generator_state(at::Generator gen, const std::string& bytes) {
  std::lock_guard<std::mutex> lock(gen.mutex());
  gen.set_state(bytes_tensor(bytes));
}

}  // namespace

std::uint64_t epoch_seed(std::uint64_t trial_seed, int e, std::uint64_t stream) {
  std::uint64_t z =
      trial_seed ^ (0x9e3779b97f4a7c15ULL * (static_cast<std::uint64_t>(e) + 1)) ^ (stream << 56);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return (z ^ (z >> 31)) & 0x7fffffffffffffffULL;
}

std::uint64_t dropout_seed(std::uint64_t trial_seed, int e, int member) {
  return epoch_seed(trial_seed + 0x632be59bd9b4e019ULL * static_cast<std::uint64_t>(member), e, 2);
}

std::pair<std::int64_t, std::int64_t> member_slice(std::int64_t len, int rank, int size) {
  const std::int64_t first = len * rank / size, end = len * (rank + 1) / size;
  return {first, end - first};
}

TrialTraining::TrialTraining(const TrialSpec& spec, const LoadedData& d, torch::Device device,
                             TrialGroup* group)
    : c_(train_config_of(spec)),
      d_(d),
      norm_(choose_normalization(c_.normalize, d.stats, d.info.channels)),
      device_(device),
      group_(group),
      trial_id_(spec.trial_id),
      params_(params_text(spec.params)) {
  std::tie(train_rows_, val_rows_) = make_split(d.train.size(), c_, d.val.defined());
  {
    // The initial weights come from the process's default generator: two trainings built at
    // once in one process (a test's in-process group) would interleave their draws.
    static std::mutex building;
    std::lock_guard<std::mutex> lock(building);
    torch::manual_seed(epoch_seed(c_.trial_seed, 0, 2));
    model_ = make_model(c_.net, {d.info.channels, d.info.rows, d.info.cols, d.classes});
  }
  model_->to(device_);
  opt_ = make_optimizer(c_, model_->trainable_parameters(), c_.schedule.learning_rate);
  const std::int64_t steps = (train_rows_.size(0) + c_.batch_size - 1) / c_.batch_size;
  schedule_ = std::make_unique<LrSchedule>(c_.schedule, c_.epochs, steps);
  early_stop_ = std::make_unique<EarlyStop>(c_.early_stop_patience);
  torch::Tensor train_labels = d.train.labels().index_select(0, train_rows_);
  torch::Tensor counts = torch::bincount(train_labels, {}, d.classes).to(torch::kFloat32);
  if (c_.class_weights) {
    const double n = static_cast<double>(train_rows_.size(0));
    class_weight_ = torch::where(counts > 0, n / (static_cast<double>(d.classes) * counts),
                                 torch::zeros_like(counts))
                        .to(device_);
  }
  if (c_.balanced_sampler) {
    sample_weight_ = (1.0 / counts.clamp_min(1)).index_select(0, train_labels).to(torch::kFloat64);
  }
  if (group_ != nullptr) {
    reducer_ = std::make_unique<GradientReducer>(model_->trainable_parameters(), *group_);
  }
}

TrialTraining::~TrialTraining() = default;

const char* TrialTraining::memory_format() const {
  return memory_format_name(model_->channels_last());
}

bool TrialTraining::has_val() const { return val_rows_.size(0) > 0 || d_.val.defined(); }

EvalResult TrialTraining::evaluate_val(std::int64_t mistakes, const PixelTransform* transform) {
  const bool own = d_.val.defined();  // the data set's own split, else held-out training rows
  const ImageSet& set = own ? d_.val : d_.train;
  const torch::Tensor rows = own ? torch::Tensor() : val_rows_;
  if (group_ != nullptr) return evaluate_group(set, rows, mistakes, transform);
  return evaluate(*model_, set, rows, d_.classes, norm_, mistakes, kEvalBatch, transform);
}

std::vector<ActivationLayer> TrialTraining::dead_units(bool test) {
  const bool own = test || d_.val.defined();
  const ImageSet& set = test ? d_.test : own ? d_.val : d_.train;
  const torch::Tensor rows = own ? torch::Tensor() : val_rows_;
  if (group_ != nullptr) return dead_units_group(set, rows);
  return dead_fractions(probe_activations(*model_, set, rows, norm_));
}

EvalResult TrialTraining::evaluate_test(std::int64_t mistakes, const PixelTransform* transform) {
  if (group_ != nullptr) return evaluate_group(d_.test, torch::Tensor(), mistakes, transform);
  return evaluate(*model_, d_.test, torch::Tensor(), d_.classes, norm_, mistakes, kEvalBatch,
                  transform);
}

int TrialTraining::restore(const std::string& path) {
  TrainingState s = load_state(path, *model_, *opt_, trial_id_);
  if (!s.schedule.empty()) schedule_->restore(s.schedule);
  if (!s.early_stop.empty()) early_stop_->restore(s.early_stop);
  best_ = s.best;
  restored_epochs_ = std::move(s.epochs);
  const int members = group_ != nullptr ? group_->size() : 1;
  if (s.position.batch > 0 && s.position.members != members) {
    throw DataError(path + ": saved inside an epoch by " + std::to_string(s.position.members) +
                    " rank(s) training the trial together; it continues on as many, and " +
                    std::to_string(members) + " train it now");
  }
  if (s.position.batch > 0) resume_ = std::move(s.position);
  return s.epoch;
}

void TrialTraining::save_inside_epochs(double seconds, MidEpochSave save) {
  state_interval_ =
      std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
  mid_save_ = std::move(save);
  last_state_ = Clock::now();
}

std::size_t TrialTraining::save(const std::string& path, int epoch,
                                const std::vector<EpochMetrics>& trained,
                                const EpochPosition& position) {
  if (!writes_files()) return 0;
  fault_point("state");
  TrainingState s;
  s.trial_id = trial_id_;
  s.params = params_;
  s.epoch = epoch;
  s.position = position;
  s.schedule = schedule_->state();
  s.early_stop = early_stop_->state();
  s.best = best_;
  s.epochs = restored_epochs_;
  s.epochs.insert(s.epochs.end(), trained.begin(), trained.end());
  return save_state(path, *model_, *opt_, s);
}

torch::Tensor TrialTraining::order(int e) const {
  auto gen = at::detail::createCPUGenerator(epoch_seed(c_.trial_seed, e, 1));
  const std::int64_t n = train_rows_.size(0);
  if (c_.balanced_sampler) {
    return train_rows_.index_select(0, torch::multinomial(sample_weight_, n, true, gen));
  }
  return train_rows_.index_select(0, torch::randperm(n, gen, torch::kInt64));
}

std::string TrialTraining::members_streams(const std::string& mine) {
  const std::size_t len = mine.size();
  const auto me = static_cast<std::size_t>(group_->rank());
  std::vector<double> all(len * static_cast<std::size_t>(group_->size()), 0.0);
  for (std::size_t i = 0; i < len; ++i) all[me * len + i] = static_cast<unsigned char>(mine[i]);
  group_->sum(all.data(), all.size());
  std::string out(all.size(), '\0');
  for (std::size_t i = 0; i < all.size(); ++i) out[i] = static_cast<char>(std::lround(all[i]));
  return out;
}

std::pair<double, double> TrialTraining::train_epoch(const torch::Tensor& order, int epoch,
                                                     const StopCheck& stop) {
  const auto t0 = Clock::now();
  const int members = group_ != nullptr ? group_->size() : 1;
  const int me = group_ != nullptr ? group_->rank() : 0;
  torch::manual_seed(dropout_seed(c_.trial_seed, epoch, me));
  at::Generator aug_gen = at::detail::createCPUGenerator(epoch_seed(c_.trial_seed, epoch, 3));
  EpochPosition from = resume_.value_or(EpochPosition{});
  resume_.reset();
  if (from.batch > 0) {  // a stop inside this epoch was restored: its random streams too
    const std::size_t len = from.dropout_rng.size() / static_cast<std::size_t>(from.members);
    set_generator_state(at::detail::getDefaultCPUGenerator(),
                        from.dropout_rng.substr(len * static_cast<std::size_t>(me), len));
    set_generator_state(aug_gen, from.augment_rng);
  }
  const std::int64_t n = order.size(0), batch = c_.batch_size;
  // Summed, then divided by the whole batch's normalizer: a member's slice gives its share of
  // the one-rank loss, and its gradients summed over the group the one-rank gradient.
  auto loss_options = torch::nn::functional::CrossEntropyFuncOptions()
                          .label_smoothing(c_.label_smoothing)
                          .reduction(torch::kSum);
  if (class_weight_.defined()) loss_options.weight(class_weight_);
  const bool augmenting = c_.augment.any();
  double loss_sum = from.loss_sum;
  std::int64_t correct = from.correct;
  for (std::int64_t step = from.batch, s = step * batch; s < n; s += batch, ++step) {
    // Where the trial stands before this batch draws anything: the weights after `step` batches,
    // the epoch's sums so far and its random streams (a state of it continues exactly here).
    auto position = [&] {
      EpochPosition p;
      p.batch = step;
      p.loss_sum = loss_sum;
      p.correct = correct;
      p.seconds = from.seconds + std::chrono::duration<double>(Clock::now() - t0).count();
      p.dropout_rng = generator_state(at::detail::getDefaultCPUGenerator());
      p.augment_rng = generator_state(aug_gen);
      return p;
    };
    const bool inside_savable = step > 0 && group_ == nullptr && device_.is_cpu();
    if (inside_savable && mid_save_ && Clock::now() - last_state_ >= state_interval_) {
      mid_save_(epoch - 1, position());  // state_minutes: a long epoch saved on the way
      last_state_ = Clock::now();
    }
    // In a group only the leader asks `stop`: the others draw this batch's dropout before they
    // learn of it, so each keeps its stream as it was before the batch.
    const std::string stream_before = group_ != nullptr && device_.is_cpu() && step > 0
                                          ? generator_state(at::detail::getDefaultCPUGenerator())
                                          : std::string();
    const auto step_start = Clock::now();
    const bool stopping = stop && stop();
    const std::int64_t len = std::min(batch, n - s);
    torch::Tensor bi = order.narrow(0, s, len);
    const auto [first, count] = member_slice(len, me, members);
    torch::Tensor loss;
    double slice_loss = 0;
    std::int64_t slice_correct = 0;
    // Every member enters this step's gradient sums, even one whose part failed or that learns
    // of a stop only from the step's small sum.
    if (reducer_) reducer_->begin();
    if (failure_.empty() && !stopping) {
      try {
        fault_point("forward");
        set_learning_rate(*opt_, schedule_->lr(epoch, step));
        clear_gradients(*opt_);
        if (count > 0) {
          // Augmentation draws for the whole batch, as one rank does, so every image of it is
          // augmented the same whichever member trains it.
          torch::Tensor xb =
              augmenting ? augment_batch(d_.train.rows(bi, norm_), c_.augment, norm_, aug_gen)
                               .narrow(0, first, count)
                         : d_.train.rows(bi.narrow(0, first, count), norm_);
          torch::Tensor yb =
              d_.train.labels().index_select(0, bi.narrow(0, first, count)).to(device_);
          torch::Tensor logits;
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
        if (group_ == nullptr) throw;
        fail(e.what());
      }
    }
    // In a group, one small sum per step: failures (this step's forward, or the last step's
    // update), the leader's stop, the batch's loss and correct count. It runs while backward and
    // the gradient sums do and is waited for after them, so that a step has one point where the
    // members wait for each other (a stop or a failure costs one backward pass more). Alone, it
    // is read at once.
    step_totals_ = {failure_.empty() ? 0.0 : 1.0, stopping ? 1.0 : 0.0, slice_loss,
                    static_cast<double>(slice_correct)};
    std::unique_ptr<TrialGroup::PendingSum> pending_totals;
    if (group_ != nullptr) {
      pending_totals = group_->start_sum_doubles(step_totals_.data(), step_totals_.size());
    }
    const std::array<double, 4>& totals = step_totals_;
    // What every member learns from the small sum, alike, before the optimizer step.
    auto settle = [&] {
      if (totals[0] > 0) sync();  // throws the lowest failing member's message on every member
      if (totals[1] > 0) {
        // Where it can be saved: before an epoch's first batch, the weights of the epoch before
        // (any trial); inside an epoch, that batch (alone on the CPU, whose random streams are
        // saved; a group's members or a GPU have streams of their own).
        std::optional<EpochPosition> here;
        if (step == 0) {
          here.emplace();
        } else if (inside_savable) {
          here = position();
        } else if (group_ != nullptr && device_.is_cpu()) {
          here = position();  // every member's dropout stream, gathered in one more sum
          here->dropout_rng = members_streams(stream_before);
          here->members = members;
        }
        throw Abandoned("abandoned at epoch " + std::to_string(epoch) + ", batch " +
                            std::to_string(step + 1) + ": the sweep was stopped",
                        std::move(here));
      }
      if (!std::isfinite(totals[2])) {
        throw Diverged("non-finite training loss at epoch " + std::to_string(epoch) + ", batch " +
                       std::to_string(step + 1));
      }
    };
    if (group_ == nullptr) settle();
    // From here to the step's end a member's failure is recorded, never thrown: every member
    // enters the gradient sums, and the next step's small sum (or the evaluation's agreement
    // after an epoch's last step) reports it on all. GroupBroken alone leaves at once.
    auto guarded = [&](const auto& fn) {
      try {
        fn();
      } catch (const GroupBroken&) {
        throw;
      } catch (const std::exception& e) {
        if (group_ == nullptr) throw;
        fail(e.what());
      }
    };
    guarded([&] {
      if (failure_.empty()) fault_point("backward");
      if (loss.defined()) loss.backward();
    });
    if (reducer_) {  // every member takes part, with zeros where it has none
      guarded([&] {
        reducer_->finish();
        fault_point("reduce");
      });
    }
    if (pending_totals) {
      const auto a0 = Clock::now();
      pending_totals->wait();
      pending_totals.reset();
      agree_seconds_ += std::chrono::duration<double>(Clock::now() - a0).count();
      settle();
    }
    if (failure_.empty()) {
      guarded([&] {
        fault_point("clip");
        if (c_.grad_clip > 0) {
          torch::nn::utils::clip_grad_norm_(model_->trainable_parameters(), c_.grad_clip);
        }
        fault_point("step");
        opt_->step();
      });
    }
    if (group_ != nullptr) {
      slowest_step_ =
          std::max(slowest_step_, std::chrono::duration<double>(Clock::now() - step_start).count());
      group_->step_seconds(slowest_step_);
    }
    loss_sum += totals[2] * static_cast<double>(len);
    correct += static_cast<std::int64_t>(std::llround(totals[3]));
  }
  return {loss_sum / n, static_cast<double>(correct) / n};
}

bool TrialTraining::end_epoch(int e, const EpochMetrics& m) {
  fault_point("epoch_end");
  schedule_->end_epoch(has_val() ? m.val_loss : m.train_loss);
  if (!has_val()) return false;
  early_stop_->end_epoch(m.val_loss);
  if (m.val_acc > best_.val_acc) best_ = {e, m.val_acc, snapshot_of(*model_, *opt_, e)};
  return early_stop_->stop();
}

int TrialTraining::use_best(int last) {
  if (best_.epoch == 0 || best_.epoch == last) return last;
  restore_snapshot(best_.snapshot, *model_, nullptr, "the best epoch's weights");
  return best_.epoch;
}

void TrialTraining::write_checkpoint_to(const std::string& path, const TrialSpec& spec, int epoch,
                                        double val_acc) {
  fault_point("checkpoint");
  if (!writes_files()) return;
  CheckpointInfo info;
  info.trial_id = spec.trial_id;
  info.params = spec.params;
  info.epoch = epoch;
  info.val_acc = val_acc;
  info.norm = norm_;
  info.shape = {d_.info.channels, d_.info.rows, d_.info.cols, d_.classes};
  const std::string snapshot =
      epoch == best_.epoch ? best_.snapshot : snapshot_of(*model_, *opt_, epoch);
  write_checkpoint(path, info, snapshot);
}

void TrialTraining::fault_point(const char* point) {
  const Fault fault = group_ != nullptr ? group_->inject_fault(point) : Fault::kNone;
  if (fault == Fault::kError) {
    throw std::runtime_error(std::string("injected fault (SWEEP_FAULT_INJECT) at ") + point);
  }
  if (fault == Fault::kOutOfMemory) {  // 4 EiB: more than any address space holds
    const torch::Tensor t = torch::empty({std::int64_t{1} << 62}, torch::kUInt8);
    throw std::logic_error(std::string("SWEEP_FAULT_INJECT: LibTorch allocated 4 EiB at ") + point);
  }
}

}  // namespace sweep::worker
