// The worker's public face: what sweep/ calls to train a trial. No MPI and no LibTorch in this
// header; the data cache hides its tensors behind a pointer.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/trial.h"
#include "worker/data/raw_images.h"
#include "worker/trial_group.h"

namespace sweep::worker {

// Where and how a trial runs; filled in by the caller and copied into the result.
struct WorkerContext {
  int rank = 0;
  int threads = 1;
  std::string host;
  int local_worker = 0;  // its number among the workers of its node (picks its GPU)
  int gpus = 0;          // CUDA devices it sees (worker/training/device.h: visible_gpus)
  // The other ranks that train each trial with this one (ranks_per_trial > 1), member 0 being
  // the one that reports results; nullptr when it trains alone.
  TrialGroup* group = nullptr;
};

struct LoadedData;  // tensors of one data set (worker/tensors/dataset.h)

// Data sets loaded by this process, each decoded once on first use and kept in memory as
// tensors for every later trial. Not thread-safe; one per process.
class DataCache {
 public:
  // `loader` reads image caches (dataset = hdf5); without one such data sets fail to load.
  explicit DataCache(SplitImagesLoader loader = {});
  ~DataCache();
  DataCache(const DataCache&) = delete;
  DataCache& operator=(const DataCache&) = delete;

  // The data set `spec` names, loading it on first use. Throws DataError on unreadable data.
  const LoadedData& get(const TrialSpec& spec);
  // From now on the members of `group` on this node (ranks_per_trial > 1) hold one copy of each
  // data set's pixels between them (worker/tensors/shared_data.h): every one of them must then
  // call get() for the same data sets in the same order, as they do training the same trials.
  // The group must outlive this cache.
  void share_within(TrialGroup* group);
  // How many data sets have been decoded so far (for tests: trials must not reload).
  int loads() const { return loads_; }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  int loads_ = 0;
};

// Asked between training batches: true ends the trial at once as abandoned.
using StopCheck = std::function<bool()>;

// Called after each epoch a trial trains, with that epoch's metrics: "" lets it go on; any
// other text ends the trial there as pruned (its best epoch so far evaluated as at a normal
// end), the text its message. Not called for a data-parallel group's trials.
using EpochHook = std::function<std::string(const EpochMetrics&)>;

// Which part of a trial's training to do, and where its state lives. Each epoch's shuffling
// and dropout are seeded by the trial and the epoch alone, so a trial trained in steps, or
// resumed from a state, gives the same weights as one trained in one go.
struct TrainSpan {
  int from_epoch = 0;  // > 0: continue from `state`, which must hold this epoch or a later one
  int to_epoch = 0;    // last epoch to train; 0 = the trial's `epochs`
  // The trial's state file ("" = none). When it exists the trial resumes from it (a state that
  // cannot be used is reported on stderr and, with from_epoch 0, the trial trains from the
  // start); the trial writes it every `state_every` epochs (its key) before its last, when a
  // stop ends it (inside an epoch when it trains on the CPU), and at to_epoch when
  // `keep_state`. Written atomically: worker/training/training_state.h.
  std::string state;
  bool keep_state = false;  // write the state at to_epoch (a successive-halving rung)
  // "" = none; else the trial's best epoch so far (its weights, optimizer, settings and
  // normalization) is written here as a checkpoint for `sweep predict`
  // (worker/training/checkpoint.h).
  std::string checkpoint_to;
};

// Trains and evaluates one trial (or the span of it). Never throws for a failing trial: an
// exception, a data error, a missing or mismatched state file or a non-finite loss is returned
// as a result with status failed or diverged and its message; when `stop` (optional) returns
// true between batches the trial ends with status abandoned; `epoch_hook` (optional, alone
// only) is told each epoch and may end the trial as pruned. `ctx` fills rank, threads and host
// of the result. With a span, the result holds that span's epochs and epochs_run = to_epoch;
// those restored from the state count in epochs_restored.
// With ctx.group, every member calls it for the same trial at the same time and trains its
// share (data parallel); they fail, diverge or stop together (on the leader's `stop`), and
// every member returns the same result. Throws GroupBroken (worker/trial_group.h) alone: when a
// member did not come to a sum in time, the group cannot go on.
TrialResult run_trial(const TrialSpec& spec, DataCache& cache, const WorkerContext& ctx,
                      const StopCheck& stop = nullptr, const TrainSpan& span = {},
                      const EpochHook& epoch_hook = nullptr);

// CUDA devices this process sees (0 with Debian's CPU-only LibTorch or without a GPU).
int visible_gpus();

// Prepares this process for training: LibTorch's intra-op threads (and OpenMP/BLAS through
// it) to `threads`, inter-op threads to 1, and a malloc policy that keeps batch buffers in
// the heap instead of mapping them anew each batch. Call once per process before the first
// trial.
void configure_runtime(int threads);

// Loads each TorchScript backbone the torchscript trials of `trials` name (each once) and runs
// it on one zero image of `info`'s shape. Throws std::invalid_argument naming the file, the
// size and the size it expects when its first layer tells, when one does not take the images.
void check_backbone_inputs(const std::vector<TrialSpec>& trials, const DataInfo& info);

// A warning text naming the library when the one that provides LibTorch's sgemm_ is not
// OpenBLAS, BLIS or MKL (Debian's reference BLAS is ~15x slower), else "".
std::string blas_warning();

}  // namespace sweep::worker
