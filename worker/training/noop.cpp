#include "worker/training/noop.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>
#include <thread>

#include "core/class_metrics.h"
#include "core/errors.h"
#include "core/trial_id.h"
#include "worker/training/training_state.h"

namespace sweep::worker {
namespace {

constexpr int kClasses = 10;
constexpr std::int64_t kTestImages = 1000;

std::uint64_t mix(std::uint64_t x) {  // splitmix64's finalizer
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

double unit(std::uint64_t id, std::uint64_t salt) {  // in [0, 1)
  return static_cast<double>(mix(id ^ mix(salt)) >> 11) * (1.0 / 9007199254740992.0);
}

// Sleeps `ms`, asking `stop` every 10 ms; returns -1 when done, else the whole milliseconds
// slept before `stop` said stop.
std::int64_t sleep_unless_stopped(double ms, const StopCheck& stop) {
  using Clock = std::chrono::steady_clock;
  const Clock::time_point t0 = Clock::now();
  const Clock::time_point end = t0 + std::chrono::duration_cast<Clock::duration>(
                                         std::chrono::duration<double, std::milli>(ms));
  for (Clock::time_point now = t0; now < end; now = Clock::now()) {
    if (stop && stop()) {
      return std::chrono::duration_cast<std::chrono::milliseconds>(now - t0).count();
    }
    std::this_thread::sleep_for(
        std::min<Clock::duration>(end - now, std::chrono::milliseconds(10)));
  }
  return -1;
}

// Where a noop trial resumes: its state's epoch and milliseconds into the next, else 0 (as
// run_trial's set_up does).
StateHeader resume_noop(const TrialSpec& spec, const TrainSpan& span, int last) {
  StateHeader none;
  none.epoch = 0;
  if (span.state.empty()) return none;
  std::string refused;
  if (std::ifstream(span.state).good()) {
    try {
      const StateHeader h = load_noop_state(span.state, spec.trial_id);
      const int at = h.epoch;
      if (at >= span.from_epoch && at <= last) return h;
      refused = span.state + ": holds the state at epoch " + std::to_string(at) +
                ", and this job trains epochs " + std::to_string(span.from_epoch + 1) + ".." +
                std::to_string(last);
    } catch (const DataError& e) {
      refused = e.what();
    }
  } else {
    none.epoch = span.from_epoch;  // a noop has nothing to load
    return none;
  }
  if (span.from_epoch > 0) throw DataError(refused);
  std::fprintf(stderr, "sweep: trial %s: %s; it trains from the start\n",
               trial_id_hex(spec.trial_id).c_str(), refused.c_str());
  return none;
}

}  // namespace

void run_noop(const TrialSpec& spec, const StopCheck& stop, const TrainSpan& span, TrialResult& r,
              const EpochHook& hook, bool writes) {
  const int epochs = std::stoi(spec.get("epochs"));
  const double sleep_ms = std::stod(spec.get("sleep_ms"));
  const int last = span.to_epoch > 0 ? span.to_epoch : epochs;
  const std::uint64_t id = spec.trial_id;
  const double ceiling = 0.5 + 0.45 * unit(id, 1);  // the accuracy this "model" tends to
  const int every = std::stoi(spec.get("state_every"));
  r.num_classes = kClasses;
  const StateHeader from = resume_noop(spec, span, last);
  const int start = from.epoch;
  r.epochs_restored = 0;
  for (int e = span.from_epoch + 1; e <= last; ++e) {
    // A noop's position inside an epoch is the milliseconds it slept (a stop saves them).
    const std::int64_t done = e == start + 1 ? from.batch : 0;
    const std::int64_t slept = e <= start       ? -1
                               : stop && stop() ? 0
                                                : sleep_unless_stopped(sleep_ms - done, stop);
    if (slept >= 0) {
      r.status = Status::kAbandoned;
      r.message = "abandoned at epoch " + std::to_string(e) + ": the sweep was stopped";
      if (writes && !span.state.empty() && (e > 1 || done + slept > 0)) {
        save_noop_state(span.state, spec, e - 1, done + slept);
        r.message += "; saved there: it continues from that moment on resume";
      }
      return;
    }
    EpochMetrics m;
    m.epoch = e;
    const double progress = 1.0 - 1.0 / (1.0 + e);
    m.train_acc = ceiling * progress + 0.02 * unit(id, 100 + e);
    m.train_loss = 2.3 * (1 - m.train_acc);
    m.val_acc = ceiling * progress;
    m.val_loss = 2.3 * (1 - m.val_acc) + 0.05 * unit(id, 200 + e);
    m.seconds = sleep_ms / 1000;
    r.epochs.push_back(m);
    r.epochs_run = e;
    if (e <= start) {  // the state's epochs: their rows are a function of the trial
      ++r.epochs_restored;
      // Told to the hook as trained ones are (a stopping rule sees the whole trial); only the
      // verdict on the state's own epoch can end it.
      if (hook && e < last) {
        const std::string verdict = hook(m);
        if (e == start && !verdict.empty()) {
          r.message = verdict;
          break;
        }
      }
      continue;
    }
    if (writes && !span.state.empty() &&
        ((every > 0 && e % every == 0 && e < last) || (span.keep_state && e == last))) {
      save_noop_state(span.state, spec, e, 0);
    }
    if (hook && e < last) {
      r.message = hook(m);
      if (!r.message.empty()) break;
    }
  }
  const EpochMetrics& final = r.epochs.back();
  r.best_epoch = final.epoch;
  r.val_acc = final.val_acc;
  r.val_loss = final.val_loss;
  // A confusion matrix of kTestImages whose diagonal holds the test accuracy.
  r.confusion.assign(kClasses * kClasses, 0);
  std::int64_t right = 0;
  for (int c = 0; c < kClasses; ++c) {
    const std::int64_t n = kTestImages / kClasses;
    const std::int64_t hit =
        static_cast<std::int64_t>(n * final.val_acc * (0.95 + 0.1 * unit(id, 300 + c)));
    const std::int64_t ok = std::min(n, hit);
    r.confusion[c * kClasses + c] = ok;
    r.confusion[c * kClasses + (c + 1) % kClasses] = n - ok;
    right += ok;
  }
  r.test_acc = static_cast<double>(right) / kTestImages;
  r.test_loss = 2.3 * (1 - r.test_acc);
  r.eval_split = "test";
  r.macro_f1 = macro_f1(r.confusion, kClasses);
  r.qwk = quadratic_weighted_kappa(r.confusion, kClasses);
  r.status = r.message.empty() ? Status::kOk : Status::kPruned;
}

}  // namespace sweep::worker
