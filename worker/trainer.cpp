// run_trial: one trial from spec to result. The batch loop gathers rows of tensors already in
// memory (index_select); nothing is decoded or copied per trial beyond the batches.
#include <ATen/CPUGeneratorImpl.h>

#include <chrono>
#include <cmath>

#include "sweep/errors.h"
#include "worker/cnn.h"
#include "worker/dataset.h"
#include "worker/evaluate.h"
#include "worker/metrics.h"
#include "worker/train_config.h"
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

Split make_split(std::int64_t available, const TrainConfig& c) {
  const std::int64_t n = c.train_subset > 0 ? std::min(c.train_subset, available) : available;
  auto gen = at::detail::createCPUGenerator(split_seed_of(c.seed));
  torch::Tensor perm = torch::randperm(n, gen, torch::kInt64);
  const std::int64_t n_val = std::llround(c.val_split * static_cast<double>(n));
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

// One pass over `order`; returns {mean loss, accuracy}. Throws Diverged on a non-finite loss,
// Abandoned when `stop` says so before a batch.
std::pair<double, double> train_epoch(Cnn& model, torch::optim::Optimizer& opt, const LoadedData& d,
                                      const torch::Tensor& order, std::int64_t batch, int epoch,
                                      const StopCheck& stop) {
  const std::int64_t n = order.size(0);
  double loss_sum = 0;
  std::int64_t correct = 0;
  for (std::int64_t s = 0; s < n; s += batch) {
    if (stop && stop()) {
      throw Abandoned("abandoned at epoch " + std::to_string(epoch) +
                      ": the sweep was stopped; it runs again on resume");
    }
    const std::int64_t len = std::min(batch, n - s);
    torch::Tensor bi = order.narrow(0, s, len);
    torch::Tensor xb = d.train_x.index_select(0, bi);
    torch::Tensor yb = d.train_y.index_select(0, bi);
    opt.zero_grad();
    torch::Tensor logits = model->forward(xb);
    torch::Tensor loss = torch::nn::functional::cross_entropy(logits, yb);
    const double l = loss.item<double>();
    if (!std::isfinite(l)) {
      throw Diverged("non-finite training loss at epoch " + std::to_string(epoch) + ", batch " +
                     std::to_string(s / batch + 1));
    }
    loss.backward();
    opt.step();
    loss_sum += l * static_cast<double>(len);
    correct += logits.detach().argmax(1).eq(yb).sum().item<std::int64_t>();
  }
  return {loss_sum / n, static_cast<double>(correct) / n};
}

void train_and_evaluate(const TrialSpec& spec, const LoadedData& d, const StopCheck& stop,
                        TrialResult& r) {
  const TrainConfig c = train_config_of(spec);
  Split split = make_split(d.train_x.size(0), c);
  torch::manual_seed(c.trial_seed);
  auto shuffle_gen = at::detail::createCPUGenerator(c.trial_seed ^ 0x5bd1e995ULL);
  CnnOptions o;
  o.in_channels = d.info.channels;
  o.rows = d.info.rows;
  o.cols = d.info.cols;
  o.filters = c.filters;
  o.dense_units = c.dense_units;
  o.classes = d.classes;
  o.dropout = c.dropout;
  Cnn model(o);
  torch::optim::Adam opt(model->parameters(), torch::optim::AdamOptions(c.learning_rate));
  r.num_classes = static_cast<std::int32_t>(d.classes);
  const bool has_val = split.val.size(0) > 0;
  double train_seconds = 0;
  std::int64_t trained = 0;
  EvalResult last_val;
  for (int e = 1; e <= c.epochs; ++e) {
    auto t0 = Clock::now();
    torch::Tensor order = split.train.index_select(
        0, torch::randperm(split.train.size(0), shuffle_gen, torch::kInt64));
    EpochMetrics m;
    m.epoch = e;
    try {
      std::tie(m.train_loss, m.train_acc) =
          train_epoch(model, opt, d, order, c.batch_size, e, stop);
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
    if (has_val) {
      last_val = evaluate(model, d.train_x, d.train_y, split.val, d.classes);
      m.val_loss = last_val.loss;
      m.val_acc = last_val.accuracy;
    }
    m.seconds = seconds_since(t0);
    r.epochs.push_back(m);
    r.epochs_run = e;
  }
  r.train_samples_per_s = train_seconds > 0 ? trained / train_seconds : 0;
  if (has_val) {
    r.val_loss = last_val.loss;
    r.val_acc = last_val.accuracy;
    r.confusion = last_val.confusion;
    r.eval_split = "val";
  }
  if (d.test_x.defined()) {
    EvalResult t = evaluate(model, d.test_x, d.test_y, torch::Tensor(), d.classes);
    r.test_loss = t.loss;
    r.test_acc = t.accuracy;
    r.confusion = t.confusion;
    r.eval_split = "test";
  }
  if (!r.confusion.empty()) r.macro_f1 = macro_f1(r.confusion, d.classes);
  r.status = Status::kOk;
}

}  // namespace

TrialResult run_trial(const TrialSpec& spec, DataCache& cache, const WorkerContext& ctx,
                      const StopCheck& stop) {
  TrialResult r;
  r.trial_id = spec.trial_id;
  r.rank = ctx.rank;
  r.threads = ctx.threads;
  r.host = ctx.host;
  r.device = "cpu";
  r.started_unix = unix_now();
  auto t0 = Clock::now();
  try {
    const LoadedData& d = cache.get(spec);
    train_and_evaluate(spec, d, stop, r);
  } catch (const std::exception& e) {
    r.status = Status::kFailed;
    r.message = e.what();
    r.epochs_run = static_cast<std::int32_t>(r.epochs.size());
  }
  if (r.message.size() > 1000) r.message.resize(1000);
  r.wall_seconds = seconds_since(t0);
  r.finished_unix = unix_now();
  return r;
}

}  // namespace sweep::worker
