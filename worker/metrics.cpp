#include "worker/metrics.h"

#include <limits>

namespace sweep::worker {

double macro_f1(const std::vector<std::int64_t>& confusion, std::int64_t k) {
  double sum = 0;
  int used = 0;
  for (std::int64_t c = 0; c < k; ++c) {
    std::int64_t tp = confusion[c * k + c], actual = 0, predicted = 0;
    for (std::int64_t j = 0; j < k; ++j) {
      actual += confusion[c * k + j];
      predicted += confusion[j * k + c];
    }
    if (actual == 0 && predicted == 0) continue;
    ++used;
    if (tp == 0) continue;
    double precision = static_cast<double>(tp) / predicted;
    double recall = static_cast<double>(tp) / actual;
    sum += 2 * precision * recall / (precision + recall);
  }
  return used == 0 ? std::numeric_limits<double>::quiet_NaN() : sum / used;
}

double accuracy_of(const std::vector<std::int64_t>& confusion, std::int64_t k) {
  std::int64_t total = 0, diag = 0;
  for (std::int64_t i = 0; i < k; ++i) {
    for (std::int64_t j = 0; j < k; ++j) total += confusion[i * k + j];
    diag += confusion[i * k + i];
  }
  return total == 0 ? std::numeric_limits<double>::quiet_NaN() : static_cast<double>(diag) / total;
}

}  // namespace sweep::worker
