#include "sweep/layout.h"

#include <algorithm>

namespace sweep {

int threads_per_worker(const NodeFacts& f, int requested) {
  if (requested > 0) return requested;
  const int workers = std::max(1, f.local_ranks - (f.coordinator_here ? 1 : 0));
  return std::max(1, std::min(f.cores / workers, f.own_cores));
}

}  // namespace sweep
