// run_trial: one trial from spec to result. The batch loop gathers rows of tensors already in
// memory (index_select); nothing is decoded or copied per trial beyond the batches.
#include <ATen/CPUGeneratorImpl.h>
#include <ATen/autocast_mode.h>

#include <chrono>
#include <cmath>
#include <cstdio>

#include "core/class_metrics.h"
#include "core/errors.h"
#include "worker/augment.h"
#include "worker/checkpoint.h"
#include "worker/dataset.h"
#include "worker/device.h"
#include "worker/evaluate.h"
#include "worker/failure_message.h"
#include "worker/noop.h"
#include "worker/optimizer.h"
#include "worker/schedule.h"
#include "worker/train_config.h"
#include "worker/training_state.h"
#include "worker/worker.h"

namespace sweep::worker {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

double unix_now() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

struct Split {
  torch::Tensor train, val;  // row indices into the training tensors
};

// The training and validation rows of the training tensors. A data set with its own
// validation split (`own_val`) keeps all rows for training.
Split make_split(std::int64_t available, const TrainConfig& c, bool own_val) {
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

class Diverged : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class Abandoned : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The seed of epoch `e` of a trial (e = 0: the initial weights), for shuffling (`stream` 1),
// dropout (2) and augmentation (3): a function of the trial and the epoch only, so that a trial
// trained in steps (TrainSpan) sees the same random numbers as one trained in one go.
std::uint64_t epoch_seed(std::uint64_t trial_seed, int e, std::uint64_t stream) {
  std::uint64_t z =
      trial_seed ^ (0x9e3779b97f4a7c15ULL * (static_cast<std::uint64_t>(e) + 1)) ^ (stream << 56);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return (z ^ (z >> 31)) & 0x7fffffffffffffffULL;
}

// Turns on bfloat16 autocast on the CPU or on CUDA for its lifetime (precision = bf16).
class Autocast {
 public:
  Autocast(bool on, torch::Device device) : on_(on), cuda_(device.is_cuda()) {
    if (!on_) return;
    if (cuda_) {
      was_ = at::autocast::is_enabled();
      at::autocast::set_enabled(true);
      at::autocast::set_autocast_gpu_dtype(at::kBFloat16);
    } else {
      was_ = at::autocast::is_cpu_enabled();
      at::autocast::set_cpu_enabled(true);
      at::autocast::set_autocast_cpu_dtype(at::kBFloat16);
    }
  }
  ~Autocast() {
    if (!on_) return;
    if (cuda_) {
      at::autocast::set_enabled(was_);
    } else {
      at::autocast::set_cpu_enabled(was_);
    }
    at::autocast::clear_cache();
  }
  Autocast(const Autocast&) = delete;
  Autocast& operator=(const Autocast&) = delete;

 private:
  bool on_, cuda_, was_ = false;
};

// One trial's training: data, split, model, optimizer and the per-epoch bookkeeping.
class TrialTraining {
 public:
  // Builds the model on the CPU (the same initial weights on every device), then moves it to
  // `device`, where it trains; batches are gathered on the CPU and copied there.
  TrialTraining(const TrialSpec& spec, const LoadedData& d, torch::Device device)
      : c_(train_config_of(spec)),
        d_(d),
        split_(make_split(d.train.size(), c_, d.val.defined())),
        device_(device) {
    torch::manual_seed(epoch_seed(c_.trial_seed, 0, 2));
    model_ = make_model(c_.net, {d.info.channels, d.info.rows, d.info.cols, d.classes});
    model_->to(device_);
    opt_ = make_optimizer(c_, model_->trainable_parameters(), c_.schedule.learning_rate);
    const std::int64_t steps = (split_.train.size(0) + c_.batch_size - 1) / c_.batch_size;
    schedule_ = std::make_unique<LrSchedule>(c_.schedule, c_.epochs, steps);
    early_stop_ = std::make_unique<EarlyStop>(c_.early_stop_patience);
    torch::Tensor train_labels = d.train.labels().index_select(0, split_.train);
    torch::Tensor counts = torch::bincount(train_labels, {}, d.classes).to(torch::kFloat32);
    if (c_.class_weights) {
      const double n = static_cast<double>(split_.train.size(0));
      class_weight_ = torch::where(counts > 0, n / (static_cast<double>(d.classes) * counts),
                                   torch::zeros_like(counts))
                          .to(device_);
    }
    if (c_.balanced_sampler) {
      sample_weight_ =
          (1.0 / counts.clamp_min(1)).index_select(0, train_labels).to(torch::kFloat64);
    }
  }

  const TrainConfig& config() const { return c_; }
  ClassifierImpl& model() { return *model_; }
  bool has_val() const { return split_.val.size(0) > 0 || d_.val.defined(); }

  // The model on the validation images: the data set's own split, else the held-out rows.
  EvalResult evaluate_val() {
    if (d_.val.defined()) return evaluate(*model_, d_.val, torch::Tensor(), d_);
    return evaluate(*model_, d_.train, split_.val, d_);
  }

  void restore(const TrainSpan& span) {
    TrainingState s = load_state(span.load_from, *model_, *opt_, span.from_epoch);
    if (!s.schedule.empty()) schedule_->restore(s.schedule);
    if (!s.early_stop.empty()) early_stop_->restore(s.early_stop);
    best_ = s.best;
  }

  void save(const std::string& path, int epoch) {
    TrainingState s;
    s.epoch = epoch;
    s.schedule = schedule_->state();
    s.early_stop = early_stop_->state();
    s.best = best_;
    save_state(path, *model_, *opt_, s);
  }

  // The rows of epoch `e` in training order: shuffled, or drawn with replacement by class
  // weight (sampler = balanced).
  torch::Tensor order(int e) const {
    auto gen = at::detail::createCPUGenerator(epoch_seed(c_.trial_seed, e, 1));
    const std::int64_t n = split_.train.size(0);
    if (c_.balanced_sampler) {
      return split_.train.index_select(0, torch::multinomial(sample_weight_, n, true, gen));
    }
    return split_.train.index_select(0, torch::randperm(n, gen, torch::kInt64));
  }

  // One pass over `order`; returns {mean loss, accuracy}. Throws Diverged on a non-finite loss,
  // Abandoned when `stop` says so before a batch.
  std::pair<double, double> train_epoch(const torch::Tensor& order, int epoch,
                                        const StopCheck& stop) {
    torch::manual_seed(epoch_seed(c_.trial_seed, epoch, 2));
    at::Generator aug_gen = at::detail::createCPUGenerator(epoch_seed(c_.trial_seed, epoch, 3));
    const std::int64_t n = order.size(0), batch = c_.batch_size;
    auto loss_options =
        torch::nn::functional::CrossEntropyFuncOptions().label_smoothing(c_.label_smoothing);
    if (class_weight_.defined()) loss_options.weight(class_weight_);
    double loss_sum = 0;
    std::int64_t correct = 0;
    for (std::int64_t s = 0, step = 0; s < n; s += batch, ++step) {
      if (stop && stop()) {
        throw Abandoned("abandoned at epoch " + std::to_string(epoch) +
                        ": the sweep was stopped; it runs again on resume");
      }
      set_learning_rate(*opt_, schedule_->lr(epoch, step));
      const std::int64_t len = std::min(batch, n - s);
      torch::Tensor bi = order.narrow(0, s, len);
      torch::Tensor xb = augment_batch(d_.train.rows(bi, d_.mean, d_.stddev), c_.augment, d_.mean,
                                       d_.stddev, aug_gen)
                             .to(device_);
      torch::Tensor yb = d_.train.labels().index_select(0, bi).to(device_);
      opt_->zero_grad();
      torch::Tensor logits;
      {
        Autocast autocast(c_.bf16, device_);
        logits = model_->forward(xb);
      }
      logits = logits.to(torch::kFloat32);
      torch::Tensor loss = torch::nn::functional::cross_entropy(logits, yb, loss_options);
      const double l = loss.item<double>();
      if (!std::isfinite(l)) {
        throw Diverged("non-finite training loss at epoch " + std::to_string(epoch) + ", batch " +
                       std::to_string(step + 1));
      }
      loss.backward();
      if (c_.grad_clip > 0)
        torch::nn::utils::clip_grad_norm_(model_->trainable_parameters(), c_.grad_clip);
      opt_->step();
      loss_sum += l * static_cast<double>(len);
      correct += logits.detach().argmax(1).eq(yb).sum().item<std::int64_t>();
    }
    return {loss_sum / n, static_cast<double>(correct) / n};
  }

  // Bookkeeping after epoch `e`: schedule, early stopping and the best epoch. Returns true when
  // early stopping ends the training.
  bool end_epoch(int e, const EpochMetrics& m) {
    schedule_->end_epoch(has_val() ? m.val_loss : m.train_loss);
    if (!has_val()) return false;
    early_stop_->end_epoch(m.val_loss);
    if (m.val_acc > best_.val_acc) best_ = {e, m.val_acc, snapshot_of(*model_, *opt_, e)};
    return early_stop_->stop();
  }

  // Loads the best epoch's weights when it is not `last`; returns the epoch now in the model.
  int use_best(int last) {
    if (best_.epoch == 0 || best_.epoch == last) return last;
    restore_snapshot(best_.snapshot, *model_, nullptr, "the best epoch's weights");
    return best_.epoch;
  }

  // The checkpoint of the epoch now in the model (see use_best).
  void write_checkpoint_to(const std::string& path, const TrialSpec& spec, int epoch,
                           double val_acc) {
    CheckpointInfo info;
    info.trial_id = spec.trial_id;
    info.params = spec.params;
    info.epoch = epoch;
    info.val_acc = val_acc;
    info.mean = d_.mean;
    info.stddev = d_.stddev;
    info.shape = {d_.info.channels, d_.info.rows, d_.info.cols, d_.classes};
    const std::string snapshot =
        epoch == best_.epoch ? best_.snapshot : snapshot_of(*model_, *opt_, epoch);
    write_checkpoint(path, info, snapshot);
  }

 private:
  TrainConfig c_;
  const LoadedData& d_;
  Split split_;
  torch::Device device_;
  Classifier model_;
  std::unique_ptr<torch::optim::Optimizer> opt_;
  std::unique_ptr<LrSchedule> schedule_;
  std::unique_ptr<EarlyStop> early_stop_;
  BestEpoch best_;
  torch::Tensor class_weight_, sample_weight_;
};

void set_eval_metrics(const EvalResult& e, std::int64_t classes, TrialResult& r) {
  r.confusion = e.confusion;
  r.macro_f1 = macro_f1(e.confusion, classes);
  r.qwk = quadratic_weighted_kappa(e.confusion, classes);
  r.auc = e.auc;
}

void train_and_evaluate(const TrialSpec& spec, const LoadedData& d, torch::Device device,
                        const StopCheck& stop, const TrainSpan& span, TrialResult& r) {
  const int epochs = static_cast<int>(train_config_of(spec).epochs);
  const int last = span.to_epoch > 0 ? span.to_epoch : epochs;
  if (span.from_epoch < 0 || span.from_epoch >= last) {
    throw DataError("training span " + std::to_string(span.from_epoch) + ".." +
                    std::to_string(last) + " is empty");
  }
  TrialTraining t(spec, d, device);
  if (span.from_epoch > 0) t.restore(span);
  r.num_classes = static_cast<std::int32_t>(d.classes);
  double train_seconds = 0;
  std::int64_t trained = 0;
  int e = span.from_epoch;
  while (e < last) {
    ++e;
    auto t0 = Clock::now();
    torch::Tensor order = t.order(e);
    EpochMetrics m;
    m.epoch = e;
    try {
      std::tie(m.train_loss, m.train_acc) = t.train_epoch(order, e, stop);
    } catch (const Diverged& ex) {
      r.status = Status::kDiverged;
      r.message = ex.what();
      return;
    } catch (const Abandoned& ex) {
      r.status = Status::kAbandoned;
      r.message = ex.what();
      return;
    }
    train_seconds += seconds_since(t0);
    trained += order.size(0);
    if (t.has_val()) {
      EvalResult v = t.evaluate_val();
      m.val_loss = v.loss;
      m.val_acc = v.accuracy;
    }
    m.seconds = seconds_since(t0);
    r.epochs.push_back(m);
    r.epochs_run = e;
    if (t.end_epoch(e, m)) break;
  }
  if (!span.save_to.empty()) t.save(span.save_to, e);
  r.train_samples_per_s = train_seconds > 0 ? trained / train_seconds : 0;
  r.best_epoch = t.use_best(e);
  if (t.has_val()) {
    EvalResult v = t.evaluate_val();
    r.val_loss = v.loss;
    r.val_acc = v.accuracy;
    set_eval_metrics(v, d.classes, r);
    r.eval_split = "val";
  }
  if (d.test.defined()) {
    EvalResult v = evaluate(t.model(), d.test, torch::Tensor(), d);
    r.test_loss = v.loss;
    r.test_acc = v.accuracy;
    set_eval_metrics(v, d.classes, r);
    r.eval_split = "test";
  }
  if (!span.checkpoint_to.empty()) {
    t.write_checkpoint_to(span.checkpoint_to, spec, r.best_epoch, r.val_acc);
    r.checkpoint = span.checkpoint_to;
  }
  r.status = Status::kOk;
}

}  // namespace

TrialResult run_trial(const TrialSpec& spec, DataCache& cache, const WorkerContext& ctx,
                      const StopCheck& stop, const TrainSpan& span) {
  TrialResult r;
  r.trial_id = spec.trial_id;
  r.rank = ctx.rank;
  r.threads = ctx.threads;
  r.host = ctx.host;
  r.started_unix = unix_now();
  auto t0 = Clock::now();
  try {
    if (is_noop(spec)) {
      r.device = "cpu";
      run_noop(spec, stop, span, r);
    } else {
      const torch::Device device = pick_device(spec.get("device"), ctx.local_worker,
                                               std::stoi(spec.get("trials_per_gpu")), ctx.gpus);
      r.device = device.str();
      train_and_evaluate(spec, cache.get(spec), device, stop, span, r);
    }
  } catch (const std::exception& e) {
    r.status = Status::kFailed;
    r.message = failure_message(e);
    if (r.message != e.what()) {  // the whole text, stack frames and all, for the job's log
      std::fprintf(stderr, "sweep: trial %016llx failed on rank %d: %s\n",
                   static_cast<unsigned long long>(spec.trial_id), ctx.rank, e.what());
    }
    r.epochs_run = span.from_epoch + static_cast<std::int32_t>(r.epochs.size());
  }
  if (r.message.size() > 1000) r.message.resize(1000);
  r.wall_seconds = seconds_since(t0);
  r.finished_unix = unix_now();
  return r;
}

}  // namespace sweep::worker
