#include "worker/training/schedule.h"

#include <cmath>
#include <stdexcept>

namespace sweep::worker {
namespace {

constexpr double kPi = 3.14159265358979323846;

// Cosine from `from` (at t = 0) to `to` (at t = 1).
double cosine(double from, double to, double t) {
  return to + (from - to) * (1 + std::cos(kPi * std::min(1.0, std::max(0.0, t)))) / 2;
}

}  // namespace

LrSchedule::LrSchedule(const ScheduleConfig& c, std::int64_t epochs, std::int64_t steps_per_epoch)
    : c_(c),
      total_steps_(static_cast<double>(std::max<std::int64_t>(1, epochs)) *
                   static_cast<double>(std::max<std::int64_t>(1, steps_per_epoch))),
      steps_per_epoch_(std::max<std::int64_t>(1, steps_per_epoch)) {}

double LrSchedule::lr(std::int64_t epoch, std::int64_t step) const {
  const double t = static_cast<double>((epoch - 1) * steps_per_epoch_ + step);
  if (c_.kind == "step") {
    return c_.learning_rate *
           std::pow(c_.factor,
                    static_cast<double>((epoch - 1) / std::max<std::int64_t>(1, c_.step_size)));
  }
  if (c_.kind == "cosine") return cosine(c_.learning_rate, 0, t / total_steps_);
  if (c_.kind == "onecycle") {
    const double start = c_.max_lr / 25, end = start / 1e4;
    const double rise = std::max(1.0, c_.pct_start * total_steps_ - 1);
    if (t <= rise) return cosine(start, c_.max_lr, t / rise);
    return cosine(c_.max_lr, end, (t - rise) / std::max(1.0, total_steps_ - 1 - rise));
  }
  if (c_.kind == "plateau") return c_.learning_rate * std::pow(c_.factor, cuts_);
  return c_.learning_rate;
}

void LrSchedule::end_epoch(double loss) {
  if (c_.kind != "plateau" || !std::isfinite(loss)) return;
  if (!has_best_ || loss < best_) {
    best_ = loss;
    has_best_ = true;
    bad_ = 0;
    return;
  }
  if (++bad_ >= static_cast<double>(c_.patience)) {
    cuts_ += 1;
    bad_ = 0;
  }
}

std::vector<double> LrSchedule::state() const {
  return {cuts_, best_, bad_, has_best_ ? 1.0 : 0.0};
}

void LrSchedule::restore(const std::vector<double>& s) {
  if (s.size() != 4) throw std::invalid_argument("schedule state: expected 4 numbers");
  cuts_ = s[0];
  best_ = s[1];
  bad_ = s[2];
  has_best_ = s[3] != 0;
}

void EarlyStop::end_epoch(double loss) {
  if (!std::isfinite(loss)) return;
  if (!has_best_ || loss < best_) {
    best_ = loss;
    has_best_ = true;
    bad_ = 0;
  } else {
    ++bad_;
  }
}

void EarlyStop::restore(const std::vector<double>& s) {
  if (s.size() != 3) throw std::invalid_argument("early stop state: expected 3 numbers");
  best_ = s[0];
  bad_ = static_cast<std::int64_t>(s[1]);
  has_best_ = s[2] != 0;
}

}  // namespace sweep::worker
