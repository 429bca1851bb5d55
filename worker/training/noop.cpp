#include "worker/training/noop.h"

#include <algorithm>
#include <chrono>
#include <string>
#include <thread>

#include "core/class_metrics.h"

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

// Sleeps `ms`, asking `stop` every 10 ms; false when it said stop.
bool sleep_unless_stopped(double ms, const StopCheck& stop) {
  using Clock = std::chrono::steady_clock;
  const Clock::time_point end = Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                                   std::chrono::duration<double, std::milli>(ms));
  for (Clock::time_point now = Clock::now(); now < end; now = Clock::now()) {
    if (stop && stop()) return false;
    std::this_thread::sleep_for(
        std::min<Clock::duration>(end - now, std::chrono::milliseconds(10)));
  }
  return true;
}

}  // namespace

void run_noop(const TrialSpec& spec, const StopCheck& stop, const TrainSpan& span, TrialResult& r,
              const EpochHook& hook) {
  const int epochs = std::stoi(spec.get("epochs"));
  const double sleep_ms = std::stod(spec.get("sleep_ms"));
  const int last = span.to_epoch > 0 ? span.to_epoch : epochs;
  const std::uint64_t id = spec.trial_id;
  const double ceiling = 0.5 + 0.45 * unit(id, 1);  // the accuracy this "model" tends to
  r.num_classes = kClasses;
  for (int e = span.from_epoch + 1; e <= last; ++e) {
    if ((stop && stop()) || !sleep_unless_stopped(sleep_ms, stop)) {
      r.status = Status::kAbandoned;
      r.message = "abandoned";
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
