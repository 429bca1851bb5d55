#include "worker/training/mistakes.h"

#include <algorithm>

namespace sweep::worker {

void add_mistakes(const torch::Tensor& prob, const torch::Tensor& labels, const torch::Tensor& rows,
                  std::size_t keep, std::vector<Mistake>& out) {
  if (keep == 0 || prob.size(0) == 0) return;
  auto [conf, pred] = prob.to(torch::kFloat32).max(1);
  const torch::Tensor wrong = pred.ne(labels).nonzero().flatten();
  const torch::Tensor c = conf.index_select(0, wrong).to(torch::kFloat64).contiguous();
  const torch::Tensor p = pred.index_select(0, wrong).contiguous();
  const torch::Tensor y = labels.index_select(0, wrong).to(torch::kInt64).contiguous();
  const torch::Tensor r = rows.index_select(0, wrong).to(torch::kInt64).contiguous();
  for (std::int64_t i = 0; i < wrong.size(0); ++i) {
    Mistake m;
    m.row = r.data_ptr<std::int64_t>()[i];
    m.true_label = static_cast<std::int32_t>(y.data_ptr<std::int64_t>()[i]);
    m.predicted = static_cast<std::int32_t>(p.data_ptr<std::int64_t>()[i]);
    m.probability = c.data_ptr<double>()[i];
    out.push_back(m);
  }
  keep_most_confident(out, keep);
}

void keep_most_confident(std::vector<Mistake>& m, std::size_t keep) {
  std::sort(m.begin(), m.end(), [](const Mistake& a, const Mistake& b) {
    if (a.probability != b.probability) return a.probability > b.probability;
    return a.row < b.row;
  });
  if (m.size() > keep) m.resize(keep);
}

}  // namespace sweep::worker
