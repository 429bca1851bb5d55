// The trial types shared by every library: what to train (TrialSpec) and what came of it
// (TrialResult). Plain data, no MPI, no LibTorch, no HDF5.
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <utility>
#include <vector>

namespace sweep {

// One trial: every known key with its effective value (defaults filled in), in the order of
// the key schema, and the stable id computed from the keys that change the result.
struct TrialSpec {
  std::uint64_t trial_id = 0;
  std::vector<std::pair<std::string, std::string>> params;

  // Returns the value of `key`; throws std::out_of_range when the spec has no such key.
  const std::string& get(const std::string& key) const;
};

// kAbandoned: cut short because the sweep was stopped; never stored, so it runs again on resume.
// kPruned: stopped early by the sweep's stopping rule (stopping = median), its best epoch so far
// evaluated as a finished trial's; stored, and not run again.
enum class Status : std::int8_t {
  kOk = 0,
  kFailed = 1,
  kDiverged = 2,
  kAbandoned = 3,
  kPruned = 4
};

// "ok", "failed", "diverged", "abandoned" or "pruned".
const char* status_name(Status s);
// Inverse of status_name; throws std::invalid_argument on an unknown name.
Status status_from_name(const std::string& name);

// A wrong prediction of a trial's final model on the split it is evaluated on.
struct Mistake {
  // The image's row in its part of the data set: the test set (eval_split test), the training
  // part for validation images held out of it, or an image cache's own validation split.
  std::int64_t row = 0;
  std::int32_t true_label = 0, predicted = 0;
  double probability = 0;  // the predicted class's softmax probability
  bool operator==(const Mistake& o) const {
    return row == o.row && true_label == o.true_label && predicted == o.predicted &&
           probability == o.probability;
  }
};

// A trial's final model evaluated on perturbed images of the split it is evaluated on (key
// `robustness`, core/robustness.h): one perturbation at one level.
struct RobustnessPoint {
  std::string perturbation;  // perturbation_name
  double level = 0;
  double accuracy = 0, macro_f1 = 0;
  bool operator==(const RobustnessPoint& o) const {
    return perturbation == o.perturbation && level == o.level && accuracy == o.accuracy &&
           macro_f1 == o.macro_f1;
  }
};

// One activation layer of a trial's final model on the split it is evaluated on (key
// `dead_units`): how many units it has and the fraction that never exceeded 0 on any image.
struct ActivationLayer {
  std::string layer;  // e.g. "features.relu1", "stage2.block1.relu2", "block3.gelu", "backbone"
  std::int64_t units = 0;
  double dead_fraction = 0;
  bool operator==(const ActivationLayer& o) const {
    return layer == o.layer && units == o.units && dead_fraction == o.dead_fraction;
  }
};

// One confidence bin of a trial's final model on the split it is evaluated on (a reliability
// diagram's point; core/calibration.h): bin b holds confidences in (b/15, (b+1)/15].
struct CalibrationBin {
  std::int32_t bin = 0;
  std::int64_t rows = 0;
  double mean_confidence = 0, accuracy = 0;
  bool operator==(const CalibrationBin& o) const {
    return bin == o.bin && rows == o.rows && mean_confidence == o.mean_confidence &&
           accuracy == o.accuracy;
  }
};

struct EpochMetrics {
  int epoch = 0;  // 1-based
  double train_loss = 0, train_acc = 0;
  double val_loss = std::numeric_limits<double>::quiet_NaN();
  double val_acc = std::numeric_limits<double>::quiet_NaN();
  double seconds = 0;
};

struct TrialResult {
  static constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

  std::uint64_t trial_id = 0;
  Status status = Status::kFailed;
  std::string message;  // why a trial failed or diverged; empty when ok
  std::vector<EpochMetrics> epochs;
  double val_loss = kNaN, val_acc = kNaN;
  double test_loss = kNaN, test_acc = kNaN;
  double macro_f1 = kNaN;       // on the test set when there is one, else on validation
  double auc = kNaN;            // ROC AUC (2 classes only), same set as macro_f1
  double qwk = kNaN;            // quadratic weighted kappa (for ordinal labels), same set
  double ece = kNaN;            // expected calibration error (core/calibration.h), same set
  double brier = kNaN;          // multi-class Brier score, same set
  double robust_acc = kNaN;     // mean accuracy of `robustness` (NaN when none was asked)
  std::int32_t best_epoch = 0;  // the epoch whose weights gave the final metrics
  std::int32_t num_classes = 0;
  std::vector<std::int64_t> confusion;  // num_classes x num_classes, row = true, col = predicted
  std::string eval_split;               // "test", "val" or "" : where macro_f1/confusion come from
  std::vector<Mistake> mistakes;        // the most confident wrong predictions on eval_split
  std::vector<RobustnessPoint> robustness;   // on eval_split, in the order the key asks
  std::vector<ActivationLayer> activations;  // on eval_split, in the model's order (dead_units)
  std::vector<CalibrationBin> calibration;   // on eval_split, the bins that hold rows
  std::int32_t epochs_run = 0;
  std::int32_t epochs_restored = 0;  // epochs of `epochs` restored from a state, not trained here
  std::int32_t rung = 0;             // successive halving: the rung this result is for (else 0)
  std::string checkpoint;  // the best epoch's checkpoint file (sweep run --keep-best), or ""
  double wall_seconds = 0;
  double train_samples_per_s = 0;
  double sync_seconds = 0;  // ranks_per_trial > 1: the leader's wait for gradient sums (else 0)
  std::int32_t rank = 0;
  std::int32_t threads = 0;
  std::string host;
  std::string device;
  std::string memory_format;  // "contiguous" or "channels_last" (the model's); "" for noop
  double started_unix = 0, finished_unix = 0;
};

}  // namespace sweep
