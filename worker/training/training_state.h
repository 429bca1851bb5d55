// What a trial's training carries from epoch to epoch, saved between the spans of a trial
// trained in steps (successive halving): weights and optimizer, the schedule's and early
// stopping's counters, the best epoch so far with its weights, and every epoch's row so far;
// with the trial id and the file format, so that a state is never loaded into another trial.
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <string>
#include <vector>

#include "core/trial.h"
#include "worker/models/model.h"

namespace sweep::worker {

// The epoch with the best validation accuracy so far and a serialized copy of the model and
// optimizer at that epoch (empty before the first epoch with a validation result).
struct BestEpoch {
  int epoch = 0;
  double val_acc = -1;
  std::string snapshot;  // snapshot_of() bytes
};

// The state file format save_state writes. Format 1 (before 2026-12-06) had no format entry,
// trial id or epoch rows; load_state refuses it, as any other format.
inline constexpr std::int64_t kStateFormat = 2;

struct TrainingState {
  std::uint64_t trial_id = 0;  // the trial whose state it is
  int epoch = 0;
  std::vector<double> schedule, early_stop;  // LrSchedule::state(), EarlyStop::state()
  BestEpoch best;
  std::vector<EpochMetrics> epochs;  // the rows of epochs 1..epoch, in order
};

// Model, optimizer and epoch serialized into bytes (a LibTorch archive).
std::string snapshot_of(ClassifierImpl& model, torch::optim::Optimizer& opt, int epoch);

// Loads the model (and the optimizer when `opt` is not null) from snapshot_of() bytes; returns
// the epoch stored. Throws DataError naming `what` when the bytes do not fit the model.
int restore_snapshot(const std::string& bytes, ClassifierImpl& model, torch::optim::Optimizer* opt,
                     const std::string& what);

// Writes model, optimizer and `s` to `path` atomically and durably: the bytes go to
// `path`.part, which is flushed to disk (fsync), renamed to `path`, and the directory flushed;
// a kill at any moment leaves either the previous `path` or the new one whole, never a mix (a
// `.part` is never read). Throws DataError naming the path when it cannot be written.
void save_state(const std::string& path, ClassifierImpl& model, torch::optim::Optimizer& opt,
                const TrainingState& s);

// Reads a state written by save_state into model and optimizer and returns the rest. Throws
// DataError naming the path when the file is missing, unreadable or truncated, of another
// format than kStateFormat, of another trial than `trial_id`, holds another epoch than `epoch`
// or does not fit the model; the model and optimizer are loaded only after the format, the
// trial and the epoch are checked.
TrainingState load_state(const std::string& path, ClassifierImpl& model,
                         torch::optim::Optimizer& opt, int epoch, std::uint64_t trial_id);

// Bytes as a uint8 tensor and back, to nest them in an archive.
torch::Tensor bytes_tensor(const std::string& bytes);
std::string tensor_bytes(const torch::Tensor& t);

}  // namespace sweep::worker
