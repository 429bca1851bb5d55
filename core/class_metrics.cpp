#include "core/class_metrics.h"

#include <cmath>
#include <limits>

namespace sweep {
namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
}

std::vector<ClassMetrics> per_class(const std::vector<std::int64_t>& confusion, std::int64_t k) {
  std::vector<ClassMetrics> out(static_cast<std::size_t>(k));
  for (std::int64_t c = 0; c < k; ++c) {
    std::int64_t tp = confusion[c * k + c], actual = 0, predicted = 0;
    for (std::int64_t j = 0; j < k; ++j) {
      actual += confusion[c * k + j];
      predicted += confusion[j * k + c];
    }
    ClassMetrics& m = out[c];
    m.support = actual;
    m.precision = predicted > 0 ? static_cast<double>(tp) / predicted : kNaN;
    m.recall = actual > 0 ? static_cast<double>(tp) / actual : kNaN;
    if (actual == 0 && predicted == 0) {
      m.f1 = kNaN;
    } else {
      m.f1 = tp == 0 ? 0 : 2 * m.precision * m.recall / (m.precision + m.recall);
    }
  }
  return out;
}

double macro_f1(const std::vector<std::int64_t>& confusion, std::int64_t k) {
  double sum = 0;
  int used = 0;
  for (const ClassMetrics& m : per_class(confusion, k)) {
    if (std::isnan(m.f1)) continue;
    sum += m.f1;
    ++used;
  }
  return used == 0 ? kNaN : sum / used;
}

double accuracy_of(const std::vector<std::int64_t>& confusion, std::int64_t k) {
  std::int64_t total = 0, diag = 0;
  for (std::int64_t i = 0; i < k; ++i) {
    for (std::int64_t j = 0; j < k; ++j) total += confusion[i * k + j];
    diag += confusion[i * k + i];
  }
  return total == 0 ? kNaN : static_cast<double>(diag) / total;
}

double quadratic_weighted_kappa(const std::vector<std::int64_t>& confusion, std::int64_t k) {
  if (k < 2) return kNaN;
  std::vector<double> rows(k, 0), cols(k, 0);
  double n = 0;
  for (std::int64_t i = 0; i < k; ++i) {
    for (std::int64_t j = 0; j < k; ++j) {
      const double v = static_cast<double>(confusion[i * k + j]);
      rows[i] += v;
      cols[j] += v;
      n += v;
    }
  }
  if (n == 0) return kNaN;
  double observed = 0, expected = 0;
  const double scale = static_cast<double>((k - 1) * (k - 1));
  for (std::int64_t i = 0; i < k; ++i) {
    for (std::int64_t j = 0; j < k; ++j) {
      const double w = static_cast<double>((i - j) * (i - j)) / scale;
      observed += w * static_cast<double>(confusion[i * k + j]) / n;
      expected += w * rows[i] * cols[j] / (n * n);
    }
  }
  return expected == 0 ? kNaN : 1 - observed / expected;
}

}  // namespace sweep
