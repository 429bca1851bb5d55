// run_trial: one trial from spec to result. The batch loop gathers rows of tensors already in
// memory (index_select); nothing is decoded or copied per trial beyond the batches.
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>

#include "core/class_metrics.h"
#include "core/errors.h"
#include "core/trial_id.h"
#include "worker/config/train_config.h"
#include "worker/tensors/dataset.h"
#include "worker/training/device.h"
#include "worker/training/evaluate.h"
#include "worker/training/failure_message.h"
#include "worker/training/noop.h"
#include "worker/training/robustness_eval.h"
#include "worker/training/trial_training.h"
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

void set_eval_metrics(const EvalResult& e, std::int64_t classes, TrialResult& r) {
  r.confusion = e.confusion;
  r.macro_f1 = macro_f1(e.confusion, classes);
  r.qwk = quadratic_weighted_kappa(e.confusion, classes);
  r.auc = e.auc;
  r.ece = e.calibration.ece();
  r.brier = e.calibration.brier();
  r.calibration = calibration_bins(e.calibration);
  r.mistakes = e.mistakes;
}

// Writes the trial's state at the end of epoch `e` (or `at` into the next one) when the span
// has a state file; a failing write is told on stderr and the trial trains on (the state is a
// way to resume, not a result). Returns "" or why it failed.
std::string save_state_to(TrialTraining& t, const TrainSpan& span, int e,
                          const std::vector<EpochMetrics>& trained, const EpochPosition& at = {}) {
  try {
    t.save(span.state, e, trained, at);
    return "";
  } catch (const std::exception& ex) {
    std::fprintf(stderr, "sweep: %s; the trial goes on without it\n", ex.what());
    return ex.what();
  }
}

// Trains and evaluates `t` (built, and restored to epoch `start`) into `r`, whose epochs hold
// the rows the state restored within the span. In a group every member runs this in step; a
// member's local failure is recorded with t.fail() and thrown on every member at the next
// agreement point, never left to hang the others in a sum.
void train_and_evaluate(TrialTraining& t, const TrialSpec& spec, const LoadedData& d, bool group,
                        const StopCheck& stop, const TrainSpan& span, int start, int last,
                        const EpochHook& hook, TrialResult& r) {
  // Alone a local failure throws at once; in a group it waits for the next agreement point.
  auto local = [&](const auto& fn) {
    if (!group) return fn();
    try {
      fn();
    } catch (const GroupBroken&) {
      throw;
    } catch (const std::exception& e) {
      t.fail(e.what());
    }
  };
  r.num_classes = static_cast<std::int32_t>(d.classes);
  double train_seconds = 0;
  std::int64_t trained = 0;
  std::vector<EpochMetrics> rows;  // trained in this run (the state's rows are t's)
  std::string pruned;              // why the epoch hook ended the trial
  // A result that may go without the test set keeps its mistakes on the validation split, so
  // the last epoch's evaluation is computed with them and can stand for the final one.
  const std::int64_t val_mistakes =
      !d.test.defined() || t.config().test_eval_final ? t.config().mistakes : 0;
  const int every = t.config().state_every;
  int saved = start;  // the epoch of the trial's newest state
  EvalResult last_val;
  bool have_last_val = false;
  int e = start;
  // The restored epochs go to the hook as trained ones do, so that a stopping rule sees the whole
  // trial; only its verdict on the state's own epoch (where the weights are) can end it there.
  if (hook && !group) {
    for (const EpochMetrics& m : r.epochs) {
      if (m.epoch >= last) break;
      const std::string verdict = hook(m);
      if (m.epoch == start) pruned = verdict;
    }
  }
  if (!span.state.empty() && t.config().state_minutes > 0) {
    t.save_inside_epochs(t.config().state_minutes * 60, [&](int at, const EpochPosition& p) {
      save_state_to(t, span, at, rows, p);
    });
  }
  // A state saved where early stopping ended a span (a rung's kept state) trains no further.
  const bool ended = !pruned.empty() || (start > 0 && t.early_stopped());
  while (!ended && e < last) {
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
      if (span.state.empty()) return;
      // A stop before an epoch's first batch finds the weights of the epoch before: a state of
      // that epoch's end, unless it is the one already saved (or none was trained).
      const bool useful = ex.position && (ex.position->batch > 0 || e - 1 > saved);
      if (useful && save_state_to(t, span, e - 1, rows, *ex.position).empty()) {
        r.message += "; saved there: it continues from that batch on resume";
      } else if (saved > 0) {
        r.message +=
            "; it continues from its state at epoch " + std::to_string(saved) + " on resume";
      }
      return;
    }
    train_seconds += seconds_since(t0);
    trained += order.size(0);
    if (t.has_val()) {
      last_val = t.evaluate_val(val_mistakes);
      have_last_val = true;
      m.val_loss = last_val.loss;
      m.val_acc = last_val.accuracy;
    }
    m.seconds = seconds_since(t0);
    rows.push_back(m);
    r.epochs.push_back(m);
    r.epochs_run = e;
    bool early = false;
    local([&] { early = t.end_epoch(e, m); });
    t.check_members_agree(e);  // a group's agreement point of the epoch (nothing alone)
    if (early) break;
    if (!span.state.empty() && every > 0 && e % every == 0 && e < last) {
      if (save_state_to(t, span, e, rows).empty()) saved = e;
      t.note_state_saved();
    }
    if (hook && !group && e < last) {
      pruned = hook(m);
      if (!pruned.empty()) break;
    }
  }
  if (span.keep_state && e > saved) local([&] { t.save(span.state, e, rows); });
  r.train_samples_per_s = train_seconds > 0 ? trained / train_seconds : 0;
  r.sync_seconds = t.sync_seconds();
  local([&] { r.best_epoch = t.use_best(e); });
  // With test_eval = final, a lower rung's result (it trains on later) or a pruned trial's is
  // evaluated on the validation split only; the test set waits for the trial's final result.
  const bool final_result = pruned.empty() && last == t.config().epochs;
  const bool test = d.test.defined() && (final_result || !t.config().test_eval_final);
  if (t.has_val()) {
    // When the best epoch is the last one trained, the weights are those its evaluation saw:
    // that evaluation is the final one (alone; a group evaluates again, in step).
    EvalResult v = !group && have_last_val && r.best_epoch == e
                       ? std::move(last_val)
                       : t.evaluate_val(test ? 0 : t.config().mistakes);
    r.val_loss = v.loss;
    r.val_acc = v.accuracy;
    set_eval_metrics(v, d.classes, r);
    r.eval_split = "val";
  }
  if (test) {
    EvalResult v = t.evaluate_test(t.config().mistakes);
    r.test_loss = v.loss;
    r.test_acc = v.accuracy;
    set_eval_metrics(v, d.classes, r);
    r.eval_split = "test";
  }
  if (!t.config().robustness.empty() && !r.eval_split.empty()) {
    // The same split as the metrics above, one pass per perturbation and level.
    r.robustness = evaluate_robustness(
        t.config().robustness, t.config().trial_seed, d.classes, [&](const PixelTransform& f) {
          return test ? t.evaluate_test(0, &f) : t.evaluate_val(0, &f);
        });
    r.robust_acc = mean_accuracy(r.robustness);
  }
  if (t.config().dead_units && !r.eval_split.empty()) r.activations = t.dead_units(test);
  if (!span.checkpoint_to.empty()) {
    local([&] { t.write_checkpoint_to(span.checkpoint_to, spec, r.best_epoch, r.val_acc); });
    r.checkpoint = span.checkpoint_to;
  }
  if (group) t.sync();
  r.status = pruned.empty() ? Status::kOk : Status::kPruned;
  r.message = pruned;
}

// The last epoch a span trains to. Throws DataError on an empty span.
int last_epoch(const TrialSpec& spec, const TrainSpan& span) {
  const int epochs = static_cast<int>(train_config_of(spec).epochs);
  const int last = span.to_epoch > 0 ? span.to_epoch : epochs;
  if (span.from_epoch < 0 || span.from_epoch >= last) {
    throw DataError("training span " + std::to_string(span.from_epoch) + ".." +
                    std::to_string(last) + " is empty");
  }
  return last;
}

// Where a trial resumes: its state's epoch, checked against the span; throws DataError naming
// the state when it cannot be used.
int restore_state(TrialTraining& t, const TrainSpan& span, int last) {
  const int at = t.restore(span.state);
  if (at < span.from_epoch || at > last) {
    throw DataError(span.state + ": holds the state at epoch " + std::to_string(at) +
                    ", and this job trains epochs " + std::to_string(span.from_epoch + 1) + ".." +
                    std::to_string(last));
  }
  return at;
}

// Runs `fn`; alone its exception propagates, in a group every member learns whether any failed
// (the lowest failing member's message is thrown on all), so that none trains on alone.
template <typename Fn>
void on_every_member(TrialGroup* group, const Fn& fn) {
  std::string failure;
  try {
    fn();
  } catch (const std::exception& e) {
    if (group == nullptr) throw;
    failure = e.what();
  }
  if (group != nullptr) {
    const std::string why = group->agree(failure);
    if (!why.empty()) throw std::runtime_error(why);
  }
}

// Loads the data, picks the device and builds the training of `spec`, restored from its state
// when it has one (`start`: the state's epoch, else 0); in a group, every member does and they
// agree before any trains, on the build and then on the state.
std::unique_ptr<TrialTraining> set_up(const TrialSpec& spec, DataCache& cache,
                                      const WorkerContext& ctx, const TrainSpan& span, int last,
                                      const LoadedData*& data, int& start, TrialResult& r) {
  std::unique_ptr<TrialTraining> t;
  torch::Device device = torch::kCPU;
  on_every_member(ctx.group, [&] {
    // The data first: a group's members on a node load it together (one copy between them), so
    // nothing that may fail on one member alone comes before.
    data = &cache.get(spec);
    device = pick_device(spec.get("device"), ctx.local_worker,
                         std::stoi(spec.get("trials_per_gpu")), ctx.gpus);
    r.device = device.str();
    t = std::make_unique<TrialTraining>(spec, *data, device, ctx.group);
    r.memory_format = t->memory_format();
  });
  start = 0;
  if (span.state.empty()) return t;
  std::string refused;
  if (std::ifstream(span.state).good()) {
    try {
      start = restore_state(*t, span, last);
    } catch (const std::exception& e) {
      refused = e.what();
    }
  } else if (span.from_epoch > 0) {
    refused = span.state + ": cannot read the training state (no such file)";
  }
  if (ctx.group != nullptr) refused = ctx.group->agree(refused);  // all resume, or none
  if (refused.empty()) return t;
  if (span.from_epoch > 0) throw DataError(refused);  // the job continues a state it lacks
  if (ctx.group == nullptr || ctx.group->rank() == 0) {
    std::fprintf(stderr, "sweep: trial %s: %s; it trains from the start\n",
                 trial_id_hex(spec.trial_id).c_str(), refused.c_str());
  }
  start = 0;
  t.reset();  // the half-loaded one goes first: two would need twice the memory
  on_every_member(ctx.group,
                  [&] { t = std::make_unique<TrialTraining>(spec, *data, device, ctx.group); });
  return t;
}

}  // namespace

TrialResult run_trial(const TrialSpec& spec, DataCache& cache, const WorkerContext& ctx,
                      const StopCheck& stop, const TrainSpan& span, const EpochHook& epoch_hook) {
  TrialResult r;
  r.trial_id = spec.trial_id;
  r.rank = ctx.rank;
  r.threads = ctx.threads;
  r.host = ctx.host;
  r.started_unix = unix_now();
  auto t0 = Clock::now();
  if (ctx.group != nullptr)
    ctx.group->step_seconds(0);  // the longer deadline until a step is timed
  try {
    if (is_noop(spec)) {
      r.device = "cpu";
      run_noop(spec, stop, span, r, ctx.group == nullptr ? epoch_hook : nullptr,
               ctx.group == nullptr || ctx.group->rank() == 0);
    } else {
      const int last = last_epoch(spec, span);
      const LoadedData* data = nullptr;
      int start = 0;
      std::unique_ptr<TrialTraining> t = set_up(spec, cache, ctx, span, last, data, start, r);
      for (const EpochMetrics& m : t->restored_epochs()) {
        if (m.epoch > span.from_epoch) r.epochs.push_back(m);
      }
      r.epochs_restored = static_cast<std::int32_t>(r.epochs.size());
      r.epochs_run = start;
      train_and_evaluate(*t, spec, *data, ctx.group != nullptr, stop, span, start, last, epoch_hook,
                         r);
    }
  } catch (const GroupBroken&) {
    throw;  // not this trial's failure alone: the group cannot go on (the caller ends it)
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
