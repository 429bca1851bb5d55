// What a trial's training carries from epoch to epoch, saved as the trial trains (every
// `state_every` epochs, at a stop, between the rungs of successive halving): weights and
// optimizer, the schedule's and early stopping's counters, the best epoch so far with its
// weights, every epoch's row so far and, inside an epoch, its position and random streams; with
// the trial id and the file format, so that a state is never loaded into another trial.
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <string>
#include <vector>

#include "core/state_file.h"
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

// Where a stop came inside epoch `epoch + 1` of a state (batch 0: at the end of `epoch`): the
// batches trained, the epoch's running loss and correct count, its seconds so far, and the
// states of its dropout and augmentation random streams, so that the rest of the epoch draws
// what an uninterrupted epoch would.
struct EpochPosition {
  std::int64_t batch = 0;
  double loss_sum = 0;
  std::int64_t correct = 0;
  double seconds = 0;
  // at::Generator::get_state() bytes; in a group the dropout streams of its `members`, one
  // after another in member order (each draws its own); augmentation is the same on all.
  std::string dropout_rng, augment_rng;
  int members = 1;
};

struct TrainingState {
  std::uint64_t trial_id = 0;                // the trial whose state it is
  std::string params;                        // its key values (params_text, core/state_file.h)
  int epoch = 0;                             // epochs complete
  EpochPosition position;                    // and how far into the next one
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

// Writes model, optimizer and `s` to `path` atomically and durably: a header (core/state_file.h:
// trial, epoch, batch, payload length and checksum) and the payload go to `path`.part, which is
// flushed to disk (fsync), renamed to `path`, and the directory flushed; a kill at any moment
// leaves either the previous `path` or the new one whole, never a mix (a `.part` is never
// read). Returns the bytes written. Throws DataError naming the path when it cannot be written.
std::size_t save_state(const std::string& path, ClassifierImpl& model, torch::optim::Optimizer& opt,
                       const TrainingState& s);

// Reads a state written by save_state into model and optimizer and returns the rest. Throws
// DataError naming the path when the file is missing, unreadable, truncated or corrupt (its
// checksum), of another format than kStateFormat, of another trial than `trial_id`, its parts
// disagree, or it does not fit the model; the model and optimizer are loaded only after the
// format, the trial and the checksum are checked.
TrainingState load_state(const std::string& path, ClassifierImpl& model,
                         torch::optim::Optimizer& opt, std::uint64_t trial_id);

// Writes the state of a trial without a model (model = noop): its epoch, and the milliseconds
// slept into the next (in the header's batch field).
void save_noop_state(const std::string& path, const TrialSpec& spec, int epoch,
                     std::int64_t slept_ms);
// The header of such a state. Throws DataError as load_state does.
StateHeader load_noop_state(const std::string& path, std::uint64_t trial_id);

// Bytes as a uint8 tensor and back, to nest them in an archive.
torch::Tensor bytes_tensor(const std::string& bytes);
std::string tensor_bytes(const torch::Tensor& t);

}  // namespace sweep::worker
