// One trial's training: data split, model, optimizer, schedule, the epoch loop's steps and the
// per-epoch bookkeeping, alone or as a member of a data-parallel group (ranks_per_trial > 1:
// trial_training_group.cpp).
#pragma once

#include <torch/torch.h>

#include <array>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>

#include "core/trial.h"
#include "worker/config/train_config.h"
#include "worker/models/model.h"
#include "worker/tensors/dataset.h"
#include "worker/tensors/normalization.h"
#include "worker/training/evaluate.h"
#include "worker/training/gradient_reducer.h"
#include "worker/training/schedule.h"
#include "worker/training/training_state.h"
#include "worker/trial_group.h"
#include "worker/worker.h"

namespace sweep::worker {

// A non-finite training loss (status diverged).
class Diverged : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The sweep was stopped while the trial trained (status abandoned). `position` says where in the
// epoch, with its random streams, when the trial can be saved there (on the CPU, alone or in a
// group: every member's dropout stream); a GPU trial leaves it unset and resumes from its last
// epoch's end.
class Abandoned : public std::runtime_error {
 public:
  Abandoned(const std::string& what, std::optional<EpochPosition> position)
      : std::runtime_error(what), position(std::move(position)) {}
  std::optional<EpochPosition> position;
};

// The seed of epoch `e` of a trial (e = 0: the initial weights), for shuffling (`stream` 1),
// dropout (2) and augmentation (3): a function of the trial and the epoch only, so that a trial
// trained in steps (TrainSpan) sees the same random numbers as one trained in one go.
std::uint64_t epoch_seed(std::uint64_t trial_seed, int e, std::uint64_t stream);

// The seed of member `member`'s dropout in epoch `e` of a trial in a group (member 0, and a
// trial alone: epoch_seed(trial_seed, e, 2)): each member draws masks of its own.
std::uint64_t dropout_seed(std::uint64_t trial_seed, int e, int member);

// The rows of a batch of `len` rows that member `rank` of `size` trains: [first, first + count).
// Contiguous, and as even as can be; a member may get none when len < size.
std::pair<std::int64_t, std::int64_t> member_slice(std::int64_t len, int rank, int size);

class TrialTraining {
 public:
  using Clock = std::chrono::steady_clock;
  // Builds the model on the CPU (the same initial weights on every device and every member),
  // then moves it to `device`, where it trains; batches are gathered on the CPU and copied
  // there. `group`: the members that train this trial together (nullptr: alone).
  TrialTraining(const TrialSpec& spec, const LoadedData& d, torch::Device device,
                TrialGroup* group = nullptr);
  ~TrialTraining();
  TrialTraining(const TrialTraining&) = delete;
  TrialTraining& operator=(const TrialTraining&) = delete;

  const TrainConfig& config() const { return c_; }
  ClassifierImpl& model() { return *model_; }
  // How the trial's pixels are normalized (its data's statistics or its keys).
  const Normalization& normalization() const { return norm_; }
  bool has_val() const;
  // "channels_last" or "contiguous": the memory format the model trains in.
  const char* memory_format() const;

  // The model on the validation images (the data set's own split, else the held-out rows), and
  // on the test images, with the `mistakes` most confident wrong predictions. In a group each
  // member evaluates a share and the results are summed (the mistakes: the most confident of
  // all members'). With `transform`, the images pass through it on the 0-1 scale first (see
  // evaluate).
  EvalResult evaluate_val(std::int64_t mistakes = 0, const PixelTransform* transform = nullptr);
  EvalResult evaluate_test(std::int64_t mistakes = 0, const PixelTransform* transform = nullptr);
  // The dead units of each activation layer on the test images (`test`) or the validation
  // images (see dead_units.h). In a group each member probes a share and the units that fired
  // are summed: a unit is dead when it fired on no member.
  std::vector<ActivationLayer> dead_units(bool test);

  // Loads the trial's state from `path` and returns its epoch; when the state was saved inside
  // an epoch, the next train_epoch() continues that epoch where it stopped. Throws DataError
  // when it is not a state of this trial or cannot be read (see load_state); the model may then
  // be half loaded: build the training anew before training from scratch.
  int restore(const std::string& path);
  // Writes the state at the end of `epoch` (or `position` into the next one) to `path` (in a
  // group: member 0 writes), with the epoch rows restored and `trained` (the rows of the epochs
  // trained since), so that it holds every row. Returns the bytes written (0 on a member).
  std::size_t save(const std::string& path, int epoch, const std::vector<EpochMetrics>& trained,
                   const EpochPosition& position = {});
  // Has train_epoch call `save` with the trial's position (the epochs complete, and where in the
  // next) before a batch whenever `seconds` have passed since the last state (this call, or
  // note_state_saved()): inside long epochs, for a trial alone on the CPU (whose random streams
  // can be saved); `save` must not throw.
  using MidEpochSave = std::function<void(int epoch, const EpochPosition& at)>;
  void save_inside_epochs(double seconds, MidEpochSave save);
  // A state was written (at an epoch's end): the next one inside an epoch is `seconds` later.
  void note_state_saved() { last_state_ = Clock::now(); }

  // The epoch rows the state restored (empty when none was).
  const std::vector<EpochMetrics>& restored_epochs() const { return restored_epochs_; }

  // The rows of epoch `e` in training order: shuffled, or drawn with replacement by class
  // weight (sampler = balanced). The same on every member.
  torch::Tensor order(int e) const;

  // One pass over `order` (the rest of it, after a restore inside this epoch); returns {mean
  // loss, accuracy}. Throws Diverged on a non-finite loss, Abandoned (with the position when
  // the trial trains on the CPU; in a group, after one more sum that gathers every member's
  // dropout stream) when `stop` says so before a batch (in a group: the leader's `stop`, for
  // all).
  // One loop for both: alone is a group of one (no sums, no reducer); in a group each member
  // trains its slice of every batch (member_slice) and the step ends in one small sum.
  std::pair<double, double> train_epoch(const torch::Tensor& order, int epoch,
                                        const StopCheck& stop);

  // Bookkeeping after epoch `e`: schedule, early stopping and the best epoch. Returns true when
  // early stopping ends the training.
  bool end_epoch(int e, const EpochMetrics& m);

  // Whether early stopping has ended the training (after a restore: at the state's epoch).
  bool early_stopped() const { return early_stop_->stop(); }

  // Loads the best epoch's weights when it is not `last`; returns the epoch now in the model.
  int use_best(int last);

  // The checkpoint of the epoch now in the model (see use_best); in a group member 0 writes.
  void write_checkpoint_to(const std::string& path, const TrialSpec& spec, int epoch,
                           double val_acc);

  // In a group, after each epoch: throws std::runtime_error when a member's weights differ from
  // member 0's (they must not: every member applies the same summed gradients). Alone: nothing.
  void check_members_agree(int epoch);

  // In a group: the failure of this member's part since the last agreement point is recorded
  // with fail() and reported by the next point, where every member throws it (sync() is one).
  void fail(const std::string& why) {
    if (failure_.empty()) failure_ = why.empty() ? "failed" : why;
  }
  void sync();
  // Seconds spent waiting for gradient sums and the steps' agreements so far (0 alone).
  double sync_seconds() const { return (reducer_ ? reducer_->wait_seconds() : 0) + agree_seconds_; }
  // Gradient buckets whose sums started inside backward passes so far (0 alone).
  std::size_t overlapped_buckets() const { return reducer_ ? reducer_->started_in_backward() : 0; }

 private:
  EvalResult evaluate_group(const ImageSet& set, const torch::Tensor& idx, std::int64_t mistakes,
                            const PixelTransform* transform);
  std::vector<ActivationLayer> dead_units_group(const ImageSet& set, const torch::Tensor& idx);
  // In a group: every member's `mine` (its dropout stream's state, all of one length), one after
  // another in member order, on every member (one sum).
  std::string members_streams(const std::string& mine);
  void sync_buffers();
  // In a group: throws at `point` when SWEEP_FAULT_INJECT says so (tests).
  void fault_point(const char* point);
  bool writes_files() const { return group_ == nullptr || group_->rank() == 0; }

  TrainConfig c_;
  const LoadedData& d_;
  Normalization norm_;                   // the trial's: from the data's statistics or its keys
  torch::Tensor train_rows_, val_rows_;  // row indices into the training tensors
  torch::Device device_;
  TrialGroup* group_;
  Classifier model_;
  std::unique_ptr<torch::optim::Optimizer> opt_;
  std::unique_ptr<LrSchedule> schedule_;
  std::unique_ptr<EarlyStop> early_stop_;
  std::unique_ptr<GradientReducer> reducer_;
  std::uint64_t trial_id_;
  std::string params_;  // the trial's key values, written into its states
  BestEpoch best_;
  std::vector<EpochMetrics> restored_epochs_;
  std::optional<EpochPosition> resume_;  // where the next train_epoch starts (a restored stop)
  MidEpochSave mid_save_;                // state_minutes (empty: none inside epochs)
  Clock::duration state_interval_{};
  Clock::time_point last_state_{};
  torch::Tensor class_weight_, sample_weight_;
  std::string failure_;       // this member's failure not yet reported (group only)
  double agree_seconds_ = 0;  // waits in the steps' small sums
  // A step's small sum (failures, stop, loss, correct), kept here while it runs.
  std::array<double, 4> step_totals_{};
  double slowest_step_ = 0;  // seconds (group only: the deadline of its waits)
};

}  // namespace sweep::worker
