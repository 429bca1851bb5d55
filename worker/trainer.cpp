// run_trial: one trial from spec to result. The batch loop gathers rows of tensors already in
// memory (index_select); nothing is decoded or copied per trial beyond the batches.
#include <ATen/CPUGeneratorImpl.h>

#include <chrono>
#include <cmath>
#include <cstdio>

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

// The seed of epoch `e` of a trial (e = 0: the initial weights), for shuffling (`stream` 1) and
// dropout (`stream` 2): a function of the trial and the epoch only, so that a trial trained in
// steps (TrainSpan) sees the same random numbers as one trained in one go.
std::uint64_t epoch_seed(std::uint64_t trial_seed, int e, std::uint64_t stream) {
  std::uint64_t z =
      trial_seed ^ (0x9e3779b97f4a7c15ULL * (static_cast<std::uint64_t>(e) + 1)) ^ (stream << 56);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return (z ^ (z >> 31)) & 0x7fffffffffffffffULL;
}

void save_state(const std::string& path, Cnn& model, torch::optim::Optimizer& opt, int epoch) {
  torch::serialize::OutputArchive root, m, o;
  model->save(m);
  opt.save(o);
  root.write("model", m);
  root.write("optimizer", o);
  root.write("epoch", torch::tensor(static_cast<std::int64_t>(epoch)));
  const std::string part = path + ".part";
  root.save_to(part);
  if (std::rename(part.c_str(), path.c_str()) != 0) {
    throw DataError(path + ": cannot write the training state");
  }
}

void load_state(const std::string& path, Cnn& model, torch::optim::Optimizer& opt, int epoch) {
  torch::serialize::InputArchive root, m, o;
  try {
    root.load_from(path);
    root.read("model", m);
    root.read("optimizer", o);
  } catch (const c10::Error& e) {
    throw DataError(path + ": cannot read the training state: " + e.what_without_backtrace());
  }
  torch::Tensor saved;
  root.read("epoch", saved);
  if (saved.item<std::int64_t>() != epoch) {
    throw DataError(path + ": holds the state at epoch " +
                    std::to_string(saved.item<std::int64_t>()) + ", not " + std::to_string(epoch));
  }
  model->load(m);
  opt.load(o);
}

void train_and_evaluate(const TrialSpec& spec, const LoadedData& d, const StopCheck& stop,
                        const TrainSpan& span, TrialResult& r) {
  const TrainConfig c = train_config_of(spec);
  const int last = span.to_epoch > 0 ? span.to_epoch : c.epochs;
  if (span.from_epoch < 0 || span.from_epoch >= last) {
    throw DataError("training span " + std::to_string(span.from_epoch) + ".." +
                    std::to_string(last) + " is empty");
  }
  Split split = make_split(d.train_x.size(0), c);
  torch::manual_seed(epoch_seed(c.trial_seed, 0, 2));
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
  if (span.from_epoch > 0) load_state(span.load_from, model, opt, span.from_epoch);
  r.num_classes = static_cast<std::int32_t>(d.classes);
  const bool has_val = split.val.size(0) > 0;
  double train_seconds = 0;
  std::int64_t trained = 0;
  EvalResult last_val;
  for (int e = span.from_epoch + 1; e <= last; ++e) {
    auto t0 = Clock::now();
    torch::manual_seed(epoch_seed(c.trial_seed, e, 2));
    auto shuffle_gen = at::detail::createCPUGenerator(epoch_seed(c.trial_seed, e, 1));
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
  if (!span.save_to.empty()) save_state(span.save_to, model, opt, last);
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
                      const StopCheck& stop, const TrainSpan& span) {
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
    train_and_evaluate(spec, d, stop, span, r);
  } catch (const std::exception& e) {
    r.status = Status::kFailed;
    r.message = e.what();
    r.epochs_run = span.from_epoch + static_cast<std::int32_t>(r.epochs.size());
  }
  if (r.message.size() > 1000) r.message.resize(1000);
  r.wall_seconds = seconds_since(t0);
  r.finished_unix = unix_now();
  return r;
}

}  // namespace sweep::worker
