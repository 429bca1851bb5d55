// Applying a kept model (a checkpoint of sweep run --keep-best) to a data set: `sweep predict`.
// No LibTorch in this header.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/robustness.h"
#include "core/trial.h"
#include "worker/data/raw_images.h"

namespace sweep::worker {

struct Predictions {
  std::string source;  // what was read, e.g. "IDX test set in DIR"
  std::int64_t classes = 0;
  std::vector<std::int64_t> predicted;  // one per image
  std::vector<double> confidence;       // the predicted class's softmax probability
  std::vector<std::int64_t> labels;     // empty when the data has none
  // With labels only:
  std::vector<std::int64_t> confusion;  // classes x classes, row = true
  double accuracy = 0, macro_f1 = 0, auc = 0, qwk = 0;
  // The checkpoint's trial, the epoch its weights are from and that epoch's validation accuracy.
  std::uint64_t trial_id = 0;
  int epoch = 0;
  double val_acc = 0;
  std::string normalization;  // the checkpoint's, e.g. "mean 0.485 0.456 0.406 std 0.229 ..."
  std::string memory_format;  // the layout the model runs in, as its trial trained
  // With labels and a mistakes count: the most confident wrong predictions (rows: the images'
  // rows in the data read), and each one's image as the bytes of a PNG file.
  std::vector<Mistake> mistakes;
  std::vector<std::vector<std::uint8_t>> mistake_pngs;
  // With labels and robustness checks: the accuracy and macro F1 at each level, as a sweep's
  // table robustness holds them (noise seeded by the checkpoint's trial and each image's row).
  std::vector<RobustnessPoint> robustness;
};

// Evaluates the checkpoint at `checkpoint` on `data`: a folder of MNIST-format IDX files (its
// t10k-* test files when present, else its train-* files) or a CSV file (Kaggle format, with
// or without a `label` column). Pixels are normalized as the trial normalized them (the
// values, one or one per channel, stored in the checkpoint). Throws DataError naming the file on an
// unreadable checkpoint or data, an image shape other than the model's, or a label outside
// its classes.
// With `mistakes` > 0 and labels, also the `mistakes` most confident wrong predictions; with
// `robustness`, the model evaluated once per perturbation and level as `sweep run` evaluates
// it (worker/training/robustness_eval.h): DataError when the data have no labels.
Predictions predict_data(const std::string& checkpoint, const std::string& data,
                         std::int64_t mistakes = 0,
                         const std::vector<RobustnessCheck>& robustness = {});

// As predict_data, on images already read (`source` names them in messages and the result).
Predictions predict_images(const std::string& checkpoint, const RawImages& raw,
                           const std::string& source, std::int64_t mistakes = 0,
                           const std::vector<RobustnessCheck>& robustness = {});

}  // namespace sweep::worker
