#include "worker/evaluate.h"

namespace sweep::worker {

EvalResult evaluate(Cnn& model, const torch::Tensor& x, const torch::Tensor& y,
                    const torch::Tensor& idx, std::int64_t classes, std::int64_t batch) {
  torch::InferenceMode guard;
  model->eval();
  const std::int64_t n = idx.defined() ? idx.size(0) : x.size(0);
  torch::Tensor counts = torch::zeros({classes * classes}, torch::kInt64);
  double loss_sum = 0;
  for (std::int64_t s = 0; s < n; s += batch) {
    const std::int64_t len = std::min(batch, n - s);
    torch::Tensor xb, yb;
    if (idx.defined()) {
      torch::Tensor bi = idx.narrow(0, s, len);
      xb = x.index_select(0, bi);
      yb = y.index_select(0, bi);
    } else {
      xb = x.narrow(0, s, len);
      yb = y.narrow(0, s, len);
    }
    torch::Tensor logits = model->forward(xb);
    loss_sum +=
        torch::nn::functional::cross_entropy(
            logits, yb, torch::nn::functional::CrossEntropyFuncOptions().reduction(torch::kSum))
            .item<double>();
    counts += torch::bincount(yb * classes + logits.argmax(1), {}, classes * classes);
  }
  model->train();
  EvalResult r;
  r.confusion.assign(counts.data_ptr<std::int64_t>(),
                     counts.data_ptr<std::int64_t>() + counts.numel());
  std::int64_t diag = 0;
  for (std::int64_t c = 0; c < classes; ++c) diag += r.confusion[c * classes + c];
  r.loss = n > 0 ? loss_sum / n : 0;
  r.accuracy = n > 0 ? static_cast<double>(diag) / n : 0;
  return r;
}

}  // namespace sweep::worker
