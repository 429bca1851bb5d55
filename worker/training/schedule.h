// Learning rate schedules: pure arithmetic, no LibTorch. Epochs are 1-based; steps count the
// batches within an epoch from 0.
#pragma once

#include <cstdint>
#include <vector>

#include "worker/config/train_config.h"

namespace sweep::worker {

class LrSchedule {
 public:
  // A schedule over `epochs` epochs of `steps_per_epoch` batches each (both >= 1).
  LrSchedule(const ScheduleConfig& c, std::int64_t epochs, std::int64_t steps_per_epoch);

  // The learning rate for batch `step` of epoch `epoch`:
  //   none      learning_rate
  //   step      learning_rate x factor^floor((epoch - 1) / step_size)
  //   cosine    learning_rate x (1 + cos(pi t / T)) / 2, t the batch count so far, T all batches
  //   onecycle  from max_lr/25 up to max_lr over pct_start of all batches, then down to
  //             max_lr/25/1e4, both halves cosine-shaped (as PyTorch's OneCycleLR)
  //   plateau   learning_rate x factor^(cuts so far)
  double lr(std::int64_t epoch, std::int64_t step) const;

  // Reports the loss an epoch ended with (validation loss, else training loss); the plateau
  // schedule cuts once `patience` epochs in a row have not improved on the best loss.
  void end_epoch(double loss);

  // The plateau state (cuts, best loss, epochs without improvement), to save between spans.
  std::vector<double> state() const;
  // Restores state(); throws std::invalid_argument when it has the wrong size.
  void restore(const std::vector<double>& s);

 private:
  ScheduleConfig c_;
  double total_steps_;
  std::int64_t steps_per_epoch_;
  double cuts_ = 0, best_ = 0, bad_ = 0;
  bool has_best_ = false;
};

// Early stopping on the validation loss: stop() is true once `patience` epochs in a row have
// not improved on the best loss (never when patience is 0).
class EarlyStop {
 public:
  explicit EarlyStop(std::int64_t patience) : patience_(patience) {}
  void end_epoch(double loss);
  bool stop() const { return patience_ > 0 && bad_ >= patience_; }
  std::vector<double> state() const {
    return {best_, static_cast<double>(bad_), has_best_ ? 1.0 : 0.0};
  }
  // Restores state(); throws std::invalid_argument when it has the wrong size.
  void restore(const std::vector<double>& s);

 private:
  std::int64_t patience_;
  double best_ = 0;
  std::int64_t bad_ = 0;
  bool has_best_ = false;
};

}  // namespace sweep::worker
