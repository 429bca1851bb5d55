#include "sweep/mpi/poll_ceiling.h"

#include <algorithm>
#include <cmath>

namespace sweep {

void PollCeiling::observe(double job_seconds) {
  if (!(job_seconds >= 0) || !std::isfinite(job_seconds)) return;
  typical_seconds_ =
      typical_seconds_ < 0 ? job_seconds : 0.8 * typical_seconds_ + 0.2 * job_seconds;
}

int PollCeiling::ceiling_us() const {
  if (typical_seconds_ < 0) return kFirstUs;
  const double us = typical_seconds_ * 1e6 / 100;
  return static_cast<int>(std::clamp(us, static_cast<double>(kMinUs), static_cast<double>(kMaxUs)));
}

}  // namespace sweep
