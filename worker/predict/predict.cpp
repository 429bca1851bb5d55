#include "worker/predict/predict.h"

#include <filesystem>

#include "core/class_metrics.h"
#include "core/errors.h"
#include "worker/config/train_config.h"
#include "worker/data/csv_reader.h"
#include "worker/data/idx_reader.h"
#include "worker/data/image_decode.h"
#include "worker/models/memory_format.h"
#include "worker/tensors/dataset.h"
#include "worker/training/checkpoint.h"
#include "worker/training/evaluate.h"
#include "worker/training/metrics.h"
#include "worker/training/mistakes.h"
#include "worker/training/robustness_eval.h"

namespace sweep::worker {
namespace {

RawImages read_data(const std::string& data, std::string* source) {
  if (std::filesystem::is_directory(data)) {
    for (const char* prefix : {"t10k", "train"}) {
      const std::string images = find_idx_file(data, std::string(prefix) + "-images-idx3-ubyte");
      if (images.empty()) continue;
      RawImages raw = read_idx_images(images);
      const std::string labels = find_idx_file(data, std::string(prefix) + "-labels-idx1-ubyte");
      if (!labels.empty()) read_idx_labels(labels, raw);
      *source = std::string(prefix == std::string("t10k") ? "IDX test set" : "IDX training set") +
                " in " + data;
      return raw;
    }
    throw DataError(data + ": no t10k-images-idx3-ubyte[.gz] or train-images-idx3-ubyte[.gz]");
  }
  if (!std::filesystem::is_regular_file(data)) throw DataError(data + ": no such file or folder");
  *source = "CSV " + data;
  return read_csv_images(data, /*require_labels=*/false);
}

}  // namespace

Predictions predict_data(const std::string& checkpoint, const std::string& data,
                         std::int64_t mistakes, const std::vector<RobustnessCheck>& robustness) {
  std::string source;
  const RawImages raw = read_data(data, &source);
  return predict_images(checkpoint, raw, source, mistakes, robustness);
}

Predictions predict_images(const std::string& checkpoint, const RawImages& raw,
                           const std::string& source, std::int64_t mistakes,
                           const std::vector<RobustnessCheck>& robustness) {
  Predictions p;
  p.source = source;
  const std::string& data = source;
  LoadedCheckpoint ck = load_checkpoint(checkpoint);
  p.trial_id = ck.info.trial_id;
  p.epoch = ck.info.epoch;
  p.val_acc = ck.info.val_acc;
  p.classes = ck.info.shape.classes;
  const ModelShape& s = ck.info.shape;
  if (raw.channels != s.channels || raw.rows != s.rows || raw.cols != s.cols) {
    throw DataError(data + ": images are " + std::to_string(raw.channels) + "x" +
                    std::to_string(raw.rows) + "x" + std::to_string(raw.cols) +
                    "; the model was trained on " + std::to_string(s.channels) + "x" +
                    std::to_string(s.rows) + "x" + std::to_string(s.cols));
  }
  for (std::size_t i = 0; i < raw.labels.size(); ++i) {
    if (raw.labels[i] < 0 || raw.labels[i] >= p.classes) {
      throw DataError(data + ": label " + std::to_string(raw.labels[i]) + " of image " +
                      std::to_string(i + 1) + " is outside the model's " +
                      std::to_string(p.classes) + " classes");
    }
  }
  p.normalization = ck.info.norm.describe();
  p.memory_format = memory_format_name(ck.model->channels_last());
  torch::Tensor x = images_to_tensor(raw, ck.info.norm);
  torch::Tensor prob = predict_probabilities(*ck.model, x);
  auto [conf, pred] = prob.max(1);
  pred = pred.contiguous();
  conf = conf.to(torch::kFloat64).contiguous();
  p.predicted.assign(pred.data_ptr<std::int64_t>(), pred.data_ptr<std::int64_t>() + pred.numel());
  p.confidence.assign(conf.data_ptr<double>(), conf.data_ptr<double>() + conf.numel());
  p.labels = raw.labels;
  if (!p.labels.empty()) {
    p.confusion.assign(static_cast<std::size_t>(p.classes * p.classes), 0);
    for (std::size_t i = 0; i < p.labels.size(); ++i) {
      ++p.confusion[p.labels[i] * p.classes + p.predicted[i]];
    }
    p.accuracy = accuracy_of(p.confusion, p.classes);
    p.macro_f1 = macro_f1(p.confusion, p.classes);
    p.qwk = quadratic_weighted_kappa(p.confusion, p.classes);
    p.auc = std::numeric_limits<double>::quiet_NaN();
    if (p.classes == 2) {
      torch::Tensor pos = prob.select(1, 1).to(torch::kFloat64).contiguous();
      p.auc = roc_auc({pos.data_ptr<double>(), pos.data_ptr<double>() + pos.numel()}, p.labels);
    }
    if (mistakes > 0) {
      add_mistakes(prob, torch::tensor(p.labels, torch::kInt64),
                   torch::arange(static_cast<std::int64_t>(p.labels.size()), torch::kInt64),
                   static_cast<std::size_t>(mistakes), p.mistakes);
      const std::int64_t size = raw.channels * raw.rows * raw.cols;
      for (const Mistake& m : p.mistakes) {
        p.mistake_pngs.push_back(
            encode_png(raw.pixels.data() + m.row * size, static_cast<int>(raw.channels),
                       static_cast<int>(raw.rows), static_cast<int>(raw.cols)));
      }
    }
  }
  if (!robustness.empty()) {
    if (p.labels.empty()) {
      throw DataError(data + ": has no labels, so no accuracy under perturbations can be measured");
    }
    const ImageSet set(
        torch::from_blob(const_cast<std::uint8_t*>(raw.pixels.data()),
                         {raw.count, raw.channels, raw.rows, raw.cols}, torch::kUInt8),
        torch::tensor(p.labels, torch::kInt64));
    p.robustness = evaluate_robustness(robustness, trial_seed_of(p.trial_id), p.classes,
                                       [&](const PixelTransform& f) {
                                         return evaluate(*ck.model, set, torch::Tensor(), p.classes,
                                                         ck.info.norm, 0, kEvalBatch, &f);
                                       });
  }
  return p;
}

}  // namespace sweep::worker
