// A kept model (sweep run --keep-best): the weights and optimizer of a trial's best epoch,
// with everything needed to use it alone: the trial's settings, the image shape, the class
// count and the trial's pixel normalization (one value or one per channel).
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "worker/models/model.h"
#include "worker/tensors/normalization.h"

namespace sweep::worker {

struct CheckpointInfo {
  std::uint64_t trial_id = 0;
  std::vector<std::pair<std::string, std::string>> params;  // the trial's keys and values
  int epoch = 0;                                            // the epoch the weights are from
  double val_acc = 0;                                       // its validation accuracy (NaN: none)
  Normalization norm;                                       // the trial's pixel normalization
  ModelShape shape;
};

// Writes a checkpoint of `snapshot` (snapshot_of() bytes) to `path` atomically. Throws
// DataError naming the path when it cannot be written.
void write_checkpoint(const std::string& path, const CheckpointInfo& info,
                      const std::string& snapshot);

struct LoadedCheckpoint {
  CheckpointInfo info;
  Classifier model;  // in eval mode
};

// Reads a checkpoint and rebuilds its model with the saved weights. Throws DataError naming
// the path when the file is missing, not a checkpoint, or its model cannot be rebuilt (a
// torchscript model needs its backbone file where it was at training time).
LoadedCheckpoint load_checkpoint(const std::string& path);

}  // namespace sweep::worker
