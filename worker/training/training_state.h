// What a trial's training carries from epoch to epoch, saved between the spans of a trial
// trained in steps (successive halving): weights and optimizer, the schedule's and early
// stopping's counters, and the best epoch so far with its weights.
#pragma once

#include <torch/torch.h>

#include <string>
#include <vector>

#include "worker/models/model.h"

namespace sweep::worker {

// The epoch with the best validation accuracy so far and a serialized copy of the model and
// optimizer at that epoch (empty before the first epoch with a validation result).
struct BestEpoch {
  int epoch = 0;
  double val_acc = -1;
  std::string snapshot;  // snapshot_of() bytes
};

struct TrainingState {
  int epoch = 0;
  std::vector<double> schedule, early_stop;  // LrSchedule::state(), EarlyStop::state()
  BestEpoch best;
};

// Model, optimizer and epoch serialized into bytes (a LibTorch archive).
std::string snapshot_of(ClassifierImpl& model, torch::optim::Optimizer& opt, int epoch);

// Loads the model (and the optimizer when `opt` is not null) from snapshot_of() bytes; returns
// the epoch stored. Throws DataError naming `what` when the bytes do not fit the model.
int restore_snapshot(const std::string& bytes, ClassifierImpl& model, torch::optim::Optimizer* opt,
                     const std::string& what);

// Writes model, optimizer and `s` to `path` atomically (a .part file renamed). Throws DataError
// naming the path when it cannot be written.
void save_state(const std::string& path, ClassifierImpl& model, torch::optim::Optimizer& opt,
                const TrainingState& s);

// Reads a state written by save_state into model and optimizer and returns the rest. Throws
// DataError naming the path when the file is missing or unreadable, does not fit the model,
// or holds another epoch than `epoch`.
TrainingState load_state(const std::string& path, ClassifierImpl& model,
                         torch::optim::Optimizer& opt, int epoch);

// Bytes as a uint8 tensor and back, to nest them in an archive.
torch::Tensor bytes_tensor(const std::string& bytes);
std::string tensor_bytes(const torch::Tensor& t);

}  // namespace sweep::worker
