#include <string>

#include "worker/worker.h"

namespace sweep::worker {

double model_macs_per_sample(const TrialSpec& spec, const DataInfo& info) {
  const double f = std::stod(spec.get("filters"));
  const double dense = std::stod(spec.get("dense_units"));
  const double c = static_cast<double>(info.channels);
  const double hw = static_cast<double>(info.rows * info.cols);
  const double conv_full = hw * 9 * (c * f + f * f);
  const double conv_half = (hw / 4) * 9 * (f * 2 * f + 2 * f * 2 * f);
  const double dense_macs = (hw / 16) * 2 * f * dense + dense * 10;
  return conv_full + conv_half + dense_macs;
}

}  // namespace sweep::worker
