#include "core/calibration.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace sweep {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

int bin_of(double confidence) {
  const int b = static_cast<int>(std::ceil(confidence * Calibration::kBins)) - 1;
  return std::clamp(b, 0, Calibration::kBins - 1);
}

}  // namespace

void Calibration::add(const float* p, std::int64_t k, std::int64_t label, std::int64_t predicted) {
  const double confidence = p[predicted];
  const int b = bin_of(confidence);
  count_[b] += 1;
  confidence_[b] += confidence;
  if (predicted == label) correct_[b] += 1;
  for (std::int64_t c = 0; c < k; ++c) {
    const double e = static_cast<double>(p[c]) - (c == label ? 1.0 : 0.0);
    squared_error_ += e * e;
  }
}

void Calibration::add(const Calibration& other) {
  for (int b = 0; b < kBins; ++b) {
    count_[b] += other.count_[b];
    confidence_[b] += other.confidence_[b];
    correct_[b] += other.correct_[b];
  }
  squared_error_ += other.squared_error_;
}

std::int64_t Calibration::total_rows() const {
  double n = 0;
  for (double c : count_) n += c;
  return static_cast<std::int64_t>(std::llround(n));
}

double Calibration::ece() const {
  const std::int64_t n = total_rows();
  if (n == 0) return kNaN;
  double gap = 0;
  for (int b = 0; b < kBins; ++b) gap += std::fabs(correct_[b] - confidence_[b]);
  return gap / static_cast<double>(n);
}

double Calibration::brier() const {
  const std::int64_t n = total_rows();
  return n == 0 ? kNaN : squared_error_ / static_cast<double>(n);
}

std::int64_t Calibration::rows(int bin) const {
  return static_cast<std::int64_t>(std::llround(count_.at(static_cast<std::size_t>(bin))));
}

double Calibration::mean_confidence(int bin) const {
  const auto b = static_cast<std::size_t>(bin);
  return count_.at(b) > 0 ? confidence_[b] / count_[b] : kNaN;
}

double Calibration::accuracy(int bin) const {
  const auto b = static_cast<std::size_t>(bin);
  return count_.at(b) > 0 ? correct_[b] / count_[b] : kNaN;
}

std::vector<double> Calibration::to_sums() const {
  std::vector<double> v;
  v.reserve(kSums);
  v.insert(v.end(), count_.begin(), count_.end());
  v.insert(v.end(), confidence_.begin(), confidence_.end());
  v.insert(v.end(), correct_.begin(), correct_.end());
  v.push_back(squared_error_);
  return v;
}

Calibration Calibration::from_sums(const std::vector<double>& sums) {
  if (sums.size() != kSums) throw std::invalid_argument("Calibration::from_sums: wrong size");
  Calibration c;
  for (int b = 0; b < kBins; ++b) {
    const auto i = static_cast<std::size_t>(b);
    c.count_[i] = sums[i];
    c.confidence_[i] = sums[kBins + i];
    c.correct_[i] = sums[2 * kBins + i];
  }
  c.squared_error_ = sums[3 * kBins];
  return c;
}

std::vector<CalibrationBin> calibration_bins(const Calibration& c) {
  std::vector<CalibrationBin> out;
  for (int b = 0; b < Calibration::kBins; ++b) {
    if (c.rows(b) == 0) continue;
    out.push_back({b, c.rows(b), c.mean_confidence(b), c.accuracy(b)});
  }
  return out;
}

}  // namespace sweep
