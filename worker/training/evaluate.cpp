#include "worker/training/evaluate.h"

#include "worker/training/device.h"
#include "worker/training/metrics.h"
#include "worker/training/mistakes.h"

namespace sweep::worker {
namespace {

// Sets eval mode for its lifetime, then restores the mode the model had.
class EvalMode {
 public:
  explicit EvalMode(ClassifierImpl& m) : m_(m), was_training_(m.is_training()) { m_.eval(); }
  ~EvalMode() { m_.train(was_training_); }
  EvalMode(const EvalMode&) = delete;
  EvalMode& operator=(const EvalMode&) = delete;

 private:
  ClassifierImpl& m_;
  bool was_training_;
};

}  // namespace

EvalResult evaluate(ClassifierImpl& model, const ImageSet& set, const torch::Tensor& idx,
                    std::int64_t classes, const Normalization& norm, std::int64_t mistakes,
                    std::int64_t batch, const PixelTransform* transform) {
  torch::InferenceMode guard;
  EvalMode mode(model);
  const torch::Device device = device_of(model);
  const std::int64_t n = idx.defined() ? idx.size(0) : set.size();
  torch::Tensor counts = torch::zeros({classes * classes}, torch::kInt64);
  EvalResult r;
  std::vector<double>& scores = r.scores;
  std::vector<std::int64_t>& labels = r.labels;
  double loss_sum = 0;
  const Normalization unit;  // mean 0, std 1: pixel / 255, what a transform takes
  const Normalization& read_as = transform != nullptr ? unit : norm;
  for (std::int64_t s = 0; s < n; s += batch) {
    const std::int64_t len = std::min(batch, n - s);
    torch::Tensor xb, yb, rows;
    if (idx.defined()) {
      rows = idx.narrow(0, s, len);
      xb = set.rows(rows, read_as);
      yb = set.labels().index_select(0, rows);
    } else {
      rows = torch::arange(s, s + len, torch::kInt64);
      xb = set.range(s, len, read_as);
      yb = set.labels().narrow(0, s, len);
    }
    if (transform != nullptr) xb = from_unit_scale((*transform)(xb, rows), norm).contiguous();
    torch::Tensor logits = model.logits(xb.to(device)).to(torch::kFloat32);
    loss_sum += torch::nn::functional::cross_entropy(
                    logits, yb.to(device),
                    torch::nn::functional::CrossEntropyFuncOptions().reduction(torch::kSum))
                    .item<double>();
    logits = logits.cpu();
    const torch::Tensor predicted = logits.argmax(1);
    counts += torch::bincount(yb * classes + predicted, {}, classes * classes);
    const torch::Tensor probs = torch::softmax(logits, 1).contiguous();
    {
      const torch::Tensor y = yb.cpu().contiguous(), pred = predicted.contiguous();
      const float* p = probs.data_ptr<float>();
      for (std::int64_t i = 0; i < len; ++i) {
        r.calibration.add(p + i * classes, classes, y.data_ptr<std::int64_t>()[i],
                          pred.data_ptr<std::int64_t>()[i]);
      }
    }
    if (mistakes > 0) {
      add_mistakes(probs, yb, rows, static_cast<std::size_t>(mistakes), r.mistakes);
    }
    if (classes == 2) {
      torch::Tensor p = probs.select(1, 1).to(torch::kFloat64).contiguous();
      scores.insert(scores.end(), p.data_ptr<double>(), p.data_ptr<double>() + len);
      torch::Tensor yc = yb.contiguous();
      labels.insert(labels.end(), yc.data_ptr<std::int64_t>(), yc.data_ptr<std::int64_t>() + len);
    }
  }
  r.confusion.assign(counts.data_ptr<std::int64_t>(),
                     counts.data_ptr<std::int64_t>() + counts.numel());
  std::int64_t diag = 0;
  for (std::int64_t c = 0; c < classes; ++c) diag += r.confusion[c * classes + c];
  r.loss = n > 0 ? loss_sum / n : 0;
  r.accuracy = n > 0 ? static_cast<double>(diag) / n : 0;
  if (classes == 2) r.auc = roc_auc(scores, labels);
  return r;
}

torch::Tensor predict_probabilities(ClassifierImpl& model, const torch::Tensor& x,
                                    std::int64_t batch) {
  torch::InferenceMode guard;
  EvalMode mode(model);
  const torch::Device device = device_of(model);
  std::vector<torch::Tensor> parts;
  for (std::int64_t s = 0; s < x.size(0); s += batch) {
    const std::int64_t len = std::min(batch, x.size(0) - s);
    parts.push_back(
        torch::softmax(model.logits(x.narrow(0, s, len).to(device)).to(torch::kFloat32), 1).cpu());
  }
  if (parts.empty()) return torch::zeros({0, 0});
  return torch::cat(parts, 0);
}

}  // namespace sweep::worker
